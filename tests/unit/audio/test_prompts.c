// SPDX-License-Identifier: GPL-3.0-or-later
// The clips the build rendered: all there, each real speech of a sensible length and level,
// and each the word it should be.
#include <math.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "audio/prompts.h"
#include "audio/sas_speech.h"
#include "check.h"
#include "zrtp/sas.h"

static double rms(const struct sc_prompt_clip *c)
{
	double e = 0;
	for (uint32_t i = 0; i < c->samples; i++)
		e += (double)c->pcm[i] * c->pcm[i];
	return sqrt(e / c->samples);
}

static int peak(const struct sc_prompt_clip *c)
{
	int m = 0;
	for (uint32_t i = 0; i < c->samples; i++)
		if (abs(c->pcm[i]) > m)
			m = abs(c->pcm[i]);
	return m;
}

static void test_every_clip_is_speech(void)
{
	size_t total = 0;
	int bad_len = 0, bad_level = 0;
	for (unsigned id = 0; id < SC_PROMPT_COUNT; id++) {
		const struct sc_prompt_clip *c = sc_prompt_get(id);
		CHECK(c && c->pcm && c->text && c->text[0]);
		if (!c || !c->pcm)
			continue;
		total += c->samples;
		// A word lasts 0.15..1.6 s at 150 words a minute; a sentence up to 6 s.
		uint32_t max = id < SC_PROMPT_PHRASE_COUNT ? 6 * SC_PROMPT_RATE : 16 * SC_PROMPT_RATE / 10;
		if (c->samples < 15 * SC_PROMPT_RATE / 100 || c->samples > max) {
			bad_len++;
			fprintf(stderr, "clip %u \"%s\": %u samples\n", id, c->text, c->samples);
		}
		// Speech at a usable level (espeak-ng speaks at about -20 dBFS RMS), never clipped,
		// and trimmed: it starts and ends near silence, not in the middle of nothing.
		double level = rms(c);
		int p = peak(c);
		if (level < 1000 || level > 12000 || p >= 32767 || p < 4000) {
			bad_level++;
			fprintf(stderr, "clip %u \"%s\": rms %.0f peak %d\n", id, c->text, level, p);
		}
	}
	CHECK_EQ_INT(bad_len, 0);
	CHECK_EQ_INT(bad_level, 0);
	CHECK(sc_prompt_get(SC_PROMPT_COUNT) == NULL);
	printf("prompts: %d clips, %.1f s of speech, %zu bytes of samples\n", SC_PROMPT_COUNT,
	       (double)total / SC_PROMPT_RATE, total * sizeof(int16_t));
}

static void test_texts(void)
{
	CHECK_STR_CONTAINS(sc_prompt_get(SC_PROMPT_CALL_SECURED)->text, "Call secured");
	CHECK_STR_CONTAINS(sc_prompt_get(SC_PROMPT_SAS_VERIFIED)->text, "verified");
	CHECK_STR_CONTAINS(sc_prompt_get(SC_PROMPT_SAS_NOT_VERIFIED)->text, "not verified yet");
	CHECK_STR_CONTAINS(sc_prompt_get(SC_PROMPT_CACHE_MISMATCH)->text, "man in the middle");
	CHECK_STR_CONTAINS(sc_prompt_get(SC_PROMPT_TUNNEL_DOWN)->text, "Tunnel down");
	// z-base-32 in value order: y b n d r f g 8 ... 9.
	CHECK_EQ_INT(strcmp(SC_SAS_B32_ALPHABET, "ybndrfg8ejkmcpqxot1uwisza345h769"), 0);
	CHECK_EQ_INT(strcmp(sc_prompt_get(SC_PROMPT_B32_FIRST + 0)->text, "yankee"), 0);
	CHECK_EQ_INT(strcmp(sc_prompt_get(SC_PROMPT_B32_FIRST + 7)->text, "eight"), 0);
	CHECK_EQ_INT(strcmp(sc_prompt_get(SC_PROMPT_B32_FIRST + 18)->text, "one"), 0);
	CHECK_EQ_INT(strcmp(sc_prompt_get(SC_PROMPT_B32_FIRST + 31)->text, "nine"), 0);
	// Each spelling word starts with its letter.
	for (unsigned i = 0; i < 32; i++) {
		char c = SC_SAS_B32_ALPHABET[i];
		if (c >= 'a' && c <= 'z')
			CHECK(sc_prompt_get(SC_PROMPT_B32_FIRST + i)->text[0] == c);
	}
	// The PGP clips say the ZRTP layer's words, in its order.
	for (unsigned i = 0; i < 256; i++) {
		CHECK_EQ_INT(strcmp(sc_prompt_get(SC_PROMPT_PGP_EVEN_FIRST + i)->text, sc_zrtp_pgp_even_words[i]), 0);
		CHECK_EQ_INT(strcmp(sc_prompt_get(SC_PROMPT_PGP_ODD_FIRST + i)->text, sc_zrtp_pgp_odd_words[i]), 0);
	}
}

// Different words sound different: no two clips share their samples (a renderer that wrote
// one clip everywhere, or silence, would fail here). One word is in two lists ("zulu" spells
// z, "Zulu" is PGP even word 255): those two are the same speech.
static void test_clips_differ(void)
{
	int same = 0;
	for (unsigned a = 0; a < SC_PROMPT_COUNT; a++)
		for (unsigned b = a + 1; b < SC_PROMPT_COUNT; b++) {
			const struct sc_prompt_clip *x = sc_prompt_get(a), *y = sc_prompt_get(b);
			bool same_word = strcasecmp(x->text, y->text) == 0;
			bool same_pcm = x->samples == y->samples && memcmp(x->pcm, y->pcm, x->samples * 2) == 0;
			if (same_pcm != same_word) {
				same++;
				fprintf(stderr, "clips %u \"%s\" and %u \"%s\": %s speech\n", a, x->text, b,
					y->text, same_pcm ? "same" : "different");
			}
		}
	CHECK_EQ_INT(same, 0);
	// Longer texts take longer to say.
	CHECK(sc_prompt_get(SC_PROMPT_CACHE_MISMATCH)->samples > 2 * sc_prompt_get(SC_PROMPT_TUNNEL_DOWN)->samples);
	CHECK(sc_prompt_get(SC_PROMPT_PGP_ODD_FIRST + 0)->samples > sc_prompt_get(SC_PROMPT_B32_FIRST + 28)->samples); // adroitness > five
}

int main(void)
{
	test_every_clip_is_speech();
	test_texts();
	test_clips_differ();
	return check_done();
}
