// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/prompts.h"

#include "audio/prompts/clips.h"

const struct sc_prompt_clip *sc_prompt_get(unsigned id)
{
	if (id >= SC_PROMPT_COUNT)
		return NULL;
	return sc_prompt_clips[id];
}
