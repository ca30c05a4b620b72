// SPDX-License-Identifier: GPL-3.0-or-later
// The pure RTP session: identifiers from the injected RNG, sequence and rollover counting,
// RFC 3711 index estimation, RFC 3550 A.3 loss, A.8 jitter and §6.4.1 round trip, driven
// with hand-computed expectations and no crypto.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "media/session.h"

struct script_rng {
	const uint8_t *bytes;
	size_t len, pos;
	int fail;
};

static int script_fill(void *ctx, void *buf, size_t len)
{
	struct script_rng *r = ctx;
	if (r->fail)
		return r->fail;
	uint8_t *out = buf;
	for (size_t i = 0; i < len; i++)
		out[i] = r->len ? r->bytes[r->pos++ % r->len] : 0;
	return 0;
}

static const uint8_t default_bytes[] = {0x12, 0x34, 0x56, 0x78, 0xff, 0xfe,
					0xa0, 0xb0, 0xc0, 0xd0};

static void init_session(struct sc_rtp_session *s, const uint8_t *bytes, size_t len)
{
	struct script_rng r = {.bytes = bytes, .len = len};
	struct sc_rtp_rng rng = {.fill = script_fill, .ctx = &r};
	struct sc_rtp_session_config cfg = {.payload_type = 0, .clock_rate = 8000,
					    .cname = "test@10.77.0.1"};
	CHECK_EQ_INT(sc_rtp_session_init(s, &cfg, &rng), 0);
}

// NTP time of T milliseconds.
static uint64_t ms_ntp(double t)
{
	return sc_ntp_from_ns((uint64_t)(t * 1e6));
}

static void test_init(void)
{
	struct sc_rtp_session s;
	init_session(&s, default_bytes, sizeof(default_bytes));
	CHECK_EQ_INT(s.ssrc, 0x12345678);
	CHECK_EQ_INT(s.tx_seq, 0x7ffe); // first sequence number kept below 2^15
	CHECK_EQ_INT(s.ts_base, 0xa0b0c0d0);
	CHECK_EQ_INT(s.tx_roc, 0);

	struct script_rng r = {.fail = -EIO};
	struct sc_rtp_rng rng = {.fill = script_fill, .ctx = &r};
	struct sc_rtp_session_config cfg = {.payload_type = 0, .clock_rate = 8000, .cname = "x"};
	CHECK_EQ_INT(sc_rtp_session_init(&s, &cfg, &rng), -EIO);
	r.fail = 0;
	cfg.clock_rate = 0;
	CHECK_EQ_INT(sc_rtp_session_init(&s, &cfg, &rng), -EINVAL);
	cfg.clock_rate = 8000;
	cfg.payload_type = 128;
	CHECK_EQ_INT(sc_rtp_session_init(&s, &cfg, &rng), -EINVAL);
	cfg.payload_type = 8;
	cfg.cname = "";
	CHECK_EQ_INT(sc_rtp_session_init(&s, &cfg, &rng), -EINVAL);
	cfg.cname = NULL;
	CHECK_EQ_INT(sc_rtp_session_init(&s, &cfg, &rng), -EINVAL);

	// Different random bytes, different identifiers: nothing is fixed.
	uint8_t other[10] = {1, 2, 3, 4, 0x00, 0x05, 9, 9, 9, 9};
	init_session(&s, other, sizeof(other));
	CHECK_EQ_INT(s.ssrc, 0x01020304);
	CHECK_EQ_INT(s.tx_seq, 5);
	CHECK_EQ_INT(s.ts_base, 0x09090909);

	// The test hook: a fixed first sequence number (above 2^15 too), the same draws else.
	struct script_rng fixed_r = {.bytes = default_bytes, .len = sizeof(default_bytes)};
	struct sc_rtp_rng fixed_rng = {.fill = script_fill, .ctx = &fixed_r};
	struct sc_rtp_session_config fixed = {.payload_type = 0, .clock_rate = 8000,
					      .cname = "test@10.77.0.1", .fixed_first_seq = true,
					      .first_seq = 65335};
	CHECK_EQ_INT(sc_rtp_session_init(&s, &fixed, &fixed_rng), 0);
	CHECK_EQ_INT(s.tx_seq, 65335);
	CHECK_EQ_INT(s.ssrc, 0x12345678);
	CHECK_EQ_INT(s.ts_base, 0xa0b0c0d0);
}

static void test_send_numbering(void)
{
	struct sc_rtp_session s;
	init_session(&s, default_bytes, sizeof(default_bytes));
	struct sc_rtp_header h;

	sc_rtp_session_next_header(&s, 0, &h);
	CHECK(h.marker);
	CHECK_EQ_INT(h.seq, 0x7ffe);
	CHECK_EQ_INT(h.timestamp, 0xa0b0c0d0);
	CHECK_EQ_INT(h.ssrc, 0x12345678);
	CHECK_EQ_INT(h.payload_type, 0);
	sc_rtp_session_next_header(&s, 0, &h);
	CHECK_EQ_INT(h.seq, 0x7ffe); // asking again uses nothing up

	sc_rtp_session_sent(&s, 160, false); // SRTP failed: number spent, marker still owed
	sc_rtp_session_next_header(&s, 160, &h);
	CHECK(h.marker);
	CHECK_EQ_INT(h.seq, 0x7fff);
	CHECK_EQ_INT(h.timestamp, 0xa0b0c0d0u + 160);
	CHECK_EQ_INT(s.tx_packets, 0);
	sc_rtp_session_sent(&s, 160, true);
	sc_rtp_session_next_header(&s, 320, &h);
	CHECK(!h.marker);
	CHECK_EQ_INT(h.seq, 0x8000);
	CHECK_EQ_INT(s.tx_packets, 1);
	CHECK_EQ_INT(s.tx_octets, 160);

	// The timestamp wraps with the media clock.
	sc_rtp_session_next_header(&s, 0x60000000, &h);
	CHECK_EQ_INT(h.timestamp, (uint32_t)(0xa0b0c0d0u + 0x60000000u));

	// Three wraps of the sequence number: the ROC counts each.
	uint32_t wraps_seen = 0;
	uint16_t prev = s.tx_seq;
	for (unsigned i = 0; i < 3 * 65536; i++) {
		sc_rtp_session_sent(&s, 160, true);
		if (s.tx_seq < prev)
			wraps_seen++;
		prev = s.tx_seq;
	}
	CHECK_EQ_INT(wraps_seen, 3);
	CHECK_EQ_INT(s.tx_roc, 3);
	CHECK_EQ_INT(s.tx_seq, 0x8000);
}

static void test_estimate_index(void)
{
	CHECK_EQ_INT(sc_rtp_estimate_index(100, 0, 101), 101);
	CHECK_EQ_INT(sc_rtp_estimate_index(100, 0, 90), 90);
	CHECK_EQ_INT(sc_rtp_estimate_index(65500, 0, 5), 65536 + 5);        // wrapped forward
	CHECK_EQ_INT(sc_rtp_estimate_index(5, 1, 65530), 65530);            // late, before wrap
	CHECK_EQ_INT(sc_rtp_estimate_index(5, 0, 65530), -1);               // before the start
	CHECK_EQ_INT(sc_rtp_estimate_index(40000, 2, 100), 3 * 65536 + 100);
	CHECK_EQ_INT(sc_rtp_estimate_index(40000, 2, 8000), 2 * 65536 + 8000);
	CHECK_EQ_INT(sc_rtp_estimate_index(32768, 4, 0), 4 * 65536);      // exactly half: not ahead
	CHECK_EQ_INT(sc_rtp_estimate_index(32769, 4, 0), 5 * 65536);
	CHECK_EQ_INT(sc_rtp_estimate_index(32767, 4, 65535), 4 * 65536 + 65535);
	CHECK_EQ_INT(sc_rtp_estimate_index(0, 7, 32768), 7 * 65536 + 32768);
	CHECK_EQ_INT(sc_rtp_estimate_index(0, 7, 32769), 6 * 65536 + 32769);
}

static struct sc_rtp_header remote_header(uint32_t ssrc, uint16_t seq, uint32_t ts)
{
	struct sc_rtp_header h;
	memset(&h, 0, sizeof(h));
	h.ssrc = ssrc;
	h.seq = seq;
	h.timestamp = ts;
	h.payload_type = 0;
	return h;
}

static void parse_our_rtcp(struct sc_rtp_session *s, uint64_t now, uint32_t media_ts,
			   const char *bye, struct sc_rtcp_info *info)
{
	uint8_t buf[1500];
	size_t len = 0;
	CHECK_EQ_INT(sc_rtp_session_build_rtcp(s, now, media_ts, bye, buf, sizeof(buf), &len), 0);
	CHECK_EQ_INT(sc_rtcp_parse(buf, len, info), 0);
}

static void test_receive_loss(void)
{
	struct sc_rtp_session s;
	init_session(&s, default_bytes, sizeof(default_bytes));
	const uint32_t peer = 0x0badf00d;

	// 2000 packets from seq 65000 across the wrap; every 10th lost (i = 9, 19, ...).
	uint64_t last_ext = 0;
	for (unsigned i = 0; i < 2000; i++) {
		if (i % 10 == 9)
			continue;
		struct sc_rtp_header h = remote_header(peer, (uint16_t)(65000 + i), i * 160);
		last_ext = sc_rtp_session_received(&s, &h, ms_ntp(i * 20.0));
	}
	CHECK_EQ_INT(last_ext, 65000 + 1998);

	struct sc_rtp_stats st;
	sc_rtp_session_stats(&s, &st);
	CHECK_EQ_INT(st.remote_ssrc, peer);
	CHECK_EQ_INT(st.rx_received, 1800);
	CHECK_EQ_INT(st.rx_expected, 1999); // the 2000th packet (i = 1999) was lost, so unseen
	CHECK_EQ_INT(st.rx_lost, 199);
	CHECK_EQ_INT(st.rx_roc, 1);

	struct sc_rtcp_info info;
	parse_our_rtcp(&s, ms_ntp(40000), 0, NULL, &info);
	CHECK(!info.reports[0].is_sr); // we sent nothing: RR
	CHECK_EQ_INT(info.reports[0].n_blocks, 1);
	const struct sc_rtcp_report_block *b = &info.reports[0].blocks[0];
	CHECK_EQ_INT(b->ssrc, peer);
	CHECK_EQ_INT(b->cumulative_lost, 199);
	CHECK_EQ_INT(b->fraction_lost, 199 * 256 / 1999);
	CHECK_EQ_INT(b->ext_highest_seq, (1u << 16) | (65000 + 1998 - 65536));
	CHECK_EQ_INT(b->lsr, 0);
	CHECK_EQ_INT(b->dlsr, 0);
	sc_rtp_session_stats(&s, &st);
	CHECK_EQ_INT(st.rx_fraction_lost, 199 * 256 / 1999);

	// Next interval: 500 packets, none lost, two swapped.
	for (unsigned i = 2000; i < 2500; i++) {
		unsigned j = i == 2100 ? 2101 : i == 2101 ? 2100 : i;
		struct sc_rtp_header h = remote_header(peer, (uint16_t)(65000 + j), j * 160);
		sc_rtp_session_received(&s, &h, ms_ntp(j * 20.0));
	}
	parse_our_rtcp(&s, ms_ntp(60000), 0, NULL, &info);
	b = &info.reports[0].blocks[0];
	// Only the 2000th packet, already missing at the first report, is lost in this interval.
	CHECK_EQ_INT(b->fraction_lost, 1 * 256 / 501);
	CHECK_EQ_INT(b->cumulative_lost, 200);

	// A late packet from before the first one seen lowers the base, not the loss.
	struct sc_rtp_header early = remote_header(peer, 64990, 0);
	sc_rtp_session_received(&s, &early, ms_ntp(60001));
	sc_rtp_session_stats(&s, &st);
	CHECK_EQ_INT(st.rx_expected, 2500 + 10);
	CHECK_EQ_INT(st.rx_lost, 2500 + 10 - (1800 + 500 + 1));

	// A new SSRC restarts the statistics.
	struct sc_rtp_header other = remote_header(0x5555, 10, 0);
	sc_rtp_session_received(&s, &other, ms_ntp(60002));
	sc_rtp_session_stats(&s, &st);
	CHECK_EQ_INT(st.remote_ssrc, 0x5555);
	CHECK_EQ_INT(st.rx_received, 1);
	CHECK_EQ_INT(st.rx_lost, 0);
	CHECK_EQ_INT(st.ssrc_changes, 1);
}

static void test_jitter(void)
{
	struct sc_rtp_session s;
	init_session(&s, default_bytes, sizeof(default_bytes));

	// Perfectly paced: no jitter, whatever the constant network delay.
	for (unsigned i = 0; i < 200; i++) {
		struct sc_rtp_header h = remote_header(1, (uint16_t)i, 1000 + i * 160);
		sc_rtp_session_received(&s, &h, ms_ntp(12345.0 + i * 20.0));
	}
	struct sc_rtp_stats st;
	sc_rtp_session_stats(&s, &st);
	CHECK(st.rx_jitter_ms < 0.2);

	// Every other packet 10 ms late: |D| is 80 timestamp units each time, so the estimate
	// converges to 80 units, 10 ms at 8 kHz (J += (|D| - J) / 16).
	init_session(&s, default_bytes, sizeof(default_bytes));
	for (unsigned i = 0; i < 400; i++) {
		struct sc_rtp_header h = remote_header(1, (uint16_t)i, i * 160);
		sc_rtp_session_received(&s, &h, ms_ntp(i * 20.0 + (i % 2 ? 10.0 : 0.0)));
	}
	sc_rtp_session_stats(&s, &st);
	CHECK(fabs(st.rx_jitter_ms - 10.0) < 0.2);
	struct sc_rtcp_info info;
	parse_our_rtcp(&s, ms_ntp(9000), 0, NULL, &info);
	CHECK(info.reports[0].blocks[0].jitter >= 78 && info.reports[0].blocks[0].jitter <= 80);

	// After the first sample: J = |D| / 16.
	init_session(&s, default_bytes, sizeof(default_bytes));
	struct sc_rtp_header h0 = remote_header(1, 0, 0), h1 = remote_header(1, 1, 160);
	sc_rtp_session_received(&s, &h0, ms_ntp(0));
	sc_rtp_session_received(&s, &h1, ms_ntp(20 + 20)); // 160 units late
	uint32_t first = s.rx.jitter_q4; // 160, or 159 where 40 ms rounds down in NTP units
	CHECK(first == 160 || first == 159);

	// Other payload types (telephone events reuse timestamps) do not feed the estimate.
	struct sc_rtp_header ev = remote_header(1, 2, 160);
	ev.payload_type = 101;
	sc_rtp_session_received(&s, &ev, ms_ntp(5000));
	CHECK_EQ_INT(s.rx.jitter_q4, first);
}

static void test_rtt(void)
{
	struct sc_rtp_session a, b;
	uint8_t bytes_b[10] = {0xb0, 0xb1, 0xb2, 0xb3, 0, 1, 0, 0, 0, 0};
	init_session(&a, default_bytes, sizeof(default_bytes));
	init_session(&b, bytes_b, sizeof(bytes_b));

	// A sends 50 packets that B receives.
	for (unsigned i = 0; i < 50; i++) {
		struct sc_rtp_header h;
		sc_rtp_session_next_header(&a, i * 160, &h);
		sc_rtp_session_sent(&a, 160, true);
		sc_rtp_session_received(&b, &h, ms_ntp(1000 + i * 20.0 + 30));
	}

	// B reports before it has any SR from A: no LSR, so A cannot know the round trip.
	struct sc_rtcp_info info;
	parse_our_rtcp(&b, ms_ntp(2100), 0, NULL, &info);
	sc_rtp_session_rtcp_received(&a, &info, ms_ntp(2130));
	struct sc_rtp_stats st;
	sc_rtp_session_stats(&a, &st);
	CHECK(st.have_peer_report);
	CHECK(st.rtt_ms < 0);

	// A's SR at t = 3000 ms reaches B 30 ms later; B answers 200 ms after that and the RR
	// takes 30 ms back: A - LSR - DLSR = 3260 - 3000 - 200 = 60 ms.
	parse_our_rtcp(&a, ms_ntp(3000), 50 * 160, NULL, &info);
	CHECK(info.reports[0].is_sr);
	CHECK_EQ_INT(info.reports[0].sender.packet_count, 50);
	CHECK_EQ_INT(info.reports[0].sender.octet_count, 50 * 160);
	CHECK_EQ_INT(info.reports[0].sender.rtp_timestamp, a.ts_base + 50 * 160);
	CHECK(info.reports[0].sender.ntp == ms_ntp(3000));
	sc_rtp_session_rtcp_received(&b, &info, ms_ntp(3030));

	parse_our_rtcp(&b, ms_ntp(3230), 0, NULL, &info);
	const struct sc_rtcp_report_block *blk = &info.reports[0].blocks[0];
	CHECK_EQ_INT(blk->ssrc, a.ssrc);
	CHECK_EQ_INT(blk->lsr, sc_ntp_mid32(ms_ntp(3000)));
	CHECK(fabs(blk->dlsr / 65.536 - 200.0) < 0.1);
	CHECK_EQ_INT(blk->cumulative_lost, 0);
	sc_rtp_session_rtcp_received(&a, &info, ms_ntp(3260));
	sc_rtp_session_stats(&a, &st);
	CHECK(fabs(st.rtt_ms - 60.0) < 0.1);
	CHECK_EQ_INT(st.peer_cumulative_lost, 0);

	// A block with an impossible (negative) round trip changes nothing.
	info.reports[0].blocks[0].dlsr += 65536 * 10;
	sc_rtp_session_rtcp_received(&a, &info, ms_ntp(3300));
	sc_rtp_session_stats(&a, &st);
	CHECK(fabs(st.rtt_ms - 60.0) < 0.1);

	// BYE from the peer is noticed.
	CHECK(!a.peer_bye);
	parse_our_rtcp(&b, ms_ntp(4000), 0, "hang-up", &info);
	CHECK(info.has_bye);
	CHECK(strcmp(info.bye_reason, "hang-up") == 0);
	sc_rtp_session_rtcp_received(&a, &info, ms_ntp(4030));
	CHECK(a.peer_bye);
}

static void test_build_limits(void)
{
	struct sc_rtp_session s;
	init_session(&s, default_bytes, sizeof(default_bytes));
	for (unsigned i = 0; i < 10; i++) {
		struct sc_rtp_header h = remote_header(7, (uint16_t)(i * 2), i * 320); // half lost
		sc_rtp_session_received(&s, &h, ms_ntp(i * 40.0));
	}
	uint8_t buf[40];
	size_t len = 0;
	CHECK_EQ_INT(sc_rtp_session_build_rtcp(&s, ms_ntp(500), 0, NULL, buf, sizeof(buf), &len),
		     -ENOBUFS);
	// The failed attempt did not consume the loss interval.
	struct sc_rtcp_info info;
	parse_our_rtcp(&s, ms_ntp(600), 0, NULL, &info);
	CHECK_EQ_INT(info.reports[0].blocks[0].fraction_lost, 9 * 256 / 19);
}

static void test_interval(void)
{
	uint8_t zeros[4] = {0, 0, 0, 0}, ones[4] = {0xff, 0xff, 0xff, 0xff};
	struct script_rng r = {.bytes = zeros, .len = 4};
	struct sc_rtp_rng rng = {.fill = script_fill, .ctx = &r};
	uint32_t ms = 0;
	CHECK_EQ_INT(sc_rtp_session_rtcp_interval_ms(&rng, false, &ms), 0);
	CHECK_EQ_INT(ms, (uint32_t)(5000 * 0.5 / 1.21828));
	CHECK_EQ_INT(sc_rtp_session_rtcp_interval_ms(&rng, true, &ms), 0);
	CHECK_EQ_INT(ms, (uint32_t)(2500 * 0.5 / 1.21828));
	r.bytes = ones;
	CHECK_EQ_INT(sc_rtp_session_rtcp_interval_ms(&rng, false, &ms), 0);
	CHECK(ms >= 6150 && ms <= 6157);
	r.fail = -EAGAIN;
	CHECK_EQ_INT(sc_rtp_session_rtcp_interval_ms(&rng, false, &ms), -EAGAIN);
}

static void test_ntp(void)
{
	CHECK(sc_ntp_from_ns(1500000000ull) == ((1ull << 32) | 0x80000000ull));
	CHECK(sc_ntp_from_ns(0) == 0);
	CHECK_EQ_INT(sc_ntp_mid32((5ull << 32) | 0x40000000ull), (5u << 16) | 0x4000u);
}

int main(void)
{
	test_init();
	test_send_numbering();
	test_estimate_index();
	test_receive_loss();
	test_jitter();
	test_rtt();
	test_build_limits();
	test_interval();
	test_ntp();
	return check_done();
}
