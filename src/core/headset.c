// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/headset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/alsa_headset.h"
#include "audio/device_find.h"
#include "audio/drift.h"
#include "audio/evdev_input.h"
#include "audio/resample.h"
#include "audio/sample_fifo.h"
#include "audio/sas_speech.h"
#include "base/log.h"

#define REPROBE_MS 1000
#define MAX_FRAMES_PER_WAKE 16
#define G711_RATE 8000
#define WIDEBAND_RATE 48000   // Opus's own rate: no conversion between headset and codec
#define HEADSET_FRAME_MAX 960 // 20 ms at 48 kHz
// A button node that cannot be opened logs why each time: retry it less often than the card.
#define EVDEV_RETRY_TICKS 30
#define BUTTON_NODES_MAX 4

struct sc_headset {
	struct sc_loop *loop;
	const struct sc_policy *p;
	struct sc_headset_ops ops;
	struct sc_alsa *alsa;
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	struct sc_loop_watch *watches[SC_ALSA_MAX_POLLFDS];
	size_t n_fds;
	bool present;
	struct sc_loop_timer *reprobe;
	// Headsets often put their keys on two HID interfaces (telephony and consumer keys),
	// so "auto" opens every button node of the headset; a configured path is one node.
	struct button_node {
		struct sc_headset *h;
		struct sc_evdev_input *evdev;
		struct sc_loop_watch *watch;
	} buttons[BUTTON_NODES_MAX];
	size_t n_buttons;
	struct sc_loop_timer *press_timer;
	unsigned evdev_wait; // reprobe ticks until the button node is tried again
	bool evdev_auto_reported; // "no buttons found" said once per plug, not every second
	struct sc_drift drift;
	uint32_t rate;             // of the frames between the headset and the call
	struct sc_speech_player speech;
	// The prompts are 8 kHz clips: at 48 kHz they go through a resampler and a queue that
	// hands out whole frames.
	struct sc_resampler *speech_rs;
	struct sc_sample_fifo speech_q;
	struct sc_tone_gen tone;
	int tone_id;
	bool muted;
	uint32_t volume;
	char line[160];
};

static void unwatch(struct sc_headset *h)
{
	for (size_t i = 0; i < h->n_fds; i++)
		sc_loop_watch_free(h->watches[i]);
	h->n_fds = 0;
}

static void set_present(struct sc_headset *h, bool present)
{
	if (h->present == present)
		return;
	h->present = present;
	h->evdev_auto_reported = false;
	if (h->ops.presence)
		h->ops.presence(h->ops.ctx, present);
}

static void mix(int16_t *dst, const int16_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int32_t v = (int32_t)dst[i] + src[i];
		dst[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
}

uint32_t sc_headset_rate_for(const struct sc_policy *p)
{
	for (size_t i = 0; i < p->media.n_codecs && i < SC_MAX_LIST; i++)
		if (p->media.codecs[i] == SC_CODEC_OPUS)
			return WIDEBAND_RATE;
	return G711_RATE;
}

// The next N samples of speech at the headset's rate into OUT; false when nothing is said.
static bool speech_fill(struct sc_headset *h, int16_t *out, size_t n)
{
	if (!h->speech_rs) {
		if (sc_speech_player_done(&h->speech))
			return false;
		sc_speech_player_next(&h->speech, out, n);
		return true;
	}
	// Whole 8 kHz chunks until a frame's worth is queued: the resampler gives within one
	// sample of the exact ratio per call, so the queue never runs short mid-phrase.
	size_t chunk = n * G711_RATE / h->rate;
	int16_t in[HEADSET_FRAME_MAX], conv[2 * HEADSET_FRAME_MAX];
	for (int i = 0; i < 3 && sc_sample_fifo_len(&h->speech_q) < n &&
			!sc_speech_player_done(&h->speech); i++) {
		sc_speech_player_next(&h->speech, in, chunk);
		int k = sc_resampler_process(h->speech_rs, in, chunk, conv, sizeof(conv) / sizeof(conv[0]));
		if (k > 0)
			sc_sample_fifo_push(&h->speech_q, conv, (size_t)k);
	}
	if (sc_sample_fifo_len(&h->speech_q) == 0)
		return false;
	size_t got = sc_sample_fifo_pop(&h->speech_q, out, n);
	memset(out + got, 0, (n - got) * sizeof(*out));
	return true;
}

// The tone and the speech the daemon itself plays, mixed into the N samples of OUT.
static void add_local_sounds(struct sc_headset *h, int16_t *out, size_t n)
{
	int16_t local[HEADSET_FRAME_MAX];
	if (h->tone_id != SC_HEADSET_NO_TONE) {
		sc_tone_gen_fill(&h->tone, local, n);
		mix(out, local, n);
	}
	if (speech_fill(h, local, n))
		mix(out, local, n);
}

// One frame to the earpiece for each frame of the microphone: the capture clock paces both.
static void move_frames(struct sc_headset *h)
{
	size_t n = sc_alsa_frame_samples(h->alsa);
	int16_t cap[HEADSET_FRAME_MAX], play[HEADSET_FRAME_MAX], extra[HEADSET_FRAME_MAX];
	if (n == 0 || n > HEADSET_FRAME_MAX)
		return;
	for (int i = 0; i < MAX_FRAMES_PER_WAKE && sc_alsa_read(h->alsa, cap) == 0; i++) {
		uint64_t now = sc_loop_now_ms();
		h->ops.captured(h->ops.ctx, cap, n, now);
		if (!h->ops.playout(h->ops.ctx, play, n, now))
			memset(play, 0, n * sizeof(play[0]));
		struct sc_alsa_status st;
		sc_alsa_get_status(h->alsa, &st);
		enum sc_drift_action d = sc_drift_observe(&h->drift, st.playback_queued, (int64_t)now);
		// A drift correction drops or adds a frame of the far end's audio only: the
		// prompts and tones are made per frame written, so a SAS word never loses 20 ms.
		if (d != SC_DRIFT_NONE)
			sc_debug("audio: earpiece queue %u samples: %s one frame of the far end's "
				 "audio (drift)", st.playback_queued,
				 d == SC_DRIFT_DROP ? "dropped" : "added");
		if (d == SC_DRIFT_DROP)
			continue;
		if (d == SC_DRIFT_INSERT) {
			memset(extra, 0, n * sizeof(extra[0]));
			add_local_sounds(h, extra, n);
			(void)sc_alsa_write(h->alsa, extra);
		}
		add_local_sounds(h, play, n);
		(void)sc_alsa_write(h->alsa, play);
	}
}

static void on_alsa_fd(struct sc_loop *loop, int fd, uint32_t events, void *arg);

static int watch_alsa(struct sc_headset *h)
{
	int n = sc_alsa_pollfds(h->alsa, h->fds, SC_ALSA_MAX_POLLFDS);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		uint32_t ev = 0;
		if (h->fds[i].events & POLLIN)
			ev |= EPOLLIN;
		if (h->fds[i].events & POLLOUT)
			ev |= EPOLLOUT;
		int r = sc_loop_watch_new(h->loop, h->fds[i].fd, ev, on_alsa_fd, h, &h->watches[i]);
		if (r < 0) {
			unwatch(h);
			return r;
		}
		h->n_fds = (size_t)i + 1;
	}
	sc_drift_reset(&h->drift);
	return 0;
}

static void on_alsa_fd(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	struct sc_headset *h = arg;
	for (size_t i = 0; i < h->n_fds; i++) {
		h->fds[i].revents = 0;
		if (h->fds[i].fd == fd)
			h->fds[i].revents = (short)((events & EPOLLIN ? POLLIN : 0) |
						    (events & EPOLLOUT ? POLLOUT : 0) |
						    (events & EPOLLERR ? POLLERR : 0) |
						    (events & EPOLLHUP ? POLLHUP : 0));
	}
	int ev = sc_alsa_handle(h->alsa, h->fds, h->n_fds);
	if (ev < 0)
		return;
	if (ev & SC_ALSA_EV_XRUN)
		sc_drift_reset(&h->drift);
	if (ev & SC_ALSA_EV_CAPTURE)
		move_frames(h);
	if (ev & SC_ALSA_EV_UNPLUGGED) {
		sc_warn("audio: the headset is gone (%s); it is looked for every second",
			sc_alsa_why(h->alsa));
		unwatch(h);
		set_present(h, false);
	}
}

// ---- buttons ----

static enum sc_ui_state ui_state(void *ctx)
{
	struct sc_headset *h = ctx;
	return h->ops.ui_state(h->ops.ctx);
}

static void button_action(void *ctx, enum sc_button_action action, uint64_t time_ms)
{
	struct sc_headset *h = ctx;
	h->ops.button(h->ops.ctx, action, time_ms);
}

static void arm_press_timer(struct sc_headset *h)
{
	uint64_t when, soonest = UINT64_MAX, now = sc_loop_now_ms();
	for (size_t i = 0; i < h->n_buttons; i++)
		if (sc_evdev_deadline(h->buttons[i].evdev, &when) && when < soonest)
			soonest = when;
	if (soonest != UINT64_MAX)
		sc_loop_timer_arm(h->press_timer, soonest > now ? soonest - now : 0, 0);
	else
		sc_loop_timer_stop(h->press_timer);
}

// All nodes go together: they belong to one headset, and a node that failed means it was
// unplugged (or the configured path went away); they are looked for again together.
static void close_evdev(struct sc_headset *h)
{
	for (size_t i = 0; i < h->n_buttons; i++) {
		sc_loop_watch_free(h->buttons[i].watch);
		sc_evdev_close(h->buttons[i].evdev);
		h->buttons[i] = (struct button_node){ 0 };
	}
	h->n_buttons = 0;
	sc_loop_timer_stop(h->press_timer);
}

static void on_evdev(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	struct button_node *node = arg;
	struct sc_headset *h = node->h;
	struct sc_evdev_handler hd = { .ui_state = ui_state, .action = button_action, .ctx = h };
	int r = sc_evdev_read(node->evdev, &hd);
	if (r < 0) {
		sc_warn("audio: the buttons at %s stopped (%s); looked for every second",
			sc_evdev_path(node->evdev), strerror(-r));
		close_evdev(h);
		return;
	}
	arm_press_timer(h);
}

static void on_press_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_headset *h = arg;
	struct sc_evdev_handler hd = { .ui_state = ui_state, .action = button_action, .ctx = h };
	for (size_t i = 0; i < h->n_buttons; i++)
		sc_evdev_tick(h->buttons[i].evdev, &hd, sc_loop_now_ms());
	arm_press_timer(h);
}

// audio.input_device names the node, or "auto" (or empty): the evdev nodes with keys on the
// same USB device as the open sound card, found in sysfs. Card numbers move between plugs,
// so the nodes are looked up again each time the headset is opened. Returns how many.
static int auto_input_paths(struct sc_headset *h, char (*paths)[SC_AUDIO_INPUT_PATH_MAX])
{
	struct sc_alsa_status st;
	sc_alsa_get_status(h->alsa, &st);
	if (st.state != SC_ALSA_OPEN)
		return 0;
	char why[SC_AUDIO_WHY_MAX] = "";
	int n = st.card_index >= 0
			? sc_audio_find_inputs("/sys", st.card_index, paths, BUTTON_NODES_MAX, why, sizeof(why))
			: 0;
	if (n <= 0 && !h->evdev_auto_reported) {
		if (st.card_index < 0)
			sc_info("audio: %s is not a sound card, so it has no buttons to find; set "
				"audio.input_device to an evdev node to use buttons", st.pcm);
		else
			sc_notice("audio: no headset buttons found: %s", why);
		h->evdev_auto_reported = true;
	}
	return n < 0 ? 0 : n;
}

static int open_button_node(struct sc_headset *h, const char *path)
{
	struct button_node *node = &h->buttons[h->n_buttons];
	int r = sc_evdev_open(path, &h->p->audio.buttons, &node->evdev);
	if (r < 0)
		return r;
	node->h = h;
	h->n_buttons++;
	return sc_loop_watch_new(h->loop, sc_evdev_fd(node->evdev), EPOLLIN, on_evdev, node, &node->watch);
}

static void open_evdev(struct sc_headset *h)
{
	const char *configured = h->p->audio.input_device;
	bool automatic = !configured[0] || strcmp(configured, "auto") == 0;
	char found[BUTTON_NODES_MAX][SC_AUDIO_INPUT_PATH_MAX];
	const char *paths[BUTTON_NODES_MAX] = { configured };
	int n = 1, r = 0;
	if (h->n_buttons)
		return;
	if (h->evdev_wait > 0) {
		h->evdev_wait--;
		return;
	}
	if (automatic) {
		n = auto_input_paths(h, found);
		for (int i = 0; i < n; i++)
			paths[i] = found[i];
	}
	for (int i = 0; i < n && r == 0; i++)
		r = open_button_node(h, paths[i]);
	if (r < 0) {
		close_evdev(h);
		h->evdev_wait = EVDEV_RETRY_TICKS;
		return;
	}
	for (int i = 0; i < n; i++)
		sc_info("audio: headset buttons read from %s%s", paths[i],
			automatic ? " (found beside the sound card)" : "");
}

static void on_reprobe(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_headset *h = arg;
	if (!h->present && sc_alsa_reprobe(h->alsa) == 0 && watch_alsa(h) == 0) {
		sc_notice("audio: headset %s open", sc_headset_describe(h));
		set_present(h, true);
	}
	open_evdev(h);
}

int sc_headset_new(struct sc_loop *loop, const struct sc_policy *p,
		   const struct sc_headset_ops *ops, struct sc_headset **out)
{
	struct sc_headset *h = calloc(1, sizeof(*h));
	int r = -ENOMEM;
	*out = NULL;
	if (!h)
		return r;
	h->loop = loop;
	h->p = p;
	h->ops = *ops;
	h->tone_id = SC_HEADSET_NO_TONE;
	h->volume = p->audio.volume_percent;
	// One rate for every call: 48 kHz when Opus may be used (its calls then need no
	// conversion; G.711 calls are converted in call_rtp.c), else G.711's 8 kHz.
	h->rate = sc_headset_rate_for(p);
	sc_speech_player_init(&h->speech);
	if (h->rate != SC_PROMPT_RATE) {
		r = sc_resampler_new(SC_PROMPT_RATE, h->rate, SC_RESAMPLE_QUALITY, &h->speech_rs);
		if (r == 0)
			r = sc_sample_fifo_init(&h->speech_q, 4 * HEADSET_FRAME_MAX);
		if (r < 0)
			goto fail;
	}
	uint32_t frame = h->rate / 1000 * p->media.ptime_ms;
	struct sc_drift_config dc = { .low_water = frame / 2, .high_water = frame * 5 };
	r = sc_drift_init(&h->drift, &dc);
	if (r < 0)
		goto fail;
	struct sc_alsa_config ac = { .device = p->audio.device, .rate = h->rate,
				     .frame_ms = p->media.ptime_ms, .volume = h->volume };
	r = sc_alsa_new(&ac, &h->alsa);
	if (r < 0) {
		sc_err("audio: cannot set up the headset: %s", strerror(-r));
		goto fail;
	}
	r = sc_loop_timer_new(loop, on_reprobe, h, &h->reprobe);
	if (r == 0)
		r = sc_loop_timer_new(loop, on_press_timer, h, &h->press_timer);
	if (r < 0)
		goto fail;
	struct sc_alsa_status st;
	sc_alsa_get_status(h->alsa, &st);
	if (st.state == SC_ALSA_OPEN) {
		r = watch_alsa(h);
		if (r < 0)
			goto fail;
		h->present = true;
		sc_notice("audio: headset %s open", sc_headset_describe(h));
	} else {
		sc_warn("audio: no headset: %s; calls cannot ring here until one is plugged in",
			sc_alsa_why(h->alsa));
	}
	open_evdev(h);
	sc_loop_timer_arm(h->reprobe, REPROBE_MS, REPROBE_MS);
	*out = h;
	return 0;
fail:
	sc_headset_free(h);
	return r;
}

void sc_headset_free(struct sc_headset *h)
{
	if (!h)
		return;
	unwatch(h);
	close_evdev(h);
	sc_loop_timer_free(h->reprobe);
	sc_loop_timer_free(h->press_timer);
	sc_alsa_free(h->alsa);
	sc_resampler_free(h->speech_rs);
	sc_sample_fifo_free(&h->speech_q);
	free(h);
}

bool sc_headset_present(const struct sc_headset *h)
{
	return h->present;
}

void sc_headset_set_tone(struct sc_headset *h, int tone)
{
	if (tone == h->tone_id)
		return;
	h->tone_id = SC_HEADSET_NO_TONE;
	const struct sc_tone_spec *spec = tone >= 0 ? sc_tone_spec_get((enum sc_tone)tone) : NULL;
	if (spec && sc_tone_gen_init(&h->tone, spec, h->rate, SC_TONE_DEFAULT_PEAK) == 0)
		h->tone_id = tone;
}

void sc_headset_say(struct sc_headset *h, unsigned clip, uint16_t pause_ms)
{
	if (sc_speech_player_add(&h->speech, clip, pause_ms) < 0)
		sc_debug("audio: prompt %u not queued: the player is full", clip);
}

void sc_headset_say_sas(struct sc_headset *h, enum sc_zrtp_sas type, const char *sas)
{
	if (sc_speech_player_add_sas(&h->speech, type, sas, SC_SAS_LEAD_PAUSE_MS) < 0)
		sc_warn("audio: the SAS cannot be read out (%s): compare it in sealcall status", sas);
}

bool sc_headset_speaking(const struct sc_headset *h)
{
	return !sc_speech_player_done(&h->speech) || sc_sample_fifo_len(&h->speech_q) > 0;
}

void sc_headset_stop_speech(struct sc_headset *h)
{
	sc_speech_player_init(&h->speech);
	sc_sample_fifo_clear(&h->speech_q);
	if (h->speech_rs)
		sc_resampler_reset(h->speech_rs);
}

void sc_headset_set_mute(struct sc_headset *h, bool muted)
{
	h->muted = muted;
	sc_alsa_set_mute(h->alsa, muted);
}

bool sc_headset_muted(const struct sc_headset *h)
{
	return h->muted;
}

void sc_headset_set_volume(struct sc_headset *h, uint32_t percent)
{
	h->volume = percent > 100 ? 100 : percent;
	sc_alsa_set_volume(h->alsa, h->volume);
}

uint32_t sc_headset_volume(const struct sc_headset *h)
{
	return h->volume;
}

const char *sc_headset_describe(struct sc_headset *h)
{
	struct sc_alsa_status st;
	sc_alsa_get_status(h->alsa, &st);
	if (st.state == SC_ALSA_OPEN)
		snprintf(h->line, sizeof(h->line), "%s (%u Hz)", st.pcm, st.playback_rate);
	else
		snprintf(h->line, sizeof(h->line), "absent: %s", sc_alsa_why(h->alsa));
	return h->line;
}
