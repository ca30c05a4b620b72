// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>
#include <stdlib.h>

#include "audio/plc.h"
#include "check.h"

#define N 160 // 20 ms at 8 kHz

static long energy(const int16_t *x, size_t n)
{
	long e = 0;
	for (size_t i = 0; i < n; i++)
		e += (long)x[i] * x[i] / 64;
	return e;
}

static void fill(int16_t *x, int amplitude)
{
	for (int i = 0; i < N; i++) // a 400 Hz square-ish wave: 20 samples up, 20 down
		x[i] = (int16_t)((i / 10) % 2 ? -amplitude : amplitude);
}

static void test_repeat_and_fade(void)
{
	struct sc_plc plc;
	CHECK_EQ_INT(sc_plc_init(&plc, 8000, N), 0);
	int16_t out[N];
	// Before any good frame there is nothing to repeat: silence.
	sc_plc_conceal(&plc, out);
	CHECK_EQ_INT(energy(out, N), 0);

	int16_t good[N];
	fill(good, 10000);
	sc_plc_good(&plc, good);
	long e_good = energy(good, N);

	// First concealed frame: the last frame's waveform, starting at full level and fading.
	sc_plc_conceal(&plc, out);
	CHECK(abs(out[0] - 10000) <= 2);
	CHECK(out[10] < 0);            // same shape as the good frame
	CHECK(abs(out[N - 1]) < 10000);  // already fading
	long e1 = energy(out, N);
	sc_plc_conceal(&plc, out);
	long e2 = energy(out, N);
	sc_plc_conceal(&plc, out);
	long e3 = energy(out, N);
	sc_plc_conceal(&plc, out);
	long e4 = energy(out, N);
	CHECK(e1 < e_good && e1 > e_good / 3);
	CHECK(e2 < e1);
	CHECK(e3 < e2);
	CHECK_EQ_INT(e4, 0); // 60 ms fade: the fourth frame is silence
	// Every sample of the fade is the repeated waveform scaled down, never louder.
	int louder = 0;
	struct sc_plc p2;
	sc_plc_init(&p2, 8000, N);
	sc_plc_good(&p2, good);
	for (int f = 0; f < 3; f++) {
		sc_plc_conceal(&p2, out);
		for (int i = 0; i < N; i++)
			if (abs(out[i]) > abs(good[i]))
				louder++;
	}
	CHECK_EQ_INT(louder, 0);
}

static void test_crossfade_after_loss(void)
{
	struct sc_plc plc;
	sc_plc_init(&plc, 8000, N);
	int16_t good[N], out[N], next[N];
	fill(good, 8000);
	sc_plc_good(&plc, good);
	sc_plc_conceal(&plc, out);
	// What the concealment would have played next: the cross-fade starts from there.
	struct sc_plc peek = plc;
	int16_t would[N];
	sc_plc_conceal(&peek, would);

	// A good frame of a different level after one lost frame starts near where the
	// concealment would have gone on and is the new frame itself after the 4 ms cross-fade.
	for (int i = 0; i < N; i++)
		next[i] = -4000;
	sc_plc_good(&plc, next);
	CHECK(abs(next[0] - would[0]) < abs(-4000 - would[0]) / 10);
	CHECK(abs(next[16] - (would[16] + -4000) / 2) < 400); // half way through
	int exact_after = 1;
	for (int i = 32; i < N; i++)
		if (next[i] != -4000)
			exact_after = 0;
	CHECK(exact_after);

	// Without a loss, good frames pass untouched.
	int16_t clean[N];
	fill(clean, 5000);
	int16_t copy[N];
	for (int i = 0; i < N; i++)
		copy[i] = clean[i];
	sc_plc_good(&plc, clean);
	int untouched = 1;
	for (int i = 0; i < N; i++)
		if (clean[i] != copy[i])
			untouched = 0;
	CHECK(untouched);
}

static void test_bad_init(void)
{
	struct sc_plc plc;
	CHECK_EQ_INT(sc_plc_init(&plc, 8000, 0), -EINVAL);
	CHECK_EQ_INT(sc_plc_init(&plc, 8000, SC_PLC_MAX_SAMPLES + 1), -EINVAL);
	CHECK_EQ_INT(sc_plc_init(&plc, 0, 160), -EINVAL);
	CHECK_EQ_INT(sc_plc_init(&plc, 48000, 960), 0);
}

int main(void)
{
	test_repeat_and_fade();
	test_crossfade_after_loss();
	test_bad_init();
	return check_done();
}
