// SPDX-License-Identifier: GPL-3.0-or-later
// "scunplug": a test-only ALSA ioplug device that can be unplugged. It runs in real time
// (a timerfd per period, like the virtual headset), captures silence, discards playback, and
// behaves as a USB card pulled out while its FLAG file exists: a running stream goes to the
// DISCONNECTED state and reports -ENODEV, and opening fails with -ENODEV.
//
//   pcm_type.scunplug { lib "/path/to/libasound_module_pcm_scunplug.so" }
//   pcm.pluggable { type scunplug flag "/tmp/dir/unplugged" }
#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define RATE 48000

struct unplug {
	snd_pcm_ioplug_t io;
	int timer_fd;
	char flag[PATH_MAX];
	bool running;
	struct timespec started;
	uint64_t appl_frames;
};

static bool pulled(const struct unplug *u)
{
	return access(u->flag, F_OK) == 0;
}

static uint64_t hw_frames(const struct unplug *u)
{
	if (!u->running)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ns = (int64_t)(now.tv_sec - u->started.tv_sec) * 1000000000 + (now.tv_nsec - u->started.tv_nsec);
	return ns > 0 ? (uint64_t)ns * RATE / 1000000000u : 0;
}

static int arm(struct unplug *u)
{
	uint64_t ns = (uint64_t)u->io.period_size * 1000000000u / RATE;
	struct itimerspec its = { .it_interval = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) } };
	its.it_value = its.it_interval;
	return timerfd_settime(u->timer_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

static int disconnect(struct unplug *u)
{
	snd_pcm_ioplug_set_state(&u->io, SND_PCM_STATE_DISCONNECTED);
	return -ENODEV;
}

static int up_start(snd_pcm_ioplug_t *io)
{
	struct unplug *u = io->private_data;
	clock_gettime(CLOCK_MONOTONIC, &u->started);
	u->running = true;
	return arm(u);
}

static int up_stop(snd_pcm_ioplug_t *io)
{
	struct unplug *u = io->private_data;
	u->running = false;
	struct itimerspec off = { 0 };
	return timerfd_settime(u->timer_fd, 0, &off, NULL) < 0 ? -errno : 0;
}

static int up_prepare(snd_pcm_ioplug_t *io)
{
	struct unplug *u = io->private_data;
	if (pulled(u))
		return -ENODEV;
	u->running = false;
	u->appl_frames = 0;
	return arm(u);
}

static snd_pcm_sframes_t up_pointer(snd_pcm_ioplug_t *io)
{
	struct unplug *u = io->private_data;
	if (pulled(u))
		return disconnect(u);
	uint64_t hw = hw_frames(u);
	if (io->stream == SND_PCM_STREAM_PLAYBACK && hw > u->appl_frames)
		hw = u->appl_frames; // never runs dry: the test is about unplugging
	snd_pcm_uframes_t boundary = io->buffer_size;
	while (boundary * 2 <= LONG_MAX - io->buffer_size)
		boundary *= 2;
	return (snd_pcm_sframes_t)(hw % boundary);
}

static snd_pcm_sframes_t up_transfer(snd_pcm_ioplug_t *io, const snd_pcm_channel_area_t *areas,
				     snd_pcm_uframes_t offset, snd_pcm_uframes_t size)
{
	struct unplug *u = io->private_data;
	if (pulled(u))
		return disconnect(u);
	if (io->stream == SND_PCM_STREAM_CAPTURE)
		snd_pcm_areas_silence(areas, offset, io->channels, size, io->format);
	u->appl_frames += size;
	return (snd_pcm_sframes_t)size;
}

static int up_poll_revents(snd_pcm_ioplug_t *io, struct pollfd *pfd, unsigned int nfds,
			   unsigned short *revents)
{
	struct unplug *u = io->private_data;
	*revents = 0;
	if (nfds != 1 || !(pfd[0].revents & POLLIN))
		return 0;
	uint64_t ticks;
	if (read(u->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return -errno;
	if (pulled(u)) {
		disconnect(u);
		*revents = POLLERR;
		return 0;
	}
	*revents = io->stream == SND_PCM_STREAM_PLAYBACK ? POLLOUT : POLLIN;
	return 0;
}

static int up_close(snd_pcm_ioplug_t *io)
{
	struct unplug *u = io->private_data;
	close(u->timer_fd);
	free(u);
	return 0;
}

static const snd_pcm_ioplug_callback_t callbacks = {
	.start = up_start,
	.stop = up_stop,
	.pointer = up_pointer,
	.transfer = up_transfer,
	.close = up_close,
	.prepare = up_prepare,
	.poll_revents = up_poll_revents,
};

SND_PCM_PLUGIN_DEFINE_FUNC(scunplug);

SND_PCM_PLUGIN_DEFINE_FUNC(scunplug)
{
	(void)root;
	const char *flag = NULL;
	snd_config_iterator_t i, next;
	snd_config_for_each(i, next, conf) {
		snd_config_t *n = snd_config_iterator_entry(i);
		const char *id;
		if (snd_config_get_id(n, &id) < 0)
			continue;
		if (!strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint"))
			continue;
		if (!strcmp(id, "flag") && snd_config_get_string(n, &flag) == 0)
			continue;
		SNDERR("scunplug: unknown or bad field %s (known: flag)", id);
		return -EINVAL;
	}
	if (!flag || strlen(flag) >= PATH_MAX) {
		SNDERR("scunplug: give flag \"/path\"");
		return -EINVAL;
	}
	if (access(flag, F_OK) == 0)
		return -ENODEV; // not plugged in
	struct unplug *u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	strcpy(u->flag, flag);
	u->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (u->timer_fd < 0) {
		free(u);
		return -errno;
	}
	u->io.version = SND_PCM_IOPLUG_VERSION;
	u->io.name = "sealcall unpluggable test device";
	u->io.callback = &callbacks;
	u->io.private_data = u;
	u->io.poll_fd = u->timer_fd;
	u->io.poll_events = POLLIN;
	u->io.flags = SND_PCM_IOPLUG_FLAG_MONOTONIC | SND_PCM_IOPLUG_FLAG_BOUNDARY_WA;
	int err = snd_pcm_ioplug_create(&u->io, name, stream, mode);
	if (err < 0) {
		close(u->timer_fd);
		free(u);
		return err;
	}
	static const unsigned access_list[] = { SND_PCM_ACCESS_RW_INTERLEAVED };
	unsigned format = SND_PCM_FORMAT_S16_LE;
	if ((err = snd_pcm_ioplug_set_param_list(&u->io, SND_PCM_IOPLUG_HW_ACCESS, 1, access_list)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_list(&u->io, SND_PCM_IOPLUG_HW_FORMAT, 1, &format)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&u->io, SND_PCM_IOPLUG_HW_CHANNELS, 1, 1)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&u->io, SND_PCM_IOPLUG_HW_RATE, RATE, RATE)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&u->io, SND_PCM_IOPLUG_HW_PERIODS, 2, 64)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&u->io, SND_PCM_IOPLUG_HW_BUFFER_BYTES, 128, 1 << 20)) < 0) {
		snd_pcm_ioplug_delete(&u->io);
		return err;
	}
	*pcmp = u->io.pcm;
	return 0;
}

SND_PCM_PLUGIN_SYMBOL(scunplug);
