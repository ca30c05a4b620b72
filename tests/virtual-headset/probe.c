// SPDX-License-Identifier: GPL-3.0-or-later
// Opens the PCM named on the command line for playback and closes it: exit 0 when ALSA can.
#include <alsa/asoundlib.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: schead_probe PCM-NAME\n");
		return 2;
	}
	snd_pcm_t *pcm;
	int err = snd_pcm_open(&pcm, argv[1], SND_PCM_STREAM_PLAYBACK, 0);
	if (err < 0) {
		fprintf(stderr, "schead_probe: cannot open %s: %s\n", argv[1], snd_strerror(err));
		return 1;
	}
	snd_pcm_close(pcm);
	snd_config_update_free_global();
	return 0;
}
