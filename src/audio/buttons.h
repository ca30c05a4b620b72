// SPDX-License-Identifier: GPL-3.0-or-later
// The headset's buttons are the whole user interface. This maps evdev key events and the
// appliance's call state to what the user meant; it keeps no clock of its own: event times
// come from the events, and core/ calls sc_buttons_tick when sc_buttons_deadline says so.
//
//   idle         call key pressed          -> call the hotline
//   ringing      call key pressed          -> answer
//   calling      call key released         -> hang up (cancel the outgoing call)
//   in call      call key released, short  -> hang up
//   SAS spoken   call key held long_press  -> mark the SAS verified, and do NOT hang up
//   (or being)   call key released, short  -> hang up
//   calling, in call, SAS: mute key pressed -> toggle mute (idle or ringing: nothing to mute)
//
// In a call the key acts on release, since only then is a short press told from a long one;
// a long press is reported as soon as it is long enough, so the user hears the confirmation
// while still holding. A press that answered or started a call is used up: its release does
// nothing, so answering never hangs up. A long press before the SAS is spoken does nothing
// (it is neither a hang-up the user meant nor a verification of a SAS not yet heard).
#ifndef SC_AUDIO_BUTTONS_H
#define SC_AUDIO_BUTTONS_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

enum sc_ui_state {
	SC_UI_IDLE,
	SC_UI_RINGING,      // an incoming call rings on the headset
	SC_UI_CALLING,      // our outgoing call is being set up or rings at the far end
	SC_UI_IN_CALL,      // connected, SAS not yet spoken
	SC_UI_SAS_SPEAKING, // the SAS is being read out
	SC_UI_SAS_SPOKEN,   // after the SAS was read out, for the rest of the call
};

enum sc_button_action {
	SC_BTN_NONE,
	SC_BTN_CALL_HOTLINE,
	SC_BTN_ANSWER,
	SC_BTN_HANGUP,
	SC_BTN_MARK_VERIFIED,
	SC_BTN_TOGGLE_MUTE,
};

// evdev key event values
#define SC_KEY_RELEASE 0
#define SC_KEY_PRESS 1
#define SC_KEY_REPEAT 2

struct sc_button_map {
	struct sc_buttons cfg;
	bool held;          // a call key is down
	uint16_t held_code; // which one (headsets may send two codes for one button)
	uint64_t pressed_ms;
	bool used;          // this press already did something; its release does nothing
};

void sc_buttons_init(struct sc_button_map *m, const struct sc_buttons *cfg);

// One key event: CODE and VALUE (SC_KEY_*) as evdev reports them, TIME_MS from the event.
enum sc_button_action sc_buttons_key(struct sc_button_map *m, enum sc_ui_state state, uint16_t code,
				     int value, uint64_t time_ms);

// When a call key is held, the time at which it becomes a long press; false when nothing
// is pending.
bool sc_buttons_deadline(const struct sc_button_map *m, uint64_t *when_ms);
// The clock reached NOW_MS: reports a long press that has become due.
enum sc_button_action sc_buttons_tick(struct sc_button_map *m, enum sc_ui_state state, uint64_t now_ms);

// The headset went away: forget a press in progress.
void sc_buttons_reset(struct sc_button_map *m);

const char *sc_button_action_name(enum sc_button_action action);

#endif
