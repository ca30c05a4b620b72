// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audio/sas_speech.h"
#include "check.h"
#include "zrtp/sas.h"

static const char *word(uint16_t clip)
{
	return sc_prompt_get(clip)->text;
}

static void test_b32_plans(void)
{
	uint16_t c[SC_SAS_MAX_CLIPS];
	size_t n = 0;
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "ybnd", c, 4, &n), 0);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_INT(strcmp(word(c[0]), "yankee"), 0);
	CHECK_EQ_INT(strcmp(word(c[1]), "bravo"), 0);
	CHECK_EQ_INT(strcmp(word(c[2]), "november"), 0);
	CHECK_EQ_INT(strcmp(word(c[3]), "delta"), 0);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "8t19", c, 4, &n), 0);
	CHECK_EQ_INT(strcmp(word(c[0]), "eight"), 0);
	CHECK_EQ_INT(strcmp(word(c[1]), "tango"), 0);
	CHECK_EQ_INT(strcmp(word(c[2]), "one"), 0);
	CHECK_EQ_INT(strcmp(word(c[3]), "nine"), 0);
	// Linphone shows the SAS in capitals.
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "XQ4H", c, 4, &n), 0);
	CHECK_EQ_INT(strcmp(word(c[0]), "x-ray"), 0);
	CHECK_EQ_INT(strcmp(word(c[1]), "quebec"), 0);
	CHECK_EQ_INT(strcmp(word(c[2]), "four"), 0);
	CHECK_EQ_INT(strcmp(word(c[3]), "hotel"), 0);

	// Not a B32 SAS: wrong length, characters outside z-base-32 (l, v, 0, 2), no room.
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "ybn", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "ybndy", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "ybnl", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "v0b2", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "yb:d", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, NULL, c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B32, "ybnd", c, 3, &n), -ENOSPC);
	CHECK_EQ_INT(sc_sas_speech_plan((enum sc_zrtp_sas)7, "ybnd", c, 4, &n), -EINVAL);
}

static void test_b256_plans(void)
{
	uint16_t c[SC_SAS_MAX_CLIPS];
	size_t n = 0;
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvark:adroitness", c, 4, &n), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(c[0], SC_PROMPT_PGP_EVEN_FIRST);
	CHECK_EQ_INT(c[1], SC_PROMPT_PGP_ODD_FIRST);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "Zulu:Yucatan", c, 4, &n), 0);
	CHECK_EQ_INT(c[0], SC_PROMPT_PGP_EVEN_FIRST + 255);
	CHECK_EQ_INT(c[1], SC_PROMPT_PGP_ODD_FIRST + 255);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "ALGOL:atlantic", c, 4, &n), 0);
	CHECK_EQ_INT(strcmp(word(c[0]), "Algol"), 0);
	CHECK_EQ_INT(strcmp(word(c[1]), "Atlantic"), 0);
	// An odd word in the even place (or the reverse) is not a SAS: the lists are what tell a
	// swapped pair.
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "adroitness:aardvark", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvark:aardvark", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvark", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvar:adroitness", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvark:adroitnesss", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvark:adroitness:x", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, ":", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "ybnd", c, 4, &n), -EINVAL);
	CHECK_EQ_INT(sc_sas_speech_plan(SC_ZRTP_B256, "aardvark:adroitness", c, 1, &n), -ENOSPC);
}

// Every SAS the ZRTP layer can show has a read-out, and it says that SAS: all 2^20 B32 values
// and all 2^16 B256 values.
static void test_every_zrtp_sas(void)
{
	static const char alphabet[] = SC_SAS_B32_ALPHABET;
	uint16_t c[SC_SAS_MAX_CLIPS];
	size_t n;
	char sas[SC_ZRTP_SAS_TEXT_MAX];
	long bad = 0;
	for (uint32_t v = 0; v < (1u << 20); v++) {
		uint32_t value = v << 12;
		if (sc_zrtp_sas_render(SC_ZRTP_B32, value, sas, sizeof(sas)) != 0 ||
		    sc_sas_speech_plan(SC_ZRTP_B32, sas, c, 4, &n) != 0 || n != 4) {
			bad++;
			continue;
		}
		for (int i = 0; i < 4; i++) {
			unsigned digit = (v >> (15 - 5 * i)) & 31;
			// The word is the one for the character shown, and that is the right digit.
			if (c[i] != SC_PROMPT_B32_FIRST + digit || sas[i] != alphabet[digit])
				bad++;
		}
	}
	CHECK_EQ_INT(bad, 0);
	bad = 0;
	for (uint32_t v = 0; v < (1u << 16); v++) {
		if (sc_zrtp_sas_render(SC_ZRTP_B256, v << 16, sas, sizeof(sas)) != 0 ||
		    sc_sas_speech_plan(SC_ZRTP_B256, sas, c, 4, &n) != 0 || n != 2 ||
		    c[0] != SC_PROMPT_PGP_EVEN_FIRST + (v >> 8) || c[1] != SC_PROMPT_PGP_ODD_FIRST + (v & 255))
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
}

// The concatenation the player should produce: each clip, its pause (none after the last).
static size_t expected(const struct sc_speech_item *items, size_t n, int16_t *out)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sc_prompt_clip *clip = sc_prompt_get(items[i].clip);
		memcpy(out + len, clip->pcm, clip->samples * sizeof(int16_t));
		len += clip->samples;
		if (i + 1 < n) {
			size_t pause = (size_t)items[i].pause_ms * SC_PROMPT_RATE / 1000;
			memset(out + len, 0, pause * sizeof(int16_t));
			len += pause;
		}
	}
	return len;
}

// Plays to the end in frames of FRAME samples; returns the samples reported as played and
// copies all of OUT's frames (including the silent tail of the last) to GOT.
static size_t play(struct sc_speech_player *p, size_t frame, int16_t *got, size_t cap, size_t *frames)
{
	size_t reported = 0, off = 0;
	*frames = 0;
	while (off + frame <= cap) {
		size_t r = sc_speech_player_next(p, got + off, frame);
		reported += r;
		off += frame;
		(*frames)++;
		if (r < frame)
			break;
	}
	return reported;
}

static void test_player_concatenates_with_pauses(void)
{
	size_t cap = 30 * SC_PROMPT_RATE;
	int16_t *want = calloc(cap, sizeof(int16_t)), *got = calloc(cap, sizeof(int16_t));
	const size_t frame_sizes[] = {160, 1, 77, 480};
	for (size_t f = 0; f < sizeof(frame_sizes) / sizeof(frame_sizes[0]); f++) {
		struct sc_speech_player p;
		sc_speech_player_init(&p);
		CHECK(sc_speech_player_done(&p));
		CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_CALL_SECURED, 0), 0);
		CHECK_EQ_INT(sc_speech_player_add_sas(&p, SC_ZRTP_B32, "ybnd", SC_SAS_LEAD_PAUSE_MS), 0);
		CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_SAS_NOT_VERIFIED, 0), 0);
		CHECK_EQ_INT(p.n, 6);
		// What the core asked for: "call secured", 600 ms, four words 350 ms apart, and
		// (after the last word's 350 ms) "SAS not verified yet".
		struct sc_speech_item items[6] = {
			{SC_PROMPT_CALL_SECURED, SC_SAS_LEAD_PAUSE_MS},
			{SC_PROMPT_B32_FIRST + 0, SC_SAS_WORD_PAUSE_MS},
			{SC_PROMPT_B32_FIRST + 1, SC_SAS_WORD_PAUSE_MS},
			{SC_PROMPT_B32_FIRST + 2, SC_SAS_WORD_PAUSE_MS},
			{SC_PROMPT_B32_FIRST + 3, SC_SAS_WORD_PAUSE_MS},
			{SC_PROMPT_SAS_NOT_VERIFIED, 0},
		};
		size_t len = expected(items, 6, want);
		CHECK_EQ_INT(sc_speech_player_remaining(&p), len);
		memset(got, 0x55, cap * sizeof(int16_t));
		size_t frames;
		size_t reported = play(&p, frame_sizes[f], got, cap, &frames);
		CHECK_EQ_INT(reported, len);
		CHECK_EQ_INT(memcmp(got, want, len * sizeof(int16_t)), 0);
		// The tail of the last frame is silence, and then the player has nothing more.
		size_t tail_bad = 0;
		for (size_t i = len; i < frames * frame_sizes[f]; i++)
			tail_bad += got[i] != 0;
		CHECK_EQ_INT(tail_bad, 0);
		CHECK(sc_speech_player_done(&p));
		CHECK_EQ_INT(sc_speech_player_remaining(&p), 0);
		int16_t buf[160];
		CHECK_EQ_INT(sc_speech_player_next(&p, buf, 160), 0);
		CHECK_EQ_INT(buf[0], 0);
	}

	// B256 after a finished sequence starts a new one; the 600 ms pause is kept as given.
	struct sc_speech_player p;
	sc_speech_player_init(&p);
	CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_TUNNEL_DOWN, 0), 0);
	size_t frames;
	play(&p, 160, got, cap, &frames);
	CHECK(sc_speech_player_done(&p));
	CHECK_EQ_INT(sc_speech_player_add_sas(&p, SC_ZRTP_B256, "Zulu:Yucatan", SC_SAS_LEAD_PAUSE_MS), 0);
	CHECK_EQ_INT(p.n, 2);
	struct sc_speech_item items[2] = {{SC_PROMPT_PGP_EVEN_FIRST + 255, SC_SAS_WORD_PAUSE_MS},
					  {SC_PROMPT_PGP_ODD_FIRST + 255, 0}};
	size_t len = expected(items, 2, want);
	CHECK_EQ_INT(play(&p, 160, got, cap, &frames), len);
	CHECK_EQ_INT(memcmp(got, want, len * sizeof(int16_t)), 0);
	CHECK_EQ_INT(frames, len / 160 + 1);

	// Refusals leave the queue as it was.
	sc_speech_player_init(&p);
	CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_COUNT, 0), -EINVAL);
	CHECK_EQ_INT(sc_speech_player_add_sas(&p, SC_ZRTP_B32, "nol2", 0), -EINVAL);
	CHECK_EQ_INT(p.n, 0);
	for (int i = 0; i < SC_SPEECH_MAX_ITEMS; i++)
		CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_TUNNEL_DOWN, 10), 0);
	CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_TUNNEL_DOWN, 10), -ENOSPC);
	sc_speech_player_init(&p);
	for (int i = 0; i < SC_SPEECH_MAX_ITEMS - 3; i++)
		CHECK_EQ_INT(sc_speech_player_add(&p, SC_PROMPT_TUNNEL_DOWN, 10), 0);
	CHECK_EQ_INT(sc_speech_player_add_sas(&p, SC_ZRTP_B32, "ybnd", 0), -ENOSPC);
	CHECK_EQ_INT(p.n, SC_SPEECH_MAX_ITEMS - 3);
	free(want);
	free(got);
}

int main(void)
{
	test_b32_plans();
	test_b256_plans();
	test_every_zrtp_sas();
	test_player_concatenates_with_pauses();
	return check_done();
}
