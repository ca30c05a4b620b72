// SPDX-License-Identifier: GPL-3.0-or-later
// The matcher on signals whose answer is known: speech against itself delayed, attenuated,
// at another rate, through G.711 and Opus (the numbers sc_audio_match.c quotes), against
// noise and against other speech. The speech is this build's own prompts, spoken by
// espeak-ng at 22050 Hz (src/audio/prompts/wav/ID.wav in the build tree).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/g711.h"
#include "audio/opus_codec.h"
#include "audio_match.h"
#include "check.h"

// the prompt clips used: ids from src/audio/prompts/manifest.c's order
#define CLIP_WARNING 3 // "Warning: key continuity broken, possible man in the middle."
#define CLIP_NOT_VERIFIED 2 // "S A S not verified yet."
#define CLIP_CHRISTMAS 91   // PGP words: where libopus 1.3.1 CBR made its loudest bursts
#define CLIP_SLOWDOWN 229

static struct am_signal load_clip(int id)
{
	const char *build = getenv("SC_BUILD_DIR");
	char path[4096], why[512];
	struct am_signal s = { 0 };
	snprintf(path, sizeof(path), "%s/src/audio/prompts/wav/%d.wav", build ? build : ".", id);
	if (am_wav_load(path, &s, why, sizeof(why)) < 0)
		fprintf(stderr, "cannot load the prompt clip: %s\n", why);
	return s;
}

static struct am_signal make(size_t n, unsigned rate)
{
	struct am_signal s = { calloc(n ? n : 1, sizeof(float)), n, rate };
	return s;
}

// SRC delayed by DELAY samples (silence before), scaled by GAIN, with TAIL samples of silence.
static struct am_signal delayed(const struct am_signal *src, size_t delay, float gain, size_t tail)
{
	struct am_signal s = make(delay + src->n + tail, src->rate);
	for (size_t i = 0; i < src->n; i++)
		s.s[delay + i] = gain * src->s[i];
	return s;
}

static uint32_t lcg(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state;
}

static struct am_signal noise(size_t n, unsigned rate, float amp, uint32_t seed)
{
	struct am_signal s = make(n, rate);
	for (size_t i = 0; i < n; i++)
		s.s[i] = amp * ((float)(lcg(&seed) >> 8) / (float)(1u << 24) * 2.0f - 1.0f);
	return s;
}

// Something speech-like that can be written down exactly at any rate: three partials under
// 3 kHz, gliding, with a syllable-rate envelope, starting at START_S seconds.
static struct am_signal synthetic(unsigned rate, double seconds, double start_s)
{
	size_t n = (size_t)(seconds * rate);
	struct am_signal s = make(n, rate);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / rate - start_s;
		if (t < 0 || t > 2.0)
			continue;
		double env = pow(sin(M_PI * t * 3.7), 2) * (0.6 + 0.4 * sin(2 * M_PI * 0.9 * t));
		double f0 = 140 + 40 * sin(2 * M_PI * 1.3 * t);
		double v = sin(2 * M_PI * f0 * t) + 0.5 * sin(2 * M_PI * 3.1 * f0 * t + 1) +
			   0.25 * sin(2 * M_PI * (900 + 700 * t) * t);
		s.s[i] = (float)(0.3 * env * v);
	}
	return s;
}

static struct am_result match(const struct am_signal *ref, const struct am_signal *rec,
			      const struct am_options *opt)
{
	struct am_result r = { .ncc = -9 };
	CHECK_EQ_INT(am_match(ref, rec, opt, &r), 0);
	return r;
}

static void test_delayed_and_attenuated(const struct am_signal *speech)
{
	// 1234 ms at 22050 Hz is 27209.7 samples: 27210 puts it 0.014 ms later
	size_t delay = 27210;
	double want = delay * 1000.0 / speech->rate;
	struct am_signal rec = delayed(speech, delay, 1.0f, speech->rate);
	struct am_result r = match(speech, &rec, NULL);
	printf("itself, 1234 ms later: ncc=%.4f offset_ms=%.3f\n", r.ncc, r.offset_ms);
	CHECK(r.ncc > 0.999);
	CHECK(fabs(r.offset_ms - want) < 0.1);
	am_signal_free(&rec);

	rec = delayed(speech, delay, 0.03f, 0); // -30 dB, and the recording ends with the speech
	r = match(speech, &rec, NULL);
	printf("attenuated to 3%%: ncc=%.4f offset_ms=%.3f\n", r.ncc, r.offset_ms);
	CHECK(r.ncc > 0.999);
	CHECK(fabs(r.offset_ms - want) < 0.1);
	am_signal_free(&rec);

	// half of it cut off by the end of the recording: the missing part counts
	struct am_signal half = make(delay + speech->n / 2, speech->rate);
	memcpy(half.s + delay, speech->s, speech->n / 2 * sizeof(float));
	r = match(speech, &half, NULL);
	printf("cut in half: ncc=%.4f\n", r.ncc);
	CHECK(r.ncc < 0.85);
	CHECK(r.ncc > 0.3);
	am_signal_free(&half);

	// the same speech twice in the recording, the search bounded to the first
	rec = make(delay + 3 * speech->n, speech->rate);
	for (size_t i = 0; i < speech->n; i++) {
		rec.s[delay + i] = speech->s[i];
		rec.s[delay + 2 * speech->n + i] = 0.5f * speech->s[i];
	}
	struct am_options bound = { .bounded = true, .max_offset_ms = want + 50 };
	r = match(speech, &rec, &bound);
	CHECK(fabs(r.offset_ms - want) < 0.1);
	bound.max_offset_ms = want - 50; // nowhere it can be
	r = match(speech, &rec, &bound);
	printf("searched only before it: ncc=%.4f\n", r.ncc);
	CHECK(r.ncc < 0.3);
	am_signal_free(&rec);
}

static void test_rates(void)
{
	// written down directly at 16 kHz and at 48 kHz, 700.5 ms later: only the converter
	// stands between them
	struct am_signal ref = synthetic(16000, 2.5, 0.0);
	struct am_signal rec = synthetic(48000, 4.0, 0.7005);
	struct am_result r = match(&ref, &rec, NULL);
	printf("16 kHz in 48 kHz, 700.5 ms later: ncc=%.4f offset_ms=%.3f\n", r.ncc, r.offset_ms);
	CHECK(r.ncc > 0.995);
	CHECK(fabs(r.offset_ms - 700.5) < 0.05);
	am_signal_free(&ref);
	am_signal_free(&rec);
}

static void test_unrelated(const struct am_signal *speech, const struct am_signal *other)
{
	struct am_signal n = noise(10 * 48000, 48000, 0.3f, 42);
	struct am_result r = match(speech, &n, NULL);
	printf("against white noise: ncc=%.4f\n", r.ncc);
	CHECK(r.ncc < 0.05);
	am_signal_free(&n);

	struct am_signal rec = delayed(other, 8000, 1.0f, 30000);
	r = match(speech, &rec, NULL);
	printf("against other speech: ncc=%.4f\n", r.ncc);
	CHECK(r.ncc < 0.4);
	am_signal_free(&rec);

	struct am_signal silent = make(48000, 48000);
	r = match(speech, &silent, NULL);
	CHECK(r.ncc == 0);
	am_signal_free(&silent);

	// a silent reference is nothing to look for
	struct am_result rr;
	CHECK(am_match(&silent, speech, NULL, &rr) < 0);
}

// The timeline moved twice, as a jitter buffer does: 20 ms of silence inserted at 40 % of
// the speech, 20 ms cut out at 70 %, 500 ms before it all.
static void test_slips(const struct am_signal *speech, const struct am_signal *other)
{
	size_t frame = speech->rate / 50, lead = speech->rate / 2;
	size_t cut1 = speech->n * 4 / 10, cut2 = speech->n * 7 / 10;
	struct am_signal rec = make(lead + speech->n + frame + speech->rate, speech->rate);
	size_t o = lead;
	for (size_t i = 0; i < speech->n; i++) {
		if (i == cut1)
			o += frame;             // a frame inserted
		if (i >= cut2 && i < cut2 + frame)
			continue;               // a frame dropped
		rec.s[o++] = speech->s[i];
	}
	struct am_options slip = { .slip_ms = 60 };
	struct am_result strict = match(speech, &rec, NULL), r = match(speech, &rec, &slip);
	printf("two 20 ms slips: strict ncc=%.4f, with --slip-ms 60 ncc=%.4f, moves %u, offset %.1f "
	       "then %.1f ms\n", strict.ncc, r.ncc, r.moves, r.offset_ms, r.last_offset_ms);
	CHECK(strict.ncc < 0.8);
	CHECK(r.ncc > 0.97);
	CHECK_EQ_INT(r.moves, 2);
	CHECK(fabs(r.strict_ncc - strict.ncc) < 1e-9);
	CHECK(fabs(r.last_offset_ms - 500.0) < 0.5); // +20 then -20
	am_signal_free(&rec);

	// the freedom does not make unrelated audio match
	struct am_signal n = noise(10 * 48000, 48000, 0.3f, 43);
	r = match(speech, &n, &slip);
	printf("--slip-ms 60 against white noise: ncc=%.4f\n", r.ncc);
	CHECK(r.ncc < 0.1);
	am_signal_free(&n);
	rec = delayed(other, 8000, 1.0f, 30000);
	r = match(speech, &rec, &slip);
	printf("--slip-ms 60 against other speech: ncc=%.4f\n", r.ncc);
	CHECK(r.ncc < 0.4);
	am_signal_free(&rec);
}

static void to_pcm16(const float *in, int16_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float v = in[i] * 32767.0f;
		out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrintf(v));
	}
}

static void test_g711(const struct am_signal *speech)
{
	struct am_signal at8;
	CHECK_EQ_INT(am_resample(speech, 8000, &at8), 0);
	int16_t *pcm = calloc(at8.n, sizeof(int16_t)), *back = calloc(at8.n, sizeof(int16_t));
	uint8_t *code = calloc(at8.n, 1);
	struct am_signal dec = make(at8.n, 8000);
	for (int law = 0; law < 2; law++) {
		to_pcm16(at8.s, pcm, at8.n);
		if (law == 0) {
			sc_g711_ulaw_encode_buf(pcm, at8.n, code);
			sc_g711_ulaw_decode_buf(code, at8.n, back);
		} else {
			sc_g711_alaw_encode_buf(pcm, at8.n, code);
			sc_g711_alaw_decode_buf(code, at8.n, back);
		}
		for (size_t i = 0; i < at8.n; i++)
			dec.s[i] = back[i] / 32768.0f;
		struct am_result r = match(speech, &dec, NULL);
		printf("G.711 %s: ncc=%.4f offset_ms=%.3f\n", law ? "A-law" : "u-law", r.ncc, r.offset_ms);
		CHECK(r.ncc > 0.99);
		CHECK(fabs(r.offset_ms) < 0.2);
	}
	free(pcm);
	free(back);
	free(code);
	am_signal_free(&dec);
	am_signal_free(&at8);
}

// Encodes and decodes SPEECH (48 kHz) as a call does (src/audio/opus_codec.h), after
// LEAD_SAMPLES of silence; OUT gets the decoded signal, the codec's delay included.
static void opus_round_trip(const struct am_signal *at48, size_t lead_samples, struct am_signal *out)
{
	struct sc_opus_encoder *enc = NULL;
	struct sc_opus_decoder *dec = NULL;
	CHECK_EQ_INT(sc_opus_encoder_new(SC_OPUS_DEFAULT_BITRATE, SC_OPUS_DEFAULT_COMPLEXITY, 20, &enc), 0);
	CHECK_EQ_INT(sc_opus_decoder_new(20, &dec), 0);
	size_t total = lead_samples + at48->n;
	size_t frames = total / 960 + 2; // two more to flush the codec's look-ahead
	*out = make(frames * 960, 48000);
	int16_t in[960], pcm[960];
	uint8_t packet[SC_OPUS_MAX_PACKET];
	for (size_t f = 0; enc && dec && f < frames; f++) {
		memset(in, 0, sizeof(in));
		for (size_t i = 0; i < 960; i++) {
			size_t k = f * 960 + i;
			if (k >= lead_samples && k - lead_samples < at48->n)
				to_pcm16(at48->s + (k - lead_samples), in + i, 1);
		}
		int len = sc_opus_encode(enc, in, packet, sizeof(packet));
		CHECK(len > 0 && sc_opus_decode(dec, packet, (size_t)len, pcm) == 0);
		for (int i = 0; i < 960; i++)
			out->s[f * 960 + (size_t)i] = pcm[i] / 32768.0f;
	}
	sc_opus_encoder_free(enc);
	sc_opus_decoder_free(dec);
}

// Opus as a call uses it: the numbers sc_audio_match.c quotes.
static void test_opus(const struct am_signal *speech)
{
	struct am_signal at48, out;
	CHECK_EQ_INT(am_resample(speech, 48000, &at48), 0);
	opus_round_trip(&at48, 0, &out);
	struct am_result r = match(speech, &out, NULL);
	printf("Opus %d kbit/s on the wire: ncc=%.4f offset_ms=%.3f (the codec's delay)\n",
	       SC_OPUS_DEFAULT_BITRATE / 1000, r.ncc, r.offset_ms);
	CHECK(r.ncc > 0.9);
	CHECK(r.offset_ms > 0 && r.offset_ms < 30);
	am_signal_free(&out);
	am_signal_free(&at48);
}

// libopus 1.3.1 held to a fixed budget (CBR) turns the frame after a mode switch into a
// clipped burst now and then: "Christmas" (clip 91) at 24 kbit/s CBR came out 9.8 times as
// loud as spoken at one of 20 alignments, "slowdown" (229) 7.8 times. As a call encodes,
// no 20 ms frame may come out twice as loud as it went in, at any of 10 alignments.
static void test_opus_no_burst(int clip_id)
{
	struct am_signal clip = load_clip(clip_id), at48;
	CHECK(clip.n > 0);
	if (!clip.n)
		return;
	CHECK_EQ_INT(am_resample(&clip, 48000, &at48), 0);
	double loudest = 0, worst_ncc = 1;
	// The silence before the clip and the codec's look-ahead (6.5 ms) stay under 30 ms: a
	// bounded search, cheap under qemu-user where the unbounded one took most of a minute.
	const struct am_options near = { .bounded = true, .max_offset_ms = 30 };
	// every 2 ms: the old settings burst at 12 and 14 ms (91), 6 and 16 ms (229)
	for (size_t lead_ms = 0; lead_ms < 20; lead_ms += 2) {
		struct am_signal out;
		opus_round_trip(&at48, lead_ms * 48, &out);
		struct am_result r = match(&at48, &out, &near);
		size_t delay = r.offset_ms > 0 ? (size_t)lrint(r.offset_ms * 48.0) : 0;
		if (r.ncc < worst_ncc)
			worst_ncc = r.ncc;
		for (size_t f = 0; (f + 1) * 960 <= at48.n && delay + (f + 1) * 960 <= out.n; f++) {
			double e_in = 0, e_out = 0;
			for (size_t i = f * 960; i < (f + 1) * 960; i++) {
				e_in += (double)at48.s[i] * at48.s[i];
				e_out += (double)out.s[delay + i] * out.s[delay + i];
			}
			// frames of speech, not of near silence where any noise is "louder"
			if (e_in / 960 > 0.03 * 0.03 && sqrt(e_out / e_in) > loudest)
				loudest = sqrt(e_out / e_in);
		}
		am_signal_free(&out);
	}
	printf("Opus, clip %d at 10 alignments: loudest frame %.2f times its input, worst ncc %.3f\n",
	       clip_id, loudest, worst_ncc);
	CHECK(loudest < 2.0);
	CHECK(worst_ncc > 0.85);
	am_signal_free(&at48);
	am_signal_free(&clip);
}

int main(void)
{
	struct am_signal speech = load_clip(CLIP_WARNING), other = load_clip(CLIP_NOT_VERIFIED);
	CHECK(speech.n > 0 && other.n > 0);
	if (!speech.n || !other.n)
		return check_done();
	printf("speech: %.2f s at %u Hz\n", (double)speech.n / speech.rate, speech.rate);
	test_delayed_and_attenuated(&speech);
	test_rates();
	test_unrelated(&speech, &other);
	test_slips(&speech, &other);
	test_g711(&speech);
	test_opus(&speech);
	test_opus_no_burst(CLIP_CHRISTMAS);
	test_opus_no_burst(CLIP_SLOWDOWN);
	am_signal_free(&speech);
	am_signal_free(&other);
	return check_done();
}
