// SPDX-License-Identifier: GPL-3.0-or-later
// The text `wg setconf` reads: interface key and port, and one [Peer] section a peer.
// It holds the private key, so it lives only in wiped buffers and the pipe to `wg`.
#ifndef SC_VPN_WG_CONFIG_H
#define SC_VPN_WG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "vpn/spawn.h"

// Resolves a path from the policy: relative ones are relative to the policy file's folder.
int sc_wg_policy_path(const struct sc_policy *p, const char *path, char *out, size_t len);

// Reads a key file holding one base64 WireGuard key (as `wg genkey` and `wg genpsk` write
// it, trailing newline allowed). Refuses files group or others can read (-EPERM).
// Returns 0, -ENOENT..., -EPERM, or -EINVAL when it is not a base64 32-byte key.
int sc_wg_read_key_file(const char *path, uint8_t key[SC_WG_KEY_LEN]);

// The keys of one tunnel, wiped by sc_wg_keys_free.
struct sc_wg_keys {
	uint8_t private_key[SC_WG_KEY_LEN];
	uint8_t (*psk)[SC_WG_KEY_LEN]; // one a peer
	bool *has_psk;
	size_t n_peers;
};

// Loads the private key and every preshared key named by the policy; on failure logs the
// file, the cause and the fix.
int sc_wg_keys_load(const struct sc_policy *p, struct sc_wg_keys *keys);
void sc_wg_keys_free(struct sc_wg_keys *keys);

// Writes the `wg setconf` text for tunnel T into OUT (a wiped buffer).
int sc_wg_config_text(const struct sc_tunnel *t, const struct sc_wg_keys *keys, struct sc_buf *out);

// Formats an endpoint as wg wants it: "198.51.100.7:51820", "[2001:db8::1]:51820",
// "hub.example:51820".
int sc_wg_format_endpoint(const char *host, uint16_t port, char *out, size_t len);

// Replaces every run of 40 or more base64 characters in TEXT by "[key redacted]"-like
// stars, so a tool's error message can be logged even when it quotes a key.
void sc_wg_redact_keys(char *text);

// Runs `WG_PATH setconf IFNAME /dev/stdin` with TEXT on its stdin. On failure logs wg's
// message with anything key-like redacted, and returns a negative errno.
int sc_wg_setconf(const char *wg_path, const char *ifname, const struct sc_buf *text);

// Logs "WHAT failed (exit code N): first line of ERR", keys redacted.
void sc_wg_log_tool_error(const char *what, int status, struct sc_buf *err);

#endif
