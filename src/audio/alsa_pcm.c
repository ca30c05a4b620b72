// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/alsa_pcm.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

size_t sc_alsa_rate_candidates(uint32_t codec_rate, uint32_t out[5])
{
	const uint32_t order[5] = { codec_rate, 48000, 16000, 44100, 32000 };
	size_t n = 0;
	for (size_t i = 0; i < 5; i++) {
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= out[j] == order[i];
		if (!seen && order[i])
			out[n++] = order[i];
	}
	return n;
}

static const char *stream_name(snd_pcm_stream_t stream)
{
	return stream == SND_PCM_STREAM_CAPTURE ? "capture" : "playback";
}

static void explain_open_error(const char *name, snd_pcm_stream_t stream, int err, char *why,
			       size_t why_len)
{
	const char *hint = "check that the headset is plugged in and audio.device names it";
	if (err == -EBUSY)
		hint = "another program holds the headset; stop it (fuser -v /dev/snd/*)";
	else if (err == -EACCES || err == -EPERM)
		hint = "the daemon's user needs access to /dev/snd: add it to the audio group";
	snprintf(why, why_len, "cannot open %s for %s: %s; %s", name, stream_name(stream),
		 snd_strerror(err), hint);
}

static int choose_rate(snd_pcm_t *pcm, snd_pcm_hw_params_t *hw, uint32_t codec_rate, uint32_t *rate)
{
	uint32_t candidates[5];
	size_t n = sc_alsa_rate_candidates(codec_rate, candidates);
	for (size_t i = 0; i < n; i++)
		if (snd_pcm_hw_params_test_rate(pcm, hw, candidates[i], 0) == 0) {
			*rate = candidates[i];
			return snd_pcm_hw_params_set_rate(pcm, hw, candidates[i], 0);
		}
	return -EINVAL;
}

int sc_alsa_pcm_open(const char *name, snd_pcm_stream_t stream, uint32_t codec_rate, uint32_t frame_ms,
		     unsigned periods, snd_pcm_t **out, struct sc_alsa_pcm_setup *setup, char *why,
		     size_t why_len)
{
	snd_pcm_t *pcm = NULL;
	snd_pcm_hw_params_t *hw;
	snd_pcm_hw_params_alloca(&hw);
	const char *what = NULL;
	*out = NULL;
	int err = snd_pcm_open(&pcm, name, stream, SND_PCM_NONBLOCK);
	if (err < 0) {
		explain_open_error(name, stream, err, why, why_len);
		return err;
	}
	if ((err = snd_pcm_hw_params_any(pcm, hw)) < 0) {
		what = "gives no hardware parameters";
		goto out;
	}
	// Never let ALSA convert the rate behind our back: speexdsp does it, and the rate the
	// device really runs at is what it reports.
	snd_pcm_hw_params_set_rate_resample(pcm, hw, 0);
	if ((err = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0) {
		what = "offers no interleaved read/write access";
		goto out;
	}
	if ((err = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE)) < 0) {
		what = "offers no 16-bit little-endian samples";
		goto out;
	}
	setup->channels = 1;
	if (snd_pcm_hw_params_test_channels(pcm, hw, 1) != 0)
		setup->channels = 2;
	if ((err = snd_pcm_hw_params_set_channels(pcm, hw, setup->channels)) < 0) {
		what = "offers neither one nor two channels";
		goto out;
	}
	if ((err = choose_rate(pcm, hw, codec_rate, &setup->rate)) < 0) {
		what = "accepts none of the rates 8000, 16000, 32000, 44100, 48000 Hz";
		goto out;
	}
	snd_pcm_uframes_t period = (snd_pcm_uframes_t)setup->rate * frame_ms / 1000;
	snd_pcm_uframes_t buffer = period * periods;
	if ((err = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, NULL)) < 0 ||
	    (err = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)) < 0) {
		what = "refuses the period and buffer sizes";
		goto out;
	}
	if ((err = snd_pcm_hw_params(pcm, hw)) < 0) {
		what = "refuses the parameters";
		goto out;
	}
	snd_pcm_hw_params_get_period_size(hw, &setup->period, NULL);
	snd_pcm_hw_params_get_buffer_size(hw, &setup->buffer);
	*out = pcm;
	pcm = NULL;
out:
	if (what)
		snprintf(why, why_len, "%s (%s) %s: %s; use a USB headset that offers 16-bit PCM", name,
			 stream_name(stream), what, snd_strerror(err));
	if (pcm)
		snd_pcm_close(pcm);
	return err < 0 ? err : 0;
}

int sc_alsa_pcm_sw(snd_pcm_t *pcm, snd_pcm_uframes_t avail_min, snd_pcm_uframes_t start_threshold)
{
	snd_pcm_sw_params_t *sw;
	snd_pcm_sw_params_alloca(&sw);
	int err;
	if ((err = snd_pcm_sw_params_current(pcm, sw)) < 0 ||
	    (err = snd_pcm_sw_params_set_avail_min(pcm, sw, avail_min)) < 0 ||
	    (err = snd_pcm_sw_params_set_start_threshold(pcm, sw, start_threshold)) < 0 ||
	    (err = snd_pcm_sw_params(pcm, sw)) < 0)
		return err;
	return 0;
}
