// SPDX-License-Identifier: GPL-3.0-or-later
// ITU-T G.711 companding between 16-bit linear PCM and 8-bit µ-law (PCMU) or A-law (PCMA).
//
// G.711 itself is defined on 14-bit (µ-law) and 13-bit (A-law) sign-magnitude samples; the
// 16-bit samples ALSA gives us are taken to that resolution by dropping the low bits of the
// magnitude, and decoded values are scaled back up (µ-law ×4, A-law ×8), so that a code
// always decodes to the middle of its quantisation interval at 16-bit scale.
#ifndef SC_AUDIO_G711_H
#define SC_AUDIO_G711_H

#include <stddef.h>
#include <stdint.h>

uint8_t sc_g711_ulaw_encode(int16_t sample);
int16_t sc_g711_ulaw_decode(uint8_t code);
uint8_t sc_g711_alaw_encode(int16_t sample);
int16_t sc_g711_alaw_decode(uint8_t code);

// Whole frames: N samples to N codes and back.
void sc_g711_ulaw_encode_buf(const int16_t *pcm, size_t n, uint8_t *out);
void sc_g711_ulaw_decode_buf(const uint8_t *codes, size_t n, int16_t *out);
void sc_g711_alaw_encode_buf(const int16_t *pcm, size_t n, uint8_t *out);
void sc_g711_alaw_decode_buf(const uint8_t *codes, size_t n, int16_t *out);

// The codes a silent line carries: µ-law 0xFF (+0), A-law 0xD5 (+1 at 13 bits).
#define SC_G711_ULAW_SILENCE 0xFF
#define SC_G711_ALAW_SILENCE 0xD5

#endif
