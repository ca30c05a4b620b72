// SPDX-License-Identifier: GPL-3.0-or-later
// The ZRTP cache file (RFC 6189 §4.9): our ZID, made once, and per peer ZID the retained
// secrets rs1 and rs2, their expiry, the SAS-verified flag and the peer's site name.
// Every change rewrites the file atomically (temporary file in the same directory, fsync,
// rename, fsync of the directory); the file is 0600 and a group- or world-readable one is
// refused. Nothing here resets an entry on a mismatch: the engine reports it and the
// caller decides (policy rules.on_cache_mismatch).
#ifndef SC_ZRTP_CACHE_H
#define SC_ZRTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "zrtp/engine.h"

#define SC_ZRTP_CACHE_MAX_PEERS 4096

struct sc_zrtp_cache;

// What `sealcall zrtp-cache list` may show: no secrets.
struct sc_zrtp_cache_info {
	uint8_t zid[SC_ZRTP_ZID_LEN];
	char peer_name[SC_NAME_MAX + 1];
	bool verified;
	bool has_rs1, has_rs2;
	int64_t expires; // Unix time, 0 = never
};

// Opens PATH, creating it with a fresh random ZID when it does not exist (its directory
// must). On failure WHY says what is wrong and how to fix it: -EPERM for a file others may
// read, -EINVAL for a damaged file (never overwritten), or the errno of the system call.
int sc_zrtp_cache_open(const char *path, sc_zrtp_rng_fn rng, void *rng_ctx,
		       struct sc_zrtp_cache **out, char *why, size_t why_len);
void sc_zrtp_cache_free(struct sc_zrtp_cache *cache);

const uint8_t *sc_zrtp_cache_zid(const struct sc_zrtp_cache *cache);
// Replaces the clock used for expiry (tests); NOW returns Unix seconds.
void sc_zrtp_cache_set_clock(struct sc_zrtp_cache *cache, int64_t (*now)(void *ctx), void *ctx);

// 0, or -ENOENT when the peer is unknown or its secrets expired.
int sc_zrtp_cache_lookup(struct sc_zrtp_cache *cache, const uint8_t zid[SC_ZRTP_ZID_LEN],
			 struct sc_zrtp_retained *out);
// Replaces (or adds) the peer's entry and rewrites the file. IN->ttl_s sets the expiry.
int sc_zrtp_cache_store(struct sc_zrtp_cache *cache, const uint8_t zid[SC_ZRTP_ZID_LEN],
			const struct sc_zrtp_retained *in);

// For the CLI. WHO is a site name or a ZID in hex; -ENOENT when no entry matches.
int sc_zrtp_cache_verify(struct sc_zrtp_cache *cache, const char *who);
int sc_zrtp_cache_unverify(struct sc_zrtp_cache *cache, const char *who);
int sc_zrtp_cache_forget(struct sc_zrtp_cache *cache, const char *who);

size_t sc_zrtp_cache_count(const struct sc_zrtp_cache *cache);
int sc_zrtp_cache_info_at(const struct sc_zrtp_cache *cache, size_t index, struct sc_zrtp_cache_info *out);

// The engine's view of this cache.
struct sc_zrtp_cache_ops sc_zrtp_cache_ops(struct sc_zrtp_cache *cache);

#endif
