// SPDX-License-Identifier: GPL-3.0-or-later
// The ALSA backend against the virtual headset (tests/virtual-headset), opened by name the
// way sealcalld opens a USB headset: a device that offers 48 kHz only, paced in real time,
// that plays a WAV file into the microphone and records what it is given.
#include <alsa/asoundlib.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/alsa_headset.h"
#include "audio/drift.h"
#include "audio/resample.h"
#include "check.h"
#include "wav.h"

#define DEV_RATE 48000
#define RATE 8000
#define FRAME 160 // 20 ms at 8 kHz
#define SOURCE_FRAMES (DEV_RATE * 3 / 2)
// Never faster than real time is exact; how much slower depends on how busy the machine is.
#define SLACK(s) ((s) + 0.25)

static char dir[64], conf_path[128], in_path[128], out_path[128];
static int16_t source[SOURCE_FRAMES];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_source(void)
{
	for (uint32_t i = 0; i < SOURCE_FRAMES; i++) {
		double t = (double)i / DEV_RATE;
		// two tones whose mix changes over time, so a lost or repeated frame shows
		source[i] = (int16_t)lrint(6000 * sin(2 * M_PI * 440 * t) * (0.5 + 0.5 * t) +
					   5000 * sin(2 * M_PI * 1250 * t));
	}
	FILE *f = fopen(in_path, "wb");
	uint8_t hdr[VH_WAV_HEADER_LEN];
	vh_wav_header(hdr, 1, DEV_RATE, SOURCE_FRAMES * 2);
	fwrite(hdr, 1, sizeof(hdr), f);
	fwrite(source, 2, SOURCE_FRAMES, f);
	fclose(f);
}

static void write_config(const char *extra)
{
	FILE *f = fopen(conf_path, "w");
	fprintf(f,
		"pcm_type.schead { lib \"%s\" }\n"
		"pcm.vheadset {\n type schead\n capture_file \"%s\"\n playback_file \"%s\"\n rate %d\n}\n"
		"pcm.vstereo {\n type schead\n playback_file \"%s\"\n rate %d\n channels 2\n}\n%s",
		SCHEAD_SO, in_path, out_path, DEV_RATE, out_path, DEV_RATE, extra);
	fclose(f);
}

// The recording the virtual headset made: samples of channel 0 at 48 kHz, or NULL.
static int16_t *read_recording(uint32_t *frames, unsigned *channels)
{
	*frames = 0;
	FILE *f = fopen(out_path, "rb");
	if (!f)
		return NULL;
	static uint8_t buf[1 << 23];
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	struct vh_wav w;
	const char *why;
	if (vh_wav_parse(buf, len, len, &w, &why) != 0 || w.rate != DEV_RATE)
		return NULL;
	*channels = w.channels;
	*frames = (uint32_t)(w.data_bytes / (2u * w.channels));
	int16_t *s = malloc((*frames + 1) * sizeof(int16_t));
	for (uint32_t i = 0; i < *frames; i++)
		memcpy(&s[i], buf + w.data_offset + (size_t)i * 2 * w.channels, 2);
	return s;
}

// Polls like the daemon's loop and lets the backend work; returns its events.
static int pump(struct sc_alsa *a, int timeout_ms)
{
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	int n = sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS);
	if (n < 0)
		return n;
	if (n == 0) {
		usleep((useconds_t)timeout_ms * 1000);
		return 0;
	}
	poll(fds, (nfds_t)n, timeout_ms);
	return sc_alsa_handle(a, fds, (size_t)n);
}

static struct sc_alsa *open_headset(const char *name, uint32_t volume)
{
	struct sc_alsa_config cfg = { .device = name, .rate = RATE, .frame_ms = 20, .volume = volume };
	struct sc_alsa *a = NULL;
	CHECK_EQ_INT(sc_alsa_new(&cfg, &a), 0);
	return a;
}

static void tone(int16_t *frame, uint32_t first_sample, double freq, double amp)
{
	for (int i = 0; i < FRAME; i++)
		frame[i] = (int16_t)lrint(amp * sin(2 * M_PI * freq * (first_sample + i) / RATE));
}

// Frequency (rising zero crossings) and peak amplitude (from the RMS) of S[from..to).
static void measure(const int16_t *s, uint32_t from, uint32_t to, double *freq, double *amp)
{
	uint32_t first = 0, last = 0, crossings = 0;
	double sq = 0;
	for (uint32_t i = from + 1; i < to; i++)
		if (s[i - 1] < 0 && s[i] >= 0) {
			if (!crossings)
				first = i;
			last = i;
			crossings++;
		}
	for (uint32_t i = from; i < to; i++)
		sq += (double)s[i] * s[i];
	*freq = crossings > 1 ? (double)(crossings - 1) * DEV_RATE / (last - first) : 0;
	*amp = to > from ? sqrt(2 * sq / (to - from)) : 0;
}

// Where the recording is loud (|s| > THRESHOLD): first and last such sample.
static void loud_span(const int16_t *s, uint32_t n, int threshold, uint32_t *first, uint32_t *last)
{
	*first = *last = 0;
	bool any = false;
	for (uint32_t i = 0; i < n; i++)
		if (abs(s[i]) > threshold) {
			if (!any)
				*first = i;
			*last = i;
			any = true;
		}
}

// Removes the stretches of silence (48 samples or more under 100) between FIRST and LAST
// that the backend put in when this test was descheduled on a busy machine; the tone is
// written phase-continuously, so what stays is one unbroken tone. Returns the new LAST and
// the number of samples taken out in *REMOVED.
static uint32_t squeeze_silence(int16_t *s, uint32_t first, uint32_t last, uint32_t *removed)
{
	uint32_t out = first, run = 0;
	*removed = 0;
	for (uint32_t i = first; i <= last; i++) {
		s[out++] = s[i];
		run = abs(s[i]) < 100 ? run + 1 : 0;
		if (run == 48) {
			out -= 48;
			*removed += 48;
		} else if (run > 48) {
			out--;
			(*removed)++;
		}
	}
	return out - 1;
}

static void test_opens_at_what_the_device_offers(void)
{
	struct sc_alsa *a = open_headset("vheadset", 100);
	if (!a)
		return;
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_OPEN);
	CHECK(strcmp(st.pcm, "vheadset") == 0);
	// 8 kHz is refused by the device, 48 kHz is its rate; nothing converts but us
	CHECK_EQ_INT(st.capture_rate, 48000);
	CHECK_EQ_INT(st.playback_rate, 48000);
	CHECK_EQ_INT(st.capture_channels, 1);
	CHECK(st.mixer[0] == 0);
	CHECK_EQ_INT(sc_alsa_frame_samples(a), FRAME);
	CHECK_STR_CONTAINS(sc_alsa_why(a), "");
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 2);
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, 1), -ENOSPC);
	CHECK_EQ_INT(sc_alsa_handle(a, fds, 1), -EINVAL);
	sc_alsa_free(a);

	// a stereo-only device: playback is upmixed
	a = open_headset("vstereo", 100);
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_OPEN);
	CHECK_EQ_INT(st.playback_channels, 2);
	sc_alsa_free(a);

	struct sc_alsa_config bad = { .device = "vheadset", .rate = 8000, .frame_ms = 30, .volume = 50 };
	CHECK_EQ_INT(sc_alsa_new(&bad, &a), -EINVAL);
	bad.frame_ms = 20;
	bad.volume = 101;
	CHECK_EQ_INT(sc_alsa_new(&bad, &a), -EINVAL);
}

// One second of microphone through the API: paced by the device, and the samples are the
// WAV's, converted to 8 kHz, in order, none lost or repeated. Then mute: zeros, same pace.
static void test_capture_one_second(void)
{
	unlink(out_path);
	double t0 = now_s();
	struct sc_alsa *a = open_headset("vheadset", 100);
	if (!a)
		return;
	int16_t *got = calloc(60 * FRAME, sizeof(int16_t));
	int frames = 0;
	while (frames < 50 && now_s() - t0 < 3.0) {
		int ev = pump(a, 100);
		CHECK(ev >= 0 && !(ev & SC_ALSA_EV_UNPLUGGED));
		while (frames < 50 && sc_alsa_read(a, got + frames * FRAME) == 0)
			frames++;
	}
	double took = now_s() - t0;
	fprintf(stderr, "capture: 50 frames of 20 ms in %.3f s\n", took);
	CHECK_EQ_INT(frames, 50);
	CHECK(took >= 0.98 && took <= SLACK(1.02));

	// the same WAV through a resampler of our own, in one piece
	struct sc_resampler *r;
	CHECK_EQ_INT(sc_resampler_new(DEV_RATE, RATE, SC_RESAMPLE_QUALITY, &r), 0);
	int16_t *ref = calloc(SOURCE_FRAMES / 6 + 16, sizeof(int16_t));
	int nref = sc_resampler_process(r, source, SOURCE_FRAMES, ref, SOURCE_FRAMES / 6 + 16);
	sc_resampler_free(r);
	CHECK(nref >= 50 * FRAME);
	int wrong = 0, loud = 0;
	for (int i = 0; i < 50 * FRAME && i < nref; i++) {
		wrong += abs(got[i] - ref[i]) > 1;
		loud += abs(got[i]) > 1000;
	}
	CHECK_EQ_INT(wrong, 0);
	CHECK(loud > 50 * FRAME / 2); // not a silent microphone that matched silence

	// Muted: frames keep coming at the same pace, all zero; unmuted: sound again.
	sc_alsa_set_mute(a, true);
	sc_alsa_get_status(a, &(struct sc_alsa_status){ 0 });
	int16_t frame[FRAME];
	while (sc_alsa_read(a, frame) == 0) // what was captured before the mute
		;
	int muted_frames = 0, nonzero = 0;
	t0 = now_s();
	while (muted_frames < 10 && now_s() - t0 < 2.0) {
		pump(a, 100);
		while (muted_frames < 10 && sc_alsa_read(a, frame) == 0) {
			muted_frames++;
			for (int i = 0; i < FRAME; i++)
				nonzero += frame[i] != 0;
		}
	}
	took = now_s() - t0;
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK(st.muted);
	fprintf(stderr, "mute: 10 frames in %.3f s, %d non-zero samples\n", took, nonzero);
	CHECK_EQ_INT(muted_frames, 10);
	CHECK_EQ_INT(nonzero, 0);
	CHECK(took >= 0.17 && took <= SLACK(0.22));
	sc_alsa_set_mute(a, false);
	int loud_again = 0;
	for (int k = 0; k < 20 && !loud_again; k++) {
		pump(a, 100);
		while (sc_alsa_read(a, frame) == 0)
			for (int i = 0; i < FRAME; i++)
				loud_again += abs(frame[i]) > 1000;
	}
	CHECK(loud_again > 0);
	sc_alsa_free(a);
	free(got);
	free(ref);
}

// The daemon's rhythm: a frame written for each frame read. N frames of a tone at AMP; the
// frames from STOP_AT on come only after a pause of PAUSE_MS during which the loop keeps
// polling (STALL false) or does nothing at all (STALL true, as a descheduled process).
struct play_run {
	int frames, stop_at, pause_ms;
	bool stall;
	uint32_t volume;
	double amp;
};

static struct sc_alsa_status play(const struct play_run *run, int *events)
{
	struct sc_alsa_status st = { 0 };
	unlink(out_path);
	struct sc_alsa *a = open_headset("vheadset", run->volume);
	if (!a)
		return st;
	int16_t in[FRAME], out[FRAME];
	int written = 0;
	*events = 0;
	double t0 = now_s(), paused_at = 0;
	while (written < run->frames && now_s() - t0 < 5.0) {
		int ev = pump(a, 100);
		if (ev > 0)
			*events |= ev;
		while (written < run->frames && sc_alsa_read(a, in) == 0) {
			if (written == run->stop_at && run->pause_ms) {
				if (!paused_at) {
					paused_at = now_s();
					if (run->stall)
						usleep((useconds_t)run->pause_ms * 1000);
				}
				if (now_s() - paused_at < run->pause_ms / 1000.0)
					continue; // the frame is read and dropped: nothing to play
			}
			tone(out, (uint32_t)written * FRAME, 1000, run->amp);
			CHECK_EQ_INT(sc_alsa_write(a, out), 0);
			written++;
		}
	}
	CHECK_EQ_INT(written, run->frames);
	sc_alsa_get_status(a, &st);
	sc_alsa_free(a);
	return st;
}

static void test_playback_one_second(void)
{
	struct play_run run = { .frames = 50, .volume = 100, .amp = 10000 };
	int events;
	struct sc_alsa_status st = play(&run, &events);
	fprintf(stderr, "playback: %llu underruns, %llu frames of silence filled in\n",
		(unsigned long long)st.underruns, (unsigned long long)st.silence_filled);
	CHECK_EQ_INT(st.underruns, 0);
	uint32_t n;
	unsigned ch;
	int16_t *rec = read_recording(&n, &ch);
	CHECK(rec != NULL);
	if (!rec)
		return;
	uint32_t first, last, removed;
	loud_span(rec, n, 500, &first, &last);
	last = squeeze_silence(rec, first, last, &removed);
	CHECK(removed <= st.silence_filled);
	double f, amp;
	measure(rec, first + 480, last - 480, &f, &amp);
	fprintf(stderr, "playback: %u frames recorded, tone from %.3f s to %.3f s (%u frames of gaps "
		"left out), %.2f Hz, amplitude %.0f\n", n, first / 48000.0, last / 48000.0, removed, f, amp);
	// after the 50 ms of silence that starts playback (and the resampler's 4 ms), one
	// second of the tone
	CHECK(first >= 2500 && first <= 2700);
	CHECK(last - first >= 47500 && last - first <= 48300);
	CHECK(fabs(f - 1000) < 2);
	CHECK(amp > 9500 && amp < 10500);
	free(rec);
}

static void test_volume(void)
{
	struct play_run run = { .frames = 25, .volume = 50, .amp = 16000 };
	int events;
	struct sc_alsa_status st = play(&run, &events);
	CHECK_EQ_INT(st.volume, 50);
	uint32_t n, first, last;
	unsigned ch;
	int16_t *rec = read_recording(&n, &ch);
	CHECK(rec != NULL);
	if (!rec)
		return;
	uint32_t removed;
	loud_span(rec, n, 200, &first, &last);
	last = squeeze_silence(rec, first, last, &removed);
	CHECK(removed <= st.silence_filled);
	double f, amp;
	measure(rec, first + 480, last - 480, &f, &amp);
	fprintf(stderr, "volume 50: amplitude %.0f of 16000 (expected %.0f)\n", amp, 16000 * 0.125);
	CHECK(fabs(amp - 2000) < 100); // 50 % is (0.5)^3 = -18 dB
	CHECK(fabs(f - 1000) < 2);
	free(rec);
	// 0 is silence
	run.volume = 0;
	play(&run, &events);
	rec = read_recording(&n, &ch);
	int loud = 0;
	for (uint32_t i = 0; rec && i < n; i++)
		loud += rec[i] != 0;
	CHECK(rec && n > 20000);
	CHECK_EQ_INT(loud, 0);
	free(rec);
}

// The loop keeps running but has nothing to play for 300 ms: the device gets silence, never
// runs dry, and the tone comes back. Then the whole process stalls for 300 ms: both
// directions overrun/underrun, are recovered, and the audio goes on.
static void test_underruns(void)
{
	struct play_run run = { .frames = 30, .stop_at = 10, .pause_ms = 300, .volume = 100, .amp = 8000 };
	int events;
	struct sc_alsa_status st = play(&run, &events);
	fprintf(stderr, "pause: %llu underruns, %llu frames of silence filled in\n",
		(unsigned long long)st.underruns, (unsigned long long)st.silence_filled);
	CHECK_EQ_INT(st.underruns, 0);
	CHECK(st.silence_filled >= 48000 * 25 / 100 && st.silence_filled <= 48000 * 40 / 100);
	uint32_t n;
	unsigned ch;
	int16_t *rec = read_recording(&n, &ch);
	CHECK(rec != NULL);
	// the longest quiet stretch inside the tone is the pause
	uint32_t first, last, gap = 0, run_len = 0;
	loud_span(rec, n, 500, &first, &last);
	for (uint32_t i = first; rec && i <= last; i++) {
		run_len = abs(rec[i]) < 100 ? run_len + 1 : 0;
		if (run_len > gap)
			gap = run_len;
	}
	fprintf(stderr, "pause: %.3f s of silence in the recording\n", gap / 48000.0);
	CHECK(gap >= 48000 * 25 / 100 && gap <= 48000 * SLACK(0.33));
	free(rec);

	run.stall = true;
	st = play(&run, &events);
	fprintf(stderr, "stall: %llu underruns, %llu overruns\n", (unsigned long long)st.underruns,
		(unsigned long long)st.overruns);
	CHECK(st.underruns >= 1);
	CHECK(st.overruns >= 1);
	CHECK(events & SC_ALSA_EV_XRUN);
	CHECK(!(events & SC_ALSA_EV_UNPLUGGED));
	CHECK_EQ_INT(st.state, SC_ALSA_OPEN);
	rec = read_recording(&n, &ch);
	loud_span(rec, n, 500, &first, &last);
	double f, amp;
	measure(rec, last - 48000 / 10, last, &f, &amp); // the last 100 ms: after the recovery
	CHECK(fabs(f - 1000) < 5);
	CHECK(amp > 7500 && amp < 8500);
	free(rec);
}

// The levels the core uses against drift: playback holds the prefill plus what was written,
// capture what was not read yet; drift.h turns a level that stays high into a drop.
static void test_fill_levels(void)
{
	unlink(out_path);
	struct sc_alsa *a = open_headset("vheadset", 100);
	if (!a)
		return;
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK(st.playback_queued >= 380 && st.playback_queued <= 400); // 50 ms of prefill
	int16_t frame[FRAME] = { 0 };
	// steady: a frame written per frame read
	double t0 = now_s();
	uint32_t lo = UINT32_MAX, hi = 0;
	int frames = 0;
	while (now_s() - t0 < 0.5) {
		pump(a, 100);
		while (sc_alsa_read(a, frame) == 0) {
			sc_alsa_write(a, frame);
			frames++;
			sc_alsa_get_status(a, &st);
			if (st.playback_queued < lo)
				lo = st.playback_queued;
			if (st.playback_queued > hi)
				hi = st.playback_queued;
		}
	}
	fprintf(stderr, "fill: playback level %u..%u samples over %d frames\n", lo, hi, frames);
	CHECK(lo >= FRAME && hi <= 3 * FRAME + 20);
	// five frames too many: the level shows it at once, and the drift logic asks for drops
	for (int i = 0; i < 5; i++)
		CHECK_EQ_INT(sc_alsa_write(a, frame), 0);
	sc_alsa_get_status(a, &st);
	CHECK(st.playback_queued >= lo + 5 * FRAME - 20 && st.playback_queued <= hi + 5 * FRAME + 20);
	struct sc_drift d;
	struct sc_drift_config dc = { .low_water = FRAME / 2, .high_water = 3 * FRAME, .window_ms = 200 };
	sc_drift_init(&d, &dc);
	int drops = 0;
	t0 = now_s();
	while (now_s() - t0 < 2.5) {
		pump(a, 100);
		while (sc_alsa_read(a, frame) == 0) {
			sc_alsa_get_status(a, &st);
			enum sc_drift_action act = sc_drift_observe(&d, st.playback_queued,
								   (int64_t)((now_s() - t0) * 1000));
			if (act == SC_DRIFT_DROP) {
				drops++;
				continue;
			}
			sc_alsa_write(a, frame);
		}
	}
	sc_alsa_get_status(a, &st);
	fprintf(stderr, "fill: %d drops brought the level to %u samples\n", drops, st.playback_queued);
	// 1.5 frames queued before each write plus 5: four drops bring it under high water
	CHECK_EQ_INT(drops, 4);
	CHECK(st.playback_queued <= 3 * FRAME + FRAME / 2);
	// capture: not reading lets the level grow with time
	while (sc_alsa_read(a, frame) == 0)
		;
	usleep(100000);
	pump(a, 0);
	sc_alsa_get_status(a, &st);
	fprintf(stderr, "fill: capture level %u samples after 100 ms unread\n", st.capture_queued);
	CHECK(st.capture_queued >= 700 && st.capture_queued <= 800 + 2 * FRAME);
	sc_alsa_free(a);
}

// A device that is not there: CLOSED with the reason; once the configuration defines it
// (a headset plugged in), reprobe opens it.
static void test_absent_then_present(void)
{
	struct sc_alsa *a = open_headset("latecomer", 80);
	if (!a)
		return;
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_CLOSED);
	CHECK_STR_CONTAINS(sc_alsa_why(a), "\"latecomer\" is neither an ALSA card nor a PCM");
	struct pollfd fds[SC_ALSA_MAX_POLLFDS];
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 0);
	CHECK_EQ_INT(sc_alsa_handle(a, fds, 0), 0);
	int16_t frame[FRAME] = { 0 };
	CHECK_EQ_INT(sc_alsa_read(a, frame), -ENODEV);
	CHECK_EQ_INT(sc_alsa_write(a, frame), -ENODEV);
	CHECK(sc_alsa_reprobe(a) < 0);

	char extra[256];
	snprintf(extra, sizeof(extra), "pcm.latecomer {\n type schead\n rate %d\n}\n", DEV_RATE);
	sleep(1); // ALSA notices a changed configuration file by its modification time
	write_config(extra);
	CHECK_EQ_INT(sc_alsa_reprobe(a), 0);
	sc_alsa_get_status(a, &st);
	CHECK_EQ_INT(st.state, SC_ALSA_OPEN);
	CHECK_EQ_INT(st.opens, 1);
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 2);
	sc_alsa_free(a);
	write_config("");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sc-alsa-test-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(conf_path, sizeof(conf_path), "%s/asound.conf", dir);
	snprintf(in_path, sizeof(in_path), "%s/speech.wav", dir);
	snprintf(out_path, sizeof(out_path), "%s/heard.wav", dir);
	write_source();
	write_config("");
	char path[512];
	snprintf(path, sizeof(path), "/usr/share/alsa/alsa.conf:%s", conf_path);
	setenv("ALSA_CONFIG_PATH", path, 1);

	test_opens_at_what_the_device_offers();
	test_capture_one_second();
	test_playback_one_second();
	test_volume();
	test_underruns();
	test_fill_levels();
	test_absent_then_present();

	snd_config_update_free_global();
	unlink(conf_path);
	unlink(in_path);
	unlink(out_path);
	rmdir(dir);
	return check_done();
}
