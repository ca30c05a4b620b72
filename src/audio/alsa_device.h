// SPDX-License-Identifier: GPL-3.0-or-later
// The machine side of device_find.h: lists the ALSA cards and asks the ALSA configuration
// whether a PCM name is defined, then lets sc_audio_choose_device decide.
#ifndef SC_AUDIO_ALSA_DEVICE_H
#define SC_AUDIO_ALSA_DEVICE_H

#include <stddef.h>

#include "audio/device_find.h"

#define SC_ALSA_MAX_CARDS 32

// Fills CARDS with up to MAX cards. Returns how many (cards that cannot be asked are skipped).
size_t sc_alsa_list_cards(struct sc_audio_card *cards, size_t max);
// Whether the ALSA configuration (ALSA_CONFIG_PATH, ~/.asoundrc, /etc/asound.conf) defines
// "pcm.NAME".
bool sc_alsa_pcm_defined(const char *name);
// audio.device ("auto", a card id, or a defined PCM) to what to open. 0, or -ENODEV with WHY.
int sc_alsa_find_device(const char *wanted, struct sc_audio_choice *out, char *why, size_t why_len);

#endif
