// SPDX-License-Identifier: GPL-3.0-or-later
// Who may use the control socket: root, or a member of the `sealcall` group (as primary or
// supplementary group). The socket file's mode already keeps others out; this check holds
// even if the file's mode or group were changed by hand.
#ifndef SC_CORE_PEERCRED_H
#define SC_CORE_PEERCRED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SC_PEER_GROUPS_MAX 256

struct sc_peer_identity {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	gid_t groups[SC_PEER_GROUPS_MAX];
	size_t n_groups;
	bool groups_truncated;
};

// HAVE_GROUP false: no `sealcall` group exists on this system, so only root is allowed.
bool sc_peer_allowed(const struct sc_peer_identity *id, bool have_group, gid_t allowed_gid);

// Parses the "Groups:" line of /proc/PID/status text into OUT. Returns 0 (with *N set, and
// *TRUNCATED when more than MAX were listed) or -EINVAL when the line is missing or malformed.
int sc_parse_proc_groups(const char *status_text, gid_t *out, size_t max, size_t *n,
			 bool *truncated);

// Reads the connected peer's credentials: SO_PEERCRED, then its supplementary groups with
// SO_PEERGROUPS (as they were at connect time), else from /proc/PID/status.
int sc_peer_identity_read(int fd, struct sc_peer_identity *id);

#endif
