// SPDX-License-Identifier: GPL-3.0-or-later
#include "wav.h"

#include <errno.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

int vh_wav_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct vh_wav *out,
		 const char **why)
{
	memset(out, 0, sizeof(*out));
	if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
		*why = "not a RIFF/WAVE file";
		return -EINVAL;
	}
	int have_fmt = 0;
	size_t off = 12;
	while (len - off >= 8) {
		uint32_t size = le32(buf + off + 4);
		const uint8_t *body = buf + off + 8;
		size_t avail = len - off - 8;
		if (memcmp(buf + off, "fmt ", 4) == 0) {
			if (size < 16 || avail < 16) {
				*why = "truncated fmt chunk";
				return -EINVAL;
			}
			uint16_t tag = le16(body);
			if (tag == 0xFFFE && size >= 40 && avail >= 40)
				tag = le16(body + 24); // the sub-format GUID starts with the real tag
			if (tag != 1) {
				*why = "not PCM (compressed or float samples)";
				return -EINVAL;
			}
			out->channels = le16(body + 2);
			out->rate = le32(body + 4);
			out->bits = le16(body + 14);
			have_fmt = 1;
		} else if (memcmp(buf + off, "data", 4) == 0) {
			if (!have_fmt) {
				*why = "data chunk before the fmt chunk";
				return -EINVAL;
			}
			out->data_offset = off + 8;
			uint64_t rest = file_size > out->data_offset ? file_size - out->data_offset : 0;
			out->data_bytes = (size == 0 || size == 0xFFFFFFFFu || size > rest) ? rest : size;
			if (out->bits != 16) {
				*why = "not 16-bit samples";
				return -EINVAL;
			}
			if (out->channels == 0 || out->rate == 0) {
				*why = "zero channels or rate";
				return -EINVAL;
			}
			return 0;
		}
		// chunks are padded to an even size
		uint64_t next = (uint64_t)off + 8 + size + (size & 1);
		if (next > len)
			break;
		off = (size_t)next;
	}
	*why = have_fmt ? "no data chunk in the first 64 KiB" : "no fmt chunk";
	return -EINVAL;
}

void vh_wav_header(uint8_t out[VH_WAV_HEADER_LEN], uint16_t channels, uint32_t rate,
		   uint32_t data_bytes)
{
	memcpy(out, "RIFF", 4);
	put32(out + 4, 36 + data_bytes);
	memcpy(out + 8, "WAVEfmt ", 8);
	put32(out + 16, 16);
	put16(out + 20, 1);
	put16(out + 22, channels);
	put32(out + 24, rate);
	put32(out + 28, rate * channels * 2);
	put16(out + 32, (uint16_t)(channels * 2));
	put16(out + 34, 16);
	memcpy(out + 36, "data", 4);
	put32(out + 40, data_bytes);
}
