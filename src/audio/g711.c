// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/g711.h"

// µ-law: the 14-bit magnitude plus a bias of 33 lies in [33, 8191]; its highest set bit
// (5..12) gives the segment, the four bits below it the step inside the segment. The bias
// makes every segment twice as wide as the one before it, starting at 2^(s+5) - 33.
#define ULAW_BIAS 33
#define ULAW_MAX_MAGNITUDE (8191 - ULAW_BIAS)

// Position of the highest set bit of a non-zero value.
static int top_bit(unsigned v)
{
	int bit = 0;
	while (v >>= 1)
		bit++;
	return bit;
}

uint8_t sc_g711_ulaw_encode(int16_t sample)
{
	int negative = sample < 0;
	unsigned magnitude = (unsigned)(negative ? -(int)sample : sample) >> 2;
	if (magnitude > ULAW_MAX_MAGNITUDE)
		magnitude = ULAW_MAX_MAGNITUDE;
	unsigned biased = magnitude + ULAW_BIAS;
	unsigned segment = (unsigned)top_bit(biased) - 5;
	unsigned step = (biased >> (segment + 1)) & 0x0F;
	unsigned code = (segment << 4) | step;
	// On the line the sign bit is 1 for positive samples and every other bit is inverted.
	return (uint8_t)(~code & 0x7F) | (negative ? 0x00 : 0x80);
}

int16_t sc_g711_ulaw_decode(uint8_t code)
{
	unsigned inverted = ~code & 0xFF;
	unsigned segment = (inverted >> 4) & 0x07;
	unsigned step = inverted & 0x0F;
	// The middle of the interval, in biased units, then unbiased and taken to 16 bits.
	unsigned biased = ((2u * step + 33u) << segment);
	int magnitude = ((int)biased - ULAW_BIAS) * 4;
	return (int16_t)((code & 0x80) ? magnitude : -magnitude);
}

// A-law: the 13-bit magnitude's segment 0 and 1 share the smallest step (2), then every
// segment doubles in width and step; segment s >= 1 starts at 2^(s+4).
uint8_t sc_g711_alaw_encode(int16_t sample)
{
	int negative = sample < 0;
	unsigned magnitude = (unsigned)(negative ? -(int)sample : sample) >> 3;
	if (magnitude > 4095)
		magnitude = 4095;
	unsigned segment, step;
	if (magnitude < 32) {
		segment = 0;
		step = magnitude >> 1;
	} else {
		segment = (unsigned)top_bit(magnitude) - 4;
		step = (magnitude >> segment) & 0x0F;
	}
	unsigned code = (negative ? 0x00 : 0x80) | (segment << 4) | step;
	// On the line the even bits are inverted (G.711 §2), which is what 0x55 flips.
	return (uint8_t)(code ^ 0x55);
}

int16_t sc_g711_alaw_decode(uint8_t code)
{
	unsigned plain = code ^ 0x55u;
	unsigned segment = (plain >> 4) & 0x07;
	unsigned step = plain & 0x0F;
	unsigned magnitude;
	if (segment == 0)
		magnitude = 2 * step + 1;
	else
		magnitude = ((2 * step + 33) << segment) >> 1;
	int value = (int)magnitude * 8;
	return (int16_t)((plain & 0x80) ? value : -value);
}

void sc_g711_ulaw_encode_buf(const int16_t *pcm, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = sc_g711_ulaw_encode(pcm[i]);
}

void sc_g711_ulaw_decode_buf(const uint8_t *codes, size_t n, int16_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = sc_g711_ulaw_decode(codes[i]);
}

void sc_g711_alaw_encode_buf(const int16_t *pcm, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = sc_g711_alaw_encode(pcm[i]);
}

void sc_g711_alaw_decode_buf(const uint8_t *codes, size_t n, int16_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = sc_g711_alaw_decode(codes[i]);
}
