// SPDX-License-Identifier: GPL-3.0-or-later
// G.711 checked against tables rebuilt here from the standard's own description (segment
// start, step size, decision and reconstruction values), not from the encoder's bit tricks.
#include <stdlib.h>

#include "audio/g711.h"
#include "check.h"

struct interval {
	int lower, upper;   // magnitudes lower <= m < upper (13/14-bit domain)
	int reconstruction; // decoder output, same domain
	unsigned seg, step;
};

// G.711 Table 2a (µ-law): segment 0 starts at -1 so that its first interval, [0, 1), is
// half as wide and decodes to 0; segment ends 31, 95, ..., 8159; steps 2 .. 256.
static void ulaw_intervals(struct interval out[128])
{
	static const int start[8] = { -1, 31, 95, 223, 479, 991, 2015, 4063 };
	for (unsigned s = 0; s < 8; s++) {
		int width = 2 << s;
		for (unsigned q = 0; q < 16; q++) {
			struct interval *iv = &out[s * 16 + q];
			iv->lower = start[s] + (int)q * width;
			iv->upper = iv->lower + width;
			iv->reconstruction = iv->lower + width / 2;
			iv->seg = s;
			iv->step = q;
		}
	}
}

// G.711 Table 1a (A-law): segments 0 and 1 both step 2; then 4 .. 128; ends 32 .. 4096.
static void alaw_intervals(struct interval out[128])
{
	static const int start[8] = { 0, 32, 64, 128, 256, 512, 1024, 2048 };
	static const int width[8] = { 2, 2, 4, 8, 16, 32, 64, 128 };
	for (unsigned s = 0; s < 8; s++) {
		for (unsigned q = 0; q < 16; q++) {
			struct interval *iv = &out[s * 16 + q];
			iv->lower = start[s] + (int)q * width[s];
			iv->upper = iv->lower + width[s];
			iv->reconstruction = iv->lower + width[s] / 2;
			iv->seg = s;
			iv->step = q;
		}
	}
}

// Line format: µ-law sends the sign (1 = positive) and the inverted segment and step bits;
// A-law sends sign, segment and step with the even bits inverted.
static uint8_t ulaw_char(int positive, unsigned seg, unsigned step)
{
	return (uint8_t)((positive ? 0x80 : 0x00) | (~((seg << 4) | step) & 0x7F));
}

static uint8_t alaw_char(int positive, unsigned seg, unsigned step)
{
	return (uint8_t)(((positive ? 0x80 : 0x00) | (seg << 4) | step) ^ 0x55);
}

static const struct interval *find(const struct interval *iv, int magnitude)
{
	for (int i = 0; i < 128; i++)
		if (magnitude >= iv[i].lower && magnitude < iv[i].upper)
			return &iv[i];
	return &iv[127]; // beyond the last decision value: overload, the largest code
}

static void test_published_values(void)
{
	CHECK_EQ_INT(sc_g711_ulaw_decode(0xFF), 0);
	CHECK_EQ_INT(sc_g711_ulaw_decode(0x7F), 0);
	CHECK_EQ_INT(sc_g711_ulaw_decode(0x80), 32124);
	CHECK_EQ_INT(sc_g711_ulaw_decode(0x00), -32124);
	CHECK_EQ_INT(sc_g711_ulaw_decode(0xEF), 132);
	CHECK_EQ_INT(sc_g711_ulaw_decode(0xFE), 8);
	CHECK_EQ_INT(sc_g711_ulaw_encode(0), 0xFF);
	CHECK_EQ_INT(sc_g711_ulaw_encode(32767), 0x80);
	CHECK_EQ_INT(sc_g711_ulaw_encode(-32768), 0x00);

	CHECK_EQ_INT(sc_g711_alaw_decode(0xD5), 8);
	CHECK_EQ_INT(sc_g711_alaw_decode(0x55), -8);
	CHECK_EQ_INT(sc_g711_alaw_decode(0xAA), 32256);
	CHECK_EQ_INT(sc_g711_alaw_decode(0x2A), -32256);
	CHECK_EQ_INT(sc_g711_alaw_decode(0xC5), 264);
	CHECK_EQ_INT(sc_g711_alaw_encode(0), 0xD5);
	CHECK_EQ_INT(sc_g711_alaw_encode(8), 0xD5);
	CHECK_EQ_INT(sc_g711_alaw_encode(32767), 0xAA);
	CHECK_EQ_INT(sc_g711_alaw_encode(-32768), 0x2A);
	CHECK_EQ_INT(SC_G711_ULAW_SILENCE, sc_g711_ulaw_encode(0));
	CHECK_EQ_INT(SC_G711_ALAW_SILENCE, sc_g711_alaw_encode(0));
}

// Every one of the 256 codes decodes to its interval's reconstruction value.
static void test_decode_tables(void)
{
	struct interval u[128], a[128];
	ulaw_intervals(u);
	alaw_intervals(a);
	int bad_u = 0, bad_a = 0;
	for (int i = 0; i < 128; i++) {
		for (int positive = 0; positive <= 1; positive++) {
			int sign = positive ? 1 : -1;
			if (sc_g711_ulaw_decode(ulaw_char(positive, u[i].seg, u[i].step)) !=
			    sign * u[i].reconstruction * 4)
				bad_u++;
			if (sc_g711_alaw_decode(alaw_char(positive, a[i].seg, a[i].step)) !=
			    sign * a[i].reconstruction * 8)
				bad_a++;
		}
	}
	CHECK_EQ_INT(bad_u, 0);
	CHECK_EQ_INT(bad_a, 0);
}

// Every one of the 65536 16-bit inputs lands in the interval the decision values give.
static void test_encode_all_inputs(void)
{
	struct interval u[128], a[128];
	ulaw_intervals(u);
	alaw_intervals(a);
	int bad_u = 0, bad_a = 0;
	for (int x = -32768; x <= 32767; x++) {
		int positive = x >= 0;
		int mag = abs(x);
		const struct interval *iu = find(u, mag / 4);
		const struct interval *ia = find(a, mag / 8);
		uint8_t want_u = ulaw_char(positive, iu->seg, iu->step);
		uint8_t want_a = alaw_char(positive, ia->seg, ia->step);
		if (sc_g711_ulaw_encode((int16_t)x) != want_u) {
			if (bad_u++ < 5)
				fprintf(stderr, "ulaw(%d) = %02x, want %02x\n", x,
					sc_g711_ulaw_encode((int16_t)x), want_u);
		}
		if (sc_g711_alaw_encode((int16_t)x) != want_a) {
			if (bad_a++ < 5)
				fprintf(stderr, "alaw(%d) = %02x, want %02x\n", x,
					sc_g711_alaw_encode((int16_t)x), want_a);
		}
	}
	CHECK_EQ_INT(bad_u, 0);
	CHECK_EQ_INT(bad_a, 0);
}

static void test_round_trips(void)
{
	int bad_u = 0, bad_a = 0;
	for (int c = 0; c < 256; c++) {
		uint8_t back = sc_g711_ulaw_encode(sc_g711_ulaw_decode((uint8_t)c));
		// 0x7F is µ-law's negative zero: it decodes to 0, which encodes as +0 (0xFF).
		if (back != (c == 0x7F ? 0xFF : c))
			bad_u++;
		if (sc_g711_alaw_encode(sc_g711_alaw_decode((uint8_t)c)) != c)
			bad_a++;
	}
	CHECK_EQ_INT(bad_u, 0);
	CHECK_EQ_INT(bad_a, 0);

	// Decoding is monotonic in the quantised value, and the error never exceeds half a step
	// plus what the truncation to 14/13 bits drops.
	int worst_u = 0, worst_a = 0, monotonic = 1;
	int prev_u = -40000, prev_a = -40000;
	for (int x = -32768; x <= 32767; x++) {
		int du = sc_g711_ulaw_decode(sc_g711_ulaw_encode((int16_t)x));
		int da = sc_g711_alaw_decode(sc_g711_alaw_encode((int16_t)x));
		if (du < prev_u || da < prev_a)
			monotonic = 0;
		prev_u = du;
		prev_a = da;
		if (abs(x) < 31000) { // below the overload region
			int eu = abs(du - x), ea = abs(da - x);
			// relative to the local step: 1/16 of the segment, at least 8 (2 at 14 bits)
			int step_u = abs(x) / 16 > 8 ? abs(x) / 16 : 8;
			int step_a = abs(x) / 16 > 16 ? abs(x) / 16 : 16;
			if (eu * 100 / step_u > worst_u)
				worst_u = eu * 100 / step_u;
			if (ea * 100 / step_a > worst_a)
				worst_a = ea * 100 / step_a;
		}
	}
	CHECK(monotonic);
	CHECK(worst_u <= 100); // never more than one step
	CHECK(worst_a <= 100);
}

static void test_buffers(void)
{
	int16_t pcm[160], back[160];
	uint8_t codes[160];
	for (int i = 0; i < 160; i++)
		pcm[i] = (int16_t)((i - 80) * 400);
	sc_g711_ulaw_encode_buf(pcm, 160, codes);
	sc_g711_ulaw_decode_buf(codes, 160, back);
	int same = 1;
	for (int i = 0; i < 160; i++)
		if (codes[i] != sc_g711_ulaw_encode(pcm[i]) || back[i] != sc_g711_ulaw_decode(codes[i]))
			same = 0;
	CHECK(same);
	sc_g711_alaw_encode_buf(pcm, 160, codes);
	sc_g711_alaw_decode_buf(codes, 160, back);
	same = 1;
	for (int i = 0; i < 160; i++)
		if (codes[i] != sc_g711_alaw_encode(pcm[i]) || back[i] != sc_g711_alaw_decode(codes[i]))
			same = 0;
	CHECK(same);
}

int main(void)
{
	test_published_values();
	test_decode_tables();
	test_encode_all_inputs();
	test_round_trips();
	test_buffers();
	return check_done();
}
