// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/tones.h"
#include "check.h"
#include "goertzel.h"

#define RATE 8000


static double power(const int16_t *x, size_t n)
{
	double p = 0;
	for (size_t i = 0; i < n; i++)
		p += (double)x[i] * x[i];
	return p / n;
}

static int16_t *render(enum sc_tone tone, size_t n, size_t chunk)
{
	struct sc_tone_gen g;
	int16_t *x = calloc(n, sizeof(*x));
	CHECK_EQ_INT(sc_tone_gen_init(&g, sc_tone_spec_get(tone), RATE, SC_TONE_DEFAULT_PEAK), 0);
	for (size_t off = 0; off < n; off += chunk)
		sc_tone_gen_fill(&g, x + off, off + chunk <= n ? chunk : n - off);
	return x;
}

// On/off pattern measured in 5 ms windows: a window is "on" when its RMS is above a quarter of
// the tone's RMS. Returns the number of runs found; RUNS gets their lengths in ms, signed
// (+on, -off).
static size_t cadence(const int16_t *x, size_t n, int *runs, size_t max_runs)
{
	const size_t w = RATE / 200;
	double threshold = (double)SC_TONE_DEFAULT_PEAK / 2 / 4;
	size_t nruns = 0;
	int prev = -1;
	for (size_t off = 0; off + w <= n; off += w) {
		int on = sqrt(power(x + off, w)) > threshold;
		if (on != prev) {
			if (nruns == max_runs)
				break;
			runs[nruns++] = 0;
			prev = on;
		}
		runs[nruns - 1] += on ? 5 : -5;
	}
	return nruns;
}

static bool near(int a, int b, int tol)
{
	return abs(a - b) <= tol;
}

// A burst's main frequency is where its power is; neighbours 60 Hz away and the second
// harmonic hold almost none of it.
static void check_single(const int16_t *x, double f)
{
	size_t n = RATE / 4; // 250 ms inside the burst
	double on = goertzel(x, n, f, RATE), total = power(x, n);
	CHECK(on > 0.45 * total); // a pure sine puts half its power at +f (the other half at -f)
	CHECK(goertzel(x, n, f + 60, RATE) < 0.01 * on);
	CHECK(goertzel(x, n, f - 60, RATE) < 0.01 * on);
	if (2 * f < RATE / 2)
		CHECK(goertzel(x, n, 2 * f, RATE) < 0.001 * on);
}

static size_t zero_crossings(const int16_t *x, size_t n)
{
	size_t z = 0;
	for (size_t i = 1; i < n; i++)
		z += (x[i - 1] < 0) != (x[i] < 0);
	return z;
}

static void test_ringback_and_busy(void)
{
	size_t n = 10 * RATE;
	int16_t *x = render(SC_TONE_RINGBACK, n, 160);
	// 425 Hz: 850 zero crossings a second; in the second after the rise, 845..855.
	size_t z = zero_crossings(x + RATE / 100, RATE - RATE / 50);
	CHECK(z >= 825 && z <= 835); // 0.98 s of it
	check_single(x + RATE / 10, 425);
	int runs[8];
	size_t nr = cadence(x, n, runs, 8);
	CHECK_EQ_INT(nr, 4);
	CHECK(near(runs[0], 1000, 10) && near(runs[1], -4000, 10));
	CHECK(near(runs[2], 1000, 10) && near(runs[3], -4000, 10));
	free(x);

	x = render(SC_TONE_BUSY, 4 * RATE, 97); // an odd chunk size: nothing depends on it
	check_single(x + RATE / 10, 425);
	nr = cadence(x, 4 * RATE, runs, 8);
	CHECK_EQ_INT(nr, 8);
	for (size_t i = 0; i < nr; i++)
		CHECK(near(abs(runs[i]), 500, 10));
	free(x);
}

static void test_ringing_is_two_tones_double_ring(void)
{
	size_t n = 6 * RATE;
	int16_t *x = render(SC_TONE_RINGING, n, 160);
	size_t m = RATE / 4;
	const int16_t *burst = x + RATE / 20;
	double total = power(burst, m), a = goertzel(burst, m, 440, RATE), b = goertzel(burst, m, 480, RATE);
	CHECK(a > 0.2 * total && b > 0.2 * total); // two equal halves
	CHECK(a + b > 0.45 * total);
	CHECK(goertzel(burst, m, 425, RATE) < 0.05 * a); // not the ringback
	int runs[16];
	size_t nr = cadence(x, n, runs, 16);
	CHECK_EQ_INT(nr, 8);
	int want[4] = {400, -200, 400, -2000};
	for (size_t i = 0; i < nr; i++)
		CHECK(near(runs[i], want[i % 4], 10));
	free(x);
}

static void test_unreachable_sit(void)
{
	size_t n = 3 * RATE; // one whole cycle (2.05 s) and the start of the next
	int16_t *x = render(SC_TONE_UNREACHABLE, n, 160);
	const double f[3] = {950, 1400, 1800};
	for (int i = 0; i < 3; i++) {
		const int16_t *burst = x + (size_t)i * 360 * RATE / 1000 + RATE / 50;
		check_single(burst, f[i]);
		for (int j = 0; j < 3; j++)
			if (j != i)
				CHECK(goertzel(burst, 290 * RATE / 1000, f[j], RATE) < 0.01 * power(burst, 290 * RATE / 1000));
	}
	int runs[16];
	size_t nr = cadence(x, n, runs, 16);
	// The 30 ms gaps between the three bursts are audible breaks (with 4 ms ramps, 5 ms windows
	// see 30 or 35 ms of them).
	CHECK(nr >= 6);
	if (nr >= 6) {
		CHECK(near(runs[0], 330, 10) && near(runs[1], -30, 10) && near(runs[2], 330, 10));
		CHECK(near(runs[3], -30, 10) && near(runs[4], 330, 10) && near(runs[5], -1000, 10));
	}
	CHECK_EQ_INT(sc_tone_spec_period_ms(sc_tone_spec_get(SC_TONE_UNREACHABLE)), 2050);
	free(x);
}

static void test_error_ends(void)
{
	struct sc_tone_gen g;
	CHECK_EQ_INT(sc_tone_gen_init(&g, sc_tone_spec_get(SC_TONE_ERROR), RATE, 10000), 0);
	int16_t buf[160];
	size_t total = 0, frames = 0, got;
	do {
		got = sc_tone_gen_fill(&g, buf, 160);
		total += got;
		frames++;
	} while (got == 160 && frames < 100);
	CHECK_EQ_INT(total, 500 * RATE / 1000); // 150 + 50 + 300 ms
	CHECK(sc_tone_gen_done(&g));
	for (size_t i = got; i < 160; i++) // after the end: silence
		CHECK_EQ_INT(buf[i], 0);
	CHECK_EQ_INT(sc_tone_gen_fill(&g, buf, 160), 0);
	sc_tone_gen_restart(&g);
	CHECK_EQ_INT(sc_tone_gen_fill(&g, buf, 160), 160);
	CHECK(!sc_tone_gen_done(&g));
}

static void test_level_and_ramps(void)
{
	int16_t *x = render(SC_TONE_RINGING, RATE, 160);
	int max = 0, max_step = 0;
	for (size_t i = 0; i < (size_t)RATE; i++) {
		if (abs(x[i]) > max)
			max = abs(x[i]);
		if (i && abs(x[i] - x[i - 1]) > max_step)
			max_step = abs(x[i] - x[i - 1]);
	}
	CHECK(max <= SC_TONE_DEFAULT_PEAK && max > SC_TONE_DEFAULT_PEAK * 9 / 10);
	// The first sample is nearly silent, and no jump is larger than the sine's own slope
	// (2*pi*480/8000 * peak = 3089): no click at the edges.
	CHECK(abs(x[0]) < 200);
	CHECK(max_step < 3100);
	free(x);

	// The same tone at the headset's 48 kHz: same frequency.
	struct sc_tone_gen g;
	int16_t *y = calloc(48000, sizeof(*y));
	CHECK_EQ_INT(sc_tone_gen_init(&g, sc_tone_spec_get(SC_TONE_RINGBACK), 48000, 1000), 0);
	sc_tone_gen_fill(&g, y, 48000);
	size_t z = zero_crossings(y + 480, 48000 - 960);
	CHECK(z >= 825 && z <= 835);
	free(y);
}

static void test_bad_input(void)
{
	struct sc_tone_gen g;
	static const struct sc_tone_step too_high[] = {{{4000, 0}, 100}};
	static const struct sc_tone_step zero_ms[] = {{{400, 0}, 0}};
	struct sc_tone_spec s = {"x", too_high, 1, true};
	CHECK_EQ_INT(sc_tone_gen_init(&g, &s, 8000, 1000), -EINVAL);
	CHECK_EQ_INT(sc_tone_gen_init(&g, &s, 16000, 1000), 0);
	s.steps = zero_ms;
	CHECK_EQ_INT(sc_tone_gen_init(&g, &s, 8000, 1000), -EINVAL);
	s.n_steps = 0;
	CHECK_EQ_INT(sc_tone_gen_init(&g, &s, 8000, 1000), -EINVAL);
	CHECK_EQ_INT(sc_tone_gen_init(&g, sc_tone_spec_get(SC_TONE_BUSY), 8000, 0), -EINVAL);
	CHECK_EQ_INT(sc_tone_gen_init(&g, sc_tone_spec_get(SC_TONE_BUSY), 500, 100), -EINVAL);
	CHECK(sc_tone_spec_get(SC_TONE_COUNT) == NULL);
	for (int t = 0; t < SC_TONE_COUNT; t++)
		CHECK(sc_tone_spec_get((enum sc_tone)t)->name != NULL);
}

// Every key's two frequencies (ITU-T Q.23) are where the power is, and no other row or
// column frequency is; the tone lasts exactly its length, moved while it plays.
static void test_dtmf(void)
{
	static const char keys[] = "0123456789*#ABCD";
	static const double rows[] = { 697, 770, 852, 941 }, cols[] = { 1209, 1336, 1477, 1633 };
	static const char layout[] = "123A456B789C*0#D";
	int16_t x[RATE / 10];
	for (const char *k = keys; *k; k++) {
		struct sc_dtmf_gen g;
		CHECK_EQ_INT(sc_dtmf_gen_init(&g, *k, RATE, SC_TONE_DEFAULT_PEAK, RATE / 10), 0);
		CHECK_EQ_INT(sc_dtmf_gen_fill(&g, x, RATE / 10), RATE / 10);
		size_t pos = (size_t)(strchr(layout, *k) - layout);
		for (int i = 0; i < 4; i++) {
			double pr = goertzel(x, RATE / 10, rows[i], RATE), pc = goertzel(x, RATE / 10, cols[i], RATE);
			if ((size_t)i == pos / 4)
				CHECK(pr > 1e6);
			else
				CHECK(pr < 1e4);
			if ((size_t)i == pos % 4)
				CHECK(pc > 1e6);
			else
				CHECK(pc < 1e4);
		}
	}
	// 20 ms at a time, the length moved from 40 ms to 100 ms while it plays; then it ends
	// with silence, and the last samples fall instead of stopping dead.
	struct sc_dtmf_gen g;
	CHECK_EQ_INT(sc_dtmf_gen_init(&g, '5', RATE, SC_TONE_DEFAULT_PEAK, 320), 0);
	size_t total = 0;
	for (int f = 0; f < 10; f++) {
		if (f == 1)
			sc_dtmf_gen_set_length(&g, 800);
		total += sc_dtmf_gen_fill(&g, x, 160);
	}
	CHECK_EQ_INT(total, 800);
	CHECK(g.done);
	// a fall once begun is not undone
	CHECK_EQ_INT(sc_dtmf_gen_init(&g, '5', RATE, SC_TONE_DEFAULT_PEAK, 160), 0);
	CHECK_EQ_INT(sc_dtmf_gen_fill(&g, x, 150), 150);
	sc_dtmf_gen_set_length(&g, 1600);
	CHECK_EQ_INT(sc_dtmf_gen_fill(&g, x, 160), 10);
	CHECK(abs(x[9]) < 300 && x[10] == 0);
	uint16_t f2[2];
	CHECK(sc_tone_dtmf_freqs('#', f2) == 0 && f2[0] == 941 && f2[1] == 1477);
	CHECK(sc_tone_dtmf_freqs('d', f2) == 0 && f2[0] == 941 && f2[1] == 1633);
	CHECK_EQ_INT(sc_tone_dtmf_freqs('E', f2), -EINVAL);
	CHECK_EQ_INT(sc_tone_dtmf_freqs('\0', f2), -EINVAL);
	CHECK_EQ_INT(sc_dtmf_gen_init(&g, 'x', RATE, 100, 800), -EINVAL);
	CHECK_EQ_INT(sc_dtmf_gen_init(&g, '1', 4000, 100, 800), -EINVAL);
	CHECK_EQ_INT(sc_dtmf_gen_init(&g, '1', RATE, 0, 800), -EINVAL);
}

int main(void)
{
	test_dtmf();
	test_ringback_and_busy();
	test_ringing_is_two_tones_double_ring();
	test_unreachable_sit();
	test_error_ends();
	test_level_and_ramps();
	test_bad_input();
	return check_done();
}
