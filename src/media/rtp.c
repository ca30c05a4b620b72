// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/rtp.h"

#include <errno.h>
#include <string.h>

int sc_rtp_parse(const uint8_t *buf, size_t len, struct sc_rtp_packet *out)
{
	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len < SC_RTP_HEADER_LEN || (buf[0] >> 6) != SC_RTP_VERSION)
		return -EBADMSG;

	struct sc_rtp_header *h = &out->hdr;
	bool padding = buf[0] & 0x20;
	bool extension = buf[0] & 0x10;
	h->csrc_count = buf[0] & 0x0f;
	h->marker = buf[1] & 0x80;
	h->payload_type = buf[1] & 0x7f;
	h->seq = sc_rd16(buf + 2);
	h->timestamp = sc_rd32(buf + 4);
	h->ssrc = sc_rd32(buf + 8);

	size_t off = SC_RTP_HEADER_LEN;
	if (len - off < 4u * h->csrc_count)
		return -EBADMSG;
	for (unsigned i = 0; i < h->csrc_count; i++, off += 4)
		h->csrc[i] = sc_rd32(buf + off);

	if (extension) {
		if (len - off < 4)
			return -EBADMSG;
		h->ext_profile = sc_rd16(buf + off);
		size_t ext_len = 4u * sc_rd16(buf + off + 2);
		off += 4;
		if (len - off < ext_len)
			return -EBADMSG;
		h->ext_data = buf + off;
		h->ext_len = ext_len;
		off += ext_len;
	}

	size_t payload_len = len - off;
	if (padding) {
		// The count includes itself, so 0 is malformed (RFC 3550 §5.1, A.1).
		uint8_t pad = buf[len - 1];
		if (pad == 0 || pad > payload_len)
			return -EBADMSG;
		payload_len -= pad;
		out->padding_len = pad;
	}
	out->header_len = off;
	out->payload = buf + off;
	out->payload_len = payload_len;
	return 0;
}

int sc_rtp_write(const struct sc_rtp_header *hdr, const uint8_t *payload, size_t payload_len,
		 uint8_t *buf, size_t cap, size_t *out_len)
{
	if (!hdr || !buf || !out_len || (!payload && payload_len))
		return -EINVAL;
	if (hdr->payload_type > 127 || hdr->csrc_count > SC_RTP_MAX_CSRC)
		return -EINVAL;
	bool extension = hdr->ext_data != NULL;
	if (extension && (hdr->ext_len % 4 || hdr->ext_len / 4 > UINT16_MAX))
		return -EINVAL;

	size_t need = SC_RTP_HEADER_LEN + 4u * hdr->csrc_count;
	if (extension)
		need += 4 + hdr->ext_len;
	if (need > cap || payload_len > cap - need)
		return -ENOBUFS;

	buf[0] = (uint8_t)(SC_RTP_VERSION << 6 | (extension ? 0x10 : 0) | hdr->csrc_count);
	buf[1] = (uint8_t)((hdr->marker ? 0x80 : 0) | hdr->payload_type);
	sc_wr16(buf + 2, hdr->seq);
	sc_wr32(buf + 4, hdr->timestamp);
	sc_wr32(buf + 8, hdr->ssrc);
	size_t off = SC_RTP_HEADER_LEN;
	for (unsigned i = 0; i < hdr->csrc_count; i++, off += 4)
		sc_wr32(buf + off, hdr->csrc[i]);
	if (extension) {
		sc_wr16(buf + off, hdr->ext_profile);
		sc_wr16(buf + off + 2, (uint16_t)(hdr->ext_len / 4));
		off += 4;
		if (hdr->ext_len)
			memmove(buf + off, hdr->ext_data, hdr->ext_len);
		off += hdr->ext_len;
	}
	if (payload_len)
		memmove(buf + off, payload, payload_len); // the caller may have staged it in BUF
	*out_len = off + payload_len;
	return 0;
}
