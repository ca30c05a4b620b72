// SPDX-License-Identifier: GPL-3.0-or-later
// Packet-loss concealment for codecs without their own (G.711): a missing frame is replaced
// by the last good frame repeated and faded out, reaching silence after SC_PLC_FADE_MS, and
// the first good frame after a loss is cross-faded in so the join does not click.
// Repetition at the frame period buzzes a little, but is what keeps a 20 ms loss nearly
// inaudible; longer losses fade rather than buzz.
#ifndef SC_AUDIO_PLC_H
#define SC_AUDIO_PLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_PLC_MAX_SAMPLES 960 // 20 ms at 48 kHz
#define SC_PLC_FADE_MS 60
#define SC_PLC_CROSSFADE_MS 4

struct sc_plc {
	size_t samples;        // per frame
	uint32_t rate;
	int16_t last[SC_PLC_MAX_SAMPLES];
	bool have_last;
	uint32_t concealed;    // samples concealed since the last good frame
	size_t pos;            // where the repetition of LAST continues
};

// -EINVAL unless 0 < samples <= SC_PLC_MAX_SAMPLES and rate > 0.
int sc_plc_init(struct sc_plc *plc, uint32_t rate, size_t samples);
// A frame decoded from a received packet; after a loss it is cross-faded in place.
void sc_plc_good(struct sc_plc *plc, int16_t *frame);
// Fills OUT with the concealment for one missing frame.
void sc_plc_conceal(struct sc_plc *plc, int16_t *out);

#endif
