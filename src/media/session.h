// SPDX-License-Identifier: GPL-3.0-or-later
// The state of one RTP session (RFC 3550), a pure unit: random identifiers from an injected
// RNG, time only as arguments, no crypto and no I/O. It numbers what we send (sequence,
// rollover counter, timestamp), keeps receiver statistics for the peer's stream (A.3 loss,
// A.8 jitter), and derives the round trip from SR/RR (§6.4.1). media.c feeds it only packets
// that SRTP has authenticated.
//
// Times are NTP 32.32 fixed-point seconds ("now_ntp") from a clock that does not jump; only
// differences matter, except in the SR's NTP field.
#ifndef SC_MEDIA_SESSION_H
#define SC_MEDIA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/rtcp.h"
#include "media/rtp.h"

#define SC_RTP_CNAME_MAX SC_RTCP_MAX_TEXT

// Fills BUF with LEN random bytes; returns 0 or a negative errno.
struct sc_rtp_rng {
	int (*fill)(void *ctx, void *buf, size_t len);
	void *ctx;
};

struct sc_rtp_session_config {
	uint8_t payload_type; // 0 PCMU, 8 PCMA, the negotiated dynamic type for Opus
	uint32_t clock_rate;  // 8000 for G.711, 48000 for Opus
	const char *cname;    // SDES CNAME, 1..255 bytes
	// Tests only: start at FIRST_SEQ instead of a random number below 2^15, e.g. just
	// before the wrap. The RNG is drawn all the same, so SSRC and timestamp do not change.
	bool fixed_first_seq;
	uint16_t first_seq;
};

// The peer's stream as we receive it.
struct sc_rtp_source {
	bool active;
	uint32_t ssrc;
	uint16_t max_seq;          // s_l of RFC 3711 §3.3.1
	uint32_t roc;              // rollover count of max_seq
	uint64_t base_ext;         // lowest extended sequence number seen
	uint64_t received;         // authenticated packets (duplicates never get this far)
	uint64_t expected_prior, received_prior; // at the last report we built (A.3)
	uint8_t last_fraction;     // what that report said
	uint32_t jitter_q4;        // A.8 estimate in timestamp units, times 16
	uint32_t last_transit;
	bool have_transit;
};

struct sc_rtp_session {
	uint8_t payload_type;
	uint32_t clock_rate;
	char cname[SC_RTP_CNAME_MAX + 1];
	uint32_t ssrc;

	// sending
	uint16_t tx_seq;           // the next packet's sequence number
	uint32_t tx_roc;           // its rollover counter, as the SRTP sender keeps it
	uint32_t ts_base;          // random offset added to the caller's media clock
	bool tx_marker_pending;    // the first packet starts a talkspurt
	uint64_t tx_packets, tx_octets;

	// receiving
	struct sc_rtp_source rx;
	uint64_t ssrc_changes;

	// the peer's last SR, echoed as LSR/DLSR in our reports
	bool have_peer_sr;
	uint32_t peer_sr_lsr;
	uint64_t peer_sr_arrival_ntp;

	// what the peer's last report said about our stream
	bool have_peer_block;
	struct sc_rtcp_report_block peer_block;
	bool have_rtt;
	uint32_t rtt_q16;          // round trip in 1/65536 s
	bool peer_bye;
};

struct sc_rtp_stats {
	uint32_t local_ssrc, remote_ssrc;
	uint64_t tx_packets, tx_octets;
	uint32_t tx_roc, rx_roc;
	// our view of the peer's stream
	uint64_t rx_received, rx_expected;
	int64_t rx_lost;           // expected - received; negative only with duplicates
	uint8_t rx_fraction_lost;  // in the interval before our last report, 1/256
	double rx_jitter_ms;
	// the peer's view of ours, from its last report (valid when have_peer_report)
	bool have_peer_report;
	uint8_t peer_fraction_lost;
	int32_t peer_cumulative_lost;
	double peer_jitter_ms;
	double rtt_ms;             // -1 until an SR of ours has been answered
	uint64_t ssrc_changes;
};

// Picks SSRC, first sequence number and timestamp offset from RNG. Returns 0, -EINVAL on a
// clock rate of 0, a payload type over 127 or a CNAME that is empty or over 255 bytes, or
// the RNG's error.
int sc_rtp_session_init(struct sc_rtp_session *s, const struct sc_rtp_session_config *cfg,
			const struct sc_rtp_rng *rng);

// The header of the next packet for media clock MEDIA_TS (samples since the stream began).
// Changes nothing: sc_rtp_session_sent commits it.
void sc_rtp_session_next_header(const struct sc_rtp_session *s, uint32_t media_ts,
				struct sc_rtp_header *hdr);
// The header from next_header went to SRTP: its sequence number is used up (the ROC steps
// at the wrap) whether or not SENT, and the sender counts grow when SENT.
void sc_rtp_session_sent(struct sc_rtp_session *s, size_t payload_len, bool sent);

// RFC 3711 §3.3.1: the extended sequence number of SEQ given the highest one seen so far
// (MAX_SEQ with rollover count ROC). -1 when it would lie before the stream's start.
int64_t sc_rtp_estimate_index(uint16_t max_seq, uint32_t roc, uint16_t seq);

// An authenticated RTP packet arrived at NOW_NTP. Returns its extended sequence number.
// A new SSRC restarts the statistics.
uint64_t sc_rtp_session_received(struct sc_rtp_session *s, const struct sc_rtp_header *hdr,
				 uint64_t now_ntp);
// An authenticated RTCP compound arrived: remembers SR times, takes the report block about
// our SSRC and the round trip it implies, notes a BYE from the peer.
void sc_rtp_session_rtcp_received(struct sc_rtp_session *s, const struct sc_rtcp_info *info,
				  uint64_t now_ntp);

// Builds the plaintext compound we send: SR (or RR before we have sent anything) with a
// block about the peer once it has sent, SDES CNAME, then BYE when BYE_REASON is non-NULL
// ("" for a BYE without reason). MEDIA_TS is the media clock now, in the units of
// next_header. Returns 0, -ENOBUFS or -EINVAL.
int sc_rtp_session_build_rtcp(struct sc_rtp_session *s, uint64_t now_ntp, uint32_t media_ts,
			      const char *bye_reason, uint8_t *buf, size_t cap, size_t *len);

// RFC 3550 §6.3 for a two-party call: the 5 s minimum (half of it before the first report)
// times a random factor in [0.5, 1.5], divided by e - 3/2. Returns 0 or the RNG's error.
int sc_rtp_session_rtcp_interval_ms(const struct sc_rtp_rng *rng, bool first, uint32_t *ms);

void sc_rtp_session_stats(const struct sc_rtp_session *s, struct sc_rtp_stats *out);

// Middle 32 bits of an NTP time, the unit of LSR, DLSR and round trips.
static inline uint32_t sc_ntp_mid32(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}

// NTP fixed point from nanoseconds of any clock (e.g. CLOCK_MONOTONIC).
uint64_t sc_ntp_from_ns(uint64_t ns);

#endif
