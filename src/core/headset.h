// SPDX-License-Identifier: GPL-3.0-or-later
// The headset in the daemon: the ALSA device (audio/alsa_headset.h) on the event loop, its
// buttons (audio/evdev_input.h), and what the wearer hears besides the call: tones and
// spoken prompts, mixed over the call's audio.
//
// Frames run at one rate for the daemon's life (sc_headset_rate_for): 48 kHz when the policy
// lists Opus, else 8 kHz; the ALSA layer converts from the device's own rate, and call_rtp.c
// converts to a call's codec rate when it differs. The 8 kHz prompts are converted here.
//
// The capture clock paces everything: each captured frame goes to the call, and one frame
// is written to the earpiece for it (the call's playout, or silence, with prompts and tones
// on top). Drift between the two directions of the device is taken out by audio/drift.h on
// the playback queue: a frame dropped or a frame of silence added. Without a device nothing
// is captured or played; the headset is looked for again every second.
#ifndef SC_CORE_HEADSET_H
#define SC_CORE_HEADSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio/buttons.h"
#include "audio/tones.h"
#include "core/loop.h"
#include "policy/policy.h"

struct sc_headset_ops {
	void *ctx;
	// One captured frame (sc_headset_rate_for, the policy's ptime).
	void (*captured)(void *ctx, const int16_t *pcm, size_t samples, uint64_t now_ms);
	// Fills the frame the call plays now; false when no call media is running.
	bool (*playout)(void *ctx, int16_t *pcm, size_t samples, uint64_t now_ms);
	enum sc_ui_state (*ui_state)(void *ctx);
	void (*button)(void *ctx, enum sc_button_action action, uint64_t time_ms);
	void (*presence)(void *ctx, bool present);
};

#define SC_HEADSET_NO_TONE (-1)

struct sc_headset;

// The rate of the headset's frames for policy P: 48000 when media.codecs lists Opus, else 8000.
uint32_t sc_headset_rate_for(const struct sc_policy *p);

// Opens per audio.device and audio.input_device; a missing device or button node is not an
// error (logged with the fix, looked for again every second).
int sc_headset_new(struct sc_loop *loop, const struct sc_policy *p,
		   const struct sc_headset_ops *ops, struct sc_headset **out);
void sc_headset_free(struct sc_headset *h);

bool sc_headset_present(const struct sc_headset *h);
// TONE is an enum sc_tone or SC_HEADSET_NO_TONE; the same tone again keeps its cadence.
void sc_headset_set_tone(struct sc_headset *h, int tone);
// Queues spoken prompts (audio/prompts.h ids); the SAS as words after LEAD_PAUSE_MS.
void sc_headset_say(struct sc_headset *h, unsigned clip, uint16_t pause_ms);
void sc_headset_say_sas(struct sc_headset *h, enum sc_zrtp_sas type, const char *sas);
// True while a prompt is being said.
bool sc_headset_speaking(const struct sc_headset *h);
void sc_headset_stop_speech(struct sc_headset *h);
void sc_headset_set_mute(struct sc_headset *h, bool muted);
bool sc_headset_muted(const struct sc_headset *h);
void sc_headset_set_volume(struct sc_headset *h, uint32_t percent);
uint32_t sc_headset_volume(const struct sc_headset *h);
// "open vheadset" or why it is closed; stays valid until the next call into H.
const char *sc_headset_describe(struct sc_headset *h);

#endif
