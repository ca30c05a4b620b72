// SPDX-License-Identifier: GPL-3.0-or-later
#include <linux/input-event-codes.h>

#include "audio/buttons.h"
#include "check.h"

static struct sc_buttons policy_defaults(void)
{
	// what the policy's defaults give: call: [KEY_PLAYPAUSE, KEY_PHONE], mute: [KEY_MICMUTE]
	struct sc_buttons b = { .n_call = 2, .n_mute = 1, .long_press_ms = 1500 };
	b.call[0] = KEY_PLAYPAUSE;
	b.call[1] = KEY_PHONE;
	b.mute[0] = KEY_MICMUTE;
	return b;
}

// Press at T, release at T + HOLD, with the auto-repeat a kernel sends every 33 ms after
// 250 ms; returns every action in order (at most 4).
static int press(struct sc_button_map *m, enum sc_ui_state st, uint16_t code, uint64_t t,
		 uint64_t hold, bool repeats, enum sc_button_action out[4])
{
	int n = 0;
	enum sc_button_action a = sc_buttons_key(m, st, code, SC_KEY_PRESS, t);
	if (a != SC_BTN_NONE)
		out[n++] = a;
	for (uint64_t r = t + 250; repeats && r < t + hold && n < 4; r += 33) {
		a = sc_buttons_key(m, st, code, SC_KEY_REPEAT, r);
		if (a != SC_BTN_NONE)
			out[n++] = a;
	}
	a = sc_buttons_key(m, st, code, SC_KEY_RELEASE, t + hold);
	if (a != SC_BTN_NONE && n < 4)
		out[n++] = a;
	return n;
}

static void test_idle_and_ringing(void)
{
	struct sc_buttons cfg = policy_defaults();
	struct sc_button_map m;
	sc_buttons_init(&m, &cfg);
	enum sc_button_action a[4];

	// Idle: acts on the press itself, and the release does nothing more.
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IDLE, KEY_PLAYPAUSE, SC_KEY_PRESS, 1000), SC_BTN_CALL_HOTLINE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_CALLING, KEY_PLAYPAUSE, SC_KEY_RELEASE, 1100), SC_BTN_NONE);
	// the other configured code does the same
	CHECK_EQ_INT(press(&m, SC_UI_IDLE, KEY_PHONE, 2000, 80, false, a), 1);
	CHECK_EQ_INT(a[0], SC_BTN_CALL_HOTLINE);
	// a long press in idle is still one call, never two
	CHECK_EQ_INT(press(&m, SC_UI_IDLE, KEY_PHONE, 3000, 3000, true, a), 1);

	// Ringing: the press answers; its release (now in the call) must not hang up.
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_RINGING, KEY_PHONE, SC_KEY_PRESS, 10000), SC_BTN_ANSWER);
	uint64_t when;
	CHECK(!sc_buttons_deadline(&m, &when));
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PHONE, SC_KEY_RELEASE, 10150), SC_BTN_NONE);

	// Keys that are not configured do nothing.
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IDLE, KEY_VOLUMEUP, SC_KEY_PRESS, 11000), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_RINGING, KEY_A, SC_KEY_PRESS, 11000), SC_BTN_NONE);
}

static void test_in_call_short_press_hangs_up(void)
{
	struct sc_buttons cfg = policy_defaults();
	struct sc_button_map m;
	sc_buttons_init(&m, &cfg);
	enum sc_button_action a[4];
	static const enum sc_ui_state states[] = { SC_UI_CALLING, SC_UI_IN_CALL, SC_UI_SAS_SPEAKING, SC_UI_SAS_SPOKEN };
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		// nothing on the press: it may become a long press
		CHECK_EQ_INT(sc_buttons_key(&m, states[i], KEY_PLAYPAUSE, SC_KEY_PRESS, 5000), SC_BTN_NONE);
		uint64_t when = 0;
		CHECK(sc_buttons_deadline(&m, &when));
		CHECK_EQ_INT(when, 6500);
		CHECK_EQ_INT(sc_buttons_tick(&m, states[i], 6000), SC_BTN_NONE);
		CHECK_EQ_INT(sc_buttons_key(&m, states[i], KEY_PLAYPAUSE, SC_KEY_RELEASE, 5300), SC_BTN_HANGUP);
		CHECK(!sc_buttons_deadline(&m, &when));
	}
	// just under the threshold is still short
	CHECK_EQ_INT(press(&m, SC_UI_SAS_SPOKEN, KEY_PHONE, 100, 1499, true, a), 1);
	CHECK_EQ_INT(a[0], SC_BTN_HANGUP);
}

static void test_long_press_verifies(void)
{
	struct sc_buttons cfg = policy_defaults();
	struct sc_button_map m;
	sc_buttons_init(&m, &cfg);
	enum sc_button_action a[4];

	// While the SAS is spoken: the tick at the deadline verifies, the release does nothing.
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_SAS_SPEAKING, KEY_PLAYPAUSE, SC_KEY_PRESS, 20000), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_tick(&m, SC_UI_SAS_SPEAKING, 21499), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_tick(&m, SC_UI_SAS_SPEAKING, 21500), SC_BTN_MARK_VERIFIED);
	CHECK_EQ_INT(sc_buttons_tick(&m, SC_UI_SAS_SPEAKING, 21600), SC_BTN_NONE); // once only
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_SAS_SPOKEN, KEY_PLAYPAUSE, SC_KEY_RELEASE, 23000), SC_BTN_NONE);

	// After the SAS, with only key events (auto-repeat) as a clock: exactly one verify and
	// no hang-up.
	int n = press(&m, SC_UI_SAS_SPOKEN, KEY_PHONE, 30000, 2500, true, a);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(a[0], SC_BTN_MARK_VERIFIED);

	// Without repeats or ticks, the release itself tells it was long.
	n = press(&m, SC_UI_SAS_SPOKEN, KEY_PHONE, 40000, 1500, false, a);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(a[0], SC_BTN_MARK_VERIFIED);

	// Before the SAS is spoken a long press neither verifies nor hangs up.
	n = press(&m, SC_UI_IN_CALL, KEY_PHONE, 50000, 2000, true, a);
	CHECK_EQ_INT(n, 0);
	n = press(&m, SC_UI_IN_CALL, KEY_PHONE, 60000, 2000, false, a);
	CHECK_EQ_INT(n, 0);

	// long_press_ms comes from the policy
	cfg.long_press_ms = 300;
	sc_buttons_init(&m, &cfg);
	n = press(&m, SC_UI_SAS_SPOKEN, KEY_PLAYPAUSE, 1000, 320, false, a);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(a[0], SC_BTN_MARK_VERIFIED);
}

static void test_two_codes_one_button(void)
{
	// Some headsets send KEY_PLAYPAUSE and KEY_PHONE together for one button: one action.
	struct sc_buttons cfg = policy_defaults();
	struct sc_button_map m;
	sc_buttons_init(&m, &cfg);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PLAYPAUSE, SC_KEY_PRESS, 100), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PHONE, SC_KEY_PRESS, 101), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PHONE, SC_KEY_RELEASE, 200), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PLAYPAUSE, SC_KEY_RELEASE, 201), SC_BTN_HANGUP);
	// a release without a press (the daemon started with the key down) does nothing
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PLAYPAUSE, SC_KEY_RELEASE, 300), SC_BTN_NONE);
	// unplugged while held: the press is forgotten
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_SAS_SPOKEN, KEY_PLAYPAUSE, SC_KEY_PRESS, 400), SC_BTN_NONE);
	sc_buttons_reset(&m);
	uint64_t when;
	CHECK(!sc_buttons_deadline(&m, &when));
	CHECK_EQ_INT(sc_buttons_tick(&m, SC_UI_SAS_SPOKEN, 5000), SC_BTN_NONE);
}

static void test_mute(void)
{
	struct sc_buttons cfg = policy_defaults();
	struct sc_button_map m;
	sc_buttons_init(&m, &cfg);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_MICMUTE, SC_KEY_PRESS, 1), SC_BTN_TOGGLE_MUTE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_MICMUTE, SC_KEY_REPEAT, 300), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_MICMUTE, SC_KEY_RELEASE, 400), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_SAS_SPOKEN, KEY_MICMUTE, SC_KEY_PRESS, 500), SC_BTN_TOGGLE_MUTE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_CALLING, KEY_MICMUTE, SC_KEY_PRESS, 600), SC_BTN_TOGGLE_MUTE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IDLE, KEY_MICMUTE, SC_KEY_PRESS, 700), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_RINGING, KEY_MICMUTE, SC_KEY_PRESS, 800), SC_BTN_NONE);
	// mute does not disturb a call-key press in progress
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PHONE, SC_KEY_PRESS, 1000), SC_BTN_NONE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_MICMUTE, SC_KEY_PRESS, 1050), SC_BTN_TOGGLE_MUTE);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_PHONE, SC_KEY_RELEASE, 1100), SC_BTN_HANGUP);

	// A key in both lists is the call key (the policy layer should refuse that anyway).
	cfg.mute[0] = KEY_PHONE;
	sc_buttons_init(&m, &cfg);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IDLE, KEY_PHONE, SC_KEY_PRESS, 1), SC_BTN_CALL_HOTLINE);

	// An empty mute list: no key mutes.
	cfg.n_mute = 0;
	sc_buttons_init(&m, &cfg);
	CHECK_EQ_INT(sc_buttons_key(&m, SC_UI_IN_CALL, KEY_MICMUTE, SC_KEY_PRESS, 1), SC_BTN_NONE);
}

static void test_names(void)
{
	CHECK_STR_CONTAINS(sc_button_action_name(SC_BTN_MARK_VERIFIED), "verified");
	CHECK_STR_CONTAINS(sc_button_action_name(SC_BTN_HANGUP), "hang-up");
	CHECK_STR_CONTAINS(sc_button_action_name((enum sc_button_action)99), "unknown");
}

int main(void)
{
	test_idle_and_ringing();
	test_in_call_short_press_hangs_up();
	test_long_press_verifies();
	test_two_codes_one_button();
	test_mute();
	test_names();
	return check_done();
}
