// SPDX-License-Identifier: GPL-3.0-or-later
// sc_call_media keying: two (or four) call media on a lossy simulated link reach the same
// SAS for several algorithm sets, keys wait for the peer's a=zrtp-hash, a relay in the
// middle is caught through that hash, cache continuity and mismatch are reported, and the
// API refuses what it must.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "media/call_media.h"
#include "media/rtp.h"
#include "test_call_media_sim.h"

#define A 0
#define B 1

static struct sc_media media_policy_one(enum sc_zrtp_hash h, enum sc_zrtp_cipher c,
					enum sc_zrtp_auth t, enum sc_zrtp_key_agreement k,
					enum sc_zrtp_sas sas)
{
	struct sc_zrtp_policy z = policy_one(h, c, t, k, sas);
	return cms_policy(&z);
}

// A calls B: B (callee) has A's hash from the offer before it starts; A learns B's from
// the answer 40 ms after starting (the simulated 200 OK).
static void start_call(struct cms_sim *s, int a, int b)
{
	char ha[SC_ZRTP_HELLO_HASH_ATTR_MAX], hb[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s->node[a].cm, ha, sizeof(ha)), 0);
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s->node[b].cm, hb, sizeof(hb)), 0);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s->node[b].cm, ha), 0);
	cms_start(s, b);
	cms_start(s, a);
	cms_run(s, 40);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s->node[a].cm, hb), 0);
	cms_drain(s, a);
}

struct combo {
	struct sc_media a, b;
	enum sc_zrtp_key_agreement ka;
	enum sc_zrtp_hash hash;
	enum sc_zrtp_cipher cipher;
	enum sc_zrtp_auth auth;
	enum sc_zrtp_sas sas;
	const char *suite;
};

static void run_combo(const struct combo *c, uint64_t seed)
{
	struct cms_sim s;
	struct cms_audio audio;
	cms_init(&s, seed);
	s.loss_pct = 8;
	s.dup_pct = 5;
	s.reorder_pct = 10;
	CHECK_EQ_INT(cms_audio_init(&s, &audio, 2000), 0);
	CHECK_EQ_INT(cms_add(&s, &c->a, SC_CALL_CALLER, "bravo", 0xa1, seed, NULL, B), A);
	CHECK_EQ_INT(cms_add(&s, &c->b, SC_CALL_CALLEE, "alpha", 0xb2, seed + 7, NULL, A), B);
	if (s.n != 2)
		goto out;
	audio.hears[A] = B;
	audio.hears[B] = A;
	s.audio = true;
	for (int i = 0; i < 2; i++)
		s.node[i].capture = s.node[i].playout = true;
	start_call(&s, A, B);
	cms_run(&s, 8000);

	const struct sc_call_media_event *ea = cms_event(&s, A, SC_CALL_MEDIA_EVENT_SECURE);
	const struct sc_call_media_event *eb = cms_event(&s, B, SC_CALL_MEDIA_EVENT_SECURE);
	CHECK(ea && eb);
	if (!ea || !eb)
		goto out;
	CHECK(strlen(ea->security.sas) >= 4);
	CHECK(strcmp(ea->security.sas, eb->security.sas) == 0);
	CHECK(ea->security.initiator != eb->security.initiator);
	CHECK_EQ_INT(ea->security.key_agreement, c->ka);
	CHECK_EQ_INT(ea->security.hash, c->hash);
	CHECK_EQ_INT(ea->security.cipher, c->cipher);
	CHECK_EQ_INT(ea->security.auth_tag, c->auth);
	CHECK_EQ_INT(ea->security.sas_type, c->sas);
	CHECK_EQ_INT(eb->security.key_agreement, c->ka);
	CHECK_EQ_INT(eb->security.cipher, c->cipher);
	CHECK(ea->security.srtp_suite && strcmp(ea->security.srtp_suite, c->suite) == 0);
	CHECK(eb->security.srtp_suite && strcmp(eb->security.srtp_suite, c->suite) == 0);
	CHECK_EQ_INT(ea->security.cache, SC_ZRTP_CACHE_NEW);
	CHECK(!ea->security.verified);
	CHECK_STR_CONTAINS(ea->reason, ea->security.sas);
	// Audio went both ways through SRTP, decoded to exactly what G.711 makes of it.
	for (int i = 0; i < 2; i++) {
		CHECK(audio.matched[i] > 250);
		CHECK_EQ_INT(audio.out_of_order[i], 0);
		CHECK_EQ_INT(audio.beyond_tolerance[i], 0);
		CHECK_EQ_INT(audio.played_before_secure[i], 0);
		CHECK_EQ_INT(s.node[i].sent_rtp_before_secure, 0);
		struct sc_call_media_stats st;
		sc_call_media_get_stats(s.node[i].cm, &st);
		CHECK_EQ_INT(st.state, SC_CALL_MEDIA_SECURE);
		CHECK(st.secure && strcmp(st.security.sas, ea->security.sas) == 0);
		CHECK_EQ_INT(st.media.counters.rx_auth_failed, 0);
		CHECK(st.counters.tx_dropped_before_keys > 0); // the tick captured from t = 0
	}
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

static void test_algorithm_combinations(void)
{
	struct combo c[6];
	memset(c, 0, sizeof(c));
	c[0].a = c[0].b = media_policy_one(SC_ZRTP_S256, SC_ZRTP_AES1, SC_ZRTP_HS80, SC_ZRTP_X255, SC_ZRTP_B32);
	c[0].ka = SC_ZRTP_X255, c[0].hash = SC_ZRTP_S256, c[0].cipher = SC_ZRTP_AES1;
	c[0].auth = SC_ZRTP_HS80, c[0].sas = SC_ZRTP_B32, c[0].suite = "AES_CM_128_HMAC_SHA1_80";

	c[1].a = c[1].b = media_policy_one(SC_ZRTP_S384, SC_ZRTP_AES3, SC_ZRTP_HS32, SC_ZRTP_EC25, SC_ZRTP_B256);
	c[1].ka = SC_ZRTP_EC25, c[1].hash = SC_ZRTP_S384, c[1].cipher = SC_ZRTP_AES3;
	c[1].auth = SC_ZRTP_HS32, c[1].sas = SC_ZRTP_B256, c[1].suite = "AES_256_CM_HMAC_SHA1_32";

	c[2].a = c[2].b = media_policy_one(SC_ZRTP_S256, SC_ZRTP_AES3, SC_ZRTP_HS80, SC_ZRTP_DH3K, SC_ZRTP_B256);
	c[2].ka = SC_ZRTP_DH3K, c[2].hash = SC_ZRTP_S256, c[2].cipher = SC_ZRTP_AES3;
	c[2].auth = SC_ZRTP_HS80, c[2].sas = SC_ZRTP_B256, c[2].suite = "AES_256_CM_HMAC_SHA1_80";

	c[3].a = c[3].b = media_policy_one(SC_ZRTP_S384, SC_ZRTP_AES1, SC_ZRTP_HS32, SC_ZRTP_X255, SC_ZRTP_B32);
	c[3].ka = SC_ZRTP_X255, c[3].hash = SC_ZRTP_S384, c[3].cipher = SC_ZRTP_AES1;
	c[3].auth = SC_ZRTP_HS32, c[3].sas = SC_ZRTP_B32, c[3].suite = "AES_CM_128_HMAC_SHA1_32";

	// The example policy on both sides: first preferences win.
	c[4].a = c[4].b = cms_policy(NULL);
	c[4].ka = SC_ZRTP_X255, c[4].hash = SC_ZRTP_S256, c[4].cipher = SC_ZRTP_AES1;
	c[4].auth = SC_ZRTP_HS80, c[4].sas = SC_ZRTP_B32, c[4].suite = "AES_CM_128_HMAC_SHA1_80";

	// Different policies: the caller's full list against a callee that offers EC25 only.
	c[5].a = cms_policy(NULL);
	c[5].b = media_policy_one(SC_ZRTP_S256, SC_ZRTP_AES1, SC_ZRTP_HS80, SC_ZRTP_EC25, SC_ZRTP_B32);
	c[5].ka = SC_ZRTP_EC25, c[5].hash = SC_ZRTP_S256, c[5].cipher = SC_ZRTP_AES1;
	c[5].auth = SC_ZRTP_HS80, c[5].sas = SC_ZRTP_B32, c[5].suite = "AES_CM_128_HMAC_SHA1_80";

	for (int i = 0; i < 6; i++)
		run_combo(&c[i], 1000 + (uint64_t)i * 17);
}

// ZRTP finishes before the callee got the caller's a=zrtp-hash (it is the callee here that
// waits): its keys are held, nothing is sent or played, then the hash releases them.
static void test_keys_wait_for_signaled_hash(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	struct sc_media p = cms_policy(NULL);
	cms_init(&s, 55);
	CHECK_EQ_INT(cms_audio_init(&s, &audio, 1000), 0);
	cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0xa1, 55, NULL, B);
	cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0xb2, 56, NULL, A);
	if (s.n != 2)
		goto out;
	audio.hears[A] = B;
	audio.hears[B] = A;
	s.audio = true;
	for (int i = 0; i < 2; i++)
		s.node[i].capture = s.node[i].playout = true;
	char ha[SC_ZRTP_HELLO_HASH_ATTR_MAX], hb[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s.node[A].cm, ha, sizeof(ha)), 0);
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s.node[B].cm, hb, sizeof(hb)), 0);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s.node[A].cm, hb), 0);
	cms_start(&s, A);
	cms_start(&s, B);
	cms_run(&s, 3000);
	CHECK(s.node[A].secure);
	CHECK(!s.node[B].secure);
	CHECK_EQ_INT(sc_call_media_state(s.node[B].cm), SC_CALL_MEDIA_KEYING);
	struct sc_call_media_stats st;
	sc_call_media_get_stats(s.node[B].cm, &st);
	CHECK_EQ_INT(st.zrtp_state, SC_ZRTP_SECURE); // ZRTP is done: only the hash is missing
	CHECK(!st.secure);
	CHECK_EQ_INT(s.node[B].sent_rtp + s.node[B].sent_rtcp, 0);
	CHECK(st.counters.tx_dropped_before_keys >= 140);
	CHECK(st.media.counters.rx_dropped_before_keys > 100); // A's SRTP, not decrypted
	CHECK_EQ_INT(audio.played_before_secure[B], 0);
	CHECK_EQ_INT(audio.loud_silence[B], 0);
	CHECK_EQ_INT(s.node[B].capture_no_keys, st.counters.tx_dropped_before_keys);
	CHECK_EQ_INT(sc_call_media_set_sas_verified(s.node[B].cm, false), 0); // ZRTP finished

	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s.node[B].cm, ha), 0);
	cms_drain(&s, B);
	CHECK(s.node[B].secure);
	CHECK_EQ_INT(s.node[B].secure_at, s.now); // at once, not at the next packet
	cms_run(&s, 2000);
	CHECK(audio.matched[B] > 80 && audio.matched[A] > 80);
	const struct sc_call_media_event *ea = cms_event(&s, A, SC_CALL_MEDIA_EVENT_SECURE);
	const struct sc_call_media_event *eb = cms_event(&s, B, SC_CALL_MEDIA_EVENT_SECURE);
	CHECK(ea && eb && strcmp(ea->security.sas, eb->security.sas) == 0);
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

static uint64_t rtp_from_a;

static void count_a_rtp(struct cms_sim *s, int from, const uint8_t *data, size_t len)
{
	(void)s;
	if (from == A && sc_media_demux(data, len) != SC_MEDIA_PKT_ZRTP)
		rtp_from_a++;
}

// A and B each run a session with a relay M (M1 faces A, M2 faces B) that plays what one
// side sends into the other: with its own a=zrtp-hash in both SDPs (a proxy rewriting
// them) the calls key, the audio crosses, and only the two SAS differ.
static void test_relay_rewriting_sdp_gets_two_sas(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	struct sc_media p = cms_policy(NULL);
	cms_init(&s, 77);
	CHECK_EQ_INT(cms_audio_init(&s, &audio, 1000), 0);
	int a = cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0xa1, 1, NULL, 1);
	int m1 = cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0x33, 2, NULL, 0);
	int m2 = cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0x44, 3, NULL, 3);
	int b = cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0xb2, 4, NULL, 2);
	if (s.n != 4)
		goto out;
	audio.hears[a] = m1;
	audio.hears[m1] = a;
	audio.hears[m2] = b;
	audio.hears[b] = m2;
	audio.relay_of[m2] = m1; // M forwards A's audio to B and B's to A
	audio.relay_of[m1] = m2;
	s.audio = true;
	for (int i = 0; i < 4; i++)
		s.node[i].capture = s.node[i].playout = true;
	start_call(&s, a, m1);
	start_call(&s, m2, b);
	cms_run(&s, 4000);
	const struct sc_call_media_event *e[4];
	for (int i = 0; i < 4; i++)
		e[i] = cms_event(&s, i, SC_CALL_MEDIA_EVENT_SECURE);
	CHECK(e[0] && e[1] && e[2] && e[3]);
	if (e[0] && e[1] && e[2] && e[3]) {
		CHECK(strcmp(e[a]->security.sas, e[m1]->security.sas) == 0);
		CHECK(strcmp(e[m2]->security.sas, e[b]->security.sas) == 0);
		CHECK(strcmp(e[a]->security.sas, e[b]->security.sas) != 0); // what the users hear
	}
	CHECK(audio.matched[b] > 50); // B hears M2, which plays what M1 decrypted from A
	CHECK(audio.matched[a] > 50);
out:
	cms_audio_free(&audio);
	cms_free(&s);
}

// The same relay when signaling is end to end (TLS between the sites): A holds B's real
// a=zrtp-hash, but its media reaches M1. A fails at once, never keys, never sends audio.
static void relay_with_real_hash(bool hash_late)
{
	struct cms_sim s;
	struct sc_media p = cms_policy(NULL);
	char hb[SC_ZRTP_HELLO_HASH_ATTR_MAX], ha[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	cms_init(&s, hash_late ? 91 : 90);
	int a = cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0xa1, 11, NULL, 1);
	int m1 = cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0x33, 12, NULL, 0);
	int b = cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0xb2, 13, NULL, -1); // never reached
	if (s.n != 3)
		goto out;
	rtp_from_a = 0;
	s.on_datagram = count_a_rtp;
	s.audio = true;
	s.node[a].capture = s.node[a].playout = true;
	s.node[m1].capture = true;
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s.node[b].cm, hb, sizeof(hb)), 0);
	CHECK_EQ_INT(sc_call_media_zrtp_hash(s.node[a].cm, ha, sizeof(ha)), 0);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s.node[m1].cm, ha), 0); // M saw the offer
	if (!hash_late)
		CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s.node[a].cm, hb), 0);
	cms_start(&s, a);
	cms_start(&s, m1);
	cms_run(&s, 2000);
	if (hash_late) {
		// ZRTP with M1 finished while the answer was still on its way: keys wait.
		struct sc_call_media_stats st;
		sc_call_media_get_stats(s.node[a].cm, &st);
		CHECK_EQ_INT(st.zrtp_state, SC_ZRTP_SECURE);
		CHECK_EQ_INT(st.state, SC_CALL_MEDIA_KEYING);
		CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(s.node[a].cm, hb), 0);
		cms_drain(&s, a);
		cms_run(&s, 1000);
	}
	const struct sc_call_media_event *alarm = cms_event(&s, a, SC_CALL_MEDIA_EVENT_ALARM);
	const struct sc_call_media_event *failed = cms_event(&s, a, SC_CALL_MEDIA_EVENT_FAILED);
	CHECK(alarm && alarm->mitm);
	CHECK(failed != NULL);
	if (alarm)
		CHECK_STR_CONTAINS(alarm->reason, "possible man in the middle");
	if (failed) {
		CHECK_STR_CONTAINS(failed->reason, "man in the middle");
		CHECK_STR_CONTAINS(failed->reason, "bravo");
		CHECK_STR_CONTAINS(failed->reason, "no audio was sent");
	}
	CHECK_EQ_INT(s.node[a].event_count[SC_CALL_MEDIA_EVENT_SECURE], 0);
	CHECK_EQ_INT(s.node[a].event_count[SC_CALL_MEDIA_EVENT_FAILED], 1);
	CHECK_EQ_INT(sc_call_media_state(s.node[a].cm), SC_CALL_MEDIA_FAILED);
	CHECK_EQ_INT(rtp_from_a, 0); // not one SRTP or SRTCP packet toward the relay
	CHECK_EQ_INT(sc_call_media_next_timeout(s.node[a].cm), -1);
	int16_t pcm[160];
	CHECK_EQ_INT(sc_call_media_capture(s.node[a].cm, pcm, 160, s.now), -EPIPE);
	CHECK_EQ_INT(sc_call_media_hangup(s.node[a].cm, s.now), -EAGAIN);
	if (hash_late) {
		// Without the hash the relay's session did complete: M1 was keyed all along.
		CHECK(s.node[m1].secure);
	}
out:
	cms_free(&s);
}

static void test_relay_detected_by_signaled_hash(void)
{
	relay_with_real_hash(false);
	relay_with_real_hash(true);
}

// One call between A and B with caches that persist; returns the SECURE events.
static int cached_call(struct mem_cache *ca, struct mem_cache *cb, uint64_t seed, bool verify,
		       struct sc_call_media_event *ea, struct sc_call_media_event *eb,
		       int *mismatch_a, int *mismatch_b, uint64_t *matched_b)
{
	struct cms_sim s;
	struct cms_audio audio;
	struct sc_media p = cms_policy(NULL);
	int secure = 0;
	cms_init(&s, seed);
	s.loss_pct = 5;
	cms_audio_init(&s, &audio, 500);
	cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0xa1, seed, ca, B);
	cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0xb2, seed + 1, cb, A);
	if (s.n == 2) {
		audio.hears[B] = A;
		s.audio = true;
		s.node[A].capture = true;
		s.node[B].playout = true;
		start_call(&s, A, B);
		cms_run(&s, 3000);
		const struct sc_call_media_event *a = cms_event(&s, A, SC_CALL_MEDIA_EVENT_SECURE);
		const struct sc_call_media_event *b = cms_event(&s, B, SC_CALL_MEDIA_EVENT_SECURE);
		if (a) {
			*ea = *a;
			secure++;
		}
		if (b) {
			*eb = *b;
			secure++;
		}
		*mismatch_a = s.node[A].event_count[SC_CALL_MEDIA_EVENT_CACHE_MISMATCH];
		*mismatch_b = s.node[B].event_count[SC_CALL_MEDIA_EVENT_CACHE_MISMATCH];
		// The mismatch event comes before SECURE, so the core can hang up first.
		if (*mismatch_a) {
			CHECK(s.node[A].events[0].type == SC_CALL_MEDIA_EVENT_CACHE_MISMATCH);
			CHECK_STR_CONTAINS(s.node[A].events[0].reason, "bravo");
		}
		*matched_b = audio.matched[B];
		if (verify) {
			CHECK_EQ_INT(sc_call_media_set_sas_verified(s.node[A].cm, true), 0);
			CHECK_EQ_INT(sc_call_media_set_sas_verified(s.node[B].cm, true), 0);
			struct sc_call_media_stats st;
			sc_call_media_get_stats(s.node[A].cm, &st);
			CHECK(st.security.verified);
		}
	}
	cms_audio_free(&audio);
	cms_free(&s);
	return secure;
}

static void test_cache_continuity_and_mismatch(void)
{
	struct mem_cache ca, cb;
	struct sc_call_media_event a, b;
	int ma, mb;
	uint64_t heard;
	uint8_t zid_a[SC_ZRTP_ZID_LEN], zid_b[SC_ZRTP_ZID_LEN];
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	memset(zid_a, 0xa1, sizeof(zid_a));
	memset(zid_b, 0xb2, sizeof(zid_b));

	CHECK_EQ_INT(cached_call(&ca, &cb, 300, true, &a, &b, &ma, &mb, &heard), 2);
	CHECK_EQ_INT(a.security.cache, SC_ZRTP_CACHE_NEW);
	CHECK(!a.security.verified);
	CHECK_EQ_INT(ma + mb, 0);
	struct sc_zrtp_retained *ra = mem_cache_find(&ca, zid_b), *rb = mem_cache_find(&cb, zid_a);
	CHECK(ra && rb && ra->verified && strcmp(ra->peer_name, "bravo") == 0);

	CHECK_EQ_INT(cached_call(&ca, &cb, 400, false, &a, &b, &ma, &mb, &heard), 2);
	CHECK_EQ_INT(a.security.cache, SC_ZRTP_CACHE_MATCH);
	CHECK_EQ_INT(b.security.cache, SC_ZRTP_CACHE_MATCH);
	CHECK(a.security.verified && b.security.verified);
	CHECK_EQ_INT(ma + mb, 0);
	CHECK(memcmp(a.security.peer_zid, zid_b, SC_ZRTP_ZID_LEN) == 0);

	// B lost its secrets (reinstalled, or someone in the middle now).
	if (!rb)
		return;
	rb->rs1[0] ^= 1;
	rb->rs2[0] ^= 1;
	CHECK_EQ_INT(cached_call(&ca, &cb, 500, false, &a, &b, &ma, &mb, &heard), 2);
	CHECK_EQ_INT(ma, 1);
	CHECK_EQ_INT(mb, 1);
	CHECK_EQ_INT(a.security.cache, SC_ZRTP_CACHE_MISMATCH);
	CHECK_EQ_INT(b.security.cache, SC_ZRTP_CACHE_MISMATCH);
	CHECK(!a.security.verified && !b.security.verified);
	CHECK(strcmp(a.security.sas, b.security.sas) == 0);
	// Reported, not acted on: the media still flowed, rules.on_cache_mismatch is the core's.
	CHECK(heard > 50);
}

static void test_api(void)
{
	struct sc_media p = cms_policy(NULL);
	struct test_rng rng = { 5 };
	struct mem_cache cache;
	uint8_t zid[SC_ZRTP_ZID_LEN];
	memset(&cache, 0, sizeof(cache));
	memset(zid, 0x5a, sizeof(zid));
	struct sc_call_media_config cfg = {
		.policy = &p, .role = SC_CALL_CALLER, .peer_name = "bravo", .cname = "a@test",
		.zid = zid, .cache = mem_cache_ops(&cache), .rng = test_rng_fill, .rng_ctx = &rng,
	};
	struct sc_call_media *cm = NULL;

	// Configurations that cannot work.
	struct sc_media bad = p;
	bad.ptime_ms = 30;
	cfg.policy = &bad;
	CHECK_EQ_INT(sc_call_media_new(&cfg, &cm), -EINVAL);
	bad = p;
	bad.n_codecs = 0;
	CHECK_EQ_INT(sc_call_media_new(&cfg, &cm), -EINVAL);
	CHECK(cm == NULL);
	// Opus alone: 48 kHz frames from the start, G.711 refused as not in the policy.
	bad.codecs[0] = SC_CODEC_OPUS;
	bad.n_codecs = 1;
	CHECK_EQ_INT(sc_call_media_new(&cfg, &cm), 0);
	if (cm) {
		struct sc_call_media_stats ost;
		sc_call_media_get_stats(cm, &ost);
		CHECK(strcmp(ost.codec, "opus") == 0 && ost.payload_type == 96 &&
		      ost.clock_rate == 48000 && ost.opus_bitrate == SC_CALL_MEDIA_OPUS_BITRATE);
		CHECK_EQ_INT(sc_call_media_frame_samples(cm), 960);
		CHECK_EQ_INT(sc_call_media_clock_rate(cm), 48000);
		CHECK_EQ_INT(sc_call_media_set_codec(cm, SC_CODEC_PCMU, 0), -EINVAL);
		CHECK_EQ_INT(sc_call_media_set_codec(cm, SC_CODEC_OPUS, 111), 0);
		// The peer's maxaveragebitrate caps what we send, never below 12 kbit/s.
		CHECK_EQ_INT(sc_call_media_set_peer_max_bitrate(cm, 20000), 0);
		sc_call_media_get_stats(cm, &ost);
		CHECK(ost.opus_bitrate == 20000 && ost.payload_type == 111);
		CHECK_EQ_INT(sc_call_media_set_peer_max_bitrate(cm, 3000), 0);
		sc_call_media_get_stats(cm, &ost);
		CHECK_EQ_INT(ost.opus_bitrate, 12000);
		CHECK_EQ_INT(sc_call_media_set_peer_max_bitrate(cm, 510000), 0);
		sc_call_media_get_stats(cm, &ost);
		CHECK_EQ_INT(ost.opus_bitrate, SC_CALL_MEDIA_OPUS_BITRATE);
		int16_t big[960];
		memset(big, 0, sizeof(big));
		CHECK_EQ_INT(sc_call_media_capture(cm, big, 160, 0), -EINVAL);
		CHECK_EQ_INT(sc_call_media_capture(cm, big, 960, 0), -EAGAIN);
		CHECK_EQ_INT(sc_call_media_start(cm, 10), 0);
		CHECK_EQ_INT(sc_call_media_set_peer_max_bitrate(cm, 12000), -EBUSY);
		sc_call_media_free(cm);
		cm = NULL;
	}
	cfg.policy = &p;
	cfg.cname = "";
	CHECK_EQ_INT(sc_call_media_new(&cfg, &cm), -EINVAL);
	cfg.cname = "a@test";
	cfg.rng = NULL;
	CHECK_EQ_INT(sc_call_media_new(&cfg, &cm), -EINVAL);
	cfg.rng = test_rng_fill;
	CHECK_EQ_INT(sc_call_media_new(NULL, &cm), -EINVAL);
	sc_call_media_free(NULL);

	CHECK_EQ_INT(sc_call_media_new(&cfg, &cm), 0);
	if (!cm)
		return;
	struct sc_call_media_stats st;
	sc_call_media_get_stats(cm, &st);
	CHECK(strcmp(st.codec, "PCMU") == 0 && st.payload_type == 0); // the policy's first
	CHECK(st.clock_rate == 8000 && st.opus_bitrate == 0);
	CHECK_EQ_INT(st.state, SC_CALL_MEDIA_IDLE);
	CHECK_EQ_INT(sc_call_media_frame_samples(cm), 160);
	CHECK_EQ_INT(sc_call_media_next_timeout(cm), -1);

	char hash[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	CHECK_EQ_INT(sc_call_media_zrtp_hash(cm, hash, 10), -ENOBUFS);
	CHECK_EQ_INT(sc_call_media_zrtp_hash(cm, hash, sizeof(hash)), 0);
	CHECK(strncmp(hash, "1.10 ", 5) == 0 && strlen(hash) == 69);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(cm, "1.10 xyz"), -EINVAL);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(cm, "0.90 "
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), -EINVAL);
	const char *peer = "1.10 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(cm, peer), 0);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(cm, peer), 0);
	CHECK_EQ_INT(sc_call_media_set_peer_zrtp_hash(cm, "1.10 "
		"f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), -EEXIST);

	CHECK_EQ_INT(sc_call_media_set_codec(cm, SC_CODEC_OPUS, 96), 0);
	CHECK_EQ_INT(sc_call_media_frame_samples(cm), 960);
	sc_call_media_get_stats(cm, &st);
	CHECK(strcmp(st.codec, "opus") == 0 && st.payload_type == 96 && st.clock_rate == 48000);
	CHECK_EQ_INT(sc_call_media_set_codec(cm, SC_CODEC_PCMA, 200), -EINVAL);
	CHECK_EQ_INT(sc_call_media_frame_samples(cm), 960); // a refusal changes nothing
	CHECK_EQ_INT(sc_call_media_set_codec(cm, SC_CODEC_PCMA, 8), 0);
	sc_call_media_get_stats(cm, &st);
	CHECK(strcmp(st.codec, "PCMA") == 0 && st.payload_type == 8 && st.clock_rate == 8000);
	CHECK_EQ_INT(sc_call_media_frame_samples(cm), 160);
	CHECK_EQ_INT(sc_call_media_set_sas_verified(cm, true), -EAGAIN);

	int16_t pcm[160];
	memset(pcm, 0, sizeof(pcm));
	CHECK_EQ_INT(sc_call_media_capture(cm, pcm, 80, 0), -EINVAL);
	CHECK_EQ_INT(sc_call_media_capture(cm, pcm, 160, 0), -EAGAIN);
	CHECK_EQ_INT(sc_call_media_playout(cm, 0, pcm, 160), SC_CALL_PLAYOUT_SILENCE);
	CHECK_EQ_INT(sc_call_media_playout(cm, 0, pcm, 161), -EINVAL);

	CHECK_EQ_INT(sc_call_media_start(cm, 1000), 0);
	CHECK_EQ_INT(sc_call_media_start(cm, 1000), -EALREADY);
	CHECK_EQ_INT(sc_call_media_set_codec(cm, SC_CODEC_PCMU, 0), -EBUSY);
	CHECK_EQ_INT(sc_call_media_state(cm), SC_CALL_MEDIA_KEYING);
	CHECK(sc_call_media_next_timeout(cm) > 1000);
	uint8_t small[8], buf[SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t len = 99;
	CHECK_EQ_INT(sc_call_media_pop_datagram(cm, small, sizeof(small), &len), -ENOBUFS);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(sc_call_media_pop_datagram(cm, buf, sizeof(buf), &len), 0); // still queued
	CHECK(sc_media_demux(buf, len) == SC_MEDIA_PKT_ZRTP);
	CHECK_EQ_INT(sc_call_media_pop_datagram(cm, buf, sizeof(buf), &len), -EAGAIN);

	// Unusable datagrams are counted, never errors.
	uint8_t junk[3000];
	memset(junk, 0x80, sizeof(junk));
	CHECK_EQ_INT(sc_call_media_receive(cm, junk, sizeof(junk), 1001), 0);
	CHECK_EQ_INT(sc_call_media_receive(cm, junk, 40, 1002), 0);  // RTP before keys
	CHECK_EQ_INT(sc_call_media_receive(cm, junk + 1, 3, 1003), 0);
	CHECK_EQ_INT(sc_call_media_receive(cm, NULL, 0, 1004), 0);
	CHECK_EQ_INT(sc_call_media_receive(cm, NULL, 5, 1004), -EINVAL);
	sc_call_media_get_stats(cm, &st);
	CHECK_EQ_INT(st.counters.rx_oversize, 1);
	CHECK_EQ_INT(st.media.counters.rx_dropped_before_keys, 1);
	CHECK_EQ_INT(st.media.counters.rx_unknown, 2);
	CHECK_EQ_INT(st.counters.rx_datagrams, 4);

	CHECK_EQ_INT(sc_call_media_hangup(cm, 1100), -EAGAIN); // nothing may go out in clear
	CHECK_EQ_INT(sc_call_media_pop_datagram(cm, buf, sizeof(buf), &len), -EAGAIN);
	CHECK_EQ_INT(sc_call_media_hangup(cm, 1100), -EALREADY);
	CHECK_EQ_INT(sc_call_media_capture(cm, pcm, 160, 1120), -EPIPE);
	CHECK_STR_CONTAINS(sc_call_media_state_name(sc_call_media_state(cm)), "ended");
	sc_call_media_free(cm);
}

static uint32_t zrtp_ssrc[2], rtp_ssrc[2];
static uint8_t rtp_pt[2];

static void note_ssrcs(struct cms_sim *s, int from, const uint8_t *d, size_t len)
{
	(void)s;
	if (from > 1 || len < 12)
		return;
	uint32_t ssrc = (uint32_t)d[8] << 24 | (uint32_t)d[9] << 16 | (uint32_t)d[10] << 8 | d[11];
	enum sc_media_packet_kind k = sc_media_demux(d, len);
	if (k == SC_MEDIA_PKT_ZRTP)
		zrtp_ssrc[from] = ssrc;
	else if (k == SC_MEDIA_PKT_RTP) {
		rtp_ssrc[from] = ssrc;
		rtp_pt[from] = d[1] & 0x7f;
	}
}

// set_codec rebuilds the RTP session, which must keep the SSRC the ZRTP engine announces
// (RFC 6189 §5); PCMA end to end; and a peer sending another payload type is not played.
static void test_codec_and_ssrc(void)
{
	struct cms_sim s;
	struct cms_audio audio;
	struct sc_media p = cms_policy(NULL);
	cms_init(&s, 31);
	CHECK_EQ_INT(cms_audio_init(&s, &audio, 1000), 0);
	cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0xa1, 31, NULL, B);
	cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0xb2, 32, NULL, A);
	if (s.n != 2)
		goto out;
	CHECK_EQ_INT(sc_call_media_set_codec(s.node[A].cm, SC_CODEC_PCMA, 8), 0);
	CHECK_EQ_INT(sc_call_media_set_codec(s.node[B].cm, SC_CODEC_PCMA, 8), 0);
	audio.pcma[A] = audio.pcma[B] = true;
	audio.hears[A] = B;
	audio.hears[B] = A;
	s.on_datagram = note_ssrcs;
	s.audio = true;
	for (int i = 0; i < 2; i++)
		s.node[i].capture = s.node[i].playout = true;
	start_call(&s, A, B);
	cms_run(&s, 3000);
	for (int i = 0; i < 2; i++) {
		CHECK(zrtp_ssrc[i] != 0 && zrtp_ssrc[i] == rtp_ssrc[i]);
		CHECK_EQ_INT(rtp_pt[i], 8);
		CHECK(audio.matched[i] > 100);
		CHECK_EQ_INT(audio.beyond_tolerance[i], 0);
	}
	struct sc_call_media_stats st;
	sc_call_media_get_stats(s.node[A].cm, &st);
	CHECK_EQ_INT(st.media.rtp.local_ssrc, zrtp_ssrc[A]);
	CHECK_EQ_INT(st.media.rtp.remote_ssrc, zrtp_ssrc[B]);
out:
	cms_audio_free(&audio);
	cms_free(&s);

	// A sends PCMU (0), B expects PCMA (8): authenticated, counted, never played as noise.
	cms_init(&s, 33);
	CHECK_EQ_INT(cms_audio_init(&s, &audio, 1000), 0);
	cms_add(&s, &p, SC_CALL_CALLER, "bravo", 0xa1, 33, NULL, B);
	cms_add(&s, &p, SC_CALL_CALLEE, "alpha", 0xb2, 34, NULL, A);
	if (s.n == 2) {
		CHECK_EQ_INT(sc_call_media_set_codec(s.node[B].cm, SC_CODEC_PCMA, 8), 0);
		audio.hears[B] = A;
		s.audio = true;
		s.node[A].capture = true;
		s.node[B].playout = true;
		start_call(&s, A, B);
		cms_run(&s, 2000);
		sc_call_media_get_stats(s.node[B].cm, &st);
		CHECK(st.secure);
		CHECK(st.counters.rx_other_payload > 50);
		CHECK_EQ_INT(st.jitter.received, 0);
		CHECK_EQ_INT(audio.matched[B] + audio.unmatched[B] + audio.concealed[B], 0);
	}
	cms_audio_free(&audio);
	cms_free(&s);
}

int main(void)
{
	CHECK_EQ_INT(sc_srtp_global_init(), 0);
	test_api();
	test_algorithm_combinations();
	test_keys_wait_for_signaled_hash();
	test_relay_rewriting_sdp_gets_two_sas();
	test_relay_detected_by_signaled_hash();
	test_cache_continuity_and_mismatch();
	test_codec_and_ssrc();
	CHECK_EQ_INT(cms_failures, 0);
	sc_srtp_global_shutdown();
	return check_done();
}
