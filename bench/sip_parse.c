// SPDX-License-Identifier: GPL-3.0-or-later
// Parses a typical INVITE (with SDP, as an appliance receives it over TLS) N times and
// prints messages per second. For callgrind, a small N is enough:
//   valgrind --tool=callgrind bench_sip_parse 10000
#include "sip/msg.h"
#include "sip/sdp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sdp[] = "v=0\r\n"
			  "o=paris 3344 3344 IN IP4 10.77.0.1\r\n"
			  "s=sealcall\r\n"
			  "c=IN IP4 10.77.0.1\r\n"
			  "t=0 0\r\n"
			  "m=audio 16384 RTP/AVP 96 0 8 101\r\n"
			  "a=rtpmap:96 opus/48000/2\r\n"
			  "a=fmtp:96 useinbandfec=1\r\n"
			  "a=rtpmap:0 PCMU/8000\r\n"
			  "a=rtpmap:8 PCMA/8000\r\n"
			  "a=rtpmap:101 telephone-event/8000\r\n"
			  "a=fmtp:101 0-16\r\n"
			  "a=ptime:20\r\n"
			  "a=zrtp-hash:1.10 a3e5dd1c4bd35bf8e5b1c71c55b3b1c62a8e05e9e0d2c6c4d7e6f5a4b3c2d1e0\r\n"
			  "a=sendrecv\r\n";

static const char headers[] = "INVITE sips:lyon@lyon.sealcall.internal SIP/2.0\r\n"
			      "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bK7f3a9c21;rport\r\n"
			      "Max-Forwards: 70\r\n"
			      "From: \"Paris\" <sips:paris@paris.sealcall.internal>;tag=8d2c1f\r\n"
			      "To: <sips:lyon@lyon.sealcall.internal>\r\n"
			      "Call-ID: 4f9a2b7c1e@10.77.0.1\r\n"
			      "CSeq: 1 INVITE\r\n"
			      "Contact: <sips:paris@10.77.0.1:5061;transport=tls>\r\n"
			      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE\r\n"
			      "Supported: timer, replaces\r\n"
			      "User-Agent: sealcall/0.1\r\n"
			      "Content-Type: application/sdp\r\n"
			      "Content-Length: %zu\r\n\r\n%s";

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	bool with_sdp = !(argc > 2 && strcmp(argv[2], "--no-sdp") == 0);
	if (n <= 0) {
		fprintf(stderr, "usage: %s [ITERATIONS] [--no-sdp]\n", argv[0]);
		return 2;
	}
	char msg[4096];
	int len = snprintf(msg, sizeof(msg), headers, strlen(sdp), sdp);
	static struct sc_sip_msg m;
	static struct sc_sdp body;
	struct sc_sip_error err;
	char why[128];
	unsigned long checksum = 0;
	double start = seconds();
	for (long i = 0; i < n; i++) {
		if (sc_sip_msg_parse(msg, (size_t)len, SC_SIP_STREAM, &m, &err) != 0) {
			fprintf(stderr, "bench message does not parse: %s\n", err.what);
			return 1;
		}
		checksum += m.cseq.seq + m.n_headers;
		if (with_sdp && sc_sdp_parse(m.body.p, m.body.len, &body, why, sizeof(why)) != 0) {
			fprintf(stderr, "bench SDP does not parse: %s\n", why);
			return 1;
		}
	}
	double elapsed = seconds() - start;
	printf("%ld INVITEs of %d bytes%s in %.3f s: %.0f messages/s, %.2f us each (checksum %lu)\n", n, len,
	       with_sdp ? " with SDP" : "", elapsed, (double)n / elapsed, elapsed * 1e6 / (double)n, checksum);
	return 0;
}
