// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/rtcp.h"

#include <errno.h>
#include <string.h>

#include "media/rtp.h"

#define HDR_LEN 4
#define BLOCK_LEN 24
#define SENDER_INFO_LEN 20

static void copy_text(char *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[len] = '\0';
}

static void read_block(const uint8_t *p, struct sc_rtcp_report_block *b)
{
	b->ssrc = sc_rd32(p);
	b->fraction_lost = p[4];
	uint32_t lost = ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
	b->cumulative_lost = (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
	b->ext_highest_seq = sc_rd32(p + 8);
	b->jitter = sc_rd32(p + 12);
	b->lsr = sc_rd32(p + 16);
	b->dlsr = sc_rd32(p + 20);
}

static void write_block(uint8_t *p, const struct sc_rtcp_report_block *b)
{
	int32_t lost = b->cumulative_lost;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	uint32_t wire = (uint32_t)lost & 0xffffff;
	sc_wr32(p, b->ssrc);
	p[4] = b->fraction_lost;
	p[5] = (uint8_t)(wire >> 16);
	p[6] = (uint8_t)(wire >> 8);
	p[7] = (uint8_t)wire;
	sc_wr32(p + 8, b->ext_highest_seq);
	sc_wr32(p + 12, b->jitter);
	sc_wr32(p + 16, b->lsr);
	sc_wr32(p + 20, b->dlsr);
}

// BODY/BODY_LEN: the packet after its 4-byte header, padding removed.
static int parse_report(bool is_sr, uint8_t count, const uint8_t *body, size_t body_len,
			struct sc_rtcp_info *info)
{
	size_t fixed = 4 + (is_sr ? SENDER_INFO_LEN : 0);
	if (body_len < fixed || (body_len - fixed) / BLOCK_LEN < count)
		return -EBADMSG;
	if (info->n_reports == SC_RTCP_MAX_REPORTS) {
		info->n_ignored++;
		return 0;
	}
	struct sc_rtcp_report *r = &info->reports[info->n_reports++];
	r->is_sr = is_sr;
	r->ssrc = sc_rd32(body);
	if (is_sr) {
		r->sender.ntp = ((uint64_t)sc_rd32(body + 4) << 32) | sc_rd32(body + 8);
		r->sender.rtp_timestamp = sc_rd32(body + 12);
		r->sender.packet_count = sc_rd32(body + 16);
		r->sender.octet_count = sc_rd32(body + 20);
	}
	r->n_blocks = count;
	for (unsigned i = 0; i < count; i++)
		read_block(body + fixed + i * BLOCK_LEN, &r->blocks[i]);
	return 0;
}

static int parse_sdes(uint8_t count, const uint8_t *body, size_t body_len,
		      struct sc_rtcp_info *info)
{
	size_t off = 0;
	for (unsigned c = 0; c < count; c++) {
		if (body_len - off < 4)
			return -EBADMSG;
		uint32_t ssrc = sc_rd32(body + off);
		off += 4;
		for (;;) {
			if (off >= body_len)
				return -EBADMSG; // chunk without its terminating null item
			uint8_t type = body[off];
			if (type == 0) {
				// The null item and the nulls that pad the chunk to a word; chunks
				// start on 32-bit boundaries of the packet, whose header is 4 bytes.
				off = (off + 4) & ~(size_t)3;
				if (off > body_len)
					return -EBADMSG;
				break;
			}
			if (body_len - off < 2 || body_len - off - 2 < body[off + 1])
				return -EBADMSG;
			uint8_t item_len = body[off + 1];
			if (type == SC_RTCP_SDES_CNAME && !info->has_cname) {
				info->has_cname = true;
				info->cname_ssrc = ssrc;
				copy_text(info->cname, body + off + 2, item_len);
			}
			off += 2u + item_len;
		}
	}
	return 0;
}

static int parse_bye(uint8_t count, const uint8_t *body, size_t body_len,
		     struct sc_rtcp_info *info)
{
	if (body_len / 4 < count)
		return -EBADMSG;
	info->has_bye = true;
	info->n_bye_ssrc = count;
	for (unsigned i = 0; i < count; i++)
		info->bye_ssrc[i] = sc_rd32(body + 4 * i);
	size_t off = 4u * count;
	if (off < body_len) {
		uint8_t reason_len = body[off];
		if (body_len - off - 1 < reason_len)
			return -EBADMSG;
		copy_text(info->bye_reason, body + off + 1, reason_len);
	}
	return 0;
}

int sc_rtcp_parse(const uint8_t *buf, size_t len, struct sc_rtcp_info *out)
{
	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len < HDR_LEN || len % 4)
		return -EBADMSG;
	// RFC 3550 A.2: a compound starts with an unpadded SR or RR.
	if ((buf[0] & 0xe0) != 0x80 || (buf[1] != SC_RTCP_SR && buf[1] != SC_RTCP_RR))
		return -EBADMSG;

	size_t off = 0;
	while (off < len) {
		const uint8_t *p = buf + off;
		if (len - off < HDR_LEN || (p[0] >> 6) != 2)
			return -EBADMSG;
		size_t pkt_len = 4u * ((size_t)sc_rd16(p + 2) + 1);
		if (pkt_len > len - off)
			return -EBADMSG;
		size_t body_len = pkt_len - HDR_LEN;
		if (p[0] & 0x20) {
			if (off + pkt_len != len)
				return -EBADMSG; // only the last packet may be padded
			uint8_t pad = p[pkt_len - 1];
			if (pad == 0 || pad > body_len)
				return -EBADMSG;
			body_len -= pad;
		}
		uint8_t count = p[0] & 0x1f;
		const uint8_t *body = p + HDR_LEN;
		int ret = 0;
		switch (p[1]) {
		case SC_RTCP_SR:
		case SC_RTCP_RR:
			ret = parse_report(p[1] == SC_RTCP_SR, count, body, body_len, out);
			break;
		case SC_RTCP_SDES:
			ret = parse_sdes(count, body, body_len, out);
			break;
		case SC_RTCP_BYE:
			ret = parse_bye(count, body, body_len, out);
			break;
		default:
			out->n_ignored++;
			break;
		}
		if (ret < 0)
			return ret;
		out->n_packets++;
		off += pkt_len;
	}
	return 0;
}

static void write_header(uint8_t *p, uint8_t count, uint8_t type, size_t pkt_len)
{
	p[0] = (uint8_t)(0x80 | count);
	p[1] = type;
	sc_wr16(p + 2, (uint16_t)(pkt_len / 4 - 1));
}

static int write_report(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
			const struct sc_rtcp_sender_info *sender,
			const struct sc_rtcp_report_block *blocks, unsigned n_blocks)
{
	if (!buf || !off || *off > cap || n_blocks > SC_RTCP_MAX_BLOCKS || (n_blocks && !blocks))
		return -EINVAL;
	size_t fixed = HDR_LEN + 4 + (sender ? SENDER_INFO_LEN : 0);
	size_t pkt_len = fixed + (size_t)n_blocks * BLOCK_LEN;
	if (pkt_len > cap - *off)
		return -ENOBUFS;
	uint8_t *p = buf + *off;
	write_header(p, (uint8_t)n_blocks, sender ? SC_RTCP_SR : SC_RTCP_RR, pkt_len);
	sc_wr32(p + 4, ssrc);
	if (sender) {
		sc_wr32(p + 8, (uint32_t)(sender->ntp >> 32));
		sc_wr32(p + 12, (uint32_t)sender->ntp);
		sc_wr32(p + 16, sender->rtp_timestamp);
		sc_wr32(p + 20, sender->packet_count);
		sc_wr32(p + 24, sender->octet_count);
	}
	for (unsigned i = 0; i < n_blocks; i++)
		write_block(p + fixed + i * BLOCK_LEN, &blocks[i]);
	*off += pkt_len;
	return 0;
}

int sc_rtcp_write_sr(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
		     const struct sc_rtcp_sender_info *sender,
		     const struct sc_rtcp_report_block *blocks, unsigned n_blocks)
{
	if (!sender)
		return -EINVAL;
	return write_report(buf, cap, off, ssrc, sender, blocks, n_blocks);
}

int sc_rtcp_write_rr(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
		     const struct sc_rtcp_report_block *blocks, unsigned n_blocks)
{
	return write_report(buf, cap, off, ssrc, NULL, blocks, n_blocks);
}

int sc_rtcp_write_sdes_cname(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
			     const char *cname)
{
	if (!buf || !off || *off > cap || !cname)
		return -EINVAL;
	size_t n = strlen(cname);
	if (n == 0 || n > SC_RTCP_MAX_TEXT)
		return -EINVAL;
	// header, SSRC, CNAME item, then at least one null octet padding the chunk to a word
	size_t pkt_len = (HDR_LEN + 4 + 2 + n + 1 + 3) & ~(size_t)3;
	if (pkt_len > cap - *off)
		return -ENOBUFS;
	uint8_t *p = buf + *off;
	memset(p, 0, pkt_len);
	write_header(p, 1, SC_RTCP_SDES, pkt_len);
	sc_wr32(p + 4, ssrc);
	p[8] = SC_RTCP_SDES_CNAME;
	p[9] = (uint8_t)n;
	memcpy(p + 10, cname, n);
	*off += pkt_len;
	return 0;
}

int sc_rtcp_write_bye(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc, const char *reason)
{
	if (!buf || !off || *off > cap)
		return -EINVAL;
	size_t n = reason ? strlen(reason) : 0;
	if (n > SC_RTCP_MAX_TEXT)
		return -EINVAL;
	size_t pkt_len = HDR_LEN + 4 + (n ? (1 + n + 3) & ~(size_t)3 : 0);
	if (pkt_len > cap - *off)
		return -ENOBUFS;
	uint8_t *p = buf + *off;
	memset(p, 0, pkt_len);
	write_header(p, 1, SC_RTCP_BYE, pkt_len);
	sc_wr32(p + 4, ssrc);
	if (n) {
		p[8] = (uint8_t)n;
		memcpy(p + 9, reason, n);
	}
	*off += pkt_len;
	return 0;
}

bool sc_rtcp_looks_like_rtcp(const uint8_t *buf, size_t len)
{
	return buf && len >= HDR_LEN && (buf[0] >> 6) == 2 && buf[1] >= 192 && buf[1] <= 223;
}
