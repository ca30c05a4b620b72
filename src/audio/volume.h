// SPDX-License-Identifier: GPL-3.0-or-later
// audio.volume (0..100) as a gain. Loudness is heard on a log scale, so the percentage maps
// to decibels: 60 * log10(percent / 100), i.e. the amplitude is (percent/100)^3 — 100 is
// unchanged, 80 is -5.8 dB, 50 is -18 dB, 10 is -60 dB, 0 is silence. The same curve drives
// a hardware mixer that reports dB, so both sound alike.
#ifndef SC_AUDIO_VOLUME_H
#define SC_AUDIO_VOLUME_H

#include <stddef.h>
#include <stdint.h>

#define SC_VOLUME_UNITY 32768 // gain 1.0 in Q15

// The amplitude factor in Q15 for PERCENT (clamped to 100).
uint32_t sc_volume_gain_q15(uint32_t percent);
// The attenuation in hundredths of a dB (ALSA's unit); PERCENT 0 gives MIN_DB_100.
long sc_volume_db100(uint32_t percent, long min_db100);
// Scales N samples by GAIN_Q15 (at most SC_VOLUME_UNITY), rounding to nearest.
void sc_volume_apply(int16_t *samples, size_t n, uint32_t gain_q15);

#endif
