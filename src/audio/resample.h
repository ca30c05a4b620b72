// SPDX-License-Identifier: GPL-3.0-or-later
// Sample-rate conversion between the headset's rate (often 48 kHz only) and the codec's
// (8 kHz for G.711), with libspeexdsp's resampler. ALSA's plug converter is not used: its
// linear interpolation aliases, and hiding the conversion inside ALSA would hide the rate the
// device really runs at.
//
// Streaming: every call consumes all of its input and keeps the filter's history, so the
// output over many calls is the same as over one, and the number of samples out stays within
// one sample of in * out_rate / in_rate for any split of the input. The filter delays the
// signal by a few milliseconds (sc_resampler_delay_out).
#ifndef SC_AUDIO_RESAMPLE_H
#define SC_AUDIO_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

// speexdsp's scale 0..10; 3 is its "VoIP" setting, 4 its default.
#define SC_RESAMPLE_QUALITY 4

struct sc_resampler;

// Mono, 16-bit. -EINVAL for rates outside 1000..192000 Hz or a quality outside 0..10,
// -ENOMEM. Equal rates copy the samples unchanged.
int sc_resampler_new(uint32_t in_rate, uint32_t out_rate, int quality, struct sc_resampler **out);
void sc_resampler_free(struct sc_resampler *r);

// The most samples one call with IN_LEN samples can produce: size OUT by it.
size_t sc_resampler_max_out(const struct sc_resampler *r, size_t in_len);

// Converts IN (all of it) into OUT. Returns the number of samples written, or -ENOBUFS
// (nothing consumed) when OUT_CAP is below sc_resampler_max_out, -EIO when speexdsp fails.
int sc_resampler_process(struct sc_resampler *r, const int16_t *in, size_t in_len, int16_t *out,
			 size_t out_cap);

// Output samples by which the filter delays the signal.
unsigned sc_resampler_delay_out(const struct sc_resampler *r);

// Forgets the history (after a gap in the stream: an xrun, a reopened device).
void sc_resampler_reset(struct sc_resampler *r);

#endif
