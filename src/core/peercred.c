// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/peercred.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

bool sc_peer_allowed(const struct sc_peer_identity *id, bool have_group, gid_t allowed_gid)
{
	if (id->uid == 0)
		return true;
	if (!have_group)
		return false;
	if (id->gid == allowed_gid)
		return true;
	for (size_t i = 0; i < id->n_groups; i++)
		if (id->groups[i] == allowed_gid)
			return true;
	return false;
}

int sc_parse_proc_groups(const char *status_text, gid_t *out, size_t max, size_t *n,
			 bool *truncated)
{
	*n = 0;
	*truncated = false;
	const char *line = status_text;
	while (line && strncmp(line, "Groups:", 7) != 0) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!line)
		return -EINVAL;
	const char *p = line + 7;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\0')
			return 0;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned long long v = 0;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (unsigned long long)(*p - '0');
			if (v > (gid_t)-1)
				return -EINVAL;
			p++;
		}
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\0')
			return -EINVAL;
		if (*n < max)
			out[(*n)++] = (gid_t)v;
		else
			*truncated = true;
	}
}

static int groups_from_proc(struct sc_peer_identity *id)
{
	char path[64], text[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)id->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len < sizeof(text) - 1) {
		ssize_t got = read(fd, text + len, sizeof(text) - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	text[len] = '\0';
	return sc_parse_proc_groups(text, id->groups, SC_PEER_GROUPS_MAX, &id->n_groups,
				    &id->groups_truncated);
}

int sc_peer_identity_read(int fd, struct sc_peer_identity *id)
{
	memset(id, 0, sizeof(*id));
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	id->pid = cred.pid;
	id->uid = cred.uid;
	id->gid = cred.gid;
#ifdef SO_PEERGROUPS
	socklen_t glen = sizeof(id->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, id->groups, &glen) == 0) {
		id->n_groups = glen / sizeof(gid_t);
		return 0;
	}
	if (errno == ERANGE) {
		// More groups than we keep: a member of hundreds of groups is checked on the first
		// SC_PEER_GROUPS_MAX only, and is told so in the log by the caller.
		id->groups_truncated = true;
		gid_t *all = malloc(glen);
		if (!all)
			return -ENOMEM;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, all, &glen) == 0) {
			size_t total = glen / sizeof(gid_t);
			id->n_groups = total < SC_PEER_GROUPS_MAX ? total : SC_PEER_GROUPS_MAX;
			memcpy(id->groups, all, id->n_groups * sizeof(gid_t));
			id->groups_truncated = total > SC_PEER_GROUPS_MAX;
			free(all);
			return 0;
		}
		free(all);
	}
#endif
	// Older kernels: the peer's current groups, read by PID (good enough for a local client
	// that is still connected and waiting for its answer).
	return groups_from_proc(id);
}
