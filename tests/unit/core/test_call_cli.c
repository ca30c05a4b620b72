// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall call`, `answer`, `hangup`, `history` and `sip-parse` as an operator runs them:
// the real binary against a control server in this process that records what it was asked.
#include "check.h"
#include "core/control_server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/sc-call-cli-XXXXXX";
static char sock_path[96], cli[512], last_request[128];

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
	snprintf(last_request, sizeof(last_request), "%s", req->command);
	for (size_t i = 0; i < req->argc; i++)
		snprintf(last_request + strlen(last_request), sizeof(last_request) - strlen(last_request),
			 " %s", req->argv[i]);
	switch (req->op) {
	case SC_CONTROL_CALL:
		sc_outbuf_printf(body, "calling %s (sips:%s@%s.sealcall.test)\n", req->argv[0],
				 req->argv[0], req->argv[0]);
		return 0;
	case SC_CONTROL_HANGUP:
		snprintf(err, errlen, "there is no call to hang up");
		return -ENOENT;
	default:
		sc_outbuf_puts(body, "answered the call from lyon (PCMU)\n");
		return 0;
	}
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

// Runs ARGV with STDIN_FILE (or /dev/null) as its input, serving LOOP meanwhile; at most 10 s.
static void run(struct sc_loop *loop, struct run *r, const char *stdin_file, char *const argv[])
{
	int out[2], err[2];
	memset(r, 0, sizeof(*r));
	r->code = -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int in = open(stdin_file ? stdin_file : "/dev/null", O_RDONLY);
		dup2(in, 0);
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
		sc_loop_run_once(loop, 10);
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	const char *build = getenv("SC_BUILD_DIR");
	if (!build || !mkdtemp(dir)) {
		fprintf(stderr, "SC_BUILD_DIR unset or no temporary folder\n");
		return 1;
	}
	snprintf(cli, sizeof(cli), "%s/src/core/sealcall", build);
	snprintf(sock_path, sizeof(sock_path), "%s/control", dir);
	struct sc_loop *loop = NULL;
	struct sc_control_server *srv = NULL;
	struct sc_control_server_options o = {
		.path = sock_path, .mode = 0600, .read_timeout_ms = 2000, .write_timeout_ms = 2000,
		.max_clients = 4, .max_response = 1 << 16, .handler = handler,
	};
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	CHECK_EQ_INT(sc_control_server_open(loop, &o, &srv), 0);
	struct run r;

	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "call", "lyon", NULL });
	CHECK_EQ_INT(r.code, 0);
	CHECK(strcmp(r.out, "calling lyon (sips:lyon@lyon.sealcall.test)\n") == 0);
	CHECK(strcmp(last_request, "call lyon") == 0);

	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "answer", NULL });
	CHECK_EQ_INT(r.code, 0);
	CHECK(strcmp(last_request, "answer") == 0);
	CHECK_STR_CONTAINS(r.out, "answered the call from lyon");

	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "hangup", NULL });
	CHECK_EQ_INT(r.code, 1);
	CHECK_STR_CONTAINS(r.err, "sealcall: sealcalld refused: there is no call to hang up");

	// usage errors never reach the daemon
	last_request[0] = '\0';
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "call", NULL });
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "usage: sealcall call NAME|URI");
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "call", "lyon", "nice", NULL });
	CHECK_EQ_INT(r.code, 2);
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "call", "ly on", NULL });
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "holds a space");
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "answer", "now", NULL });
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "answer takes no arguments");
	CHECK(strcmp(last_request, "") == 0);

	// history: the options become one request; bad counts never reach the daemon
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "history", NULL });
	CHECK_EQ_INT(r.code, 0);
	CHECK(strcmp(last_request, "history 20") == 0);
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "history", "--json", "-n", "5", NULL });
	CHECK_EQ_INT(r.code, 0);
	CHECK(strcmp(last_request, "history json 5") == 0);
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "history", "-n200", "--json", NULL });
	CHECK(strcmp(last_request, "history json 200") == 0);
	last_request[0] = '\0';
	static const char *const bad_counts[] = { "0", "201", "x", "-3", "+4", "5x", "" };
	for (size_t i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++) {
		run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "history", "-n",
						(char *)bad_counts[i], NULL });
		CHECK_EQ_INT(r.code, 2);
		CHECK_STR_CONTAINS(r.err, "usage: sealcall history [--json] [-n N], N from 1 to 200");
	}
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "history", "-n", NULL });
	CHECK_EQ_INT(r.code, 2);
	CHECK_STR_CONTAINS(r.err, "-n needs a number");
	run(loop, &r, NULL, (char *[]){ cli, "--socket", sock_path, "history", "--xml", NULL });
	CHECK_EQ_INT(r.code, 2);
	CHECK(strcmp(last_request, "") == 0);

	// no daemon: exit 3, as for status
	run(loop, &r, NULL, (char *[]){ cli, "--socket", "/nonexistent/control", "call", "lyon", NULL });
	CHECK_EQ_INT(r.code, 3);
	CHECK_STR_CONTAINS(r.err, "sealcalld is not running");

	// sip-parse works offline, on standard input
	char msg_path[128];
	snprintf(msg_path, sizeof(msg_path), "%s/options.sip", dir);
	FILE *f = fopen(msg_path, "w");
	if (f) {
		fputs("OPTIONS sips:paris@paris.sealcall.test SIP/2.0\r\n"
		      "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bK1\r\n"
		      "From: <sips:lyon@lyon.sealcall.test>;tag=1\r\n"
		      "To: <sips:paris@paris.sealcall.test>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"
		      "Content-Length: 0\r\n\r\n", f);
		fclose(f);
	}
	run(loop, &r, msg_path, (char *[]){ cli, "sip-parse", "--stream", NULL });
	CHECK_EQ_INT(r.code, 0);
	CHECK_STR_CONTAINS(r.out, "OPTIONS");
	CHECK_STR_CONTAINS(r.out, "sips:paris@paris.sealcall.test");
	run(loop, &r, NULL, (char *[]){ cli, "sip-parse", "--bogus", NULL });
	CHECK_EQ_INT(r.code, 2);

	run(loop, &r, NULL, (char *[]){ cli, "--help", NULL });
	CHECK_STR_CONTAINS(r.out, "call NAME|URI");
	CHECK_STR_CONTAINS(r.out, "sip-parse [--stream]");
	CHECK_STR_CONTAINS(r.out, "history [--json] [-n N]");

	sc_control_server_close(srv);
	sc_loop_free(loop);
	unlink(msg_path);
	rmdir(dir);
	return check_done();
}
