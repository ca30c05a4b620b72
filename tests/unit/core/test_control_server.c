// SPDX-License-Identifier: GPL-3.0-or-later
// The control socket for real, in a private temporary directory: the server runs in this
// process's loop, clients are raw sockets here or the real client in a child process.
#include "core/client.h"
#include "core/control_server.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct handler_state {
	size_t body_bytes; // answer size for "status json"
	int calls;
	uid_t last_uid;
};

static int handler(void *arg, const struct sc_control_request *req,
		   const struct sc_peer_identity *who, struct sc_outbuf *body, char *err, size_t errlen)
{
	struct handler_state *hs = arg;
	hs->calls++;
	hs->last_uid = who->uid;
	if (!sc_control_wants_json(req)) {
		sc_outbuf_puts(body, "site: test\nstate: ready\n");
		return 0;
	}
	if (hs->body_bytes == 0) {
		snprintf(err, errlen, "no status yet");
		return -EAGAIN;
	}
	for (size_t i = 0; i < hs->body_bytes; i++)
		sc_outbuf_append(body, i % 64 == 63 ? "\n" : "x", 1);
	return 0;
}

static char dir[] = "/tmp/sc-control-XXXXXX";
static char path[96];

static struct sc_control_server_options options(struct handler_state *hs)
{
	return (struct sc_control_server_options){
		.path = path, .mode = 0660, .read_timeout_ms = 1000, .write_timeout_ms = 1000,
		.max_clients = 4, .max_response = 1 << 20, .handler = handler, .handler_arg = hs,
	};
}

static int connect_raw(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	CHECK_EQ_INT(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

// Reads what the server sends on FD until it closes, running the loop meanwhile; gives up
// after BUDGET_MS. Returns the bytes read (-1 if the server never closed).
static long drain(struct sc_loop *loop, int fd, struct sc_outbuf *got, unsigned budget_ms)
{
	uint64_t until = sc_loop_now_ms() + budget_ms;
	while (sc_loop_now_ms() < until) {
		sc_loop_run_once(loop, 10);
		for (;;) {
			char chunk[8192];
			ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
			if (n > 0) {
				sc_outbuf_append(got, chunk, (size_t)n);
				continue;
			}
			if (n == 0 || (n < 0 && errno == ECONNRESET))
				return (long)got->len;
			break;
		}
	}
	return -1;
}

static void exchange(struct sc_loop *loop, const char *data, size_t len, const char *want)
{
	int fd = connect_raw();
	CHECK_EQ_INT(send(fd, data, len, MSG_NOSIGNAL), (long)len);
	struct sc_outbuf got;
	sc_outbuf_init(&got, 1 << 22);
	CHECK(drain(loop, fd, &got, 2000) >= 0);
	if (!got.data || strcmp(got.data, want) != 0)
		fprintf(stderr, "sent %.40s: got '%s' want '%s'\n", data, got.data ? got.data : "",
			want);
	CHECK(got.data && strcmp(got.data, want) == 0);
	sc_outbuf_free(&got);
	close(fd);
}

#define EXCHANGE_S(loop, s, want) exchange((loop), (s), sizeof(s) - 1, (want))

static void test_requests(struct sc_loop *loop, struct handler_state *hs)
{
	EXCHANGE_S(loop, "status\n", "ok\nsite: test\nstate: ready\n");
	EXCHANGE_S(loop, "status json\n", "error no status yet\n");
	EXCHANGE_S(loop, "bogus\n", "error unknown command 'bogus' (commands: status, call, answer, hangup, verify, unverify, forget, mute, volume, history, dtmf)\n");
	EXCHANGE_S(loop, "status\r\n", "error non-printable character 0x0d at byte 7\n");
	// The request ends at its newline: whatever follows is never read, let alone run.
	EXCHANGE_S(loop, "status\nbogus\n", "ok\nsite: test\nstate: ready\n");
	char big[1000];
	memset(big, 'a', sizeof(big));
	exchange(loop, big, sizeof(big), "error request longer than 256 bytes\n");
	CHECK_EQ_INT(hs->calls, 4); // one more from the lifecycle test
	CHECK_EQ_INT(hs->last_uid, getuid());

	// The client ends its side without a newline.
	int fd = connect_raw();
	CHECK_EQ_INT(send(fd, "status", 6, MSG_NOSIGNAL), 6);
	CHECK_EQ_INT(shutdown(fd, SHUT_WR), 0);
	struct sc_outbuf got;
	sc_outbuf_init(&got, 4096);
	CHECK(drain(loop, fd, &got, 2000) >= 0);
	CHECK(got.data && strcmp(got.data, "error request must end with a newline\n") == 0);
	sc_outbuf_free(&got);
	close(fd);

	// An answer much larger than a socket buffer arrives whole.
	hs->body_bytes = 300000;
	fd = connect_raw();
	CHECK_EQ_INT(send(fd, "status json\n", 12, MSG_NOSIGNAL), 12);
	sc_outbuf_init(&got, 1 << 22);
	CHECK_EQ_INT(drain(loop, fd, &got, 3000), 3 + 300000);
	CHECK(got.data && memcmp(got.data, "ok\nxxx", 6) == 0);
	sc_outbuf_free(&got);
	close(fd);

	// Larger than the limit: refused as a whole.
	hs->body_bytes = (1 << 20) + 1;
	EXCHANGE_S(loop, "status json\n", "error answer larger than 1048576 bytes\n");
	hs->body_bytes = 0;
}

static void test_slow_clients(struct sc_loop *loop, struct sc_control_server *srv)
{
	// A client that sends half a request and waits is dropped after the read deadline, and
	// does not delay anybody else meanwhile.
	int slow = connect_raw();
	CHECK_EQ_INT(send(slow, "sta", 3, MSG_NOSIGNAL), 3);
	uint64_t start = sc_loop_now_ms();
	EXCHANGE_S(loop, "status\n", "ok\nsite: test\nstate: ready\n");
	// Served while the slow client still waits for its deadline.
	CHECK_EQ_INT(sc_control_server_client_count(srv), 1);
	struct sc_outbuf got;
	sc_outbuf_init(&got, 4096);
	// Told why, so that the command line can say more than "connection closed".
	static const char timed_out[] = "error no complete request line within 1000 ms\n";
	CHECK_EQ_INT(drain(loop, slow, &got, 3000), (long)sizeof(timed_out) - 1);
	CHECK(got.data && strcmp(got.data, timed_out) == 0);
	uint64_t took = sc_loop_now_ms() - start;
	CHECK(took >= 990 && took < 2500);
	sc_outbuf_free(&got);
	close(slow);
	CHECK_EQ_INT(sc_control_server_client_count(srv), 0);

	// The loop is held past the read deadline (a slow first boot) and the request comes in
	// meanwhile: the expired deadline is dispatched first, and the request is still answered.
	int held = connect_raw();
	for (uint64_t until = sc_loop_now_ms() + 1000;
	     sc_control_server_client_count(srv) == 0 && sc_loop_now_ms() < until;)
		sc_loop_run_once(loop, 10);
	CHECK_EQ_INT(sc_control_server_client_count(srv), 1);
	usleep(1100 * 1000);
	CHECK_EQ_INT(send(held, "status\n", 7, MSG_NOSIGNAL), 7);
	sc_outbuf_init(&got, 4096);
	CHECK(drain(loop, held, &got, 2000) > 0);
	CHECK(got.data && strcmp(got.data, "ok\nsite: test\nstate: ready\n") == 0);
	sc_outbuf_free(&got);
	close(held);
	CHECK_EQ_INT(sc_control_server_client_count(srv), 0);

	// A client that never reads a big answer is dropped after the write deadline.
	int lazy = connect_raw();
	CHECK_EQ_INT(send(lazy, "status json\n", 12, MSG_NOSIGNAL), 12);
	uint64_t until = sc_loop_now_ms() + 1600;
	while (sc_loop_now_ms() < until)
		sc_loop_run_once(loop, 50);
	CHECK_EQ_INT(sc_control_server_client_count(srv), 0);
	close(lazy);

	// Beyond max_clients, a connection is told the server is busy.
	int idle[4];
	for (int i = 0; i < 4; i++)
		idle[i] = connect_raw();
	for (int i = 0; i < 5; i++)
		sc_loop_run_once(loop, 10);
	CHECK_EQ_INT(sc_control_server_client_count(srv), 4);
	EXCHANGE_S(loop, "status\n", "error busy: too many control connections, try again\n");
	for (int i = 0; i < 4; i++)
		close(idle[i]);
	until = sc_loop_now_ms() + 200;
	while (sc_loop_now_ms() < until && sc_control_server_client_count(srv) > 0)
		sc_loop_run_once(loop, 10);
	CHECK_EQ_INT(sc_control_server_client_count(srv), 0);
}

// Runs the real client in a child while this process serves; returns the child's exit code.
static int client_in_child(struct sc_loop *loop, const char *request, const char *want_body,
			   bool want_ok, uid_t as_uid, gid_t as_gid)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (as_uid != getuid() && (setgroups(0, NULL) < 0 || setgid(as_gid) < 0 ||
					   setuid(as_uid) < 0))
			_exit(10);
		struct sc_outbuf resp;
		sc_outbuf_init(&resp, 1 << 20);
		int r = sc_control_request(path, request, 2000, &resp);
		if (r < 0)
			_exit(r == -ENOENT || r == -ECONNREFUSED ? 3 : 11);
		bool ok;
		const char *body;
		size_t len;
		if (sc_control_response_split(&resp, &ok, &body, &len) < 0)
			_exit(12);
		_exit(ok == want_ok && len == strlen(want_body) && memcmp(body, want_body, len) == 0
			      ? 0 : 13);
	}
	int status = -1;
	uint64_t until = sc_loop_now_ms() + 5000;
	while (sc_loop_now_ms() < until) {
		sc_loop_run_once(loop, 10);
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 101;
}

static void test_real_client(struct sc_loop *loop)
{
	CHECK_EQ_INT(client_in_child(loop, "status", "site: test\nstate: ready\n", true, getuid(),
				     getgid()), 0);
	CHECK_EQ_INT(client_in_child(loop, "status json", "no status yet", false, getuid(),
				     getgid()), 0);
	CHECK_EQ_INT(client_in_child(loop, "nope", "unknown command 'nope' (commands: status, call, answer, hangup, verify, unverify, forget, mute, volume, history, dtmf)",
				     false, getuid(), getgid()), 0);
}

static void test_permissions(struct sc_loop *loop, struct handler_state *hs)
{
	if (getuid() != 0) {
		printf("not root: permission cases skipped\n");
		return;
	}
	// Open the file to everyone so that only the daemon's own check stands in the way.
	CHECK_EQ_INT(chmod(path, 0666), 0);
	CHECK_EQ_INT(chmod(dir, 0755), 0);
	int calls = hs->calls;
	CHECK_EQ_INT(client_in_child(loop, "status", "permission denied", false, 65534, 65534), 0);
	CHECK_EQ_INT(hs->calls, calls);
	CHECK_EQ_INT(chmod(path, 0660), 0);
	// With the mode as the daemon sets it, others cannot even connect.
	CHECK_EQ_INT(client_in_child(loop, "status", "", false, 65534, 65534), 11);
	CHECK_EQ_INT(chmod(dir, 0700), 0);
}

static void test_group_member_allowed(struct sc_loop *loop, struct handler_state *hs)
{
	if (getuid() != 0)
		return;
	// A second server whose group is 65534 (nogroup): a member is served.
	struct sc_control_server *srv;
	struct sc_control_server_options o = options(hs);
	o.have_group = true;
	o.group = 65534;
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), 0);
	struct stat st;
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_gid, 65534);
	CHECK_EQ_INT(st.st_mode & 07777, 0660);
	CHECK_EQ_INT(chmod(dir, 0755), 0);
	CHECK_EQ_INT(client_in_child(loop, "status", "site: test\nstate: ready\n", true, 65534,
				     65534), 0);
	CHECK_EQ_INT(hs->last_uid, 65534);
	CHECK_EQ_INT(chmod(dir, 0700), 0);
	sc_control_server_close(srv);
}

static void test_socket_file_lifecycle(struct sc_loop *loop, struct handler_state *hs)
{
	struct sc_control_server_options o = options(hs);
	struct sc_control_server *srv, *second;
	CHECK_EQ_INT(sc_control_socket_probe(path), 0);
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), 0);
	struct stat st;
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_EQ_INT(st.st_mode & 07777, 0660);
	CHECK_EQ_INT(sc_control_socket_probe(path), 1);
	// A live server is never displaced.
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &second), -EADDRINUSE);
	CHECK_EQ_INT(stat(path, &st), 0);
	sc_control_server_close(srv);
	CHECK_EQ_INT(stat(path, &st), -1);
	CHECK_EQ_INT(sc_control_socket_probe(path), 0);

	// A stale socket left by a crash is replaced.
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	CHECK_EQ_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	CHECK_EQ_INT(sc_control_socket_probe(path), 0);
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), 0);
	EXCHANGE_S(loop, "status\n", "ok\nsite: test\nstate: ready\n");
	sc_control_server_close(srv);

	// Something that is not a socket is left alone.
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	CHECK_EQ_INT(sc_control_socket_probe(path), -ENOTSOCK);
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), -EEXIST);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	unlink(path);

	// A path too long for sun_path is refused with a reason, not truncated.
	char longpath[200];
	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	o.path = longpath;
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), -ENAMETOOLONG);
}

// A socket that accepts and closes without a word (a daemon stopping): the client says
// so (-ECONNABORTED), rather than calling the answer foreign (-EPROTO).
static void test_closed_without_answer(void)
{
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	CHECK_EQ_INT(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_EQ_INT(listen(lfd, 1), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct sc_outbuf resp;
		sc_outbuf_init(&resp, 4096);
		int r = sc_control_request(path, "status", 2000, &resp);
		_exit(r == -ECONNABORTED ? 0 : 20 + (r < 0 && -r < 100 ? -r : 99));
	}
	int cfd = accept(lfd, NULL, NULL);
	CHECK(cfd >= 0);
	if (cfd >= 0)
		close(cfd);
	int status = -1;
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK_EQ_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0); // 20 + errno otherwise
	close(lfd);
	unlink(path);
}

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/control", dir);
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct handler_state hs = { 0 };

	test_socket_file_lifecycle(loop, &hs);

	struct sc_control_server *srv;
	struct sc_control_server_options o = options(&hs);
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), 0);
	test_requests(loop, &hs);
	hs.body_bytes = 900000;
	test_slow_clients(loop, srv);
	hs.body_bytes = 0;
	test_real_client(loop);
	test_permissions(loop, &hs);
	sc_control_server_close(srv);
	test_group_member_allowed(loop, &hs);

	// With the daemon gone the client reports it as not running.
	CHECK_EQ_INT(client_in_child(loop, "status", "", true, getuid(), getgid()), 3);
	test_closed_without_answer();
	sc_loop_free(loop);
	rmdir(dir);
	return check_done();
}
