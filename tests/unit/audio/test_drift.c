// SPDX-License-Identifier: GPL-3.0-or-later
// A playback queue between a producer writing a 20 ms frame on its own clock and a device
// draining it on another: drift is corrected by single drops and inserts, jitter is not.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "audio/drift.h"
#include "check.h"

#define FRAME 160 // 20 ms at 8 kHz

struct sim_result {
	uint64_t drops, inserts, starved_ms;
	double min_level, max_level; // queue level seen by the producer after 10 s
};

// Runs SECONDS of a device at (1 + PPM/1e6) times the producer's rate, the producer waking
// every 20 ms of its own clock, late by up to JITTER_MS (a deterministic pseudo-random walk).
static struct sim_result simulate(int ppm, int jitter_ms, int seconds, int ablate)
{
	struct sc_drift d;
	struct sc_drift_config cfg = { .low_water = FRAME, .high_water = 3 * FRAME };
	CHECK_EQ_INT(sc_drift_init(&d, &cfg), 0);
	struct sim_result r = { .min_level = 1e9 };
	double level = 2 * FRAME; // prefilled with two frames of silence
	double drain_per_ms = 8.0 * (1.0 + ppm / 1e6);
	uint32_t seed = 99;
	int64_t next_wake = 0;
	for (int64_t t = 0; t < (int64_t)seconds * 1000; t++) {
		level -= drain_per_ms;
		if (level < 0) {
			level = 0;
			r.starved_ms++;
		}
		if (t < next_wake)
			continue;
		seed = seed * 1103515245u + 12345u;
		int64_t due = (t / 20 + 1) * 20;
		next_wake = due + (jitter_ms ? (int64_t)((seed >> 16) % (unsigned)(jitter_ms + 1)) : 0);
		enum sc_drift_action a = ablate ? SC_DRIFT_NONE : sc_drift_observe(&d, (uint32_t)level, t);
		if (t > 10000) {
			if (level < r.min_level)
				r.min_level = level;
			if (level > r.max_level)
				r.max_level = level;
		}
		if (a == SC_DRIFT_DROP)
			continue;
		level += a == SC_DRIFT_INSERT ? 2 * FRAME : FRAME;
	}
	r.drops = d.drops;
	r.inserts = d.inserts;
	return r;
}

static void report(const char *what, struct sim_result r)
{
	fprintf(stderr, "%s: %llu drops, %llu inserts, level %.0f..%.0f, starved %llu ms\n", what,
		(unsigned long long)r.drops, (unsigned long long)r.inserts, r.min_level, r.max_level,
		(unsigned long long)r.starved_ms);
}

static void test_drift_corrected(void)
{
	// 1000 ppm over 120 s is 120 ms: six 20 ms frames.
	struct sim_result fast = simulate(1000, 4, 120, 0);
	report("device 1000 ppm fast", fast);
	CHECK(fast.inserts >= 5 && fast.inserts <= 7);
	CHECK_EQ_INT(fast.drops, 0);
	CHECK_EQ_INT(fast.starved_ms, 0);
	CHECK(fast.max_level <= 4 * FRAME);

	struct sim_result slow = simulate(-1000, 4, 120, 0);
	report("device 1000 ppm slow", slow);
	CHECK(slow.drops >= 5 && slow.drops <= 7);
	CHECK_EQ_INT(slow.inserts, 0);
	CHECK(slow.max_level <= 5 * FRAME); // latency bounded: never more than a few frames queued

	// Without the decisions the same drift starves the device or piles up latency: the
	// simulation can tell a working corrector from a missing one.
	struct sim_result none_fast = simulate(1000, 4, 120, 1);
	struct sim_result none_slow = simulate(-1000, 4, 120, 1);
	report("uncorrected fast", none_fast);
	report("uncorrected slow", none_slow);
	CHECK(none_fast.starved_ms > 50);
	CHECK(none_slow.max_level > 7 * FRAME);
}

static void test_jitter_alone_does_nothing(void)
{
	struct sim_result r = simulate(0, 8, 120, 0);
	report("no drift, 8 ms wake-up jitter", r);
	CHECK_EQ_INT(r.drops, 0);
	CHECK_EQ_INT(r.inserts, 0);
	CHECK_EQ_INT(r.starved_ms, 0);
}

static void test_decisions_step_by_step(void)
{
	struct sc_drift d;
	struct sc_drift_config bad = { .low_water = 300, .high_water = 300 };
	CHECK_EQ_INT(sc_drift_init(&d, &bad), -EINVAL);
	struct sc_drift_config cfg = { .low_water = 100, .high_water = 400, .window_ms = 100, .hold_windows = 2 };
	CHECK_EQ_INT(sc_drift_init(&d, &cfg), 0);
	// One high window is not enough; a dip to 200 inside the second resets the count.
	int64_t t = 0;
	for (; t < 100; t += 10)
		CHECK_EQ_INT(sc_drift_observe(&d, 500, t), SC_DRIFT_NONE);
	for (; t < 200; t += 10)
		CHECK_EQ_INT(sc_drift_observe(&d, t == 150 ? 200 : 500, t), SC_DRIFT_NONE);
	// Two whole windows above high water: a drop at the end of the second.
	int drops = 0;
	for (; t < 420; t += 10)
		drops += sc_drift_observe(&d, 500, t) == SC_DRIFT_DROP;
	CHECK_EQ_INT(drops, 1);
	CHECK_EQ_INT(d.drops, 1);
	// Low levels: an insert after two windows, not before.
	sc_drift_reset(&d);
	int inserts = 0, first_insert_at = -1;
	for (int64_t s = 1000; s < 1300; s += 10)
		if (sc_drift_observe(&d, 50, s) == SC_DRIFT_INSERT) {
			inserts++;
			if (first_insert_at < 0)
				first_insert_at = (int)(s - 1000);
		}
	CHECK_EQ_INT(inserts, 1);
	CHECK_EQ_INT(first_insert_at, 200);
	// A clock that goes backwards starts a new window instead of acting on nonsense.
	CHECK_EQ_INT(sc_drift_observe(&d, 50, 0), SC_DRIFT_NONE);
}

int main(void)
{
	test_decisions_step_by_step();
	test_drift_corrected();
	test_jitter_alone_does_nothing();
	return check_done();
}
