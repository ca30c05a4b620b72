// SPDX-License-Identifier: GPL-3.0-or-later
// "schead": a virtual USB headset for machines without a sound card. An ALSA external I/O
// plugin (ioplug), so a program opens it by name through the ordinary snd_pcm_open exactly
// as it opens a real headset. Unlike ALSA's null and file plugins it runs in real time: the
// hardware pointer follows CLOCK_MONOTONIC and the poll descriptor is a timerfd that fires
// every period, so reads and writes block for as long as a sound card would make them.
// Capture plays a WAV file into the microphone; playback records into a WAV file, with
// silence where the program let the device run dry, so the recording keeps real time.
//
//   pcm_type.schead { lib "/path/to/libasound_module_pcm_schead.so" }
//   pcm.headset {
//       type schead
//       capture_file "/path/speech.wav"   # optional; silence without it
//       capture_loop false                # start again at the end of the file
//       playback_file "/path/heard.wav"   # optional; discarded without it
//       rate 48000                        # the only rate offered, as many USB headsets
//       channels 1
//       capture_start_file "/path/mic-on" # optional: the microphone is silent until this
//                                         # exists, then plays capture_file from its start;
//                                         # removing it silences and rewinds it
//       unplug_file "/path/unplugged"     # optional: while it exists the headset is pulled
//                                         # out: streams are DISCONNECTED (-ENODEV), opens fail
//       events_file "/path/events"        # optional: appends "capture start at NS" and
//                                         # "playback frame N at NS" (CLOCK_MONOTONIC ns),
//                                         # which put both files on one clock
//   }
#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "wav.h"

struct schead {
	snd_pcm_ioplug_t io;
	int timer_fd;
	int file_fd;            // capture source or playback recording; -1 when none
	int events_fd;          // events_file; -1 when none
	unsigned rate, channels;
	bool loop;
	char start_flag[PATH_MAX]; // capture_start_file; empty when none
	char unplug_flag[PATH_MAX];
	bool playing;           // capture: the file is being played (always without start_flag)

	snd_pcm_uframes_t avail_min;
	bool running;
	struct timespec started;
	uint64_t appl_frames;   // frames the program wrote or read since prepare

	// capture source
	uint64_t src_offset, src_frames, src_pos;
	// playback recording: frames in the file, and where this run's first frame belongs
	uint64_t rec_frames, run_base;
	bool run_placed, have_epoch;
	struct timespec epoch;  // when the first run started: the recording's time zero
};

static uint64_t frames_between(const struct timespec *a, const struct timespec *b, unsigned rate)
{
	int64_t ns = (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 + (b->tv_nsec - a->tv_nsec);
	return ns > 0 ? (uint64_t)ns * rate / 1000000000u : 0;
}

static bool exists(const char *path)
{
	return path[0] && access(path, F_OK) == 0;
}

static uint64_t ns_of(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

// One line to events_file. A test reads it to put the microphone's and the earpiece's files
// on one clock; a line that cannot be written only costs that measurement.
static void note(const struct schead *h, const char *what, uint64_t frame, uint64_t at_ns)
{
	char line[128];
	int n;
	if (h->events_fd < 0)
		return;
	if (h->io.stream == SND_PCM_STREAM_PLAYBACK)
		n = snprintf(line, sizeof(line), "playback %s %llu at %llu\n", what,
			     (unsigned long long)frame, (unsigned long long)at_ns);
	else
		n = snprintf(line, sizeof(line), "capture %s at %llu\n", what, (unsigned long long)at_ns);
	if (n > 0 && write(h->events_fd, line, (size_t)n) < 0)
		return;
}

// A pulled-out USB card: the stream is DISCONNECTED and every call fails with -ENODEV.
static bool pulled(struct schead *h)
{
	if (!exists(h->unplug_flag))
		return false;
	if (h->io.state != SND_PCM_STATE_DISCONNECTED)
		snd_pcm_ioplug_set_state(&h->io, SND_PCM_STATE_DISCONNECTED);
	return true;
}

static uint64_t hw_frames_now(const struct schead *h)
{
	if (!h->running)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return frames_between(&h->started, &now, h->rate);
}

static int arm_timer(struct schead *h, bool immediately)
{
	uint64_t period_ns = (uint64_t)h->io.period_size * 1000000000u / h->rate;
	struct itimerspec its = { 0 };
	its.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
	its.it_interval.tv_nsec = (long)(period_ns % 1000000000u);
	its.it_value = its.it_interval;
	if (immediately) {
		its.it_value.tv_sec = 0;
		its.it_value.tv_nsec = 1;
	}
	return timerfd_settime(h->timer_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

static int disarm_timer(struct schead *h)
{
	struct itimerspec off = { 0 };
	return timerfd_settime(h->timer_fd, 0, &off, NULL) < 0 ? -errno : 0;
}

static int sh_start(snd_pcm_ioplug_t *io)
{
	struct schead *h = io->private_data;
	clock_gettime(CLOCK_MONOTONIC, &h->started);
	h->running = true;
	return arm_timer(h, false);
}

static int sh_stop(snd_pcm_ioplug_t *io)
{
	struct schead *h = io->private_data;
	h->running = false;
	return disarm_timer(h);
}

static int sh_prepare(snd_pcm_ioplug_t *io)
{
	struct schead *h = io->private_data;
	if (pulled(h))
		return -ENODEV;
	h->running = false;
	h->appl_frames = 0;
	h->run_placed = false;
	// An idle playback device is writable at once; a prepared capture device has nothing
	// to read until it starts. The first timer tick lets poll() report that.
	return arm_timer(h, io->stream == SND_PCM_STREAM_PLAYBACK);
}

// ALSA's own wrap point for positions, which SND_PCM_IOPLUG_FLAG_BOUNDARY_WA makes ours.
static snd_pcm_uframes_t boundary_of(const snd_pcm_ioplug_t *io)
{
	snd_pcm_uframes_t boundary = io->buffer_size;
	while (boundary * 2 <= LONG_MAX - io->buffer_size)
		boundary *= 2;
	return boundary;
}

// Frames captured and not yet read by the program. For capture, ioplug moves data into its
// own buffer ahead of the program's reads, so the program's position is io->appl_ptr.
static uint64_t capture_unread(const snd_pcm_ioplug_t *io, uint64_t hw)
{
	snd_pcm_uframes_t boundary = boundary_of(io);
	return (hw % boundary + boundary - io->appl_ptr % boundary) % boundary;
}

// Where the hardware is, modulo the boundary; -EPIPE when it ran dry (playback) or
// overflowed (capture), as a real device would report an xrun.
static snd_pcm_sframes_t sh_pointer(snd_pcm_ioplug_t *io)
{
	struct schead *h = io->private_data;
	// A pulled card's pointer stops. An error here would make ioplug call it an xrun; the
	// DISCONNECTED state makes every later call fail with -ENODEV, as on a real card.
	if (pulled(h))
		return (snd_pcm_sframes_t)(io->hw_ptr % boundary_of(io));
	uint64_t hw = hw_frames_now(h);
	if (io->stream == SND_PCM_STREAM_PLAYBACK) {
		if (hw > h->appl_frames) {
			if (io->state != SND_PCM_STATE_DRAINING)
				return -EPIPE;
			hw = h->appl_frames;
		}
	} else if (capture_unread(io, hw) > io->buffer_size) {
		return -EPIPE;
	}
	return (snd_pcm_sframes_t)(hw % boundary_of(io));
}

static void *area_at(const snd_pcm_channel_area_t *a, snd_pcm_uframes_t frame)
{
	return (char *)a->addr + (a->first + frame * a->step) / 8;
}

static int write_all(int fd, const void *buf, size_t len, off_t at)
{
	const char *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, at);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static int record(struct schead *h, const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset,
		  snd_pcm_uframes_t size)
{
	size_t frame_bytes = 2 * h->channels;
	if (!h->run_placed) {
		// What the program writes in this run is heard from about now on: whatever lies
		// between the end of the recording so far and now was silence.
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!h->have_epoch) {
			h->epoch = now;
			h->have_epoch = true;
		}
		uint64_t since_epoch = frames_between(&h->epoch, &now, h->rate);
		h->run_base = since_epoch > h->rec_frames ? since_epoch : h->rec_frames;
		h->run_placed = true;
		// the run's first frame is heard once the device starts, about now
		note(h, "frame", h->run_base, ns_of(&now));
	}
	// This chunk's place on the recording's timeline; pad with silence up to it.
	uint64_t at = h->run_base + h->appl_frames;
	int16_t buf[1024];
	while (h->rec_frames < at) {
		uint64_t n = at - h->rec_frames;
		size_t max = sizeof(buf) / frame_bytes;
		if (n > max)
			n = max;
		memset(buf, 0, (size_t)n * frame_bytes);
		int rc = write_all(h->file_fd, buf, (size_t)n * frame_bytes,
				   (off_t)(VH_WAV_HEADER_LEN + h->rec_frames * frame_bytes));
		if (rc < 0)
			return rc;
		h->rec_frames += n;
	}
	snd_pcm_uframes_t done = 0;
	while (done < size) {
		size_t n = size - done, max = sizeof(buf) / frame_bytes;
		if (n > max)
			n = max;
		for (size_t f = 0; f < n; f++)
			for (unsigned c = 0; c < h->channels; c++)
				buf[f * h->channels + c] = *(int16_t *)area_at(&areas[c], offset + done + f);
		int rc = write_all(h->file_fd, buf, n * frame_bytes,
				   (off_t)(VH_WAV_HEADER_LEN + at * frame_bytes));
		if (rc < 0)
			return rc;
		at += n;
		done += n;
	}
	if (at > h->rec_frames)
		h->rec_frames = at;
	// Keep the header right after every write: a daemon killed in a test still leaves a
	// file every tool can read.
	uint8_t hdr[VH_WAV_HEADER_LEN];
	uint64_t bytes = h->rec_frames * frame_bytes;
	vh_wav_header(hdr, (uint16_t)h->channels, h->rate, bytes > 0xFFFFFFD0u ? 0xFFFFFFD0u : (uint32_t)bytes);
	return write_all(h->file_fd, hdr, sizeof(hdr), 0);
}

static int play_source(struct schead *h, const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset,
		       snd_pcm_uframes_t size)
{
	size_t frame_bytes = 2 * h->channels;
	int16_t buf[1024];
	snd_pcm_uframes_t done = 0;
	if (h->start_flag[0]) {
		bool on = exists(h->start_flag);
		if (on && !h->playing) {
			// this transfer's first frame entered the microphone at this device time
			uint64_t at = ns_of(&h->started) + h->appl_frames * 1000000000u / h->rate;
			note(h, "start", 0, at);
			h->src_pos = 0;
		}
		if (!on)
			h->src_pos = 0;
		h->playing = on;
	}
	while (done < size) {
		size_t n = size - done, max = sizeof(buf) / frame_bytes;
		if (n > max)
			n = max;
		memset(buf, 0, n * frame_bytes);
		if (!h->playing) {
			for (size_t f = 0; f < n; f++)
				for (unsigned c = 0; c < h->channels; c++)
					*(int16_t *)area_at(&areas[c], offset + done + f) = 0;
			done += n;
			continue;
		}
		if (h->file_fd >= 0 && h->src_pos >= h->src_frames && h->loop && h->src_frames)
			h->src_pos = 0;
		if (h->file_fd >= 0 && h->src_pos < h->src_frames) {
			uint64_t left = h->src_frames - h->src_pos;
			size_t want = n < left ? n : (size_t)left;
			ssize_t got = pread(h->file_fd, buf, want * frame_bytes,
					    (off_t)(h->src_offset + h->src_pos * frame_bytes));
			if (got < 0)
				return -errno;
			n = got > 0 ? (size_t)got / frame_bytes : n; // a short file: silence from here
			if (got <= 0)
				h->src_frames = h->src_pos;
			else
				h->src_pos += n;
		}
		for (size_t f = 0; f < n; f++)
			for (unsigned c = 0; c < h->channels; c++)
				*(int16_t *)area_at(&areas[c], offset + done + f) = buf[f * h->channels + c];
		done += n;
	}
	return 0;
}

static snd_pcm_sframes_t sh_transfer(snd_pcm_ioplug_t *io, const snd_pcm_channel_area_t *areas,
				     snd_pcm_uframes_t offset, snd_pcm_uframes_t size)
{
	struct schead *h = io->private_data;
	int rc = 0;
	if (pulled(h))
		return -ENODEV;
	if (io->stream == SND_PCM_STREAM_PLAYBACK) {
		if (h->file_fd >= 0)
			rc = record(h, areas, offset, size);
	} else {
		rc = play_source(h, areas, offset, size);
	}
	if (rc < 0)
		return rc;
	h->appl_frames += size;
	return (snd_pcm_sframes_t)size;
}

static int sh_sw_params(snd_pcm_ioplug_t *io, snd_pcm_sw_params_t *params)
{
	struct schead *h = io->private_data;
	snd_pcm_uframes_t v;
	if (snd_pcm_sw_params_get_avail_min(params, &v) == 0 && v > 0)
		h->avail_min = v;
	return 0;
}

static int sh_hw_params(snd_pcm_ioplug_t *io, snd_pcm_hw_params_t *params)
{
	struct schead *h = io->private_data;
	(void)params;
	h->avail_min = io->period_size;
	return 0;
}

static int sh_poll_revents(snd_pcm_ioplug_t *io, struct pollfd *pfd, unsigned int nfds,
			   unsigned short *revents)
{
	struct schead *h = io->private_data;
	*revents = 0;
	if (nfds != 1 || !(pfd[0].revents & POLLIN))
		return 0;
	uint64_t ticks;
	if (read(h->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return -errno;
	if (pulled(h)) {
		*revents = POLLERR;
		return 0;
	}
	// Ready when a program waiting for avail_min frames could go on now.
	uint64_t hw = hw_frames_now(h);
	uint64_t avail;
	if (io->stream == SND_PCM_STREAM_PLAYBACK) {
		uint64_t queued = h->appl_frames > hw ? h->appl_frames - hw : 0;
		avail = queued < io->buffer_size ? io->buffer_size - queued : 0;
		if (avail >= h->avail_min || io->state == SND_PCM_STATE_DRAINING)
			*revents = POLLOUT;
	} else {
		avail = capture_unread(io, hw);
		if (avail >= h->avail_min)
			*revents = POLLIN;
	}
	return 0;
}

static int sh_close(snd_pcm_ioplug_t *io)
{
	struct schead *h = io->private_data;
	if (h->timer_fd >= 0)
		close(h->timer_fd);
	if (h->file_fd >= 0)
		close(h->file_fd);
	if (h->events_fd >= 0)
		close(h->events_fd);
	free(h);
	return 0;
}

static const snd_pcm_ioplug_callback_t callbacks = {
	.start = sh_start,
	.stop = sh_stop,
	.pointer = sh_pointer,
	.transfer = sh_transfer,
	.close = sh_close,
	.hw_params = sh_hw_params,
	.sw_params = sh_sw_params,
	.prepare = sh_prepare,
	.poll_revents = sh_poll_revents,
};

static int open_capture_file(struct schead *h, const char *path)
{
	h->file_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->file_fd < 0) {
		int err = -errno;
		SNDERR("schead: cannot open capture_file %s: %s", path, strerror(errno));
		return err;
	}
	uint8_t buf[65536];
	ssize_t got = pread(h->file_fd, buf, sizeof(buf), 0);
	struct stat st;
	if (got < 0 || fstat(h->file_fd, &st) < 0)
		return -errno;
	struct vh_wav w;
	const char *why = "";
	if (vh_wav_parse(buf, (size_t)got, (uint64_t)st.st_size, &w, &why) < 0) {
		SNDERR("schead: capture_file %s: %s; give a 16-bit PCM WAV file", path, why);
		return -EINVAL;
	}
	if (w.rate != h->rate || w.channels != h->channels) {
		SNDERR("schead: capture_file %s is %u Hz %u channel(s) but the device is %u Hz %u "
		       "channel(s); convert it (sox IN -r %u -c %u -b 16 OUT.wav) or set rate/channels",
		       path, w.rate, w.channels, h->rate, h->channels, h->rate, h->channels);
		return -EINVAL;
	}
	h->src_offset = w.data_offset;
	h->src_frames = w.data_bytes / (2u * h->channels);
	return 0;
}

// Appends to a recording of the same format (a program that reopens the device per call
// keeps one file), otherwise starts a new one.
static int open_playback_file(struct schead *h, const char *path)
{
	h->file_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (h->file_fd < 0) {
		int err = -errno;
		SNDERR("schead: cannot open playback_file %s: %s", path, strerror(errno));
		return err;
	}
	uint8_t buf[VH_WAV_HEADER_LEN];
	ssize_t got = pread(h->file_fd, buf, sizeof(buf), 0);
	struct stat st;
	if (got < 0 || fstat(h->file_fd, &st) < 0)
		return -errno;
	struct vh_wav w;
	const char *why;
	if (got == VH_WAV_HEADER_LEN &&
	    vh_wav_parse(buf, (size_t)got, (uint64_t)st.st_size, &w, &why) == 0 &&
	    w.data_offset == VH_WAV_HEADER_LEN && w.rate == h->rate && w.channels == h->channels) {
		h->rec_frames = w.data_bytes / (2u * h->channels);
		return 0;
	}
	if (ftruncate(h->file_fd, 0) < 0)
		return -errno;
	vh_wav_header(buf, (uint16_t)h->channels, h->rate, 0);
	return write_all(h->file_fd, buf, sizeof(buf), 0);
}

static int config_uint(snd_config_t *n, const char *id, unsigned lo, unsigned hi, unsigned *out)
{
	long v;
	if (snd_config_get_integer(n, &v) < 0 || v < (long)lo || v > (long)hi) {
		SNDERR("schead: %s must be an integer from %u to %u", id, lo, hi);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

SND_PCM_PLUGIN_DEFINE_FUNC(schead);

SND_PCM_PLUGIN_DEFINE_FUNC(schead)
{
	(void)root;
	const char *capture_file = NULL, *playback_file = NULL, *start_file = NULL,
		   *unplug_file = NULL, *events_file = NULL;
	unsigned rate = 48000, channels = 1;
	int loop = 0;
	snd_config_iterator_t i, next;
	snd_config_for_each(i, next, conf) {
		snd_config_t *n = snd_config_iterator_entry(i);
		const char *id;
		if (snd_config_get_id(n, &id) < 0)
			continue;
		if (!strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint"))
			continue;
		if (!strcmp(id, "capture_file")) {
			if (snd_config_get_string(n, &capture_file) < 0)
				goto bad;
		} else if (!strcmp(id, "playback_file")) {
			if (snd_config_get_string(n, &playback_file) < 0)
				goto bad;
		} else if (!strcmp(id, "capture_start_file")) {
			if (snd_config_get_string(n, &start_file) < 0)
				goto bad;
		} else if (!strcmp(id, "unplug_file")) {
			if (snd_config_get_string(n, &unplug_file) < 0)
				goto bad;
		} else if (!strcmp(id, "events_file")) {
			if (snd_config_get_string(n, &events_file) < 0)
				goto bad;
		} else if (!strcmp(id, "capture_loop")) {
			if ((loop = snd_config_get_bool(n)) < 0)
				goto bad;
		} else if (!strcmp(id, "rate")) {
			if (config_uint(n, id, 4000, 192000, &rate) < 0)
				return -EINVAL;
		} else if (!strcmp(id, "channels")) {
			if (config_uint(n, id, 1, 8, &channels) < 0)
				return -EINVAL;
		} else {
			SNDERR("schead: unknown field %s (known: capture_file, capture_loop, "
			       "playback_file, rate, channels, capture_start_file, unplug_file, "
			       "events_file)", id);
			return -EINVAL;
		}
		continue;
bad:
		SNDERR("schead: invalid value for %s", id);
		return -EINVAL;
	}

	const char *too_long = start_file && strlen(start_file) >= PATH_MAX ? "capture_start_file"
			     : unplug_file && strlen(unplug_file) >= PATH_MAX ? "unplug_file" : NULL;
	if (too_long) {
		SNDERR("schead: %s is longer than %d bytes", too_long, PATH_MAX - 1);
		return -EINVAL;
	}
	// A headset that is not plugged in cannot be opened.
	if (unplug_file && exists(unplug_file))
		return -ENODEV;
	struct schead *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->timer_fd = -1;
	h->file_fd = -1;
	h->events_fd = -1;
	h->rate = rate;
	h->channels = channels;
	h->loop = loop;
	h->playing = true;
	if (start_file && stream == SND_PCM_STREAM_CAPTURE) {
		strcpy(h->start_flag, start_file); // length checked above
		h->playing = false;
	}
	if (unplug_file)
		strcpy(h->unplug_flag, unplug_file);
	int err;
	if (events_file) {
		h->events_fd = open(events_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (h->events_fd < 0) {
			err = -errno;
			SNDERR("schead: cannot open events_file %s: %s", events_file, strerror(errno));
			goto fail;
		}
	}
	h->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->timer_fd < 0) {
		err = -errno;
		goto fail;
	}
	if (stream == SND_PCM_STREAM_CAPTURE && capture_file)
		err = open_capture_file(h, capture_file);
	else if (stream == SND_PCM_STREAM_PLAYBACK && playback_file)
		err = open_playback_file(h, playback_file);
	else
		err = 0;
	if (err < 0)
		goto fail;

	h->io.version = SND_PCM_IOPLUG_VERSION;
	h->io.name = "sealcall virtual headset";
	h->io.callback = &callbacks;
	h->io.private_data = h;
	h->io.poll_fd = h->timer_fd;
	h->io.poll_events = POLLIN;
	h->io.mmap_rw = 0;
	h->io.flags = SND_PCM_IOPLUG_FLAG_MONOTONIC | SND_PCM_IOPLUG_FLAG_BOUNDARY_WA;
	err = snd_pcm_ioplug_create(&h->io, name, stream, mode);
	if (err < 0)
		goto fail;

	static const unsigned access_list[] = { SND_PCM_ACCESS_RW_INTERLEAVED,
						SND_PCM_ACCESS_MMAP_INTERLEAVED };
	unsigned format = SND_PCM_FORMAT_S16_LE;
	if ((err = snd_pcm_ioplug_set_param_list(&h->io, SND_PCM_IOPLUG_HW_ACCESS, 2, access_list)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_list(&h->io, SND_PCM_IOPLUG_HW_FORMAT, 1, &format)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&h->io, SND_PCM_IOPLUG_HW_CHANNELS, channels, channels)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&h->io, SND_PCM_IOPLUG_HW_RATE, rate, rate)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&h->io, SND_PCM_IOPLUG_HW_PERIOD_BYTES, 64, 256 * 1024)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&h->io, SND_PCM_IOPLUG_HW_PERIODS, 2, 64)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&h->io, SND_PCM_IOPLUG_HW_BUFFER_BYTES, 128, 4 * 1024 * 1024)) < 0) {
		snd_pcm_ioplug_delete(&h->io); // calls sh_close, which frees H
		return err;
	}
	*pcmp = h->io.pcm;
	return 0;
fail:
	if (h->timer_fd >= 0)
		close(h->timer_fd);
	if (h->file_fd >= 0)
		close(h->file_fd);
	if (h->events_fd >= 0)
		close(h->events_fd);
	free(h);
	return err;
}

SND_PCM_PLUGIN_SYMBOL(schead);
