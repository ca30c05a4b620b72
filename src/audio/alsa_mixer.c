// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/alsa_mixer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audio/volume.h"
#include "base/strutil.h"

static const char *const element_names[] = { "PCM", "Speaker", "Headset", "Headphone" };

int sc_alsa_mixer_open(struct sc_alsa_mixer *mx, const char *card_id)
{
	memset(mx, 0, sizeof(*mx));
	char ctl[64];
	snprintf(ctl, sizeof(ctl), "hw:CARD=%s", card_id);
	int err;
	if ((err = snd_mixer_open(&mx->mixer, 0)) < 0)
		return err;
	if ((err = snd_mixer_attach(mx->mixer, ctl)) < 0 ||
	    (err = snd_mixer_selem_register(mx->mixer, NULL, NULL)) < 0 ||
	    (err = snd_mixer_load(mx->mixer)) < 0)
		goto out;
	err = -ENOENT;
	for (size_t i = 0; i < sizeof(element_names) / sizeof(element_names[0]) && !mx->elem; i++) {
		for (snd_mixer_elem_t *e = snd_mixer_first_elem(mx->mixer); e; e = snd_mixer_elem_next(e)) {
			if (snd_mixer_selem_is_active(e) && snd_mixer_selem_has_playback_volume(e) &&
			    strcmp(snd_mixer_selem_get_name(e), element_names[i]) == 0) {
				mx->elem = e;
				sc_strcpy(mx->name, sizeof(mx->name), element_names[i]);
				err = 0;
				break;
			}
		}
	}
out:
	if (err < 0)
		sc_alsa_mixer_close(mx);
	return err;
}

int sc_alsa_mixer_set(struct sc_alsa_mixer *mx, uint32_t percent)
{
	if (!mx->elem)
		return -ENOENT;
	int err;
	long min, max;
	if (snd_mixer_selem_has_playback_switch(mx->elem))
		snd_mixer_selem_set_playback_switch_all(mx->elem, percent > 0);
	if (snd_mixer_selem_get_playback_dB_range(mx->elem, &min, &max) == 0 && max > min) {
		long db = max + sc_volume_db100(percent, min - max);
		err = snd_mixer_selem_set_playback_dB_all(mx->elem, db, -1);
	} else if ((err = snd_mixer_selem_get_playback_volume_range(mx->elem, &min, &max)) == 0) {
		err = snd_mixer_selem_set_playback_volume_all(mx->elem, min + (max - min) * (long)percent / 100);
	}
	return err < 0 ? err : 0;
}

void sc_alsa_mixer_close(struct sc_alsa_mixer *mx)
{
	if (mx->mixer)
		snd_mixer_close(mx->mixer);
	memset(mx, 0, sizeof(*mx));
}
