// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/buttons.h"

#include <string.h>

void sc_buttons_init(struct sc_button_map *m, const struct sc_buttons *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (m->cfg.n_call > SC_MAX_LIST)
		m->cfg.n_call = SC_MAX_LIST;
	if (m->cfg.n_mute > SC_MAX_LIST)
		m->cfg.n_mute = SC_MAX_LIST;
}

void sc_buttons_reset(struct sc_button_map *m)
{
	m->held = false;
	m->used = false;
}

static bool in_list(const uint16_t *list, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == code)
			return true;
	return false;
}

static bool sas_heard(enum sc_ui_state state)
{
	return state == SC_UI_SAS_SPEAKING || state == SC_UI_SAS_SPOKEN;
}

static bool in_a_call(enum sc_ui_state state)
{
	return state == SC_UI_CALLING || state == SC_UI_IN_CALL || sas_heard(state);
}

static bool long_enough(const struct sc_button_map *m, uint64_t now_ms)
{
	return now_ms >= m->pressed_ms && now_ms - m->pressed_ms >= m->cfg.long_press_ms;
}

static enum sc_button_action call_press(struct sc_button_map *m, enum sc_ui_state state,
					uint16_t code, uint64_t time_ms)
{
	if (m->held)
		return SC_BTN_NONE; // a second code for the same physical button
	m->held = true;
	m->held_code = code;
	m->pressed_ms = time_ms;
	m->used = false;
	switch (state) {
	case SC_UI_IDLE:
		m->used = true;
		return SC_BTN_CALL_HOTLINE;
	case SC_UI_RINGING:
		m->used = true;
		return SC_BTN_ANSWER;
	default:
		return SC_BTN_NONE; // decided at release or when it becomes a long press
	}
}

static enum sc_button_action call_release(struct sc_button_map *m, enum sc_ui_state state,
					  uint16_t code, uint64_t time_ms)
{
	if (!m->held || code != m->held_code)
		return SC_BTN_NONE;
	m->held = false;
	if (m->used)
		return SC_BTN_NONE;
	m->used = true;
	if (!in_a_call(state))
		return SC_BTN_NONE;
	if (long_enough(m, time_ms)) // the tick came late or never: decide here
		return sas_heard(state) ? SC_BTN_MARK_VERIFIED : SC_BTN_NONE;
	return SC_BTN_HANGUP;
}

enum sc_button_action sc_buttons_key(struct sc_button_map *m, enum sc_ui_state state, uint16_t code,
				     int value, uint64_t time_ms)
{
	if (in_list(m->cfg.call, m->cfg.n_call, code)) {
		if (value == SC_KEY_PRESS)
			return call_press(m, state, code, time_ms);
		if (value == SC_KEY_RELEASE)
			return call_release(m, state, code, time_ms);
		// Auto-repeat while held doubles as a clock tick.
		if (value == SC_KEY_REPEAT && m->held && code == m->held_code)
			return sc_buttons_tick(m, state, time_ms);
		return SC_BTN_NONE;
	}
	if (in_list(m->cfg.mute, m->cfg.n_mute, code) && value == SC_KEY_PRESS && in_a_call(state))
		return SC_BTN_TOGGLE_MUTE;
	return SC_BTN_NONE;
}

bool sc_buttons_deadline(const struct sc_button_map *m, uint64_t *when_ms)
{
	if (!m->held || m->used)
		return false;
	*when_ms = m->pressed_ms + m->cfg.long_press_ms;
	return true;
}

enum sc_button_action sc_buttons_tick(struct sc_button_map *m, enum sc_ui_state state, uint64_t now_ms)
{
	if (!m->held || m->used || !long_enough(m, now_ms))
		return SC_BTN_NONE;
	m->used = true; // long press: whatever happens, its release must not hang up
	return sas_heard(state) ? SC_BTN_MARK_VERIFIED : SC_BTN_NONE;
}

const char *sc_button_action_name(enum sc_button_action action)
{
	switch (action) {
	case SC_BTN_NONE:
		return "none";
	case SC_BTN_CALL_HOTLINE:
		return "call-hotline";
	case SC_BTN_ANSWER:
		return "answer";
	case SC_BTN_HANGUP:
		return "hang-up";
	case SC_BTN_MARK_VERIFIED:
		return "mark-verified";
	case SC_BTN_TOGGLE_MUTE:
		return "toggle-mute";
	}
	return "unknown";
}
