// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/evdev_input.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strutil.h"

#define RECORD sizeof(struct input_event)
#define BATCH 64         // records a read asks for
#define MAX_READS 16     // reads a call makes before letting the event loop run

struct sc_evdev_input {
	int fd;
	char path[SC_PATH_MAX];
	struct sc_button_map map;
	unsigned char buf[BATCH * RECORD];
	size_t have;         // bytes in BUF not yet processed (less than one record between reads)
	bool resyncing;      // after SYN_DROPPED, until SYN_REPORT
	struct sc_evdev_stats stats;
};

static int open_error(const char *path, int err)
{
	switch (err) {
	case ENOENT:
		sc_err("input device %s does not exist: plug the headset in, or fix audio.input_device "
		       "in the policy (\"auto\" finds the headset's own node)", path);
		break;
	case EACCES:
	case EPERM:
		sc_err("input device %s: permission denied: the daemon's user must be in the \"input\" "
		       "group (or a udev rule must grant it the headset's event node)", path);
		break;
	default:
		sc_err("input device %s: %s", path, strerror(err));
	}
	return -err;
}

// Real evdev nodes: timestamps on the monotonic clock, and a check that it is evdev at all.
static int setup_evdev(struct sc_evdev_input *in)
{
	int version;
	if (ioctl(in->fd, EVIOCGVERSION, &version) < 0) {
		sc_err("input device %s is a character device but not an evdev node (/dev/input/eventN): "
		       "fix audio.input_device in the policy", in->path);
		return -ENOTTY;
	}
	int clock = CLOCK_MONOTONIC;
	if (ioctl(in->fd, EVIOCSCLOCKID, &clock) < 0)
		sc_warn("input device %s: cannot set its event clock to CLOCK_MONOTONIC (%s); long presses "
			"are timed from wall-clock event times", in->path, strerror(errno));
	return 0;
}

int sc_evdev_open(const char *path, const struct sc_buttons *buttons, struct sc_evdev_input **out)
{
	struct sc_evdev_input *in = calloc(1, sizeof(*in));
	struct stat st;
	int r;
	*out = NULL;
	if (!in)
		return -ENOMEM;
	in->fd = -1;
	if (sc_strcpy(in->path, sizeof(in->path), path) < 0) {
		sc_err("input device path too long: %s", path);
		r = -ENAMETOOLONG;
		goto out;
	}
	sc_buttons_init(&in->map, buttons);
	in->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (in->fd < 0) {
		r = open_error(path, errno);
		goto out;
	}
	if (fstat(in->fd, &st) < 0) {
		r = open_error(path, errno);
		goto out;
	}
	if (S_ISCHR(st.st_mode)) {
		r = setup_evdev(in);
		if (r < 0)
			goto out;
	} else if (!S_ISFIFO(st.st_mode) && !S_ISREG(st.st_mode)) {
		sc_err("input device %s is not a device, FIFO or file: fix audio.input_device in the policy", path);
		r = -EINVAL;
		goto out;
	}
	*out = in;
	in = NULL;
	r = 0;
out:
	sc_evdev_close(in);
	return r;
}

void sc_evdev_close(struct sc_evdev_input *in)
{
	if (!in)
		return;
	if (in->fd >= 0)
		close(in->fd);
	free(in);
}

int sc_evdev_fd(const struct sc_evdev_input *in)
{
	return in->fd;
}

const char *sc_evdev_path(const struct sc_evdev_input *in)
{
	return in->path;
}

const struct sc_evdev_stats *sc_evdev_stats(const struct sc_evdev_input *in)
{
	return &in->stats;
}

static void report(struct sc_evdev_input *in, const struct sc_evdev_handler *h,
		   enum sc_button_action action, uint64_t time_ms)
{
	if (action == SC_BTN_NONE)
		return;
	in->stats.actions++;
	h->action(h->ctx, action, time_ms);
}

static void handle(struct sc_evdev_input *in, const struct sc_evdev_handler *h,
		   const struct input_event *ev)
{
	in->stats.events++;
	if (in->resyncing) {
		in->stats.discarded++;
		if (ev->type == EV_SYN && ev->code == SYN_REPORT)
			in->resyncing = false;
		return;
	}
	if (ev->type == EV_SYN && ev->code == SYN_DROPPED) {
		in->stats.dropped++;
		in->resyncing = true;
		sc_buttons_reset(&in->map);
		sc_warn("input device %s: the kernel dropped events (SYN_DROPPED); a button press may "
			"have been lost, press again", in->path);
		return;
	}
	if (ev->type != EV_KEY || ev->value < 0 || ev->value > SC_KEY_REPEAT)
		return;
	in->stats.keys++;
	uint64_t ms = (uint64_t)ev->input_event_sec * 1000 + (uint64_t)ev->input_event_usec / 1000;
	report(in, h, sc_buttons_key(&in->map, h->ui_state(h->ctx), ev->code, ev->value, ms), ms);
}

// The device is gone: whatever half record was waiting will never be completed.
static int gone(struct sc_evdev_input *in, const char *why)
{
	if (in->have)
		in->stats.discarded++;
	in->have = 0;
	in->resyncing = false;
	sc_buttons_reset(&in->map);
	sc_warn("input device %s %s", in->path, why);
	return -ENODEV;
}

int sc_evdev_read(struct sc_evdev_input *in, const struct sc_evdev_handler *h)
{
	for (int reads = 0; reads < MAX_READS; reads++) {
		ssize_t n = read(in->fd, in->buf + in->have, sizeof(in->buf) - in->have);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			if (errno == ENODEV)
				return gone(in, "was removed (headset unplugged)");
			int err = errno;
			sc_err("input device %s: read failed: %s", in->path, strerror(err));
			return -err;
		}
		if (n == 0)
			return gone(in, "ended (its writer closed it)");
		in->have += (size_t)n;
		size_t off = 0;
		for (; in->have - off >= RECORD; off += RECORD) {
			struct input_event ev;
			memcpy(&ev, in->buf + off, RECORD); // BUF is bytes: copy for alignment
			handle(in, h, &ev);
		}
		memmove(in->buf, in->buf + off, in->have - off);
		in->have -= off;
	}
	return 1;
}

bool sc_evdev_deadline(const struct sc_evdev_input *in, uint64_t *when_ms)
{
	return sc_buttons_deadline(&in->map, when_ms);
}

void sc_evdev_tick(struct sc_evdev_input *in, const struct sc_evdev_handler *h, uint64_t now_ms)
{
	report(in, h, sc_buttons_tick(&in->map, h->ui_state(h->ctx), now_ms), now_ms);
}
