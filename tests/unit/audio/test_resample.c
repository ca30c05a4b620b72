// SPDX-License-Identifier: GPL-3.0-or-later
// The headset's 48 kHz to the codec's 8 kHz and back: frequency, amplitude, aliasing, and
// exact lengths however the stream is cut into calls.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audio/resample.h"
#include "check.h"

static void sine(int16_t *out, size_t n, double freq, uint32_t rate, double amp)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (int16_t)lrint(amp * sin(2 * M_PI * freq * (double)i / rate));
}

// Converts all of IN in chunks of CHUNK samples; returns how many came out.
static size_t convert(struct sc_resampler *r, const int16_t *in, size_t n, size_t chunk, int16_t *out,
		      size_t cap)
{
	size_t done = 0, got = 0;
	while (done < n) {
		size_t len = n - done < chunk ? n - done : chunk;
		int k = sc_resampler_process(r, in + done, len, out + got, cap - got);
		if (k < 0)
			return got;
		done += len;
		got += (size_t)k;
	}
	return got;
}

// Frequency from rising zero crossings, and peak amplitude from the RMS, over OUT[from..n).
static void measure(const int16_t *s, size_t from, size_t n, uint32_t rate, double *freq, double *amp)
{
	size_t first = 0, last = 0, crossings = 0;
	double sq = 0;
	for (size_t i = from + 1; i < n; i++) {
		if (s[i - 1] < 0 && s[i] >= 0) {
			if (!crossings)
				first = i;
			last = i;
			crossings++;
		}
	}
	for (size_t i = from; i < n; i++)
		sq += (double)s[i] * s[i];
	*freq = crossings > 1 ? (double)(crossings - 1) * rate / (double)(last - first) : 0;
	*amp = sqrt(sq / (double)(n - from)) * sqrt(2.0);
}

static void test_tone(uint32_t in_rate, uint32_t out_rate, double freq)
{
	size_t n = in_rate; // one second
	int16_t *in = malloc(n * sizeof(*in));
	size_t cap = (size_t)out_rate + 64;
	int16_t *out = malloc(cap * sizeof(*out));
	sine(in, n, freq, in_rate, 10000);
	struct sc_resampler *r;
	CHECK_EQ_INT(sc_resampler_new(in_rate, out_rate, SC_RESAMPLE_QUALITY, &r), 0);
	size_t got = convert(r, in, n, in_rate / 50, out, cap);
	CHECK_EQ_INT(got, out_rate);
	double f, a;
	measure(out, sc_resampler_delay_out(r) + out_rate / 100, got, out_rate, &f, &a);
	fprintf(stderr, "%u -> %u Hz: %.0f Hz tone came out at %.2f Hz, amplitude %.0f of 10000, delay %u\n",
		in_rate, out_rate, freq, f, a, sc_resampler_delay_out(r));
	CHECK(fabs(f - freq) < freq * 0.002);
	CHECK(a > 9500 && a < 10500);
	sc_resampler_free(r);
	free(in);
	free(out);
}

// A 6 kHz tone at 48 kHz cannot exist at 8 kHz: without a filter it would come out as 2 kHz.
static void test_no_aliasing(void)
{
	int16_t *in = malloc(48000 * sizeof(*in)), out[8100];
	sine(in, 48000, 6000, 48000, 10000);
	struct sc_resampler *r;
	CHECK_EQ_INT(sc_resampler_new(48000, 8000, SC_RESAMPLE_QUALITY, &r), 0);
	size_t got = convert(r, in, 48000, 960, out, 8100);
	double f, a;
	measure(out, 400, got, 8000, &f, &a);
	fprintf(stderr, "6 kHz at 48 kHz -> 8 kHz: amplitude %.1f of 10000\n", a);
	CHECK(a < 100); // at least 40 dB down
	sc_resampler_free(r);
	free(in);
}

// However the input is cut, the output length tracks in * out_rate / in_rate within one
// sample, and the samples are those of a single call over the whole input.
static void test_lengths(uint32_t in_rate, uint32_t out_rate)
{
	size_t n = (size_t)in_rate * 3;
	int16_t *in = malloc(n * sizeof(*in));
	size_t cap = (size_t)out_rate * 3 + 64;
	int16_t *whole = malloc(cap * sizeof(*whole)), *cut = malloc(cap * sizeof(*cut));
	uint32_t seed = 12345;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		in[i] = (int16_t)(seed >> 16) / 4;
	}
	struct sc_resampler *a, *b;
	CHECK_EQ_INT(sc_resampler_new(in_rate, out_rate, SC_RESAMPLE_QUALITY, &a), 0);
	CHECK_EQ_INT(sc_resampler_new(in_rate, out_rate, SC_RESAMPLE_QUALITY, &b), 0);
	size_t whole_n = convert(a, in, n, n, whole, cap);
	size_t done = 0, got = 0;
	long worst = 0;
	while (done < n) {
		seed = seed * 1103515245u + 12345u;
		size_t len = 1 + (seed >> 16) % 2000;
		if (len > n - done)
			len = n - done;
		int k = sc_resampler_process(b, in + done, len, cut + got, cap - got);
		CHECK(k >= 0);
		if (k < 0)
			break;
		done += len;
		got += (size_t)k;
		long expect = (long)((uint64_t)done * out_rate / in_rate);
		long off = labs((long)got - expect);
		if (off > worst)
			worst = off;
	}
	fprintf(stderr, "%u -> %u Hz: %zu in, %zu out in one call, %zu in pieces, worst drift %ld\n",
		in_rate, out_rate, n, whole_n, got, worst);
	CHECK(worst <= 1);
	CHECK_EQ_INT(got, (uint64_t)n * out_rate / in_rate);
	CHECK_EQ_INT(whole_n, got);
	CHECK(memcmp(whole, cut, got * sizeof(*cut)) == 0);
	sc_resampler_free(a);
	sc_resampler_free(b);
	free(in);
	free(whole);
	free(cut);
}

static void test_errors_and_copy(void)
{
	struct sc_resampler *r = (struct sc_resampler *)&r;
	CHECK_EQ_INT(sc_resampler_new(0, 8000, 4, &r), -EINVAL);
	CHECK(r == NULL);
	CHECK_EQ_INT(sc_resampler_new(48000, 8000, 11, &r), -EINVAL);
	CHECK_EQ_INT(sc_resampler_new(48000, 500000, 4, &r), -EINVAL);

	int16_t in[960] = { 0 }, out[200];
	CHECK_EQ_INT(sc_resampler_new(48000, 8000, 4, &r), 0);
	CHECK_EQ_INT(sc_resampler_max_out(r, 960), 162);
	CHECK_EQ_INT(sc_resampler_process(r, in, 960, out, 161), -ENOBUFS);
	CHECK_EQ_INT(sc_resampler_process(r, in, 960, out, 200), 160);
	sc_resampler_free(r);

	CHECK_EQ_INT(sc_resampler_new(8000, 8000, 4, &r), 0);
	for (int i = 0; i < 160; i++)
		in[i] = (int16_t)(i * 100 - 8000);
	CHECK_EQ_INT(sc_resampler_process(r, in, 160, out, 200), 160);
	CHECK(memcmp(in, out, 160 * sizeof(int16_t)) == 0);
	CHECK_EQ_INT(sc_resampler_delay_out(r), 0);
	sc_resampler_free(r);
	sc_resampler_free(NULL);
}

// After reset the history is gone: the same input gives the same output as a new resampler.
static void test_reset(void)
{
	int16_t in[960], a[200], b[200];
	sine(in, 960, 1000, 48000, 8000);
	struct sc_resampler *r, *fresh;
	CHECK_EQ_INT(sc_resampler_new(48000, 8000, 4, &r), 0);
	CHECK_EQ_INT(sc_resampler_new(48000, 8000, 4, &fresh), 0);
	sc_resampler_process(r, in, 500, a, 200);
	sc_resampler_reset(r);
	int na = sc_resampler_process(r, in, 960, a, 200);
	int nb = sc_resampler_process(fresh, in, 960, b, 200);
	CHECK_EQ_INT(na, nb);
	CHECK(na > 0 && memcmp(a, b, (size_t)na * sizeof(int16_t)) == 0);
	sc_resampler_free(r);
	sc_resampler_free(fresh);
}

int main(void)
{
	test_tone(48000, 8000, 1000);
	test_tone(8000, 48000, 1000);
	test_tone(44100, 8000, 1000);
	test_tone(16000, 8000, 440);
	test_no_aliasing();
	test_lengths(48000, 8000);
	test_lengths(8000, 48000);
	test_lengths(44100, 8000);
	test_lengths(8000, 44100);
	test_lengths(32000, 8000);
	test_errors_and_copy();
	test_reset();
	return check_done();
}
