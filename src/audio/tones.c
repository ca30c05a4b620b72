// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/tones.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define NSTEPS(a) (sizeof(a) / sizeof((a)[0]))

static const struct sc_tone_step ringing[] = {
	{{440, 480}, 400}, {{0, 0}, 200}, {{440, 480}, 400}, {{0, 0}, 2000},
};
static const struct sc_tone_step ringback[] = {{{425, 0}, 1000}, {{0, 0}, 4000}};
static const struct sc_tone_step busy[] = {{{425, 0}, 500}, {{0, 0}, 500}};
static const struct sc_tone_step unreachable[] = {
	{{950, 0}, 330}, {{0, 0}, 30}, {{1400, 0}, 330}, {{0, 0}, 30}, {{1800, 0}, 330}, {{0, 0}, 1000},
};
static const struct sc_tone_step error_steps[] = {{{880, 0}, 150}, {{0, 0}, 50}, {{440, 0}, 300}};

static const struct sc_tone_spec specs[SC_TONE_COUNT] = {
	[SC_TONE_RINGING] = {"ringing", ringing, NSTEPS(ringing), true},
	[SC_TONE_RINGBACK] = {"ringback", ringback, NSTEPS(ringback), true},
	[SC_TONE_BUSY] = {"busy", busy, NSTEPS(busy), true},
	[SC_TONE_UNREACHABLE] = {"unreachable", unreachable, NSTEPS(unreachable), true},
	[SC_TONE_ERROR] = {"error", error_steps, NSTEPS(error_steps), false},
};

const struct sc_tone_spec *sc_tone_spec_get(enum sc_tone tone)
{
	if ((unsigned)tone >= SC_TONE_COUNT)
		return NULL;
	return &specs[tone];
}

uint32_t sc_tone_spec_period_ms(const struct sc_tone_spec *spec)
{
	uint32_t ms = 0;
	for (size_t i = 0; i < spec->n_steps; i++)
		ms += spec->steps[i].ms;
	return ms;
}

static void enter_step(struct sc_tone_gen *g, size_t step)
{
	g->step = step;
	g->pos = 0;
	g->step_len = (uint32_t)((uint64_t)g->spec->steps[step].ms * g->rate / 1000);
}

int sc_tone_gen_init(struct sc_tone_gen *g, const struct sc_tone_spec *spec, uint32_t rate,
		     uint16_t peak)
{
	if (!spec || !spec->steps || spec->n_steps == 0 || rate < 1000 || rate > 192000 || peak == 0 ||
	    peak > 32767)
		return -EINVAL;
	for (size_t i = 0; i < spec->n_steps; i++) {
		const struct sc_tone_step *s = &spec->steps[i];
		if (s->ms == 0 || 2u * s->freq_hz[0] >= rate || 2u * s->freq_hz[1] >= rate)
			return -EINVAL;
	}
	memset(g, 0, sizeof(*g));
	g->spec = spec;
	g->rate = rate;
	g->peak = peak;
	g->ramp_len = rate * SC_TONE_RAMP_MS / 1000;
	enter_step(g, 0);
	return 0;
}

void sc_tone_gen_restart(struct sc_tone_gen *g)
{
	g->done = false;
	enter_step(g, 0);
}

bool sc_tone_gen_done(const struct sc_tone_gen *g)
{
	return g->done;
}

// Raised-cosine rise at the start of a burst and fall at its end; a burst shorter than two
// ramps gets shorter ramps.
static double envelope(const struct sc_tone_gen *g)
{
	uint32_t ramp = g->ramp_len;
	if (2 * ramp > g->step_len)
		ramp = g->step_len / 2;
	if (ramp == 0)
		return 1.0;
	uint32_t from_end = g->step_len - 1 - g->pos;
	uint32_t edge = g->pos < from_end ? g->pos : from_end;
	if (edge >= ramp)
		return 1.0;
	return 0.5 - 0.5 * cos(M_PI * (edge + 0.5) / ramp);
}

static int16_t sample(const struct sc_tone_gen *g)
{
	const struct sc_tone_step *s = &g->spec->steps[g->step];
	int parts = (s->freq_hz[0] != 0) + (s->freq_hz[1] != 0);
	if (parts == 0)
		return 0;
	// The phase is computed from the position, not accumulated, so it never drifts.
	double t = (double)g->pos / g->rate, v = 0;
	for (int i = 0; i < 2; i++)
		if (s->freq_hz[i])
			v += sin(2 * M_PI * s->freq_hz[i] * t);
	v *= (double)g->peak / parts * envelope(g);
	return (int16_t)lrint(v);
}

size_t sc_tone_gen_fill(struct sc_tone_gen *g, int16_t *out, size_t n)
{
	size_t i = 0;
	while (i < n && !g->done) {
		out[i++] = sample(g);
		if (++g->pos < g->step_len)
			continue;
		if (g->step + 1 < g->spec->n_steps)
			enter_step(g, g->step + 1);
		else if (g->spec->repeat)
			enter_step(g, 0);
		else
			g->done = true;
	}
	size_t played = i;
	for (; i < n; i++)
		out[i] = 0;
	return played;
}

// ITU-T Q.23: rows 697, 770, 852, 941 Hz; columns 1209, 1336, 1477, 1633 Hz.
int sc_tone_dtmf_freqs(char digit, uint16_t freq_hz[2])
{
	static const char keys[] = "123A456B789C*0#D";
	static const uint16_t rows[] = { 697, 770, 852, 941 }, cols[] = { 1209, 1336, 1477, 1633 };
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	const char *k = digit ? strchr(keys, digit) : NULL;
	if (!k)
		return -EINVAL;
	size_t i = (size_t)(k - keys);
	freq_hz[0] = rows[i / 4];
	freq_hz[1] = cols[i % 4];
	return 0;
}

int sc_dtmf_gen_init(struct sc_dtmf_gen *g, char digit, uint32_t rate, uint16_t peak,
		     uint32_t length)
{
	uint16_t f[2];
	if (sc_tone_dtmf_freqs(digit, f) < 0 || rate < 8000 || rate > 192000 || peak == 0 ||
	    peak > 32767)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	g->freq_hz[0] = f[0];
	g->freq_hz[1] = f[1];
	g->rate = rate;
	g->peak = peak;
	g->ramp_len = rate * SC_TONE_RAMP_MS / 1000;
	g->length = length < 2 * g->ramp_len ? 2 * g->ramp_len : length;
	return 0;
}

static bool dtmf_falling(const struct sc_dtmf_gen *g)
{
	return g->pos + g->ramp_len >= g->length;
}

void sc_dtmf_gen_set_length(struct sc_dtmf_gen *g, uint32_t length)
{
	if (g->done || dtmf_falling(g))
		return;
	uint32_t earliest = g->pos + g->ramp_len;
	g->length = length < earliest ? earliest : length;
}

size_t sc_dtmf_gen_fill(struct sc_dtmf_gen *g, int16_t *out, size_t n)
{
	size_t i = 0;
	for (; i < n && !g->done; i++) {
		uint32_t from_end = g->length - 1 - g->pos;
		uint32_t edge = g->pos < from_end ? g->pos : from_end;
		double env = edge >= g->ramp_len ? 1.0 : 0.5 - 0.5 * cos(M_PI * (edge + 0.5) / g->ramp_len);
		double t = (double)g->pos / g->rate;
		double v = sin(2 * M_PI * g->freq_hz[0] * t) + sin(2 * M_PI * g->freq_hz[1] * t);
		out[i] = (int16_t)lrint(v * g->peak / 2 * env);
		if (++g->pos >= g->length)
			g->done = true;
	}
	size_t played = i;
	for (; i < n; i++)
		out[i] = 0;
	return played;
}
