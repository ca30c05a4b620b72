// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/crypto.h"

// Bitwise rather than table-driven: ZRTP packets are few and short, and there is then no
// table to get wrong. Reflected polynomial 0x82F63B78 (Castagnoli), as in RFC 3309.
uint32_t sc_zrtp_crc32c(const uint8_t *data, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
	}
	return ~crc;
}
