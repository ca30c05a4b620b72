// SPDX-License-Identifier: GPL-3.0-or-later
// Build-time tool: turns the WAV files espeak-ng spoke (22050 Hz) for one part of the clip
// list into C: each clip converted to 8 kHz with the same speexdsp resampler the headset path
// uses (at its best quality: this runs once, at build time), trimmed of the silence around
// the speech, and written as an array with its sc_prompt_clip.
//
//   sc_prompt_pack MANIFEST WORKDIR K PARTS OUT.c
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/prompts.h"
#include "audio/resample.h"

// Silence is below 0.5 % of full scale; a margin keeps soft onsets and endings.
#define SILENCE_LEVEL 164
#define MARGIN_SAMPLES (SC_PROMPT_RATE / 100)
#define MAX_WAV_BYTES (16u << 20)

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	*buf = malloc(MAX_WAV_BYTES);
	*len = *buf ? fread(*buf, 1, MAX_WAV_BYTES, f) : 0;
	int r = !*buf ? -ENOMEM : ferror(f) ? -EIO : !feof(f) ? -EFBIG : 0;
	fclose(f);
	return r;
}

// The samples of a 16-bit mono PCM WAV. espeak-ng may leave the data size at its streaming
// placeholder, so the data chunk is cut to what the file holds.
static int parse_wav(const unsigned char *b, size_t len, uint32_t *rate, const unsigned char **data,
		     size_t *samples)
{
	if (len < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4))
		return -EINVAL;
	bool have_fmt = false;
	size_t off = 12;
	while (off + 8 <= len) {
		uint32_t size = le32(b + off + 4);
		const unsigned char *body = b + off + 8;
		size_t avail = len - off - 8;
		if (!memcmp(b + off, "fmt ", 4)) {
			if (size < 16 || avail < 16 || le16(body) != 1 || le16(body + 2) != 1 || le16(body + 14) != 16)
				return -EINVAL; // not PCM, not mono or not 16-bit
			*rate = le32(body + 4);
			have_fmt = true;
		} else if (!memcmp(b + off, "data", 4)) {
			if (!have_fmt)
				return -EINVAL;
			*data = body;
			*samples = (size < avail ? size : avail) / 2;
			return 0;
		}
		if (size > avail)
			return -EINVAL;
		off += 8 + size + (size & 1);
	}
	return -EINVAL;
}

// Converts and trims one clip; *OUT is allocated.
static int convert(const unsigned char *data, size_t n, uint32_t rate, int16_t **out, size_t *out_n)
{
	struct sc_resampler *rs = NULL;
	int16_t *in = NULL, *conv = NULL;
	int r = sc_resampler_new(rate, SC_PROMPT_RATE, 10, &rs);
	if (r < 0)
		goto out;
	// Zeros after the speech flush the filter, so the end of the word comes out too.
	size_t tail = rate / 10, total = n + tail;
	in = calloc(total, sizeof(*in));
	size_t cap = sc_resampler_max_out(rs, total);
	conv = malloc(cap * sizeof(*conv));
	if (!in || !conv) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		in[i] = (int16_t)le16(data + 2 * i);
	r = sc_resampler_process(rs, in, total, conv, cap);
	if (r < 0)
		goto out;
	size_t m = (size_t)r, first = m, last = 0;
	for (size_t i = 0; i < m; i++)
		if (abs(conv[i]) >= SILENCE_LEVEL) {
			if (first == m)
				first = i;
			last = i;
		}
	if (first == m) {
		r = -ENODATA;
		goto out;
	}
	first = first > MARGIN_SAMPLES ? first - MARGIN_SAMPLES : 0;
	last = last + MARGIN_SAMPLES < m ? last + MARGIN_SAMPLES : m - 1;
	*out_n = last - first + 1;
	memmove(conv, conv + first, *out_n * sizeof(*conv));
	*out = conv;
	conv = NULL;
	r = 0;
out:
	free(conv);
	free(in);
	sc_resampler_free(rs);
	return r;
}

static void write_c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int pack_clip(FILE *f, const char *work, unsigned id, const char *text)
{
	char path[4096];
	unsigned char *wav = NULL;
	size_t len, n = 0, samples = 0;
	const unsigned char *data;
	uint32_t rate;
	int16_t *pcm = NULL;
	snprintf(path, sizeof(path), "%s/%u.wav", work, id);
	int r = read_file(path, &wav, &len);
	if (r < 0) {
		fprintf(stderr, "sc_prompt_pack: %s (clip \"%s\"): %s\n", path, text, strerror(-r));
		goto out;
	}
	r = parse_wav(wav, len, &rate, &data, &n);
	if (r < 0) {
		fprintf(stderr, "sc_prompt_pack: %s (clip \"%s\") is not a 16-bit mono PCM WAV file\n", path, text);
		goto out;
	}
	r = convert(data, n, rate, &pcm, &samples);
	if (r == -ENODATA)
		fprintf(stderr, "sc_prompt_pack: espeak-ng produced only silence for \"%s\" (%s)\n", text, path);
	else if (r < 0)
		fprintf(stderr, "sc_prompt_pack: converting %s from %u Hz failed: %s\n", path, rate, strerror(-r));
	if (r < 0)
		goto out;
	fprintf(f, "\nstatic const int16_t pcm_%u[%zu] = {", id, samples);
	for (size_t i = 0; i < samples; i++)
		fprintf(f, "%s%d,", i % 12 ? " " : "\n\t", pcm[i]);
	fprintf(f, "\n};\nconst struct sc_prompt_clip sc_prompt_clip_%u = {pcm_%u, %zu, ", id, id, samples);
	write_c_string(f, text);
	fprintf(f, "};\n");
out:
	free(pcm);
	free(wav);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s MANIFEST WORKDIR K PARTS OUT.c\n", argv[0]);
		return 2;
	}
	const char *work = argv[2], *out = argv[5];
	unsigned k = (unsigned)atoi(argv[3]), parts = (unsigned)atoi(argv[4]);
	FILE *m = fopen(argv[1], "r");
	if (!m) {
		fprintf(stderr, "sc_prompt_pack: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "sc_prompt_pack: %s: %s\n", tmp, strerror(errno));
		fclose(m);
		return 1;
	}
	fprintf(f, "// SPDX-License-Identifier: GPL-3.0-or-later\n"
		   "// Generated by src/audio/prompts (espeak-ng, then sc_prompt_pack): do not edit.\n"
		   "#include \"audio/prompts/clips.h\"\n");
	unsigned per = (SC_PROMPT_COUNT + parts - 1) / parts, count = 0;
	char line[512];
	int r = 0;
	while (r == 0 && fgets(line, sizeof(line), m)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		unsigned id = (unsigned)atoi(line);
		if (id / per != k)
			continue;
		r = pack_clip(f, work, id, tab + 1);
		count++;
	}
	fclose(m);
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	if (r == 0 && count == 0)
		fprintf(stderr, "sc_prompt_pack: part %u of %u has no clips\n", k, parts);
	if (r < 0 || count == 0 || rename(tmp, out) != 0) {
		remove(tmp);
		return 1;
	}
	return 0;
}
