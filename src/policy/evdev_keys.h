// SPDX-License-Identifier: GPL-3.0-or-later
// The evdev key names a headset button may be bound to in audio.buttons.
#ifndef SC_POLICY_EVDEV_KEYS_H
#define SC_POLICY_EVDEV_KEYS_H

#include <stddef.h>

// The code for NAME ("KEY_PLAYPAUSE"), or -1 when sealcall does not know it.
int evdev_key_code(const char *name);
// Every known name, for "did you mean" suggestions.
const char *evdev_key_name_at(size_t index);
size_t evdev_key_count(void);

#endif
