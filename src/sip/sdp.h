// SPDX-License-Identifier: GPL-3.0-or-later
// SDP (RFC 4566) for one audio stream, and offer/answer (RFC 3264) with the keying the
// appliance requires: a=zrtp-hash (RFC 6189 §8.1) binds ZRTP to the signaling, a=crypto
// (SDES) is detected so that the UA can refuse it.
// Parsed descriptions are plain structs with copied, bounded strings.
#ifndef SC_SIP_SDP_H
#define SC_SIP_SDP_H

#include "policy/policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_SDP_MAX_LINES 128   // lines in one description
#define SC_SDP_MAX_LINE 1024   // bytes in one line
#define SC_SDP_MAX_MEDIA 8     // m= lines
#define SC_SDP_MAX_FORMATS 32  // payload types kept from one m= line (more are ignored)
#define SC_SDP_MAX_ZRTP_HASH 4 // a=zrtp-hash lines (one per ZRTP version)

#define SC_SDP_PT_PCMU 0
#define SC_SDP_PT_PCMA 8
#define SC_SDP_PT_OPUS 96
// telephone-event (RFC 4733) runs at the clock of the audio codec beside it (§2.1): /8000
// beside G.711 always, and /48000 beside Opus when Opus is offered (as Linphone does).
#define SC_SDP_PT_TELEPHONE_EVENT 101
#define SC_SDP_PT_TELEPHONE_EVENT_48K 102
// What we ask for in our Opus a=fmtp (RFC 7587 §6.1): at most 48 kbit/s on average (what the
// media layer sends: speech coded at 24 kbit/s in packets padded to one size, see
// src/audio/opus_codec.h), and in-band FEC, which our decoder uses for losses.
#define SC_SDP_OPUS_FMTP "maxaveragebitrate=48000; useinbandfec=1"

enum sc_sdp_direction { SC_SDP_SENDRECV, SC_SDP_SENDONLY, SC_SDP_RECVONLY, SC_SDP_INACTIVE };

struct sc_sdp_addr {
	int family;     // AF_INET, AF_INET6; 0 for a domain name
	char addr[254]; // as written
};

struct sc_sdp_format {
	uint8_t pt;
	bool has_rtpmap;
	char encoding[32]; // from a=rtpmap, or the static name for 0 and 8
	uint32_t clock_rate;
	uint8_t channels;
	char fmtp[256]; // "" when none
};

struct sc_sdp_zrtp_hash {
	char version[16]; // "1.10"
	char hash[65];    // 64 hex digits (SHA-256 of the Hello message)
};

struct sc_sdp_media {
	char type[16]; // "audio", "video", ...
	uint16_t port;
	char proto[32];     // "RTP/AVP"
	char fmt_list[128]; // the formats as written, to echo in a rejection
	struct sc_sdp_format formats[SC_SDP_MAX_FORMATS];
	size_t n_formats;
	bool has_connection;
	struct sc_sdp_addr connection;
	bool has_direction;
	enum sc_sdp_direction direction;
	uint32_t ptime; // 0 when absent
	struct sc_sdp_zrtp_hash zrtp_hash[SC_SDP_MAX_ZRTP_HASH];
	size_t n_zrtp_hash;
	bool has_crypto; // a=crypto (SDES keys in the signaling)
	bool rtcp_mux;      // a=rtcp-mux (RFC 5761): RTCP shares the RTP port
	uint16_t rtcp_port; // a=rtcp (RFC 3605): where this side receives RTCP; 0 when absent
};

struct sc_sdp {
	char origin_user[64];
	uint64_t session_id, session_version;
	struct sc_sdp_addr origin;
	char session_name[64];
	bool has_connection;
	struct sc_sdp_addr connection;
	bool has_direction;
	enum sc_sdp_direction direction;
	struct sc_sdp_zrtp_hash zrtp_hash[SC_SDP_MAX_ZRTP_HASH]; // session level
	size_t n_zrtp_hash;
	bool has_crypto;
	struct sc_sdp_media media[SC_SDP_MAX_MEDIA];
	size_t n_media;
};

// Parses TEXT[0..LEN). Returns 0, or -EBADMSG with WHY ("SDP line 4: malformed m= line").
// Lines end in CRLF or, tolerated, LF alone.
int sc_sdp_parse(const char *text, size_t len, struct sc_sdp *out, char *why, size_t why_len);
// Writes SDP; returns its length, -ENOBUFS, -EINVAL (text that would break a line) or
// -EMSGSIZE (more lines than SC_SDP_MAX_LINES).
int sc_sdp_write(const struct sc_sdp *sdp, char *buf, size_t cap);

// Effective attributes of media M (media level over session level).
enum sc_sdp_direction sc_sdp_media_direction(const struct sc_sdp *sdp, const struct sc_sdp_media *m);
const struct sc_sdp_addr *sc_sdp_media_connection(const struct sc_sdp *sdp, const struct sc_sdp_media *m);
size_t sc_sdp_media_zrtp_hashes(const struct sc_sdp *sdp, const struct sc_sdp_media *m,
				const struct sc_sdp_zrtp_hash **hashes);
// The first m=audio over RTP/AVP or RTP/SAVP with a port; -1 when none.
int sc_sdp_audio_index(const struct sc_sdp *sdp);

enum sc_sdp_codec { SC_SDP_CODEC_UNKNOWN, SC_SDP_CODEC_PCMU, SC_SDP_CODEC_PCMA, SC_SDP_CODEC_OPUS,
		    SC_SDP_CODEC_TELEPHONE_EVENT };
enum sc_sdp_codec sc_sdp_format_codec(const struct sc_sdp_format *f);

// The value of parameter NAME (case-insensitive) in an a=fmtp parameter list such as
// "maxaveragebitrate=20000; useinbandfec=1": 0 with *VALUE, -ENOENT when it is absent,
// -EINVAL when its value is not a decimal number of at most 32 bits.
int sc_sdp_fmtp_u32(const char *fmtp, const char *name, uint32_t *value);

// What this side puts in its offers and answers.
struct sc_sdp_local {
	uint64_t session_id, session_version;
	struct sc_sdp_addr address; // c= and o=: the tunnel address
	uint16_t rtp_port;
	enum sc_codec codecs[SC_MAX_LIST]; // preference order from the policy
	size_t n_codecs;
	uint32_t ptime_ms;
	bool telephone_event;
	enum sc_sdp_direction direction; // sendrecv, or sendonly to hold
	bool has_zrtp_hash;
	struct sc_sdp_zrtp_hash zrtp_hash;
	bool rtcp_mux; // offer a=rtcp-mux, and accept it when offered
};

int sc_sdp_make_offer(const struct sc_sdp_local *local, struct sc_sdp *offer);

// What came out of a negotiation, for the media layer.
struct sc_sdp_result {
	int audio_index;       // -1 when no usable audio stream
	bool accepted;         // the audio stream is active (port != 0 on both sides)
	char reason[96];       // why not, when !accepted
	struct sc_sdp_format codec; // the codec to send: first common one
	// telephone-event at the chosen codec's clock (RFC 4733 §2.1); -1 and 0 when the peer
	// offered or kept none at that rate (DTMF cannot be sent then).
	int telephone_event_pt;
	uint32_t telephone_event_rate;
	enum sc_sdp_direction local_direction; // what this side does
	struct sc_sdp_addr remote_addr;
	uint16_t remote_port;
	uint32_t remote_ptime;
	size_t n_remote_zrtp_hash;
	struct sc_sdp_zrtp_hash remote_zrtp_hash[SC_SDP_MAX_ZRTP_HASH];
	bool remote_has_crypto;
	// RTCP: both sides agreed on a=rtcp-mux, and where the peer receives RTCP: its RTP port
	// when muxed, else its a=rtcp port, else its RTP port + 1 (RFC 3550 §11). A peer that
	// did not agree to mux takes RTCP on its RTP port for RTP and fails it (Linphone does).
	bool rtcp_mux;
	uint16_t remote_rtcp_port;
};

// RFC 3264 §6: an answer with one m= line per offered one. The audio stream takes the
// codecs both sides support, in the offerer's order (so Opus is chosen when the offerer lists
// it first and we have it), with the offerer's payload numbers; the answer's a=fmtp for Opus
// is ours (what we want to receive), result->codec keeps the offerer's. Of the offered
// telephone-events it keeps the first whose clock rate is the chosen codec's (RFC 4733 §2.1).
// The direction is reversed and limited by LOCAL's; streams we cannot take get port 0.
int sc_sdp_make_answer(const struct sc_sdp *offer, const struct sc_sdp_local *local,
		       struct sc_sdp *answer, struct sc_sdp_result *result);
// Checks an answer against the offer we sent (RFC 3264 §5, §6): same m= lines, codecs among
// those offered; a telephone-event counts only at the clock rate of the codec chosen. Returns 0 with RESULT, or -EPROTO with result->reason.
int sc_sdp_read_answer(const struct sc_sdp *offer, const struct sc_sdp *answer,
		       struct sc_sdp_result *result);

// How the keying of the audio stream changed between two descriptions from one peer; a
// re-INVITE with anything but SAME gets 488 (DESIGN.md invariant 5).
enum sc_sdp_keying_change {
	SC_SDP_KEYING_SAME,
	SC_SDP_KEYING_REMOVED,    // a=zrtp-hash gone
	SC_SDP_KEYING_CHANGED,    // a different a=zrtp-hash
	SC_SDP_KEYING_ADDED,      // a=zrtp-hash where there was none
	SC_SDP_KEYING_SDES_ADDED, // a=crypto appeared
};
enum sc_sdp_keying_change sc_sdp_keying_compare(const struct sc_sdp *before, const struct sc_sdp *after);
const char *sc_sdp_keying_change_name(enum sc_sdp_keying_change c);

#endif
