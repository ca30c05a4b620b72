// SPDX-License-Identifier: GPL-3.0-or-later
// The evdev reader fed through a FIFO and a file of struct input_event records, as a headset's
// /dev/input/eventN would deliver them (and worse: split records). read() is wrapped
// (-Wl,--wrap=read) so the test can make it fail with ENODEV, as an unplugged device does.
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/evdev_input.h"
#include "check.h"

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
static int fail_reads_with; // errno the next read fails with, 0 = none

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	if (fail_reads_with) {
		errno = fail_reads_with;
		return -1;
	}
	return __real_read(fd, buf, len);
}

struct recorder {
	enum sc_ui_state state;
	enum sc_button_action actions[64];
	uint64_t times[64];
	size_t n;
};

static enum sc_ui_state get_state(void *ctx)
{
	return ((struct recorder *)ctx)->state;
}

// Acts as the core would: calling out or answering changes the state at once.
static void on_action(void *ctx, enum sc_button_action action, uint64_t time_ms)
{
	struct recorder *r = ctx;
	if (r->n < 64) {
		r->actions[r->n] = action;
		r->times[r->n++] = time_ms;
	}
	if (action == SC_BTN_CALL_HOTLINE)
		r->state = SC_UI_CALLING;
	else if (action == SC_BTN_ANSWER)
		r->state = SC_UI_IN_CALL;
	else if (action == SC_BTN_HANGUP)
		r->state = SC_UI_IDLE;
}

static struct input_event ev(uint16_t type, uint16_t code, int32_t value, uint64_t ms)
{
	struct input_event e;
	memset(&e, 0, sizeof(e));
	e.input_event_sec = (time_t)(ms / 1000);
	e.input_event_usec = (suseconds_t)(ms % 1000 * 1000);
	e.type = type;
	e.code = code;
	e.value = value;
	return e;
}

// A key event followed by its SYN_REPORT, as the kernel sends it.
static size_t key(struct input_event *out, uint16_t code, int32_t value, uint64_t ms)
{
	out[0] = ev(EV_KEY, code, value, ms);
	out[1] = ev(EV_SYN, SYN_REPORT, 0, ms);
	return 2;
}

static void put(int fd, const void *data, size_t len)
{
	CHECK_EQ_INT(write(fd, data, len), (ssize_t)len);
}

static struct sc_buttons buttons(void)
{
	struct sc_buttons b = {.call = {KEY_PLAYPAUSE, KEY_PHONE}, .n_call = 2,
			       .mute = {KEY_MICMUTE}, .n_mute = 1, .long_press_ms = 1500};
	return b;
}

struct fifo {
	char dir[64], path[96];
	int wfd;
	struct sc_evdev_input *in;
};

static void fifo_open(struct fifo *f)
{
	strcpy(f->dir, "/tmp/sc-evdev-XXXXXX");
	CHECK(mkdtemp(f->dir) != NULL);
	snprintf(f->path, sizeof(f->path), "%s/event0", f->dir);
	CHECK_EQ_INT(mkfifo(f->path, 0600), 0);
	struct sc_buttons b = buttons();
	// The reader first (a non-blocking open needs no writer), then the writer.
	CHECK_EQ_INT(sc_evdev_open(f->path, &b, &f->in), 0);
	f->wfd = open(f->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	CHECK(f->wfd >= 0);
}

static void fifo_close(struct fifo *f)
{
	if (f->wfd >= 0)
		close(f->wfd);
	sc_evdev_close(f->in);
	unlink(f->path);
	rmdir(f->dir);
}

static void test_press_release_and_split_records(void)
{
	struct fifo f;
	fifo_open(&f);
	struct recorder rec = {.state = SC_UI_IDLE};
	struct sc_evdev_handler h = {get_state, on_action, &rec};
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0); // nothing yet: EAGAIN
	struct input_event e[8];
	size_t n = key(e, KEY_PLAYPAUSE, 1, 10000);
	// The press arrives in two pieces: nothing happens until it is whole.
	put(f.wfd, e, 10);
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	CHECK_EQ_INT(rec.n, 0);
	put(f.wfd, (char *)e + 10, n * sizeof(e[0]) - 10);
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	CHECK_EQ_INT(rec.n, 1);
	CHECK_EQ_INT(rec.actions[0], SC_BTN_CALL_HOTLINE);
	CHECK_EQ_INT(rec.times[0], 10000);
	CHECK_EQ_INT(rec.state, SC_UI_CALLING);

	// The release, a scan code (EV_MSC) that is ignored, then a second press and its release
	// in one write, each split across writes at odd places: the release of the press that
	// called does nothing; the next short press in the call hangs up.
	n = 0;
	n += key(e + n, KEY_PLAYPAUSE, 0, 10200);
	e[n++] = ev(EV_MSC, MSC_SCAN, 0xc00cd, 12000);
	n += key(e + n, KEY_PLAYPAUSE, 1, 12000);
	n += key(e + n, KEY_PLAYPAUSE, 0, 12300);
	const char *bytes = (const char *)e;
	size_t total = n * sizeof(e[0]), cuts[] = {1, 23, 47, 48, 100, total};
	size_t sent = 0;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		put(f.wfd, bytes + sent, cuts[i] - sent);
		sent = cuts[i];
		CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	}
	CHECK_EQ_INT(rec.n, 2);
	CHECK_EQ_INT(rec.actions[1], SC_BTN_HANGUP);
	CHECK_EQ_INT(rec.times[1], 12300);
	CHECK_EQ_INT(rec.state, SC_UI_IDLE);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->events, 9);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->keys, 4);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->actions, 2);

	// The mute key in a call; a key that is not configured does nothing.
	rec.state = SC_UI_IN_CALL;
	n = 0;
	n += key(e + n, KEY_VOLUMEUP, 1, 13000);
	n += key(e + n, KEY_MICMUTE, 1, 13100);
	n += key(e + n, KEY_MICMUTE, 0, 13200);
	put(f.wfd, e, n * sizeof(e[0]));
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	CHECK_EQ_INT(rec.n, 3);
	CHECK_EQ_INT(rec.actions[2], SC_BTN_TOGGLE_MUTE);

	// The writer goes away with half a record sent: that is the end of the device.
	put(f.wfd, e, 5);
	close(f.wfd);
	f.wfd = -1;
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), -ENODEV);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->discarded, 1);
	fifo_close(&f);
}

static void test_long_press_marks_verified(void)
{
	struct fifo f;
	fifo_open(&f);
	struct recorder rec = {.state = SC_UI_SAS_SPOKEN};
	struct sc_evdev_handler h = {get_state, on_action, &rec};
	struct input_event e[4];
	uint64_t when = 0;
	CHECK(!sc_evdev_deadline(f.in, &when));
	put(f.wfd, e, key(e, KEY_PHONE, 1, 50000) * sizeof(e[0]));
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	CHECK_EQ_INT(rec.n, 0);
	// The deadline is from the kernel's time of the press.
	CHECK(sc_evdev_deadline(f.in, &when));
	CHECK_EQ_INT(when, 51500);
	sc_evdev_tick(f.in, &h, 51499);
	CHECK_EQ_INT(rec.n, 0);
	sc_evdev_tick(f.in, &h, 51500);
	CHECK_EQ_INT(rec.n, 1);
	CHECK_EQ_INT(rec.actions[0], SC_BTN_MARK_VERIFIED);
	// Its release, long after, does not hang up.
	put(f.wfd, e, key(e, KEY_PHONE, 0, 53000) * sizeof(e[0]));
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	CHECK_EQ_INT(rec.n, 1);
	CHECK_EQ_INT(rec.state, SC_UI_SAS_SPOKEN);
	fifo_close(&f);
}

static void test_syn_dropped(void)
{
	struct fifo f;
	fifo_open(&f);
	struct recorder rec = {.state = SC_UI_IN_CALL};
	struct sc_evdev_handler h = {get_state, on_action, &rec};
	struct input_event e[16];
	size_t n = 0;
	n += key(e + n, KEY_PLAYPAUSE, 1, 1000); // held...
	e[n++] = ev(EV_SYN, SYN_DROPPED, 0, 1100); // ...events lost...
	e[n++] = ev(EV_KEY, KEY_MICMUTE, 1, 1150); // part of the broken packet: discarded
	e[n++] = ev(EV_SYN, SYN_REPORT, 0, 1150);
	n += key(e + n, KEY_PLAYPAUSE, 0, 1200); // the release of a press now forgotten
	put(f.wfd, e, n * sizeof(e[0]));
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	// No mute toggle from the discarded packet, and no hang-up from the orphan release.
	CHECK_EQ_INT(rec.n, 0);
	CHECK_EQ_INT(rec.state, SC_UI_IN_CALL);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->dropped, 1);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->discarded, 2);
	uint64_t when;
	CHECK(!sc_evdev_deadline(f.in, &when));
	// After the resync, buttons work again.
	n = 0;
	n += key(e + n, KEY_PLAYPAUSE, 1, 2000);
	n += key(e + n, KEY_PLAYPAUSE, 0, 2100);
	put(f.wfd, e, n * sizeof(e[0]));
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	CHECK_EQ_INT(rec.n, 1);
	CHECK_EQ_INT(rec.actions[0], SC_BTN_HANGUP);
	fifo_close(&f);
}

static void test_unplug_is_enodev(void)
{
	struct fifo f;
	fifo_open(&f);
	struct recorder rec = {.state = SC_UI_IN_CALL};
	struct sc_evdev_handler h = {get_state, on_action, &rec};
	struct input_event e[2];
	put(f.wfd, e, key(e, KEY_PLAYPAUSE, 1, 1000) * sizeof(e[0]));
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), 0);
	uint64_t when;
	CHECK(sc_evdev_deadline(f.in, &when));
	fail_reads_with = ENODEV; // what read() on an unplugged /dev/input/eventN returns
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), -ENODEV);
	fail_reads_with = EIO;
	CHECK_EQ_INT(sc_evdev_read(f.in, &h), -EIO);
	fail_reads_with = 0;
	// The press in progress is forgotten: no long press fires for an unplugged headset.
	CHECK(!sc_evdev_deadline(f.in, &when));
	CHECK_EQ_INT(rec.n, 0);
	fifo_close(&f);
}

// A burst larger than one call reads: the reader stops after a bounded amount and says more
// is waiting; nothing is lost or repeated.
static void test_bounded_burst(void)
{
	struct fifo f;
	fifo_open(&f);
	struct recorder rec = {.state = SC_UI_IN_CALL};
	struct sc_evdev_handler h = {get_state, on_action, &rec};
	enum { PRESSES = 600 };
	struct input_event *e = calloc(PRESSES * 2, sizeof(*e));
	for (size_t i = 0; i < PRESSES; i++) // mute pressed and released, without SYN_REPORTs
		e[2 * i] = ev(EV_KEY, KEY_MICMUTE, i % 2 ? 0 : 1, 1000 + i);
	for (size_t i = 0; i < PRESSES; i++)
		e[2 * i + 1] = ev(EV_SYN, SYN_REPORT, 0, 1000 + i);
	put(f.wfd, e, PRESSES * 2 * sizeof(*e));
	int r, calls = 0;
	while ((r = sc_evdev_read(f.in, &h)) == 1 && calls < 100)
		calls++;
	CHECK_EQ_INT(r, 0);
	CHECK(calls >= 1); // 1200 records are more than one call's 16 x 64
	CHECK_EQ_INT(sc_evdev_stats(f.in)->events, PRESSES * 2);
	CHECK_EQ_INT(sc_evdev_stats(f.in)->actions, PRESSES / 2);
	free(e);
	fifo_close(&f);
}

static void test_file_and_open_errors(void)
{
	char dir[] = "/tmp/sc-evdev-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/recorded", dir);
	struct input_event e[4];
	size_t n = key(e, KEY_PLAYPAUSE, 1, 7000);
	n += key(e + n, KEY_PLAYPAUSE, 0, 7100);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	put(fd, e, n * sizeof(e[0]));
	close(fd);
	struct sc_buttons b = buttons();
	struct sc_evdev_input *in = NULL;
	struct recorder rec = {.state = SC_UI_RINGING};
	struct sc_evdev_handler h = {get_state, on_action, &rec};
	CHECK_EQ_INT(sc_evdev_open(path, &b, &in), 0);
	CHECK_EQ_INT(sc_evdev_read(in, &h), -ENODEV); // all of it, then its end
	CHECK_EQ_INT(rec.n, 1);
	CHECK_EQ_INT(rec.actions[0], SC_BTN_ANSWER);
	sc_evdev_close(in);

	CHECK_EQ_INT(sc_evdev_open("/nonexistent/event7", &b, &in), -ENOENT);
	CHECK(in == NULL);
	CHECK_EQ_INT(sc_evdev_open(dir, &b, &in), -EINVAL); // a directory
	CHECK_EQ_INT(sc_evdev_open("/dev/null", &b, &in), -ENOTTY); // a device, but not evdev
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_press_release_and_split_records();
	test_long_press_marks_verified();
	test_syn_dropped();
	test_unplug_is_enodev();
	test_bounded_burst();
	test_file_and_open_errors();
	return check_done();
}
