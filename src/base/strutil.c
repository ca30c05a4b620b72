// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/strutil.h"

#include <errno.h>
#include <string.h>

int sc_strcpy(char *dst, size_t dstsz, const char *src)
{
	if (dstsz == 0)
		return -ENAMETOOLONG;
	size_t n = strlen(src);
	if (n >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

int sc_base64_decode(const char *in, uint8_t *out, size_t outsz)
{
	size_t n = strlen(in);
	if (n % 4 != 0)
		return -EINVAL;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)
				return -EINVAL;
			v[k] = b64_value(in[i + k]);
			if (v[k] < 0)
				return -EINVAL;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		uint8_t bytes[3] = { (uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w };
		for (int k = 0; k < 3 - pad; k++) {
			if (o >= outsz)
				return -EINVAL;
			out[o++] = bytes[k];
		}
	}
	return (int)o;
}

int sc_base64_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	size_t need = (len + 2) / 3 * 4 + 1;
	if (outsz < need)
		return -EINVAL;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t w = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			w |= in[i + 2];
		out[o++] = b64[(w >> 18) & 63];
		out[o++] = b64[(w >> 12) & 63];
		out[o++] = i + 1 < len ? b64[(w >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64[w & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

void sc_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int sc_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	if (!s || !*s)
		return -EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}
