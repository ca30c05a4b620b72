// SPDX-License-Identifier: GPL-3.0-or-later
// The WireGuard tunnel: brought up before any other socket, watched, torn down.
// Configured through wireguard-tools (`wg`), so the kernel module and wireguard-go are
// driven the same way; the private key goes to `wg` through a pipe, never argv or environ.
#ifndef SC_VPN_VPN_H
#define SC_VPN_VPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"

struct sc_vpn;

struct sc_vpn_options {
	const char *runtime_dir;   // where the wireguard-go PID file lives (/run/sealcall)
	const char *wg_path;       // "wg" unless overridden for tests
	const char *wireguard_go_path; // "wireguard-go" unless overridden
	const char *ip_path;       // "ip" unless overridden (if the implementation uses iproute2)
};

struct sc_vpn_peer_status {
	char name[SC_NAME_MAX + 1];
	char endpoint[64];            // "198.18.0.2:51820" as WireGuard last saw it, "" if none
	int64_t last_handshake_age_s; // -1: never
	uint64_t rx_bytes, tx_bytes;
	bool up;                      // handshake fresh and received bytes still growing
	char reason[96];              // why stale: "no handshake yet", "handshake 200 s old", ...
};

// Recovers a stale interface left by a crash, then creates and configures the tunnel:
// interface (kernel or wireguard-go per policy), key, port, peers, address, MTU, routes to
// every allowed IP, and the kill switch. On failure everything made so far is undone and a
// message naming the cause and the fix has been logged. Returns 0 or a negative errno.
int sc_vpn_up(const struct sc_policy *policy, const struct sc_vpn_options *opts,
	      struct sc_vpn **out);

// Tears down everything sc_vpn_up made (interface, routes, kill switch, wireguard-go). Safe
// with NULL.
void sc_vpn_down(struct sc_vpn *vpn);

// Reads peer statistics and updates health; NOW_S is a monotonic clock in seconds (the
// caller's, so that tests can drive it). Returns 0, or a negative errno when the interface
// is gone. *CHANGED is set when any peer went up or stale.
int sc_vpn_poll(struct sc_vpn *vpn, uint64_t now_s, bool *changed);

// The same poll without blocking the caller: start runs `wg show dump` in a worker thread
// (-EBUSY while one runs, -ENODEV when the tunnel is down); poll_fd is readable once it has
// ended (-1 when none runs); finish applies it as sc_vpn_poll would (it waits only if called
// before poll_fd is readable). The daemon polls this way, because its loop also carries the
// headset's audio and must not wait for a process. sc_vpn_down waits for a running poll.
int sc_vpn_poll_start(struct sc_vpn *vpn);
int sc_vpn_poll_fd(const struct sc_vpn *vpn);
int sc_vpn_poll_finish(struct sc_vpn *vpn, uint64_t now_s, bool *changed);

const char *sc_vpn_backend_name(const struct sc_vpn *vpn); // "kernel" or "userspace"
const char *sc_vpn_interface(const struct sc_vpn *vpn);
size_t sc_vpn_peer_count(const struct sc_vpn *vpn);
int sc_vpn_peer_status(const struct sc_vpn *vpn, size_t index, struct sc_vpn_peer_status *out);
// True when the peer whose allowed IPs contain ADDR is up. Calls use this to refuse stale peers.
bool sc_vpn_address_is_up(const struct sc_vpn *vpn, int family, const uint8_t *addr);

// The wireguard-go child, or -1 with the kernel backend; the core's SIGCHLD handler calls
// sc_vpn_child_exited when it reaps this PID, so the tunnel is known to be down at once.
pid_t sc_vpn_child_pid(const struct sc_vpn *vpn);
void sc_vpn_child_exited(struct sc_vpn *vpn, int wait_status);

// The interface is up and configured (false after the wireguard-go child died).
bool sc_vpn_is_up(const struct sc_vpn *vpn);

#endif
