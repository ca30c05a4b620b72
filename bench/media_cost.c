// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of one 20 ms PCMU packet (160-byte payload, AES-CM-128 / HMAC-SHA1-80) through the
// media layer's send path (sc_media_send_audio: header, copy, SRTP) and receive path
// (sc_media_receive: demux, SRTP, parse, statistics), beside raw libsrtp srtp_protect and
// srtp_unprotect on the same packet, so the layer's own overhead is visible.
//
//   media_cost [send|recv|raw-protect|raw-unprotect|all] [packets]
//
// Each measured loop is its own function, so callgrind can count exactly one of them, e.g.
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_send
//            ./media_cost send 10000
// and divide the Ir total by 10000 (toggle-collect bench_recv, bench_raw_protect or
// bench_raw_unprotect for the others).
// Measuring the raw library is the point here, so this is the one file outside
// src/media/srtp_glue.c that includes libsrtp.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "media/media.h"

#define PAYLOAD 160
#define SLOT 256 // bytes per stored packet: 12 + 160 + 10 fits

static uint8_t frame[PAYLOAD];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "media_cost: %s failed (%d)\n", what, err);
	exit(1);
}

static int fixed_rng(void *ctx, void *buf, size_t len)
{
	memset(buf, *(const uint8_t *)ctx, len);
	return 0;
}

static void make_pair(struct sc_media_session **a, struct sc_media_session **b)
{
	static uint8_t seed_a = 0x11, seed_b = 0x22;
	struct sc_media_config cfg = {.payload_type = 0, .clock_rate = 8000, .cname = "a@bench",
				      .rng = {.fill = fixed_rng, .ctx = &seed_a}};
	int ret = sc_media_session_new(&cfg, a);
	if (ret < 0)
		fail("sc_media_session_new", ret);
	cfg.rng.ctx = &seed_b;
	cfg.cname = "b@bench";
	ret = sc_media_session_new(&cfg, b);
	if (ret < 0)
		fail("sc_media_session_new", ret);
	struct sc_srtp_keys ka = {.cipher = SC_SRTP_AES_CM_128, .auth = SC_SRTP_HMAC_SHA1_80};
	memset(&ka.tx, 0x5a, sizeof(ka.tx));
	memset(&ka.rx, 0xa5, sizeof(ka.rx));
	struct sc_srtp_keys kb = ka;
	kb.tx = ka.rx;
	kb.rx = ka.tx;
	if ((ret = sc_media_set_keys(*a, &ka)) < 0 || (ret = sc_media_set_keys(*b, &kb)) < 0)
		fail("sc_media_set_keys", ret);
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

// The plaintext packet the raw loops protect: what sc_media_send_audio builds.
static void raw_packet(uint8_t *buf, unsigned i)
{
	buf[0] = 0x80;
	buf[1] = 0;
	buf[2] = (uint8_t)(i >> 8);
	buf[3] = (uint8_t)i;
	uint32_t ts = i * PAYLOAD;
	buf[4] = (uint8_t)(ts >> 24);
	buf[5] = (uint8_t)(ts >> 16);
	buf[6] = (uint8_t)(ts >> 8);
	buf[7] = (uint8_t)ts;
	memset(buf + 8, 0x42, 4);
	memcpy(buf + 12, frame, PAYLOAD);
}

__attribute__((noinline)) void bench_send(struct sc_media_session *a, unsigned n, uint8_t *store,
					  size_t *lens);
__attribute__((noinline)) void bench_send(struct sc_media_session *a, unsigned n, uint8_t *store,
					  size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		int ret = sc_media_send_audio(a, frame, PAYLOAD, i * PAYLOAD, store + (size_t)i * SLOT,
					      SLOT, &lens[i]);
		if (ret < 0)
			fail("sc_media_send_audio", ret);
	}
}

__attribute__((noinline)) void bench_recv(struct sc_media_session *b, unsigned n, uint8_t *store,
					  const size_t *lens);
__attribute__((noinline)) void bench_recv(struct sc_media_session *b, unsigned n, uint8_t *store,
					  const size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		struct sc_media_rx rx;
		int ret = sc_media_receive(b, store + (size_t)i * SLOT, lens[i],
					   ((uint64_t)i << 32) / 50, &rx);
		if (ret < 0 || rx.kind != SC_MEDIA_RX_AUDIO)
			fail("sc_media_receive", ret < 0 ? ret : -EBADMSG);
	}
}

__attribute__((noinline)) void bench_raw_protect(srtp_t ctx, unsigned n, uint8_t *store,
						 size_t *lens);
__attribute__((noinline)) void bench_raw_protect(srtp_t ctx, unsigned n, uint8_t *store,
						 size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = store + (size_t)i * SLOT;
		raw_packet(p, i);
		int len = 12 + PAYLOAD;
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
	printf("%-14s %8u packets  %8.2f us/packet\n", what, n, seconds * 1e6 / n);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
	if (n == 0 || n > 65000) { // one sequence space: the raw loops number packets 0..n-1
		fprintf(stderr, "media_cost: packets must be 1..65000\n");
		return 2;
	}
	bool all = strcmp(mode, "all") == 0;
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(0xd5 ^ i);
	int ret = sc_srtp_global_init();
	if (ret < 0)
		fail("sc_srtp_global_init", ret);

	uint8_t *store = malloc((size_t)n * SLOT);
	size_t *lens = calloc(n, sizeof(*lens));
	if (!store || !lens)
		fail("malloc", -ENOMEM);
	memset(store, 0, (size_t)n * SLOT); // fault the pages in before any clock starts

	if (all || !strcmp(mode, "send") || !strcmp(mode, "recv")) {
		struct sc_media_session *a, *b;
		make_pair(&a, &b);
		double t0 = now_s();
		bench_send(a, n, store, lens);
		double t1 = now_s();
		if (all || !strcmp(mode, "send"))
			report("send", n, t1 - t0);
		if (all || !strcmp(mode, "recv")) {
			t0 = now_s();
			bench_recv(b, n, store, lens);
			report("recv", n, now_s() - t0);
		}
		sc_media_session_free(a);
		sc_media_session_free(b);
	}
	if (all || !strcmp(mode, "raw-protect") || !strcmp(mode, "raw-unprotect")) {
		srtp_t tx = raw_context(true), rx = raw_context(false);
		double t0 = now_s();
		bench_raw_protect(tx, n, store, lens);
		double t1 = now_s();
		if (all || !strcmp(mode, "raw-protect"))
			report("raw-protect", n, t1 - t0);
		if (all || !strcmp(mode, "raw-unprotect")) {
			t0 = now_s();
			bench_raw_unprotect(rx, n, store, lens);
			report("raw-unprotect", n, now_s() - t0);
		}
		srtp_dealloc(tx);
		srtp_dealloc(rx);
	}
	free(store);
	free(lens);
	sc_srtp_global_shutdown();
	return 0;
}
