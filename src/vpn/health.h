// SPDX-License-Identifier: GPL-3.0-or-later
// When a peer counts as up. A fresh handshake alone is not enough: WireGuard keeps
// reporting the last handshake as fresh for minutes after the peer died, so with
// keepalives on, the bytes received must also keep growing. Pure: time comes in as input.
#ifndef SC_VPN_HEALTH_H
#define SC_VPN_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// What is remembered about one peer between polls.
struct sc_vpn_health {
	bool seen;                 // at least one poll happened
	uint64_t rx_bytes;         // at the last poll
	uint64_t rx_since_s;       // monotonic time rx_bytes last grew (first poll: first seen)
	int64_t handshake;         // the last reported handshake (unix seconds)
	int64_t handshake_mono_s;  // that handshake on the monotonic clock (may be < 0)
};

struct sc_vpn_health_sample {
	uint64_t mono_now_s;       // the caller's monotonic clock
	int64_t wall_now_s;        // unix time, to read WireGuard's handshake timestamp
	int64_t latest_handshake;  // unix seconds, 0 = never
	uint64_t rx_bytes;
	uint32_t keepalive_s;      // the policy's persistent_keepalive (0 = off)
	uint32_t stale_after_s;    // the policy's stale_after
};

// Updates H with S and says whether the peer is up; when it is not, REASON gets why.
// *HANDSHAKE_AGE_S is -1 before the first handshake.
bool sc_vpn_health_eval(struct sc_vpn_health *h, const struct sc_vpn_health_sample *s,
			int64_t *handshake_age_s, char *reason, size_t reason_len);

// The grace for received bytes to grow: two keepalive intervals plus slack for jitter.
uint64_t sc_vpn_rx_window_s(uint32_t keepalive_s);

// The tunnel MTU when the policy says auto: the underlay route's MTU minus WireGuard's
// worst-case overhead (80 bytes: IPv6 40 + UDP 8 + WireGuard 32), never below IPv4's 576.
unsigned sc_vpn_auto_mtu(unsigned underlay_mtu);

#endif
