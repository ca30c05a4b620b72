// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall zrtp-inspect FILE...`: decodes captured ZRTP packets (one UDP payload per file,
// e.g. exported from tshark) to debug interop without a live call.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/strutil.h"
#include "zrtp/engine.h"
#include "zrtp/packet.h"

static void hex_field(FILE *out, const char *name, const uint8_t *p, size_t len)
{
	char hex[2 * 64 + 1];
	if (len > 64)
		len = 64;
	sc_hex_encode(p, len, hex);
	fprintf(out, "  %s: %s\n", name, hex);
}

static void text_field(FILE *out, const char *name, const char *p, size_t len)
{
	fprintf(out, "  %s: \"", name);
	for (size_t i = 0; i < len; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?', out);
	fprintf(out, "\"\n");
}

static void algo_list(FILE *out, const char *name, const struct sc_zrtp_algo_list *l)
{
	fprintf(out, "  %s:", name);
	for (int i = 0; i < l->n; i++) {
		fputc(' ', out);
		for (int k = 0; k < 4; k++)
			fputc(l->names[i][k] >= 0x20 && l->names[i][k] < 0x7f ? l->names[i][k] : '?', out);
	}
	fprintf(out, "%s\n", l->n ? "" : " (none: mandatory algorithms only)");
}

static void print_fields(FILE *out, const struct sc_zrtp_packet *p)
{
	switch (p->type) {
	case SC_ZRTP_MSG_HELLO: {
		const struct sc_zrtp_hello *h = &p->u.hello;
		text_field(out, "version", h->version, 4);
		text_field(out, "client", h->client_id, 16);
		hex_field(out, "h3", h->h3, 32);
		hex_field(out, "zid", h->zid, 12);
		fprintf(out, "  flags: S=%d M=%d P=%d\n", h->sig_capable, h->mitm, h->passive);
		algo_list(out, "hashes", &h->hash);
		algo_list(out, "ciphers", &h->cipher);
		algo_list(out, "auth_tags", &h->auth);
		algo_list(out, "key_agreements", &h->ka);
		algo_list(out, "sas_types", &h->sas);
		hex_field(out, "mac", h->mac, 8);
		break;
	}
	case SC_ZRTP_MSG_COMMIT: {
		const struct sc_zrtp_commit *c = &p->u.commit;
		hex_field(out, "h2", c->h2, 32);
		hex_field(out, "zid", c->zid, 12);
		text_field(out, "hash", c->hash, 4);
		text_field(out, "cipher", c->cipher, 4);
		text_field(out, "auth_tag", c->auth, 4);
		text_field(out, "key_agreement", c->ka, 4);
		text_field(out, "sas", c->sas, 4);
		if (c->dh_mode)
			hex_field(out, "hvi", c->hvi, 32);
		else
			hex_field(out, "nonce", c->nonce, 16);
		hex_field(out, "mac", c->mac, 8);
		break;
	}
	case SC_ZRTP_MSG_DHPART1:
	case SC_ZRTP_MSG_DHPART2: {
		const struct sc_zrtp_dhpart *d = &p->u.dhpart;
		hex_field(out, "h1", d->h1, 32);
		hex_field(out, "rs1_id", d->rs1_id, 8);
		hex_field(out, "rs2_id", d->rs2_id, 8);
		hex_field(out, "aux_id", d->aux_id, 8);
		hex_field(out, "pbx_id", d->pbx_id, 8);
		fprintf(out, "  public_value: %zu bytes (%s)\n", d->pv_len,
			d->pv_len == 384 ? "DH3k" : d->pv_len == 64 ? "EC25" : d->pv_len == 32 ? "X255" : "?");
		hex_field(out, "mac", d->mac, 8);
		break;
	}
	case SC_ZRTP_MSG_CONFIRM1:
	case SC_ZRTP_MSG_CONFIRM2:
	case SC_ZRTP_MSG_SASRELAY:
		hex_field(out, "mac", p->u.confirm.mac, 8);
		hex_field(out, "iv", p->u.confirm.iv, 16);
		fprintf(out, "  encrypted: %zu bytes\n", p->u.confirm.encrypted_len);
		break;
	case SC_ZRTP_MSG_ERROR:
		fprintf(out, "  code: 0x%x (%s)\n", p->u.error_code, sc_zrtp_error_text(p->u.error_code));
		break;
	case SC_ZRTP_MSG_GOCLEAR:
		hex_field(out, "clear_mac", p->u.goclear_mac, 8);
		break;
	case SC_ZRTP_MSG_PING:
		text_field(out, "version", p->u.ping.version, 4);
		hex_field(out, "endpoint_hash", p->u.ping.endpoint_hash, 8);
		break;
	case SC_ZRTP_MSG_PINGACK:
		text_field(out, "version", p->u.pingack.version, 4);
		hex_field(out, "endpoint_hash", p->u.pingack.endpoint_hash, 8);
		hex_field(out, "ping_endpoint_hash", p->u.pingack.ping_endpoint_hash, 8);
		fprintf(out, "  ping_ssrc: 0x%08x\n", p->u.pingack.ping_ssrc);
		break;
	default:
		break;
	}
}

static int inspect_file(FILE *out, const char *path)
{
	uint8_t buf[SC_ZRTP_PACKET_MAX + 1];
	struct sc_zrtp_packet pkt;
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(out, "%s: cannot open: %s\n", path, strerror(errno));
		return 1;
	}
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len > SC_ZRTP_PACKET_MAX) {
		fprintf(out, "%s: longer than any ZRTP packet (%d bytes max)\n", path, SC_ZRTP_PACKET_MAX);
		return 1;
	}
	if (sc_zrtp_packet_parse(buf, len, &pkt) != 0) {
		fprintf(out, "%s: not a well-formed ZRTP packet (%zu bytes%s)\n", path, len,
			sc_zrtp_is_zrtp(buf, len) ? ", ZRTP header present but message malformed" : "");
		return 1;
	}
	fprintf(out, "%s: %s seq %u ssrc 0x%08x, %zu bytes, CRC %s", path, sc_zrtp_msg_name(pkt.type),
		pkt.seq, pkt.ssrc, len, pkt.crc_ok ? "valid" : "INVALID");
	if (!pkt.crc_ok)
		fprintf(out, " (carried 0x%08x, computed 0x%08x)", pkt.crc_received, pkt.crc_computed);
	fputc('\n', out);
	print_fields(out, &pkt);
	return pkt.crc_ok ? 0 : 1;
}

int sc_zrtp_inspect_main(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: sealcall zrtp-inspect FILE...\n"
				"  each FILE holds one UDP payload (a ZRTP packet), e.g. from\n"
				"  tshark -T fields -e udp.payload, converted with xxd -r -p\n");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		status |= inspect_file(stdout, argv[i]);
	return status;
}
