// SPDX-License-Identifier: GPL-3.0-or-later
// RTP data packets (RFC 3550 §5.1): parse with every length checked, build the header the
// sender needs. Plain byte handling only: nothing here encrypts or sends.
#ifndef SC_MEDIA_RTP_H
#define SC_MEDIA_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_RTP_VERSION 2
#define SC_RTP_HEADER_LEN 12
#define SC_RTP_MAX_CSRC 15

struct sc_rtp_header {
	bool marker;
	uint8_t payload_type; // 0..127
	uint16_t seq;
	uint32_t timestamp;
	uint32_t ssrc;
	uint8_t csrc_count;
	uint32_t csrc[SC_RTP_MAX_CSRC];
	// Header extension (RFC 3550 §5.3.1): present when ext_data is set. ext_len is in bytes
	// and a multiple of 4.
	uint16_t ext_profile;
	const uint8_t *ext_data;
	size_t ext_len;
};

struct sc_rtp_packet {
	struct sc_rtp_header hdr;
	size_t header_len;       // where the payload starts
	const uint8_t *payload;  // padding excluded
	size_t payload_len;
	uint8_t padding_len;     // 0 when the P bit is clear
};

// Parses LEN bytes of a plaintext RTP packet. Returns 0, or -EBADMSG when the version is not
// 2, the CSRC list or extension runs past the end, or the padding count is 0 or larger than
// the payload. OUT's pointers point into BUF.
int sc_rtp_parse(const uint8_t *buf, size_t len, struct sc_rtp_packet *out);

// Writes HDR and then PAYLOAD into BUF (capacity CAP); no padding. Returns 0 with *OUT_LEN
// set, -ENOBUFS when it does not fit, -EINVAL on a payload type over 127, more than 15
// CSRCs or an extension that is not a whole number of 32-bit words.
int sc_rtp_write(const struct sc_rtp_header *hdr, const uint8_t *payload, size_t payload_len,
		 uint8_t *buf, size_t cap, size_t *out_len);

// Big-endian helpers shared by the RTP and RTCP code.
static inline uint16_t sc_rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t sc_rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void sc_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void sc_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
