// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: ZRTP engines on a simulated network with a simulated clock, a deterministic
// random source and an in-memory cache. Links lose, duplicate and reorder packets from a
// seeded generator, so every failure replays exactly.
#ifndef SC_TEST_ZRTP_SIM_H
#define SC_TEST_ZRTP_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "zrtp/engine.h"

#define SIM_MAX_ENGINES 4
#define SIM_MAX_INFLIGHT 2048
#define SIM_MAX_EVENTS 16

struct test_rng {
	uint64_t state;
};
int test_rng_fill(void *ctx, uint8_t *buf, size_t len);

// A cache in memory holding a few peers.
struct mem_cache {
	int n;
	uint8_t zid[4][SC_ZRTP_ZID_LEN];
	struct sc_zrtp_retained entry[4];
	int stores;
};
struct sc_zrtp_cache_ops mem_cache_ops(struct mem_cache *cache);
struct sc_zrtp_retained *mem_cache_find(struct mem_cache *cache, const uint8_t zid[SC_ZRTP_ZID_LEN]);

struct sim_node {
	struct sc_zrtp *z;
	int peer;                  // index of the node its packets go to, -1 none
	struct sc_zrtp_event events[SIM_MAX_EVENTS];
	int n_events;
	int sent_by_type[16];
};

struct sim_packet {
	int to;
	uint64_t at;
	size_t len;
	uint8_t data[1100];
};

struct sim {
	uint64_t now;
	uint64_t prng;
	int loss_pct, dup_pct, reorder_pct;
	uint32_t latency_ms;
	int n_nodes;
	struct sim_node node[SIM_MAX_ENGINES];
	struct sim_packet *inflight; // SIM_MAX_INFLIGHT
	int n_inflight;
	// Hostile extras: corrupted and truncated copies and replays of delivered packets.
	bool inject_garbage;
	uint32_t drop_mask[SIM_MAX_ENGINES]; // message types (1 << type) a node's link always loses
	bool until_quiet; // keep running past secure/failed until nothing is in flight or due
	uint8_t last_delivered[SIM_MAX_ENGINES][1100];
	size_t last_delivered_len[SIM_MAX_ENGINES];
	uint16_t last_seq[SIM_MAX_ENGINES]; // of the last good packet each node received
};

void sim_init(struct sim *s, uint64_t seed);
void sim_free(struct sim *s);
int sim_add(struct sim *s, struct sc_zrtp *z, int peer);
void sim_start_all(struct sim *s);
// Runs until every node is secure or failed (or LIMIT_MS of simulated time pass).
void sim_run(struct sim *s, uint64_t limit_ms);
// The first event of TYPE a node produced, or NULL.
const struct sc_zrtp_event *sim_event(const struct sim *s, int node, enum sc_zrtp_event_type type);
int sim_count_events(const struct sim *s, int node, enum sc_zrtp_event_type type);

// A policy offering exactly one algorithm of each kind.
struct sc_zrtp_policy policy_one(enum sc_zrtp_hash h, enum sc_zrtp_cipher c, enum sc_zrtp_auth a,
				 enum sc_zrtp_key_agreement k, enum sc_zrtp_sas s);
struct sc_zrtp_policy policy_default(void);
struct sc_zrtp *make_engine(const struct sc_zrtp_policy *policy, uint8_t zid_byte, struct test_rng *rng,
			    struct mem_cache *cache, const char *peer_name);

#endif
