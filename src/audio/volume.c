// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/volume.h"

#include <math.h>

uint32_t sc_volume_gain_q15(uint32_t percent)
{
	if (percent > 100)
		percent = 100;
	double f = percent / 100.0;
	return (uint32_t)lround(f * f * f * SC_VOLUME_UNITY);
}

long sc_volume_db100(uint32_t percent, long min_db100)
{
	if (percent > 100)
		percent = 100;
	if (percent == 0)
		return min_db100;
	long db100 = lround(6000.0 * log10(percent / 100.0));
	return db100 < min_db100 ? min_db100 : db100;
}

void sc_volume_apply(int16_t *samples, size_t n, uint32_t gain_q15)
{
	if (gain_q15 >= SC_VOLUME_UNITY)
		return;
	for (size_t i = 0; i < n; i++) {
		int32_t v = (int32_t)samples[i] * (int32_t)gain_q15;
		// Round half away from zero so that the gain is symmetric for +x and -x.
		samples[i] = (int16_t)(v >= 0 ? (v + 16384) >> 15 : -((-v + 16384) >> 15));
	}
}
