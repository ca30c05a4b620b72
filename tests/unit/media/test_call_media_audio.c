// SPDX-License-Identifier: GPL-3.0-or-later
// sc_call_media audio: a known signal captured at one end plays out at the other and is
// never found in any datagram on the link, before keys or after; audio captured before
// keys is dropped and counted; the hang-up BYE is SRTCP; a 22-minute call crosses the RTP
// sequence wrap without losing audio; RTCP quality figures match the simulated link; and
// the jitter buffer keeps its clock when the headset stops pulling.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audio/g711.h"
#include "check.h"
#include "media/call_media.h"
#include "media/rtcp.h"
#include "media/rtp.h"
#include "test_call_media_sim.h"

#define A 0
#define B 1
#define WINDOW 8

static void start_call(struct cms_sim *s)
{
	char ha[SC_ZRTP_HELLO_HASH_ATTR_MAX], hb[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s->node[A].cm, ha, sizeof(ha)), 0);
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s->node[B].cm, hb, sizeof(hb)), 0);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s->node[B].cm, ha), 0);
	cms_start(s, B);
	cms_start(s, A);
	cms_run(s, 40);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s->node[A].cm, hb), 0);
	cms_drain(s, A);
}

static int make_pair(struct cms_sim *s, struct cms_audio *audio, uint64_t seed, size_t frames)
{
	struct sc_media p = cms_policy(NULL);
	cms_init(s, seed);
	if (cms_audio_init(s, audio, frames) != 0)
		return -1;
	cms_add(s, &p, SC_CALL_CALLER, "bravo", 0xa1, seed, NULL, B);
	cms_add(s, &p, SC_CALL_CALLEE, "alpha", 0xb2, seed + 1, NULL, A);
	if (s->n != 2)
		return -1;
	audio->hears[A] = B;
	audio->hears[B] = A;
	s->audio = true;
	for (int i = 0; i < 2; i++)
		s->node[i].capture = s->node[i].playout = true;
	return 0;
}

static uint64_t window_at(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

// ---- the leak search ------------------------------------------------------------------

struct leak_search {
	struct u64_set windows;   // every 8-byte window of what the nodes capture
	uint64_t datagrams, windows_checked, leaks;
	uint64_t rtcp_before_secure[2];
	bool pcma;
};

static struct leak_search leak;

static void add_windows(const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i + WINDOW <= len; i++)
		u64_set_put(&leak.windows, window_at(bytes + i), 1);
}

// The G.711 codes and the linear PCM of every frame each node will capture.
static void add_capture_windows(int node, uint64_t frames)
{
	int16_t pcm[160];
	uint8_t codes[160];
	for (uint64_t f = 0; f < frames; f++) {
		cms_pattern(node, f, pcm, 160);
		if (leak.pcma)
			sc_g711_alaw_encode_buf(pcm, 160, codes);
		else
			sc_g711_ulaw_encode_buf(pcm, 160, codes);
		add_windows(codes, sizeof(codes));
		add_windows((const uint8_t *)pcm, sizeof(pcm));
	}
}

static uint64_t count_leaks(const uint8_t *d, size_t len)
{
	uint64_t found = 0;
	for (size_t i = 0; i + WINDOW <= len; i++) {
		leak.windows_checked++;
		found += u64_set_get(&leak.windows, window_at(d + i), NULL);
	}
	return found;
}

static void search_datagram(struct cms_sim *s, int from, const uint8_t *d, size_t len)
{
	leak.datagrams++;
	leak.leaks += count_leaks(d, len);
	if (sc_media_demux(d, len) == SC_MEDIA_PKT_RTCP && !s->node[from].secure)
		leak.rtcp_before_secure[from]++;
}

static void audio_never_in_clear(bool pcma)
{
	struct cms_sim s;
	struct cms_audio audio;
	const uint64_t frames = 320; // 6.4 s
	memset(&leak, 0, sizeof(leak));
	leak.pcma = pcma;
	CHECK_EQ_INT(u64_set_init(&leak.windows, 1u << 20), 0);
	add_capture_windows(A, frames);
	add_capture_windows(B, frames);

	// The search finds the pattern where it is in the clear (so finding nothing below
	// means something): a plaintext RTP packet of frame 5, and its PCM.
	uint8_t codes[160], pkt[200];
	int16_t pcm[160];
	cms_pattern(A, 5, pcm, 160);
	if (pcma)
		sc_g711_alaw_encode_buf(pcm, 160, codes);
	else
		sc_g711_ulaw_encode_buf(pcm, 160, codes);
	struct sc_rtp_header hdr = { .payload_type = pcma ? 8 : 0, .seq = 7, .ssrc = 9 };
	size_t n;
	CHECK_EQ_INT(sc_rtp_write(&hdr, codes, sizeof(codes), pkt, sizeof(pkt), &n), 0);
	CHECK(count_leaks(pkt, n) >= 150);
	CHECK(count_leaks((const uint8_t *)pcm, sizeof(pcm)) >= 300);

	CHECK_EQ_INT(make_pair(&s, &audio, pcma ? 42 : 41, frames + 10), 0);
	if (s.n != 2)
		goto out;
	if (pcma) {
		CHECK_EQ_INT(sc_call_media_set_codec(s.node[A].cm, SC_CODEC_PCMA, 8), 0);
		CHECK_EQ_INT(sc_call_media_set_codec(s.node[B].cm, SC_CODEC_PCMA, 8), 0);
		audio.pcma[A] = audio.pcma[B] = true;
	}
	s.loss_pct = 3;
	s.reorder_pct = 5;
	s.dup_pct = 3;
	s.on_datagram = search_datagram;
	start_call(&s);
	cms_run(&s, frames * 20 - 41); // the ticks at 0, 20, ... capture exactly FRAMES
	CHECK(s.node[A].secure && s.node[B].secure);

	CHECK(leak.datagrams > 600);
	CHECK(leak.windows_checked > 50000);
	CHECK_EQ_INT(leak.leaks, 0);
	for (int i = 0; i < 2; i++) {
		struct sc_call_media_stats st;
		sc_call_media_get_stats(s.node[i].cm, &st);
		// Before keys: every frame dropped and counted, nothing but ZRTP on the wire.
		CHECK(st.counters.tx_dropped_before_keys >= 3);
		CHECK_EQ_INT(s.node[i].capture_no_keys, st.counters.tx_dropped_before_keys);
		CHECK_EQ_INT(s.node[i].sent_rtp_before_secure, 0);
		CHECK_EQ_INT(leak.rtcp_before_secure[i], 0);
		CHECK_EQ_INT(st.media.counters.tx_dropped_before_keys, 0); // never even offered
		CHECK_EQ_INT(st.media.counters.tx_rtp, s.node[i].capture_sent);
		CHECK_EQ_INT(s.node[i].capture_sent + s.node[i].capture_no_keys, frames);
		CHECK(st.counters.tx_bytes > 0 && st.counters.rx_bytes > 0);
		// Silence (zeros) until keys, then the peer's signal within G.711's error.
		CHECK_EQ_INT(audio.played_before_secure[i], 0);
		CHECK_EQ_INT(audio.loud_silence[i], 0);
		CHECK(audio.matched[i] > frames * 80 / 100);
		CHECK_EQ_INT(audio.beyond_tolerance[i], 0);
		CHECK_EQ_INT(audio.within_tolerance[i], audio.matched[i]);
		CHECK_EQ_INT(audio.out_of_order[i], 0);
		CHECK_EQ_INT(st.counters.rx_bad_frame + st.counters.rx_other_payload, 0);
	}
out:
	cms_audio_free(&audio);
	cms_free(&s);
	u64_set_free(&leak.windows);
}

static void test_audio_never_in_clear(void)
{
	audio_never_in_clear(false);
	audio_never_in_clear(true);
}

// ---- hang-up ----------------------------------------------------------------------------

static uint8_t last_a[SC_CALL_MEDIA_MAX_DATAGRAM];
static size_t last_a_len;

static void keep_last_of_a(struct cms_sim *s, int from, const uint8_t *d, size_t len)
{
	(void)s;
	if (from == A) {
		memcpy(last_a, d, len);
		last_a_len = len;
	}
}

static bool contains(const uint8_t *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static void test_hangup_bye_is_srtcp(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	CHECK_EQ_INT(make_pair(&s, &audio, 61, 400), 0);
	if (s.n != 2)
		goto out;
	s.on_datagram = keep_last_of_a;
	start_call(&s);
	cms_run(&s, 3000);
	CHECK(s.node[A].secure && s.node[B].secure);
	uint64_t rtcp_before = s.node[A].sent_rtcp;

	CHECK_EQ_INT(sc_call_media_hangup(s.node[A].cm, s.now), 0);
	cms_drain(&s, A);
	CHECK_EQ_INT(s.node[A].sent_rtcp, rtcp_before + 1);
	// What went out: the readable SRTCP header of an SR, encrypted (E flag set in the
	// trailer word before the 80-bit tag), with neither the reason nor the CNAME visible.
	CHECK(sc_media_demux(last_a, last_a_len) == SC_MEDIA_PKT_RTCP);
	CHECK(last_a_len > 8 + 14);
	CHECK_EQ_INT(last_a[1], 200);
	CHECK(last_a[last_a_len - 14] & 0x80);
	CHECK(!contains(last_a, last_a_len, "hang-up"));
	CHECK(!contains(last_a, last_a_len, "node0@sim"));
	struct sc_rtcp_info info;
	if (sc_rtcp_parse(last_a, last_a_len, &info) == 0)
		CHECK(!info.has_bye);
	uint8_t bye[SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t bye_len = last_a_len;
	memcpy(bye, last_a, bye_len);

	// After hang-up: nothing more is produced, whatever the core calls.
	uint64_t sent = s.node[A].sent_rtp + s.node[A].sent_rtcp + s.node[A].sent_zrtp;
	CHECK_EQ_INT(sc_call_media_next_timeout(s.node[A].cm), -1);
	CHECK_EQ_INT(sc_call_media_hangup(s.node[A].cm, s.now), -EALREADY);
	cms_run(&s, 1000);
	CHECK_EQ_INT(s.node[A].sent_rtp + s.node[A].sent_rtcp + s.node[A].sent_zrtp, sent);
	CHECK(s.node[A].capture_ended >= 45);
	CHECK_EQ_INT(sc_call_media_state(s.node[A].cm), SC_CALL_MEDIA_ENDED);
	struct sc_call_media_stats st;
	sc_call_media_get_stats(s.node[A].cm, &st);
	CHECK(st.secure);
	CHECK(st.counters.rx_after_end > 0);
	CHECK(st.counters.tx_dropped_after_end >= 45);

	// B authenticated and decrypted the BYE.
	const struct sc_call_media_event *ev = cms_event(&s, B, SC_CALL_MEDIA_EVENT_PEER_BYE);
	CHECK(ev != NULL);
	if (ev)
		CHECK_STR_CONTAINS(ev->reason, "alpha");
	sc_call_media_get_stats(s.node[B].cm, &st);
	CHECK(st.peer_bye);
	uint64_t replayed = st.media.counters.rx_replayed, forged = st.media.counters.rx_auth_failed;
	// A replayed BYE and a forged one are dropped and never raise the event again.
	CHECK_EQ_INT(sc_call_media_receive(s.node[B].cm, bye, bye_len, s.now), 0);
	// libsrtp checks the index before the tag: a forgery needs an index not yet seen.
	bye[bye_len - 11] ^= 0x10;
	bye[12] ^= 1;
	CHECK_EQ_INT(sc_call_media_receive(s.node[B].cm, bye, bye_len, s.now), 0);
	cms_drain(&s, B);
	sc_call_media_get_stats(s.node[B].cm, &st);
	CHECK_EQ_INT(st.media.counters.rx_replayed, replayed + 1);
	CHECK_EQ_INT(st.media.counters.rx_auth_failed, forged + 1);
	CHECK_EQ_INT(s.node[B].event_count[SC_CALL_MEDIA_EVENT_PEER_BYE], 1);
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

// ---- the long call ----------------------------------------------------------------------

static uint32_t prev_seq = UINT32_MAX;
static int64_t wrap_frame = -1;

static void watch_wrap(struct cms_sim *s, int from, const uint8_t *d, size_t len)
{
	if (from != A || sc_media_demux(d, len) != SC_MEDIA_PKT_RTP)
		return;
	uint32_t seq = (uint32_t)d[2] << 8 | d[3];
	if (prev_seq != UINT32_MAX && seq < prev_seq && prev_seq - seq > 30000 && wrap_frame < 0)
		wrap_frame = (int64_t)s->node[A].next_frame - 1; // the frame just captured
	prev_seq = seq;
}

static void test_long_call_crosses_sequence_wrap(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	const uint64_t frames = 66000; // 22 minutes
	CHECK_EQ_INT(make_pair(&s, &audio, 71, frames + 10), 0);
	if (s.n != 2)
		goto out;
	s.loss_pct = 1;
	s.dup_pct = 1;
	s.reorder_pct = 2;
	s.on_datagram = watch_wrap;
	start_call(&s);
	cms_run(&s, frames * 20 - 40);

	CHECK(wrap_frame > 0);
	struct sc_call_media_stats sa, sb;
	sc_call_media_get_stats(s.node[A].cm, &sa);
	sc_call_media_get_stats(s.node[B].cm, &sb);
	CHECK_EQ_INT(sa.media.rtp.tx_roc, 1);
	CHECK_EQ_INT(sb.media.rtp.rx_roc, 1);
	CHECK_EQ_INT(sb.media.rtp.tx_roc, 1); // B's first sequence number is below 2^15 too
	CHECK_EQ_INT(sa.media.rtp.rx_roc, 1);
	CHECK_EQ_INT(sa.media.counters.rx_auth_failed, 0);
	CHECK_EQ_INT(sb.media.counters.rx_auth_failed, 0);
	CHECK_EQ_INT(sb.media.counters.rx_too_old, 0);
	CHECK(sb.media.counters.rx_replayed > 0); // the link's duplicates, caught by SRTP
	for (int i = 0; i < 2; i++) {
		CHECK(audio.matched[i] > frames * 95 / 100);
		CHECK_EQ_INT(audio.out_of_order[i], 0);
		CHECK_EQ_INT(audio.beyond_tolerance[i], 0);
	}
	CHECK(sb.rx_loss_pct > 0.5 && sb.rx_loss_pct < 1.5);
	// Around the wrap B played what A sent, as anywhere else (1 % loss; a frame after a
	// concealment is cross-faded and so not counted here).
	if (wrap_frame > 100) {
		int played = 0;
		for (int64_t f = wrap_frame - 100; f <= wrap_frame + 100; f++)
			played += audio.played_index[B][f];
		CHECK(played >= 190);
		CHECK(audio.played_index[B][wrap_frame] || audio.played_index[B][wrap_frame + 1]);
	}
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

// ---- RTCP figures -----------------------------------------------------------------------

static uint64_t srtcp_seen, srtcp_encrypted;

static void watch_rtcp(struct cms_sim *s, int from, const uint8_t *d, size_t len)
{
	(void)s;
	(void)from;
	if (sc_media_demux(d, len) != SC_MEDIA_PKT_RTCP)
		return;
	srtcp_seen++;
	if (len > 22 && (d[len - 14] & 0x80))
		srtcp_encrypted++;
}

static void test_quality_figures(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	CHECK_EQ_INT(make_pair(&s, &audio, 81, 2000), 0);
	if (s.n != 2)
		goto out;
	s.latency_ms = 40;
	s.loss_pct = 5;
	s.on_datagram = watch_rtcp;
	srtcp_seen = srtcp_encrypted = 0;
	start_call(&s);
	cms_run(&s, 30000);
	for (int i = 0; i < 2; i++) {
		struct sc_call_media_stats st;
		sc_call_media_get_stats(s.node[i].cm, &st);
		CHECK(st.rtt_ms >= 78 && st.rtt_ms <= 90); // two 40 ms legs
		CHECK(st.rx_loss_pct > 2.5 && st.rx_loss_pct < 8.0);
		CHECK(st.rx_lost > 0);
		CHECK(st.peer_loss_pct >= 0);
		CHECK(st.jitter_ms < 1.0); // a constant delay has no jitter
		CHECK(st.jb_target_ms >= 20 && st.jb_target_ms <= 200);
		CHECK(st.jb_delay_ms <= 200);
		CHECK(st.media.counters.tx_rtcp >= 3 && st.media.counters.tx_rtcp <= 15);
		CHECK(st.media.counters.rx_rtcp >= 2);
		CHECK(st.counters.tx_datagrams == s.node[i].sent_rtp + s.node[i].sent_rtcp +
			s.node[i].sent_zrtp);
		CHECK(st.zrtp.tx_packets > 0 && st.zrtp.rx_packets > 0);
	}
	CHECK(srtcp_seen >= 6);
	CHECK_EQ_INT(srtcp_encrypted, srtcp_seen);
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

// ---- a headset that stops pulling ------------------------------------------------------

static void test_unpulled_playout(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	CHECK_EQ_INT(make_pair(&s, &audio, 91, 1200), 0);
	if (s.n != 2)
		goto out;
	start_call(&s);
	cms_run(&s, 1000);
	CHECK(s.node[B].secure);
	struct sc_call_media_stats before, after;
	sc_call_media_get_stats(s.node[B].cm, &before);
	s.node[B].playout = false; // unplugged, on_unplug: continue
	uint64_t worst_gap = 0;
	for (int step = 0; step < 100; step++) {
		cms_run(&s, 100);
		int64_t t = sc_call_media_next_timeout(s.node[B].cm);
		CHECK(t >= 0);
		if (t >= 0 && (uint64_t)t > s.now && (uint64_t)t - s.now > worst_gap)
			worst_gap = (uint64_t)t - s.now;
	}
	sc_call_media_get_stats(s.node[B].cm, &after);
	uint64_t unpulled = after.counters.unpulled_frames - before.counters.unpulled_frames;
	CHECK(unpulled >= 480 && unpulled <= 505); // 10 s of 20 ms frames
	CHECK(after.jitter.played + after.jitter.concealed >= before.jitter.played + 480);
	CHECK(after.jitter.dropped - before.jitter.dropped < 10);
	CHECK(worst_gap <= 120); // the timer comes back every few frames
	uint64_t matched = audio.matched[B];
	s.node[B].playout = true;
	cms_run(&s, 2000);
	CHECK(audio.matched[B] - matched > 90);
	sc_call_media_get_stats(s.node[B].cm, &after);
	CHECK(after.jb_delay_ms <= 100);
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

int main(void)
{
	CHECK_EQ_INT(sc_srtp_global_init(), 0);
	test_audio_never_in_clear();
	test_hangup_bye_is_srtcp();
	test_quality_figures();
	test_unpulled_playout();
	test_long_call_crosses_sequence_wrap();
	CHECK_EQ_INT(cms_failures, 0);
	sc_srtp_global_shutdown();
	return check_done();
}
