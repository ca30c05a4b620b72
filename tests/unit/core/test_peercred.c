// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/peercred.h"
#include "check.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

static void test_allowed(void)
{
	struct sc_peer_identity id = { .pid = 10, .uid = 0, .gid = 0 };
	CHECK(sc_peer_allowed(&id, false, 0));
	CHECK(sc_peer_allowed(&id, true, 990));

	id = (struct sc_peer_identity){ .pid = 10, .uid = 1000, .gid = 1000 };
	CHECK(!sc_peer_allowed(&id, false, 990));
	CHECK(!sc_peer_allowed(&id, true, 990));
	// Primary group.
	id.gid = 990;
	CHECK(sc_peer_allowed(&id, true, 990));
	// Without a sealcall group on the system, a gid that happens to match means nothing.
	CHECK(!sc_peer_allowed(&id, false, 990));
	// Supplementary group.
	id.gid = 1000;
	id.groups[0] = 24;
	id.groups[1] = 990;
	id.n_groups = 2;
	CHECK(sc_peer_allowed(&id, true, 990));
	id.n_groups = 1;
	CHECK(!sc_peer_allowed(&id, true, 990));
}

static void test_proc_groups(void)
{
	gid_t g[4];
	size_t n;
	bool truncated;
	CHECK_EQ_INT(sc_parse_proc_groups("Name:\tx\nUid:\t1000\nGroups:\t24 27 990 \nNgid:\t0\n", g,
					  4, &n, &truncated), 0);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(g[2], 990);
	CHECK(!truncated);
	CHECK_EQ_INT(sc_parse_proc_groups("Groups:\t\n", g, 4, &n, &truncated), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(sc_parse_proc_groups("Groups:\t1 2 3 4 5 6\n", g, 4, &n, &truncated), 0);
	CHECK_EQ_INT(n, 4);
	CHECK(truncated);
	CHECK_EQ_INT(sc_parse_proc_groups("Name:\tx\n", g, 4, &n, &truncated), -EINVAL);
	CHECK_EQ_INT(sc_parse_proc_groups("Groups:\t1 x2\n", g, 4, &n, &truncated), -EINVAL);
	CHECK_EQ_INT(sc_parse_proc_groups("Groups:\t12a\n", g, 4, &n, &truncated), -EINVAL);
	CHECK_EQ_INT(sc_parse_proc_groups("Groups:\t99999999999\n", g, 4, &n, &truncated), -EINVAL);
	// "XGroups:" is not the line.
	CHECK_EQ_INT(sc_parse_proc_groups("XGroups:\t1\n", g, 4, &n, &truncated), -EINVAL);
}

static void test_read_own_identity(void)
{
	int sv[2];
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct sc_peer_identity id;
	CHECK_EQ_INT(sc_peer_identity_read(sv[0], &id), 0);
	CHECK_EQ_INT(id.pid, getpid());
	CHECK_EQ_INT(id.uid, getuid());
	CHECK_EQ_INT(id.gid, getgid());
	gid_t mine[SC_PEER_GROUPS_MAX];
	int n = getgroups(SC_PEER_GROUPS_MAX, mine);
	CHECK(n >= 0);
	CHECK_EQ_INT(id.n_groups, n);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	test_allowed();
	test_proc_groups();
	test_read_own_identity();
	return check_done();
}
