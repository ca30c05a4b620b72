// SPDX-License-Identifier: GPL-3.0-or-later
// SDP parsing, writing and offer/answer (RFC 4566, RFC 3264, RFC 6189 §8.1).
#include "check.h"
#include "sip/sdp.h"
#include "sip_test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#define HASH_A "a3e5dd1c4bd35bf8e5b1c71c55b3b1c62a8e05e9e0d2c6c4d7e6f5a4b3c2d1e0"
#define HASH_B "0b5e9c3a7f2e1d4c6b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c"

static struct sc_sdp offer, answer, again;
static struct sc_sdp_result res;
static char why[200];

static int parse_into(struct sc_sdp *sdp, const char *text)
{
	static char buf[8192];
	size_t n = crlf(text, buf, sizeof(buf));
	return sc_sdp_parse(buf, n, sdp, why, sizeof(why));
}

// As Linphone offers it (trimmed), with ZRTP.
static const char linphone_offer[] = "v=0\n"
				     "o=lyon 1234 5678 IN IP4 10.77.0.2\n"
				     "s=Talk\n"
				     "c=IN IP4 10.77.0.2\n"
				     "t=0 0\n"
				     "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\n"
				     "m=audio 7078 RTP/AVP 96 97 0 8 101 98\n"
				     "a=rtpmap:96 opus/48000/2\n"
				     "a=fmtp:96 useinbandfec=1\n"
				     "a=rtpmap:97 speex/16000\n"
				     "a=rtpmap:101 telephone-event/48000\n"
				     "a=rtpmap:98 telephone-event/8000\n"
				     "a=fmtp:98 0-15\n"
				     "a=zrtp-hash:1.10 " HASH_A "\n"
				     "a=ptime:20\n"
				     "a=rtcp-fb:* trr-int 1000\n";

static struct sc_sdp_local local(void)
{
	struct sc_sdp_local l = {
		.session_id = 42,
		.session_version = 1,
		.address = { AF_INET, "10.77.0.1" },
		.rtp_port = 16384,
		.codecs = { SC_CODEC_PCMA, SC_CODEC_PCMU },
		.n_codecs = 2,
		.ptime_ms = 20,
		.telephone_event = true,
		.direction = SC_SDP_SENDRECV,
		.has_zrtp_hash = true,
		.zrtp_hash = { "1.10", HASH_B },
	};
	return l;
}

static void test_parse_offer(void)
{
	CHECK_EQ_INT(parse_into(&offer, linphone_offer), 0);
	CHECK(strcmp(offer.origin_user, "lyon") == 0 && offer.session_id == 1234 && offer.session_version == 5678);
	CHECK(offer.origin.family == AF_INET && strcmp(offer.origin.addr, "10.77.0.2") == 0);
	CHECK_EQ_INT(offer.n_media, 1);
	const struct sc_sdp_media *m = &offer.media[0];
	CHECK(strcmp(m->type, "audio") == 0 && m->port == 7078 && strcmp(m->proto, "RTP/AVP") == 0);
	CHECK_EQ_INT(m->n_formats, 6);
	CHECK_EQ_INT(sc_sdp_format_codec(&m->formats[0]), SC_SDP_CODEC_OPUS);
	CHECK(strcmp(m->formats[0].fmtp, "useinbandfec=1") == 0);
	CHECK_EQ_INT(sc_sdp_format_codec(&m->formats[1]), SC_SDP_CODEC_UNKNOWN);
	CHECK_EQ_INT(sc_sdp_format_codec(&m->formats[2]), SC_SDP_CODEC_PCMU); // static, no rtpmap
	CHECK_EQ_INT(sc_sdp_format_codec(&m->formats[3]), SC_SDP_CODEC_PCMA);
	CHECK_EQ_INT(sc_sdp_format_codec(&m->formats[4]), SC_SDP_CODEC_TELEPHONE_EVENT); // 48 kHz
	CHECK_EQ_INT(sc_sdp_format_codec(&m->formats[5]), SC_SDP_CODEC_TELEPHONE_EVENT);
	CHECK(m->formats[4].clock_rate == 48000 && m->formats[5].clock_rate == 8000);
	CHECK_EQ_INT(m->ptime, 20);
	CHECK(m->n_zrtp_hash == 1 && strcmp(m->zrtp_hash[0].version, "1.10") == 0 &&
	      strcmp(m->zrtp_hash[0].hash, HASH_A) == 0);
	CHECK(!m->has_crypto);
	CHECK_EQ_INT(sc_sdp_media_direction(&offer, m), SC_SDP_SENDRECV);
	CHECK_EQ_INT(sc_sdp_audio_index(&offer), 0);
}

static void test_answer_codecs(void)
{
	struct sc_sdp_local l = local();
	CHECK_EQ_INT(parse_into(&offer, linphone_offer), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.accepted && res.audio_index == 0);
	// the offerer's order (PCMU before PCMA) wins over ours, payload numbers are kept
	const struct sc_sdp_media *am = &answer.media[0];
	CHECK_EQ_INT(am->n_formats, 3);
	CHECK(am->formats[0].pt == 0 && am->formats[1].pt == 8 && am->formats[2].pt == 98);
	CHECK_EQ_INT(sc_sdp_format_codec(&res.codec), SC_SDP_CODEC_PCMU);
	// PCMU runs at 8000: the 8 kHz events (98), not Linphone's first (101, 48 kHz)
	CHECK_EQ_INT(res.telephone_event_pt, 98);
	CHECK_EQ_INT(res.telephone_event_rate, 8000);
	CHECK(res.remote_port == 7078 && strcmp(res.remote_addr.addr, "10.77.0.2") == 0);
	CHECK(res.n_remote_zrtp_hash == 1 && strcmp(res.remote_zrtp_hash[0].hash, HASH_A) == 0);
	CHECK_EQ_INT(res.local_direction, SC_SDP_SENDRECV);
	CHECK(am->port == 16384 && am->n_zrtp_hash == 1 && strcmp(am->zrtp_hash[0].hash, HASH_B) == 0);

	// written and parsed back, it says the same
	char text[4096];
	int n = sc_sdp_write(&answer, text, sizeof(text));
	CHECK(n > 0);
	CHECK_EQ_INT(sc_sdp_parse(text, (size_t)n, &again, why, sizeof(why)), 0);
	CHECK_STR_CONTAINS(text, "m=audio 16384 RTP/AVP 0 8 98\r\n");
	CHECK_STR_CONTAINS(text, "a=rtpmap:98 telephone-event/8000\r\n");
	CHECK_STR_CONTAINS(text, "a=zrtp-hash:1.10 " HASH_B "\r\n");
	CHECK_STR_CONTAINS(text, "c=IN IP4 10.77.0.1\r\n");
	CHECK(again.media[0].n_formats == 3 && again.media[0].ptime == 20);
	// and the offerer accepts it
	CHECK_EQ_INT(sc_sdp_read_answer(&offer, &again, &res), 0);
	CHECK(res.accepted && sc_sdp_format_codec(&res.codec) == SC_SDP_CODEC_PCMU);
	CHECK(res.remote_port == 16384 && res.telephone_event_pt == 98);

	// Opus is picked when both have it and the offerer lists it first
	l.codecs[0] = SC_CODEC_OPUS;
	l.n_codecs = 1;
	l.telephone_event = false;
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.accepted && res.codec.pt == 96 && res.telephone_event_pt == -1);
	CHECK_EQ_INT(answer.media[0].n_formats, 1);
}

static void test_answer_rejections(void)
{
	struct sc_sdp_local l = local();
	// nothing in common: port 0, and the m= line still lists an offered format
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				      "m=audio 5004 RTP/AVP 9 18\na=rtpmap:9 G722/8000\n"), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(!res.accepted);
	CHECK_STR_CONTAINS(res.reason, "no common audio codec");
	char text[4096];
	CHECK(sc_sdp_write(&answer, text, sizeof(text)) > 0);
	CHECK_STR_CONTAINS(text, "m=audio 0 RTP/AVP 9\r\n");
	CHECK(!strstr(text, "a=rtpmap"));

	// video and a second audio stream are declined, the first audio taken
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				      "m=video 3227 RTP/AVP 31\na=rtpmap:31 H261/90000\n"
				      "m=audio 49217 RTP/AVP 0 12\n"
				      "m=audio 49219 RTP/AVP 8\n"
				      "m=application 9 UDP/BFCP *\n"), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.accepted && res.audio_index == 1);
	CHECK_EQ_INT(answer.n_media, 4);
	CHECK(answer.media[0].port == 0 && answer.media[1].port == 16384);
	CHECK(answer.media[2].port == 0 && answer.media[3].port == 0);
	CHECK(sc_sdp_write(&answer, text, sizeof(text)) > 0);
	CHECK_STR_CONTAINS(text, "m=video 0 RTP/AVP 31\r\n");
	CHECK_STR_CONTAINS(text, "m=application 0 UDP/BFCP *\r\n");
	CHECK_EQ_INT(sc_sdp_parse(text, strlen(text), &again, why, sizeof(why)), 0);
	CHECK_EQ_INT(again.n_media, 4);

	// no audio at all (DTLS profile only)
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				      "m=audio 9 UDP/TLS/RTP/SAVPF 111\n"), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(!res.accepted && res.audio_index == -1);
	CHECK_STR_CONTAINS(res.reason, "no audio stream");

	// SDES keys are reported, for the UA to refuse unless the policy allows them
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				      "m=audio 5004 RTP/SAVP 0\n"
				      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n"), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.remote_has_crypto && res.n_remote_zrtp_hash == 0);
}

static void test_directions(void)
{
	struct sc_sdp_local l = local();
	static const struct {
		const char *offered;
		enum sc_sdp_direction local, expected;
	} cases[] = {
		{ "sendrecv", SC_SDP_SENDRECV, SC_SDP_SENDRECV }, { "sendonly", SC_SDP_SENDRECV, SC_SDP_RECVONLY },
		{ "recvonly", SC_SDP_SENDRECV, SC_SDP_SENDONLY }, { "inactive", SC_SDP_SENDRECV, SC_SDP_INACTIVE },
		{ "sendrecv", SC_SDP_SENDONLY, SC_SDP_SENDONLY }, { "sendonly", SC_SDP_SENDONLY, SC_SDP_INACTIVE },
		{ "recvonly", SC_SDP_INACTIVE, SC_SDP_INACTIVE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
			 "m=audio 5004 RTP/AVP 0\na=%s\n", cases[i].offered);
		CHECK_EQ_INT(parse_into(&offer, text), 0);
		l.direction = cases[i].local;
		CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
		CHECK_EQ_INT(answer.media[0].direction, cases[i].expected);
	}
	// a session-level direction applies to media without one
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				      "a=sendonly\nm=audio 5004 RTP/AVP 0\n"), 0);
	l.direction = SC_SDP_SENDRECV;
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK_EQ_INT(answer.media[0].direction, SC_SDP_RECVONLY);
}

static void test_offer_and_ipv6(void)
{
	struct sc_sdp_local l = local();
	l.address = (struct sc_sdp_addr){ AF_INET6, "fd00:77::1" };
	l.codecs[0] = SC_CODEC_OPUS;
	l.codecs[1] = SC_CODEC_PCMU;
	l.codecs[2] = SC_CODEC_PCMA;
	l.n_codecs = 3;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &offer), 0);
	char text[4096];
	int n = sc_sdp_write(&offer, text, sizeof(text));
	CHECK(n > 0);
	CHECK_STR_CONTAINS(text, "o=sealcall 42 1 IN IP6 fd00:77::1\r\n");
	CHECK_STR_CONTAINS(text, "c=IN IP6 fd00:77::1\r\n");
	CHECK_STR_CONTAINS(text, "m=audio 16384 RTP/AVP 96 0 8 101 102\r\n");
	CHECK_STR_CONTAINS(text, "a=rtpmap:102 telephone-event/48000\r\n");
	CHECK_STR_CONTAINS(text, "a=rtpmap:96 opus/48000/2\r\n");
	CHECK_STR_CONTAINS(text, "a=fmtp:101 0-16\r\n");
	CHECK_STR_CONTAINS(text, "a=ptime:20\r\n");
	CHECK_STR_CONTAINS(text, "a=sendrecv\r\n");
	CHECK_EQ_INT(sc_sdp_parse(text, (size_t)n, &again, why, sizeof(why)), 0);
	CHECK(again.connection.family == AF_INET6 && again.media[0].n_formats == 5);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_SAME);
	CHECK_EQ_INT(sc_sdp_write(&offer, text, 40), -ENOBUFS);
	// a value that would break the line is refused
	{
		struct sc_sdp bad = offer;
		strcpy(bad.session_name, "x\r\na=crypto:1");
		CHECK_EQ_INT(sc_sdp_write(&bad, text, sizeof(text)), -EINVAL);
	}
	l.n_codecs = 0;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &offer), -EINVAL);
}

static void test_read_answer_errors(void)
{
	struct sc_sdp_local l = local();
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &offer), 0);
	CHECK_EQ_INT(parse_into(&answer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				       "m=audio 5004 RTP/AVP 9\n"), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&offer, &answer, &res), -EPROTO);
	CHECK_STR_CONTAINS(res.reason, "no codec that was offered");
	CHECK_EQ_INT(parse_into(&answer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				       "m=audio 5004 RTP/AVP 0\nm=video 0 RTP/AVP 31\n"), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&offer, &answer, &res), -EPROTO);
	CHECK_STR_CONTAINS(res.reason, "2 m= lines for 1 offered");
	CHECK_EQ_INT(parse_into(&answer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				       "m=audio 0 RTP/AVP 0\n"), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&offer, &answer, &res), 0);
	CHECK(!res.accepted);
	CHECK_STR_CONTAINS(res.reason, "rejected the audio stream");
	CHECK_EQ_INT(parse_into(&answer, "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				       "m=audio 5004 RTP/AVP 8\na=recvonly\n"), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&offer, &answer, &res), 0);
	CHECK(res.accepted && res.codec.pt == 8 && res.local_direction == SC_SDP_SENDONLY);
}

static void test_keying(void)
{
	static const char base[] = "v=0\no=- 1 %d IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				   "m=audio 5004 RTP/AVP 0\n%s";
	char a[1024], b[1024];
	snprintf(a, sizeof(a), base, 1, "a=zrtp-hash:1.10 " HASH_A "\n");
	CHECK_EQ_INT(parse_into(&offer, a), 0);
	snprintf(b, sizeof(b), base, 2, "a=sendonly\na=zrtp-hash:1.10 " HASH_A "\n");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_SAME); // a hold
	// hex case does not matter
	char upper[80] = HASH_A;
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 32);
	snprintf(b, sizeof(b), base, 2, "a=zrtp-hash:1.10 ");
	strcat(b, upper);
	strcat(b, "\n");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_SAME);
	snprintf(b, sizeof(b), base, 2, "a=zrtp-hash:1.10 " HASH_B "\n");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_CHANGED);
	snprintf(b, sizeof(b), base, 2, "");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_REMOVED);
	CHECK_EQ_INT(sc_sdp_keying_compare(&again, &offer), SC_SDP_KEYING_ADDED);
	snprintf(b, sizeof(b), base, 2, "a=zrtp-hash:1.10 " HASH_A "\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\n");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_SDES_ADDED);
	snprintf(b, sizeof(b), base, 2, "a=zrtp-hash:1.10 " HASH_A "\na=zrtp-hash:2.0 " HASH_B "\n");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_CHANGED);
	// at session level it counts the same
	snprintf(b, sizeof(b), "v=0\no=- 1 3 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
		 "a=zrtp-hash:1.10 " HASH_A "\nm=audio 5004 RTP/AVP 0\n");
	CHECK_EQ_INT(parse_into(&again, b), 0);
	CHECK_EQ_INT(sc_sdp_keying_compare(&offer, &again), SC_SDP_KEYING_SAME);
	CHECK_STR_CONTAINS(sc_sdp_keying_change_name(SC_SDP_KEYING_REMOVED), "zrtp-hash removed");
}

static void expect_bad(const char *text, const char *what)
{
	CHECK_EQ_INT(parse_into(&offer, text), -EBADMSG);
	CHECK_STR_CONTAINS(why, what);
}

#define HEAD "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"

static void test_invalid(void)
{
	expect_bad("o=- 1 1 IN IP4 10.77.0.2\nv=0\n", "must start with v=0");
	expect_bad("v=1\n", "v=0 expected");
	expect_bad("v=0\no=- x 1 IN IP4 10.77.0.2\ns=-\nt=0 0\n", "line 2: malformed o= line");
	expect_bad("v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\n", "missing t= line");
	expect_bad("v=0\ns=-\nt=0 0\n", "missing o= line");
	expect_bad(HEAD "m=audio 70000 RTP/AVP 0\n", "malformed port");
	expect_bad(HEAD "m=audio 5004 RTP/AVP 200\n", "payload type");
	expect_bad(HEAD "m=audio 5004 RTP/AVP\n", "malformed m= line");
	expect_bad(HEAD "m=audio 5004  RTP/AVP 0\n", "malformed m= line");
	expect_bad(HEAD "m=audio 5004 RTP/AVP 0\na=zrtp-hash:1.10 abc\n", "malformed a=zrtp-hash");
	expect_bad(HEAD "m=audio 5004 RTP/AVP 0\na=zrtp-hash:1.10 " HASH_A "x\n", "malformed a=zrtp-hash");
	expect_bad(HEAD "m=audio 5004 RTP/AVP 0\na=rtpmap:0 PCMU\n", "malformed a=rtpmap");
	expect_bad(HEAD "m=audio 5004 RTP/AVP 0\na=rtpmap:0 PCMU/8000/2/9\n", "malformed a=rtpmap");
	expect_bad(HEAD "m=audio 5004 RTP/AVP 0\na=ptime:abc\n", "malformed a=ptime");
	expect_bad("v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nt=0 0\nm=audio 5004 RTP/AVP 0\n", "no c= address");
	expect_bad("v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 999.1.1.1\nt=0 0\n", "malformed c= line");
	expect_bad("v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP6 10.77.0.2\nt=0 0\n", "malformed c= line");
	expect_bad(HEAD "bogus line\n", "not a type=value line");
	expect_bad(HEAD "a=x\x01y\n", "control character");
	// limits: lines, line length, m= lines
	static char text[200000];
	size_t n = (size_t)snprintf(text, sizeof(text), HEAD "m=audio 5004 RTP/AVP 0\n");
	for (int i = 0; i < 130; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "a=x-%d\n", i);
	expect_bad(text, "more than 128 lines");
	n = (size_t)snprintf(text, sizeof(text), HEAD "a=");
	memset(text + n, 'y', 1100);
	strcpy(text + n + 1100, "\n");
	expect_bad(text, "longer than 1024");
	n = (size_t)snprintf(text, sizeof(text), HEAD);
	for (int i = 0; i < 9; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "m=audio %d RTP/AVP 0\n", 5000 + 2 * i);
	expect_bad(text, "more than 8 m= lines");
	// tolerated: LF line ends, a domain name, a fractional ptime, unknown lines
	static const char lf[] = "v=0\no=- 1 1 IN IP4 host.example.com\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
				 "b=AS:64\nm=audio 5004 RTP/AVP 0\na=ptime:20.0\n";
	CHECK_EQ_INT(sc_sdp_parse(lf, sizeof(lf) - 1, &offer, why, sizeof(why)), 0);
	CHECK(offer.origin.family == 0 && offer.media[0].ptime == 20);
}

// Two of our own sites: the offerer's policy order decides, Opus when both have it and the
// offerer lists it first; the answer's Opus parameters are the answerer's own.
static void negotiate(enum sc_codec a0, enum sc_codec a1, size_t na, enum sc_codec b0,
		      enum sc_codec b1, size_t nb, struct sc_sdp_result *at_offerer,
		      struct sc_sdp_result *at_answerer)
{
	struct sc_sdp_local a = local(), b = local();
	a.codecs[0] = a0;
	a.codecs[1] = a1;
	a.n_codecs = na;
	b.codecs[0] = b0;
	b.codecs[1] = b1;
	b.n_codecs = nb;
	b.address = (struct sc_sdp_addr){ AF_INET, "10.77.0.2" };
	char text[4096];
	CHECK_EQ_INT(sc_sdp_make_offer(&a, &offer), 0);
	int n = sc_sdp_write(&offer, text, sizeof(text));
	CHECK(n > 0);
	static struct sc_sdp parsed_offer, parsed_answer;
	CHECK_EQ_INT(sc_sdp_parse(text, (size_t)n, &parsed_offer, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&parsed_offer, &b, &answer, at_answerer), 0);
	n = sc_sdp_write(&answer, text, sizeof(text));
	CHECK(n > 0);
	CHECK_EQ_INT(sc_sdp_parse(text, (size_t)n, &parsed_answer, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&offer, &parsed_answer, at_offerer), 0);
}

static void test_opus_negotiation(void)
{
	struct sc_sdp_local l = local();
	l.codecs[0] = SC_CODEC_OPUS;
	l.codecs[1] = SC_CODEC_PCMU;
	l.n_codecs = 2;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &offer), 0);
	char text[4096];
	CHECK(sc_sdp_write(&offer, text, sizeof(text)) > 0);
	CHECK_STR_CONTAINS(text, "m=audio 16384 RTP/AVP 96 0 101 102\r\n");
	CHECK_STR_CONTAINS(text, "a=rtpmap:96 opus/48000/2\r\n");
	CHECK_STR_CONTAINS(text, "a=fmtp:96 maxaveragebitrate=48000; useinbandfec=1\r\n");
	CHECK_STR_CONTAINS(text, "a=rtpmap:101 telephone-event/8000\r\n");
	CHECK_STR_CONTAINS(text, "a=rtpmap:102 telephone-event/48000\r\n");
	CHECK_STR_CONTAINS(text, "a=ptime:20\r\n");

	struct sc_sdp_result ro, ra;
	uint32_t v;
	// Offerer: opus first; answerer lists PCMU first but has Opus: Opus, both sides.
	negotiate(SC_CODEC_OPUS, SC_CODEC_PCMU, 2, SC_CODEC_PCMU, SC_CODEC_OPUS, 2, &ro, &ra);
	CHECK_EQ_INT(sc_sdp_format_codec(&ro.codec), SC_SDP_CODEC_OPUS);
	CHECK_EQ_INT(sc_sdp_format_codec(&ra.codec), SC_SDP_CODEC_OPUS);
	CHECK(ro.codec.pt == 96 && ra.codec.pt == 96);
	CHECK(ro.telephone_event_pt == 102 && ra.telephone_event_pt == 102);
	CHECK(ro.telephone_event_rate == 48000 && ra.telephone_event_rate == 48000);
	CHECK(ro.remote_ptime == 20 && ra.remote_ptime == 20);
	CHECK(sc_sdp_fmtp_u32(ro.codec.fmtp, "maxaveragebitrate", &v) == 0 && v == 48000);
	CHECK(sc_sdp_fmtp_u32(ra.codec.fmtp, "useinbandfec", &v) == 0 && v == 1);
	// Offerer: PCMU first: PCMU, even though the answerer prefers Opus.
	negotiate(SC_CODEC_PCMU, SC_CODEC_OPUS, 2, SC_CODEC_OPUS, SC_CODEC_PCMU, 2, &ro, &ra);
	CHECK_EQ_INT(sc_sdp_format_codec(&ro.codec), SC_SDP_CODEC_PCMU);
	CHECK_EQ_INT(sc_sdp_format_codec(&ra.codec), SC_SDP_CODEC_PCMU);
	CHECK(ro.telephone_event_pt == 101 && ra.telephone_event_pt == 101);
	CHECK(ro.telephone_event_rate == 8000 && ra.telephone_event_rate == 8000);
	// The answerer has no Opus: PCMU.
	negotiate(SC_CODEC_OPUS, SC_CODEC_PCMU, 2, SC_CODEC_PCMU, SC_CODEC_PCMA, 2, &ro, &ra);
	CHECK_EQ_INT(sc_sdp_format_codec(&ro.codec), SC_SDP_CODEC_PCMU);
	CHECK_EQ_INT(sc_sdp_format_codec(&ra.codec), SC_SDP_CODEC_PCMU);
	// Opus only at both: Opus; Opus only at one end and G.711 only at the other: nothing.
	negotiate(SC_CODEC_OPUS, SC_CODEC_OPUS, 1, SC_CODEC_OPUS, SC_CODEC_OPUS, 1, &ro, &ra);
	CHECK_EQ_INT(sc_sdp_format_codec(&ro.codec), SC_SDP_CODEC_OPUS);
	struct sc_sdp_local a = local(), b = local();
	a.codecs[0] = SC_CODEC_OPUS;
	a.n_codecs = 1;
	CHECK_EQ_INT(sc_sdp_make_offer(&a, &offer), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &b, &answer, &ra), 0);
	CHECK(!ra.accepted && answer.media[0].port == 0);
	CHECK_STR_CONTAINS(ra.reason, "no common audio codec");

	// Linphone's offer: our answer carries our Opus parameters, not its own echoed back;
	// the result keeps Linphone's for the media layer (no maxaveragebitrate there).
	CHECK_EQ_INT(parse_into(&offer, linphone_offer), 0);
	b.codecs[0] = SC_CODEC_OPUS;
	b.codecs[1] = SC_CODEC_PCMU;
	b.n_codecs = 2;
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &b, &answer, &ra), 0);
	CHECK(ra.accepted && ra.codec.pt == 96);
	CHECK(strcmp(answer.media[0].formats[0].fmtp, SC_SDP_OPUS_FMTP) == 0);
	CHECK(strcmp(ra.codec.fmtp, "useinbandfec=1") == 0);
	CHECK_EQ_INT(sc_sdp_fmtp_u32(ra.codec.fmtp, "maxaveragebitrate", &v), -ENOENT);
}

// RFC 4733 §2.1: the events' clock is the codec's. Each case: an offer, the codec the
// answerer settles on, and which telephone-event both ends keep (or none).
static void test_telephone_event_rates(void)
{
	struct sc_sdp_local l = local();
	static char text[4096];
	static const char head[] = "v=0\no=x 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n";
	// Opus beside events at 8 kHz only (a peer that ignores §2.1): no events for Opus
	l.codecs[0] = SC_CODEC_OPUS;
	l.n_codecs = 1;
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 96 101\na=rtpmap:96 opus/48000/2\n"
		 "a=rtpmap:101 telephone-event/8000\n", head);
	CHECK_EQ_INT(parse_into(&offer, text), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.accepted && res.codec.pt == 96);
	CHECK(res.telephone_event_pt == -1 && res.telephone_event_rate == 0);
	CHECK(sc_sdp_write(&answer, text, sizeof(text)) > 0);
	CHECK(!strstr(text, "telephone-event"));
	// Events at both rates, 48 kHz listed first, PCMU chosen: the 8 kHz ones
	l.codecs[0] = SC_CODEC_PCMU;
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 0 110 111\na=rtpmap:110 telephone-event/48000\n"
		 "a=rtpmap:111 telephone-event/8000\n", head);
	CHECK_EQ_INT(parse_into(&offer, text), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.telephone_event_pt == 111 && res.telephone_event_rate == 8000);
	CHECK(sc_sdp_write(&answer, text, sizeof(text)) > 0);
	CHECK_STR_CONTAINS(text, "m=audio 16384 RTP/AVP 0 111\r\n");
	CHECK(!strstr(text, "telephone-event/48000"));
	// No events offered at all
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 0\n", head);
	CHECK_EQ_INT(parse_into(&offer, text), 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.accepted && res.telephone_event_pt == -1);
	// Events at a rate we cannot place (16 kHz) are not telephone-event to us
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 0 101\na=rtpmap:101 telephone-event/16000\n", head);
	CHECK_EQ_INT(parse_into(&offer, text), 0);
	CHECK_EQ_INT(sc_sdp_format_codec(&offer.media[0].formats[1]), SC_SDP_CODEC_UNKNOWN);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.telephone_event_pt == -1);

	// Our offer without Opus has only the 8 kHz events.
	l.codecs[0] = SC_CODEC_PCMA;
	l.codecs[1] = SC_CODEC_PCMU;
	l.n_codecs = 2;
	struct sc_sdp ours;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &ours), 0);
	CHECK(sc_sdp_write(&ours, text, sizeof(text)) > 0);
	CHECK_STR_CONTAINS(text, "m=audio 16384 RTP/AVP 8 0 101\r\n");
	CHECK(!strstr(text, "/48000"));
	// Reading answers to an offer with Opus: the answer's events at the codec's rate count.
	l.codecs[0] = SC_CODEC_OPUS;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &ours), 0);
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 96 102\na=rtpmap:96 opus/48000/2\n"
		 "a=rtpmap:102 telephone-event/48000\na=zrtp-hash:1.10 " HASH_A "\n", head);
	CHECK_EQ_INT(parse_into(&answer, text), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(res.codec.pt == 96 && res.telephone_event_pt == 102 && res.telephone_event_rate == 48000);
	// an answer keeping the 8 kHz events beside Opus: no events (wrong clock)
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 96 101\na=rtpmap:96 opus/48000/2\n"
		 "a=rtpmap:101 telephone-event/8000\na=zrtp-hash:1.10 " HASH_A "\n", head);
	CHECK_EQ_INT(parse_into(&answer, text), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(res.accepted && res.codec.pt == 96 && res.telephone_event_pt == -1);
	// PCMU answered with the 8 kHz events
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\n"
		 "a=zrtp-hash:1.10 " HASH_A "\n", head);
	CHECK_EQ_INT(parse_into(&answer, text), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(res.codec.pt == 0 && res.telephone_event_pt == 101 && res.telephone_event_rate == 8000);
	// an answer without events
	snprintf(text, sizeof(text), "%sm=audio 7078 RTP/AVP 0\na=zrtp-hash:1.10 " HASH_A "\n", head);
	CHECK_EQ_INT(parse_into(&answer, text), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(res.accepted && res.telephone_event_pt == -1 && res.telephone_event_rate == 0);
}

static void test_fmtp_params(void)
{
	uint32_t v = 7;
	CHECK(sc_sdp_fmtp_u32("maxaveragebitrate=20000; useinbandfec=1", "maxaveragebitrate", &v) == 0 &&
	      v == 20000);
	CHECK(sc_sdp_fmtp_u32("useinbandfec=1;maxaveragebitrate = 16000 ", "maxaveragebitrate", &v) == 0 &&
	      v == 16000);
	CHECK(sc_sdp_fmtp_u32("MaxAverageBitrate=12000", "maxaveragebitrate", &v) == 0 && v == 12000);
	CHECK(sc_sdp_fmtp_u32("stereo=1;useinbandfec=0", "useinbandfec", &v) == 0 && v == 0);
	CHECK_EQ_INT(sc_sdp_fmtp_u32("maxaveragebitrate=abc", "maxaveragebitrate", &v), -EINVAL);
	CHECK_EQ_INT(sc_sdp_fmtp_u32("maxaveragebitrate=4294967296", "maxaveragebitrate", &v), -EINVAL);
	CHECK_EQ_INT(sc_sdp_fmtp_u32("maxaveragebitrate=", "maxaveragebitrate", &v), -EINVAL);
	CHECK_EQ_INT(sc_sdp_fmtp_u32("maxaveragebitrate", "maxaveragebitrate", &v), -EINVAL);
	CHECK_EQ_INT(sc_sdp_fmtp_u32("", "maxaveragebitrate", &v), -ENOENT);
	CHECK_EQ_INT(sc_sdp_fmtp_u32("xmaxaveragebitrate=5; 0-16", "maxaveragebitrate", &v), -ENOENT);
	CHECK(sc_sdp_fmtp_u32("maxaveragebitrate=4294967295", "maxaveragebitrate", &v) == 0 &&
	      v == UINT32_MAX);
}

// RTCP's port (RFC 3550 §11, RFC 3605, RFC 5761). Linphone offers no a=rtcp-mux and sends
// and expects RTCP on its RTP port + 1; a sealcall that sent its SRTCP to Linphone's RTP port
// had it fail there as SRTP (seen in the interop test): the result must say where RTCP goes.
static void test_rtcp_ports(void)
{
	struct sc_sdp_local l = local();
	static char text[4096];
	l.rtcp_mux = true;
	CHECK_EQ_INT(parse_into(&offer, linphone_offer), 0);
	CHECK(!offer.media[0].rtcp_mux && offer.media[0].rtcp_port == 0);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.accepted && !res.rtcp_mux && !answer.media[0].rtcp_mux);
	CHECK_EQ_INT(res.remote_rtcp_port, 7079);
	int n = sc_sdp_write(&answer, text, sizeof(text));
	CHECK(n > 0 && !strstr(text, "a=rtcp-mux"));

	// Offered and wanted: muxed, RTCP to the peer's RTP port, and the answer says so.
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=x 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
					"m=audio 7078 RTP/AVP 0\na=rtcp-mux\na=rtcp:7078\n"
					"a=zrtp-hash:1.10 " HASH_A "\n"), 0);
	CHECK(offer.media[0].rtcp_mux && offer.media[0].rtcp_port == 7078);
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(res.rtcp_mux && answer.media[0].rtcp_mux && res.remote_rtcp_port == 7078);
	n = sc_sdp_write(&answer, text, sizeof(text));
	CHECK(n > 0);
	CHECK_STR_CONTAINS(text, "a=rtcp-mux\r\n");
	// Offered, not wanted here: not muxed, and the a=rtcp port is where RTCP goes.
	l.rtcp_mux = false;
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(!res.rtcp_mux && !answer.media[0].rtcp_mux && res.remote_rtcp_port == 7078);

	// a=rtcp alone moves RTCP without muxing (RFC 3605); the address part is allowed.
	CHECK_EQ_INT(parse_into(&offer, "v=0\no=x 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
					"m=audio 7078 RTP/AVP 0\na=rtcp:9001 IN IP4 10.77.0.2\n"), 0);
	l.rtcp_mux = true;
	CHECK_EQ_INT(sc_sdp_make_answer(&offer, &l, &answer, &res), 0);
	CHECK(!res.rtcp_mux && res.remote_rtcp_port == 9001);
	CHECK(parse_into(&offer, "v=0\no=x 1 1 IN IP4 a\ns=-\nt=0 0\nm=audio 7078 RTP/AVP 0\na=rtcp:0\n") < 0);
	CHECK_STR_CONTAINS(why, "a=rtcp");
	CHECK(parse_into(&offer, "v=0\no=x 1 1 IN IP4 a\ns=-\nt=0 0\nm=audio 7078 RTP/AVP 0\na=rtcp:70000\n") < 0);
	CHECK(parse_into(&offer, "v=0\no=x 1 1 IN IP4 a\ns=-\nt=0 0\nm=audio 7078 RTP/AVP 0\na=rtcp:12x\n") < 0);

	// Our offer: a=rtcp-mux; an answer without it leaves RTCP on the peer's port + 1.
	struct sc_sdp ours;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &ours), 0);
	n = sc_sdp_write(&ours, text, sizeof(text));
	CHECK(n > 0);
	CHECK_STR_CONTAINS(text, "a=rtcp-mux\r\n");
	CHECK_EQ_INT(sc_sdp_parse(text, (size_t)n, &again, why, sizeof(why)), 0);
	CHECK(again.media[0].rtcp_mux);
	CHECK_EQ_INT(parse_into(&answer, "v=0\no=x 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
					 "m=audio 7078 RTP/AVP 0\na=zrtp-hash:1.10 " HASH_A "\n"), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(res.accepted && !res.rtcp_mux && res.remote_rtcp_port == 7079);
	CHECK_EQ_INT(parse_into(&answer, "v=0\no=x 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
					 "m=audio 7078 RTP/AVP 0\na=rtcp-mux\na=zrtp-hash:1.10 " HASH_A "\n"), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(res.accepted && res.rtcp_mux && res.remote_rtcp_port == 7078);
	// An answer may not mux what was not offered.
	l.rtcp_mux = false;
	CHECK_EQ_INT(sc_sdp_make_offer(&l, &ours), 0);
	CHECK_EQ_INT(sc_sdp_read_answer(&ours, &answer, &res), 0);
	CHECK(!res.rtcp_mux && res.remote_rtcp_port == 7079);
}

int main(void)
{
	test_opus_negotiation();
	test_fmtp_params();
	test_telephone_event_rates();
	test_parse_offer();
	test_answer_codecs();
	test_answer_rejections();
	test_directions();
	test_offer_and_ipv6();
	test_read_answer_errors();
	test_keying();
	test_invalid();
	test_rtcp_ports();
	return check_done();
}
