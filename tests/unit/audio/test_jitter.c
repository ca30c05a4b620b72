// SPDX-License-Identifier: GPL-3.0-or-later
// The jitter buffer against a simulated network: a sender clock, per-packet delay, loss,
// duplication, reordering and stalls, and a receiver that asks for a frame every 20 ms on
// its own clock. Every scenario asserts numbers, not just "it did not crash".
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/jitter.h"
#include "check.h"

#define FRAME_US 20000
#define FRAME_TS 160

static uint64_t rng_state;

static uint32_t rnd(void)
{
	// xorshift64*: fixed seeds keep every run identical
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(2685821657736338717)) >> 32);
}

static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * (rnd() / 4294967296.0);
}

struct pkt {
	uint16_t seq;
	uint32_t ts;
	int64_t arrival_us;
	uint32_t index; // which packet the sender sent: also written into the payload
	uint32_t order; // tie-break to keep the sort stable
};

struct scenario {
	int packets;
	double base_delay_ms;
	double jitter_ms;        // uniform 0..jitter on top of the base delay
	double loss;             // probability a packet never arrives
	double duplicate;        // probability a packet arrives twice (second copy +5 ms)
	double reorder;          // probability a packet is overtaken by the next one
	double drift_ppm;        // sender clock faster (+) or slower (-) than the receiver's
	int stall_every;         // every N packets the network holds packets ...
	int stall_len;           // ... for this many packet times, then delivers them at once
	int jump_at;             // from this packet on, timestamps jump by JUMP_TS
	int64_t jump_ts;
	int pause_at, pause_len; // the sender sends nothing for PAUSE_LEN packet times
	double get_jitter_ms;    // the receiver's sound card wakes up this much early or late
	uint16_t seq0;
	uint32_t ts0;
	uint64_t seed;
};

struct result {
	struct sc_jb_stats st;
	int gets, frames, conceals, silences;
	int out_of_order;          // a frame played with a lower index than the one before
	int replayed;              // a frame played twice
	int sent, dropped_by_net;
	int max_delay_ms, max_target_ms;
	double sum_delay_ms;
	int delay_samples;
	int late_after_settle, concealed_after_settle;
	int longest_gap;           // longest run of non-frames after playback started
	int first_frame_get;
	int payload_mismatch;
	int64_t late_before_settle_snapshot;
	int first_after_jump_get;  // get index of the first frame sent after the jump
	int jump_send_get;         // get index at which the jumped packet was sent
	int missing, inserts;      // concealment frames by cause (sc_jb_frame.missing)
	int peeked;                // missing frames whose next packet sc_jb_peek showed
	int peek_played, peek_wrong; // the next get played the peeked packet, or another one
};

static int cmp_pkt(const void *a, const void *b)
{
	const struct pkt *x = a, *y = b;
	if (x->arrival_us != y->arrival_us)
		return x->arrival_us < y->arrival_us ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

#define SETTLE_GETS 500 // 10 s

static void run(const struct scenario *sc, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->first_after_jump_get = -1;
	rng_state = sc->seed ? sc->seed : 0x9E3779B97F4A7C15ull;
	struct pkt *pk = calloc((size_t)sc->packets * 2 + 1, sizeof(*pk));
	int n = 0;
	uint32_t order = 0;
	for (int k = 0; k < sc->packets; k++) {
		if (sc->pause_len && k >= sc->pause_at && k < sc->pause_at + sc->pause_len)
			continue;
		r->sent++;
		// The sender's 20 ms are 20 ms of its own clock, which runs at 1 + drift.
		double send_us = k * (double)FRAME_US / (1.0 + sc->drift_ppm * 1e-6);
		if (uniform(0, 1) < sc->loss) {
			r->dropped_by_net++;
			continue;
		}
		double delay_us = (sc->base_delay_ms + uniform(0, sc->jitter_ms)) * 1000.0;
		double arrive = send_us + delay_us;
		if (sc->stall_every) {
			int phase = k % sc->stall_every;
			if (k >= sc->stall_every && phase < sc->stall_len) {
				// held until the end of the stall, then all released together
				double release = (k - phase + sc->stall_len) * (double)FRAME_US +
						 sc->base_delay_ms * 1000.0;
				if (arrive < release)
					arrive = release;
			}
		}
		if (uniform(0, 1) < sc->reorder)
			arrive += FRAME_US + 1000; // the next packet overtakes this one
		int64_t jump = (sc->jump_at && k >= sc->jump_at) ? sc->jump_ts : 0;
		struct pkt p = {
			.seq = (uint16_t)(sc->seq0 + k),
			.ts = (uint32_t)((int64_t)sc->ts0 + (int64_t)k * FRAME_TS + jump),
			.arrival_us = (int64_t)arrive,
			.index = (uint32_t)k,
			.order = order++,
		};
		pk[n++] = p;
		if (uniform(0, 1) < sc->duplicate) {
			p.arrival_us += 5000;
			p.order = order++;
			pk[n++] = p;
		}
	}
	qsort(pk, (size_t)n, sizeof(*pk), cmp_pkt);
	// Counting stops once the last packet the network delivered has been played: what the
	// buffer does after the sender stopped is not what these scenarios measure.
	uint32_t last_delivered = 0;
	for (int i = 0; i < n; i++)
		if (pk[i].index > last_delivered)
			last_delivered = pk[i].index;
	bool done = false;

	struct sc_jb_config cfg = { .clock_rate = 8000, .frame_ms = 20 };
	struct sc_jb *jb = NULL;
	if (sc_jb_new(&cfg, &jb) != 0) {
		CHECK(0);
		free(pk);
		return;
	}
	int next = 0;
	int64_t last_index = -1;
	uint8_t *played = calloc((size_t)sc->packets, 1);
	int gap = 0;
	bool started = false;
	int total_gets = sc->packets + 50;
	uint64_t late_at_settle = 0, concealed_at_settle = 0;
	int64_t peeked_index = -1;
	for (int g = 0; g < total_gets; g++) {
		// The receiver's sound card asks 7 ms into each of its own 20 ms periods.
		int64_t now = (int64_t)g * FRAME_US + 7000;
		if (sc->get_jitter_ms > 0)
			now += (int64_t)(uniform(-sc->get_jitter_ms, sc->get_jitter_ms) * 1000.0);
		while (next < n && pk[next].arrival_us <= now) {
			uint8_t payload[160];
			memset(payload, 0xFF, sizeof(payload));
			memcpy(payload, &pk[next].index, sizeof(pk[next].index));
			sc_jb_put(jb, pk[next].seq, pk[next].ts, pk[next].arrival_us, payload,
				  sizeof(payload));
			next++;
		}
		if (sc->jump_at && r->jump_send_get == 0 &&
		    now >= (int64_t)sc->jump_at * FRAME_US)
			r->jump_send_get = g;
		struct sc_jb_frame f;
		sc_jb_get(jb, now, &f);
		if (done)
			continue;
		r->gets++;
		if (f.kind == SC_JB_FRAME) {
			uint32_t idx;
			memcpy(&idx, f.payload, sizeof(idx));
			if (peeked_index >= 0) {
				if ((int64_t)idx == peeked_index)
					r->peek_played++;
				else
					r->peek_wrong++;
				peeked_index = -1;
			}
			if (f.len != 160 || idx >= (uint32_t)sc->packets ||
			    f.seq != (uint16_t)(sc->seq0 + idx))
				r->payload_mismatch++;
			else if (played[idx]++)
				r->replayed++;
			if ((int64_t)idx < last_index)
				r->out_of_order++;
			last_index = idx;
			r->frames++;
			if (!started)
				r->first_frame_get = g;
			started = true;
			if (sc->jump_at && (int)idx >= sc->jump_at && r->first_after_jump_get < 0)
				r->first_after_jump_get = g;
			gap = 0;
			if (idx == last_delivered) {
				sc_jb_get_stats(jb, &r->st);
				done = true;
			}
		} else {
			struct sc_jb_frame ahead;
			if (f.kind == SC_JB_CONCEAL && f.missing) {
				r->missing++;
				if (sc_jb_peek(jb, &ahead)) {
					uint32_t idx;
					memcpy(&idx, ahead.payload, sizeof(idx));
					r->peeked++;
					if (ahead.seq != (uint16_t)(sc->seq0 + idx) || (int64_t)idx <= last_index)
						r->payload_mismatch++;
					peeked_index = idx;
				}
			} else if (f.kind == SC_JB_CONCEAL) {
				r->inserts++;
			}
			if (f.kind == SC_JB_CONCEAL)
				r->conceals++;
			else
				r->silences++;
			if (started && ++gap > r->longest_gap)
				r->longest_gap = gap;
		}
		struct sc_jb_stats st;
		sc_jb_get_stats(jb, &st);
		if (g == SETTLE_GETS) {
			late_at_settle = st.late;
			concealed_at_settle = st.concealed;
		}
		if (g > SETTLE_GETS && g < sc->packets && f.kind == SC_JB_FRAME) {
			if ((int)st.delay_ms > r->max_delay_ms)
				r->max_delay_ms = (int)st.delay_ms;
			if ((int)st.target_ms > r->max_target_ms)
				r->max_target_ms = (int)st.target_ms;
			r->sum_delay_ms += st.delay_ms;
			r->delay_samples++;
		}
	}
	if (!done)
		sc_jb_get_stats(jb, &r->st);
	r->late_after_settle = (int)(r->st.late - late_at_settle);
	r->concealed_after_settle = (int)(r->st.concealed - concealed_at_settle);
	free(played);
	free(pk);
	sc_jb_free(jb);
}

static double mean_delay(const struct result *r)
{
	return r->delay_samples ? r->sum_delay_ms / r->delay_samples : 0;
}

static void show(const char *name, const struct result *r)
{
	fprintf(stderr,
		"%-12s frames %d conceal %d silence %d | delay mean %.1f max %d target %u (max %d) "
		"| late %llu (%d after settle) lost %llu dup %llu dropped %llu inserted %llu "
		"resync %llu jitter %u ms | gap %d\n",
		name, r->frames, r->conceals, r->silences, mean_delay(r), r->max_delay_ms,
		r->st.target_ms, r->max_target_ms, (unsigned long long)r->st.late,
		r->late_after_settle, (unsigned long long)r->st.lost,
		(unsigned long long)r->st.duplicates, (unsigned long long)r->st.dropped,
		(unsigned long long)r->st.inserted, (unsigned long long)r->st.resyncs,
		r->st.jitter_ms, r->longest_gap);
}

static void test_clean_network(void)
{
	struct scenario sc = { .packets = 1500, .base_delay_ms = 30 };
	struct result r;
	run(&sc, &r);
	show("clean", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.st.late, 0);
	CHECK_EQ_INT(r.st.lost, 0);
	CHECK_EQ_INT(r.st.concealed, 0);
	CHECK_EQ_INT(r.longest_gap, 0);
	CHECK_EQ_INT(r.st.gaps, 0);
	CHECK_EQ_INT(r.st.target_ms, 20);    // nothing to absorb: the minimum
	CHECK(r.max_delay_ms <= 20 + 20 + 5); // target plus at most one frame of phase
	CHECK(r.first_frame_get <= 4);        // playing within 80 ms of the first packet
	CHECK(r.frames >= 1500 - 4);
}

// 30 ms of uniform jitter: settles at about the jitter plus under one frame, late < 1 %.
static void test_uniform_jitter(void)
{
	struct scenario sc = { .packets = 3000, .base_delay_ms = 40, .jitter_ms = 30, .seed = 7 };
	struct result r;
	run(&sc, &r);
	show("jitter30", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK(r.st.target_ms >= 27 && r.st.target_ms <= 35);
	CHECK(mean_delay(&r) <= 50);
	CHECK(r.max_delay_ms <= 60);
	// late packets over the 50 s after settling, out of 2500
	CHECK(r.late_after_settle * 100 <= 2500 * 1);
	CHECK(r.st.late * 100 <= 3000 * 2); // including the learning at the start
	// RFC 3550 jitter of uniform 0..30 ms delays is E|X - Y| = 10 ms
	CHECK(r.st.jitter_ms >= 8 && r.st.jitter_ms <= 12);
	CHECK_EQ_INT(r.st.lost, 0);
}

// The sound card's wake-ups wander by +-4 ms: no needless inserts or drops.
static void test_receiver_wakeup_jitter(void)
{
	struct scenario sc = { .packets = 3000, .base_delay_ms = 30, .jitter_ms = 10, .get_jitter_ms = 4, .seed = 37 };
	struct result r;
	run(&sc, &r);
	show("wakeups", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK(r.st.inserted + r.st.dropped <= 2);
	CHECK(r.late_after_settle <= 5);
	CHECK(r.max_delay_ms <= 60);
}

static void test_large_jitter_is_capped(void)
{
	struct scenario sc = { .packets = 2000, .base_delay_ms = 20, .jitter_ms = 400, .seed = 3 };
	struct result r;
	run(&sc, &r);
	show("jitter400", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.max_target_ms, 200);
	CHECK(r.max_delay_ms <= 200 + 20 + 20 * 4 + 5); // never beyond max + the drop hysteresis
}

static void test_reordering(void)
{
	struct scenario sc = { .packets = 2000, .base_delay_ms = 30, .jitter_ms = 2, .reorder = 0.1, .seed = 11 };
	struct result r;
	run(&sc, &r);
	show("reorder", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK(r.late_after_settle == 0);
	CHECK(r.st.late <= 5);
	CHECK_EQ_INT(r.st.lost, 0);
	CHECK(r.frames >= 2000 - 10);
	CHECK(r.max_delay_ms <= 50);
}

static void test_duplicates(void)
{
	struct scenario sc = { .packets = 1000, .base_delay_ms = 30, .jitter_ms = 5, .duplicate = 1.0, .seed = 5 };
	struct result r;
	run(&sc, &r);
	show("duplicates", &r);
	CHECK_EQ_INT(r.st.duplicates, 1000);
	CHECK_EQ_INT(r.replayed, 0);
	CHECK_EQ_INT(r.out_of_order + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.st.lost, 0);
	CHECK(r.frames >= 1000 - 5);
}

// 5 % random loss: each lost packet is one concealment, counted as lost, nothing else moves.
static void test_loss(void)
{
	struct scenario sc = { .packets = 2000, .base_delay_ms = 30, .jitter_ms = 5, .loss = 0.05, .seed = 13 };
	struct result r;
	run(&sc, &r);
	show("loss5", &r);
	CHECK(r.dropped_by_net > 60 && r.dropped_by_net < 140);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.st.late, 0);
	// lost counts sequence numbers up to the newest received, so a loss at the very end of
	// the stream is not counted (nothing came after it)
	CHECK(r.st.lost <= (uint64_t)r.dropped_by_net && r.st.lost + 2 >= (uint64_t)r.dropped_by_net);
	CHECK(r.st.concealed >= r.st.lost && r.st.concealed <= r.st.lost + 3);
	CHECK_EQ_INT(r.frames, r.sent - r.dropped_by_net);
	// Each lost packet is a missing frame, and with 30-35 ms transit and the buffer's delay
	// the packet after it has nearly always arrived when the gap is played: that is what
	// Opus rebuilds the lost frame from. The peeked packet is what the next get plays.
	fprintf(stderr, "loss5: missing %d inserted %d; next packet at hand for %d, played next "
		"%d, other %d\n", r.missing, r.inserts, r.peeked, r.peek_played, r.peek_wrong);
	CHECK_EQ_INT(r.missing + r.inserts, r.conceals);
	CHECK(r.missing >= (int)r.st.lost && r.missing <= (int)r.st.lost + 3);
	CHECK(r.peeked * 10 >= r.missing * 9);
	CHECK_EQ_INT(r.peek_wrong, 0);
	CHECK(r.peek_played >= r.peeked - 3); // a gap in a run of losses peeks the same packet
}

// sc_jb_peek step by step: it shows the packet after a lost one without taking it, tells a
// missing frame from an inserted one, and shows nothing when the next packet is not there.
static void test_peek(void)
{
	struct sc_jb *jb;
	struct sc_jb_config cfg = { .clock_rate = 48000, .frame_ms = 20, .max_payload = 64 };
	CHECK_EQ_INT(sc_jb_new(&cfg, &jb), 0);
	struct sc_jb_frame f, p;
	CHECK(!sc_jb_peek(jb, &p));
	CHECK_EQ_INT(p.kind, SC_JB_SILENCE);
	uint8_t pay[64];
	// Packet s (960 units apiece) arrives at s * 20 ms; 3, 6 and 7 are lost. Frame s is
	// asked for at s * 20 ms + 25 ms, so the packet after it has just arrived.
	int order[10] = { 0 };
	int n_frames = 0, n_missing = 0;
	for (uint16_t g = 0; g <= 10; g++) {
		int64_t t = (int64_t)g * 20000;
		if (g < 10 && g != 3 && g != 6 && g != 7) {
			memset(pay, 0x40 + g, sizeof(pay));
			CHECK_EQ_INT(sc_jb_put(jb, (uint16_t)(500 + g), 960u * g, t, pay, 10u + g),
				     SC_JB_PUT_STORED);
		}
		if (g == 0)
			continue;
		if (g == 1) {
			// Packet 0 is due: peek shows it, twice, and changes nothing.
			struct sc_jb_stats before, after;
			sc_jb_get_stats(jb, &before);
			CHECK(sc_jb_peek(jb, &p));
			CHECK_EQ_INT(p.kind, SC_JB_FRAME);
			CHECK_EQ_INT(p.seq, 500);
			CHECK_EQ_INT(p.len, 10);
			CHECK_EQ_INT(p.payload[0], 0x40);
			CHECK(sc_jb_peek(jb, &p) && p.seq == 500);
			sc_jb_get_stats(jb, &after);
			CHECK(memcmp(&before, &after, sizeof(before)) == 0);
		}
		sc_jb_get(jb, t + 5000, &f);
		if (f.kind == SC_JB_FRAME) {
			order[n_frames++] = f.seq - 500;
			continue;
		}
		CHECK_EQ_INT(f.kind, SC_JB_CONCEAL);
		CHECK(f.missing);
		n_missing++;
		bool have = sc_jb_peek(jb, &p);
		if (n_missing == 1) { // 3 lost: 4 is there
			CHECK(have && p.seq == 504 && p.rtp_ts == 960u * 4 && p.len == 14 &&
			      p.payload[0] == 0x44);
		} else if (n_missing == 2) { // 6 lost, and 7 too: nothing to rebuild 6 from
			CHECK(!have);
		} else { // 7 lost: 8 is there
			CHECK(have && p.seq == 508);
		}
	}
	CHECK_EQ_INT(n_missing, 3);
	CHECK_EQ_INT(n_frames, 7);
	int want[] = { 0, 1, 2, 4, 5, 8, 9 };
	for (int i = 0; i < 7; i++)
		CHECK_EQ_INT(order[i], want[i]);
	CHECK(!sc_jb_peek(jb, &p)); // all played
	sc_jb_free(jb);

	// A frame inserted to grow the delay is not missing: the packet due next is still the
	// one peek shows, and it plays after the insert.
	CHECK_EQ_INT(sc_jb_new(&cfg, &jb), 0);
	sc_jb_put(jb, 0, 0, 0, pay, 8);
	sc_jb_put(jb, 1, 960, 20000, pay, 8);
	sc_jb_get(jb, 25000, &f);
	CHECK_EQ_INT(f.kind, SC_JB_FRAME);
	CHECK_EQ_INT(f.seq, 0);
	// One packet 200 ms late raises the target far above the current delay.
	sc_jb_put(jb, 2, 960 * 2, 40000 + 200000, pay, 8);
	sc_jb_get(jb, 45000, &f);
	CHECK_EQ_INT(f.kind, SC_JB_CONCEAL);
	CHECK(!f.missing);
	CHECK(sc_jb_peek(jb, &p) && p.seq == 1);
	struct sc_jb_stats st;
	sc_jb_get_stats(jb, &st);
	CHECK_EQ_INT(st.inserted, 1);
	sc_jb_free(jb);
}

// Every 2 s the network holds 100 ms of packets and releases them together. The first
// burst teaches the buffer (peak hold), later ones are absorbed without losing audio.
static void test_bursts(void)
{
	struct scenario sc = { .packets = 3000, .base_delay_ms = 20, .jitter_ms = 2,
			       .stall_every = 100, .stall_len = 5, .seed = 17 };
	struct result r;
	run(&sc, &r);
	show("bursts", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK(r.st.late > 0 && r.st.late <= 10);  // the first burst only
	CHECK_EQ_INT(r.late_after_settle, 0);
	CHECK_EQ_INT(r.concealed_after_settle, 0);
	CHECK(r.st.target_ms >= 95 && r.st.target_ms <= 110);
	CHECK(r.max_delay_ms <= 140);
	CHECK_EQ_INT(r.st.gaps, 0); // 100 ms holds are within what the buffer absorbs
	CHECK(r.st.longest_gap_ms >= 100 && r.st.longest_gap_ms <= 125);
}

// Once, the network holds 600 ms of packets (a tunnel process held off the CPU, a link
// down and back): more than any buffering hides. The audio of the stall is lost, the
// order is kept, and the gap is counted so that status and tests can tell a network
// that stopped from a receiver that lost audio on its own.
static void test_network_stall(void)
{
	struct scenario sc = { .packets = 1500, .base_delay_ms = 20, .jitter_ms = 2,
			       .stall_every = 1000, .stall_len = 30, .seed = 41 };
	struct result r;
	run(&sc, &r);
	show("network stall", &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.st.gaps, 1);
	CHECK(r.st.longest_gap_ms >= 600 && r.st.longest_gap_ms <= 640);
	CHECK(r.st.late + r.st.dropped >= 20); // too old to play once they came
	CHECK_EQ_INT(r.st.lost, 0);
}

// The sender's clock runs 1000 ppm fast (or slow) for 2 minutes: 120 ms of drift. The
// delay stays put; the buffer drops (or inserts) about one frame per 20 ms of drift.
static void test_drift(double ppm, const char *name)
{
	struct scenario sc = { .packets = 6000, .base_delay_ms = 30, .jitter_ms = 10, .drift_ppm = ppm, .seed = 19 };
	struct result r;
	run(&sc, &r);
	show(name, &r);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK(r.max_delay_ms <= 10 + 20 + 20 + 10);
	CHECK(mean_delay(&r) <= 40);
	if (ppm > 0) {
		CHECK(r.st.dropped >= 4 && r.st.dropped <= 9);
		CHECK(r.st.inserted <= 2);
	} else {
		CHECK(r.st.inserted >= 4 && r.st.inserted <= 9);
		CHECK(r.st.dropped <= 2);
	}
	CHECK(r.late_after_settle <= 6000 / 100);
}

// Timestamps jump 37 s forward (or 3 s back) mid-stream with sequence numbers going on:
// one resync, audio back within about the target delay, nothing counted lost.
static void test_timestamp_jump(int64_t jump_ts, const char *name)
{
	struct scenario sc = { .packets = 1500, .base_delay_ms = 30, .jitter_ms = 5,
			       .jump_at = 700, .jump_ts = jump_ts, .seed = 23 };
	struct result r;
	run(&sc, &r);
	show(name, &r);
	CHECK_EQ_INT(r.st.resyncs, 1);
	CHECK_EQ_INT(r.replayed + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.out_of_order, 0);
	CHECK(r.longest_gap <= 4);
	CHECK(r.first_after_jump_get >= 0 && r.first_after_jump_get - r.jump_send_get <= 6);
	CHECK_EQ_INT(r.st.lost, 0);
	CHECK(r.frames >= 1500 - 10);
	CHECK(r.max_delay_ms <= 60);
}

// The sender stops for 3 s (hold) and carries on with timestamps that kept running:
// concealment stops after a while, no resync is needed, and playback comes back.
static void test_pause(void)
{
	struct scenario sc = { .packets = 1500, .base_delay_ms = 30, .jitter_ms = 5,
			       .pause_at = 500, .pause_len = 150, .seed = 29 };
	struct result r;
	run(&sc, &r);
	show("pause", &r);
	CHECK_EQ_INT(r.st.resyncs, 0);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK(r.conceals <= 25);               // 400 ms of concealment at most, then silence
	CHECK(r.longest_gap >= 150 && r.longest_gap <= 155);
	CHECK_EQ_INT(r.frames, r.sent); // every packet sent was played
	CHECK(r.st.lost == 150);               // the sequence numbers simply were not sent
	CHECK_EQ_INT(r.st.gaps, 1);            // a pause is a gap in arrivals too
	CHECK(r.st.longest_gap_ms >= 3000 && r.st.longest_gap_ms <= 3030);
}

static void test_wraparound(void)
{
	struct scenario sc = { .packets = 1500, .base_delay_ms = 30, .jitter_ms = 10,
			       .seq0 = 65000, .ts0 = 0xFFFF0000u, .seed = 31 };
	struct result r;
	run(&sc, &r);
	show("wrap", &r);
	CHECK_EQ_INT(r.st.resyncs, 0);
	CHECK_EQ_INT(r.out_of_order + r.replayed + r.payload_mismatch, 0);
	CHECK_EQ_INT(r.st.lost, 0);
	CHECK(r.frames >= 1500 - 5);
}

// The receiver stalls (a starved CPU, a headset unplugged and back) while packets keep
// coming: on its return the backlog is skipped in one step, not dropped every other frame
// for as long as it lasts, and the delay it reports never exceeds its maximum.
static void test_receiver_stall(void)
{
	struct sc_jb_config cfg = { .clock_rate = 8000, .frame_ms = 20, .max_payload = 160 };
	struct sc_jb *jb;
	CHECK_EQ_INT(sc_jb_new(&cfg, &jb), 0);
	if (!jb)
		return;
	uint8_t payload[160] = { 0 };
	struct sc_jb_frame f;
	struct sc_jb_stats st;
	uint16_t seq = 0;
	int64_t t = 0;
	// 2 s of a steady stream (10 ms transit), then gets stop for 600 ms and resume.
	for (; t < 2600000; t += FRAME_US, seq++) {
		sc_jb_put(jb, seq, seq * (uint32_t)FRAME_TS, t + 10000, payload, sizeof(payload));
		if (t < 2000000)
			sc_jb_get(jb, t + 15000, &f);
	}
	uint64_t dropped_before, played_before;
	sc_jb_get_stats(jb, &st);
	dropped_before = st.dropped;
	played_before = st.played;
	unsigned over_max = 0, consecutive = 0;
	int last_seq = -1;
	for (int i = 0; i < 25; i++, t += FRAME_US, seq++) {
		sc_jb_put(jb, seq, seq * (uint32_t)FRAME_TS, t + 10000, payload, sizeof(payload));
		sc_jb_get(jb, t + 15000, &f);
		sc_jb_get_stats(jb, &st);
		over_max += st.delay_ms > 200;
		if (f.kind == SC_JB_FRAME) {
			consecutive += last_seq >= 0 && f.seq == (uint16_t)(last_seq + 1);
			last_seq = f.seq;
		}
	}
	CHECK_EQ_INT(over_max, 0);
	CHECK(consecutive >= 22); // one skip, then frame after frame
	CHECK(st.dropped - dropped_before >= 25); // ~600 ms of backlog: ~28 frames at once
	CHECK(st.played - played_before >= 23);
	CHECK(st.delay_ms <= st.target_ms + 20);
	sc_jb_free(jb);
}

static void test_api_edges(void)
{
	struct sc_jb *jb;
	struct sc_jb_config bad_rate = { .clock_rate = 0, .frame_ms = 20 };
	struct sc_jb_config bad_frame = { .clock_rate = 8000, .frame_ms = 0 };
	struct sc_jb_config bad_range = { .clock_rate = 8000, .frame_ms = 20, .min_delay_ms = 300, .max_delay_ms = 100 };
	struct sc_jb_config odd = { .clock_rate = 11025, .frame_ms = 20 }; // 220.5 samples
	CHECK_EQ_INT(sc_jb_new(&bad_rate, &jb), -EINVAL);
	CHECK_EQ_INT(sc_jb_new(&bad_frame, &jb), -EINVAL);
	CHECK_EQ_INT(sc_jb_new(&bad_range, &jb), -EINVAL);
	CHECK_EQ_INT(sc_jb_new(&odd, &jb), -EINVAL);

	struct sc_jb_config cfg = { .clock_rate = 8000, .frame_ms = 20, .max_payload = 160 };
	CHECK_EQ_INT(sc_jb_new(&cfg, &jb), 0);
	struct sc_jb_frame f;
	sc_jb_get(jb, 0, &f);
	CHECK_EQ_INT(f.kind, SC_JB_SILENCE); // nothing received yet
	uint8_t big[161] = { 0 };
	CHECK_EQ_INT(sc_jb_put(jb, 1, 160, 1000, big, sizeof(big)), -EMSGSIZE);
	struct sc_jb_stats st;
	sc_jb_get_stats(jb, &st);
	CHECK_EQ_INT(st.received, 0);
	CHECK_EQ_INT(sc_jb_put(jb, 1, 160, 1000, big, 160), SC_JB_PUT_STORED);
	CHECK_EQ_INT(sc_jb_put(jb, 1, 160, 2000, big, 160), SC_JB_PUT_DUPLICATE);
	sc_jb_get(jb, 5000, &f);
	CHECK_EQ_INT(f.kind, SC_JB_SILENCE); // still filling to the 20 ms minimum
	sc_jb_get(jb, 25000, &f);
	CHECK_EQ_INT(f.kind, SC_JB_FRAME);
	CHECK_EQ_INT(f.seq, 1);
	CHECK_EQ_INT(f.rtp_ts, 160);
	// the frame just played comes again: too late now
	CHECK_EQ_INT(sc_jb_put(jb, 0, 0, 26000, big, 160), SC_JB_PUT_LATE);
	// An old sequence number carrying a timestamp a day ahead: no jump is recognised (the
	// sequence number says "reordered"), and the window moves in one step, not 4 million.
	int64_t t = 30000;
	for (uint16_t s = 2; s < 10; s++, t += 20000) {
		if (s != 5) // lost: its sequence number comes back below
			sc_jb_put(jb, s, s * 160u, t, big, 160);
		sc_jb_get(jb, t + 5000, &f);
	}
	CHECK_EQ_INT(sc_jb_put(jb, 5, 9 * 160u + 8000u * 86400u, t, big, 160), SC_JB_PUT_STORED);
	sc_jb_get_stats(jb, &st);
	CHECK(st.dropped <= 2);
	// A hundred of those, each 2^30 units further: the cost must not grow with the distance
	// (stepping frame by frame took seconds).
	uint32_t far = 9 * 160u + 8000u * 86400u;
	sc_jb_put(jb, 400, far + 391 * 160u, t, big, 160); // leaves 10..399 unseen
	clock_t c0 = clock();
	for (uint16_t s = 100; s < 200; s++) {
		far += 1u << 30;
		sc_jb_put(jb, s, far, t, big, 160);
	}
	double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	CHECK(cpu < 0.05);
	sc_jb_free(jb);
	sc_jb_free(NULL);

	// 10 ms frames at 48 kHz (Opus) are fine too.
	struct sc_jb_config opus = { .clock_rate = 48000, .frame_ms = 10 };
	CHECK_EQ_INT(sc_jb_new(&opus, &jb), 0);
	sc_jb_free(jb);
}

int main(void)
{
	test_api_edges();
	test_clean_network();
	test_uniform_jitter();
	test_receiver_wakeup_jitter();
	test_large_jitter_is_capped();
	test_reordering();
	test_duplicates();
	test_loss();
	test_peek();
	test_bursts();
	test_network_stall();
	test_receiver_stall();
	test_drift(1000, "drift+1000");
	test_drift(-1000, "drift-1000");
	test_timestamp_jump(8000 * 37, "jump+37s");
	test_timestamp_jump(-8000 * 3, "jump-3s");
	test_pause();
	test_wraparound();
	return check_done();
}
