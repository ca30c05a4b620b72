// SPDX-License-Identifier: GPL-3.0-or-later
// The appliance's state as the operator and systemd see it, computed from facts the daemon
// feeds in (tunnel up, how many peers are up, the time). Pure: no clock, no I/O, no logging;
// each call reports at most one transition, with its reason, for the caller to log once.
//
//   starting -> tunnel-up        the interface is configured, handshakes are awaited
//   tunnel-up -> ready           every peer up
//   tunnel-up -> degraded        20 s passed without every peer up, or the tunnel went down
//   ready <-> degraded           peers go stale or come back, the tunnel goes down or up
//   any -> stopping -> stopped   shutdown
#ifndef SC_CORE_APPLIANCE_H
#define SC_CORE_APPLIANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_APPLIANCE_PEER_GRACE_MS 20000u
#define SC_APPLIANCE_REASON_MAX 160

enum sc_appliance_state {
	SC_APPLIANCE_STARTING,
	SC_APPLIANCE_TUNNEL_UP,
	SC_APPLIANCE_READY,
	SC_APPLIANCE_DEGRADED,
	SC_APPLIANCE_STOPPING,
	SC_APPLIANCE_STOPPED,
};

struct sc_appliance_inputs {
	bool tunnel_up;
	size_t peers_total, peers_up;
	// Optional details for the reason text: why the tunnel is down, and the first stale peer
	// as "lyon (no handshake yet)".
	const char *tunnel_detail;
	const char *stale_detail;
};

struct sc_appliance_transition {
	enum sc_appliance_state from, to;
	char reason[SC_APPLIANCE_REASON_MAX];
};

struct sc_appliance {
	enum sc_appliance_state state;
	uint64_t since_ms;        // when the current state was entered
	uint64_t tunnel_up_ms;    // when tunnel-up was entered, for the grace period
	bool in_service;          // ready or degraded reached at least once
	char reason[SC_APPLIANCE_REASON_MAX]; // why the current state was entered
};

void sc_appliance_init(struct sc_appliance *a, uint64_t now_ms);
// Applies the facts; returns true and fills *T when the state changed. At most one transition
// a call: call again until it returns false (starting can go to tunnel-up, then to ready).
bool sc_appliance_update(struct sc_appliance *a, const struct sc_appliance_inputs *in,
			 uint64_t now_ms, struct sc_appliance_transition *t);
// Shutdown begins (from any state but stopping/stopped) and ends.
bool sc_appliance_stop(struct sc_appliance *a, const char *why, uint64_t now_ms,
		       struct sc_appliance_transition *t);
bool sc_appliance_stopped(struct sc_appliance *a, const char *why, uint64_t now_ms,
			  struct sc_appliance_transition *t);

const char *sc_appliance_state_name(enum sc_appliance_state s);
// "state: tunnel-up -> ready (all 2 peers up)"
void sc_appliance_transition_format(const struct sc_appliance_transition *t, char *buf,
				    size_t len);

#endif
