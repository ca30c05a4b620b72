// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"
#include "zrtp/packet.h"

// splitmix64: a seeded, reproducible stream; cryptographic quality is not needed here.
static uint64_t next64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int test_rng_fill(void *ctx, uint8_t *buf, size_t len)
{
	struct test_rng *rng = ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)next64(&rng->state);
	return 0;
}

struct sc_zrtp_retained *mem_cache_find(struct mem_cache *c, const uint8_t zid[SC_ZRTP_ZID_LEN])
{
	for (int i = 0; i < c->n; i++)
		if (memcmp(c->zid[i], zid, SC_ZRTP_ZID_LEN) == 0)
			return &c->entry[i];
	return NULL;
}

static int mem_lookup(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], struct sc_zrtp_retained *out)
{
	struct sc_zrtp_retained *e = mem_cache_find(ctx, zid);
	if (!e)
		return -ENOENT;
	*out = *e;
	return 0;
}

static int mem_store(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], const struct sc_zrtp_retained *in)
{
	struct mem_cache *c = ctx;
	struct sc_zrtp_retained *e = mem_cache_find(c, zid);
	if (!e) {
		if (c->n == 4)
			return -ENOSPC;
		memcpy(c->zid[c->n], zid, SC_ZRTP_ZID_LEN);
		e = &c->entry[c->n++];
	}
	*e = *in;
	c->stores++;
	return 0;
}

struct sc_zrtp_cache_ops mem_cache_ops(struct mem_cache *cache)
{
	struct sc_zrtp_cache_ops ops = { cache, mem_lookup, mem_store };
	return ops;
}

struct sc_zrtp_policy policy_one(enum sc_zrtp_hash h, enum sc_zrtp_cipher c, enum sc_zrtp_auth a,
				 enum sc_zrtp_key_agreement k, enum sc_zrtp_sas s)
{
	struct sc_zrtp_policy p;
	memset(&p, 0, sizeof(p));
	p.hashes[0] = h;
	p.n_hashes = 1;
	p.ciphers[0] = c;
	p.n_ciphers = 1;
	p.auth_tags[0] = a;
	p.n_auth_tags = 1;
	p.key_agreements[0] = k;
	p.n_key_agreements = 1;
	p.sas_types[0] = s;
	p.n_sas_types = 1;
	return p;
}

struct sc_zrtp_policy policy_default(void)
{
	// The example policy's lists: x255, ec25, dh3k; s256, s384; aes1, aes3; hs80, hs32; b32, b256.
	struct sc_zrtp_policy p = policy_one(SC_ZRTP_S256, SC_ZRTP_AES1, SC_ZRTP_HS80, SC_ZRTP_X255, SC_ZRTP_B32);
	p.key_agreements[1] = SC_ZRTP_EC25;
	p.key_agreements[2] = SC_ZRTP_DH3K;
	p.n_key_agreements = 3;
	p.hashes[1] = SC_ZRTP_S384;
	p.n_hashes = 2;
	p.ciphers[1] = SC_ZRTP_AES3;
	p.n_ciphers = 2;
	p.auth_tags[1] = SC_ZRTP_HS32;
	p.n_auth_tags = 2;
	p.sas_types[1] = SC_ZRTP_B256;
	p.n_sas_types = 2;
	return p;
}

struct sc_zrtp *make_engine(const struct sc_zrtp_policy *policy, uint8_t zid_byte, struct test_rng *rng,
			    struct mem_cache *cache, const char *peer_name)
{
	struct sc_zrtp_config cfg;
	struct sc_zrtp *z = NULL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.algorithms = *policy;
	memset(cfg.zid, zid_byte, sizeof(cfg.zid));
	cfg.ssrc = 0x1000u + zid_byte;
	sc_strcpy(cfg.peer_name, sizeof(cfg.peer_name), peer_name);
	struct sc_zrtp_cache_ops ops = mem_cache_ops(cache);
	if (sc_zrtp_new(&cfg, test_rng_fill, rng, &ops, &z) != 0)
		return NULL;
	return z;
}

void sim_init(struct sim *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->prng = seed;
	s->latency_ms = 10;
	s->inflight = calloc(SIM_MAX_INFLIGHT, sizeof(*s->inflight));
}

void sim_free(struct sim *s)
{
	for (int i = 0; i < s->n_nodes; i++) {
		for (int e = 0; e < s->node[i].n_events; e++)
			sc_zrtp_event_wipe(&s->node[i].events[e]);
		sc_zrtp_free(s->node[i].z);
	}
	free(s->inflight);
	s->inflight = NULL;
}

int sim_add(struct sim *s, struct sc_zrtp *z, int peer)
{
	int i = s->n_nodes++;
	s->node[i].z = z;
	s->node[i].peer = peer;
	return i;
}

static int percent(struct sim *s)
{
	return (int)(next64(&s->prng) % 100);
}

static void enqueue(struct sim *s, int to, const uint8_t *data, size_t len, uint64_t at)
{
	if (s->n_inflight == SIM_MAX_INFLIGHT || len > sizeof(s->inflight[0].data))
		return;
	struct sim_packet *p = &s->inflight[s->n_inflight++];
	p->to = to;
	p->at = at;
	p->len = len;
	memcpy(p->data, data, len);
}

static void drain(struct sim *s, int i)
{
	struct sim_node *n = &s->node[i];
	uint8_t buf[1100];
	size_t len;
	while (sc_zrtp_pop_packet(n->z, buf, sizeof(buf), &len) == 0) {
		struct sc_zrtp_packet pkt;
		bool dropped = false;
		if (sc_zrtp_packet_parse(buf, len, &pkt) == 0 && pkt.type < 16) {
			n->sent_by_type[pkt.type]++;
			dropped = s->drop_mask[i] & (1u << pkt.type);
		}
		if (n->peer < 0 || dropped || percent(s) < s->loss_pct)
			continue;
		uint64_t at = s->now + s->latency_ms;
		if (percent(s) < s->reorder_pct)
			at += 1 + next64(&s->prng) % 40;
		enqueue(s, n->peer, buf, len, at);
		if (percent(s) < s->dup_pct)
			enqueue(s, n->peer, buf, len, at + next64(&s->prng) % 20);
	}
	struct sc_zrtp_event ev;
	while (sc_zrtp_pop_event(n->z, &ev)) {
		if (n->n_events < SIM_MAX_EVENTS)
			n->events[n->n_events++] = ev;
		else
			sc_zrtp_event_wipe(&ev);
	}
}

void sim_start_all(struct sim *s)
{
	for (int i = 0; i < s->n_nodes; i++) {
		sc_zrtp_start(s->node[i].z, s->now);
		drain(s, i);
	}
}

static bool all_done(const struct sim *s)
{
	for (int i = 0; i < s->n_nodes; i++) {
		enum sc_zrtp_state st = sc_zrtp_state(s->node[i].z);
		if (st != SC_ZRTP_SECURE && st != SC_ZRTP_FAILED)
			return false;
	}
	return true;
}

static void deliver(struct sim *s, struct sim_packet *p)
{
	struct sc_zrtp *z = s->node[p->to].z;
	if (s->inject_garbage) {
		uint8_t bad[1100];
		// A corrupted copy (CRC must catch it), a truncated one, and a replay of the
		// previous packet with its original sequence number.
		memcpy(bad, p->data, p->len);
		bad[p->len / 2] ^= 0x40;
		sc_zrtp_receive(z, bad, p->len, s->now);
		sc_zrtp_receive(z, p->data, p->len - 4 - (next64(&s->prng) % (p->len - 4)), s->now);
		if (s->last_delivered_len[p->to])
			sc_zrtp_receive(z, s->last_delivered[p->to], s->last_delivered_len[p->to], s->now);
		memcpy(s->last_delivered[p->to], p->data, p->len);
		s->last_delivered_len[p->to] = p->len;
	}
	if (sc_zrtp_receive(z, p->data, p->len, s->now) != -EALREADY)
		s->last_seq[p->to] = (uint16_t)(p->data[2] << 8 | p->data[3]);
}

void sim_run(struct sim *s, uint64_t limit_ms)
{
	uint64_t end = s->now + limit_ms;
	// Bounded twice: simulated time and number of steps.
	for (int steps = 0; steps < 100000 && (s->until_quiet || !all_done(s)); steps++) {
		uint64_t next = UINT64_MAX;
		for (int i = 0; i < s->n_inflight; i++)
			if (s->inflight[i].at < next)
				next = s->inflight[i].at;
		for (int i = 0; i < s->n_nodes; i++) {
			int64_t t = sc_zrtp_next_timeout(s->node[i].z);
			if (t >= 0 && (uint64_t)t < next)
				next = (uint64_t)t;
		}
		if (next == UINT64_MAX || next > end)
			break;
		if (next > s->now)
			s->now = next;
		// Deliver everything due now, earliest first (stable among equals).
		for (;;) {
			int best = -1;
			for (int i = 0; i < s->n_inflight; i++)
				if (s->inflight[i].at <= s->now && (best < 0 || s->inflight[i].at < s->inflight[best].at))
					best = i;
			if (best < 0)
				break;
			struct sim_packet p = s->inflight[best];
			s->inflight[best] = s->inflight[--s->n_inflight];
			deliver(s, &p);
			drain(s, p.to);
		}
		for (int i = 0; i < s->n_nodes; i++) {
			sc_zrtp_timer(s->node[i].z, s->now);
			drain(s, i);
		}
	}
}

const struct sc_zrtp_event *sim_event(const struct sim *s, int node, enum sc_zrtp_event_type type)
{
	for (int e = 0; e < s->node[node].n_events; e++)
		if (s->node[node].events[e].type == type)
			return &s->node[node].events[e];
	return NULL;
}

int sim_count_events(const struct sim *s, int node, enum sc_zrtp_event_type type)
{
	int n = 0;
	for (int e = 0; e < s->node[node].n_events; e++)
		n += s->node[node].events[e].type == type;
	return n;
}
