// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/alsa_headset.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "audio/alsa_device.h"
#include "audio/alsa_mixer.h"
#include "audio/alsa_pcm.h"
#include "audio/resample.h"
#include "audio/sample_fifo.h"
#include "audio/volume.h"
#include "base/log.h"
#include "base/strutil.h"

#define CHUNK_FRAMES 1024       // device frames moved per read or write call
#define CAPTURE_BUFFER_MS 200   // deep: a loop descheduled for a while loses nothing
#define PLAYBACK_PREFILL_MS 40  // silence ahead of the first frame, and after an xrun
#define CAPTURE_QUEUE_MS 1000   // captured audio nobody read is dropped beyond this
#define PLAYBACK_QUEUE_MS 500   // written audio the device has no room for yet
#define MAX_LOOPS 64            // bound on read/write calls per service

struct direction {
	snd_pcm_t *pcm;
	struct sc_alsa_pcm_setup setup;
	struct sc_resampler *rs;
	int nfds;
};

struct sc_alsa {
	char wanted[SC_AUDIO_PCM_NAME_MAX];
	uint32_t rate, frame_ms;
	size_t frame;                     // codec-rate samples per frame
	enum sc_alsa_state state;
	char why[SC_AUDIO_WHY_MAX], logged_why[SC_AUDIO_WHY_MAX];
	struct sc_audio_choice choice;
	struct direction cap, play;
	snd_pcm_uframes_t prefill;
	snd_pcm_uframes_t low_guard;      // fill in when this low and the core had its chance
	snd_pcm_uframes_t low_critical;   // fill in when this low, whatever the core is doing
	int guard_fd;                     // timerfd: fires when playback reaches the next mark
	struct sc_sample_fifo cap_q;      // codec rate, mono
	struct sc_sample_fifo play_q;     // device rate, interleaved
	int16_t *dev_buf, *mono, *conv;   // scratch, sized at open
	size_t dev_buf_len, mono_len, conv_len;
	struct sc_alsa_mixer mixer;
	uint32_t volume, gain_q15;
	bool muted;
	unsigned events;
	struct sc_alsa_status counters;   // the counting fields only
};

static void set_why(struct sc_alsa *a, const char *why)
{
	sc_strcpy(a->why, sizeof(a->why), why);
}

static void close_device(struct sc_alsa *a)
{
	struct direction *dirs[2] = { &a->cap, &a->play };
	for (int i = 0; i < 2; i++) {
		if (dirs[i]->pcm)
			snd_pcm_close(dirs[i]->pcm);
		sc_resampler_free(dirs[i]->rs);
		memset(dirs[i], 0, sizeof(*dirs[i]));
	}
	if (a->guard_fd >= 0)
		close(a->guard_fd);
	a->guard_fd = -1;
	sc_alsa_mixer_close(&a->mixer);
	sc_sample_fifo_free(&a->cap_q);
	sc_sample_fifo_free(&a->play_q);
	free(a->dev_buf);
	free(a->mono);
	free(a->conv);
	a->dev_buf = a->mono = a->conv = NULL;
	a->state = SC_ALSA_CLOSED;
}

static void apply_volume(struct sc_alsa *a)
{
	a->gain_q15 = sc_volume_gain_q15(a->volume);
	if (a->mixer.elem) {
		int err = sc_alsa_mixer_set(&a->mixer, a->volume);
		if (err == 0)
			a->gain_q15 = SC_VOLUME_UNITY;
		else
			sc_warn("audio: cannot set mixer %s of %s: %s; using software volume",
				a->mixer.name, a->choice.pcm, snd_strerror(err));
	}
}

static int write_silence(struct sc_alsa *a, snd_pcm_uframes_t frames)
{
	unsigned ch = a->play.setup.channels;
	memset(a->dev_buf, 0, a->dev_buf_len * sizeof(int16_t));
	snd_pcm_uframes_t done = 0;
	for (int i = 0; i < MAX_LOOPS && done < frames; i++) {
		snd_pcm_uframes_t n = frames - done;
		if (n > a->dev_buf_len / ch)
			n = a->dev_buf_len / ch;
		snd_pcm_sframes_t w = snd_pcm_writei(a->play.pcm, a->dev_buf, n);
		if (w == -EAGAIN || w == 0)
			break;
		if (w < 0)
			return (int)w;
		done += (snd_pcm_uframes_t)w;
	}
	return (int)done;
}

static size_t max_sz(size_t x, size_t y)
{
	return x > y ? x : y;
}

// Sets the guard timer to when the device, playing what it holds, reaches the next mark:
// low_guard, or low_critical once below that; or, with SOON, in 2 ms if that is earlier.
static void arm_guard(struct sc_alsa *a, snd_pcm_uframes_t queued, bool soon)
{
	snd_pcm_uframes_t mark = queued > a->low_guard ? a->low_guard : a->low_critical;
	uint64_t frames = queued > mark ? queued - mark : 0;
	uint64_t ns = frames * 1000000000u / a->play.setup.rate;
	if (soon && ns > 2000000)
		ns = 2000000;
	if (ns < 1000000)
		ns = 1000000; // at once would spin while the device is stopped
	struct itimerspec its = { .it_value = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) } };
	timerfd_settime(a->guard_fd, 0, &its, NULL);
}

static int open_device(struct sc_alsa *a)
{
	char why[SC_AUDIO_WHY_MAX];
	int err = sc_alsa_find_device(a->wanted, &a->choice, why, sizeof(why));
	if (err < 0)
		goto fail;
	unsigned cap_periods = CAPTURE_BUFFER_MS / a->frame_ms;
	// Prefill 2.5 periods (at least 40 ms): a core answering each captured frame then finds
	// 1.5 periods queued before its write, so it may be late by up to half a period before
	// the guard's first mark, and a period before the device nears empty. Room for two more
	// periods of what the core writes.
	unsigned prefill_halves = 2 * ((PLAYBACK_PREFILL_MS + a->frame_ms - 1) / a->frame_ms);
	if (prefill_halves < 5)
		prefill_halves = 5;
	err = sc_alsa_pcm_open(a->choice.pcm, SND_PCM_STREAM_CAPTURE, a->rate, a->frame_ms,
			       cap_periods < 4 ? 4 : cap_periods, &a->cap.pcm, &a->cap.setup, why, sizeof(why));
	if (err < 0)
		goto fail;
	err = sc_alsa_pcm_open(a->choice.pcm, SND_PCM_STREAM_PLAYBACK, a->rate, a->frame_ms,
			       (prefill_halves + 1) / 2 + 2, &a->play.pcm, &a->play.setup, why, sizeof(why));
	if (err < 0)
		goto fail;
	const struct sc_alsa_pcm_setup *cs = &a->cap.setup, *ps = &a->play.setup;
	if ((err = sc_resampler_new(cs->rate, a->rate, SC_RESAMPLE_QUALITY, &a->cap.rs)) < 0 ||
	    (err = sc_resampler_new(a->rate, ps->rate, SC_RESAMPLE_QUALITY, &a->play.rs)) < 0) {
		snprintf(why, sizeof(why), "cannot convert between %u/%u Hz and %u Hz: %s", cs->rate,
			 ps->rate, a->rate, strerror(-err));
		goto fail;
	}
	a->prefill = prefill_halves * ps->period / 2;
	if (a->prefill + 2 * ps->period > ps->buffer)
		a->prefill = ps->buffer > 2 * ps->period ? ps->buffer - 2 * ps->period : ps->buffer / 2;
	a->low_guard = ps->period;
	a->low_critical = ps->period / 4;
	// Playback does not wake the loop for room (writes go in as the core makes them, and
	// an empty device is an xrun, which polling reports as an error); the guard timer wakes
	// it when the queue would run low.
	if ((err = sc_alsa_pcm_sw(a->cap.pcm, cs->period, 1)) < 0 ||
	    (err = sc_alsa_pcm_sw(a->play.pcm, ps->buffer, a->prefill)) < 0) {
		snprintf(why, sizeof(why), "%s refuses the software parameters: %s", a->choice.pcm,
			 snd_strerror(err));
		goto fail;
	}
	a->mono_len = CHUNK_FRAMES;
	a->conv_len = max_sz(sc_resampler_max_out(a->cap.rs, CHUNK_FRAMES),
			     sc_resampler_max_out(a->play.rs, a->frame));
	a->dev_buf_len = 2 * max_sz(CHUNK_FRAMES, a->conv_len); // room for a stereo frame
	err = -ENOMEM;
	if (sc_sample_fifo_init(&a->cap_q, (size_t)a->rate * CAPTURE_QUEUE_MS / 1000) < 0 ||
	    sc_sample_fifo_init(&a->play_q, (size_t)ps->rate * ps->channels * PLAYBACK_QUEUE_MS / 1000) < 0 ||
	    !(a->dev_buf = calloc(a->dev_buf_len, sizeof(int16_t))) ||
	    !(a->mono = calloc(max_sz(a->mono_len, a->frame), sizeof(int16_t))) ||
	    !(a->conv = calloc(a->conv_len, sizeof(int16_t)))) {
		snprintf(why, sizeof(why), "out of memory opening %s", a->choice.pcm);
		goto fail;
	}
	if (a->choice.is_card && (err = sc_alsa_mixer_open(&a->mixer, a->choice.card_id)) < 0)
		sc_info("audio: %s: %s; volume is applied to the samples", a->choice.pcm,
			err == -ENOENT ? "no playback volume element" : snd_strerror(err));
	apply_volume(a);
	if ((err = snd_pcm_start(a->cap.pcm)) < 0) {
		snprintf(why, sizeof(why), "cannot start capture on %s: %s", a->choice.pcm, snd_strerror(err));
		goto fail;
	}
	if ((err = write_silence(a, a->prefill)) < 0) {
		snprintf(why, sizeof(why), "cannot start playback on %s: %s", a->choice.pcm, snd_strerror(err));
		goto fail;
	}
	a->guard_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (a->guard_fd < 0) {
		err = -errno;
		snprintf(why, sizeof(why), "cannot create a timer: %s", strerror(errno));
		goto fail;
	}
	arm_guard(a, a->prefill, false);
	a->cap.nfds = snd_pcm_poll_descriptors_count(a->cap.pcm);
	a->play.nfds = snd_pcm_poll_descriptors_count(a->play.pcm);
	if (a->cap.nfds < 0 || a->play.nfds < 0 || a->cap.nfds + a->play.nfds + 1 > SC_ALSA_MAX_POLLFDS) {
		err = -EINVAL;
		snprintf(why, sizeof(why), "%s has too many poll descriptors", a->choice.pcm);
		goto fail;
	}
	a->state = SC_ALSA_OPEN;
	a->counters.opens++;
	a->why[0] = a->logged_why[0] = 0;
	sc_info("audio: opened %s: capture %u Hz %u ch, playback %u Hz %u ch, %u ms periods, "
		"converted to %u Hz; volume %u%% %s%s", a->choice.pcm, cs->rate, cs->channels, ps->rate,
		ps->channels, a->frame_ms, a->rate, a->volume, a->mixer.elem ? "on mixer " : "in software",
		a->mixer.elem ? a->mixer.name : "");
	return 0;
fail:
	close_device(a);
	set_why(a, why);
	return err < 0 ? err : -ENODEV;
}

static void unplugged(struct sc_alsa *a, const char *what, int err)
{
	char why[SC_AUDIO_WHY_MAX];
	snprintf(why, sizeof(why), "%s stopped (%s: %s); waiting for it to come back",
		 a->choice.pcm, what, snd_strerror(err));
	sc_warn("audio: %s", why);
	close_device(a);
	set_why(a, why);
	sc_strcpy(a->logged_why, sizeof(a->logged_why), why);
	a->counters.unplugs++;
	a->events |= SC_ALSA_EV_UNPLUGGED;
}

// After an xrun or a suspend: back to running, or the device is gone. 0 or -ENODEV.
static int recover(struct sc_alsa *a, struct direction *d, int err)
{
	bool capture = d == &a->cap;
	if (err == -ENODEV) {
		unplugged(a, capture ? "capture" : "playback", err);
		return -ENODEV;
	}
	int rc = err == -EPIPE || err == -ESTRPIPE ? snd_pcm_recover(d->pcm, err, 1) : err;
	if (rc == 0)
		rc = capture ? snd_pcm_start(d->pcm) : 0;
	if (rc == 0 && !capture) {
		int w = write_silence(a, a->prefill);
		rc = w < 0 ? w : 0;
	}
	if (rc < 0) {
		unplugged(a, capture ? "capture" : "playback", rc);
		return -ENODEV;
	}
	if (err == -EPIPE) {
		if (capture)
			a->counters.overruns++;
		else
			a->counters.underruns++;
		sc_debug("audio: %s %s recovered", a->choice.pcm, capture ? "overrun" : "underrun");
	}
	a->events |= SC_ALSA_EV_XRUN;
	return 0;
}

// A stream whose state already says what happened (polling reports errors this way).
static int check_state(struct sc_alsa *a, struct direction *d)
{
	switch (snd_pcm_state(d->pcm)) {
	case SND_PCM_STATE_DISCONNECTED:
		return recover(a, d, -ENODEV);
	case SND_PCM_STATE_XRUN:
		return recover(a, d, -EPIPE);
	case SND_PCM_STATE_SUSPENDED:
		return recover(a, d, -ESTRPIPE);
	default:
		return 0;
	}
}

static void downmix(const int16_t *in, size_t frames, unsigned ch, int16_t *out)
{
	for (size_t i = 0; i < frames; i++)
		out[i] = ch == 1 ? in[i] : (int16_t)(((int32_t)in[2 * i] + in[2 * i + 1]) / 2);
}

static int capture_service(struct sc_alsa *a)
{
	unsigned ch = a->cap.setup.channels;
	for (int i = 0; i < MAX_LOOPS; i++) {
		snd_pcm_sframes_t avail = snd_pcm_avail_update(a->cap.pcm);
		if (avail < 0)
			return recover(a, &a->cap, (int)avail);
		if (avail == 0)
			break;
		snd_pcm_uframes_t n = (snd_pcm_uframes_t)avail < CHUNK_FRAMES ? (snd_pcm_uframes_t)avail : CHUNK_FRAMES;
		snd_pcm_sframes_t got = snd_pcm_readi(a->cap.pcm, a->dev_buf, n);
		if (got == -EAGAIN || got == 0)
			break;
		if (got < 0)
			return recover(a, &a->cap, (int)got);
		downmix(a->dev_buf, (size_t)got, ch, a->mono);
		int k = sc_resampler_process(a->cap.rs, a->mono, (size_t)got, a->conv, a->conv_len);
		if (k < 0)
			return k;
		size_t room = sc_sample_fifo_room(&a->cap_q);
		if ((size_t)k > room) {
			// Nobody read for a second: the oldest audio is the least useful.
			size_t drop = (size_t)k - room;
			sc_sample_fifo_pop(&a->cap_q, NULL, drop);
			a->counters.capture_dropped += drop;
		}
		sc_sample_fifo_push(&a->cap_q, a->conv, (size_t)k);
	}
	return 0;
}

static int playback_flush(struct sc_alsa *a)
{
	unsigned ch = a->play.setup.channels;
	for (int i = 0; i < MAX_LOOPS && sc_sample_fifo_len(&a->play_q); i++) {
		snd_pcm_sframes_t avail = snd_pcm_avail_update(a->play.pcm);
		if (avail < 0)
			return recover(a, &a->play, (int)avail);
		size_t n = sc_sample_fifo_len(&a->play_q) / ch;
		if ((size_t)avail < n)
			n = (size_t)avail;
		if (n > a->dev_buf_len / ch)
			n = a->dev_buf_len / ch;
		if (n == 0)
			break;
		sc_sample_fifo_peek(&a->play_q, a->dev_buf, n * ch);
		snd_pcm_sframes_t w = snd_pcm_writei(a->play.pcm, a->dev_buf, n);
		if (w == -EAGAIN || w == 0)
			break;
		if (w < 0)
			return recover(a, &a->play, (int)w);
		sc_sample_fifo_pop(&a->play_q, NULL, (size_t)w * ch);
	}
	return 0;
}

static int playback_queued(struct sc_alsa *a, snd_pcm_uframes_t *queued)
{
	snd_pcm_sframes_t avail = snd_pcm_avail_update(a->play.pcm);
	if (avail < 0)
		return (int)avail;
	snd_pcm_uframes_t buffer = a->play.setup.buffer;
	*queued = (snd_pcm_uframes_t)avail >= buffer ? 0 : buffer - (snd_pcm_uframes_t)avail;
	return 0;
}

// Keeps playback from running dry when the core does not write (idle, or nothing to play),
// without getting in the way of a core that is only late. With a period or less left:
//  - no captured frame waits: the core took them and did not answer; fill in silence up
//    to the prefill level;
//  - three or more wait: nobody reads (idle); fill in too;
//  - one or two wait: the core is in the middle of answering, or was held off and woke for
//    both at once; look again in 2 ms, and fill in regardless at a quarter period.
static int playback_guard(struct sc_alsa *a)
{
	snd_pcm_uframes_t queued = 0;
	int err = playback_queued(a, &queued);
	if (err < 0)
		return recover(a, &a->play, err);
	size_t waiting = sc_sample_fifo_len(&a->cap_q) / a->frame;
	bool low = queued <= a->low_guard && !sc_sample_fifo_len(&a->play_q);
	bool answering = waiting == 1 || waiting == 2;
	if (low && (queued <= a->low_critical || !answering)) {
		int w = write_silence(a, a->prefill - queued);
		if (w < 0)
			return recover(a, &a->play, w);
		a->counters.silence_filled += (uint64_t)w;
		if ((err = playback_queued(a, &queued)) < 0)
			return recover(a, &a->play, err);
		low = false;
	}
	arm_guard(a, queued, low);
	return 0;
}

int sc_alsa_new(const struct sc_alsa_config *cfg, struct sc_alsa **out)
{
	*out = NULL;
	const char *device = cfg->device ? cfg->device : "auto";
	if (cfg->rate < 8000 || cfg->rate > 48000 || (cfg->frame_ms != 10 && cfg->frame_ms != 20) ||
	    cfg->volume > 100 || (cfg->rate * cfg->frame_ms) % 1000 != 0 ||
	    strlen(device) >= SC_AUDIO_PCM_NAME_MAX)
		return -EINVAL;
	struct sc_alsa *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->guard_fd = -1;
	sc_strcpy(a->wanted, sizeof(a->wanted), device);
	a->rate = cfg->rate;
	a->frame_ms = cfg->frame_ms;
	a->frame = (size_t)cfg->rate * cfg->frame_ms / 1000;
	a->volume = cfg->volume;
	a->gain_q15 = sc_volume_gain_q15(cfg->volume);
	a->state = SC_ALSA_CLOSED;
	sc_alsa_reprobe(a);
	*out = a;
	return 0;
}

void sc_alsa_free(struct sc_alsa *a)
{
	if (!a)
		return;
	close_device(a);
	free(a);
}

int sc_alsa_reprobe(struct sc_alsa *a)
{
	if (a->state == SC_ALSA_OPEN)
		return 0;
	int err = open_device(a);
	if (err < 0 && strcmp(a->why, a->logged_why) != 0) {
		sc_warn("audio: %s", a->why);
		sc_strcpy(a->logged_why, sizeof(a->logged_why), a->why);
	}
	return err;
}

int sc_alsa_pollfds(struct sc_alsa *a, struct pollfd *fds, size_t max)
{
	if (a->state != SC_ALSA_OPEN)
		return 0;
	size_t n = (size_t)a->cap.nfds + (size_t)a->play.nfds + 1;
	if (n > max)
		return -ENOSPC;
	int c = snd_pcm_poll_descriptors(a->cap.pcm, fds, (unsigned)a->cap.nfds);
	int p = snd_pcm_poll_descriptors(a->play.pcm, fds + a->cap.nfds, (unsigned)a->play.nfds);
	if (c != a->cap.nfds || p != a->play.nfds)
		return -EIO;
	fds[n - 1] = (struct pollfd){ .fd = a->guard_fd, .events = POLLIN };
	return (int)n;
}

int sc_alsa_handle(struct sc_alsa *a, struct pollfd *fds, size_t n)
{
	// Events found by sc_alsa_write since the last call (an unplug) are reported here too.
	if (a->state != SC_ALSA_OPEN) {
		int pending = (int)a->events;
		a->events = 0;
		return pending;
	}
	if (n != (size_t)a->cap.nfds + (size_t)a->play.nfds + 1)
		return -EINVAL;
	// Asking for revents also lets a plugin consume its wake-up (the virtual headset's timer).
	unsigned short rev = 0;
	snd_pcm_poll_descriptors_revents(a->cap.pcm, fds, (unsigned)a->cap.nfds, &rev);
	snd_pcm_poll_descriptors_revents(a->play.pcm, fds + a->cap.nfds, (unsigned)a->play.nfds, &rev);
	uint64_t expirations;
	if (read(a->guard_fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		sc_debug("audio: guard timer: %s", strerror(errno));

	int err = check_state(a, &a->cap);
	if (!err)
		err = check_state(a, &a->play);
	if (!err)
		err = capture_service(a);
	if (!err && a->state == SC_ALSA_OPEN)
		err = playback_flush(a);
	if (!err && a->state == SC_ALSA_OPEN)
		err = playback_guard(a);
	if (err < 0 && err != -ENODEV)
		return err;
	if (a->state == SC_ALSA_OPEN && sc_sample_fifo_len(&a->cap_q) >= a->frame)
		a->events |= SC_ALSA_EV_CAPTURE;
	int events = (int)a->events;
	a->events = 0;
	return events;
}

size_t sc_alsa_frame_samples(const struct sc_alsa *a)
{
	return a->frame;
}

int sc_alsa_read(struct sc_alsa *a, int16_t *frame)
{
	if (a->state != SC_ALSA_OPEN)
		return -ENODEV;
	if (sc_sample_fifo_len(&a->cap_q) < a->frame)
		return -EAGAIN;
	sc_sample_fifo_pop(&a->cap_q, frame, a->frame);
	// Zeroed as it leaves, so a mute covers what was already captured too.
	if (a->muted)
		memset(frame, 0, a->frame * sizeof(int16_t));
	return 0;
}

int sc_alsa_write(struct sc_alsa *a, const int16_t *frame)
{
	if (a->state != SC_ALSA_OPEN)
		return -ENODEV;
	memcpy(a->mono, frame, a->frame * sizeof(int16_t));
	sc_volume_apply(a->mono, a->frame, a->gain_q15);
	int k = sc_resampler_process(a->play.rs, a->mono, a->frame, a->conv, a->conv_len);
	if (k < 0)
		return k;
	unsigned ch = a->play.setup.channels;
	if ((size_t)k * ch > sc_sample_fifo_room(&a->play_q)) {
		a->counters.playback_dropped += a->frame;
		return -ENOBUFS;
	}
	for (int i = 0; i < k; i++)
		for (unsigned c = 0; c < ch; c++)
			a->dev_buf[(size_t)i * ch + c] = a->conv[i];
	sc_sample_fifo_push(&a->play_q, a->dev_buf, (size_t)k * ch);
	int err = playback_flush(a);
	if (!err && a->state == SC_ALSA_OPEN) {
		snd_pcm_uframes_t queued = 0;
		if ((err = playback_queued(a, &queued)) < 0)
			err = recover(a, &a->play, err);
		else
			arm_guard(a, queued, false);
	}
	return err == -ENODEV ? 0 : err; // an unplug is reported by the next handle's events
}

void sc_alsa_set_mute(struct sc_alsa *a, bool muted)
{
	if (a->muted != muted)
		sc_info("audio: microphone %s", muted ? "muted" : "unmuted");
	a->muted = muted;
}

void sc_alsa_set_volume(struct sc_alsa *a, uint32_t percent)
{
	a->volume = percent > 100 ? 100 : percent;
	if (a->state == SC_ALSA_OPEN)
		apply_volume(a);
	else
		a->gain_q15 = sc_volume_gain_q15(a->volume);
}

static uint32_t to_codec(const struct sc_alsa *a, uint64_t frames, uint32_t dev_rate)
{
	return dev_rate ? (uint32_t)(frames * a->rate / dev_rate) : 0;
}

void sc_alsa_get_status(struct sc_alsa *a, struct sc_alsa_status *st)
{
	*st = a->counters;
	st->state = a->state;
	sc_strcpy(st->pcm, sizeof(st->pcm), a->choice.pcm);
	sc_strcpy(st->mixer, sizeof(st->mixer), a->mixer.elem ? a->mixer.name : "");
	st->volume = a->volume;
	st->muted = a->muted;
	st->card_index = -1;
	if (a->state != SC_ALSA_OPEN)
		return;
	st->card_index = a->choice.is_card ? a->choice.card_index : -1;
	st->capture_rate = a->cap.setup.rate;
	st->playback_rate = a->play.setup.rate;
	st->capture_channels = a->cap.setup.channels;
	st->playback_channels = a->play.setup.channels;
	snd_pcm_sframes_t cap_avail = snd_pcm_avail(a->cap.pcm);
	snd_pcm_sframes_t play_avail = snd_pcm_avail(a->play.pcm);
	uint64_t in_device = cap_avail > 0 ? (uint64_t)cap_avail : 0;
	st->capture_queued = (uint32_t)sc_sample_fifo_len(&a->cap_q) + to_codec(a, in_device, st->capture_rate);
	uint64_t buffer = a->play.setup.buffer, queued = 0;
	if (play_avail >= 0 && (uint64_t)play_avail < buffer)
		queued = buffer - (uint64_t)play_avail;
	queued += sc_sample_fifo_len(&a->play_q) / a->play.setup.channels;
	st->playback_queued = to_codec(a, queued, st->playback_rate);
}

const char *sc_alsa_why(const struct sc_alsa *a)
{
	return a->state == SC_ALSA_OPEN ? "" : a->why;
}
