// SPDX-License-Identifier: GPL-3.0-or-later
// Finds a reference recording inside another one and says how alike they are: the
// normalised cross-correlation (NCC) at the best alignment, and where that alignment is.
// The engine behind tests/tools/sc-audio-match; pure computation, no files but WAV loading.
#ifndef SC_TOOLS_AUDIO_MATCH_H
#define SC_TOOLS_AUDIO_MATCH_H

#include <stdbool.h>
#include <stddef.h>

// Both signals are compared at this rate, after the same low-pass filter (3.6 kHz): the
// band every codec a call may use carries (G.711 is narrowband).
#define AM_RATE 8000

struct am_signal {
	float *s;      // mono samples, full scale = 1.0
	size_t n;
	unsigned rate; // Hz
};

// Loads a 16-bit PCM WAV (any rate from 8 to 192 kHz, channels mixed down to mono). A data
// size left at 0 or 0xFFFFFFFF by a writer that was killed means "up to the end of the
// file". Returns 0, or a negative errno with WHY naming what is wrong.
int am_wav_load(const char *path, struct am_signal *out, char *why, size_t why_len);
void am_signal_free(struct am_signal *sig);

// Converts IN to RATE (8..192 kHz) through a windowed-sinc low-pass at 0.45 of the lower of
// the two rates; at AM_RATE that is the shared 3.6 kHz filter. 0, -EINVAL or -ENOMEM.
int am_resample(const struct am_signal *in, unsigned rate, struct am_signal *out);

struct am_options {
	bool bounded;          // search only |offset| <= max_offset_ms
	double max_offset_ms;
	// 0: one alignment for the whole of REF. Otherwise REF is also measured in pieces of
	// AM_PIECE_MS, each at its own lag within slip_ms of the previous piece's: a jitter
	// buffer or a clock-drift corrector moves the timeline by whole frames during a call,
	// and one such move would leave everything after it misaligned.
	double slip_ms;
	// with slip_ms: one line per piece (its start in REF, its lag, its own NCC) goes here
	void *trace; // FILE *, or NULL
};

#define AM_PIECE_MS 200

struct am_result {
	double ncc;       // -1..1 at the best alignment; 0 when REC is silent there
	double offset_ms; // where REF's first sample lies in REC (negative: REF starts earlier)
	double strict_ncc; // with one alignment for the whole of REF (= ncc without slip_ms)
	unsigned pieces, moves; // with slip_ms: pieces measured, and how often the lag moved
	double last_offset_ms;  // with slip_ms: the last piece's lag
};

// Aligns REC to REF and measures them. Returns 0, -EINVAL (REF silent or empty, a rate out of
// range) or -ENOMEM.
int am_match(const struct am_signal *ref, const struct am_signal *rec, const struct am_options *opt,
	     struct am_result *res);

#endif
