// SPDX-License-Identifier: GPL-3.0-or-later
// The headset's own volume control, when it has one: the first playback element named
// "PCM", "Speaker", "Headset" or "Headphone" with a volume. Set in dB along the same curve as
// the software gain (volume.h) when the element reports dB, else in its raw steps.
#ifndef SC_AUDIO_ALSA_MIXER_H
#define SC_AUDIO_ALSA_MIXER_H

#include <alsa/asoundlib.h>
#include <stdbool.h>
#include <stdint.h>

struct sc_alsa_mixer {
	snd_mixer_t *mixer;
	snd_mixer_elem_t *elem;
	char name[32];
};

// 0 with an element, -ENOENT when the card has none (use the software gain), other negative
// errno when the card's mixer cannot be opened.
int sc_alsa_mixer_open(struct sc_alsa_mixer *mx, const char *card_id);
int sc_alsa_mixer_set(struct sc_alsa_mixer *mx, uint32_t percent);
void sc_alsa_mixer_close(struct sc_alsa_mixer *mx);

#endif
