// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/packet.h"

#include <errno.h>
#include <string.h>

#include "base/secret.h"
#include "zrtp/crypto.h"

static const char *const blocks[SC_ZRTP_MSG_COUNT] = {
	"Hello   ", "HelloACK", "Commit  ", "DHPart1 ", "DHPart2 ", "Confirm1", "Confirm2", "Conf2ACK",
	"Error   ", "ErrorACK", "GoClear ", "ClearACK", "SASrelay", "RelayACK", "Ping    ", "PingACK ",
};
static const char *const names[SC_ZRTP_MSG_COUNT] = {
	"Hello", "HelloACK", "Commit", "DHPart1", "DHPart2", "Confirm1", "Confirm2", "Conf2ACK",
	"Error", "ErrorACK", "GoClear", "ClearACK", "SASrelay", "RelayACK", "Ping", "PingACK",
};

// Fixed sizes in bytes of each message without its variable part (RFC 6189 §5.2-§5.16).
enum {
	HDR = 12, // preamble, length, type block
	HELLO_FIXED = HDR + 4 + 16 + 32 + 12 + 4 + 8,
	COMMIT_DH_LEN = HDR + 32 + 12 + 20 + 32 + 8,
	COMMIT_NONCE_LEN = HDR + 32 + 12 + 20 + 16 + 8,
	COMMIT_PRSH_LEN = COMMIT_NONCE_LEN + 8, // plus key ID
	DHPART_FIXED = HDR + 32 + 32 + 8,
	CONFIRM_FIXED = HDR + 8 + 16,
	ERROR_LEN = HDR + 4,
	GOCLEAR_LEN = HDR + 8,
	PING_LEN = HDR + 4 + 8,
	PINGACK_LEN = HDR + 4 + 8 + 8 + 4,
};

const char *sc_zrtp_msg_block(enum sc_zrtp_msg_type type)
{
	return (unsigned)type < SC_ZRTP_MSG_COUNT ? blocks[type] : "????????";
}

const char *sc_zrtp_msg_name(enum sc_zrtp_msg_type type)
{
	return (unsigned)type < SC_ZRTP_MSG_COUNT ? names[type] : "unknown";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

bool sc_zrtp_is_zrtp(const uint8_t *buf, size_t len)
{
	return len >= SC_ZRTP_HEADER_LEN && (buf[0] >> 4) == 1 && get32(buf + 4) == SC_ZRTP_MAGIC;
}

static int parse_hello(const uint8_t *m, size_t len, struct sc_zrtp_hello *h)
{
	if (len < HELLO_FIXED)
		return -EBADMSG;
	const uint8_t *p = m + HDR;
	memcpy(h->version, p, 4);
	memcpy(h->client_id, p + 4, 16);
	memcpy(h->h3, p + 20, 32);
	memcpy(h->zid, p + 52, 12);
	p += 64;
	h->sig_capable = p[0] & 0x40;
	h->mitm = p[0] & 0x20;
	h->passive = p[0] & 0x10;
	struct sc_zrtp_algo_list *lists[5] = { &h->hash, &h->cipher, &h->auth, &h->ka, &h->sas };
	uint8_t counts[5] = { (uint8_t)(p[1] & 0x0f), (uint8_t)(p[2] >> 4), (uint8_t)(p[2] & 0x0f),
			      (uint8_t)(p[3] >> 4), (uint8_t)(p[3] & 0x0f) };
	size_t total = 0;
	for (int i = 0; i < 5; i++) {
		if (counts[i] > SC_ZRTP_ALGO_LIST_MAX)
			return -EBADMSG;
		total += counts[i];
	}
	if (len != HELLO_FIXED + 4 * total)
		return -EBADMSG;
	p += 4;
	for (int i = 0; i < 5; i++) {
		lists[i]->n = counts[i];
		for (int k = 0; k < counts[i]; k++, p += 4)
			memcpy(lists[i]->names[k], p, 4);
	}
	memcpy(h->mac, p, 8);
	return 0;
}

static int parse_commit(const uint8_t *m, size_t len, struct sc_zrtp_commit *c)
{
	if (len != COMMIT_DH_LEN && len != COMMIT_NONCE_LEN && len != COMMIT_PRSH_LEN)
		return -EBADMSG;
	const uint8_t *p = m + HDR;
	memcpy(c->h2, p, 32);
	memcpy(c->zid, p + 32, 12);
	memcpy(c->hash, p + 44, 4);
	memcpy(c->cipher, p + 48, 4);
	memcpy(c->auth, p + 52, 4);
	memcpy(c->ka, p + 56, 4);
	memcpy(c->sas, p + 60, 4);
	p += 64;
	c->dh_mode = len == COMMIT_DH_LEN;
	bool multistream = memcmp(c->ka, "Mult", 4) == 0 || memcmp(c->ka, "Prsh", 4) == 0;
	if (c->dh_mode == multistream)
		return -EBADMSG; // a nonce-sized Commit must name Mult or Prsh, and only those
	if (c->dh_mode) {
		memcpy(c->hvi, p, 32);
		p += 32;
	} else {
		memcpy(c->nonce, p, 16);
		p += 16 + (len == COMMIT_PRSH_LEN ? 8 : 0);
	}
	memcpy(c->mac, p, 8);
	return 0;
}

static int parse_dhpart(const uint8_t *m, size_t len, struct sc_zrtp_dhpart *d)
{
	if (len < DHPART_FIXED + 32)
		return -EBADMSG;
	const uint8_t *p = m + HDR;
	memcpy(d->h1, p, 32);
	memcpy(d->rs1_id, p + 32, 8);
	memcpy(d->rs2_id, p + 40, 8);
	memcpy(d->aux_id, p + 48, 8);
	memcpy(d->pbx_id, p + 56, 8);
	d->pv = p + 64;
	d->pv_len = len - DHPART_FIXED;
	memcpy(d->mac, m + len - 8, 8);
	return 0;
}

static int parse_confirm(const uint8_t *m, size_t len, size_t min_plain, struct sc_zrtp_confirm *c)
{
	if (len < CONFIRM_FIXED + min_plain)
		return -EBADMSG;
	memcpy(c->mac, m + HDR, 8);
	memcpy(c->iv, m + HDR + 8, 16);
	c->encrypted = m + CONFIRM_FIXED;
	c->encrypted_len = len - CONFIRM_FIXED;
	return 0;
}

static int parse_message(const uint8_t *m, size_t len, struct sc_zrtp_packet *out)
{
	switch (out->type) {
	case SC_ZRTP_MSG_HELLO:
		return parse_hello(m, len, &out->u.hello);
	case SC_ZRTP_MSG_COMMIT:
		return parse_commit(m, len, &out->u.commit);
	case SC_ZRTP_MSG_DHPART1:
	case SC_ZRTP_MSG_DHPART2:
		return parse_dhpart(m, len, &out->u.dhpart);
	case SC_ZRTP_MSG_CONFIRM1:
	case SC_ZRTP_MSG_CONFIRM2:
		return parse_confirm(m, len, SC_ZRTP_CONFIRM_PLAIN_LEN, &out->u.confirm);
	case SC_ZRTP_MSG_SASRELAY:
		return parse_confirm(m, len, 8 + 32, &out->u.confirm);
	case SC_ZRTP_MSG_ERROR:
		if (len != ERROR_LEN)
			return -EBADMSG;
		out->u.error_code = get32(m + HDR);
		return 0;
	case SC_ZRTP_MSG_GOCLEAR:
		if (len != GOCLEAR_LEN)
			return -EBADMSG;
		memcpy(out->u.goclear_mac, m + HDR, 8);
		return 0;
	case SC_ZRTP_MSG_PING:
		if (len != PING_LEN)
			return -EBADMSG;
		memcpy(out->u.ping.version, m + HDR, 4);
		memcpy(out->u.ping.endpoint_hash, m + HDR + 4, 8);
		return 0;
	case SC_ZRTP_MSG_PINGACK:
		if (len != PINGACK_LEN)
			return -EBADMSG;
		memcpy(out->u.pingack.version, m + HDR, 4);
		memcpy(out->u.pingack.endpoint_hash, m + HDR + 4, 8);
		memcpy(out->u.pingack.ping_endpoint_hash, m + HDR + 12, 8);
		out->u.pingack.ping_ssrc = get32(m + HDR + 20);
		return 0;
	default: // the ACKs are a bare header
		return len == HDR ? 0 : -EBADMSG;
	}
}

int sc_zrtp_packet_parse(const uint8_t *buf, size_t len, struct sc_zrtp_packet *out)
{
	memset(out, 0, sizeof(*out));
	if (len < SC_ZRTP_HEADER_LEN + HDR + SC_ZRTP_CRC_LEN || len > SC_ZRTP_PACKET_MAX)
		return -EBADMSG;
	if (!sc_zrtp_is_zrtp(buf, len) || len % 4 != 0)
		return -EBADMSG;
	out->seq = get16(buf + 2);
	out->ssrc = get32(buf + 8);
	// RFC 3309 stores the CRC-32C least significant byte first (SCTP's convention, which
	// bzrtp follows): read it that way so checksums interoperate.
	const uint8_t *crc = buf + len - SC_ZRTP_CRC_LEN;
	out->crc_received = (uint32_t)crc[0] | (uint32_t)crc[1] << 8 | (uint32_t)crc[2] << 16 |
			    (uint32_t)crc[3] << 24;
	out->crc_computed = sc_zrtp_crc32c(buf, len - SC_ZRTP_CRC_LEN);
	out->crc_ok = out->crc_received == out->crc_computed;

	const uint8_t *m = buf + SC_ZRTP_HEADER_LEN;
	size_t msg_len = len - SC_ZRTP_HEADER_LEN - SC_ZRTP_CRC_LEN;
	if (get16(m) != 0x505a || (size_t)get16(m + 2) * 4 != msg_len)
		return -EBADMSG;
	out->type = SC_ZRTP_MSG_COUNT;
	for (int t = 0; t < SC_ZRTP_MSG_COUNT; t++)
		if (memcmp(m + 4, blocks[t], 8) == 0)
			out->type = (enum sc_zrtp_msg_type)t;
	if (out->type == SC_ZRTP_MSG_COUNT)
		return -EBADMSG;
	out->msg = m;
	out->msg_len = msg_len;
	return parse_message(m, msg_len, out);
}

int sc_zrtp_frame(uint8_t *out, size_t cap, uint16_t seq, uint32_t ssrc, const uint8_t *msg,
		  size_t msg_len)
{
	size_t len = SC_ZRTP_HEADER_LEN + msg_len + SC_ZRTP_CRC_LEN;
	if (len > cap)
		return -ENOSPC;
	out[0] = 0x10;
	out[1] = 0;
	put16(out + 2, seq);
	put32(out + 4, SC_ZRTP_MAGIC);
	put32(out + 8, ssrc);
	memcpy(out + SC_ZRTP_HEADER_LEN, msg, msg_len);
	uint32_t crc = sc_zrtp_crc32c(out, len - SC_ZRTP_CRC_LEN);
	uint8_t *c = out + len - SC_ZRTP_CRC_LEN;
	c[0] = (uint8_t)crc;
	c[1] = (uint8_t)(crc >> 8);
	c[2] = (uint8_t)(crc >> 16);
	c[3] = (uint8_t)(crc >> 24);
	return (int)len;
}

static size_t header(uint8_t *out, enum sc_zrtp_msg_type type, size_t len)
{
	put16(out, 0x505a);
	put16(out + 2, (uint16_t)(len / 4));
	memcpy(out + 4, blocks[type], 8);
	return HDR;
}

size_t sc_zrtp_build_hello(uint8_t *out, const struct sc_zrtp_hello *h)
{
	const struct sc_zrtp_algo_list *lists[5] = { &h->hash, &h->cipher, &h->auth, &h->ka, &h->sas };
	size_t total = 0;
	for (int i = 0; i < 5; i++)
		total += lists[i]->n;
	size_t len = HELLO_FIXED + 4 * total;
	uint8_t *p = out + header(out, SC_ZRTP_MSG_HELLO, len);
	memcpy(p, h->version, 4);
	memcpy(p + 4, h->client_id, 16);
	memcpy(p + 20, h->h3, 32);
	memcpy(p + 52, h->zid, 12);
	p += 64;
	p[0] = (uint8_t)((h->sig_capable ? 0x40 : 0) | (h->mitm ? 0x20 : 0) | (h->passive ? 0x10 : 0));
	p[1] = h->hash.n & 0x0f;
	p[2] = (uint8_t)(h->cipher.n << 4 | (h->auth.n & 0x0f));
	p[3] = (uint8_t)(h->ka.n << 4 | (h->sas.n & 0x0f));
	p += 4;
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < lists[i]->n; k++, p += 4)
			memcpy(p, lists[i]->names[k], 4);
	memset(p, 0, 8);
	return len;
}

size_t sc_zrtp_build_commit(uint8_t *out, const struct sc_zrtp_commit *c)
{
	size_t len = COMMIT_DH_LEN;
	uint8_t *p = out + header(out, SC_ZRTP_MSG_COMMIT, len);
	memcpy(p, c->h2, 32);
	memcpy(p + 32, c->zid, 12);
	memcpy(p + 44, c->hash, 4);
	memcpy(p + 48, c->cipher, 4);
	memcpy(p + 52, c->auth, 4);
	memcpy(p + 56, c->ka, 4);
	memcpy(p + 60, c->sas, 4);
	memcpy(p + 64, c->hvi, 32);
	memset(p + 96, 0, 8);
	return len;
}

size_t sc_zrtp_build_dhpart(uint8_t *out, bool part2, const struct sc_zrtp_dhpart *d)
{
	size_t len = DHPART_FIXED + d->pv_len;
	uint8_t *p = out + header(out, part2 ? SC_ZRTP_MSG_DHPART2 : SC_ZRTP_MSG_DHPART1, len);
	memcpy(p, d->h1, 32);
	memcpy(p + 32, d->rs1_id, 8);
	memcpy(p + 40, d->rs2_id, 8);
	memcpy(p + 48, d->aux_id, 8);
	memcpy(p + 56, d->pbx_id, 8);
	memcpy(p + 64, d->pv, d->pv_len);
	memset(p + 64 + d->pv_len, 0, 8);
	return len;
}

size_t sc_zrtp_build_confirm(uint8_t *out, bool confirm2, const struct sc_zrtp_confirm *c)
{
	size_t len = CONFIRM_FIXED + c->encrypted_len;
	uint8_t *p = out + header(out, confirm2 ? SC_ZRTP_MSG_CONFIRM2 : SC_ZRTP_MSG_CONFIRM1, len);
	memcpy(p, c->mac, 8);
	memcpy(p + 8, c->iv, 16);
	memcpy(p + 24, c->encrypted, c->encrypted_len);
	return len;
}

size_t sc_zrtp_build_simple(uint8_t *out, enum sc_zrtp_msg_type type)
{
	return header(out, type, HDR);
}

size_t sc_zrtp_build_error(uint8_t *out, uint32_t code)
{
	header(out, SC_ZRTP_MSG_ERROR, ERROR_LEN);
	put32(out + HDR, code);
	return ERROR_LEN;
}

size_t sc_zrtp_build_goclear(uint8_t *out, const uint8_t mac[8])
{
	header(out, SC_ZRTP_MSG_GOCLEAR, GOCLEAR_LEN);
	memcpy(out + HDR, mac, 8);
	return GOCLEAR_LEN;
}

size_t sc_zrtp_build_ping(uint8_t *out, const struct sc_zrtp_ping *ping)
{
	header(out, SC_ZRTP_MSG_PING, PING_LEN);
	memcpy(out + HDR, ping->version, 4);
	memcpy(out + HDR + 4, ping->endpoint_hash, 8);
	return PING_LEN;
}

size_t sc_zrtp_build_pingack(uint8_t *out, const struct sc_zrtp_pingack *ack)
{
	header(out, SC_ZRTP_MSG_PINGACK, PINGACK_LEN);
	memcpy(out + HDR, ack->version, 4);
	memcpy(out + HDR + 4, ack->endpoint_hash, 8);
	memcpy(out + HDR + 12, ack->ping_endpoint_hash, 8);
	put32(out + HDR + 20, ack->ping_ssrc);
	return PINGACK_LEN;
}

void sc_zrtp_confirm_plain_encode(uint8_t out[SC_ZRTP_CONFIRM_PLAIN_LEN],
				  const struct sc_zrtp_confirm_plain *c)
{
	memcpy(out, c->h0, 32);
	// 15 unused bits, 9 bits of signature length, then the flag octet 0000EVAD.
	out[32] = 0;
	out[33] = (uint8_t)((c->sig_len_words >> 8) & 1);
	out[34] = (uint8_t)c->sig_len_words;
	out[35] = (uint8_t)((c->enrollment ? 8 : 0) | (c->verified ? 4 : 0) |
			    (c->allow_clear ? 2 : 0) | (c->disclosure ? 1 : 0));
	put32(out + 36, c->cache_expiry_s);
}

int sc_zrtp_confirm_plain_decode(const uint8_t *in, size_t len, struct sc_zrtp_confirm_plain *c)
{
	if (len < SC_ZRTP_CONFIRM_PLAIN_LEN)
		return -EBADMSG;
	memcpy(c->h0, in, 32);
	c->sig_len_words = (uint16_t)((in[33] & 1) << 8 | in[34]);
	c->enrollment = in[35] & 8;
	c->verified = in[35] & 4;
	c->allow_clear = in[35] & 2;
	c->disclosure = in[35] & 1;
	c->cache_expiry_s = get32(in + 36);
	// A signature, when present, follows; its length must match what was received.
	if ((size_t)c->sig_len_words * 4 != len - SC_ZRTP_CONFIRM_PLAIN_LEN)
		return -EBADMSG;
	return 0;
}

int sc_zrtp_msg_fill_mac(uint8_t *msg, size_t len, const uint8_t key[32])
{
	return sc_zrtp_msg_mac(key, msg, len - 8, msg + len - 8);
}

int sc_zrtp_msg_check_mac(const uint8_t *msg, size_t len, const uint8_t key[32])
{
	uint8_t mac[8];
	if (len < HDR + 8 || sc_zrtp_msg_mac(key, msg, len - 8, mac) != 0)
		return -EBADMSG;
	int rc = sc_ct_memcmp(mac, msg + len - 8, 8) == 0 ? 0 : -EBADMSG;
	sc_wipe(mac, sizeof(mac));
	return rc;
}

const char *sc_zrtp_error_text(uint32_t code)
{
	switch (code) {
	case 0x10: return "malformed packet";
	case 0x20: return "critical software error";
	case 0x30: return "unsupported ZRTP version";
	case 0x40: return "Hello components mismatch";
	case 0x51: return "hash type not supported";
	case 0x52: return "cipher type not supported";
	case 0x53: return "public key exchange not supported";
	case 0x54: return "SRTP auth tag not supported";
	case 0x55: return "SAS rendering scheme not supported";
	case 0x56: return "no shared secret available, DH mode required";
	case 0x61: return "DH error: bad pvi or pvr";
	case 0x62: return "DH error: hvi does not match the hashed data";
	case 0x63: return "received relayed SAS from untrusted MiTM";
	case 0x70: return "auth error: bad Confirm MAC";
	case 0x80: return "nonce reuse";
	case 0x90: return "equal ZIDs in Hello";
	case 0x91: return "SSRC collision";
	case 0xA0: return "service unavailable";
	case 0xB0: return "protocol timeout";
	case 0x100: return "GoClear received but not allowed";
	default: return "unknown error code";
	}
}
