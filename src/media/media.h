// SPDX-License-Identifier: GPL-3.0-or-later
// The media layer's public face: one call's RTP/RTCP stream, encrypted end to end with the
// SRTP keys ZRTP agrees. The core includes this header only.
//
// One egress path: sc_media_send_audio (with sc_media_send_event, its telephone-event form)
// and sc_media_send_rtcp are the only functions that produce bytes for the wire. Both refuse (-EAGAIN, counted) until ZRTP has produced keys
// and both return nothing but SRTP/SRTCP: no code path here emits plaintext RTP or RTCP,
// the hang-up BYE included. On every error the output buffer holds no packet (bytes that
// were staged in it are wiped) and *out_len is 0.
//
// Ingress: sc_media_receive takes every datagram from the media port. ZRTP packets come back
// untouched for the zrtp layer; RTP and RTCP are authenticated and decrypted in place, and
// dropped (counted by reason) before keys exist or when anything is wrong.
//
// The engine owns no socket, clock or thread: time and randomness are arguments.
#ifndef SC_MEDIA_MEDIA_H
#define SC_MEDIA_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/session.h"
#include "media/srtp_glue.h"
#include "policy/policy.h"

// Enough for any packet we send: 12-byte header, a 20 ms Opus frame and the SRTP tag, or a
// compound SR + SDES + BYE with full-length texts and the SRTCP trailer.
#define SC_MEDIA_MAX_PACKET 1500
#define SC_MEDIA_MAX_PAYLOAD (SC_MEDIA_MAX_PACKET - SC_RTP_HEADER_LEN - SC_SRTP_MAX_OVERHEAD)
#define SC_ZRTP_MAGIC_COOKIE 0x5a525450u // "ZRTP", RFC 6189 §5

enum sc_media_packet_kind {
	SC_MEDIA_PKT_UNKNOWN,
	SC_MEDIA_PKT_ZRTP,
	SC_MEDIA_PKT_RTP,
	SC_MEDIA_PKT_RTCP,
};

// Tells apart what shares the media port: ZRTP (first octet 0x10, magic cookie at offset 4),
// RTCP (RFC 5761 §4: version 2, second octet 192..223) and RTP (version 2, anything else).
enum sc_media_packet_kind sc_media_demux(const uint8_t *buf, size_t len);

struct sc_media_config {
	uint8_t payload_type;   // negotiated in SDP
	uint32_t clock_rate;    // 8000 (PCMU, PCMA) or 48000 (Opus)
	const char *cname;      // RTCP CNAME, e.g. "paris@10.77.0.1"
	struct sc_rtp_rng rng;  // SSRC, first sequence number and timestamp; sc_media_os_rng
	bool fixed_first_seq;   // tests only: the first sequence number is FIRST_SEQ, not random
	uint16_t first_seq;
};

// An RNG over getrandom(2) for sc_media_config.rng (its ctx is unused).
int sc_media_os_rng(void *ctx, void *buf, size_t len);

struct sc_media_counters {
	uint64_t tx_rtp, tx_rtcp;                        // SRTP / SRTCP packets produced
	uint64_t tx_dropped_before_keys;                 // audio frames refused before keys
	uint64_t tx_rtcp_dropped_before_keys;
	uint64_t tx_errors;                              // protect failures, buffers too small
	uint64_t rx_rtp, rx_rtcp, rx_zrtp;               // accepted (ZRTP: handed up)
	uint64_t rx_dropped_before_keys;                 // RTP or RTCP before keys
	uint64_t rx_auth_failed, rx_replayed, rx_too_old; // SRTP verdicts
	uint64_t rx_malformed, rx_unknown, rx_errors;
};

enum sc_media_rx_kind {
	SC_MEDIA_RX_AUDIO,   // payload points into the caller's buffer, decrypted
	SC_MEDIA_RX_RTCP,    // statistics updated; bye set when the peer said BYE
	SC_MEDIA_RX_ZRTP,    // payload/payload_len: the datagram, untouched
	SC_MEDIA_RX_DROPPED, // see drop
};

enum sc_media_drop_reason {
	SC_MEDIA_DROP_NONE,
	SC_MEDIA_DROP_NO_KEYS,    // RTP or RTCP before ZRTP finished
	SC_MEDIA_DROP_AUTH,       // SRTP authentication failed
	SC_MEDIA_DROP_REPLAYED,   // a duplicate of a packet already accepted
	SC_MEDIA_DROP_TOO_OLD,    // behind the replay window
	SC_MEDIA_DROP_MALFORMED,  // bad header, lengths or padding
	SC_MEDIA_DROP_UNKNOWN,    // neither ZRTP nor RTP nor RTCP
	SC_MEDIA_DROP_ERROR,      // libsrtp failed otherwise
};

struct sc_media_rx {
	enum sc_media_rx_kind kind;
	enum sc_media_drop_reason drop;
	const uint8_t *payload;
	size_t payload_len;
	// audio
	uint8_t payload_type;
	bool marker;
	uint16_t seq;
	uint64_t ext_seq;         // with the rollover counter
	uint32_t timestamp;
	uint32_t ssrc;
	// rtcp
	bool bye;
};

struct sc_media_stats {
	struct sc_media_counters counters;
	struct sc_rtp_stats rtp;
	bool keyed;
	const char *suite;        // "AES_CM_128_HMAC_SHA1_80"..., "" before keys
};

struct sc_media_session;

// Returns 0, -EINVAL on a bad config (see sc_rtp_session_init), -ENOMEM or the RNG's error.
int sc_media_session_new(const struct sc_media_config *cfg, struct sc_media_session **out);
// Frees the SRTP contexts (their keys wiped) and the session. Safe with NULL.
void sc_media_session_free(struct sc_media_session *s);

// Installs the keys ZRTP derived; from now on media flows. The caller wipes KEYS after the
// call. Once per session: -EALREADY for a second set (a re-key would restart SRTP's packet
// indexes under one key); -EINVAL, -EPERM, -ENOMEM, -EIO from sc_srtp_create.
int sc_media_set_keys(struct sc_media_session *s, const struct sc_srtp_keys *keys);
bool sc_media_has_keys(const struct sc_media_session *s);

// One direction's key material as ZRTP's engine holds it (srtpkeyI/R and srtpsaltI/R).
struct sc_media_zrtp_key {
	const uint8_t *key;
	size_t key_len;
	const uint8_t *salt;
	size_t salt_len;
};

// Fills OUT from what ZRTP negotiated: AES1 -> AES-CM-128, AES3 -> AES-CM-256, HS80/HS32 ->
// HMAC-SHA1-80/32 for SRTP (SRTCP keeps 80 bits). -EINVAL when a key length does not match
// the cipher or a salt is not 14 bytes. The caller wipes OUT after sc_media_set_keys.
int sc_media_keys_from_zrtp(enum sc_zrtp_cipher cipher, enum sc_zrtp_auth auth,
			    const struct sc_media_zrtp_key *tx, const struct sc_media_zrtp_key *rx,
			    struct sc_srtp_keys *out);
uint32_t sc_media_local_ssrc(const struct sc_media_session *s);

// Wraps one encoded audio frame (PAYLOAD, LEN bytes; TS the media clock in samples since the
// stream began) into an SRTP packet in OUT (capacity CAP). Returns 0 with *OUT_LEN set;
// -EAGAIN before keys (counted in tx_dropped_before_keys: drop the frame); -EINVAL on an
// empty or oversize payload; -ENOBUFS when CAP is too small; -EIO when SRTP failed.
int sc_media_send_audio(struct sc_media_session *s, const uint8_t *payload, size_t len,
			uint32_t ts, uint8_t *out, size_t cap, size_t *out_len);

// Wraps one RFC 4733 telephone-event payload like an audio frame (same SSRC, sequence
// numbers, timestamp origin, SRTP context and key gate) but with its own PAYLOAD_TYPE (0..127)
// and MARKER (set on an event's first packet, RFC 4733 §2.5.1.1). TS: the event's start on
// the media clock. Same returns as sc_media_send_audio.
int sc_media_send_event(struct sc_media_session *s, uint8_t payload_type, bool marker,
			const uint8_t *payload, size_t len, uint32_t ts, uint8_t *out, size_t cap,
			size_t *out_len);

// Builds our SRTCP compound (SR or RR, SDES CNAME, and BYE when BYE_REASON is non-NULL: ""
// for none, e.g. "hang-up") into OUT. MEDIA_TS is the media clock now, as in send_audio.
// Same returns as sc_media_send_audio (-EAGAIN counted in tx_rtcp_dropped_before_keys).
int sc_media_send_rtcp(struct sc_media_session *s, uint64_t now_ntp, uint32_t media_ts,
		       const char *bye_reason, uint8_t *out, size_t cap, size_t *out_len);

// Handles one datagram from the media port, decrypting BUF in place. Returns 0 with OUT
// describing what it was (drops are counted and never an error), or -EINVAL on NULL args.
int sc_media_receive(struct sc_media_session *s, uint8_t *buf, size_t len, uint64_t now_ntp,
		     struct sc_media_rx *out);

// Milliseconds until the next RTCP report (RFC 3550 §6.3, two parties); FIRST before the
// first one. 0 or the RNG's error.
int sc_media_rtcp_interval_ms(const struct sc_media_session *s, bool first, uint32_t *ms);

void sc_media_get_stats(const struct sc_media_session *s, struct sc_media_stats *out);

// For tests: libsrtp's rollover counters (see sc_srtp_tx_roc).
int sc_media_srtp_rocs(const struct sc_media_session *s, uint32_t *tx_roc, uint32_t *rx_roc);

#endif
