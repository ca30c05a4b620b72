// SPDX-License-Identifier: GPL-3.0-or-later
// The ZRTP engine (RFC 6189, DH mode): a pure state machine. It takes packets and the time
// as inputs and queues packets to send and events; it owns no socket, clock or global, and
// draws randomness only through the callback it is given. One engine keys one media stream.
//
// Use: sc_zrtp_new, publish sc_zrtp_hello_hash in SDP (a=zrtp-hash), hand it the peer's
// signaled hash with sc_zrtp_set_peer_hello_hash, sc_zrtp_start, then feed every received
// ZRTP packet to sc_zrtp_receive and call sc_zrtp_timer at sc_zrtp_next_timeout; after each
// call drain sc_zrtp_pop_packet and sc_zrtp_pop_event.
#ifndef SC_ZRTP_ENGINE_H
#define SC_ZRTP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "zrtp/ka.h"

#define SC_ZRTP_ZID_LEN 12
#define SC_ZRTP_RS_LEN 32
#define SC_ZRTP_TTL_FOREVER 0xffffffffu
#define SC_ZRTP_HELLO_HASH_ATTR_MAX 70 // "1.10 " + 64 hex digits + NUL

// What the cache remembers about one peer ZID (RFC 6189 §4.9). The engine reads it when the
// peer's Hello arrives and writes it after Confirm.
struct sc_zrtp_retained {
	bool has_rs1, has_rs2;
	uint8_t rs1[SC_ZRTP_RS_LEN];
	uint8_t rs2[SC_ZRTP_RS_LEN];
	bool verified;
	uint32_t ttl_s;               // on store: how long rs1 may be kept, SC_ZRTP_TTL_FOREVER
	char peer_name[SC_NAME_MAX + 1];
};

// Injected cache. lookup returns 0 (found), -ENOENT (unknown or expired peer) or another
// negative errno; store replaces the entry for PEER_ZID and persists it.
struct sc_zrtp_cache_ops {
	void *ctx;
	int (*lookup)(void *ctx, const uint8_t peer_zid[SC_ZRTP_ZID_LEN], struct sc_zrtp_retained *out);
	int (*store)(void *ctx, const uint8_t peer_zid[SC_ZRTP_ZID_LEN], const struct sc_zrtp_retained *in);
};

struct sc_zrtp_config {
	// Offered algorithms in order of preference, as the policy has them (cache_file unused
	// here). RFC 6189's mandatory algorithms (S256, AES1, HS32, HS80, DH3k, B32) are
	// accepted even when absent, since a peer may assume them (§5.1.2-§5.1.6).
	struct sc_zrtp_policy algorithms;
	uint8_t zid[SC_ZRTP_ZID_LEN];   // our ZID, from the cache
	uint32_t ssrc;                  // the RTP stream's SSRC, sent in every ZRTP header
	bool passive;                   // never send Commit (Hello P flag): wait to be the responder
	uint32_t cache_ttl_s;           // offered in Confirm; 0 means SC_ZRTP_TTL_FOREVER
	char peer_name[SC_NAME_MAX + 1]; // the directory name of the far site, kept in the cache
};

enum sc_zrtp_state {
	SC_ZRTP_IDLE,          // created, not started
	SC_ZRTP_DISCOVERY,     // Hello/HelloACK exchange
	SC_ZRTP_WAIT_DHPART1,  // initiator: Commit sent
	SC_ZRTP_WAIT_DHPART2,  // responder: DHPart1 sent
	SC_ZRTP_WAIT_CONFIRM1, // initiator: DHPart2 sent
	SC_ZRTP_WAIT_CONFIRM2, // responder: Confirm1 sent
	SC_ZRTP_WAIT_CONF2ACK, // initiator: Confirm2 sent, keys ready
	SC_ZRTP_SECURE,
	SC_ZRTP_FAILED,
};

enum sc_zrtp_cache_state {
	SC_ZRTP_CACHE_NEW,      // no retained secret for this peer yet
	SC_ZRTP_CACHE_MATCH,    // a retained secret matched: continuity with earlier calls
	SC_ZRTP_CACHE_MISMATCH, // we had one and the peer proved a different one
};

enum sc_zrtp_event_type {
	SC_ZRTP_EVENT_SECURE,         // keys ready; see secure
	SC_ZRTP_EVENT_CACHE_MISMATCH, // before SECURE: the caller applies on_cache_mismatch
	SC_ZRTP_EVENT_ALARM,          // something an operator must hear about; see reason
	SC_ZRTP_EVENT_FAILED,         // the handshake is over without keys; see reason
};

struct sc_zrtp_srtp_key {
	uint8_t key[32];
	size_t key_len;   // 16 (AES1) or 32 (AES3)
	uint8_t salt[14];
	size_t salt_len;  // 14
};

struct sc_zrtp_secure_info {
	bool initiator;
	enum sc_zrtp_hash hash;
	enum sc_zrtp_cipher cipher;
	enum sc_zrtp_auth auth_tag;
	unsigned auth_tag_bits;        // 32 or 80 (HMAC-SHA1)
	enum sc_zrtp_key_agreement key_agreement;
	enum sc_zrtp_sas sas_type;
	char sas[32];
	bool verified;                 // both sides have the SAS marked verified in their caches
	enum sc_zrtp_cache_state cache;
	uint8_t peer_zid[SC_ZRTP_ZID_LEN];
	struct sc_zrtp_srtp_key tx, rx; // tx protects what we send, rx what we receive
};

struct sc_zrtp_event {
	enum sc_zrtp_event_type type;
	char reason[200];
	uint32_t error_code;           // RFC 6189 §5.9 code when one applies, else 0
	struct sc_zrtp_secure_info secure; // SECURE only
};

// Everything ignored is counted, so an operator can tell a noisy path from an attack.
struct sc_zrtp_counters {
	uint64_t rx_packets;
	uint64_t rx_malformed;   // not ZRTP, truncated, bad layout
	uint64_t rx_bad_crc;
	uint64_t rx_replayed;    // sequence number already seen or too old
	uint64_t rx_unexpected;  // well-formed but not acceptable in this state
	uint64_t rx_auth_failed; // hash chain, MAC, Confirm MAC or a=zrtp-hash did not hold
	uint64_t tx_packets;
	uint64_t tx_retransmits;
	uint64_t queue_overflows;
};

struct sc_zrtp;

int sc_zrtp_new(const struct sc_zrtp_config *config, sc_zrtp_rng_fn rng, void *rng_ctx,
		const struct sc_zrtp_cache_ops *cache, struct sc_zrtp **out);
void sc_zrtp_free(struct sc_zrtp *z);

int sc_zrtp_start(struct sc_zrtp *z, uint64_t now_ms);
// Returns 0 when the packet was used, or the negative errno of why it was ignored
// (-EBADMSG malformed or bad CRC, -EALREADY replay, -EPROTO unexpected, -EPERM failed
// authentication); the counters record the same.
int sc_zrtp_receive(struct sc_zrtp *z, const uint8_t *packet, size_t len, uint64_t now_ms);
int sc_zrtp_timer(struct sc_zrtp *z, uint64_t now_ms);
// Absolute time (ms, same clock as the inputs) of the next retransmission, or -1.
int64_t sc_zrtp_next_timeout(const struct sc_zrtp *z);

// 0 and a packet, or -EAGAIN when nothing is queued (-ENOBUFS when CAP is too small).
int sc_zrtp_pop_packet(struct sc_zrtp *z, uint8_t *buf, size_t cap, size_t *len);
// True and an event; wipe it with sc_zrtp_event_wipe once its keys are handed over.
bool sc_zrtp_pop_event(struct sc_zrtp *z, struct sc_zrtp_event *event);
void sc_zrtp_event_wipe(struct sc_zrtp_event *event);

// "1.10 <hex SHA-256 of our Hello>" for a=zrtp-hash (RFC 6189 §8.1).
int sc_zrtp_hello_hash(const struct sc_zrtp *z, char *out, size_t len);
// The peer's a=zrtp-hash value. A Hello that does not match raises the alarm "possible man
// in the middle" and is not used. Returns -EINVAL when ATTR is not "VERSION HEX64".
int sc_zrtp_set_peer_hello_hash(struct sc_zrtp *z, const char *attr);

// The users compared the SAS (or withdrew that). Stored in the cache at once; after a cache
// mismatch, verifying is what lets the new retained secret replace the old one (§4.6.1.1).
int sc_zrtp_set_sas_verified(struct sc_zrtp *z, bool verified);

enum sc_zrtp_state sc_zrtp_state(const struct sc_zrtp *z);
const char *sc_zrtp_state_name(enum sc_zrtp_state state);
const struct sc_zrtp_counters *sc_zrtp_counters(const struct sc_zrtp *z);

const char *sc_zrtp_hash_name(enum sc_zrtp_hash v);
const char *sc_zrtp_cipher_name(enum sc_zrtp_cipher v);
const char *sc_zrtp_auth_name(enum sc_zrtp_auth v);
const char *sc_zrtp_ka_name(enum sc_zrtp_key_agreement v);
const char *sc_zrtp_sas_name(enum sc_zrtp_sas v);

// Random bytes from wolfSSL's DRBG, for production: CTX is from sc_zrtp_system_rng_new.
void *sc_zrtp_system_rng_new(void);
void sc_zrtp_system_rng_free(void *ctx);
int sc_zrtp_system_rng(void *ctx, uint8_t *buf, size_t len);

// Known-answer tests of every primitive; 0, or -EIO with WHY naming the failing one.
int sc_zrtp_selftest(char *why, size_t len);

// `sealcall zrtp-inspect FILE...`: prints each file's ZRTP packet; 0 when all parse with a
// valid CRC, 1 otherwise.
int sc_zrtp_inspect_main(int argc, char **argv);

#endif
