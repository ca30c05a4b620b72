// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/plc.h"

#include <errno.h>
#include <string.h>

int sc_plc_init(struct sc_plc *plc, uint32_t rate, size_t samples)
{
	if (samples == 0 || samples > SC_PLC_MAX_SAMPLES || rate == 0)
		return -EINVAL;
	memset(plc, 0, sizeof(*plc));
	plc->samples = samples;
	plc->rate = rate;
	return 0;
}

// Gain of the repetition after N concealed samples, in 1/65536: linear to zero.
static int32_t fade_gain(const struct sc_plc *plc, uint32_t n)
{
	uint32_t fade = plc->rate * SC_PLC_FADE_MS / 1000;
	return n >= fade ? 0 : (int32_t)(((uint64_t)(fade - n) << 16) / fade);
}

static int16_t next_repeated(struct sc_plc *plc)
{
	int32_t v = plc->last[plc->pos];
	plc->pos = (plc->pos + 1) % plc->samples;
	int32_t g = fade_gain(plc, plc->concealed);
	plc->concealed++;
	return (int16_t)((v * g) / 65536);
}

void sc_plc_conceal(struct sc_plc *plc, int16_t *out)
{
	if (!plc->have_last) {
		memset(out, 0, plc->samples * sizeof(*out));
		return;
	}
	for (size_t i = 0; i < plc->samples; i++)
		out[i] = next_repeated(plc);
}

void sc_plc_good(struct sc_plc *plc, int16_t *frame)
{
	if (plc->have_last && plc->concealed > 0) {
		size_t n = plc->rate * SC_PLC_CROSSFADE_MS / 1000;
		if (n > plc->samples)
			n = plc->samples;
		for (size_t i = 0; i < n; i++) {
			int32_t w = (int32_t)(((i + 1) << 16) / (n + 1)); // weight of the good frame
			int32_t old = next_repeated(plc);
			frame[i] = (int16_t)((frame[i] * w + old * (65536 - w)) / 65536);
		}
	}
	memcpy(plc->last, frame, plc->samples * sizeof(*frame));
	plc->have_last = true;
	plc->concealed = 0;
	plc->pos = 0;
}
