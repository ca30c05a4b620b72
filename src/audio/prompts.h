// SPDX-License-Identifier: GPL-3.0-or-later
// The spoken prompts: short clips of speech the headset plays, from "call secured" to each
// word the Short Authentication String can be read out with. They are rendered by espeak-ng
// when sealcall is built (src/audio/prompts/) and compiled into the program, so the daemon
// needs no speech engine and no data files at run time, and a missing file can never leave
// the user unable to hear the SAS.
//
// Every clip is 8 kHz, 16-bit mono, without leading or trailing silence: the player
// (audio/sas_speech.h) puts the pauses in.
#ifndef SC_AUDIO_PROMPTS_H
#define SC_AUDIO_PROMPTS_H

#include <stddef.h>
#include <stdint.h>

#define SC_PROMPT_RATE 8000

enum sc_prompt {
	SC_PROMPT_CALL_SECURED,     // ZRTP keyed the call
	SC_PROMPT_SAS_VERIFIED,     // the SAS of this site was verified (now or in an earlier call)
	SC_PROMPT_SAS_NOT_VERIFIED, // the SAS was not verified yet: compare it
	SC_PROMPT_CACHE_MISMATCH,   // key continuity broken: possible man in the middle
	SC_PROMPT_TUNNEL_DOWN,
	SC_PROMPT_PHRASE_COUNT,
	// One clip per z-base-32 character, in the order of SC_SAS_B32_ALPHABET: ICAO/NATO words
	// for letters, English words for digits.
	SC_PROMPT_B32_FIRST = SC_PROMPT_PHRASE_COUNT,
	// The PGP word list: the even list (two syllables) then the odd list (three), each in
	// byte order.
	SC_PROMPT_PGP_EVEN_FIRST = SC_PROMPT_B32_FIRST + 32,
	SC_PROMPT_PGP_ODD_FIRST = SC_PROMPT_PGP_EVEN_FIRST + 256,
	SC_PROMPT_COUNT = SC_PROMPT_PGP_ODD_FIRST + 256,
};

struct sc_prompt_clip {
	const int16_t *pcm;
	uint32_t samples;
	const char *text; // what the clip says, as it was given to the speech engine
};

// The clip for ID (an enum sc_prompt value or one of the word ranges); NULL when out of range.
const struct sc_prompt_clip *sc_prompt_get(unsigned id);

#endif
