// SPDX-License-Identifier: GPL-3.0-or-later
// Tone detection for the tests that check a frequency is (or is not) in some audio: the DTMF
// generator, the media engine's received keys, the earpiece's tones.
#ifndef SC_TEST_GOERTZEL_H
#define SC_TEST_GOERTZEL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

// Relative power of X (N samples at RATE Hz) at FREQ, normalised so a full-length sine of
// amplitude A gives about A*A/4.
static inline double goertzel(const int16_t *x, size_t n, double freq, double rate)
{
	double k = 2 * cos(2 * M_PI * freq / rate), s1 = 0, s2 = 0;
	for (size_t i = 0; i < n; i++) {
		double s0 = x[i] + k * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - k * s1 * s2) / ((double)n * n);
}

#endif
