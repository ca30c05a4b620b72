// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the Short Authentication String aloud, and playing any sequence of spoken prompts.
//
// sc_sas_speech_plan turns the SAS as the ZRTP layer renders it (zrtp/sas.h) into the clips
// that say it: B32 ("ybnd", RFC 6189 §5.1.6 z-base-32) is four spelling words ("yankee bravo
// november delta"); B256 ("word:word") is its two PGP words.
//
// The player is pure: the core asks it for the next frame of 8 kHz samples, as many as it
// wants each time (160 for 20 ms), and mixes them into the headset's playback. Nothing in it
// knows a clock, so what the user hears is exactly the clips and the pauses asked for.
#ifndef SC_AUDIO_SAS_SPEECH_H
#define SC_AUDIO_SAS_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio/prompts.h"
#include "policy/policy.h"

// RFC 6189 §5.1.6: the characters of a B32 SAS, in value order.
#define SC_SAS_B32_ALPHABET "ybndrfg8ejkmcpqxot1uwisza345h769"
#define SC_SAS_MAX_CLIPS 4
// Pauses the core uses for a SAS: between its words, and before it (after "call secured").
#define SC_SAS_WORD_PAUSE_MS 350
#define SC_SAS_LEAD_PAUSE_MS 600

// The clips (prompt ids) that say SAS. CLIPS has room for CAP ids; *N gets how many.
// -EINVAL when SAS is not a SAS of TYPE (B32: exactly 4 characters of the alphabet, either
// case; B256: "even-word:odd-word" from the PGP lists, either case), -ENOSPC when CAP is short.
int sc_sas_speech_plan(enum sc_zrtp_sas type, const char *sas, uint16_t *clips, size_t cap,
		       size_t *n);

#define SC_SPEECH_MAX_ITEMS 16

struct sc_speech_item {
	uint16_t clip;     // prompt id
	uint16_t pause_ms; // silence after the clip (none after the last one)
};

struct sc_speech_player {
	struct sc_speech_item items[SC_SPEECH_MAX_ITEMS];
	size_t n;
	size_t idx;        // item playing
	uint32_t pos;      // samples played of its clip, then of its pause
	bool pausing;
};

void sc_speech_player_init(struct sc_speech_player *p);
// Queues CLIP, then PAUSE_MS of silence if another clip follows. -EINVAL for an unknown clip,
// -ENOSPC when SC_SPEECH_MAX_ITEMS are queued. Clips may be added while it plays; a pause
// is only kept if the next clip was queued before the clip before the pause ended.
int sc_speech_player_add(struct sc_speech_player *p, unsigned clip, uint16_t pause_ms);
// Queues the SAS read-out (sc_sas_speech_plan) with SC_SAS_WORD_PAUSE_MS between the words,
// and LEAD_PAUSE_MS before it when something is already queued.
int sc_speech_player_add_sas(struct sc_speech_player *p, enum sc_zrtp_sas type, const char *sas,
			     uint16_t lead_pause_ms);
// Writes the next N samples (8 kHz) to OUT. Returns how many are speech or pauses between
// clips; once everything has been said the rest of OUT is silence and the return is smaller
// than N (0 afterwards).
size_t sc_speech_player_next(struct sc_speech_player *p, int16_t *out, size_t n);
bool sc_speech_player_done(const struct sc_speech_player *p);
// Total length of what is queued and not yet played, in samples.
size_t sc_speech_player_remaining(const struct sc_speech_player *p);

#endif
