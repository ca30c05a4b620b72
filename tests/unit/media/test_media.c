// SPDX-License-Identifier: GPL-3.0-or-later
// The media engine end to end between two sessions: nothing plaintext ever leaves (a known
// audio pattern and known RTCP texts are searched for in every output buffer, before and
// after keys, on success and on error), drops before keys are counted, ZRTP passes through
// untouched, a long call crosses the sequence wrap three times with libsrtp decrypting all
// along, and replay, tampering, loss, jitter, RTT and BYE come out right.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "media/media.h"
#include "media/rtcp.h"
#include "media/rtp.h"

#define PATTERN "SEALCALL-PLAINTEXT-AUDIO-PATTERN" // 32 bytes, repeated in each frame
#define CNAME_MARKER "cname-marker-7f3a@10.77.0.1"
#define BYE_MARKER "bye-marker-hang-up-91c2"
#define WINDOW 8

static uint8_t frame[160];

struct script_rng {
	uint8_t bytes[10];
};

static int script_fill(void *ctx, void *buf, size_t len)
{
	struct script_rng *r = ctx;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = r->bytes[i % sizeof(r->bytes)];
	return 0;
}

// True when any WINDOW-byte run of NEEDLE occurs anywhere in HAY. Ciphertext matches an
// 8-byte run by chance with probability about 2^-64 per position.
static bool contains_any_window(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
				size_t needle_len)
{
	for (size_t n = 0; n + WINDOW <= needle_len; n++)
		if (hay_len >= WINDOW && memmem(hay, hay_len, needle + n, WINDOW))
			return true;
	return false;
}

static bool leaks(const uint8_t *buf, size_t cap)
{
	return contains_any_window(buf, cap, frame, sizeof(frame)) ||
	       contains_any_window(buf, cap, (const uint8_t *)CNAME_MARKER, strlen(CNAME_MARKER)) ||
	       contains_any_window(buf, cap, (const uint8_t *)BYE_MARKER, strlen(BYE_MARKER));
}

static struct sc_media_session *new_session(struct script_rng *rng, const char *cname)
{
	struct sc_media_config cfg = {
		.payload_type = 0, .clock_rate = 8000, .cname = cname,
		.rng = {.fill = script_fill, .ctx = rng},
	};
	struct sc_media_session *s = NULL;
	CHECK_EQ_INT(sc_media_session_new(&cfg, &s), 0);
	return s;
}

static void fill_master(struct sc_srtp_master *m, uint8_t seed)
{
	for (size_t i = 0; i < sizeof(m->key); i++)
		m->key[i] = (uint8_t)(seed * 3 + i);
	for (size_t i = 0; i < sizeof(m->salt); i++)
		m->salt[i] = (uint8_t)(seed ^ (i * 11));
}

// A's and B's keys, mirrored as ZRTP would give them to initiator and responder.
static void key_pair(struct sc_media_session *a, struct sc_media_session *b,
		     enum sc_srtp_cipher cipher, enum sc_srtp_auth auth)
{
	struct sc_srtp_keys ka = {.cipher = cipher, .auth = auth};
	fill_master(&ka.tx, 0x31);
	fill_master(&ka.rx, 0x52);
	struct sc_srtp_keys kb = ka;
	kb.tx = ka.rx;
	kb.rx = ka.tx;
	CHECK_EQ_INT(sc_media_set_keys(a, &ka), 0);
	CHECK_EQ_INT(sc_media_set_keys(b, &kb), 0);
}

static uint64_t ms_ntp(double t)
{
	return sc_ntp_from_ns((uint64_t)(t * 1e6));
}

static void test_detector_sees_plaintext(void)
{
	// The leak check must be able to fail: a plaintext RTP packet and RTCP compound trip it.
	struct sc_rtp_header h = {.payload_type = 0, .seq = 1, .timestamp = 2, .ssrc = 3};
	uint8_t buf[1500];
	size_t n = 0;
	CHECK_EQ_INT(sc_rtp_write(&h, frame, sizeof(frame), buf, sizeof(buf), &n), 0);
	CHECK(leaks(buf, n));
	CHECK(leaks(buf + 50, 20)); // a fragment is enough
	n = 0;
	CHECK_EQ_INT(sc_rtcp_write_rr(buf, sizeof(buf), &n, 3, NULL, 0), 0);
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(buf, sizeof(buf), &n, 3, CNAME_MARKER), 0);
	CHECK(leaks(buf, n));
	memset(buf, 0xa5, sizeof(buf));
	CHECK(!leaks(buf, sizeof(buf)));
}

static void test_nothing_before_keys(void)
{
	struct script_rng ra = {{0xaa, 0, 0, 1, 0x10, 0, 1, 2, 3, 4}};
	struct script_rng rb = {{0xbb, 0, 0, 2, 0x20, 0, 5, 6, 7, 8}};
	struct sc_media_session *a = new_session(&ra, CNAME_MARKER);
	struct sc_media_session *b = new_session(&rb, "b@10.77.0.2");
	if (!a || !b)
		goto out;
	CHECK(!sc_media_has_keys(a));

	uint8_t out[1500];
	memset(out, 0xa5, sizeof(out));
	for (unsigned i = 0; i < 50; i++) {
		size_t n = 99;
		CHECK_EQ_INT(sc_media_send_audio(a, frame, sizeof(frame), i * 160, out, sizeof(out),
						 &n),
			     -EAGAIN);
		CHECK_EQ_INT(n, 0);
	}
	size_t n = 99;
	CHECK_EQ_INT(sc_media_send_rtcp(a, ms_ntp(1000), 0, NULL, out, sizeof(out), &n), -EAGAIN);
	CHECK_EQ_INT(sc_media_send_rtcp(a, ms_ntp(1000), 0, BYE_MARKER, out, sizeof(out), &n),
		     -EAGAIN);
	CHECK_EQ_INT(n, 0);
	bool untouched = true;
	for (size_t i = 0; i < sizeof(out); i++)
		untouched = untouched && out[i] == 0xa5;
	CHECK(untouched);

	struct sc_media_stats st;
	sc_media_get_stats(a, &st);
	CHECK_EQ_INT(st.counters.tx_dropped_before_keys, 50);
	CHECK_EQ_INT(st.counters.tx_rtcp_dropped_before_keys, 2);
	CHECK_EQ_INT(st.counters.tx_rtp, 0);
	CHECK(!st.keyed);
	CHECK(strcmp(st.suite, "") == 0);
	CHECK_EQ_INT(st.rtp.tx_packets, 0);

	// Plaintext arriving before keys is dropped, not handed up.
	struct sc_rtp_header h = {.payload_type = 0, .seq = 9, .timestamp = 9, .ssrc = 9};
	uint8_t in[1500];
	CHECK_EQ_INT(sc_rtp_write(&h, frame, sizeof(frame), in, sizeof(in), &n), 0);
	struct sc_media_rx rx;
	CHECK_EQ_INT(sc_media_receive(b, in, n, ms_ntp(1), &rx), 0);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_DROPPED);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_NO_KEYS);
	CHECK(rx.payload == NULL);
	n = 0;
	CHECK_EQ_INT(sc_rtcp_write_rr(in, sizeof(in), &n, 9, NULL, 0), 0);
	CHECK_EQ_INT(sc_media_receive(b, in, n, ms_ntp(2), &rx), 0);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_NO_KEYS);
	sc_media_get_stats(b, &st);
	CHECK_EQ_INT(st.counters.rx_dropped_before_keys, 2);
	CHECK_EQ_INT(st.rtp.rx_received, 0);
out:
	sc_media_session_free(a);
	sc_media_session_free(b);
}

static void test_only_srtp_after_keys(enum sc_srtp_cipher cipher, enum sc_srtp_auth auth)
{
	struct script_rng ra = {{0xaa, 0, 0, 1, 0x10, 0, 1, 2, 3, 4}};
	struct script_rng rb = {{0xbb, 0, 0, 2, 0x20, 0, 5, 6, 7, 8}};
	struct sc_media_session *a = new_session(&ra, CNAME_MARKER);
	struct sc_media_session *b = new_session(&rb, "b@10.77.0.2");
	if (!a || !b)
		goto out;
	key_pair(a, b, cipher, auth);
	size_t tag = auth == SC_SRTP_HMAC_SHA1_80 ? 10 : 4;

	unsigned leaked = 0, wrong_len = 0, decoded = 0;
	uint8_t out[1500];
	for (unsigned i = 0; i < 1000; i++) {
		memset(out, 0, sizeof(out));
		size_t n = 0;
		CHECK_EQ_INT(sc_media_send_audio(a, frame, sizeof(frame), i * 160, out, sizeof(out),
						 &n),
			     0);
		if (leaks(out, sizeof(out)))
			leaked++;
		if (n != 12 + sizeof(frame) + tag)
			wrong_len++;
		struct sc_media_rx rx;
		CHECK_EQ_INT(sc_media_receive(b, out, n, ms_ntp(i * 20.0), &rx), 0);
		if (rx.kind == SC_MEDIA_RX_AUDIO && rx.payload_len == sizeof(frame) &&
		    memcmp(rx.payload, frame, sizeof(frame)) == 0)
			decoded++;
	}
	CHECK_EQ_INT(leaked, 0);
	CHECK_EQ_INT(wrong_len, 0);
	CHECK_EQ_INT(decoded, 1000); // the pattern was in the packets: the search was real

	// RTCP, including the hang-up BYE, is SRTCP: CNAME and reason are not readable.
	for (unsigned i = 0; i < 2; i++) {
		const char *bye = i ? BYE_MARKER : NULL;
		memset(out, 0, sizeof(out));
		size_t n = 0;
		CHECK_EQ_INT(sc_media_send_rtcp(a, ms_ntp(20000 + i), 1000 * 160, bye, out,
						sizeof(out), &n),
			     0);
		CHECK(!leaks(out, sizeof(out)));
		CHECK(n > 8 + 14);
		CHECK(sc_rd32(out + n - 14) & 0x80000000u); // E flag: the compound is encrypted
		struct sc_media_rx rx;
		CHECK_EQ_INT(sc_media_receive(b, out, n, ms_ntp(20010 + i), &rx), 0);
		CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_RTCP);
		CHECK_EQ_INT(rx.bye, i == 1);
		struct sc_rtcp_info info;
		CHECK_EQ_INT(sc_rtcp_parse(rx.payload, rx.payload_len, &info), 0);
		CHECK(strcmp(info.cname, CNAME_MARKER) == 0);
		if (i)
			CHECK(strcmp(info.bye_reason, BYE_MARKER) == 0);
	}

	// Error paths leave no plaintext behind either.
	memset(out, 0, sizeof(out));
	size_t n = 5;
	CHECK_EQ_INT(sc_media_send_audio(a, frame, sizeof(frame), 0, out, 12 + sizeof(frame), &n),
		     -ENOBUFS);
	CHECK_EQ_INT(n, 0);
	CHECK(!leaks(out, sizeof(out)));
	// Room for the RR and the SRTCP trailer but not the CNAME: the RR staged in OUT is wiped.
	CHECK_EQ_INT(sc_media_send_rtcp(a, ms_ntp(30000), 0, BYE_MARKER, out, 8 + 24 + 14 + 20, &n),
		     -ENOBUFS);
	CHECK(!leaks(out, sizeof(out)));
	bool wiped = true;
	for (size_t i = 0; i < 8 + 24 + 14 + 20; i++)
		wiped = wiped && out[i] == 0;
	CHECK(wiped);
	CHECK_EQ_INT(sc_media_send_audio(a, frame, 0, 0, out, sizeof(out), &n), -EINVAL);
	static uint8_t big[SC_MEDIA_MAX_PAYLOAD + 1];
	CHECK_EQ_INT(sc_media_send_audio(a, big, sizeof(big), 0, out, sizeof(out), &n), -EINVAL);
	CHECK_EQ_INT(sc_media_send_audio(a, big, SC_MEDIA_MAX_PAYLOAD, 0, out, sizeof(out), &n), 0);
	CHECK_EQ_INT(n, SC_MEDIA_MAX_PACKET - SC_SRTP_MAX_OVERHEAD + tag);

	struct sc_media_stats st;
	sc_media_get_stats(a, &st);
	CHECK_EQ_INT(st.counters.tx_rtp, 1001);
	CHECK_EQ_INT(st.counters.tx_rtcp, 2);
	CHECK_EQ_INT(st.counters.tx_errors, 2);
	CHECK(st.keyed);
	CHECK(strcmp(st.suite, sc_srtp_suite_name(cipher, auth)) == 0);
out:
	sc_media_session_free(a);
	sc_media_session_free(b);
}

static void test_demux_and_zrtp(void)
{
	// A ZRTP Hello header: 0x10 0x00, sequence, "ZRTP" cookie, source identifier, message.
	uint8_t zrtp[40] = {0x10, 0x00, 0x00, 0x01, 0x5a, 0x52, 0x54, 0x50, 0xaa, 0xbb, 0xcc, 0xdd,
			    0x50, 0x5a, 0x00, 0x07, 'H', 'e', 'l', 'l', 'o', ' ', ' ', ' '};
	CHECK_EQ_INT(sc_media_demux(zrtp, sizeof(zrtp)), SC_MEDIA_PKT_ZRTP);
	CHECK_EQ_INT(sc_media_demux(zrtp, 11), SC_MEDIA_PKT_UNKNOWN);
	uint8_t not_zrtp[40];
	memcpy(not_zrtp, zrtp, sizeof(zrtp));
	not_zrtp[7] = 0x51; // cookie wrong
	CHECK_EQ_INT(sc_media_demux(not_zrtp, sizeof(not_zrtp)), SC_MEDIA_PKT_UNKNOWN);
	not_zrtp[7] = 0x50;
	not_zrtp[0] = 0x11; // first octet must be exactly 0x10
	CHECK_EQ_INT(sc_media_demux(not_zrtp, sizeof(not_zrtp)), SC_MEDIA_PKT_UNKNOWN);

	uint8_t rtp[12] = {0x80, 0x00}, rtcp[8] = {0x80, 201, 0, 1};
	CHECK_EQ_INT(sc_media_demux(rtp, sizeof(rtp)), SC_MEDIA_PKT_RTP);
	CHECK_EQ_INT(sc_media_demux(rtp, 11), SC_MEDIA_PKT_UNKNOWN);
	CHECK_EQ_INT(sc_media_demux(rtcp, sizeof(rtcp)), SC_MEDIA_PKT_RTCP);
	CHECK_EQ_INT(sc_media_demux(NULL, 0), SC_MEDIA_PKT_UNKNOWN);

	struct script_rng ra = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}};
	struct script_rng rb = {{11, 12, 13, 14, 15, 16, 17, 18, 19, 20}};
	struct sc_media_session *a = new_session(&ra, "a@x");
	struct sc_media_session *b = new_session(&rb, "b@x");
	if (!a || !b)
		goto out;
	// ZRTP is handed up unchanged before keys and after.
	for (int keyed = 0; keyed < 2; keyed++) {
		if (keyed)
			key_pair(a, b, SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_80);
		uint8_t copy[40];
		memcpy(copy, zrtp, sizeof(zrtp));
		struct sc_media_rx rx;
		CHECK_EQ_INT(sc_media_receive(b, copy, sizeof(copy), ms_ntp(1), &rx), 0);
		CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_ZRTP);
		CHECK(rx.payload == copy && rx.payload_len == sizeof(copy));
		CHECK(memcmp(copy, zrtp, sizeof(zrtp)) == 0);
	}
	uint8_t junk[20] = {0x00, 0x01, 0x02};
	struct sc_media_rx rx;
	CHECK_EQ_INT(sc_media_receive(b, junk, sizeof(junk), ms_ntp(2), &rx), 0);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_UNKNOWN);
	CHECK_EQ_INT(sc_media_receive(b, NULL, 0, 0, &rx), -EINVAL);

	struct sc_media_stats st;
	sc_media_get_stats(b, &st);
	CHECK_EQ_INT(st.counters.rx_zrtp, 2);
	CHECK_EQ_INT(st.counters.rx_unknown, 1);

	// Keys are set once; a second set (a re-key) is refused and changes nothing.
	struct sc_srtp_keys k = {.cipher = SC_SRTP_AES_CM_128, .auth = SC_SRTP_HMAC_SHA1_80};
	CHECK_EQ_INT(sc_media_set_keys(a, &k), -EALREADY);
	CHECK(sc_media_has_keys(a));
out:
	sc_media_session_free(a);
	sc_media_session_free(b);
}

static void test_bad_keys_keep_gate_shut(void)
{
	struct script_rng ra = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}};
	struct sc_media_session *a = new_session(&ra, "a@x");
	if (!a)
		return;
	struct sc_srtp_keys k = {.cipher = SC_SRTP_AES_CM_128, .auth = SC_SRTP_HMAC_SHA1_80,
				 .replay_window = 5};
	CHECK_EQ_INT(sc_media_set_keys(a, &k), -EINVAL);
	CHECK(!sc_media_has_keys(a));
	uint8_t out[1500];
	size_t n;
	CHECK_EQ_INT(sc_media_send_audio(a, frame, sizeof(frame), 0, out, sizeof(out), &n), -EAGAIN);
	sc_media_session_free(a);
}

// Three sequence wraps (RFC 3711's ROC reaching 3) with loss, reordering and duplicates
// around the wraps; libsrtp must decrypt everything delivered, and the session's rollover
// counters must equal libsrtp's own on both sides.
static void test_long_call(void)
{
	struct script_rng ra = {{0xa1, 0xa2, 0xa3, 0xa4, 0xff, 0xff, 0, 0, 0, 0}}; // seq 0x7fff
	struct script_rng rb = {{0xb1, 0xb2, 0xb3, 0xb4, 0, 0, 0, 0, 0, 0}};
	struct sc_media_session *a = new_session(&ra, "a@x");
	struct sc_media_session *b = new_session(&rb, "b@x");
	if (!a || !b)
		goto out;
	key_pair(a, b, SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_32);

	const unsigned total = 32769 + 2 * 65536 + 3000; // third wrap at packet 163841
	unsigned delivered = 0, decrypted = 0, wrong = 0, lost = 0, dup_dropped = 0;
	uint64_t base_ext = 0;
	uint8_t held[200];
	size_t held_len = 0;
	unsigned held_i = 0;
	for (unsigned i = 0; i < total; i++) {
		uint8_t out[200];
		size_t n = 0;
		frame[0] = (uint8_t)i;
		frame[1] = (uint8_t)(i >> 8);
		int ret = sc_media_send_audio(a, frame, sizeof(frame), i * 160, out, sizeof(out), &n);
		if (ret != 0) {
			CHECK_EQ_INT(ret, 0);
			break;
		}
		uint16_t seq = sc_rd16(out + 2);
		// Around every wrap: a burst of loss across it, a swapped pair and a duplicate.
		bool near_wrap = seq >= 65530 || seq <= 20;
		if (near_wrap && (seq >= 65534 || seq <= 3)) {
			lost++;
			continue;
		}
		if (near_wrap && seq == 10) {
			memcpy(held, out, n);
			held_len = n;
			held_i = i;
			continue;
		}
		int copies = near_wrap && seq == 15 ? 2 : 1;
		for (int copy = 0; copy < copies; copy++) {
			uint8_t in[200];
			memcpy(in, out, n);
			struct sc_media_rx rx;
			CHECK_EQ_INT(sc_media_receive(b, in, n, ms_ntp(i * 20.0), &rx), 0);
			delivered++;
			if (rx.kind == SC_MEDIA_RX_DROPPED && rx.drop == SC_MEDIA_DROP_REPLAYED) {
				dup_dropped++;
				continue;
			}
			if (i == 0)
				base_ext = rx.ext_seq;
			if (rx.kind != SC_MEDIA_RX_AUDIO || rx.payload_len != sizeof(frame) ||
			    memcmp(rx.payload, frame, sizeof(frame)) != 0 || rx.ext_seq != base_ext + i) {
				wrong++;
				continue;
			}
			decrypted++;
		}
		if (near_wrap && seq == 11 && held_len) {
			struct sc_media_rx rx;
			CHECK_EQ_INT(sc_media_receive(b, held, held_len, ms_ntp(i * 20.0 + 1), &rx), 0);
			delivered++;
			if (rx.kind == SC_MEDIA_RX_AUDIO && rx.ext_seq == base_ext + held_i)
				decrypted++;
			else
				wrong++;
			held_len = 0;
		}
	}
	CHECK_EQ_INT(wrong, 0);
	CHECK_EQ_INT(dup_dropped, 3);
	CHECK_EQ_INT(decrypted, total - lost);
	CHECK_EQ_INT(delivered, total - lost + 3);
	CHECK_EQ_INT(base_ext, 0x7fff);

	struct sc_media_stats sa, sb;
	sc_media_get_stats(a, &sa);
	sc_media_get_stats(b, &sb);
	CHECK_EQ_INT(sa.rtp.tx_roc, 3);
	CHECK_EQ_INT(sb.rtp.rx_roc, 3);
	uint32_t tx_roc = 99, rx_roc = 99, unused = 0;
	CHECK_EQ_INT(sc_media_srtp_rocs(a, &tx_roc, &unused), -ENOENT); // A received nothing
	CHECK_EQ_INT(sc_media_srtp_rocs(b, &unused, &rx_roc), -ENOENT); // B sent nothing
	CHECK_EQ_INT(sb.rtp.rx_received, total - lost);
	CHECK_EQ_INT(sb.rtp.rx_lost, lost);
	CHECK_EQ_INT(sb.counters.rx_replayed, 3);
	CHECK_EQ_INT(sb.counters.rx_rtp, total - lost);

	// Now B answers, so both libsrtp contexts know both streams: compare the counters.
	uint8_t out[200], in[200];
	size_t n = 0;
	CHECK_EQ_INT(sc_media_send_audio(b, frame, sizeof(frame), 0, out, sizeof(out), &n), 0);
	memcpy(in, out, n);
	struct sc_media_rx rx;
	CHECK_EQ_INT(sc_media_receive(a, in, n, ms_ntp(total * 20.0), &rx), 0);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_AUDIO);
	CHECK_EQ_INT(sc_media_srtp_rocs(a, &tx_roc, &unused), 0);
	CHECK_EQ_INT(tx_roc, sa.rtp.tx_roc);
	CHECK_EQ_INT(sc_media_srtp_rocs(b, &unused, &rx_roc), 0);
	CHECK_EQ_INT(rx_roc, sb.rtp.rx_roc);
out:
	memset(frame, 0, 2);
	sc_media_session_free(a);
	sc_media_session_free(b);
}

static void test_receive_verdicts(void)
{
	struct script_rng ra = {{1, 1, 1, 1, 0, 5, 1, 1, 1, 1}};
	struct script_rng rb = {{2, 2, 2, 2, 0, 6, 2, 2, 2, 2}};
	struct sc_media_session *a = new_session(&ra, "a@x");
	struct sc_media_session *b = new_session(&rb, "b@x");
	if (!a || !b)
		goto out;
	key_pair(a, b, SC_SRTP_AES_CM_256, SC_SRTP_HMAC_SHA1_80);

	static uint8_t pkts[200][200];
	static size_t lens[200];
	for (unsigned i = 0; i < 200; i++)
		CHECK_EQ_INT(sc_media_send_audio(a, frame, sizeof(frame), i * 160, pkts[i],
						 sizeof(pkts[i]), &lens[i]),
			     0);
	uint8_t in[200];
	struct sc_media_rx rx;
#define DELIVER(i, t)                                                                    \
	do {                                                                             \
		memcpy(in, pkts[i], lens[i]);                                           \
		CHECK_EQ_INT(sc_media_receive(b, in, lens[i], ms_ntp(t), &rx), 0);      \
	} while (0)
	DELIVER(199, 4000);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_AUDIO);
	CHECK(!rx.marker);
	DELIVER(199, 4001);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_REPLAYED);
	DELIVER(0, 4002);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_TOO_OLD);
	DELIVER(150, 4003);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_AUDIO);
	memcpy(in, pkts[151], lens[151]);
	in[40] ^= 0x80;
	CHECK_EQ_INT(sc_media_receive(b, in, lens[151], ms_ntp(4004), &rx), 0);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_AUTH);
	CHECK_EQ_INT(sc_media_receive(b, in, 14, ms_ntp(4005), &rx), 0); // shorter than a tag
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_MALFORMED);
	DELIVER(151, 4006); // the genuine one after the forgery
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_AUDIO);
	DELIVER(1, 4007);
	CHECK_EQ_INT(rx.drop, SC_MEDIA_DROP_TOO_OLD);

	struct sc_media_stats st;
	sc_media_get_stats(b, &st);
	CHECK_EQ_INT(st.counters.rx_rtp, 3);
	CHECK_EQ_INT(st.counters.rx_replayed, 1);
	CHECK_EQ_INT(st.counters.rx_auth_failed, 1);
	CHECK_EQ_INT(st.counters.rx_malformed, 1);
	CHECK_EQ_INT(st.counters.rx_too_old, 2);
	CHECK_EQ_INT(st.rtp.rx_received, 3); // only authenticated packets count
#undef DELIVER
out:
	sc_media_session_free(a);
	sc_media_session_free(b);
}

static void test_marker_and_quality(void)
{
	struct script_rng ra = {{1, 1, 1, 1, 0, 5, 1, 1, 1, 1}};
	struct script_rng rb = {{2, 2, 2, 2, 0, 6, 2, 2, 2, 2}};
	struct sc_media_session *a = new_session(&ra, "a@x");
	struct sc_media_session *b = new_session(&rb, "b@x");
	if (!a || !b)
		goto out;
	key_pair(a, b, SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_80);

	// 250 packets A->B over 5 s, 10 lost, odd ones 10 ms late; B->A 250 packets.
	unsigned markers = 0;
	for (unsigned i = 0; i < 250; i++) {
		uint8_t out[200];
		size_t n = 0;
		CHECK_EQ_INT(sc_media_send_audio(a, frame, sizeof(frame), i * 160, out, sizeof(out), &n),
			     0);
		if (i % 25 != 12) {
			struct sc_media_rx rx;
			CHECK_EQ_INT(sc_media_receive(b, out, n, ms_ntp(i * 20.0 + (i % 2) * 10.0), &rx),
				     0);
			markers += rx.marker;
			CHECK_EQ_INT(rx.marker, i == 0);
		}
		CHECK_EQ_INT(sc_media_send_audio(b, frame, sizeof(frame), i * 160, out, sizeof(out), &n),
			     0);
		struct sc_media_rx rx;
		CHECK_EQ_INT(sc_media_receive(a, out, n, ms_ntp(i * 20.0 + 5), &rx), 0);
	}
	CHECK_EQ_INT(markers, 1);

	// A's SR at 5000 ms, B's RR 100 ms after receiving it, one-way 15 ms: RTT 30 ms.
	uint8_t out[1500];
	size_t n = 0;
	struct sc_media_rx rx;
	CHECK_EQ_INT(sc_media_send_rtcp(a, ms_ntp(5000), 250 * 160, NULL, out, sizeof(out), &n), 0);
	CHECK_EQ_INT(sc_media_receive(b, out, n, ms_ntp(5015), &rx), 0);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_RTCP);
	CHECK_EQ_INT(sc_media_send_rtcp(b, ms_ntp(5115), 250 * 160, NULL, out, sizeof(out), &n), 0);
	CHECK_EQ_INT(sc_media_receive(a, out, n, ms_ntp(5130), &rx), 0);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_RTCP);

	struct sc_media_stats sa, sb;
	sc_media_get_stats(a, &sa);
	sc_media_get_stats(b, &sb);
	CHECK(fabs(sa.rtp.rtt_ms - 30.0) < 0.1);
	CHECK(sa.rtp.have_peer_report);
	CHECK_EQ_INT(sa.rtp.peer_cumulative_lost, 10);
	CHECK_EQ_INT(sa.rtp.peer_fraction_lost, 10 * 256 / 250);
	CHECK(sa.rtp.peer_jitter_ms > 8.0 && sa.rtp.peer_jitter_ms < 10.5);
	CHECK_EQ_INT(sb.rtp.rx_lost, 10);
	CHECK(sb.rtp.rx_jitter_ms > 8.0 && sb.rtp.rx_jitter_ms < 10.5);
	CHECK_EQ_INT(sb.counters.rx_rtcp, 1);
	CHECK_EQ_INT(sa.rtp.remote_ssrc, sc_media_local_ssrc(b));

	// Hang-up: A's BYE reaches B as SRTCP and is reported.
	CHECK_EQ_INT(sc_media_send_rtcp(a, ms_ntp(6000), 300 * 160, "hang-up", out, sizeof(out), &n),
		     0);
	CHECK_EQ_INT(sc_media_receive(b, out, n, ms_ntp(6015), &rx), 0);
	CHECK_EQ_INT(rx.kind, SC_MEDIA_RX_RTCP);
	CHECK(rx.bye);

	uint32_t ms = 0;
	CHECK_EQ_INT(sc_media_rtcp_interval_ms(a, true, &ms), 0);
	CHECK(ms >= 1026 && ms <= 3079);
out:
	sc_media_session_free(a);
	sc_media_session_free(b);
}

static void test_keys_from_zrtp(void)
{
	uint8_t k16[16], k32[32], salt[14], salt13[13];
	memset(k16, 0x16, sizeof(k16));
	memset(k32, 0x32, sizeof(k32));
	memset(salt, 0x55, sizeof(salt));
	struct sc_media_zrtp_key tx = {k16, 16, salt, 14}, rx = {k16, 16, salt, 14};
	struct sc_srtp_keys out;
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES1, SC_ZRTP_HS32, &tx, &rx, &out), 0);
	CHECK_EQ_INT(out.cipher, SC_SRTP_AES_CM_128);
	CHECK_EQ_INT(out.auth, SC_SRTP_HMAC_SHA1_32);
	// SRTCP carries the tag ZRTP agreed, as bzrtp (Linphone) sends and checks it.
	CHECK(out.srtcp_tag_like_srtp && out.replay_window == 0);
	struct sc_srtp *ctx = NULL;
	CHECK_EQ_INT(sc_srtp_create(&out, &ctx), 0);
	CHECK_EQ_INT(sc_srtp_rtp_overhead(ctx), 4);
	CHECK_EQ_INT(sc_srtp_rtcp_overhead(ctx), 4 + 4); // E flag and index, then a 32-bit tag
	sc_srtp_free(ctx);
	CHECK(memcmp(out.tx.key, k16, 16) == 0 && memcmp(out.rx.salt, salt, 14) == 0);
	// AES3 needs 32-byte keys on both sides; a short salt is refused; failures wipe OUT.
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES3, SC_ZRTP_HS80, &tx, &rx, &out), -EINVAL);
	CHECK(out.tx.key[0] == 0 && out.cipher == 0);
	tx.key = k32;
	tx.key_len = 32;
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES3, SC_ZRTP_HS80, &tx, &rx, &out), -EINVAL);
	rx = tx;
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES3, SC_ZRTP_HS80, &tx, &rx, &out), 0);
	CHECK_EQ_INT(out.cipher, SC_SRTP_AES_CM_256);
	CHECK_EQ_INT(out.auth, SC_SRTP_HMAC_SHA1_80);
	rx.salt = salt13;
	rx.salt_len = 13;
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES3, SC_ZRTP_HS80, &tx, &rx, &out), -EINVAL);
	CHECK_EQ_INT(sc_media_keys_from_zrtp((enum sc_zrtp_cipher)9, SC_ZRTP_HS80, &tx, &tx, &out),
		     -EINVAL);
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES3, (enum sc_zrtp_auth)9, &tx, &tx, &out),
		     -EINVAL);
	CHECK_EQ_INT(sc_media_keys_from_zrtp(SC_ZRTP_AES3, SC_ZRTP_HS80, NULL, &tx, &out), -EINVAL);
}

static void test_os_rng(void)
{
	uint8_t a[32] = {0}, b[32] = {0};
	CHECK_EQ_INT(sc_media_os_rng(NULL, a, sizeof(a)), 0);
	CHECK_EQ_INT(sc_media_os_rng(NULL, b, sizeof(b)), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	struct sc_media_config cfg = {.payload_type = 8, .clock_rate = 8000, .cname = "x@y",
				      .rng = {.fill = sc_media_os_rng}};
	struct sc_media_session *s = NULL;
	CHECK_EQ_INT(sc_media_session_new(&cfg, &s), 0);
	sc_media_session_free(s);
	cfg.clock_rate = 0;
	CHECK_EQ_INT(sc_media_session_new(&cfg, &s), -EINVAL);
	CHECK(s == NULL);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)PATTERN[i % 32];
	CHECK_EQ_INT(sc_srtp_global_init(), 0);
	test_detector_sees_plaintext();
	test_nothing_before_keys();
	test_only_srtp_after_keys(SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_80);
	test_only_srtp_after_keys(SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_32);
	test_only_srtp_after_keys(SC_SRTP_AES_CM_256, SC_SRTP_HMAC_SHA1_80);
	test_only_srtp_after_keys(SC_SRTP_AES_CM_256, SC_SRTP_HMAC_SHA1_32);
	test_demux_and_zrtp();
	test_bad_keys_keep_gate_shut();
	test_receive_verdicts();
	test_marker_and_quality();
	test_os_rng();
	test_keys_from_zrtp();
	test_long_call(); // last: it changes the frame's first bytes while it runs
	sc_srtp_global_shutdown();
	return check_done();
}
