// SPDX-License-Identifier: GPL-3.0-or-later
// RTCP (RFC 3550 §6): sender and receiver reports, SDES CNAME and BYE, built one after the
// other into a compound packet and parsed back with the validity checks of RFC 3550 A.2.
// Plaintext only; media.c turns every compound into SRTCP before it can leave.
#ifndef SC_MEDIA_RTCP_H
#define SC_MEDIA_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sc_rtcp_type {
	SC_RTCP_SR = 200,
	SC_RTCP_RR = 201,
	SC_RTCP_SDES = 202,
	SC_RTCP_BYE = 203,
	SC_RTCP_APP = 204,
};

#define SC_RTCP_MAX_BLOCKS 31  // five-bit report count
#define SC_RTCP_MAX_REPORTS 4  // SR/RR packets kept from one compound
#define SC_RTCP_MAX_TEXT 255   // SDES item and BYE reason lengths are one octet
#define SC_RTCP_SDES_CNAME 1

struct sc_rtcp_report_block {
	uint32_t ssrc;            // the source this block is about
	uint8_t fraction_lost;    // since the previous report, in 1/256
	int32_t cumulative_lost;  // 24-bit signed on the wire; negative with duplicates
	uint32_t ext_highest_seq; // rollover count << 16 | highest sequence number
	uint32_t jitter;          // interarrival jitter, timestamp units
	uint32_t lsr;             // middle 32 bits of the last SR's NTP time, 0 if none
	uint32_t dlsr;            // delay since that SR, 1/65536 s
};

struct sc_rtcp_sender_info {
	uint64_t ntp;             // 32.32 fixed point seconds
	uint32_t rtp_timestamp;   // the same instant on the media clock
	uint32_t packet_count;
	uint32_t octet_count;     // payload octets
};

struct sc_rtcp_report {
	bool is_sr;
	uint32_t ssrc;            // of the packet's sender
	struct sc_rtcp_sender_info sender; // SR only
	uint8_t n_blocks;
	struct sc_rtcp_report_block blocks[SC_RTCP_MAX_BLOCKS];
};

// What one compound packet said. Strings are NUL-terminated and have every byte outside
// printable ASCII replaced by '?', so they can be logged and shown as they are.
struct sc_rtcp_info {
	unsigned n_reports;
	struct sc_rtcp_report reports[SC_RTCP_MAX_REPORTS];
	bool has_cname;
	uint32_t cname_ssrc;
	char cname[SC_RTCP_MAX_TEXT + 1];
	bool has_bye;
	uint8_t n_bye_ssrc;
	uint32_t bye_ssrc[SC_RTCP_MAX_BLOCKS];
	char bye_reason[SC_RTCP_MAX_TEXT + 1];
	unsigned n_packets;       // packets in the compound
	unsigned n_ignored;       // APP, feedback, XR, unknown types, reports beyond the max
};

// Parses a plaintext compound packet. Returns 0, or -EBADMSG when it breaks RFC 3550 A.2:
// length not a multiple of 4, first packet not an unpadded SR or RR, a version other than
// 2, a length field running past the end, padding anywhere but in the last packet, or a
// report, SDES chunk or BYE longer than its packet.
int sc_rtcp_parse(const uint8_t *buf, size_t len, struct sc_rtcp_info *out);

// Writers append one packet at *OFF in BUF (capacity CAP) and advance *OFF. Each returns 0,
// -ENOBUFS when the packet does not fit (nothing written), or -EINVAL on bad arguments:
// more than 31 blocks, a CNAME that is empty or over 255 bytes, a reason over 255 bytes.
int sc_rtcp_write_sr(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
		     const struct sc_rtcp_sender_info *sender,
		     const struct sc_rtcp_report_block *blocks, unsigned n_blocks);
int sc_rtcp_write_rr(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
		     const struct sc_rtcp_report_block *blocks, unsigned n_blocks);
int sc_rtcp_write_sdes_cname(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc,
			     const char *cname);
// REASON may be NULL or "" for none.
int sc_rtcp_write_bye(uint8_t *buf, size_t cap, size_t *off, uint32_t ssrc, const char *reason);

// RFC 5761 §4: with RTP and RTCP on one port, a second octet in 192..223 is RTCP.
bool sc_rtcp_looks_like_rtcp(const uint8_t *buf, size_t len);

#endif
