// SPDX-License-Identifier: GPL-3.0-or-later
// sc-audio-match [--min X] [--max-offset-ms N] [--slip-ms N] [-v] REF.wav REC.wav
//
// Finds the speech of REF in the recording REC and prints how alike they are:
//   ncc=0.934 offset_ms=123
// ncc is the normalised cross-correlation at the best alignment (1 = the same waveform at
// any gain), offset_ms where REF's start lies in REC. Exit 0 when ncc >= X (default 0.9),
// 1 below, 2 on bad input. Both files are 16-bit PCM WAV of any rate; they are compared at
// 8 kHz (audio_match.c says how).
//
// --slip-ms N: a call's jitter buffer grows and shrinks its delay by whole frames, and the
// headset's drift corrector drops or adds one now and then; after such a move the rest of
// the speech sits 20 ms later or earlier, and one alignment for the whole sentence would
// count everything after it as lost. With --slip-ms, REF is also measured in 200 ms pieces,
// each aligned within N ms of the previous piece (it moves only when it matches clearly
// better there, so Opus's near-ties one pitch period away do not lead it astray; after a
// stall it is looked for within 500 ms), and ncc is the better of the two measures. Audio that is missing, concealed or mixed with other sound still lowers it; only
// the timeline may move. The line then goes on: strict_ncc=0.612 moves=2 (the single
// alignment's ncc, and how many times the pieces' lag moved).
//
// Why a waveform measure, and why 0.9: the codecs a call uses keep the waveform of speech,
// not only its spectrum, so the correlation of what was sent with what was heard says
// whether the audio crossed the call intact, and drops when frames are lost, concealed,
// cut, shifted or mixed with something else. Measured by unit_tools_audio_match on this
// build's own spoken prompts (espeak-ng):
//   G.711 u-law and A-law, encoded and decoded: NCC 0.9997 (asserted > 0.99);
//   Opus as a call sends it (24 kbit/s in 120-byte packets, 20 ms): NCC 0.963 (asserted > 0.9),
//   found 6.4 ms late (the codec's look-ahead);
//   the same speech against white noise: 0.017; against another prompt sentence: 0.117;
// so 0.9 passes a clean call with either codec and no unrelated audio. What a call adds on
// top (resampling 8 <-> 48 kHz, the jitter buffer, concealment) is what the test measures. The measure is gain-free: an
// earpiece at volume 80 (-5.8 dB) or a quiet far end does not lower it.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_match.h"

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "sc-audio-match: %s\n", msg);
	fprintf(stderr,
		"usage: sc-audio-match [--min X] [--max-offset-ms N] [--slip-ms N] [-v] REF.wav REC.wav\n"
		"  finds REF in REC, prints ncc=N offset_ms=M; exit 0 when ncc >= X (default 0.9),\n"
		"  1 below, 2 on bad input. --max-offset-ms limits the search to |offset| <= N;\n"
		"  --slip-ms lets the recording's timeline move by up to N ms every 200 ms.\n");
	return 2;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	double min = 0.9;
	struct am_options opt = { 0 };
	bool verbose = false;
	const char *files[2];
	int n_files = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--min") == 0) {
			if (++i >= argc || parse_double(argv[i], -1, 1, &min) < 0)
				return usage("--min takes a number from -1 to 1");
		} else if (strcmp(a, "--max-offset-ms") == 0) {
			if (++i >= argc || parse_double(argv[i], 0, 86400000, &opt.max_offset_ms) < 0)
				return usage("--max-offset-ms takes a number of milliseconds >= 0");
			opt.bounded = true;
		} else if (strcmp(a, "--slip-ms") == 0) {
			if (++i >= argc || parse_double(argv[i], 0, 1000, &opt.slip_ms) < 0)
				return usage("--slip-ms takes a number of milliseconds from 0 to 1000");
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(NULL);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "sc-audio-match: unknown option %s\n", a);
			return usage(NULL);
		} else if (n_files < 2) {
			files[n_files++] = a;
		} else {
			return usage("give exactly two files, REF.wav and REC.wav");
		}
	}
	if (n_files != 2)
		return usage("give exactly two files, REF.wav and REC.wav");

	struct am_signal ref, rec;
	struct am_result res;
	char why[512];
	int rc = 2;
	if (am_wav_load(files[0], &ref, why, sizeof(why)) < 0) {
		fprintf(stderr, "sc-audio-match: REF %s\n", why);
		return 2;
	}
	if (am_wav_load(files[1], &rec, why, sizeof(why)) < 0) {
		fprintf(stderr, "sc-audio-match: REC %s\n", why);
		am_signal_free(&ref);
		return 2;
	}
	if (verbose)
		fprintf(stderr, "sc-audio-match: REF %s: %.3f s at %u Hz; REC %s: %.3f s at %u Hz\n",
			files[0], (double)ref.n / ref.rate, ref.rate, files[1], (double)rec.n / rec.rate,
			rec.rate);
	if (verbose)
		opt.trace = stderr;
	int r = am_match(&ref, &rec, &opt, &res);
	if (r == -EINVAL) {
		fprintf(stderr, "sc-audio-match: REF %s is silent or shorter than 2 ms: nothing to look "
			"for\n", files[0]);
	} else if (r < 0) {
		fprintf(stderr, "sc-audio-match: %s\n", strerror(-r));
	} else {
		// printed cut (not rounded) to what is compared, so 0.8996 never shows as 0.900
		double shown = floor(res.ncc * 1000) / 1000;
		printf("ncc=%.3f offset_ms=%.0f", shown, res.offset_ms);
		if (opt.slip_ms > 0)
			printf(" strict_ncc=%.3f moves=%u", floor(res.strict_ncc * 1000) / 1000, res.moves);
		printf("\n");
		if (verbose && opt.slip_ms > 0)
			fprintf(stderr, "sc-audio-match: %u pieces, the last at offset %.1f ms\n", res.pieces,
				res.last_offset_ms);
		rc = shown >= min ? 0 : 1;
	}
	am_signal_free(&ref);
	am_signal_free(&rec);
	return rc;
}
