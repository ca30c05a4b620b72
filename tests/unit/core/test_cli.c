// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the real `sealcall` (and, when built, `sealcalld`'s argument and policy checks) as an
// operator would, against a control server in this process, and checks output and exit codes.
#include "core/control_server.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/sc-cli-XXXXXX";
static char sock_path[96];
static char cli[512], daemon_bin[512];

struct run {
	int code;
	char out[4096], err[4096];
};

static int handler(void *arg, const struct sc_control_request *req,
		   const struct sc_peer_identity *who, struct sc_outbuf *body, char *err,
		   size_t errlen)
{
	(void)arg;
	(void)who;
	if (getenv("SC_TEST_REFUSE")) {
		snprintf(err, errlen, "permission denied");
		return -EACCES;
	}
	if (sc_control_wants_json(req))
		sc_outbuf_puts(body, "{\"site\":\"paris\"}\n");
	else
		sc_outbuf_puts(body, "site: paris\nstate: ready\n");
	return 0;
}

static void read_all(int fd, char *buf, size_t len)
{
	size_t used = 0;
	while (used < len - 1) {
		ssize_t n = read(fd, buf + used, len - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
}

// Runs ARGV with the loop (if any) serving meanwhile; at most 10 s.
static void run(struct sc_loop *loop, struct run *r, char *const argv[])
{
	int out[2], err[2];
	memset(r, 0, sizeof(*r));
	r->code = -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	int status = 0;
	uint64_t until = sc_loop_now_ms() + 10000;
	bool done = false;
	while (!done && sc_loop_now_ms() < until) {
		if (loop)
			sc_loop_run_once(loop, 10);
		else
			usleep(10000);
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	// The output fits in the pipe buffers, so the child never blocked on it.
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	r->code = done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define ARGV(...) ((char *const[]){ __VA_ARGS__, NULL })

static void test_cli_against_server(struct sc_loop *loop)
{
	struct run r;
	run(loop, &r, ARGV(cli, "--socket", sock_path, "status"));
	CHECK_EQ_INT(r.code, 0);
	CHECK(strcmp(r.out, "site: paris\nstate: ready\n") == 0);
	CHECK(r.err[0] == '\0');

	run(loop, &r, ARGV(cli, "--socket=" "/nonexistent/x", "--socket", sock_path, "status",
			   "--json"));
	CHECK_EQ_INT(r.code, 0);
	CHECK(strcmp(r.out, "{\"site\":\"paris\"}\n") == 0);

	setenv("SEALCALL_SOCKET", sock_path, 1);
	run(loop, &r, ARGV(cli, "status"));
	CHECK_EQ_INT(r.code, 0);
	CHECK_STR_CONTAINS(r.out, "state: ready");

	setenv("SC_TEST_REFUSE", "1", 1);
	run(loop, &r, ARGV(cli, "status"));
	unsetenv("SC_TEST_REFUSE");
	CHECK_EQ_INT(r.code, 1);
	CHECK_STR_CONTAINS(r.err, "sealcalld refused: permission denied");
	CHECK_STR_CONTAINS(r.err, "sealcall group");
	unsetenv("SEALCALL_SOCKET");
}

static void test_cli_usage(void)
{
	struct run r;
	run(NULL, &r, ARGV(cli, "--help"));
	CHECK_EQ_INT(r.code, 0);
	CHECK_STR_CONTAINS(r.out, "usage: sealcall [--socket PATH] COMMAND");
	CHECK_STR_CONTAINS(r.out, "status [--json]");
	run(NULL, &r, ARGV(cli, "--version"));
	CHECK_EQ_INT(r.code, 0);
	CHECK_STR_CONTAINS(r.out, "sealcall ");
	run(NULL, &r, ARGV(cli));
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "usage:");
	run(NULL, &r, ARGV(cli, "dance"));
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "unknown command 'dance'");
	run(NULL, &r, ARGV(cli, "status", "--yaml"));
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "unknown argument '--yaml'");
	run(NULL, &r, ARGV(cli, "--socket"));
	CHECK_EQ_INT(r.code, 2);
	run(NULL, &r, ARGV(cli, "--frob", "status"));
	CHECK_EQ_INT(r.code, 2);
}

static void test_cli_not_running(void)
{
	struct run r;
	char missing[128];
	snprintf(missing, sizeof(missing), "%s/none", dir);
	run(NULL, &r, ARGV(cli, "--socket", missing, "status"));
	CHECK_EQ_INT(r.code, 3);
	CHECK_STR_CONTAINS(r.err, "sealcalld is not running");
	CHECK_STR_CONTAINS(r.err, missing);
	CHECK_STR_CONTAINS(r.err, "systemctl start sealcall");
	CHECK(r.out[0] == '\0');

	// A socket file left by a crashed daemon: nobody answers.
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	CHECK_EQ_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	run(NULL, &r, ARGV(cli, "--socket", sock_path, "status", "--json"));
	CHECK_EQ_INT(r.code, 3);
	CHECK_STR_CONTAINS(r.err, "not running");
	unlink(sock_path);
}

static void test_daemon_cli(void)
{
	if (access(daemon_bin, X_OK) != 0) {
		printf("sealcalld not built here: its command-line cases skipped\n");
		return;
	}
	struct run r;
	run(NULL, &r, ARGV(daemon_bin, "--help"));
	CHECK_EQ_INT(r.code, 0);
	CHECK_STR_CONTAINS(r.out, "--check-config FILE");
	run(NULL, &r, ARGV(daemon_bin, "--bogus"));
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "unknown argument '--bogus'");

	// A policy that cannot be read stops the daemon at once, before the runtime directory is
	// even created.
	char missing[128], runtime[128];
	snprintf(missing, sizeof(missing), "%s/missing.yaml", dir);
	snprintf(runtime, sizeof(runtime), "%s/run", dir);
	run(NULL, &r, ARGV(daemon_bin, "--check-config", missing));
	CHECK_EQ_INT(r.code, 1);
	CHECK_STR_CONTAINS(r.err, missing);
	run(NULL, &r, ARGV(daemon_bin, "--config", missing, "--runtime-dir", runtime));
	CHECK_EQ_INT(r.code, 1);
	CHECK_STR_CONTAINS(r.err, "nothing was started");
	struct stat st;
	CHECK_EQ_INT(stat(runtime, &st), -1);

	// The same for a policy with mistakes: every one of them is reported with its place.
	char bad[128];
	snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
	FILE *f = fopen(bad, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("site:\n  name: Paris!\nsip:\n  transport: udp\n", f);
	fclose(f);
	run(NULL, &r, ARGV(daemon_bin, "--check-config", bad));
	CHECK_EQ_INT(r.code, 1);
	CHECK_STR_CONTAINS(r.err, "bad.yaml:2:");
	CHECK_STR_CONTAINS(r.err, "refuses unencrypted signaling");
	run(NULL, &r, ARGV(daemon_bin, "--config", bad, "--runtime-dir", runtime));
	CHECK_EQ_INT(r.code, 1);
	CHECK_STR_CONTAINS(r.err, "bad.yaml:4:");
	CHECK_EQ_INT(stat(runtime, &st), -1);
	unlink(bad);
}

int main(void)
{
	const char *build = getenv("SC_BUILD_DIR");
	if (!build) {
		fprintf(stderr, "SC_BUILD_DIR unset: run through ctest\n");
		return 1;
	}
	snprintf(cli, sizeof(cli), "%s/src/core/sealcall", build);
	snprintf(daemon_bin, sizeof(daemon_bin), "%s/src/core/sealcalld", build);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock_path, sizeof(sock_path), "%s/control", dir);
	unsetenv("SEALCALL_SOCKET");

	test_cli_usage();
	test_cli_not_running();
	test_daemon_cli();

	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct sc_control_server *srv;
	struct sc_control_server_options o = {
		.path = sock_path, .mode = 0660, .read_timeout_ms = 2000, .write_timeout_ms = 2000,
		.max_clients = 4, .max_response = 1 << 16, .handler = handler,
	};
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), 0);
	test_cli_against_server(loop);
	sc_control_server_close(srv);
	sc_loop_free(loop);
	rmdir(dir);
	return check_done();
}
