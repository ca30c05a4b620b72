// SPDX-License-Identifier: GPL-3.0-or-later
// The headset pulled out in the middle of a call and plugged back: the backend reports it
// once, closes, keeps refusing to open while it is gone, and reopens when it is back.
#include <alsa/asoundlib.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/alsa_headset.h"
#include "check.h"

#define FRAME 160

static char dir[64], conf_path[128], flag_path[128];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pump(struct sc_alsa *a)
{
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	int n = sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS);
	if (n <= 0) {
		usleep(20000);
		return n;
	}
	poll(fds, (nfds_t)n, 100);
	return sc_alsa_handle(a, fds, (size_t)n);
}

// Reads and writes frames for SECONDS; returns how many frames were read.
static int run(struct sc_alsa *a, double seconds, int *events)
{
	int16_t frame[FRAME];
	int frames = 0;
	double t0 = now_s();
	while (now_s() - t0 < seconds) {
		int ev = pump(a);
		if (ev > 0)
			*events |= ev;
		while (sc_alsa_read(a, frame) == 0) {
			frames++;
			sc_alsa_write(a, frame);
		}
	}
	return frames;
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
}

static void test_unplug_and_back(void)
{
	struct sc_alsa_config cfg = { .device = "pluggable", .rate = 8000, .frame_ms = 20, .volume = 80 };
	struct sc_alsa *a;
	CHECK_EQ_INT(sc_alsa_new(&cfg, &a), 0);
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_OPEN);
	int events = 0;
	// audio flows (pacing itself is unit_audio_alsa's subject; a busy machine shifts the count)
	int frames = run(a, 0.3, &events);
	CHECK(frames >= 10 && frames <= 25);
	CHECK(!(events & SC_ALSA_EV_UNPLUGGED));

	// pulled out: reported within a period or two, once
	touch(flag_path);
	double t0 = now_s();
	events = 0;
	int unplug_reports = 0;
	while (now_s() - t0 < 0.5) {
		int ev = pump(a);
		if (ev > 0 && (ev & SC_ALSA_EV_UNPLUGGED))
			unplug_reports++;
		if (ev > 0)
			events |= ev;
	}
	CHECK_EQ_INT(unplug_reports, 1);
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_CLOSED);
	CHECK_EQ_INT(st.unplugs, 1);
	CHECK_STR_CONTAINS(sc_alsa_why(a), "pluggable stopped");
	int16_t frame[FRAME] = { 0 };
	CHECK_EQ_INT(sc_alsa_read(a, frame), -ENODEV);
	CHECK_EQ_INT(sc_alsa_write(a, frame), -ENODEV);
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 0);

	// re-probing while it is gone fails, and says why
	CHECK_EQ_INT(sc_alsa_reprobe(a), -ENODEV);
	CHECK_EQ_INT(sc_alsa_reprobe(a), -ENODEV);
	CHECK_STR_CONTAINS(sc_alsa_why(a), "cannot open pluggable for capture");
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.opens, 1);

	// plugged back: the next probe opens it and audio flows at the same pace
	unlink(flag_path);
	CHECK_EQ_INT(sc_alsa_reprobe(a), 0);
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_OPEN);
	CHECK_EQ_INT(st.opens, 2);
	CHECK_EQ_INT(st.volume, 80);
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 3);
	events = 0;
	frames = run(a, 0.3, &events);
	CHECK(frames >= 10 && frames <= 25);
	CHECK(!(events & SC_ALSA_EV_UNPLUGGED));
	sc_alsa_free(a);
}

// Started without the headset: CLOSED from the start, open once it is plugged in.
static void test_plugged_in_later(void)
{
	touch(flag_path);
	struct sc_alsa_config cfg = { .device = "pluggable", .rate = 8000, .frame_ms = 10, .volume = 80 };
	struct sc_alsa *a;
	CHECK_EQ_INT(sc_alsa_new(&cfg, &a), 0);
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_CLOSED);
	CHECK_STR_CONTAINS(sc_alsa_why(a), "cannot open pluggable");
	unlink(flag_path);
	CHECK_EQ_INT(sc_alsa_reprobe(a), 0);
	int events = 0;
	int frames = run(a, 0.2, &events); // 10 ms frames
	CHECK(frames >= 14 && frames <= 35);
	sc_alsa_free(a);
}

// Pulled out just before the core writes: the write notices, and the next handle reports it
// with the descriptors the loop still holds.
static void test_unplug_seen_by_write(void)
{
	struct sc_alsa_config cfg = { .device = "pluggable", .rate = 8000, .frame_ms = 20, .volume = 80 };
	struct sc_alsa *a;
	CHECK_EQ_INT(sc_alsa_new(&cfg, &a), 0);
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	int n = sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS);
	CHECK_EQ_INT(n, 3);
	touch(flag_path);
	int16_t frame[FRAME] = { 0 };
	CHECK_EQ_INT(sc_alsa_write(a, frame), 0);
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_CLOSED);
	for (int i = 0; i < n; i++)
		fds[i].revents = 0;
	CHECK_EQ_INT(sc_alsa_handle(a, fds, (size_t)n), SC_ALSA_EV_UNPLUGGED);
	CHECK_EQ_INT(sc_alsa_handle(a, fds, 0), 0); // once
	unlink(flag_path);
	sc_alsa_free(a);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sc-unplug-test-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(conf_path, sizeof(conf_path), "%s/asound.conf", dir);
	snprintf(flag_path, sizeof(flag_path), "%s/unplugged", dir);
	FILE *f = fopen(conf_path, "w");
	fprintf(f, "pcm_type.scunplug { lib \"%s\" }\npcm.pluggable {\n type scunplug\n flag \"%s\"\n}\n",
		SCUNPLUG_SO, flag_path);
	fclose(f);
	char path[512];
	snprintf(path, sizeof(path), "/usr/share/alsa/alsa.conf:%s", conf_path);
	setenv("ALSA_CONFIG_PATH", path, 1);

	test_unplug_and_back();
	test_plugged_in_later();
	test_unplug_seen_by_write();

	snd_config_update_free_global();
	unlink(flag_path);
	unlink(conf_path);
	rmdir(dir);
	return check_done();
}
