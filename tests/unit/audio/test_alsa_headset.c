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
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 3); // capture, playback, guard
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, 2), -ENOSPC);
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
	// Paced by the device, muted or not; after the loop was held off (a machine at a load
	// of 9 gave 0.147 s) the frames queued meanwhile come at once: half of real time at least.
	CHECK(took >= 0.09 && took <= SLACK(0.22));
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

struct play_result {
	struct sc_alsa_status st;
	int events;
	double worst_gap; // longest time between two wake-ups of the loop, the planned stall aside
};

static struct play_result play_once(const struct play_run *run)
{
	struct play_result r = { 0 };
	unlink(out_path);
	struct sc_alsa *a = open_headset("vheadset", run->volume);
	if (!a)
		return r;
	int16_t in[FRAME], out[FRAME];
	int written = 0;
	double t0 = now_s(), paused_at = 0, last_wake = t0;
	while (written < run->frames && now_s() - t0 < 5.0) {
		int ev = pump(a, 100);
		double woke = now_s();
		if (woke - last_wake > r.worst_gap)
			r.worst_gap = woke - last_wake;
		if (ev > 0)
			r.events |= ev;
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
		last_wake = now_s(); // the planned stall happens inside the loop body
	}
	CHECK_EQ_INT(written, run->frames);
	sc_alsa_get_status(a, &r.st);
	sc_alsa_free(a);
	return r;
}

// The timing checks below hold for a loop that is never held off for a period (the guard
// fills in silence when a write is a period late). A machine busy with other work can hold this process off for
// longer; then the run is repeated, up to three times. Returns whether the last run kept
// that pace; only then are the exact timing checks made.
static bool play(const struct play_run *run, struct play_result *r)
{
	for (int attempt = 1; attempt <= 3; attempt++) {
		*r = play_once(run);
		if (r->worst_gap < 0.035)
			return true;
		fprintf(stderr, "the loop was held off for %.0f ms (busy machine): %s\n",
			r->worst_gap * 1000, attempt < 3 ? "again" : "exact timing checks skipped");
	}
	return false;
}

static void test_playback_one_second(void)
{
	struct play_run run = { .frames = 50, .volume = 100, .amp = 10000 };
	struct play_result r;
	bool paced = play(&run, &r);
	fprintf(stderr, "playback: %llu underruns, %llu frames of silence filled in\n",
		(unsigned long long)r.st.underruns, (unsigned long long)r.st.silence_filled);
	uint32_t n;
	unsigned ch;
	int16_t *rec = read_recording(&n, &ch);
	CHECK(rec != NULL);
	if (!rec)
		return;
	uint32_t first, last, removed;
	loud_span(rec, n, 500, &first, &last);
	last = squeeze_silence(rec, first, last, &removed);
	double f, amp;
	measure(rec, first + 480, last - 480, &f, &amp);
	fprintf(stderr, "playback: %u frames recorded, tone from %.3f s to %.3f s (%u frames of gaps "
		"left out), %.2f Hz, amplitude %.0f\n", n, first / 48000.0, last / 48000.0, removed, f, amp);
	// after the 50 ms of silence that starts playback (and the resampler's 4 ms), one
	// unbroken second of the tone
	CHECK(first >= 2500);
	CHECK(fabs(f - 1000) < 2);
	CHECK(amp > 9500 && amp < 10500);
	if (paced) {
		CHECK_EQ_INT(r.st.underruns, 0);
		CHECK(first <= 2700);
		CHECK_EQ_INT(removed, 0);
		CHECK(last - first >= 47500 && last - first <= 48300);
	}
	free(rec);
}

static void test_volume(void)
{
	struct play_run run = { .frames = 25, .volume = 50, .amp = 16000 };
	struct play_result r;
	play(&run, &r);
	CHECK_EQ_INT(r.st.volume, 50);
	uint32_t n, first, last;
	unsigned ch;
	int16_t *rec = read_recording(&n, &ch);
	CHECK(rec != NULL);
	if (!rec)
		return;
	uint32_t removed;
	loud_span(rec, n, 200, &first, &last);
	last = squeeze_silence(rec, first, last, &removed);
	double f, amp;
	measure(rec, first + 480, last - 480, &f, &amp);
	fprintf(stderr, "volume 50: amplitude %.0f of 16000 (expected %.0f)\n", amp, 16000 * 0.125);
	CHECK(fabs(amp - 2000) < 100); // 50 % is (0.5)^3 = -18 dB
	CHECK(fabs(f - 1000) < 2);
	free(rec);
	// 0 is silence
	run.volume = 0;
	play(&run, &r);
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
	struct play_result r;
	bool paced = play(&run, &r);
	fprintf(stderr, "pause: %llu underruns, %llu frames of silence filled in\n",
		(unsigned long long)r.st.underruns, (unsigned long long)r.st.silence_filled);
	CHECK(r.st.silence_filled >= 48000 * 25 / 100);
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
	CHECK(gap >= 48000 * 25 / 100);
	if (paced) {
		CHECK_EQ_INT(r.st.underruns, 0);
		CHECK(r.st.silence_filled <= 48000 * 40 / 100);
		CHECK(gap <= 48000 * 0.40); // 300 ms, the frame being read when it ended, wake-ups
	}
	free(rec);

	run.stall = true;
	play(&run, &r);
	fprintf(stderr, "stall: %llu underruns, %llu overruns\n", (unsigned long long)r.st.underruns,
		(unsigned long long)r.st.overruns);
	CHECK(r.st.underruns >= 1);
	CHECK(r.st.overruns >= 1);
	CHECK(r.events & SC_ALSA_EV_XRUN);
	CHECK(!(r.events & SC_ALSA_EV_UNPLUGGED));
	CHECK_EQ_INT(r.st.state, SC_ALSA_OPEN);
	rec = read_recording(&n, &ch);
	loud_span(rec, n, 500, &first, &last);
	// the 20 frames written after the recovery: the tone, whole, once gaps are left out
	uint32_t removed;
	last = squeeze_silence(rec, first, last, &removed);
	double f, amp;
	measure(rec, last - 48000 / 5, last, &f, &amp);
	CHECK(fabs(f - 1000) < 5);
	CHECK(amp > 7500 && amp < 8500);
	free(rec);
}

// Idle, before any call: the core neither reads nor writes. The device is kept playing
// silence (not an xrun every 50 ms), and the microphone queue fills up to its bound.
static void test_idle(void)
{
	unlink(out_path);
	struct sc_alsa *a = open_headset("vheadset", 100);
	if (!a)
		return;
	double t0 = now_s(), worst_gap = 0, last_wake = t0;
	while (now_s() - t0 < 1.5) {
		pump(a, 100);
		if (now_s() - last_wake > worst_gap)
			worst_gap = now_s() - last_wake;
		last_wake = now_s();
	}
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	fprintf(stderr, "idle: %llu frames of silence filled in, %llu underruns, %u samples captured, "
		"%llu dropped\n", (unsigned long long)st.silence_filled, (unsigned long long)st.underruns,
		st.capture_queued, (unsigned long long)st.capture_dropped);
	// the guard fills in with a quarter period left: a loop held off longer underruns
	if (worst_gap < 0.025) {
		CHECK(st.silence_filled >= 48000 * 13 / 10);
		CHECK(st.underruns <= 2);
	} else {
		CHECK(st.silence_filled + (st.underruns + 1) * 2400 >= 48000 * 13 / 10 / 2);
		fprintf(stderr, "idle: the loop was held off for %.0f ms (busy machine)\n", worst_gap * 1000);
	}
	CHECK(st.capture_queued >= 8000 && st.capture_queued <= 8000 + 2 * FRAME);
	CHECK(st.capture_dropped >= 3000);
	sc_alsa_free(a);
}

// The levels the core uses against drift: playback holds the prefill plus what was written
// less what the device played since, capture what was not read yet; and drift.h, fed with
// the playback level, brings an excess back down. Timing on a busy machine varies, so the
// levels are checked against measured time rather than against fixed moments.
static void test_fill_levels(void)
{
	unlink(out_path);
	double t0 = now_s();
	struct sc_alsa *a = open_headset("vheadset", 100);
	if (!a)
		return;
	struct sc_alsa_status st;
	sc_alsa_get_status(a, &st);
	double expect = 400 - (now_s() - t0) * RATE; // 50 ms of prefill, less what played since
	CHECK(st.playback_queued <= 400 && st.playback_queued >= expect - 20);

	// five frames at once raise it by five frames; then it falls at the device's pace
	int16_t frame[FRAME] = { 0 };
	t0 = now_s();
	sc_alsa_get_status(a, &st);
	uint32_t before = st.playback_queued;
	for (int i = 0; i < 5; i++)
		CHECK_EQ_INT(sc_alsa_write(a, frame), 0);
	sc_alsa_get_status(a, &st);
	double gone = (now_s() - t0) * RATE;
	fprintf(stderr, "fill: %u samples queued, %u after writing 5 frames\n", before, st.playback_queued);
	CHECK(st.playback_queued + gone + 20 >= before + 5 * FRAME && st.playback_queued <= before + 5 * FRAME + 20);
	before = st.playback_queued;
	t0 = now_s();
	usleep(60000);
	sc_alsa_get_status(a, &st);
	gone = (now_s() - t0) * RATE;
	fprintf(stderr, "fill: %u samples queued %.0f samples of time later\n", st.playback_queued, gone);
	CHECK(fabs((double)before - gone - st.playback_queued) <= 30);

	// capture: what was not read grows with time
	int16_t in[FRAME];
	pump(a, 0);
	while (sc_alsa_read(a, in) == 0)
		;
	sc_alsa_get_status(a, &st);
	before = st.capture_queued;
	t0 = now_s();
	usleep(100000);
	sc_alsa_get_status(a, &st);
	gone = (now_s() - t0) * RATE;
	fprintf(stderr, "fill: capture level %u -> %u samples in %.0f samples of time\n", before,
		st.capture_queued, gone);
	CHECK(fabs((double)st.capture_queued - before - gone) <= 30);

	// The core's loop with the drift logic on the playback level, the excess written above
	// still queued: drops bring the level before each write back under high water.
	struct sc_drift d;
	struct sc_drift_config dc = { .low_water = FRAME / 2, .high_water = 3 * FRAME, .window_ms = 200 };
	sc_drift_init(&d, &dc);
	int drops = 0, inserts = 0;
	uint32_t last_min = UINT32_MAX;
	double worst_gap = 0, last_wake = now_s();
	t0 = now_s();
	while (now_s() - t0 < 3.0) {
		pump(a, 100);
		if (now_s() - last_wake > worst_gap)
			worst_gap = now_s() - last_wake;
		last_wake = now_s();
		while (sc_alsa_read(a, in) == 0) {
			sc_alsa_get_status(a, &st);
			double t = now_s() - t0;
			if (t > 2.0 && st.playback_queued < last_min)
				last_min = st.playback_queued;
			enum sc_drift_action act = sc_drift_observe(&d, st.playback_queued, (int64_t)(t * 1000));
			drops += act == SC_DRIFT_DROP;
			inserts += act == SC_DRIFT_INSERT;
			if (act != SC_DRIFT_DROP)
				sc_alsa_write(a, frame);
			if (act == SC_DRIFT_INSERT)
				sc_alsa_write(a, frame);
		}
	}
	sc_alsa_get_status(a, &st);
	fprintf(stderr, "fill: %d drops, %d inserts; level before writes in the last second >= %u "
		"(%llu frames of silence filled in)\n", drops, inserts, last_min,
		(unsigned long long)st.silence_filled);
	// A loop held off on a busy machine adds silence (and so latency) that the drift logic
	// removes only a frame per 400 ms: the result is checked for an undisturbed loop.
	if (worst_gap < 0.035) {
		CHECK(drops >= 4);
		CHECK(last_min >= FRAME / 2 && last_min <= 3 * FRAME);
	} else {
		CHECK(drops >= 1);
		fprintf(stderr, "fill: the loop was held off for %.0f ms (busy machine): final level "
			"not checked\n", worst_gap * 1000);
	}
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
	CHECK_EQ_INT(sc_alsa_pollfds(a, fds, SC_ALSA_MAX_POLLFDS), 3);
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
	test_idle();
	test_absent_then_present();

	snd_config_update_free_global();
	unlink(conf_path);
	unlink(in_path);
	unlink(out_path);
	rmdir(dir);
	return check_done();
}
