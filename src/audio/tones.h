// SPDX-License-Identifier: GPL-3.0-or-later
// Call-progress tones for the headset, generated sample by sample: nothing is stored, and the
// generator takes no clock, so the core pulls exactly as many samples as the playback needs.
//
// The set (frequencies and cadences, chosen to sound familiar in Europe and North America
// alike; docs/audio.md says why each one):
//   ringing      an incoming call, in the wearer's ear: 440+480 Hz, 0.4 s on, 0.2 s off,
//                0.4 s on, 2 s off (a double ring, so it is never taken for ringback)
//   ringback     the far end rings: 425 Hz, 1 s on, 4 s off (ITU-T E.180, CEPT)
//   busy         425 Hz, 0.5 s on, 0.5 s off
//   unreachable  special information tone: 950, 1400, 1800 Hz, 330 ms each with 30 ms gaps,
//                then 1 s of silence (ITU-T E.180 SIT)
//   error        880 Hz 150 ms, 50 ms gap, 440 Hz 300 ms, once (a falling "no")
// Every burst rises and falls over SC_TONE_RAMP_MS so the cadence does not click.
#ifndef SC_AUDIO_TONES_H
#define SC_AUDIO_TONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_TONE_RAMP_MS 4
// Peak of a tone (both components together): -12 dBFS leaves room for the volume control.
#define SC_TONE_DEFAULT_PEAK 8192

enum sc_tone {
	SC_TONE_RINGING,
	SC_TONE_RINGBACK,
	SC_TONE_BUSY,
	SC_TONE_UNREACHABLE,
	SC_TONE_ERROR,
	SC_TONE_COUNT
};

// One piece of a cadence: up to two frequencies summed, or silence when both are 0.
struct sc_tone_step {
	uint16_t freq_hz[2];
	uint16_t ms;
};

struct sc_tone_spec {
	const char *name;
	const struct sc_tone_step *steps;
	size_t n_steps;
	bool repeat; // false: the tone plays its steps once and ends
};

// The built-in tones; NULL for a value outside enum sc_tone.
const struct sc_tone_spec *sc_tone_spec_get(enum sc_tone tone);
// Length of one cadence cycle.
uint32_t sc_tone_spec_period_ms(const struct sc_tone_spec *spec);

struct sc_tone_gen {
	const struct sc_tone_spec *spec;
	uint32_t rate;
	uint16_t peak;
	size_t step;        // index into spec->steps
	uint32_t pos;       // samples already played of this step
	uint32_t step_len;  // samples in this step
	uint32_t ramp_len;  // samples of the rise and of the fall
	bool done;
};

// RATE in Hz (8000 for the codec path; the headset's own rate works too). PEAK: the largest
// sample, 1..32767. -EINVAL for an empty spec, a frequency at or above RATE/2, a step of 0 ms
// or a rate outside 1000..192000.
int sc_tone_gen_init(struct sc_tone_gen *g, const struct sc_tone_spec *spec, uint32_t rate,
		     uint16_t peak);
// Writes N samples to OUT. Returns how many belong to the tone: N while it plays, fewer once a
// tone that does not repeat has ended (the rest of OUT is silence), 0 afterwards.
size_t sc_tone_gen_fill(struct sc_tone_gen *g, int16_t *out, size_t n);
bool sc_tone_gen_done(const struct sc_tone_gen *g);
// Starts the cadence again from its first step.
void sc_tone_gen_restart(struct sc_tone_gen *g);

// DTMF (ITU-T Q.23): a key's row (low) and column (high) frequency, for "0123456789*#ABCD"
// (a-d too). 0, or -EINVAL for anything else.
int sc_tone_dtmf_freqs(char digit, uint16_t freq_hz[2]);

// A received DTMF key played in the earpiece: its dual tone for as long as the far end holds
// the key, which is not known when it starts (RFC 4733 updates grow the duration), so the
// length can be moved until the fall has begun. Rise and fall take SC_TONE_RAMP_MS.
struct sc_dtmf_gen {
	uint16_t freq_hz[2];
	uint32_t rate;
	uint16_t peak;
	uint32_t pos;      // samples played
	uint32_t length;   // samples the tone lasts, fall included
	uint32_t ramp_len;
	bool done;
};

// -EINVAL for a digit sc_tone_dtmf_freqs refuses, a rate outside 8000..192000 or a peak of 0
// or above 32767. LENGTH: samples, at least two ramps (shorter is lengthened).
int sc_dtmf_gen_init(struct sc_dtmf_gen *g, char digit, uint32_t rate, uint16_t peak,
		     uint32_t length);
// Moves the end to LENGTH samples from the start (never before the current position plus a
// fall); ignored once the fall has begun, so the tone never swells again.
void sc_dtmf_gen_set_length(struct sc_dtmf_gen *g, uint32_t length);
// Writes N samples: the tone, then silence once it has ended. Returns how many are tone.
size_t sc_dtmf_gen_fill(struct sc_dtmf_gen *g, int16_t *out, size_t n);

#endif
