// SPDX-License-Identifier: GPL-3.0-or-later
// The userspace backend: one wireguard-go child per interface, started in the foreground
// so the daemon owns it, with its PID in RUNTIME_DIR/IF.wg-go.pid for crash recovery.
#ifndef SC_VPN_WG_GO_H
#define SC_VPN_WG_GO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

// wireguard-go and wg meet at this socket; the folder is shared by every namespace.
#define SC_WG_UAPI_DIR "/var/run/wireguard"

void sc_wggo_socket_path(const char *ifname, char *out, size_t len);
void sc_wggo_pid_path(const char *runtime_dir, const char *ifname, char *out, size_t len);

// Stops a wireguard-go that a crashed daemon left for IFNAME (found through the PID file,
// and only if that PID still is wireguard-go for this interface), then removes the PID file
// and a leftover UAPI socket. Returns whether anything was cleaned up.
bool sc_wggo_recover(const char *runtime_dir, const char *ifname);

// Starts `wireguard-go -f IFNAME` and waits (about 3 s at most) for its UAPI socket.
// On failure logs the cause and the fix, leaves nothing running, returns a negative errno.
int sc_wggo_start(const char *wireguard_go, const char *runtime_dir, const char *ifname,
		  pid_t *pid);

// Stops the child PID (SIGTERM, then SIGKILL after about 3 s), reaps it unless
// ALREADY_REAPED, and removes its PID file and socket.
void sc_wggo_stop(pid_t pid, bool already_reaped, const char *runtime_dir, const char *ifname);

#endif
