// SPDX-License-Identifier: GPL-3.0-or-later
// Finding the headset without configuration. A USB headset is an ALSA card (found by its
// driver, "USB-Audio", or by the usbid file its card has in /proc/asound) and, usually, an
// input device for its buttons on the same USB device. Card indices move between boots and
// plugs, so a card is always opened by its id ("hw:CARD=Headset,DEV=0"), never by number,
// and never as "default", which may be absent or another card.
//
// The decisions are pure functions over what the enumeration found (a list of cards, a sysfs
// tree under any root), so tests give them fake machines; alsa_device.c does the enumeration.
#ifndef SC_AUDIO_DEVICE_FIND_H
#define SC_AUDIO_DEVICE_FIND_H

#include <stdbool.h>
#include <stddef.h>

#define SC_AUDIO_ID_MAX 32
#define SC_AUDIO_PCM_NAME_MAX 96
#define SC_AUDIO_INPUT_PATH_MAX 64
#define SC_AUDIO_WHY_MAX 512

struct sc_audio_card {
	int index;                          // ALSA card number, for sysfs only
	char id[SC_AUDIO_ID_MAX];           // "Headset": what CARD= takes
	char driver[SC_AUDIO_ID_MAX];       // "USB-Audio" for USB cards
	bool has_usbid;                     // /proc/asound/cardN/usbid exists
};

struct sc_audio_choice {
	bool is_card;                       // false: a PCM defined in the ALSA configuration
	int card_index;                     // -1 unless is_card
	char card_id[SC_AUDIO_ID_MAX];      // "" unless is_card
	char pcm[SC_AUDIO_PCM_NAME_MAX];    // what to pass to snd_pcm_open
};

bool sc_audio_card_is_usb(const struct sc_audio_card *card);

// WANTED is audio.device from the policy: "auto" (or "") picks the USB card with the lowest
// index; otherwise a card whose id is WANTED (exactly, else ignoring case), else, when
// WANTED_IS_PCM says the ALSA configuration defines a PCM of that name (the virtual headset
// in tests), that PCM. Returns 0, or -ENODEV with WHY naming what was looked for, what
// exists, and what to do.
int sc_audio_choose_device(const struct sc_audio_card *cards, size_t n_cards, const char *wanted,
			   bool wanted_is_pcm, struct sc_audio_choice *out, char *why, size_t why_len);

// The evdev nodes ("/dev/input/eventK") on the same USB device as ALSA card CARD_INDEX, read
// from the sysfs tree at SYSFS_ROOT ("/sys" on a real machine): class/sound/cardN/device is
// the card's USB interface, its parent the USB device, and every inputM/eventK below that
// device whose input reports keys is one of the headset's button nodes. Up to MAX paths,
// ordered by K. Returns how many were found (0 with WHY when none: not a USB card, or a
// headset without buttons), or -ENOENT with WHY when the card is not in sysfs.
int sc_audio_find_inputs(const char *sysfs_root, int card_index,
			 char (*paths)[SC_AUDIO_INPUT_PATH_MAX], size_t max, char *why, size_t why_len);

#endif
