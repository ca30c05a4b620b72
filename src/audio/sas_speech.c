// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/sas_speech.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static int b32_plan(const char *sas, uint16_t *clips)
{
	static const char alphabet[] = SC_SAS_B32_ALPHABET;
	if (strlen(sas) != 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		char c = sas[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		const char *at = c ? strchr(alphabet, c) : NULL;
		if (!at)
			return -EINVAL;
		clips[i] = (uint16_t)(SC_PROMPT_B32_FIRST + (at - alphabet));
	}
	return 0;
}

// The clip in [FIRST, FIRST+256) whose text is WORD (LEN characters, any case); -1 if none.
static int pgp_word(const char *word, size_t len, unsigned first)
{
	for (unsigned i = 0; i < 256; i++) {
		const char *text = sc_prompt_get(first + i)->text;
		if (strlen(text) == len && strncasecmp(text, word, len) == 0)
			return (int)(first + i);
	}
	return -1;
}

static int b256_plan(const char *sas, uint16_t *clips)
{
	const char *colon = strchr(sas, ':');
	if (!colon)
		return -EINVAL;
	int even = pgp_word(sas, (size_t)(colon - sas), SC_PROMPT_PGP_EVEN_FIRST);
	int odd = pgp_word(colon + 1, strlen(colon + 1), SC_PROMPT_PGP_ODD_FIRST);
	if (even < 0 || odd < 0)
		return -EINVAL;
	clips[0] = (uint16_t)even;
	clips[1] = (uint16_t)odd;
	return 0;
}

int sc_sas_speech_plan(enum sc_zrtp_sas type, const char *sas, uint16_t *clips, size_t cap,
		       size_t *n)
{
	uint16_t plan[SC_SAS_MAX_CLIPS];
	size_t count;
	int r;
	if (!sas)
		return -EINVAL;
	switch (type) {
	case SC_ZRTP_B32:
		r = b32_plan(sas, plan);
		count = 4;
		break;
	case SC_ZRTP_B256:
		r = b256_plan(sas, plan);
		count = 2;
		break;
	default:
		return -EINVAL;
	}
	if (r < 0)
		return r;
	if (cap < count)
		return -ENOSPC;
	memcpy(clips, plan, count * sizeof(*plan));
	*n = count;
	return 0;
}

void sc_speech_player_init(struct sc_speech_player *p)
{
	memset(p, 0, sizeof(*p));
}

int sc_speech_player_add(struct sc_speech_player *p, unsigned clip, uint16_t pause_ms)
{
	if (!sc_prompt_get(clip))
		return -EINVAL;
	if (sc_speech_player_done(p)) // all said: start a new sequence
		sc_speech_player_init(p);
	if (p->n == SC_SPEECH_MAX_ITEMS)
		return -ENOSPC;
	p->items[p->n++] = (struct sc_speech_item){(uint16_t)clip, pause_ms};
	return 0;
}

int sc_speech_player_add_sas(struct sc_speech_player *p, enum sc_zrtp_sas type, const char *sas,
			     uint16_t lead_pause_ms)
{
	uint16_t clips[SC_SAS_MAX_CLIPS];
	size_t n;
	int r = sc_sas_speech_plan(type, sas, clips, SC_SAS_MAX_CLIPS, &n);
	if (r < 0)
		return r;
	if (sc_speech_player_done(p))
		sc_speech_player_init(p);
	if (p->n + n > SC_SPEECH_MAX_ITEMS)
		return -ENOSPC;
	// The lead pause is the pause after whatever was queued before the SAS.
	if (p->n > p->idx)
		p->items[p->n - 1].pause_ms = lead_pause_ms;
	for (size_t i = 0; i < n; i++)
		p->items[p->n++] = (struct sc_speech_item){clips[i], SC_SAS_WORD_PAUSE_MS};
	return 0;
}

static uint32_t pause_samples(const struct sc_speech_player *p, size_t idx)
{
	if (idx + 1 >= p->n) // nothing follows: a trailing pause would only delay "done"
		return 0;
	return (uint32_t)p->items[idx].pause_ms * SC_PROMPT_RATE / 1000;
}

bool sc_speech_player_done(const struct sc_speech_player *p)
{
	return p->idx >= p->n;
}

size_t sc_speech_player_remaining(const struct sc_speech_player *p)
{
	size_t total = 0;
	for (size_t i = p->idx; i < p->n; i++)
		total += sc_prompt_get(p->items[i].clip)->samples + pause_samples(p, i);
	if (!sc_speech_player_done(p))
		total -= p->pos + (p->pausing ? sc_prompt_get(p->items[p->idx].clip)->samples : 0);
	return total;
}

size_t sc_speech_player_next(struct sc_speech_player *p, int16_t *out, size_t n)
{
	size_t done = 0;
	// Each pass finishes a clip or a pause or fills OUT, so at most 2 passes an item + 1.
	while (done < n && p->idx < p->n) {
		const struct sc_prompt_clip *clip = sc_prompt_get(p->items[p->idx].clip);
		uint32_t len = p->pausing ? pause_samples(p, p->idx) : clip->samples;
		size_t take = len - p->pos;
		if (take > n - done)
			take = n - done;
		if (p->pausing)
			memset(out + done, 0, take * sizeof(*out));
		else
			memcpy(out + done, clip->pcm + p->pos, take * sizeof(*out));
		done += take;
		p->pos += (uint32_t)take;
		if (p->pos < len)
			break;
		p->pos = 0;
		if (!p->pausing && pause_samples(p, p->idx) > 0) {
			p->pausing = true;
		} else {
			p->pausing = false;
			p->idx++;
		}
	}
	if (done < n)
		memset(out + done, 0, (n - done) * sizeof(*out));
	return done;
}
