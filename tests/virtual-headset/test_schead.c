// SPDX-License-Identifier: GPL-3.0-or-later
// The virtual headset opened the way sealcalld opens a headset: by PCM name through
// snd_pcm_open, with the plugin found through ALSA_CONFIG_PATH. Proves real-time pacing
// (blocking and poll-driven), capture content, recorded content and the silence an
// underrun leaves in the recording.
#include <alsa/asoundlib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "wav.h"

#define RATE 48000
#define PERIOD 960 // 20 ms
#define PERIODS 4
#define SOURCE_FRAMES (RATE * 3 / 2)
// Never faster than real time is exact; how much slower depends on how busy the machine is
// (other builds on two cores): upper bounds allow a quarter second of scheduling delay.
#define SLACK(s) ((s) + 0.25)

static char dir[64], conf_path[128], in_path[128], out_path[128], bad_path[128];
static char start_path[128], unplug_path[128], events_path[128];

static int16_t pattern(uint32_t i)
{
	return (int16_t)((i * 2654435761u) >> 16);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_wav(const char *path, uint32_t rate, uint32_t frames)
{
	FILE *f = fopen(path, "wb");
	uint8_t hdr[VH_WAV_HEADER_LEN];
	vh_wav_header(hdr, 1, rate, frames * 2);
	fwrite(hdr, 1, sizeof(hdr), f);
	for (uint32_t i = 0; i < frames; i++) {
		int16_t v = pattern(i);
		fwrite(&v, 2, 1, f);
	}
	fclose(f);
}

static int16_t *read_wav(const char *path, uint32_t *frames)
{
	*frames = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static uint8_t buf[1 << 22];
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	struct vh_wav w;
	const char *why;
	if (vh_wav_parse(buf, len, len, &w, &why) != 0 || w.rate != RATE || w.channels != 1)
		return NULL;
	*frames = (uint32_t)(w.data_bytes / 2);
	int16_t *s = malloc(w.data_bytes + 2);
	memcpy(s, buf + w.data_offset, w.data_bytes);
	return s;
}

static void write_config(void)
{
	FILE *f = fopen(conf_path, "w");
	fprintf(f,
		"pcm_type.schead { lib \"%s\" }\n"
		"pcm.vheadset {\n type schead\n capture_file \"%s\"\n playback_file \"%s\"\n"
		" rate %d\n channels 1\n}\n"
		"pcm.vheadset_wrong_rate {\n type schead\n capture_file \"%s\"\n rate %d\n}\n"
		"pcm.vheadset_typo {\n type schead\n captur_file \"%s\"\n}\n"
		"pcm.vheadset_ctl {\n type schead\n capture_file \"%s\"\n playback_file \"%s\"\n"
		" capture_start_file \"%s\"\n unplug_file \"%s\"\n events_file \"%s\"\n}\n",
		SCHEAD_SO, in_path, out_path, RATE, bad_path, RATE, in_path, in_path, out_path,
		start_path, unplug_path, events_path);
	fclose(f);
}

// Capture gets a deep buffer (320 ms): a test process descheduled on a busy machine must not
// overrun, which would (as on a real card) lose audio and fail the content checks.
static int open_dev(snd_pcm_t **pcm, const char *name, snd_pcm_stream_t stream, int mode)
{
	unsigned periods = stream == SND_PCM_STREAM_CAPTURE ? 16 : PERIODS;
	int err = snd_pcm_open(pcm, name, stream, mode);
	if (err < 0)
		return err;
	snd_pcm_hw_params_t *hw;
	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_hw_params_any(*pcm, hw);
	snd_pcm_uframes_t period = PERIOD, buffer = PERIOD * periods;
	if ((err = snd_pcm_hw_params_set_access(*pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0 ||
	    (err = snd_pcm_hw_params_set_format(*pcm, hw, SND_PCM_FORMAT_S16_LE)) < 0 ||
	    (err = snd_pcm_hw_params_set_channels(*pcm, hw, 1)) < 0 ||
	    (err = snd_pcm_hw_params_set_rate(*pcm, hw, RATE, 0)) < 0 ||
	    (err = snd_pcm_hw_params_set_period_size_near(*pcm, hw, &period, NULL)) < 0 ||
	    (err = snd_pcm_hw_params_set_buffer_size_near(*pcm, hw, &buffer)) < 0 ||
	    (err = snd_pcm_hw_params(*pcm, hw)) < 0) {
		snd_pcm_close(*pcm);
		return err;
	}
	CHECK_EQ_INT(period, PERIOD);
	CHECK_EQ_INT(buffer, PERIOD * periods);
	return 0;
}

// 50 blocking reads of 20 ms take 1 s, and deliver the WAV file's samples in order.
static void test_capture_paced(void)
{
	snd_pcm_t *pcm;
	int err = open_dev(&pcm, "vheadset", SND_PCM_STREAM_CAPTURE, 0);
	CHECK_EQ_INT(err, 0);
	if (err)
		return;
	int16_t *got = calloc(50 * PERIOD, sizeof(int16_t));
	double t0 = now_s();
	int reads = 0;
	for (int i = 0; i < 50; i++) {
		snd_pcm_sframes_t n = snd_pcm_readi(pcm, got + i * PERIOD, PERIOD);
		if (n == PERIOD)
			reads++;
	}
	double took = now_s() - t0;
	fprintf(stderr, "capture: 50 reads of 20 ms took %.3f s\n", took);
	CHECK_EQ_INT(reads, 50);
	CHECK(took >= 0.98 && took <= SLACK(1.02));
	int wrong = 0;
	for (uint32_t i = 0; i < 50 * PERIOD; i++)
		wrong += got[i] != pattern(i);
	CHECK_EQ_INT(wrong, 0);
	free(got);
	snd_pcm_close(pcm);
}

// After the end of a non-looping file the microphone is silent.
static void test_capture_end_of_file(void)
{
	snd_pcm_t *pcm;
	if (open_dev(&pcm, "vheadset", SND_PCM_STREAM_CAPTURE, 0) != 0) {
		CHECK(0);
		return;
	}
	int16_t *got = calloc(80 * PERIOD, sizeof(int16_t)); // 1.6 s of a 1.5 s file
	int reads = 0;
	for (int i = 0; i < 80; i++)
		reads += snd_pcm_readi(pcm, got + i * PERIOD, PERIOD) == PERIOD;
	CHECK_EQ_INT(reads, 80);
	int wrong = 0, loud_after = 0;
	for (uint32_t i = 0; i < SOURCE_FRAMES; i++)
		wrong += got[i] != pattern(i);
	for (uint32_t i = SOURCE_FRAMES; i < 80 * PERIOD; i++)
		loud_after += got[i] != 0;
	CHECK_EQ_INT(wrong, 0);
	CHECK_EQ_INT(loud_after, 0);
	free(got);
	snd_pcm_close(pcm);
}

// 50 blocking writes of 20 ms then drain take 1 s; the recording is what was written.
static void test_playback_paced(void)
{
	unlink(out_path);
	snd_pcm_t *pcm;
	int err = open_dev(&pcm, "vheadset", SND_PCM_STREAM_PLAYBACK, 0);
	CHECK_EQ_INT(err, 0);
	if (err)
		return;
	int16_t frame[PERIOD];
	double t0 = now_s();
	int writes = 0;
	for (int i = 0; i < 50; i++) {
		for (int j = 0; j < PERIOD; j++)
			frame[j] = pattern((uint32_t)(i * PERIOD + j));
		writes += snd_pcm_writei(pcm, frame, PERIOD) == PERIOD;
	}
	double written = now_s() - t0;
	CHECK_EQ_INT(snd_pcm_drain(pcm), 0);
	double took = now_s() - t0;
	fprintf(stderr, "playback: 50 writes took %.3f s, drained at %.3f s\n", written, took);
	CHECK_EQ_INT(writes, 50);
	// the first buffer's worth (80 ms) is accepted at once, the rest at the device's pace
	CHECK(written >= 0.90 && written <= SLACK(0.94));
	CHECK(took >= 0.98 && took <= SLACK(1.02));
	snd_pcm_close(pcm);

	uint32_t frames;
	int16_t *rec = read_wav(out_path, &frames);
	CHECK(rec != NULL);
	CHECK_EQ_INT(frames, 50 * PERIOD);
	int wrong = 0;
	for (uint32_t i = 0; rec && i < frames; i++)
		wrong += rec[i] != pattern(i);
	CHECK_EQ_INT(wrong, 0);
	free(rec);
}

// A program that stops writing for 300 ms gets -EPIPE like on a real card, recovers, and
// the recording holds the silence the listener heard in between.
static void test_playback_underrun(void)
{
	unlink(out_path);
	snd_pcm_t *pcm;
	if (open_dev(&pcm, "vheadset", SND_PCM_STREAM_PLAYBACK, 0) != 0) {
		CHECK(0);
		return;
	}
	int16_t ones[PERIOD], twos[PERIOD];
	for (int j = 0; j < PERIOD; j++) {
		ones[j] = 1000;
		twos[j] = 2000;
	}
	for (int i = 0; i < 10; i++)
		snd_pcm_writei(pcm, ones, PERIOD);
	usleep(300000);
	snd_pcm_sframes_t n = snd_pcm_writei(pcm, twos, PERIOD);
	CHECK_EQ_INT(n, -EPIPE);
	CHECK_EQ_INT(snd_pcm_recover(pcm, (int)n, 1), 0);
	int ok = 0;
	for (int i = 0; i < 10; i++)
		ok += snd_pcm_writei(pcm, twos, PERIOD) == PERIOD;
	CHECK_EQ_INT(ok, 10);
	snd_pcm_drain(pcm);
	snd_pcm_close(pcm);

	uint32_t frames;
	int16_t *rec = read_wav(out_path, &frames);
	CHECK(rec != NULL);
	if (!rec)
		return;
	uint32_t i = 0, n1 = 0, gap = 0, n2 = 0;
	while (i < frames && rec[i] == 1000)
		i++, n1++;
	while (i < frames && rec[i] == 0)
		i++, gap++;
	while (i < frames && rec[i] == 2000)
		i++, n2++;
	fprintf(stderr, "underrun: %u frames, %u of silence, %u frames, %u left over\n", n1, gap, n2,
		frames - i);
	CHECK_EQ_INT(n1, 10 * PERIOD);
	CHECK_EQ_INT(n2, 10 * PERIOD);
	CHECK_EQ_INT(i, frames);
	// 10 periods were 200 ms of sound; the program came back 300 ms after its last write,
	// which happened about 120 ms after the first: about 220 ms of silence.
	CHECK(gap >= RATE * 150 / 1000 && gap <= RATE * SLACK(0.3));
	free(rec);
}

// An event loop as sealcalld's: non-blocking device, poll() on its descriptors, a period
// written each time it is writable. 50 periods take about 1 s minus the buffer.
static void test_poll_driven(void)
{
	unlink(out_path);
	snd_pcm_t *pcm;
	if (open_dev(&pcm, "vheadset", SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK) != 0) {
		CHECK(0);
		return;
	}
	struct pollfd pfd[4];
	int nfds = snd_pcm_poll_descriptors(pcm, pfd, 4);
	CHECK_EQ_INT(nfds, 1);
	int16_t frame[PERIOD];
	memset(frame, 0, sizeof(frame));
	int written = 0, frames_out = 0, wakeups = 0, timeouts = 0;
	double t0 = now_s();
	while (written < 50 && now_s() - t0 < 3.0) {
		int rc = poll(pfd, (nfds_t)nfds, 200);
		if (rc == 0) {
			timeouts++;
			continue;
		}
		unsigned short revents = 0;
		snd_pcm_poll_descriptors_revents(pcm, pfd, (unsigned)nfds, &revents);
		wakeups++;
		if (!(revents & POLLOUT))
			continue;
		// non-blocking writes may take part of a period; count frames, not calls
		snd_pcm_sframes_t n;
		while (frames_out < 50 * PERIOD &&
		       (n = snd_pcm_writei(pcm, frame, PERIOD - frames_out % PERIOD)) > 0)
			frames_out += (int)n;
		written = frames_out / PERIOD;
	}
	double took = now_s() - t0;
	fprintf(stderr, "poll: 50 periods in %.3f s, %d wakeups, %d timeouts\n", took, wakeups, timeouts);
	CHECK_EQ_INT(written, 50);
	CHECK_EQ_INT(timeouts, 0); // writable at once when prepared, then every period
	CHECK(took >= 0.88 && took <= SLACK(0.94));
	CHECK(wakeups >= 20 && wakeups <= 60); // about one per period, never a busy loop
	snd_pcm_close(pcm);

	// Capture through poll(): readable only once started, then a period per wake-up.
	if (open_dev(&pcm, "vheadset", SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK) != 0) {
		CHECK(0);
		return;
	}
	nfds = snd_pcm_poll_descriptors(pcm, pfd, 4);
	CHECK_EQ_INT(snd_pcm_start(pcm), 0);
	int got = 0, frames_in = 0;
	t0 = now_s();
	while (got < 25 && now_s() - t0 < 2.0) {
		if (poll(pfd, (nfds_t)nfds, 200) <= 0)
			continue;
		unsigned short revents = 0;
		snd_pcm_poll_descriptors_revents(pcm, pfd, (unsigned)nfds, &revents);
		snd_pcm_sframes_t n;
		if (revents & POLLIN)
			while (frames_in < 25 * PERIOD &&
			       (n = snd_pcm_readi(pcm, frame, PERIOD - frames_in % PERIOD)) > 0)
				frames_in += (int)n;
		got = frames_in / PERIOD;
	}
	took = now_s() - t0;
	fprintf(stderr, "poll capture: 25 periods in %.3f s\n", took);
	CHECK_EQ_INT(got, 25);
	CHECK(took >= 0.48 && took <= SLACK(0.52));
	snd_pcm_close(pcm);
}

// sealcalld wants 8 kHz for G.711; the headset offers 48 kHz. ALSA's plug converter in
// front of the device name ("plug:NAME", as plughw: for a real card) bridges that, paced.
static void test_through_plug_at_8k(void)
{
	snd_pcm_t *pcm;
	int err = snd_pcm_open(&pcm, "plug:vheadset", SND_PCM_STREAM_CAPTURE, 0);
	CHECK_EQ_INT(err, 0);
	if (err)
		return;
	err = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, 8000, 1,
				 80000);
	CHECK_EQ_INT(err, 0);
	int16_t frame[160];
	int reads = 0;
	double t0 = now_s();
	for (int i = 0; i < 25 && !err; i++)
		reads += snd_pcm_readi(pcm, frame, 160) == 160;
	double took = now_s() - t0;
	fprintf(stderr, "plug 8 kHz: 25 reads of 20 ms took %.3f s\n", took);
	CHECK_EQ_INT(reads, 25);
	CHECK(took >= 0.48 && took <= SLACK(0.52));
	snd_pcm_close(pcm);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
}

// Reads N periods; returns how many frames were the file's pattern from FROM on (-1 if any
// frame is neither that nor silence), and how many were silent.
static int read_periods(snd_pcm_t *pcm, int n, uint32_t *pos, int *silent)
{
	int16_t frame[PERIOD];
	int played = 0;
	*silent = 0;
	for (int i = 0; i < n; i++) {
		if (snd_pcm_readi(pcm, frame, PERIOD) != PERIOD)
			return -1;
		for (int j = 0; j < PERIOD; j++) {
			// the WAV's first sample is 0: known for what it was once the second comes
			if (*pos == 0 && *silent > 0 && frame[j] != 0 && frame[j] == pattern(1)) {
				(*silent)--;
				played++;
				*pos = 1;
			}
			if (frame[j] == 0 && (*pos == 0 || pattern(*pos) != 0)) {
				(*silent)++;
			} else if (frame[j] == pattern(*pos)) {
				played++;
				(*pos)++;
			} else {
				return -1;
			}
		}
	}
	return played;
}

// capture_start_file: silence until the file exists, then the WAV from its start; removed
// and created again, the WAV starts over. Each start is noted with the device's time.
static void test_capture_start_file(void)
{
	unlink(start_path);
	unlink(events_path);
	snd_pcm_t *pcm;
	if (open_dev(&pcm, "vheadset_ctl", SND_PCM_STREAM_CAPTURE, 0) != 0) {
		CHECK(0);
		return;
	}
	uint32_t pos = 0;
	int silent;
	CHECK_EQ_INT(read_periods(pcm, 10, &pos, &silent), 0);
	CHECK_EQ_INT(silent, 10 * PERIOD);
	touch(start_path);
	uint64_t touched = mono_ns();
	// the device is up to 320 ms ahead of our reads (its buffer): silence, then the WAV
	int played = read_periods(pcm, 30, &pos, &silent);
	fprintf(stderr, "capture start: %d frames silent, then %d of the WAV\n", silent, played);
	CHECK(played >= 10 * PERIOD);
	CHECK_EQ_INT(played + silent, 30 * PERIOD);
	unlink(start_path);
	// what the device had captured before may still come; then only silence
	int16_t frame[PERIOD];
	int loud = 0;
	for (int i = 0; i < 20; i++) {
		if (snd_pcm_readi(pcm, frame, PERIOD) != PERIOD)
			loud = -1000000;
		for (int j = 0; i >= 10 && j < PERIOD; j++)
			loud += frame[j] != 0;
	}
	CHECK_EQ_INT(loud, 0);
	touch(start_path);
	pos = 0;
	CHECK(read_periods(pcm, 30, &pos, &silent) >= 10 * PERIOD);
	CHECK(pos >= 10u * PERIOD); // read_periods checked it began at the WAV's first sample
	snd_pcm_close(pcm);
	unlink(start_path);

	FILE *f = fopen(events_path, "r");
	char line[128];
	unsigned long long at = 0;
	int starts = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "capture start at %llu", &at) == 1 && ++starts == 1) {
			// The time is the device's for the WAV's first frame: the first frame the
			// device handed over after the flag appeared. ioplug hands over all it has
			// captured at once, so that frame may have been captured while the reader
			// was behind, up to the 320 ms buffer before the flag was seen.
			double diff_ms = ((double)at - (double)touched) / 1e6;
			fprintf(stderr, "capture start noted %.1f ms after the flag\n", diff_ms);
			CHECK(diff_ms > -360 && diff_ms < 60);
		}
	if (f)
		fclose(f);
	CHECK_EQ_INT(starts, 2);
}

// Writes N periods of FRAME, recovering from underruns (a busy machine can hold this test off
// longer than the 80 ms buffer); returns how many periods went in.
static int write_periods(snd_pcm_t *pcm, const int16_t *frame, int n)
{
	int ok = 0;
	for (int tries = 0; ok < n && tries < 4 * n; tries++) {
		snd_pcm_sframes_t w = snd_pcm_writei(pcm, frame, PERIOD);
		if (w == PERIOD)
			ok++;
		else if (w == -EPIPE)
			snd_pcm_recover(pcm, (int)w, 1);
		else
			break;
	}
	return ok;
}

// unplug_file: a running stream fails with -ENODEV in the DISCONNECTED state, opening fails
// while unplugged, and once plugged back the device opens and records again (appended).
static void test_unplug_file(void)
{
	unlink(unplug_path);
	unlink(out_path);
	unlink(events_path);
	snd_pcm_t *pcm;
	if (open_dev(&pcm, "vheadset_ctl", SND_PCM_STREAM_PLAYBACK, 0) != 0) {
		CHECK(0);
		return;
	}
	int16_t frame[PERIOD];
	for (int j = 0; j < PERIOD; j++)
		frame[j] = 1000;
	CHECK_EQ_INT(write_periods(pcm, frame, 10), 10);
	touch(unplug_path);
	snd_pcm_sframes_t n = snd_pcm_writei(pcm, frame, PERIOD);
	CHECK_EQ_INT(n, -ENODEV);
	CHECK_EQ_INT(snd_pcm_state(pcm), SND_PCM_STATE_DISCONNECTED);
	snd_pcm_close(pcm);
	snd_pcm_t *other;
	CHECK_EQ_INT(snd_pcm_open(&other, "vheadset_ctl", SND_PCM_STREAM_CAPTURE, 0), -ENODEV);
	unlink(unplug_path);
	if (open_dev(&pcm, "vheadset_ctl", SND_PCM_STREAM_PLAYBACK, 0) != 0) {
		CHECK(0);
		return;
	}
	for (int j = 0; j < PERIOD; j++)
		frame[j] = 2000;
	CHECK_EQ_INT(write_periods(pcm, frame, 5), 5);
	snd_pcm_drain(pcm);
	snd_pcm_close(pcm);
	uint32_t frames;
	int16_t *rec = read_wav(out_path, &frames);
	CHECK(rec != NULL);
	uint32_t ones = 0, twos = 0;
	for (uint32_t i = 0; rec && i < frames; i++) {
		ones += rec[i] == 1000;
		twos += rec[i] == 2000;
	}
	// what reached the device before the unplug (up to the 10 periods written), then the 5
	CHECK(ones >= 6 * PERIOD && ones <= 10 * PERIOD);
	CHECK_EQ_INT(twos, 5 * PERIOD);
	free(rec);
	FILE *f = fopen(events_path, "r");
	char line[128];
	unsigned long long fr, at;
	int runs = 0;
	while (f && fgets(line, sizeof(line), f))
		runs += sscanf(line, "playback frame %llu at %llu", &fr, &at) == 2;
	if (f)
		fclose(f);
	CHECK_EQ_INT(runs, 2); // one per open: each says where its audio sits in the file
}

static void test_bad_configuration(void)
{
	snd_pcm_t *pcm;
	// A source WAV at 8 kHz for a 48 kHz device is refused at open, with the reason on stderr.
	CHECK_EQ_INT(snd_pcm_open(&pcm, "vheadset_wrong_rate", SND_PCM_STREAM_CAPTURE, 0), -EINVAL);
	CHECK_EQ_INT(snd_pcm_open(&pcm, "vheadset_typo", SND_PCM_STREAM_CAPTURE, 0), -EINVAL);
	// The device offers 48 kHz only, like many USB headsets: 8 kHz must fail, not resample.
	int err = snd_pcm_open(&pcm, "vheadset", SND_PCM_STREAM_PLAYBACK, 0);
	CHECK_EQ_INT(err, 0);
	if (err)
		return;
	snd_pcm_hw_params_t *hw;
	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_hw_params_any(pcm, hw);
	CHECK(snd_pcm_hw_params_set_rate(pcm, hw, 8000, 0) < 0);
	snd_pcm_close(pcm);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/schead-test-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(conf_path, sizeof(conf_path), "%s/asound.conf", dir);
	snprintf(in_path, sizeof(in_path), "%s/speech.wav", dir);
	snprintf(out_path, sizeof(out_path), "%s/heard.wav", dir);
	snprintf(bad_path, sizeof(bad_path), "%s/narrowband.wav", dir);
	snprintf(start_path, sizeof(start_path), "%s/mic-on", dir);
	snprintf(unplug_path, sizeof(unplug_path), "%s/unplugged", dir);
	snprintf(events_path, sizeof(events_path), "%s/events", dir);
	write_wav(in_path, RATE, SOURCE_FRAMES);
	write_wav(bad_path, 8000, 8000);
	write_config();
	// The system's configuration first, then ours: the same as a line in ~/.asoundrc.
	char path[512];
	snprintf(path, sizeof(path), "/usr/share/alsa/alsa.conf:%s", conf_path);
	setenv("ALSA_CONFIG_PATH", path, 1);

	test_capture_paced();
	test_capture_end_of_file();
	test_playback_paced();
	test_playback_underrun();
	test_poll_driven();
	test_through_plug_at_8k();
	test_bad_configuration();
	test_capture_start_file();
	test_unplug_file();

	snd_config_update_free_global();
	unlink(start_path);
	unlink(unplug_path);
	unlink(events_path);
	unlink(conf_path);
	unlink(in_path);
	unlink(out_path);
	unlink(bad_path);
	rmdir(dir);
	return check_done();
}
