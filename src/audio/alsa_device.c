// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/alsa_device.h"

#include <alsa/asoundlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/strutil.h"

size_t sc_alsa_list_cards(struct sc_audio_card *cards, size_t max)
{
	size_t n = 0;
	int index = -1;
	snd_ctl_card_info_t *info;
	snd_ctl_card_info_alloca(&info);
	// snd_card_next walks the cards the kernel has; a bound keeps a misbehaving one finite.
	for (int guard = 0; guard < 256 && n < max; guard++) {
		if (snd_card_next(&index) < 0 || index < 0)
			break;
		char ctl_name[32], usbid[64];
		snprintf(ctl_name, sizeof(ctl_name), "hw:%d", index); // enumeration only
		snd_ctl_t *ctl;
		if (snd_ctl_open(&ctl, ctl_name, SND_CTL_NONBLOCK) < 0)
			continue;
		if (snd_ctl_card_info(ctl, info) == 0) {
			struct sc_audio_card *c = &cards[n++];
			memset(c, 0, sizeof(*c));
			c->index = index;
			sc_strcpy(c->id, sizeof(c->id), snd_ctl_card_info_get_id(info));
			sc_strcpy(c->driver, sizeof(c->driver), snd_ctl_card_info_get_driver(info));
			snprintf(usbid, sizeof(usbid), "/proc/asound/card%d/usbid", index);
			c->has_usbid = access(usbid, F_OK) == 0;
		}
		snd_ctl_close(ctl);
	}
	return n;
}

bool sc_alsa_pcm_defined(const char *name)
{
	char key[SC_AUDIO_PCM_NAME_MAX + 8];
	if (!name || !name[0] || strchr(name, ':') || strchr(name, '.'))
		return false;
	if (snprintf(key, sizeof(key), "pcm.%s", name) >= (int)sizeof(key))
		return false;
	if (snd_config_update() < 0 || !snd_config)
		return false;
	snd_config_t *node;
	return snd_config_search(snd_config, key, &node) == 0;
}

int sc_alsa_find_device(const char *wanted, struct sc_audio_choice *out, char *why, size_t why_len)
{
	struct sc_audio_card cards[SC_ALSA_MAX_CARDS];
	size_t n = sc_alsa_list_cards(cards, SC_ALSA_MAX_CARDS);
	bool is_pcm = wanted && strcmp(wanted, "auto") != 0 && sc_alsa_pcm_defined(wanted);
	return sc_audio_choose_device(cards, n, wanted, is_pcm, out, why, why_len);
}
