// SPDX-License-Identifier: GPL-3.0-or-later
// Two (or four) ZRTP engines in one process under a simulated clock and a lossy network.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sim.h"
#include "zrtp/packet.h"

static bool keys_agree(const struct sc_zrtp_secure_info *a, const struct sc_zrtp_secure_info *b)
{
	return a->tx.key_len == b->rx.key_len && a->rx.key_len == b->tx.key_len &&
	       memcmp(a->tx.key, b->rx.key, a->tx.key_len) == 0 &&
	       memcmp(a->rx.key, b->tx.key, a->rx.key_len) == 0 &&
	       memcmp(a->tx.salt, b->rx.salt, 14) == 0 && memcmp(a->rx.salt, b->tx.salt, 14) == 0 &&
	       memcmp(a->tx.key, a->rx.key, a->tx.key_len) != 0;
}

// Every combination of hash x cipher x auth tag x key agreement x SAS, each over a link
// that loses, duplicates and reorders packets.
static void test_all_combinations(void)
{
	static const enum sc_zrtp_hash hashes[] = { SC_ZRTP_S256, SC_ZRTP_S384 };
	static const enum sc_zrtp_cipher ciphers[] = { SC_ZRTP_AES1, SC_ZRTP_AES3 };
	static const enum sc_zrtp_auth auths[] = { SC_ZRTP_HS32, SC_ZRTP_HS80 };
	static const enum sc_zrtp_key_agreement kas[] = { SC_ZRTP_DH3K, SC_ZRTP_EC25, SC_ZRTP_X255 };
	static const enum sc_zrtp_sas sases[] = { SC_ZRTP_B32, SC_ZRTP_B256 };
	int combos = 0, agreed = 0;
	uint64_t retransmits = 0, duplicates_seen = 0;
	for (int h = 0; h < 2; h++)
	for (int c = 0; c < 2; c++)
	for (int a = 0; a < 2; a++)
	for (int k = 0; k < 3; k++)
	for (int s = 0; s < 2; s++) {
		struct sc_zrtp_policy p = policy_one(hashes[h], ciphers[c], auths[a], kas[k], sases[s]);
		struct test_rng ra = { 1000u + (uint64_t)combos }, rb = { 5000u + (uint64_t)combos };
		struct mem_cache ca = { 0 }, cb = { 0 };
		struct sim sim;
		sim_init(&sim, 77u + (uint64_t)combos);
		sim.loss_pct = 15;
		sim.dup_pct = 10;
		sim.reorder_pct = 25;
		sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "lyon"), 1);
		sim_add(&sim, make_engine(&p, 0xb2, &rb, &cb, "paris"), 0);
		sim_start_all(&sim);
		sim_run(&sim, 60000);
		const struct sc_zrtp_event *ea = sim_event(&sim, 0, SC_ZRTP_EVENT_SECURE);
		const struct sc_zrtp_event *eb = sim_event(&sim, 1, SC_ZRTP_EVENT_SECURE);
		combos++;
		CHECK(ea && eb);
		if (!ea || !eb) {
			fprintf(stderr, "combination %d (h%d c%d a%d k%d s%d) did not complete\n", combos, h, c, a, k, s);
			sim_free(&sim);
			continue;
		}
		const struct sc_zrtp_secure_info *ia = &ea->secure, *ib = &eb->secure;
		bool ok = keys_agree(ia, ib) && strcmp(ia->sas, ib->sas) == 0 &&
			  ia->initiator != ib->initiator && ia->hash == hashes[h] && ib->hash == hashes[h] &&
			  ia->cipher == ciphers[c] && ia->auth_tag == auths[a] && ia->key_agreement == kas[k] &&
			  ia->sas_type == sases[s] && ib->key_agreement == kas[k] &&
			  ia->tx.key_len == (ciphers[c] == SC_ZRTP_AES3 ? 32u : 16u) &&
			  ia->auth_tag_bits == (auths[a] == SC_ZRTP_HS80 ? 80u : 32u) &&
			  ia->cache == SC_ZRTP_CACHE_NEW && !ia->verified;
		if (sases[s] == SC_ZRTP_B32)
			ok = ok && strlen(ia->sas) == 4;
		else
			ok = ok && strchr(ia->sas, ':') != NULL;
		CHECK(ok);
		if (!ok)
			fprintf(stderr, "combination %d (h%d c%d a%d k%d s%d) disagrees: SAS %s / %s\n", combos,
				h, c, a, k, s, ia->sas, ib->sas);
		agreed += ok;
		retransmits += sc_zrtp_counters(sim.node[0].z)->tx_retransmits +
			       sc_zrtp_counters(sim.node[1].z)->tx_retransmits;
		duplicates_seen += sc_zrtp_counters(sim.node[0].z)->rx_replayed +
				   sc_zrtp_counters(sim.node[1].z)->rx_replayed;
		sim_free(&sim);
	}
	// The network was hostile enough to need retransmissions and to duplicate packets.
	CHECK(retransmits > 48);
	CHECK(duplicates_seen > 10);
	CHECK_EQ_INT(combos, 48);
	CHECK_EQ_INT(agreed, 48);
}

static void test_contention(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 11 }, rb = { 22 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sim sim;
	sim_init(&sim, 3);
	sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), 1);
	sim_add(&sim, make_engine(&p, 0xb2, &rb, &cb, "a"), 0);
	sim_start_all(&sim); // symmetric start and latency: both reach Commit together
	sim_run(&sim, 10000);
	CHECK_EQ_INT(sim.node[0].sent_by_type[SC_ZRTP_MSG_COMMIT] >= 1, 1);
	CHECK_EQ_INT(sim.node[1].sent_by_type[SC_ZRTP_MSG_COMMIT] >= 1, 1);
	const struct sc_zrtp_event *ea = sim_event(&sim, 0, SC_ZRTP_EVENT_SECURE);
	const struct sc_zrtp_event *eb = sim_event(&sim, 1, SC_ZRTP_EVENT_SECURE);
	CHECK(ea && eb);
	if (ea && eb) {
		CHECK(ea->secure.initiator != eb->secure.initiator);
		CHECK(keys_agree(&ea->secure, &eb->secure));
		CHECK(strcmp(ea->secure.sas, eb->secure.sas) == 0);
		// Default lists: X25519 is the faster first choice, S256/AES1/HS80/B32 first preferences.
		CHECK_EQ_INT(ea->secure.key_agreement, SC_ZRTP_X255);
		CHECK_EQ_INT(ea->secure.auth_tag, SC_ZRTP_HS80);
	}
	// Exactly one side sent DHPart1, the other DHPart2.
	CHECK_EQ_INT(sim.node[0].sent_by_type[SC_ZRTP_MSG_DHPART1] > 0, !ea || !ea->secure.initiator);
	CHECK_EQ_INT(sim.node[1].sent_by_type[SC_ZRTP_MSG_DHPART2] > 0, eb && eb->secure.initiator);
	sim_free(&sim);
}

// One call between A and B with persistent caches; returns the number of secure sides.
static int call(struct mem_cache *ca, struct mem_cache *cb, uint64_t seed, struct sc_zrtp_event *out_a,
		struct sc_zrtp_event *out_b, bool verify_after)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { seed }, rb = { seed + 1 };
	struct sim sim;
	int secure = 0;
	sim_init(&sim, seed);
	sim_add(&sim, make_engine(&p, 0xa1, &ra, ca, "bravo"), 1);
	sim_add(&sim, make_engine(&p, 0xb2, &rb, cb, "alpha"), 0);
	sim_start_all(&sim);
	sim_run(&sim, 10000);
	const struct sc_zrtp_event *ea = sim_event(&sim, 0, SC_ZRTP_EVENT_SECURE);
	const struct sc_zrtp_event *eb = sim_event(&sim, 1, SC_ZRTP_EVENT_SECURE);
	if (ea) {
		*out_a = *ea;
		secure++;
	}
	if (eb) {
		*out_b = *eb;
		secure++;
	}
	if (ea && eb)
		CHECK(keys_agree(&ea->secure, &eb->secure) && strcmp(ea->secure.sas, eb->secure.sas) == 0);
	if (verify_after) {
		CHECK_EQ_INT(sc_zrtp_set_sas_verified(sim.node[0].z, true), 0);
		CHECK_EQ_INT(sc_zrtp_set_sas_verified(sim.node[1].z, true), 0);
	}
	// Mismatch events are counted on the copies the caller keeps.
	out_a->error_code = (uint32_t)sim_count_events(&sim, 0, SC_ZRTP_EVENT_CACHE_MISMATCH);
	out_b->error_code = (uint32_t)sim_count_events(&sim, 1, SC_ZRTP_EVENT_CACHE_MISMATCH);
	sim_free(&sim);
	return secure;
}

static void test_cache_continuity_and_mismatch(void)
{
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sc_zrtp_event a, b;
	uint8_t zid_a[12], zid_b[12];
	memset(zid_a, 0xa1, 12);
	memset(zid_b, 0xb2, 12);

	// First call: nothing cached; the users verify the SAS.
	CHECK_EQ_INT(call(&ca, &cb, 100, &a, &b, true), 2);
	CHECK_EQ_INT(a.secure.cache, SC_ZRTP_CACHE_NEW);
	CHECK_EQ_INT(b.secure.cache, SC_ZRTP_CACHE_NEW);
	CHECK(!a.secure.verified && !b.secure.verified);
	struct sc_zrtp_retained *ra = mem_cache_find(&ca, zid_b), *rb = mem_cache_find(&cb, zid_a);
	CHECK(ra && rb);
	if (!ra || !rb)
		return;
	CHECK(ra->has_rs1 && !ra->has_rs2 && ra->verified && strcmp(ra->peer_name, "bravo") == 0);
	CHECK(memcmp(ra->rs1, rb->rs1, 32) == 0);
	uint8_t first_rs1[32];
	memcpy(first_rs1, ra->rs1, 32);

	// Second call: rs1 matches on both sides, the verified flag is kept and shown.
	CHECK_EQ_INT(call(&ca, &cb, 200, &a, &b, false), 2);
	CHECK_EQ_INT(a.secure.cache, SC_ZRTP_CACHE_MATCH);
	CHECK_EQ_INT(b.secure.cache, SC_ZRTP_CACHE_MATCH);
	CHECK(a.secure.verified && b.secure.verified);
	CHECK_EQ_INT(a.error_code, 0);
	CHECK(ra->has_rs2 && memcmp(ra->rs2, first_rs1, 32) == 0 && memcmp(ra->rs1, first_rs1, 32) != 0);
	CHECK(ra->verified);

	// Third call after B lost both secrets (a new device, or someone in the middle).
	rb->rs1[0] ^= 1;
	rb->rs2[0] ^= 1;
	struct sc_zrtp_retained a_before = *ra;
	CHECK_EQ_INT(call(&ca, &cb, 300, &a, &b, false), 2);
	CHECK_EQ_INT(a.secure.cache, SC_ZRTP_CACHE_MISMATCH);
	CHECK_EQ_INT(b.secure.cache, SC_ZRTP_CACHE_MISMATCH);
	CHECK_EQ_INT(a.error_code, 1); // one CACHE_MISMATCH event each
	CHECK_EQ_INT(b.error_code, 1);
	CHECK(!a.secure.verified && !b.secure.verified);
	// Never silently reset: A's entry is exactly what it was.
	CHECK(memcmp(ra, &a_before, sizeof(a_before)) == 0);

	// Fourth call: still a mismatch; this time the users compare the SAS and verify, and only
	// then does the new secret replace the old one.
	CHECK_EQ_INT(call(&ca, &cb, 400, &a, &b, true), 2);
	CHECK_EQ_INT(a.secure.cache, SC_ZRTP_CACHE_MISMATCH);
	CHECK(memcmp(ra->rs1, a_before.rs1, 32) != 0 && !ra->has_rs2 && ra->verified);
	CHECK(memcmp(ra->rs1, rb->rs1, 32) == 0);

	// Fifth call: continuity restored.
	CHECK_EQ_INT(call(&ca, &cb, 500, &a, &b, false), 2);
	CHECK_EQ_INT(a.secure.cache, SC_ZRTP_CACHE_MATCH);
	CHECK(a.secure.verified && b.secure.verified);
	sc_zrtp_event_wipe(&a);
	sc_zrtp_event_wipe(&b);
}

// A relays between A and B, running one ZRTP session with each (two legs).
static void test_relay_mitm(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng r[4] = { { 1 }, { 2 }, { 3 }, { 4 } };
	struct mem_cache c[4] = { { 0 } };
	char b_hash[SC_ZRTP_HELLO_HASH_ATTR_MAX], m1_hash[SC_ZRTP_HELLO_HASH_ATTR_MAX];

	// Without the signaled hash the relay goes unnoticed but the two SAS differ.
	struct sim sim;
	sim_init(&sim, 9);
	sim_add(&sim, make_engine(&p, 0xa1, &r[0], &c[0], "b"), 1); // A
	sim_add(&sim, make_engine(&p, 0x33, &r[1], &c[1], "a"), 0); // M's leg to A
	sim_add(&sim, make_engine(&p, 0x44, &r[2], &c[2], "b"), 3); // M's leg to B
	sim_add(&sim, make_engine(&p, 0xb2, &r[3], &c[3], "a"), 2); // B
	sim_start_all(&sim);
	sim_run(&sim, 10000);
	const struct sc_zrtp_event *e[4];
	for (int i = 0; i < 4; i++)
		e[i] = sim_event(&sim, i, SC_ZRTP_EVENT_SECURE);
	CHECK(e[0] && e[1] && e[2] && e[3]);
	if (e[0] && e[1] && e[2] && e[3]) {
		CHECK(strcmp(e[0]->secure.sas, e[1]->secure.sas) == 0);
		CHECK(strcmp(e[2]->secure.sas, e[3]->secure.sas) == 0);
		CHECK(strcmp(e[0]->secure.sas, e[3]->secure.sas) != 0); // what the users would hear
	}
	sim_free(&sim);

	// With B's real a=zrtp-hash (signaling is end to end over TLS), A detects the relay.
	struct test_rng rb = { 4 }, rm = { 2 };
	struct mem_cache cb2 = { 0 }, cm2 = { 0 };
	struct sc_zrtp *b = make_engine(&p, 0xb2, &rb, &cb2, "a");
	struct sc_zrtp *m1 = make_engine(&p, 0x33, &rm, &cm2, "a");
	CHECK(b && m1);
	if (!b || !m1)
		return;
	CHECK_EQ_INT(sc_zrtp_hello_hash(b, b_hash, sizeof(b_hash)), 0);
	CHECK_EQ_INT(sc_zrtp_hello_hash(m1, m1_hash, sizeof(m1_hash)), 0);
	CHECK(strncmp(b_hash, "1.10 ", 5) == 0 && strlen(b_hash) == 69);
	sim_init(&sim, 10);
	struct test_rng ra = { 1 };
	struct mem_cache ca = { 0 };
	int a = sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), 1);
	sim_add(&sim, m1, 0);
	CHECK_EQ_INT(sc_zrtp_set_peer_hello_hash(sim.node[a].z, b_hash), 0);
	sim_start_all(&sim);
	sim_run(&sim, 3000);
	const struct sc_zrtp_event *alarm = sim_event(&sim, a, SC_ZRTP_EVENT_ALARM);
	CHECK(alarm != NULL);
	if (alarm)
		CHECK_STR_CONTAINS(alarm->reason, "possible man in the middle");
	CHECK_EQ_INT(sim_count_events(&sim, a, SC_ZRTP_EVENT_ALARM), 1);
	CHECK(sim_event(&sim, a, SC_ZRTP_EVENT_SECURE) == NULL); // never keyed with the relay
	CHECK(sc_zrtp_counters(sim.node[a].z)->rx_auth_failed >= 1);
	sim_free(&sim);
	sc_zrtp_free(b);

	// The hash may arrive after the Hello (SDP answer late): the alarm still sounds.
	sim_init(&sim, 11);
	struct test_rng ra2 = { 1 }, rm2 = { 2 };
	struct mem_cache ca2 = { 0 }, cm3 = { 0 };
	a = sim_add(&sim, make_engine(&p, 0xa1, &ra2, &ca2, "b"), 1);
	sim_add(&sim, make_engine(&p, 0x33, &rm2, &cm3, "a"), 0);
	sim_start_all(&sim);
	sim_run(&sim, 3000);
	CHECK(sim_event(&sim, a, SC_ZRTP_EVENT_ALARM) == NULL);
	CHECK_EQ_INT(sc_zrtp_set_peer_hello_hash(sim.node[a].z, b_hash), 0);
	struct sc_zrtp_event ev;
	bool alarmed = false;
	while (sc_zrtp_pop_event(sim.node[a].z, &ev))
		alarmed |= ev.type == SC_ZRTP_EVENT_ALARM && strstr(ev.reason, "possible man in the middle");
	CHECK(alarmed);
	sim_free(&sim);

	// Control: the real peer's hash raises nothing.
	struct test_rng ra3 = { 1 }, rb3 = { 4 };
	struct mem_cache ca3 = { 0 }, cb3 = { 0 };
	sim_init(&sim, 12);
	a = sim_add(&sim, make_engine(&p, 0xa1, &ra3, &ca3, "b"), 1);
	int bb = sim_add(&sim, make_engine(&p, 0xb2, &rb3, &cb3, "a"), 0);
	CHECK_EQ_INT(sc_zrtp_hello_hash(sim.node[bb].z, b_hash, sizeof(b_hash)), 0);
	CHECK_EQ_INT(sc_zrtp_set_peer_hello_hash(sim.node[a].z, b_hash), 0);
	sim_start_all(&sim);
	sim_run(&sim, 3000);
	CHECK(sim_event(&sim, a, SC_ZRTP_EVENT_ALARM) == NULL);
	CHECK(sim_event(&sim, a, SC_ZRTP_EVENT_SECURE) != NULL);
	CHECK_EQ_INT(sc_zrtp_set_peer_hello_hash(sim.node[a].z, "1.10 zz"), -EINVAL);
	CHECK_EQ_INT(sc_zrtp_set_peer_hello_hash(sim.node[a].z, "2.00 " "0000000000000000000000000000000000000000000000000000000000000000"), -EINVAL);
	sim_free(&sim);
}

// Corrupted, truncated and replayed copies of every packet are ignored and counted, and the
// handshake still completes.
static void test_hostile_input(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 31 }, rb = { 32 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sim sim;
	sim_init(&sim, 33);
	sim.inject_garbage = true;
	sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), 1);
	sim_add(&sim, make_engine(&p, 0xb2, &rb, &cb, "a"), 0);
	sim_start_all(&sim);
	sim_run(&sim, 10000);
	const struct sc_zrtp_event *ea = sim_event(&sim, 0, SC_ZRTP_EVENT_SECURE);
	const struct sc_zrtp_event *eb = sim_event(&sim, 1, SC_ZRTP_EVENT_SECURE);
	CHECK(ea && eb);
	if (ea && eb)
		CHECK(keys_agree(&ea->secure, &eb->secure));
	for (int i = 0; i < 2; i++) {
		const struct sc_zrtp_counters *k = sc_zrtp_counters(sim.node[i].z);
		CHECK(k->rx_bad_crc >= 3);
		CHECK(k->rx_malformed >= 3);
		CHECK(k->rx_replayed >= 3);
		CHECK(k->rx_bad_crc + k->rx_malformed + k->rx_replayed + k->rx_unexpected + k->rx_auth_failed < k->rx_packets);
	}

	// Garbage of every length straight into a secure engine changes nothing but counters.
	struct sc_zrtp *z = sim.node[0].z;
	const struct sc_zrtp_counters *k = sc_zrtp_counters(z);
	uint64_t malformed = k->rx_malformed;
	uint8_t junk[600];
	struct test_rng jr = { 99 };
	for (size_t len = 0; len < sizeof(junk); len += 7) {
		test_rng_fill(&jr, junk, len);
		CHECK_EQ_INT(sc_zrtp_receive(z, junk, len, sim.now), -EBADMSG);
	}
	CHECK_EQ_INT(k->rx_malformed - malformed, (sizeof(junk) + 6) / 7);
	CHECK_EQ_INT(sc_zrtp_state(z), SC_ZRTP_SECURE);
	sim_free(&sim);
}

static size_t frame(uint8_t *out, const uint8_t *msg, size_t len, uint16_t seq)
{
	return (size_t)sc_zrtp_frame(out, SC_ZRTP_PACKET_MAX, seq, 0x5151, msg, len);
}

// GoClear, SASrelay, Ping and Error from the peer once the session is secure.
static void test_peer_messages(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 41 }, rb = { 42 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sim sim;
	uint8_t msg[SC_ZRTP_MSG_MAX], pkt[SC_ZRTP_PACKET_MAX], out[SC_ZRTP_PACKET_MAX];
	size_t out_len;
	struct sc_zrtp_event ev;
	struct sc_zrtp_packet parsed;
	sim_init(&sim, 43);
	sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), -1);
	sim_add(&sim, make_engine(&p, 0xb2, &rb, &cb, "a"), -1);
	sim.node[0].peer = 1;
	sim.node[1].peer = 0;
	sim_start_all(&sim);
	sim_run(&sim, 5000);
	struct sc_zrtp *z = sim.node[0].z;
	CHECK_EQ_INT(sc_zrtp_state(z), SC_ZRTP_SECURE);
	uint16_t seq = (uint16_t)(sim.last_seq[0] + 100);

	uint8_t mac[8] = { 0 };
	size_t n = frame(pkt, msg, sc_zrtp_build_goclear(msg, mac), seq++);
	CHECK_EQ_INT(sc_zrtp_receive(z, pkt, n, sim.now), 0);
	CHECK(sc_zrtp_pop_event(z, &ev) && ev.type == SC_ZRTP_EVENT_ALARM);
	CHECK_STR_CONTAINS(ev.reason, "peer asked to go clear");
	CHECK_EQ_INT(sc_zrtp_pop_packet(z, out, sizeof(out), &out_len), 0);
	CHECK(sc_zrtp_packet_parse(out, out_len, &parsed) == 0 && parsed.type == SC_ZRTP_MSG_ERROR &&
	      parsed.u.error_code == 0x100);
	CHECK_EQ_INT(sc_zrtp_state(z), SC_ZRTP_SECURE); // never goes clear

	struct sc_zrtp_ping ping = { .version = { '1', '.', '1', '0' }, .endpoint_hash = { 1, 2, 3, 4, 5, 6, 7, 8 } };
	n = frame(pkt, msg, sc_zrtp_build_ping(msg, &ping), seq++);
	CHECK_EQ_INT(sc_zrtp_receive(z, pkt, n, sim.now), 0);
	CHECK_EQ_INT(sc_zrtp_pop_packet(z, out, sizeof(out), &out_len), 0);
	CHECK(sc_zrtp_packet_parse(out, out_len, &parsed) == 0 && parsed.type == SC_ZRTP_MSG_PINGACK &&
	      memcmp(parsed.u.pingack.ping_endpoint_hash, ping.endpoint_hash, 8) == 0 &&
	      parsed.u.pingack.ping_ssrc == 0x5151);

	// A SASrelay: MAC, IV and a 40-byte encrypted part.
	memset(msg, 0, sizeof(msg));
	msg[0] = 0x50;
	msg[1] = 0x5a;
	msg[3] = 19;
	memcpy(msg + 4, "SASrelay", 8);
	n = frame(pkt, msg, 76, seq++);
	CHECK_EQ_INT(sc_zrtp_receive(z, pkt, n, sim.now), 0);
	CHECK(sc_zrtp_pop_event(z, &ev) && ev.type == SC_ZRTP_EVENT_ALARM);
	CHECK_STR_CONTAINS(ev.reason, "SASrelay");

	// Answers to requests never made are unexpected.
	n = frame(pkt, msg, sc_zrtp_build_simple(msg, SC_ZRTP_MSG_CLEARACK), seq++);
	CHECK_EQ_INT(sc_zrtp_receive(z, pkt, n, sim.now), -EPROTO);
	// A replay of that packet (same sequence number) is a replay, whatever it carries.
	CHECK_EQ_INT(sc_zrtp_receive(z, pkt, n, sim.now), -EALREADY);

	// Error ends the session and is acknowledged.
	while (sc_zrtp_pop_packet(z, out, sizeof(out), &out_len) == 0)
		;
	n = frame(pkt, msg, sc_zrtp_build_error(msg, 0x61), seq++);
	CHECK_EQ_INT(sc_zrtp_receive(z, pkt, n, sim.now), 0);
	CHECK_EQ_INT(sc_zrtp_state(z), SC_ZRTP_FAILED);
	CHECK(sc_zrtp_pop_event(z, &ev) && ev.type == SC_ZRTP_EVENT_FAILED && ev.error_code == 0x61);
	CHECK_STR_CONTAINS(ev.reason, "bad pvi or pvr");
	CHECK_EQ_INT(sc_zrtp_pop_packet(z, out, sizeof(out), &out_len), 0);
	CHECK(sc_zrtp_packet_parse(out, out_len, &parsed) == 0 && parsed.type == SC_ZRTP_MSG_ERRORACK);
	sim_free(&sim);
}

// Hello alone: T1 from 50 ms doubling to 200 ms, 20 retransmissions, then failure.
static void test_hello_timeout(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng r = { 51 };
	struct mem_cache c = { 0 };
	struct sc_zrtp *z = make_engine(&p, 0xa1, &r, &c, "b");
	uint8_t out[SC_ZRTP_PACKET_MAX];
	size_t len;
	int sent = 0;
	uint64_t expected[] = { 0, 50, 150, 350, 550, 750 };
	CHECK(z != NULL);
	if (!z)
		return;
	CHECK_EQ_INT(sc_zrtp_next_timeout(z), -1);
	sc_zrtp_start(z, 0);
	for (int i = 0; i < 200 && sc_zrtp_state(z) != SC_ZRTP_FAILED; i++) {
		while (sc_zrtp_pop_packet(z, out, sizeof(out), &len) == 0)
			sent++;
		int64_t t = sc_zrtp_next_timeout(z);
		if (t < 0)
			break;
		if (sent < 6)
			CHECK_EQ_INT(t, (int64_t)expected[sent]);
		sc_zrtp_timer(z, (uint64_t)t);
	}
	while (sc_zrtp_pop_packet(z, out, sizeof(out), &len) == 0)
		sent++;
	CHECK_EQ_INT(sent, 21);
	CHECK_EQ_INT(sc_zrtp_state(z), SC_ZRTP_FAILED);
	struct sc_zrtp_event ev;
	CHECK(sc_zrtp_pop_event(z, &ev) && ev.type == SC_ZRTP_EVENT_FAILED);
	CHECK_STR_CONTAINS(ev.reason, "Hello sent 21 times");
	CHECK_EQ_INT(sc_zrtp_next_timeout(z), -1);
	sc_zrtp_free(z);
}

// The peer answers Hello but then goes silent: Commit is retransmitted with T2 (150 ms
// doubling to 1200 ms) 10 times, then Error 0xB0 and failure.
static void test_commit_timeout(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 61 }, rb = { 62 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sc_zrtp *a = make_engine(&p, 0xa1, &ra, &ca, "b");
	struct sc_zrtp *b = make_engine(&p, 0xb2, &rb, &cb, "a");
	uint8_t buf[SC_ZRTP_PACKET_MAX];
	size_t len;
	struct sc_zrtp_packet pkt;
	CHECK(a && b);
	if (!a || !b)
		return;
	sc_zrtp_start(a, 0);
	sc_zrtp_start(b, 0);
	// Exchange Hellos and HelloACKs only; B drops everything else.
	for (int round = 0; round < 4; round++) {
		while (sc_zrtp_pop_packet(a, buf, sizeof(buf), &len) == 0)
			if (sc_zrtp_packet_parse(buf, len, &pkt) == 0 && pkt.type == SC_ZRTP_MSG_HELLO)
				sc_zrtp_receive(b, buf, len, 0);
		while (sc_zrtp_pop_packet(b, buf, sizeof(buf), &len) == 0)
			if (sc_zrtp_packet_parse(buf, len, &pkt) == 0 &&
			    (pkt.type == SC_ZRTP_MSG_HELLO || pkt.type == SC_ZRTP_MSG_HELLOACK))
				sc_zrtp_receive(a, buf, len, 0);
	}
	CHECK_EQ_INT(sc_zrtp_state(a), SC_ZRTP_WAIT_DHPART1);
	int commits = 1, errors = 0;
	uint64_t gaps[12] = { 0 };
	uint64_t last = 0;
	for (int i = 0; i < 100 && sc_zrtp_next_timeout(a) >= 0; i++) {
		uint64_t t = (uint64_t)sc_zrtp_next_timeout(a);
		sc_zrtp_timer(a, t);
		while (sc_zrtp_pop_packet(a, buf, sizeof(buf), &len) == 0) {
			if (sc_zrtp_packet_parse(buf, len, &pkt) != 0)
				continue;
			if (pkt.type == SC_ZRTP_MSG_COMMIT) {
				if (commits < 12)
					gaps[commits] = t - last;
				commits++;
				last = t;
			}
			errors += pkt.type == SC_ZRTP_MSG_ERROR;
		}
		if (sc_zrtp_state(a) == SC_ZRTP_FAILED && errors)
			break;
	}
	CHECK_EQ_INT(commits, 11);
	CHECK_EQ_INT(gaps[1], 150);
	CHECK_EQ_INT(gaps[2], 300);
	CHECK_EQ_INT(gaps[3], 600);
	CHECK_EQ_INT(gaps[4], 1200);
	CHECK_EQ_INT(gaps[10], 1200);
	CHECK_EQ_INT(errors, 1);
	CHECK_EQ_INT(sc_zrtp_state(a), SC_ZRTP_FAILED);
	struct sc_zrtp_event ev;
	CHECK(sc_zrtp_pop_event(a, &ev) && ev.type == SC_ZRTP_EVENT_FAILED && ev.error_code == 0xB0);
	CHECK_STR_CONTAINS(ev.reason, "without DHPart1");
	sc_zrtp_free(a);
	sc_zrtp_free(b);
}

// A passive endpoint never commits; with an active peer it becomes the responder.
static void test_passive(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 71 }, rb = { 72 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sc_zrtp_config cfg;
	struct sc_zrtp *b = NULL;
	struct sim sim;
	memset(&cfg, 0, sizeof(cfg));
	cfg.algorithms = p;
	memset(cfg.zid, 0xb2, 12);
	cfg.passive = true;
	struct sc_zrtp_cache_ops ops = mem_cache_ops(&cb);
	CHECK_EQ_INT(sc_zrtp_new(&cfg, test_rng_fill, &rb, &ops, &b), 0);
	sim_init(&sim, 73);
	sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), 1);
	sim_add(&sim, b, 0);
	sim_start_all(&sim);
	sim_run(&sim, 5000);
	CHECK_EQ_INT(sim.node[1].sent_by_type[SC_ZRTP_MSG_COMMIT], 0);
	const struct sc_zrtp_event *eb = sim_event(&sim, 1, SC_ZRTP_EVENT_SECURE);
	CHECK(eb && !eb->secure.initiator);
	sim_free(&sim);
}

// Both ends with one ZID (a cloned cache file): Error 0x90, acknowledged, both fail.
static void test_equal_zids(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 81 }, rb = { 82 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sim sim;
	sim_init(&sim, 83);
	sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), 1);
	sim_add(&sim, make_engine(&p, 0xa1, &rb, &cb, "a"), 0);
	sim_start_all(&sim);
	sim_run(&sim, 5000);
	for (int i = 0; i < 2; i++) {
		const struct sc_zrtp_event *ev = sim_event(&sim, i, SC_ZRTP_EVENT_FAILED);
		CHECK(ev && ev->error_code == 0x90);
		CHECK_EQ_INT(sc_zrtp_state(sim.node[i].z), SC_ZRTP_FAILED);
		CHECK(sim_event(&sim, i, SC_ZRTP_EVENT_SECURE) == NULL);
	}
	sim.until_quiet = true;
	sim_run(&sim, 20000); // the Error retransmissions stop once acknowledged
	CHECK(sim.node[0].sent_by_type[SC_ZRTP_MSG_ERRORACK] >= 1);
	CHECK(sim.node[1].sent_by_type[SC_ZRTP_MSG_ERRORACK] >= 1);
	CHECK(sim.node[0].sent_by_type[SC_ZRTP_MSG_ERROR] < 3);
	CHECK_EQ_INT(sc_zrtp_next_timeout(sim.node[0].z), -1);
	CHECK_EQ_INT(sc_zrtp_next_timeout(sim.node[1].z), -1);
	sim_free(&sim);
}

// Every Conf2ACK lost: the initiator gives up retransmitting Confirm2 after 10 tries but
// keeps its keys (they are in use) and raises an alarm.
static void test_conf2ack_lost(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng ra = { 91 }, rb = { 92 };
	struct mem_cache ca = { 0 }, cb = { 0 };
	struct sim sim;
	sim_init(&sim, 93);
	sim_add(&sim, make_engine(&p, 0xa1, &ra, &ca, "b"), 1);
	sim_add(&sim, make_engine(&p, 0xb2, &rb, &cb, "a"), 0);
	sim.drop_mask[0] = sim.drop_mask[1] = 1u << SC_ZRTP_MSG_CONF2ACK;
	sim.until_quiet = true;
	sim_start_all(&sim);
	sim_run(&sim, 30000);
	const struct sc_zrtp_event *ea = sim_event(&sim, 0, SC_ZRTP_EVENT_SECURE);
	const struct sc_zrtp_event *eb = sim_event(&sim, 1, SC_ZRTP_EVENT_SECURE);
	CHECK(ea && eb);
	if (!ea || !eb) {
		sim_free(&sim);
		return;
	}
	int init = ea->secure.initiator ? 0 : 1;
	CHECK(keys_agree(&ea->secure, &eb->secure));
	CHECK_EQ_INT(sim.node[init].sent_by_type[SC_ZRTP_MSG_CONFIRM2], 11);
	const struct sc_zrtp_event *alarm = sim_event(&sim, init, SC_ZRTP_EVENT_ALARM);
	CHECK(alarm != NULL);
	if (alarm)
		CHECK_STR_CONTAINS(alarm->reason, "without Conf2ACK");
	CHECK_EQ_INT(sc_zrtp_state(sim.node[init].z), SC_ZRTP_SECURE);
	CHECK_EQ_INT(sc_zrtp_state(sim.node[!init].z), SC_ZRTP_SECURE);
	sim_free(&sim);
}

int main(void)
{
	test_all_combinations();
	test_contention();
	test_cache_continuity_and_mismatch();
	test_relay_mitm();
	test_hostile_input();
	test_peer_messages();
	test_hello_timeout();
	test_commit_timeout();
	test_passive();
	test_equal_zids();
	test_conf2ack_lost();
	return check_done();
}
