// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: sc_call_media instances on a simulated link under a simulated clock. The
// link loses, duplicates and reorders datagrams from a seeded generator, so every failure
// replays exactly; every datagram passes an observer before the link decides its fate.
// Audio runs on a 20 ms tick: each node may capture a frame from a source and pull a frame
// for a sink.
#ifndef SC_TEST_CALL_MEDIA_SIM_H
#define SC_TEST_CALL_MEDIA_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "media/call_media.h"
#include "zrtp/sim.h"

#define CMS_MAX_NODES 4
#define CMS_MAX_EVENTS 32
#define CMS_INFLIGHT 4096

struct cms_sim;

// Failed expectations inside the simulator; every test's main checks it is 0.
extern int cms_failures;

struct cms_node {
	struct sc_call_media *cm;
	int peer;                      // node its datagrams go to, -1 none
	struct test_rng rng;
	struct mem_cache own_cache;
	struct mem_cache *cache;
	struct sc_media policy;
	char name[16];
	struct sc_call_media_event events[CMS_MAX_EVENTS];
	int n_events;
	int event_count[8];
	bool secure;
	uint64_t secure_at;
	bool capture, playout;         // take part in the audio tick
	uint64_t next_frame;           // index of the next captured frame
	// What it sent, by kind (sc_media_demux of each datagram).
	uint64_t sent_zrtp, sent_rtp, sent_rtcp, sent_other;
	uint64_t sent_rtp_before_secure;
	uint64_t capture_sent, capture_no_keys, capture_ended, capture_other; // capture's returns
};

struct cms_packet {
	int to;
	uint64_t at;
	size_t len;
	uint8_t data[SC_CALL_MEDIA_MAX_DATAGRAM];
};

typedef void (*cms_datagram_fn)(struct cms_sim *s, int from, const uint8_t *data, size_t len);
// True drops the datagram on the link, before the random loss is drawn.
typedef bool (*cms_filter_fn)(struct cms_sim *s, int from, const uint8_t *data, size_t len);
typedef void (*cms_source_fn)(struct cms_sim *s, int node, uint64_t frame, int16_t *pcm, size_t n);
typedef void (*cms_sink_fn)(struct cms_sim *s, int node, int kind, const int16_t *pcm, size_t n);

struct cms_sim {
	uint64_t now;
	uint64_t prng;
	int loss_pct, dup_pct, reorder_pct;
	uint32_t latency_ms;
	int n;
	struct cms_node node[CMS_MAX_NODES];
	struct cms_packet *inflight;
	int n_inflight;
	uint64_t link_dropped_full;
	bool audio;
	uint64_t next_tick;
	void *ctx;
	cms_datagram_fn on_datagram;
	cms_filter_fn filter;
	cms_source_fn source;
	cms_sink_fn sink;
	// When set for a node, cms_add keys its call from this cache instead of a mem_cache.
	const struct sc_zrtp_cache_ops *cache_ops[CMS_MAX_NODES];
};

void cms_init(struct cms_sim *s, uint64_t seed);
void cms_free(struct cms_sim *s);

// The policy's media section with the example policy's lists, or one algorithm of each kind.
struct sc_media cms_policy(const struct sc_zrtp_policy *zrtp);

// Adds a node whose datagrams go to PEER. CACHE may be NULL (a fresh cache of its own).
// Returns its index, or -1 (counted in cms_failures) when the call media could not be made.
int cms_add(struct cms_sim *s, const struct sc_media *policy, enum sc_call_role role,
	    const char *peer_name, uint8_t zid_byte, uint64_t seed, struct mem_cache *cache,
	    int peer);
// Gives each node the other's a=zrtp-hash, as the SDP offer and answer would.
void cms_exchange_hashes(struct cms_sim *s, int a, int b);
void cms_start(struct cms_sim *s, int node);
// Drains a node's outputs onto the link (call after poking a node directly).
void cms_drain(struct cms_sim *s, int node);
// Runs for DURATION_MS of simulated time (bounded in steps too).
void cms_run(struct cms_sim *s, uint64_t duration_ms);
// Runs until every node is secure or failed, at most LIMIT_MS.
void cms_run_until_keyed(struct cms_sim *s, uint64_t limit_ms);

const struct sc_call_media_event *cms_event(const struct cms_sim *s, int node,
					     enum sc_call_media_event_type type);

// The test audio: two tones and a pseudo-random floor, different for every frame of a
// 22-minute call and for each node, never louder than 13 000.
void cms_pattern(int node, uint64_t frame, int16_t *pcm, size_t n);
// FNV-1a over a frame, to recognise it after the trip.
uint64_t cms_frame_hash(const int16_t *pcm, size_t n);

// A set of 64-bit values (open addressing), for frame hashes and leak windows.
struct u64_set {
	uint64_t *keys;
	uint32_t *values;
	size_t cap; // a power of two
	size_t count;
	bool has_zero;
	uint32_t zero_value;
};
int u64_set_init(struct u64_set *set, size_t cap_pow2);
void u64_set_free(struct u64_set *set);
void u64_set_put(struct u64_set *set, uint64_t key, uint32_t value);
bool u64_set_get(const struct u64_set *set, uint64_t key, uint32_t *value);

// Audio bookkeeping for the tick: every node captures cms_pattern (or relays what another
// node played), and every frame a node plays is looked up among the frames its sender
// captured, as they must come out of G.711: decode(encode(x)).
struct cms_audio {
	struct u64_set expected[CMS_MAX_NODES]; // per sender: hash of the decoded frame -> index
	bool pcma[CMS_MAX_NODES];               // the sender's codec
	int hears[CMS_MAX_NODES];               // whose frames a node should play, -1 none
	int relay_of[CMS_MAX_NODES];            // capture what this node played last, -1 none
	int16_t last_played[CMS_MAX_NODES][SC_CALL_MEDIA_MAX_FRAME];
	bool have_played[CMS_MAX_NODES];
	uint64_t frames[CMS_MAX_NODES], matched[CMS_MAX_NODES], unmatched[CMS_MAX_NODES];
	uint64_t silence[CMS_MAX_NODES], concealed[CMS_MAX_NODES];
	uint64_t loud_silence[CMS_MAX_NODES];   // "silence" frames that were not all zero
	uint64_t played_before_secure[CMS_MAX_NODES]; // FRAME or CONCEALED before SECURE
	uint64_t out_of_order[CMS_MAX_NODES];
	int64_t last_index[CMS_MAX_NODES];
	uint64_t within_tolerance[CMS_MAX_NODES], beyond_tolerance[CMS_MAX_NODES];
	// Frames played, by the index the sender gave them (for the rollover window).
	uint8_t *played_index[CMS_MAX_NODES];
	size_t played_index_len;
};

// Sized for MAX_FRAMES captured per node. Sets the sim's source and sink hooks.
int cms_audio_init(struct cms_sim *s, struct cms_audio *a, size_t max_frames);
void cms_audio_free(struct cms_audio *a);

#endif
