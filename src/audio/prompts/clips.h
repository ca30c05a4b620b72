// SPDX-License-Identifier: GPL-3.0-or-later
// The table of clips the build generates: prompts_index.c (by manifest.c) points at the
// sc_prompt_clip_ID objects of prompts_partK.c (by pack.c).
#ifndef SC_AUDIO_PROMPTS_CLIPS_H
#define SC_AUDIO_PROMPTS_CLIPS_H

#include "audio/prompts.h"

extern const struct sc_prompt_clip *const sc_prompt_clips[SC_PROMPT_COUNT];

#endif
