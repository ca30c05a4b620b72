// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of one 20 ms PCMU frame through a keyed call's media runtime (sc_call_media) — from
// captured PCM to the datagram to send (G.711 encode, RTP, SRTP, the output queue) and from
// a received datagram to the PCM to play (demux, SRTP, jitter buffer, G.711 decode) — beside
// raw libsrtp srtp_protect and srtp_unprotect of the same packet size, in the same run. The
// call is keyed by a real ZRTP exchange (X25519, AES1, HS80) between two instances.
//
//   call_media_cost [capture|playout|raw-protect|raw-unprotect|all] [frames]
//
// Each measured loop is its own function, so callgrind can count exactly one of them:
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_capture
//            ./call_media_cost capture 10000
// and divide the Ir total by 10000 (bench_playout, bench_raw_protect, bench_raw_unprotect
// for the others). Measuring the raw library is the point, so libsrtp is included here.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "media/call_media.h"

#define FRAME 160
#define SLOT 256 // bytes per stored datagram: 12 + 160 + 10 fits

static int16_t pcm[FRAME];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "call_media_cost: %s failed (%d)\n", what, err);
	exit(1);
}

struct bench_rng {
	uint64_t state;
};

static int bench_random(void *ctx, uint8_t *buf, size_t len)
{
	struct bench_rng *r = ctx;
	for (size_t i = 0; i < len; i++) {
		r->state = r->state * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(r->state >> 56);
	}
	return 0;
}

static int no_lookup(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], struct sc_zrtp_retained *out)
{
	(void)ctx;
	(void)zid;
	(void)out;
	return -ENOENT;
}

static int no_store(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], const struct sc_zrtp_retained *in)
{
	(void)ctx;
	(void)zid;
	(void)in;
	return 0;
}

static struct sc_media policy;
static struct bench_rng rngs[2] = { { 1 }, { 2 } };

static struct sc_call_media *make_one(int i)
{
	uint8_t zid[SC_ZRTP_ZID_LEN];
	memset(zid, i ? 0xb2 : 0xa1, sizeof(zid));
	struct sc_call_media_config cfg = {
		.policy = &policy,
		.role = i ? SC_CALL_CALLEE : SC_CALL_CALLER,
		.peer_name = i ? "alpha" : "bravo",
		.cname = i ? "b@bench" : "a@bench",
		.zid = zid,
		.cache = { NULL, no_lookup, no_store },
		.rng = bench_random,
		.rng_ctx = &rngs[i],
	};
	struct sc_call_media *cm;
	int ret = sc_call_media_new(&cfg, &cm);
	if (ret < 0)
		fail("sc_call_media_new", ret);
	return cm;
}

static void deliver(struct sc_call_media *from, struct sc_call_media *to, uint64_t now)
{
	uint8_t buf[SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t len;
	struct sc_call_media_event ev;
	while (sc_call_media_pop_event(from, &ev))
		;
	while (sc_call_media_pop_datagram(from, buf, sizeof(buf), &len) == 0)
		sc_call_media_receive(to, buf, len, now);
}

// Two instances keyed by a real ZRTP exchange, with no loss: the state a call is in.
static void make_call(struct sc_call_media **a, struct sc_call_media **b, uint64_t *now)
{
	policy.codecs[0] = SC_CODEC_PCMU;
	policy.n_codecs = 1;
	policy.ptime_ms = 20;
	policy.zrtp.key_agreements[0] = SC_ZRTP_X255;
	policy.zrtp.n_key_agreements = 1;
	policy.zrtp.hashes[0] = SC_ZRTP_S256;
	policy.zrtp.n_hashes = 1;
	policy.zrtp.ciphers[0] = SC_ZRTP_AES1;
	policy.zrtp.n_ciphers = 1;
	policy.zrtp.auth_tags[0] = SC_ZRTP_HS80;
	policy.zrtp.n_auth_tags = 1;
	policy.zrtp.sas_types[0] = SC_ZRTP_B32;
	policy.zrtp.n_sas_types = 1;
	*a = make_one(0);
	*b = make_one(1);
	char ha[SC_ZRTP_HELLO_HASH_ATTR_MAX], hb[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	if (sc_call_media_zrtp_hash(*a, ha, sizeof(ha)) || sc_call_media_zrtp_hash(*b, hb, sizeof(hb)) ||
	    sc_call_media_set_peer_zrtp_hash(*a, hb) || sc_call_media_set_peer_zrtp_hash(*b, ha) ||
	    sc_call_media_start(*a, 0) || sc_call_media_start(*b, 0))
		fail("call setup", -EINVAL);
	for (int r = 0; r < 100; r++) {
		*now += 10;
		sc_call_media_timer(*a, *now);
		sc_call_media_timer(*b, *now);
		deliver(*a, *b, *now);
		deliver(*b, *a, *now);
		if (sc_call_media_state(*a) == SC_CALL_MEDIA_SECURE &&
		    sc_call_media_state(*b) == SC_CALL_MEDIA_SECURE)
			return;
	}
	fail("ZRTP", -ETIMEDOUT);
}

__attribute__((noinline)) void bench_capture(struct sc_call_media *a, unsigned n, uint64_t t0,
					     uint8_t *store, size_t *lens);
__attribute__((noinline)) void bench_capture(struct sc_call_media *a, unsigned n, uint64_t t0,
					     uint8_t *store, size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		int ret = sc_call_media_capture(a, pcm, FRAME, t0 + (uint64_t)i * 20);
		if (ret < 0)
			fail("sc_call_media_capture", ret);
		ret = sc_call_media_pop_datagram(a, store + (size_t)i * SLOT, SLOT, &lens[i]);
		if (ret < 0)
			fail("sc_call_media_pop_datagram", ret);
	}
}

__attribute__((noinline)) unsigned bench_playout(struct sc_call_media *b, unsigned n, uint64_t t0,
						 const uint8_t *store, const size_t *lens);
__attribute__((noinline)) unsigned bench_playout(struct sc_call_media *b, unsigned n, uint64_t t0,
						 const uint8_t *store, const size_t *lens)
{
	int16_t out[FRAME];
	unsigned frames = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t t = t0 + (uint64_t)i * 20;
		sc_call_media_receive(b, store + (size_t)i * SLOT, lens[i], t);
		frames += sc_call_media_playout(b, t + 10, out, FRAME) == SC_CALL_PLAYOUT_FRAME;
	}
	return frames;
}

static srtp_t raw_context(bool outbound)
{
	uint8_t material[30];
	memset(material, 0x5a, sizeof(material));
	srtp_policy_t p;
	memset(&p, 0, sizeof(p));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
	p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	p.key = material;
	p.window_size = 128;
	srtp_t ctx;
	if (srtp_create(&ctx, &p) != srtp_err_status_ok)
		fail("srtp_create", -EIO);
	return ctx;
}

__attribute__((noinline)) void bench_raw_protect(srtp_t ctx, unsigned n, uint8_t *store, size_t *lens);
__attribute__((noinline)) void bench_raw_protect(srtp_t ctx, unsigned n, uint8_t *store, size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = store + (size_t)i * SLOT;
		memset(p, 0, 12);
		p[0] = 0x80;
		p[2] = (uint8_t)(i >> 8);
		p[3] = (uint8_t)i;
		p[8] = 0x42;
		memset(p + 12, 0xd5, FRAME);
		int len = 12 + FRAME;
		if (srtp_protect(ctx, p, &len) != srtp_err_status_ok)
			fail("srtp_protect", -EIO);
		lens[i] = (size_t)len;
	}
}

__attribute__((noinline)) void bench_raw_unprotect(srtp_t ctx, unsigned n, uint8_t *store,
						   const size_t *lens);
__attribute__((noinline)) void bench_raw_unprotect(srtp_t ctx, unsigned n, uint8_t *store,
						   const size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		int len = (int)lens[i];
		if (srtp_unprotect(ctx, store + (size_t)i * SLOT, &len) != srtp_err_status_ok)
			fail("srtp_unprotect", -EIO);
	}
}

static void report(const char *what, unsigned n, double seconds)
{
	printf("%-14s %8u frames  %8.2f us/frame\n", what, n, seconds * 1e6 / n);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
	if (n == 0 || n > 65000) { // the raw loops number packets 0..n-1 in one sequence space
		fprintf(stderr, "call_media_cost: frames must be 1..65000\n");
		return 2;
	}
	bool all = strcmp(mode, "all") == 0;
	for (size_t i = 0; i < FRAME; i++)
		pcm[i] = (int16_t)((i * 2731) % 16000 - 8000);
	int ret = sc_srtp_global_init();
	if (ret < 0)
		fail("sc_srtp_global_init", ret);
	uint8_t *store = malloc((size_t)n * SLOT);
	size_t *lens = calloc(n, sizeof(*lens));
	if (!store || !lens)
		fail("malloc", -ENOMEM);
	memset(store, 0, (size_t)n * SLOT); // fault the pages in before any clock starts

	if (all || !strcmp(mode, "capture") || !strcmp(mode, "playout")) {
		struct sc_call_media *a, *b;
		uint64_t now = 0;
		make_call(&a, &b, &now);
		uint64_t t0 = now + 20;
		double s0 = now_s();
		bench_capture(a, n, t0, store, lens);
		double s1 = now_s();
		if (all || !strcmp(mode, "capture"))
			report("capture", n, s1 - s0);
		if (all || !strcmp(mode, "playout")) {
			s0 = now_s();
			unsigned frames = bench_playout(b, n, t0, store, lens);
			report("playout", n, now_s() - s0);
			printf("%-14s %8u of %u frames played from packets\n", "", frames, n);
		}
		sc_call_media_free(a);
		sc_call_media_free(b);
	}
	if (all || !strcmp(mode, "raw-protect") || !strcmp(mode, "raw-unprotect")) {
		srtp_t tx = raw_context(true), rx = raw_context(false);
		double s0 = now_s();
		bench_raw_protect(tx, n, store, lens);
		double s1 = now_s();
		if (all || !strcmp(mode, "raw-protect"))
			report("raw-protect", n, s1 - s0);
		if (all || !strcmp(mode, "raw-unprotect")) {
			s0 = now_s();
			bench_raw_unprotect(rx, n, store, lens);
			report("raw-unprotect", n, now_s() - s0);
		}
		srtp_dealloc(tx);
		srtp_dealloc(rx);
	}
	free(store);
	free(lens);
	sc_srtp_global_shutdown();
	return 0;
}
