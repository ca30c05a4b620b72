// SPDX-License-Identifier: GPL-3.0-or-later
// SRTP and SRTCP for one call, keyed by ZRTP. This header and srtp_glue.c are the only code
// that knows libsrtp exists, so moving to libsrtp 3 (whose API differs) touches one file.
//
// Only the suites ZRTP negotiates are offered: AES-CM with a 128-bit (ZRTP "AES1") or 256-bit
// ("AES3") key, HMAC-SHA1 with an 80-bit ("HS80") or 32-bit ("HS32") SRTP tag. SRTCP always
// carries an 80-bit tag unless srtcp_tag_like_srtp asks otherwise (see docs/media.md: RFC 3711
// §7.5 and RFC 4568 keep SRTCP at 80 bits; Linphone's mediastreamer2 uses the SRTP tag length
// for SRTCP as well, which matters only when HS32 is negotiated).
//
// A context is not thread-safe: one call, one thread (the core's event loop).
#ifndef SC_MEDIA_SRTP_GLUE_H
#define SC_MEDIA_SRTP_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_SRTP_SALT_LEN 14    // 112-bit master salt (RFC 3711, RFC 6189 §4.5.3)
#define SC_SRTP_MAX_KEY_LEN 32 // AES-256
#define SC_SRTP_REPLAY_WINDOW_DEFAULT 128
#define SC_SRTP_REPLAY_WINDOW_MIN 64
#define SC_SRTP_REPLAY_WINDOW_MAX 32767
// The most any protect call adds: an SRTCP E-flag and index (4) plus an 80-bit tag.
#define SC_SRTP_MAX_OVERHEAD 14

enum sc_srtp_cipher {
	SC_SRTP_AES_CM_128, // ZRTP AES1
	SC_SRTP_AES_CM_256, // ZRTP AES3
};

enum sc_srtp_auth {
	SC_SRTP_HMAC_SHA1_80, // ZRTP HS80
	SC_SRTP_HMAC_SHA1_32, // ZRTP HS32
};

// One direction's master key and salt. Only the first 16 (AES-128) or 32 (AES-256) bytes of
// KEY are used.
struct sc_srtp_master {
	uint8_t key[SC_SRTP_MAX_KEY_LEN];
	uint8_t salt[SC_SRTP_SALT_LEN];
};

// What ZRTP hands over (RFC 6189 §4.5.3): the initiator sends with srtpkeyI/srtpsaltI and the
// responder with srtpkeyR/srtpsaltR; TX is whichever of those is ours, RX the peer's.
struct sc_srtp_keys {
	enum sc_srtp_cipher cipher;
	enum sc_srtp_auth auth;
	struct sc_srtp_master tx, rx;
	unsigned replay_window;   // 0: SC_SRTP_REPLAY_WINDOW_DEFAULT; else 64..32767 packets
	bool srtcp_tag_like_srtp; // false: SRTCP tag is 80 bits whatever AUTH says
};

struct sc_srtp;

// Process-wide setup, called once by the daemon before any call (later calls do nothing):
// initialises NSS without a database, without which libsrtp loads and unloads NSS in every
// sc_srtp_create (milliseconds and file accesses each time), then libsrtp. 0 or -EIO.
int sc_srtp_global_init(void);
// Undoes sc_srtp_global_init once no context is left; for tests and leak checkers.
void sc_srtp_global_shutdown(void);

// Creates a context with an outbound policy from KEYS->tx and an inbound one from KEYS->rx.
// The caller wipes KEYS afterwards; the context keeps no copy outside libsrtp. Returns 0,
// -EINVAL on a bad suite or replay window, -EPERM before sc_srtp_global_init, -ENOMEM, -EIO.
int sc_srtp_create(const struct sc_srtp_keys *keys, struct sc_srtp **out);
// Releases libsrtp's streams (which zero their cipher and HMAC state) and wipes the context.
// Safe with NULL.
void sc_srtp_free(struct sc_srtp *ctx);

// Bytes each protect call appends: the SRTP tag (4 or 10); E-flag+index and the SRTCP tag.
size_t sc_srtp_rtp_overhead(const struct sc_srtp *ctx);
size_t sc_srtp_rtcp_overhead(const struct sc_srtp *ctx);

// In place: BUF holds *LEN bytes and has room for CAP. Protect returns 0 with *LEN grown by
// the overhead, -EINVAL when the packet is not a well-formed RTP (RTCP) header, -ENOBUFS
// when CAP cannot take the overhead, -EALREADY (-ESTALE when far behind) when this sequence
// number was already protected, -EIO otherwise. On any error the caller must not send BUF.
int sc_srtp_protect_rtp(struct sc_srtp *ctx, uint8_t *buf, size_t *len, size_t cap);
int sc_srtp_protect_rtcp(struct sc_srtp *ctx, uint8_t *buf, size_t *len, size_t cap);

// In place: on 0 *LEN has shrunk to the plaintext packet. Errors, each a different cause:
// -EINVAL malformed or too short, -EBADMSG authentication failed, -EALREADY a duplicate
// (replay), -ESTALE older than the replay window, -EIO anything else.
int sc_srtp_unprotect_rtp(struct sc_srtp *ctx, uint8_t *buf, size_t *len);
int sc_srtp_unprotect_rtcp(struct sc_srtp *ctx, uint8_t *buf, size_t *len);

// libsrtp's own rollover counter for a stream (tests check the session agrees with it).
// -ENOENT when no packet of SSRC has been protected (tx) or accepted (rx) yet.
int sc_srtp_tx_roc(const struct sc_srtp *ctx, uint32_t ssrc, uint32_t *roc);
int sc_srtp_rx_roc(const struct sc_srtp *ctx, uint32_t ssrc, uint32_t *roc);

// "AES_CM_128_HMAC_SHA1_80" and so on, for status and logs.
const char *sc_srtp_suite_name(enum sc_srtp_cipher cipher, enum sc_srtp_auth auth);

#endif
