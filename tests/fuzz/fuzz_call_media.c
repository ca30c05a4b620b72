// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: one call's media (sc_call_media) fed arbitrary datagrams and API calls
// mid-handshake and after keys. Two instances with fixed random sources and in-memory
// caches run a real call for STAGE rounds of 10 ms (stage 7: until keyed, then audio); then each
// record of the input is one action on the target while the two keep talking.
//
// Input: a control byte (bits 0-2 stage, bit 3 target B instead of A, bits 4-5 key
// agreement: X255, EC25, X255, DH3k, bit 6 Opus at 48 kHz instead of G.711), then records of
// a 2-byte length and bytes; a record's first byte picks the action (see act()), the rest is
// its data. With Opus, hostile packets reach the Opus decoder and its FEC path through a
// keyed call. Both ends agree telephone-event (101 at 8000 Hz, 102 at 48000 Hz beside Opus):
// action 8 has the peer dial DTMF digits (or hostile text), whose RFC 4733 events then cross
// the keyed call into the target's receiver, tone and digit report.
//
// Besides the sanitizers, it aborts when the one invariant that matters breaks: a call
// media that never had keys must never emit anything but ZRTP.
//
// Built with -DFUZZ_CALL_MEDIA_SEEDGEN it instead writes seeds from real traffic:
//   cc -DFUZZ_CALL_MEDIA_SEEDGEN -Isrc tests/fuzz/fuzz_call_media.c B/src/media/libsc_media.a
//      B/src/zrtp/libsc_zrtp.a B/src/audio/libsc_audio.a B/src/audio/libsc_audio_opus.a
//      B/src/base/libsc_base.a $(pkg-config --libs libsrtp2 nss wolfssl opus speexdsp) -lm &&
//      ./a.out tests/fuzz/corpus/fuzz_call_media
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/call_media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RING 8

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

typedef void (*recorder)(void *ctx, const uint8_t *pkt, size_t len);

struct pair {
	struct sc_call_media *cm[2];
	struct fz_rng rng[2];
	struct fz_cache cache[2];
	struct sc_media policy;
	uint64_t now, frame;
	// The latest datagrams each side sent, as bases for mutated copies.
	uint8_t ring[2][RING][SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t ring_len[2][RING];
	unsigned ring_next[2];
	recorder rec;  // when set, what REC_FROM sends goes there instead of to the peer
	void *rec_ctx;
	int rec_from;
};

static int setup(struct pair *p, enum sc_zrtp_key_agreement ka, bool opus)
{
	memset(p, 0, sizeof(*p));
	p->policy.codecs[0] = opus ? SC_CODEC_OPUS : SC_CODEC_PCMU;
	p->policy.codecs[1] = SC_CODEC_PCMA;
	p->policy.n_codecs = 2;
	p->policy.ptime_ms = 20;
	struct sc_zrtp_policy *z = &p->policy.zrtp;
	z->key_agreements[0] = ka;
	z->n_key_agreements = 1;
	z->hashes[0] = SC_ZRTP_S256;
	z->n_hashes = 1;
	z->ciphers[0] = SC_ZRTP_AES1;
	z->n_ciphers = 1;
	z->auth_tags[0] = SC_ZRTP_HS80;
	z->n_auth_tags = 1;
	z->sas_types[0] = SC_ZRTP_B32;
	z->n_sas_types = 1;
	p->rec_from = -1;
	for (int i = 0; i < 2; i++) {
		uint8_t zid[SC_ZRTP_ZID_LEN];
		memset(zid, i ? 0xb2 : 0xa1, sizeof(zid));
		p->rng[i].state = 200u + (uint64_t)i;
		struct sc_call_media_config cfg = {
			.policy = &p->policy,
			.role = i ? SC_CALL_CALLEE : SC_CALL_CALLER,
			.peer_name = i ? "alpha" : "bravo",
			.cname = i ? "b@fuzz" : "a@fuzz",
			.zid = zid,
			.cache = { &p->cache[i], fz_lookup, fz_store },
			.rng = fz_random,
			.rng_ctx = &p->rng[i],
		};
		if (sc_call_media_new(&cfg, &p->cm[i]) != 0 ||
		    sc_call_media_set_telephone_event(p->cm[i], opus ? 102 : 101, opus ? 48000 : 8000) != 0)
			return -1;
	}
	char h[2][SC_ZRTP_HELLO_HASH_ATTR_MAX];
	for (int i = 0; i < 2; i++)
		if (sc_call_media_zrtp_hash(p->cm[i], h[i], sizeof(h[i])) != 0)
			return -1;
	for (int i = 0; i < 2; i++)
		if (sc_call_media_set_peer_zrtp_hash(p->cm[i], h[!i]) != 0 ||
		    sc_call_media_start(p->cm[i], 0) != 0)
			return -1;
	return 0;
}

static void teardown(struct pair *p)
{
	sc_call_media_free(p->cm[0]);
	sc_call_media_free(p->cm[1]);
}

static void pump(struct pair *p, int from)
{
	uint8_t buf[SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t len;
	struct sc_call_media_event ev;
	while (sc_call_media_pop_event(p->cm[from], &ev))
		;
	while (sc_call_media_pop_datagram(p->cm[from], buf, sizeof(buf), &len) == 0) {
		struct sc_call_media_stats st;
		sc_call_media_get_stats(p->cm[from], &st);
		if (len > SC_CALL_MEDIA_MAX_DATAGRAM ||
		    (!st.secure && sc_media_demux(buf, len) != SC_MEDIA_PKT_ZRTP))
			abort(); // plaintext media from a call that never had keys
		unsigned slot = p->ring_next[from]++ % RING;
		memcpy(p->ring[from][slot], buf, len);
		p->ring_len[from][slot] = len;
		if (p->rec && p->rec_from == from)
			p->rec(p->rec_ctx, buf, len);
		else
			sc_call_media_receive(p->cm[!from], buf, len, p->now);
	}
}

static void pcm_from(const uint8_t *d, size_t n, int16_t *pcm, size_t frame)
{
	for (size_t i = 0; i < frame; i++)
		pcm[i] = n >= 2 ? (int16_t)(d[(2 * i) % n] | d[(2 * i + 1) % n] << 8) : (int16_t)(i * 97);
}

// One 10 ms step of the call: timers, every other step an audio frame each way, delivery.
static void round_trip(struct pair *p, bool audio)
{
	p->now += 10;
	int16_t pcm[SC_CALL_MEDIA_MAX_FRAME];
	for (int i = 0; i < 2; i++) {
		size_t frame = sc_call_media_frame_samples(p->cm[i]);
		sc_call_media_timer(p->cm[i], p->now);
		if (audio && p->now % 20 == 0) {
			pcm_from(NULL, 0, pcm, frame);
			sc_call_media_capture(p->cm[i], pcm, frame, p->now);
			sc_call_media_playout(p->cm[i], p->now, pcm, frame);
		}
	}
	pump(p, 0);
	pump(p, 1);
}

static void reach_stage(struct pair *p, int stage)
{
	if (stage < 7) { // a handshake between two instances takes about 5 rounds
		for (int r = 0; r < stage; r++)
			round_trip(p, false);
		return;
	}
	for (int r = 0; r < 300; r++) {
		if (sc_call_media_state(p->cm[0]) == SC_CALL_MEDIA_SECURE &&
		    sc_call_media_state(p->cm[1]) == SC_CALL_MEDIA_SECURE)
			break;
		round_trip(p, true);
	}
	for (int r = 0; r < 10; r++)
		round_trip(p, true);
}

static void act(struct pair *p, int target, const uint8_t *rec, size_t len)
{
	uint8_t action = len ? rec[0] % 9 : 0;
	const uint8_t *d = len ? rec + 1 : rec;
	size_t n = len ? len - 1 : 0;
	struct sc_call_media *cm = p->cm[target];
	int16_t pcm[SC_CALL_MEDIA_MAX_FRAME];
	size_t frame = sc_call_media_frame_samples(cm);
	switch (action) {
	case 0: // a raw datagram
		sc_call_media_receive(cm, d, n, p->now);
		break;
	case 1: { // one of the peer's recent datagrams with bytes XORed in
		if (n < 3)
			break;
		unsigned slot = d[0] % RING;
		size_t blen = p->ring_len[!target][slot];
		uint8_t buf[SC_CALL_MEDIA_MAX_DATAGRAM];
		memcpy(buf, p->ring[!target][slot], blen);
		size_t at = d[1];
		for (size_t i = 2; i < n && at < blen; i++, at++)
			buf[at] ^= d[i];
		sc_call_media_receive(cm, buf, blen, p->now);
		break;
	}
	case 2: // arbitrary audio captured at the peer: it crosses the call encrypted
		pcm_from(d, n, pcm, frame);
		sc_call_media_capture(p->cm[!target], pcm, frame, p->now);
		break;
	case 3: // time passes
		p->now += n ? (uint64_t)d[0] * 10 : 1;
		sc_call_media_timer(cm, p->now);
		break;
	case 4: { // a peer hash from hostile SDP
		char attr[96];
		size_t m = n < sizeof(attr) - 1 ? n : sizeof(attr) - 1;
		memcpy(attr, d, m);
		attr[m] = 0;
		sc_call_media_set_peer_zrtp_hash(cm, attr);
		break;
	}
	case 5:
		sc_call_media_hangup(n && d[0] & 1 ? p->cm[!target] : cm, p->now);
		break;
	case 6:
		sc_call_media_playout(cm, p->now, pcm, frame);
		break;
	case 7:
		sc_call_media_set_sas_verified(cm, n && d[0] & 1);
		break;
	case 8: { // the peer dials: bit 0 of the first byte maps the rest onto the 16 keys
		static const char keys[] = "0123456789*#ABCD";
		char digits[48], why[200];
		size_t m = n > 1 ? n - 1 : 0;
		if (m > sizeof(digits) - 1)
			m = sizeof(digits) - 1;
		for (size_t i = 0; i < m; i++)
			digits[i] = d[0] & 1 ? keys[d[1 + i] % 16] : (char)d[1 + i];
		digits[m] = 0;
		sc_call_media_send_dtmf(p->cm[!target], digits, why, sizeof(why));
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool srtp_ready;
	if (!srtp_ready) {
		if (sc_srtp_global_init() != 0)
			abort();
		srtp_ready = true;
	}
	if (size < 1)
		return 0;
	uint8_t ctrl = data[0];
	int stage = ctrl & 7, target = (ctrl >> 3) & 1, kasel = (ctrl >> 4) & 3;
	bool opus = (ctrl >> 6) & 1;
	enum sc_zrtp_key_agreement ka = kasel == 1 ? SC_ZRTP_EC25 : kasel == 3 ? SC_ZRTP_DH3K : SC_ZRTP_X255;
	struct pair *p = calloc(1, sizeof(*p));
	if (!p)
		return 0;
	if (setup(p, ka, opus) != 0)
		goto out;
	reach_stage(p, stage);
	size_t off = 1;
	for (int records = 0; records < 64 && off + 2 <= size; records++) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		act(p, target, data + off, len);
		off += len;
		round_trip(p, stage == 7);
	}
	for (int r = 0; r < 4; r++)
		round_trip(p, stage == 7);
out:
	teardown(p);
	free(p);
	return 0;
}

#ifdef FUZZ_CALL_MEDIA_SEEDGEN
struct recording {
	uint8_t buf[65536];
	size_t len;
};

static void record(void *ctx, const uint8_t *pkt, size_t len)
{
	struct recording *r = ctx;
	if (r->len + 3 + len > sizeof(r->buf))
		return;
	r->buf[r->len++] = (uint8_t)((len + 1) >> 8);
	r->buf[r->len++] = (uint8_t)(len + 1);
	r->buf[r->len++] = 0; // action: deliver as is
	memcpy(r->buf + r->len, pkt, len);
	r->len += len;
}

static void append(struct recording *r, uint8_t action, const void *bytes, size_t len)
{
	r->buf[r->len++] = (uint8_t)((len + 1) >> 8);
	r->buf[r->len++] = (uint8_t)(len + 1);
	r->buf[r->len++] = action;
	memcpy(r->buf + r->len, bytes, len);
	r->len += len;
}

static int write_seed(const char *dir, const char *name, const struct recording *r)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(r->buf, 1, r->len, f);
	return fclose(f);
}

int main(int argc, char **argv)
{
	static struct recording rec;
	if (argc != 2 || sc_srtp_global_init() != 0)
		return 2;
	// For each stage and target: what the other side really sends next (a few rounds).
	// G.711 with two key agreements, Opus with one.
	for (int opus = 0; opus < 2; opus++) {
		for (int kasel = 0; kasel < 2 - opus; kasel++)
			for (int stage = 0; stage < 8; stage++)
				for (int target = 0; target < 2; target++) {
					struct pair p;
					uint8_t ctrl = (uint8_t)(opus << 6 | kasel << 4 | target << 3 | stage);
					if (setup(&p, kasel ? SC_ZRTP_EC25 : SC_ZRTP_X255, opus) != 0)
						return 1;
					reach_stage(&p, stage);
					rec.len = 0;
					rec.buf[rec.len++] = ctrl;
					p.rec = record;
					p.rec_ctx = &rec;
					p.rec_from = !target;
					// After keys, longer: a run of real SRTP lets libFuzzer's input
					// length grow to several datagrams.
					for (int r = 0; r < (stage == 7 ? 16 : 4); r++)
						round_trip(&p, stage == 7);
					char name[64];
					snprintf(name, sizeof(name), "%ska%d-stage%d-to%c.bin",
						 opus ? "opus-" : "", kasel, stage, target ? 'B' : 'A');
					if (rec.len > 1 && write_seed(argv[1], name, &rec) != 0)
						return 1;
					teardown(&p);
				}
	}
	// After keys: mutated copies of real SRTP/SRTCP, hostile audio, time, a bad hash,
	// verification and a hang-up; for G.711 and for Opus.
	for (int opus = 0; opus < 2; opus++) {
		rec.len = 0;
		rec.buf[rec.len++] = (uint8_t)(opus << 6 | 7);
		uint8_t flip[] = { 3, 12, 0x01, 0x80 };
		append(&rec, 1, flip, sizeof(flip));
		uint8_t pcm[64];
		for (size_t i = 0; i < sizeof(pcm); i++)
			pcm[i] = (uint8_t)(i * 37);
		append(&rec, 2, pcm, sizeof(pcm));
		uint8_t later = 200;
		append(&rec, 3, &later, 1);
		append(&rec, 4, "1.10 00", 7);
		uint8_t yes = 1;
		append(&rec, 7, &yes, 1);
		append(&rec, 6, "", 0);
		append(&rec, 5, &yes, 1);
		if (write_seed(argv[1], opus ? "opus-after-keys-actions.bin" : "after-keys-actions.bin",
			       &rec) != 0)
			return 1;
	}
	// DTMF: the peer dials "159#*0" and the rounds go by (an empty record is a round), and
	// a request with characters that are not keys; for G.711 and Opus, each target.
	for (int opus = 0; opus < 2; opus++)
		for (int target = 0; target < 2; target++) {
			rec.len = 0;
			rec.buf[rec.len++] = (uint8_t)(opus << 6 | target << 3 | 7);
			append(&rec, 8, "\001159#*0", 7);
			append(&rec, 8, "\000 12x", 5);
			for (int r = 0; r < 60; r++)
				append(&rec, 6, "", 0);
			char name[64];
			snprintf(name, sizeof(name), "%sdtmf-dial-to%c.bin", opus ? "opus-" : "",
				 target ? 'B' : 'A');
			if (write_seed(argv[1], name, &rec) != 0)
				return 1;
		}
	// DTMF as recorded traffic: the peer's real SRTP telephone events (and the audio around
	// them) delivered as raw datagrams, so mutations start from authenticated events.
	for (int opus = 0; opus < 2; opus++) {
		struct pair p;
		char why[200];
		if (setup(&p, SC_ZRTP_X255, opus) != 0)
			return 1;
		reach_stage(&p, 7);
		rec.len = 0;
		rec.buf[rec.len++] = (uint8_t)(opus << 6 | 7);
		if (sc_call_media_send_dtmf(p.cm[1], "5#", why, sizeof(why)) != 0)
			return 1;
		p.rec = record;
		p.rec_ctx = &rec;
		p.rec_from = 1;
		for (int r = 0; r < 40; r++)
			round_trip(&p, true);
		if (write_seed(argv[1], opus ? "opus-dtmf-recorded-toA.bin" : "dtmf-recorded-toA.bin",
			       &rec) != 0)
			return 1;
		teardown(&p);
	}
	return 0;
}
#endif
