// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's state, shared by its files: engine.c (API, queues, timers, dispatch),
// handshake.c (one handler per message) and keys.c (RFC 6189 §4.3-§4.5 derivations).
#ifndef SC_ZRTP_ENGINE_INTERNAL_H
#define SC_ZRTP_ENGINE_INTERNAL_H

#include "zrtp/crypto.h"
#include "zrtp/engine.h"
#include "zrtp/ka.h"
#include "zrtp/packet.h"

#define TX_QUEUE_LEN 16
#define EVENT_QUEUE_LEN 8
#define REPLAY_WINDOW 64

// RFC 6189 §6: Hello uses T1 (50 ms doubling to 200 ms, 20 retries); Commit, DHPart2,
// Confirm2 and Error use T2 (150 ms doubling to 1200 ms, 10 retries).
#define T1_INITIAL_MS 50
#define T1_CAP_MS 200
#define T1_RETRIES 20
#define T2_INITIAL_MS 150
#define T2_CAP_MS 1200
#define T2_RETRIES 10

struct stored_msg {
	uint8_t data[SC_ZRTP_MSG_MAX];
	size_t len;
};

struct retransmit {
	bool active;
	enum sc_zrtp_msg_type type;
	struct stored_msg msg;
	uint64_t due_ms;
	uint32_t interval_ms, cap_ms;
	unsigned retries_left;
};

// Algorithms negotiated for this session.
struct negotiated {
	enum sc_zrtp_hash hash;
	enum sc_zrtp_cipher cipher;
	enum sc_zrtp_auth auth;
	enum sc_zrtp_key_agreement ka;
	enum sc_zrtp_sas sas;
};

// Keys derived from s0 (RFC 6189 §4.5.3).
struct session_keys {
	uint8_t srtp_key_i[32], srtp_key_r[32];
	uint8_t srtp_salt_i[14], srtp_salt_r[14];
	uint8_t mac_key_i[SC_ZRTP_HASH_MAX], mac_key_r[SC_ZRTP_HASH_MAX];
	uint8_t zrtp_key_i[32], zrtp_key_r[32];
	uint8_t sas_hash[32];
	uint8_t new_rs1[32];
};

struct sc_zrtp {
	struct sc_zrtp_config cfg;
	sc_zrtp_rng_fn rng;
	void *rng_ctx;
	struct sc_zrtp_cache_ops cache;
	enum sc_zrtp_state state;
	bool initiator;
	uint64_t now_ms;

	uint8_t h0[32], h1[32], h2[32], h3[32];
	struct stored_msg hello;        // ours, built once: its hash goes into SDP
	bool hello_acked;

	bool have_peer_hello;
	struct stored_msg peer_hello;
	struct sc_zrtp_hello peer_hello_fields;
	bool have_signaled_hash;
	uint8_t signaled_hash[32];
	bool mitm_alarm_raised;

	struct negotiated alg;
	struct sc_zrtp_ka ka;
	struct stored_msg commit;       // the Commit in force, ours or the peer's
	struct stored_msg dhpart1, dhpart2;
	struct stored_msg our_confirm;  // Confirm1 or Confirm2, resent on a duplicate
	uint8_t peer_h2[32], peer_h1[32];
	uint8_t peer_hvi[32];
	uint8_t our_hvi[32];
	struct stored_msg peer_confirm; // the Confirm we accepted, to spot duplicates

	bool cache_found;
	struct sc_zrtp_retained cached;  // as read when the peer's Hello arrived
	enum sc_zrtp_cache_state cache_state;
	uint8_t s1[32];
	bool have_s1;
	uint8_t total_hash[SC_ZRTP_HASH_MAX];
	uint8_t s0[SC_ZRTP_HASH_MAX];
	struct session_keys keys;
	bool keys_ready;
	bool peer_verified_flag;
	uint32_t peer_ttl_s;
	int sas_decision;               // -1 undecided, else what the users decided in this call
	struct sc_zrtp_retained stored;  // what we last wrote to the cache
	bool finished;

	uint16_t tx_seq;
	bool rx_seen_any;
	uint16_t rx_highest;
	uint64_t rx_window;

	struct retransmit rt;
	struct stored_msg tx_queue[TX_QUEUE_LEN];
	unsigned tx_head, tx_count;
	struct sc_zrtp_event events[EVENT_QUEUE_LEN];
	unsigned ev_head, ev_count;
	struct sc_zrtp_counters counters;
};

// engine.c
void zrtp_send(struct sc_zrtp *z, const uint8_t *msg, size_t len);
void zrtp_send_retransmitted(struct sc_zrtp *z, enum sc_zrtp_msg_type type, const uint8_t *msg,
			     size_t len, bool t1);
void zrtp_stop_retransmit(struct sc_zrtp *z);
struct sc_zrtp_event *zrtp_event(struct sc_zrtp *z, enum sc_zrtp_event_type type, uint32_t code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void zrtp_fail(struct sc_zrtp *z, uint32_t code_to_send, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int zrtp_random(struct sc_zrtp *z, void *buf, size_t len);

// handshake.c: each returns 0 or the negative errno that sc_zrtp_receive reports.
int zrtp_on_packet(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt);
int zrtp_hello_check_signaled(struct sc_zrtp *z);

// keys.c
int zrtp_kdf(enum sc_zrtp_hash hash, const uint8_t *ki, size_t ki_len, const char *label,
	     const uint8_t *context, size_t context_len, size_t bits, uint8_t *out);
int zrtp_secret_id(struct sc_zrtp *z, const uint8_t *secret, const char *role, uint8_t id[8]);
int zrtp_choose_s1(struct sc_zrtp *z, const uint8_t rs1_id[8], const uint8_t rs2_id[8]);
int zrtp_derive_keys(struct sc_zrtp *z, const uint8_t *dh_result, size_t dh_len);
int zrtp_compute_hvi(struct sc_zrtp *z, const uint8_t *dhpart2, size_t len, const uint8_t *hello,
		     size_t hello_len, uint8_t hvi[32]);
void zrtp_finish(struct sc_zrtp *z);
int zrtp_store_cache(struct sc_zrtp *z);

// Algorithm names on the wire.
const char *zrtp_wire_hash(enum sc_zrtp_hash v);
const char *zrtp_wire_cipher(enum sc_zrtp_cipher v);
const char *zrtp_wire_auth(enum sc_zrtp_auth v);
const char *zrtp_wire_ka(enum sc_zrtp_key_agreement v);
const char *zrtp_wire_sas(enum sc_zrtp_sas v);

#endif
