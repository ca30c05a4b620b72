// SPDX-License-Identifier: GPL-3.0-or-later
// Stream framing over TLS: message boundaries, keepalives, partial reads, limits.
#include "check.h"
#include "sip/framer.h"
#include "sip/msg.h"
#include "sip_test_util.h"

#include <stdlib.h>

static const char invite[] = "INVITE sips:lyon@10.77.0.2 SIP/2.0\n"
			     "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKf1\n"
			     "From: <sips:paris@paris.sealcall.internal>;tag=p1\n"
			     "To: <sips:lyon@lyon.sealcall.internal>\n"
			     "Call-ID: f1@10.77.0.1\nCSeq: 1 INVITE\n"
			     "Content-Type: application/sdp\n"
			     "Content-Length: $CL\n\n"
			     "v=0\no=- 1 1 IN IP4 10.77.0.1\ns=-\nc=IN IP4 10.77.0.1\nt=0 0\n"
			     "m=audio 16384 RTP/AVP 0\n";
static const char bye[] = "BYE sips:lyon@10.77.0.2 SIP/2.0\n"
			  "v: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKf2\n"
			  "f: <sips:paris@paris.sealcall.internal>;tag=p1\n"
			  "t: <sips:lyon@lyon.sealcall.internal>;tag=l1\n"
			  "i: f1@10.77.0.1\nCSeq: 2 BYE\n"
			  "l:\n 0\n\n";

static void test_single_and_keepalives(void)
{
	char m[4096];
	size_t n = crlf(invite, m, sizeof(m));
	struct sc_sip_frame f;
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_MESSAGE);
	CHECK_EQ_INT(f.len, n);
	for (size_t cut = 0; cut < n; cut++)
		CHECK_EQ_INT(sc_sip_frame_next(m, cut, false, &f), SC_SIP_FRAME_NEED_MORE);

	CHECK_EQ_INT(sc_sip_frame_next("\r\n\r\n", 4, false, &f), SC_SIP_FRAME_PING);
	CHECK_EQ_INT(f.len, 4);
	CHECK_EQ_INT(sc_sip_frame_next("\r\n\r\nINV", 7, false, &f), SC_SIP_FRAME_PING);
	CHECK_EQ_INT(sc_sip_frame_next("\r\n", 2, true, &f), SC_SIP_FRAME_PONG);
	CHECK_EQ_INT(f.len, 2);
	// without a ping of ours outstanding, a lone CRLF may be half of the peer's ping
	CHECK_EQ_INT(sc_sip_frame_next("\r\n", 2, false, &f), SC_SIP_FRAME_NEED_MORE);
	CHECK_EQ_INT(sc_sip_frame_next("\r\nINVITE", 8, false, &f), SC_SIP_FRAME_PONG);
	CHECK_EQ_INT(sc_sip_frame_next("\r\n\r", 3, false, &f), SC_SIP_FRAME_NEED_MORE);
	CHECK_EQ_INT(sc_sip_frame_next("\r", 1, false, &f), SC_SIP_FRAME_NEED_MORE);
	CHECK_EQ_INT(sc_sip_frame_next("\rX", 2, false, &f), SC_SIP_FRAME_ERROR);
	CHECK_EQ_INT(sc_sip_frame_next("\r\n\rX", 4, false, &f), SC_SIP_FRAME_ERROR);
	CHECK_EQ_INT(sc_sip_frame_next("", 0, false, &f), SC_SIP_FRAME_NEED_MORE);
}

// Feeds a stream of messages and keepalives in chunks of every size from 1 byte up and
// checks that the same sequence of frames comes out.
static void test_chunked_stream(void)
{
	static char stream[8192];
	size_t n = 0;
	n += crlf(invite, stream + n, sizeof(stream) - n);
	memcpy(stream + n, "\r\n\r\n", 4);
	n += 4;
	n += crlf(bye, stream + n, sizeof(stream) - n);
	n += crlf(invite, stream + n, sizeof(stream) - n);
	const enum sc_sip_frame_kind expected[] = { SC_SIP_FRAME_MESSAGE, SC_SIP_FRAME_PING,
						    SC_SIP_FRAME_MESSAGE, SC_SIP_FRAME_MESSAGE };
	for (size_t chunk = 1; chunk <= 64; chunk++) {
		char rx[8192];
		size_t have = 0, fed = 0, got = 0;
		bool ok = true;
		for (int guard = 0; guard < 100000 && (fed < n || have > 0); guard++) {
			struct sc_sip_frame f;
			enum sc_sip_frame_kind k = sc_sip_frame_next(rx, have, false, &f);
			if (k == SC_SIP_FRAME_NEED_MORE) {
				if (fed == n) {
					ok = false;
					break;
				}
				size_t take = n - fed < chunk ? n - fed : chunk;
				memcpy(rx + have, stream + fed, take);
				have += take;
				fed += take;
				continue;
			}
			if (got >= 4 || k != expected[got]) {
				ok = false;
				break;
			}
			if (k == SC_SIP_FRAME_MESSAGE) {
				struct sc_sip_msg msg;
				struct sc_sip_error err;
				ok &= sc_sip_msg_parse(rx, f.len, SC_SIP_STREAM, &msg, &err) == 0;
			}
			memmove(rx, rx + f.len, have - f.len);
			have -= f.len;
			got++;
		}
		CHECK(ok && got == 4);
	}
}

static void test_errors(void)
{
	char m[4096];
	struct sc_sip_frame f;
	size_t n = crlf("OPTIONS sips:a@10.77.0.2 SIP/2.0\nCSeq: 1 OPTIONS\n\n", m, sizeof(m));
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_ERROR);
	CHECK_STR_CONTAINS(f.what, "missing Content-Length");
	n = crlf("OPTIONS sips:a@10.77.0.2 SIP/2.0\nl: 1\nContent-Length: 1\n\nxx", m, sizeof(m));
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_ERROR);
	CHECK_STR_CONTAINS(f.what, "repeated Content-Length");
	n = crlf("OPTIONS sips:a@10.77.0.2 SIP/2.0\nContent-Length: -1\n\n", m, sizeof(m));
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_ERROR);
	n = crlf("OPTIONS sips:a@10.77.0.2 SIP/2.0\nContent-Length: 70000\n\n", m, sizeof(m));
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_ERROR);
	n = crlf("OPTIONS sips:a@10.77.0.2 SIP/2.0\nContent-Length: 65500\n\n", m, sizeof(m));
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_ERROR);
	CHECK_STR_CONTAINS(f.what, "larger than 64 KiB");
	// a method named "l" is not a Content-Length header
	n = crlf("l sips:a@10.77.0.2 SIP/2.0\nContent-Length: 2\n\nab", m, sizeof(m));
	CHECK_EQ_INT(sc_sip_frame_next(m, n, false, &f), SC_SIP_FRAME_MESSAGE);
	// endless headers: cut off at 64 KiB rather than buffered for ever
	char *big = malloc(SC_SIP_MAX_MESSAGE + 10);
	memset(big, 'a', SC_SIP_MAX_MESSAGE + 10);
	CHECK_EQ_INT(sc_sip_frame_next(big, SC_SIP_MAX_MESSAGE - 1, false, &f), SC_SIP_FRAME_NEED_MORE);
	CHECK_EQ_INT(sc_sip_frame_next(big, SC_SIP_MAX_MESSAGE + 10, false, &f), SC_SIP_FRAME_ERROR);
	CHECK_STR_CONTAINS(f.what, "headers larger than 64 KiB");
	free(big);
}

int main(void)
{
	test_single_and_keepalives();
	test_chunked_stream();
	test_errors();
	return check_done();
}
