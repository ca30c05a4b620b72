// SPDX-License-Identifier: GPL-3.0-or-later
// The volume curve and the sample queue between the device and the core.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "audio/sample_fifo.h"
#include "audio/volume.h"
#include "check.h"

static void test_curve(void)
{
	CHECK_EQ_INT(sc_volume_gain_q15(100), SC_VOLUME_UNITY);
	CHECK_EQ_INT(sc_volume_gain_q15(150), SC_VOLUME_UNITY);
	CHECK_EQ_INT(sc_volume_gain_q15(0), 0);
	CHECK_EQ_INT(sc_volume_gain_q15(50), 4096);          // 0.125 = -18 dB
	CHECK_EQ_INT(sc_volume_gain_q15(80), 16777);         // 0.512 = -5.8 dB
	CHECK_EQ_INT(sc_volume_db100(100, -9999), 0);
	CHECK_EQ_INT(sc_volume_db100(50, -9999), -1806);
	CHECK_EQ_INT(sc_volume_db100(10, -9999), -6000);
	CHECK_EQ_INT(sc_volume_db100(10, -4000), -4000);    // clamped to the element's range
	CHECK_EQ_INT(sc_volume_db100(0, -4000), -4000);
	// the software gain and the dB a mixer would get are the same curve
	// (to within 0.1 dB where Q15 has the resolution for it)
	for (uint32_t p = 10; p <= 100; p++) {
		double from_gain = 20 * log10(sc_volume_gain_q15(p) / 32768.0) * 100;
		CHECK(fabs(from_gain - sc_volume_db100(p, -100000)) < 10);
	}
	// louder never comes from a lower setting
	for (uint32_t p = 1; p <= 100; p++)
		CHECK(sc_volume_gain_q15(p) >= sc_volume_gain_q15(p - 1));
	for (uint32_t p = 5; p <= 100; p++)
		CHECK(sc_volume_gain_q15(p) > sc_volume_gain_q15(p - 1));
}

static void test_apply(void)
{
	int16_t s[6] = { 32767, -32768, 1000, -1000, 1, -1 };
	sc_volume_apply(s, 6, SC_VOLUME_UNITY);
	CHECK_EQ_INT(s[0], 32767);
	CHECK_EQ_INT(s[1], -32768);
	sc_volume_apply(s, 6, 16384); // half
	CHECK_EQ_INT(s[0], 16384);
	CHECK_EQ_INT(s[1], -16384);
	CHECK_EQ_INT(s[2], 500);
	CHECK_EQ_INT(s[3], -500);
	CHECK_EQ_INT(s[4], 1); // 0.5 rounds away from zero, symmetrically
	CHECK_EQ_INT(s[5], -1);
	sc_volume_apply(s, 6, 0);
	for (int i = 0; i < 6; i++)
		CHECK_EQ_INT(s[i], 0);
}

static void test_fifo(void)
{
	struct sc_sample_fifo f;
	CHECK_EQ_INT(sc_sample_fifo_init(&f, 0), -EINVAL);
	CHECK_EQ_INT(sc_sample_fifo_init(&f, 10), 0);
	int16_t in[16], out[16];
	for (int i = 0; i < 16; i++)
		in[i] = (int16_t)(i + 1);
	CHECK_EQ_INT(sc_sample_fifo_push(&f, in, 7), 7);
	CHECK_EQ_INT(sc_sample_fifo_pop(&f, out, 5), 5);
	CHECK(memcmp(out, in, 5 * sizeof(int16_t)) == 0);
	// wraps around the end, and refuses what does not fit
	CHECK_EQ_INT(sc_sample_fifo_push(&f, in + 7, 9), 8);
	CHECK_EQ_INT(sc_sample_fifo_len(&f), 10);
	CHECK_EQ_INT(sc_sample_fifo_room(&f), 0);
	CHECK_EQ_INT(sc_sample_fifo_peek(&f, out, 16), 10);
	CHECK(memcmp(out, in + 5, 10 * sizeof(int16_t)) == 0);
	CHECK_EQ_INT(sc_sample_fifo_pop(&f, NULL, 3), 3);
	CHECK_EQ_INT(sc_sample_fifo_pop(&f, out, 16), 7);
	CHECK(memcmp(out, in + 8, 7 * sizeof(int16_t)) == 0);
	CHECK_EQ_INT(sc_sample_fifo_pop(&f, out, 1), 0);
	sc_sample_fifo_push(&f, in, 4);
	sc_sample_fifo_clear(&f);
	CHECK_EQ_INT(sc_sample_fifo_len(&f), 0);
	sc_sample_fifo_free(&f);
	sc_sample_fifo_free(&f); // twice is harmless
}

int main(void)
{
	test_curve();
	test_apply();
	test_fifo();
	return check_done();
}
