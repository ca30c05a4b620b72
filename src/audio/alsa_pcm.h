// SPDX-License-Identifier: GPL-3.0-or-later
// Opens one direction of the headset at what it really offers: 16-bit samples, one or two
// channels, and the first rate of (codec rate, 48000, 16000, 44100, 32000) that the device
// accepts without ALSA converting (snd_pcm_hw_params_test_rate with resampling off). Periods
// are the frame duration, so the device wakes the loop once per frame.
#ifndef SC_AUDIO_ALSA_PCM_H
#define SC_AUDIO_ALSA_PCM_H

#include <alsa/asoundlib.h>
#include <stddef.h>
#include <stdint.h>

struct sc_alsa_pcm_setup {
	uint32_t rate;
	unsigned channels;
	snd_pcm_uframes_t period, buffer; // frames
};

// The rates tried, in order, without duplicates; returns how many (at most 5).
size_t sc_alsa_rate_candidates(uint32_t codec_rate, uint32_t out[5]);

// Opens NAME non-blocking for STREAM with a buffer of PERIODS periods of FRAME_MS. Returns 0,
// or a negative errno with WHY saying what the device refused and what to do.
int sc_alsa_pcm_open(const char *name, snd_pcm_stream_t stream, uint32_t codec_rate, uint32_t frame_ms,
		     unsigned periods, snd_pcm_t **out, struct sc_alsa_pcm_setup *setup, char *why,
		     size_t why_len);

// Software parameters: wake when AVAIL_MIN frames can be moved; start on its own once
// START_THRESHOLD frames are queued (playback).
int sc_alsa_pcm_sw(snd_pcm_t *pcm, snd_pcm_uframes_t avail_min, snd_pcm_uframes_t start_threshold);

#endif
