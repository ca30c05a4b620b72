// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall sip-parse`, run in a child process with pipes for its standard streams.
#include "check.h"
#include "sip/msg.h"
#include "sip/parse_tool.h"
#include "sip_test_util.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char output[16384];

// Runs the tool on INPUT; returns its exit status, with stdout and stderr in OUTPUT.
static int run(const char *input, size_t len, char *arg)
{
	int in[2], outp[2];
	if (pipe(in) || pipe(outp))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[1]);
		close(outp[0]);
		char *argv[] = { "sip-parse", arg, NULL };
		int rc = sc_sip_parse_main(arg ? 2 : 1, argv);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	close(in[0]);
	close(outp[1]);
	signal(SIGPIPE, SIG_IGN);
	// the child reads everything before it writes, so writing first cannot deadlock
	for (size_t off = 0; off < len;) {
		ssize_t n = write(in[1], input + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	size_t got = 0;
	struct pollfd pfd = { outp[0], POLLIN, 0 };
	while (got + 1 < sizeof(output) && poll(&pfd, 1, 10000) > 0) {
		ssize_t n = read(outp[0], output + got, sizeof(output) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	output[got] = '\0';
	close(outp[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run_text(const char *text, char *arg)
{
	static char buf[70000];
	size_t n = crlf(text, buf, sizeof(buf));
	return run(buf, n, arg);
}

int main(void)
{
	CHECK_EQ_INT(run_text("INVITE sips:lyon@10.77.0.2 SIP/2.0\n"
			      "v: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKt1\n"
			      "Via: SIP/2.0/TLS 10.77.0.254;branch=z9hG4bKt0\n"
			      "From: \"Paris\" <sips:paris@paris.sealcall.internal>;tag=p1\n"
			      "To: <sips:lyon@lyon.sealcall.internal>\n"
			      "Call-ID: tool-1@10.77.0.1\nCSeq: 1 INVITE\nMax-Forwards: 70\n"
			      "Contact: <sips:paris@10.77.0.1:5061>\n"
			      "Subject: folded\n value\n"
			      "c: application/sdp\nContent-Length: $CL\n\nv=0\n", NULL),
		     0);
	CHECK_STR_CONTAINS(output, "request: INVITE sips:lyon@10.77.0.2\n");
	CHECK_STR_CONTAINS(output, "via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKt1\n");
	CHECK_STR_CONTAINS(output, "via: SIP/2.0/TLS 10.77.0.254;branch=z9hG4bKt0\n");
	CHECK_STR_CONTAINS(output, "from: \"Paris\" <sips:paris@paris.sealcall.internal>;tag=p1\n");
	CHECK_STR_CONTAINS(output, "call-id: tool-1@10.77.0.1\n");
	CHECK_STR_CONTAINS(output, "cseq: 1 INVITE\n");
	CHECK_STR_CONTAINS(output, "contact: <sips:paris@10.77.0.1:5061>\n");
	CHECK_STR_CONTAINS(output, "max-forwards: 70\n");
	CHECK_STR_CONTAINS(output, "content-type: application/sdp\n");
	CHECK_STR_CONTAINS(output, "body: 5 bytes\n");

	CHECK_EQ_INT(run_text("SIP/2.0 180 Ringing\nVia: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKt1\n"
			      "From: <sips:paris@p>;tag=p1\nTo: <sips:lyon@l>;tag=l1\nCall-ID: c\n"
			      "CSeq: 1 INVITE\n\n", NULL),
		     0);
	CHECK_STR_CONTAINS(output, "response: 180 Ringing\n");
	CHECK_STR_CONTAINS(output, "body: 0 bytes\n");

	// well formed but answered otherwise: still exit 0, with the answer named
	CHECK_EQ_INT(run_text("OPTIONS sip:a@example.com SIP/7.0\nVia: SIP/7.0/TLS h;branch=z9hG4bKv\n"
			      "From: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>\nCall-ID: v\n"
			      "CSeq: 1 OPTIONS\n\n", NULL),
		     0);
	CHECK_STR_CONTAINS(output, "answer: 505 Version Not Supported");

	// must be answered 400
	CHECK_EQ_INT(run_text("INVITE sips:lyon@10.77.0.2 SIP/2.0\nVia: SIP/2.0/TLS ;branch=z9hG4bKx\n"
			      "From: <sips:a@b>;tag=1\nTo: <sips:c@d>\nCall-ID: x\nCSeq: 1 INVITE\n\n", NULL),
		     1);
	CHECK_STR_CONTAINS(output, "400 Bad Request - Malformed Via header");
	// a broken response is dropped
	CHECK_EQ_INT(run_text("SIP/2.0 2000 OK\n\n", NULL), 1);
	CHECK_STR_CONTAINS(output, "drops it");
	// bare LF, named
	static const char lf[] = "OPTIONS sip:a@b SIP/2.0\nVia: x\n\n";
	CHECK_EQ_INT(run(lf, sizeof(lf) - 1, NULL), 1);
	CHECK_STR_CONTAINS(output, "Line not terminated by CRLF");
	// too large
	static char huge[SC_SIP_MAX_MESSAGE + 50];
	memset(huge, 'A', sizeof(huge));
	CHECK_EQ_INT(run(huge, sizeof(huge), NULL), 1);
	CHECK_STR_CONTAINS(output, "513 Message Too Large");
	// --stream makes Content-Length mandatory
	CHECK_EQ_INT(run_text("OPTIONS sip:a@b.example.com SIP/2.0\nVia: SIP/2.0/TLS h;branch=z9hG4bKs\n"
			      "From: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>\nCall-ID: s\n"
			      "CSeq: 1 OPTIONS\n\n", "--stream"),
		     1);
	CHECK_STR_CONTAINS(output, "Missing Content-Length");
	// control characters are shown escaped, never raw
	static const char esc[] = "OPTIONS sip:a@b.example.com SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKe\r\n"
				  "From: \"\\\x1b[2J\" <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
				  "Call-ID: e\r\nCSeq: 1 OPTIONS\r\n\r\n";
	CHECK_EQ_INT(run(esc, sizeof(esc) - 1, NULL), 0);
	CHECK_STR_CONTAINS(output, "\\x1b[2J");
	CHECK(!strchr(output, 0x1b));
	CHECK_EQ_INT(run("", 0, "--bogus"), 2);
	CHECK_STR_CONTAINS(output, "usage: sealcall sip-parse");
	CHECK_EQ_INT(run("", 0, "--help"), 0);
	return check_done();
}
