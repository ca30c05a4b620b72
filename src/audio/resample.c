// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/resample.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <speex/speex_resampler.h>

struct sc_resampler {
	uint32_t in_rate, out_rate;
	SpeexResamplerState *st; // NULL when the rates are equal
};

int sc_resampler_new(uint32_t in_rate, uint32_t out_rate, int quality, struct sc_resampler **out)
{
	*out = NULL;
	if (in_rate < 1000 || in_rate > 192000 || out_rate < 1000 || out_rate > 192000 ||
	    quality < SPEEX_RESAMPLER_QUALITY_MIN || quality > SPEEX_RESAMPLER_QUALITY_MAX)
		return -EINVAL;
	struct sc_resampler *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->in_rate = in_rate;
	r->out_rate = out_rate;
	if (in_rate != out_rate) {
		int err = 0;
		r->st = speex_resampler_init(1, in_rate, out_rate, quality, &err);
		if (!r->st || err != RESAMPLER_ERR_SUCCESS) {
			free(r);
			return err == RESAMPLER_ERR_ALLOC_FAILED ? -ENOMEM : -EINVAL;
		}
	}
	*out = r;
	return 0;
}

void sc_resampler_free(struct sc_resampler *r)
{
	if (!r)
		return;
	if (r->st)
		speex_resampler_destroy(r->st);
	free(r);
}

size_t sc_resampler_max_out(const struct sc_resampler *r, size_t in_len)
{
	// The fractional position carried between calls can add one sample; one more of margin.
	return (size_t)(((uint64_t)in_len * r->out_rate + r->in_rate - 1) / r->in_rate) + 2;
}

int sc_resampler_process(struct sc_resampler *r, const int16_t *in, size_t in_len, int16_t *out,
			 size_t out_cap)
{
	if (out_cap < sc_resampler_max_out(r, in_len) || in_len > INT_MAX / 2)
		return -ENOBUFS;
	if (!r->st) {
		if (in_len)
			memcpy(out, in, in_len * sizeof(*in));
		return (int)in_len;
	}
	size_t done_in = 0, done_out = 0;
	// speexdsp stops when either side is exhausted; the output is sized for all of the input,
	// so the loop ends after one pass, but a bound keeps it finite whatever the library does.
	for (int pass = 0; pass < 4 && done_in < in_len; pass++) {
		spx_uint32_t n_in = (spx_uint32_t)(in_len - done_in);
		spx_uint32_t n_out = (spx_uint32_t)(out_cap - done_out);
		int err = speex_resampler_process_int(r->st, 0, in + done_in, &n_in, out + done_out, &n_out);
		if (err != RESAMPLER_ERR_SUCCESS)
			return -EIO;
		done_in += n_in;
		done_out += n_out;
		if (n_in == 0 && n_out == 0)
			break;
	}
	return done_in == in_len ? (int)done_out : -EIO;
}

unsigned sc_resampler_delay_out(const struct sc_resampler *r)
{
	return r->st ? (unsigned)speex_resampler_get_output_latency(r->st) : 0;
}

void sc_resampler_reset(struct sc_resampler *r)
{
	if (r->st)
		speex_resampler_reset_mem(r->st);
}
