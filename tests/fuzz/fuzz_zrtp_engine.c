// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: packets fed into a ZRTP engine mid-handshake. Two engines with fixed
// random sources run a real handshake for STAGE rounds; then every record of the input is
// delivered to one of them (with its CRC repaired if asked, so mutations reach the message
// handlers), while the two keep talking. Input: one control byte (bits 0-2 stage, bit 3
// repair CRC, bit 4 target B instead of A), then records of 2-byte length + bytes.
//
// Built with -DFUZZ_ZRTP_SEEDGEN it is instead a program writing the seed corpora from the
// engines' real packets: cc -DFUZZ_ZRTP_SEEDGEN -Isrc tests/fuzz/fuzz_zrtp_engine.c
// build/src/zrtp/libsc_zrtp.a build/src/base/libsc_base.a -lwolfssl && ./a.out tests/fuzz/corpus
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zrtp/crypto.h"
#include "zrtp/engine.h"
#include "zrtp/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_rng {
	uint64_t state;
};

static int fz_random(void *ctx, uint8_t *buf, size_t len)
{
	struct fz_rng *r = ctx;
	for (size_t i = 0; i < len; i++) {
		uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		buf[i] = (uint8_t)(z ^ (z >> 31));
	}
	return 0;
}

struct fz_cache {
	bool has;
	uint8_t zid[SC_ZRTP_ZID_LEN];
	struct sc_zrtp_retained entry;
};

static int fz_lookup(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], struct sc_zrtp_retained *out)
{
	struct fz_cache *c = ctx;
	if (!c->has || memcmp(c->zid, zid, SC_ZRTP_ZID_LEN) != 0)
		return -ENOENT;
	*out = c->entry;
	return 0;
}

static int fz_store(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], const struct sc_zrtp_retained *in)
{
	struct fz_cache *c = ctx;
	c->has = true;
	memcpy(c->zid, zid, SC_ZRTP_ZID_LEN);
	c->entry = *in;
	return 0;
}

struct pair {
	struct sc_zrtp *z[2];
	struct fz_rng rng[2];
	struct fz_cache cache[2];
	uint64_t now;
};

typedef void (*recorder)(void *ctx, const uint8_t *pkt, size_t len);

static int setup(struct pair *p, int key_agreement)
{
	struct sc_zrtp_config cfg;
	memset(p, 0, sizeof(*p));
	memset(&cfg, 0, sizeof(cfg));
	cfg.algorithms.key_agreements[0] = (enum sc_zrtp_key_agreement)key_agreement;
	cfg.algorithms.n_key_agreements = 1;
	cfg.algorithms.hashes[0] = SC_ZRTP_S256;
	cfg.algorithms.n_hashes = 1;
	cfg.algorithms.ciphers[0] = SC_ZRTP_AES1;
	cfg.algorithms.n_ciphers = 1;
	cfg.algorithms.auth_tags[0] = SC_ZRTP_HS80;
	cfg.algorithms.n_auth_tags = 1;
	cfg.algorithms.sas_types[0] = SC_ZRTP_B32;
	cfg.algorithms.n_sas_types = 1;
	for (int i = 0; i < 2; i++) {
		struct sc_zrtp_cache_ops ops = { &p->cache[i], fz_lookup, fz_store };
		p->rng[i].state = 100u + (uint64_t)i;
		memset(cfg.zid, i ? 0xb2 : 0xa1, sizeof(cfg.zid));
		cfg.ssrc = 0x1000u + (uint32_t)i;
		if (sc_zrtp_new(&cfg, fz_random, &p->rng[i], &ops, &p->z[i]) != 0)
			return -1;
		sc_zrtp_start(p->z[i], 0);
	}
	return 0;
}

static void teardown(struct pair *p)
{
	struct sc_zrtp_event ev;
	for (int i = 0; i < 2; i++) {
		if (!p->z[i])
			continue;
		while (sc_zrtp_pop_event(p->z[i], &ev))
			sc_zrtp_event_wipe(&ev);
		sc_zrtp_free(p->z[i]);
	}
}

// Moves what FROM queued to the other engine (or to REC instead, when given).
static void pump(struct pair *p, int from, recorder rec, void *rec_ctx)
{
	uint8_t buf[SC_ZRTP_PACKET_MAX];
	size_t len;
	while (sc_zrtp_pop_packet(p->z[from], buf, sizeof(buf), &len) == 0) {
		if (rec)
			rec(rec_ctx, buf, len);
		else
			sc_zrtp_receive(p->z[!from], buf, len, p->now);
	}
}

static void rounds(struct pair *p, int n)
{
	for (int r = 0; r < n; r++) {
		p->now += 10;
		pump(p, 0, NULL, NULL);
		pump(p, 1, NULL, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pair p;
	if (size < 1)
		return 0;
	uint8_t ctrl = data[0];
	int stage = ctrl & 7, target = (ctrl >> 4) & 1;
	bool fix_crc = ctrl & 8;
	// The key agreement follows the control byte so DH3k, the slow one, stays a minority.
	int ka = (ctrl >> 5) % 3 == 0 ? SC_ZRTP_X255 : (ctrl >> 5) % 3 == 1 ? SC_ZRTP_EC25 : SC_ZRTP_DH3K;
	if (setup(&p, ka) != 0) {
		teardown(&p);
		return 0;
	}
	rounds(&p, stage);
	size_t off = 1;
	for (int records = 0; records < 64 && off + 2 <= size; records++) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		uint8_t buf[SC_ZRTP_PACKET_MAX + 64];
		size_t used = len < sizeof(buf) ? len : sizeof(buf);
		memcpy(buf, data + off, used);
		off += len;
		if (fix_crc && used >= 16) {
			uint32_t crc = sc_zrtp_crc32c(buf, used - 4);
			buf[used - 4] = (uint8_t)crc;
			buf[used - 3] = (uint8_t)(crc >> 8);
			buf[used - 2] = (uint8_t)(crc >> 16);
			buf[used - 1] = (uint8_t)(crc >> 24);
		}
		p.now += 10;
		sc_zrtp_receive(p.z[target], buf, used, p.now);
		sc_zrtp_timer(p.z[0], p.now);
		sc_zrtp_timer(p.z[1], p.now);
		rounds(&p, 1);
	}
	teardown(&p);
	return 0;
}

#ifdef FUZZ_ZRTP_SEEDGEN
struct recording {
	uint8_t buf[16384];
	size_t len;
	const char *dir;
	int n;
};

static void record(void *ctx, const uint8_t *pkt, size_t len)
{
	struct recording *r = ctx;
	char path[512];
	// One packet a file for fuzz_zrtp; appended as a record for fuzz_zrtp_engine.
	snprintf(path, sizeof(path), "%s/fuzz_zrtp/real-%02d.bin", r->dir, r->n++);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(pkt, 1, len, f);
		fclose(f);
	}
	if (r->len + 2 + len <= sizeof(r->buf)) {
		r->buf[r->len++] = (uint8_t)(len >> 8);
		r->buf[r->len++] = (uint8_t)len;
		memcpy(r->buf + r->len, pkt, len);
		r->len += len;
	}
}

int main(int argc, char **argv)
{
	static struct recording rec;
	if (argc != 2)
		return 2;
	rec.dir = argv[1];
	// For each key agreement and stage, the packets the other engine really sends next.
	for (int kasel = 0; kasel < 3; kasel++)
		for (int stage = 0; stage < 6; stage++)
			for (int target = 0; target < 2; target++) {
				struct pair p;
				uint8_t ctrl = (uint8_t)(kasel << 5 | target << 4 | stage);
				if (setup(&p, kasel == 0 ? SC_ZRTP_X255 : kasel == 1 ? SC_ZRTP_EC25 : SC_ZRTP_DH3K) != 0)
					return 1;
				rounds(&p, stage);
				rec.len = 0;
				rec.buf[rec.len++] = ctrl;
				p.now += 10;
				pump(&p, !target, record, &rec);
				if (rec.len > 1) {
					char path[512];
					snprintf(path, sizeof(path), "%s/fuzz_zrtp_engine/ka%d-stage%d-to%c.bin",
						 rec.dir, kasel, stage, target ? 'B' : 'A');
					FILE *f = fopen(path, "wb");
					if (f) {
						fwrite(rec.buf, 1, rec.len, f);
						fclose(f);
					}
				}
				teardown(&p);
			}
	// Whole conversations, every packet of both sides, plus the messages a handshake
	// between two sealcall engines never shows (Error, Ping, GoClear).
	for (int kasel = 0; kasel < 3; kasel++) {
		struct pair p;
		uint8_t buf[SC_ZRTP_PACKET_MAX];
		size_t len;
		if (setup(&p, kasel == 0 ? SC_ZRTP_X255 : kasel == 1 ? SC_ZRTP_EC25 : SC_ZRTP_DH3K) != 0)
			return 1;
		for (int r = 0; r < 12; r++)
			for (int from = 0; from < 2; from++) {
				p.now += 10;
				while (sc_zrtp_pop_packet(p.z[from], buf, sizeof(buf), &len) == 0) {
					record(&rec, buf, len);
					sc_zrtp_receive(p.z[!from], buf, len, p.now);
				}
			}
		teardown(&p);
	}
	uint8_t msg[64], pkt[128], mac[8] = { 0 };
	struct sc_zrtp_ping ping = { .version = { '1', '.', '1', '0' }, .endpoint_hash = { 1, 2, 3, 4, 5, 6, 7, 8 } };
	size_t sizes[3] = { sc_zrtp_build_error(msg, 0x61), 0, 0 };
	int n = sc_zrtp_frame(pkt, sizeof(pkt), 7, 0x1001, msg, sizes[0]);
	record(&rec, pkt, (size_t)n);
	n = sc_zrtp_frame(pkt, sizeof(pkt), 8, 0x1001, msg, sc_zrtp_build_ping(msg, &ping));
	record(&rec, pkt, (size_t)n);
	n = sc_zrtp_frame(pkt, sizeof(pkt), 9, 0x1001, msg, sc_zrtp_build_goclear(msg, mac));
	record(&rec, pkt, (size_t)n);
	return 0;
}
#endif
