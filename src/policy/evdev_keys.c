// SPDX-License-Identifier: GPL-3.0-or-later
// Names as <linux/input-event-codes.h> spells them, so `evtest` output can be pasted into
// the policy. The set covers what USB headsets, speakerphones and foot switches send.
#include "policy/evdev_keys.h"

#include <linux/input-event-codes.h>
#include <string.h>

#include "policy/policy.h"

struct evdev_key {
	const char *name;
	unsigned short code;
};

#define KEY_ENTRY(k) { #k, k }

static const struct evdev_key keys[] = {
	// Telephony and media buttons of headsets.
	KEY_ENTRY(KEY_PLAYPAUSE), KEY_ENTRY(KEY_PHONE), KEY_ENTRY(KEY_MICMUTE),
	KEY_ENTRY(KEY_MUTE), KEY_ENTRY(KEY_VOLUMEUP), KEY_ENTRY(KEY_VOLUMEDOWN),
	KEY_ENTRY(KEY_MEDIA), KEY_ENTRY(KEY_PLAYCD), KEY_ENTRY(KEY_PAUSECD),
	KEY_ENTRY(KEY_PLAY), KEY_ENTRY(KEY_PAUSE), KEY_ENTRY(KEY_STOP), KEY_ENTRY(KEY_STOPCD),
	KEY_ENTRY(KEY_NEXTSONG), KEY_ENTRY(KEY_PREVIOUSSONG), KEY_ENTRY(KEY_EJECTCD),
	KEY_ENTRY(KEY_FASTFORWARD), KEY_ENTRY(KEY_REWIND), KEY_ENTRY(KEY_RECORD),
	KEY_ENTRY(KEY_PICKUP_PHONE), KEY_ENTRY(KEY_HANGUP_PHONE), KEY_ENTRY(KEY_VOICECOMMAND),
	KEY_ENTRY(KEY_SELECT), KEY_ENTRY(KEY_OK), KEY_ENTRY(KEY_ENTER), KEY_ENTRY(KEY_SPACE),
	KEY_ENTRY(KEY_ESC), KEY_ENTRY(KEY_F13), KEY_ENTRY(KEY_F14), KEY_ENTRY(KEY_F15),
	KEY_ENTRY(KEY_F16), KEY_ENTRY(KEY_F17), KEY_ENTRY(KEY_F18), KEY_ENTRY(KEY_F19),
	KEY_ENTRY(KEY_F20), KEY_ENTRY(KEY_F21), KEY_ENTRY(KEY_F22), KEY_ENTRY(KEY_F23),
	KEY_ENTRY(KEY_F24),
	// Generic buttons: foot switches, USB button boxes, joysticks and mice.
	KEY_ENTRY(BTN_0), KEY_ENTRY(BTN_1), KEY_ENTRY(BTN_2), KEY_ENTRY(BTN_3),
	KEY_ENTRY(BTN_4), KEY_ENTRY(BTN_5), KEY_ENTRY(BTN_6), KEY_ENTRY(BTN_7),
	KEY_ENTRY(BTN_8), KEY_ENTRY(BTN_9), KEY_ENTRY(BTN_LEFT), KEY_ENTRY(BTN_RIGHT),
	KEY_ENTRY(BTN_MIDDLE), KEY_ENTRY(BTN_SIDE), KEY_ENTRY(BTN_EXTRA),
	KEY_ENTRY(BTN_TRIGGER), KEY_ENTRY(BTN_THUMB), KEY_ENTRY(BTN_SOUTH), KEY_ENTRY(BTN_EAST),
	KEY_ENTRY(BTN_NORTH), KEY_ENTRY(BTN_WEST), KEY_ENTRY(BTN_START), KEY_ENTRY(BTN_SELECT),
};

int evdev_key_code(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return keys[i].code;
	return -1;
}

const char *evdev_key_name_at(size_t index)
{
	return index < sizeof(keys) / sizeof(keys[0]) ? keys[index].name : NULL;
}

size_t evdev_key_count(void)
{
	return sizeof(keys) / sizeof(keys[0]);
}

const char *sc_policy_key_name(unsigned code)
{
	// Aliases share codes (BTN_0 is BTN_MISC); the first name listed is the one shown.
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].code == code)
			return keys[i].name;
	return NULL;
}
