// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/rtnl.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// One request: the fixed header and its attributes; nothing the tunnel sends is larger.
struct nl_req {
	union {
		struct nlmsghdr hdr;
		char data[1024];
	};
};

// Called for every reply message; returns 0 to go on or a negative errno to stop.
typedef int (*nl_reply_fn)(const struct nlmsghdr *msg, void *ctx);

static uint32_t next_seq;

int sc_rtnl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	// Extended acks would only add text; errno is what we report.
	return fd;
}

void sc_rtnl_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void *req_start(struct nl_req *r, uint16_t type, uint16_t flags, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->hdr.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	r->hdr.nlmsg_type = type;
	r->hdr.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	return NLMSG_DATA(&r->hdr);
}

static struct rtattr *req_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(r->hdr.nlmsg_len);
	if (at + RTA_SPACE(len) > sizeof(r->data))
		return NULL; // callers only add a handful of small attributes
	struct rtattr *a = (struct rtattr *)(r->data + at);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->hdr.nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
	return a;
}

static void req_nest_end(struct nl_req *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((r->data + r->hdr.nlmsg_len) - (char *)nest);
}

// Sends R and feeds every reply to FN until the kernel's ack (or error) for a plain
// request, or NLMSG_DONE for a dump.
static int nl_talk(int fd, struct nl_req *r, nl_reply_fn fn, void *ctx)
{
	bool dump = (r->hdr.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (!dump)
		r->hdr.nlmsg_flags |= NLM_F_ACK;
	r->hdr.nlmsg_seq = ++next_seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, r, r->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	size_t cap = 32768;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	int rc = 0;
	bool stopped = false; // FN failed: keep reading to the end so the socket stays in step
	for (;;) {
		ssize_t got = recv(fd, buf, cap, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		for (struct nlmsghdr *m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)got);
		     m = NLMSG_NEXT(m, got)) {
			if (m->nlmsg_seq != r->hdr.nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				goto out;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(m);
				if (!stopped)
					rc = e->error;
				goto out;
			}
			if (fn && !stopped) {
				int frc = fn(m, ctx);
				if (frc != 0) {
					rc = frc;
					stopped = true;
				}
			}
		}
	}
out:
	free(buf);
	return rc;
}

static size_t family_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

int sc_rtnl_link_add_wireguard(int fd, const char *ifname)
{
	struct nl_req r;
	req_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	req_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	struct rtattr *info = req_attr(&r, IFLA_LINKINFO, NULL, 0);
	req_attr(&r, IFLA_INFO_KIND, "wireguard", strlen("wireguard"));
	req_nest_end(&r, info);
	return nl_talk(fd, &r, NULL, NULL);
}

int sc_rtnl_link_del(int fd, const char *ifname)
{
	unsigned index = if_nametoindex(ifname);
	if (index == 0)
		return -ENODEV;
	struct nl_req r;
	struct ifinfomsg *ifi = req_start(&r, RTM_DELLINK, 0, sizeof(*ifi));
	ifi->ifi_index = (int)index;
	return nl_talk(fd, &r, NULL, NULL);
}

int sc_rtnl_link_up(int fd, int ifindex, unsigned mtu)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_start(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (mtu) {
		uint32_t m = mtu;
		req_attr(&r, IFLA_MTU, &m, sizeof(m));
	}
	return nl_talk(fd, &r, NULL, NULL);
}

int sc_rtnl_addr_add(int fd, int ifindex, const struct sc_prefix *addr)
{
	struct nl_req r;
	struct ifaddrmsg *ifa =
		req_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)addr->family;
	ifa->ifa_prefixlen = addr->prefix_len;
	ifa->ifa_index = (unsigned)ifindex;
	// Duplicate address detection would keep a tunnel address unusable for a second or
	// two, and a WireGuard link has no neighbours to detect anyway.
	if (addr->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	req_attr(&r, IFA_LOCAL, addr->addr, family_len(addr->family));
	req_attr(&r, IFA_ADDRESS, addr->addr, family_len(addr->family));
	return nl_talk(fd, &r, NULL, NULL);
}

// The network part of a prefix: the kernel refuses routes with host bits set.
static void prefix_network(const struct sc_prefix *p, uint8_t out[16])
{
	size_t n = family_len(p->family);
	memset(out, 0, 16);
	for (size_t i = 0; i < n; i++) {
		int bits = (int)p->prefix_len - (int)(i * 8);
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		out[i] = p->addr[i] & mask;
	}
}

static int route_request(int fd, int cmd, const struct sc_prefix *dst, unsigned char type,
			 int oif, uint32_t metric)
{
	struct nl_req r;
	uint16_t flags = cmd == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	struct rtmsg *rt = req_start(&r, (uint16_t)cmd, flags, sizeof(*rt));
	rt->rtm_family = (unsigned char)dst->family;
	rt->rtm_dst_len = dst->prefix_len;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = SC_RTPROT_SEALCALL;
	rt->rtm_type = type;
	if (cmd == RTM_DELROUTE)
		rt->rtm_scope = RT_SCOPE_NOWHERE; // "any scope" when deleting
	else
		rt->rtm_scope = type == RTN_UNICAST ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	uint8_t net[16];
	prefix_network(dst, net);
	req_attr(&r, RTA_DST, net, family_len(dst->family));
	if (oif > 0) {
		uint32_t o = (uint32_t)oif;
		req_attr(&r, RTA_OIF, &o, sizeof(o));
	}
	if (metric)
		req_attr(&r, RTA_PRIORITY, &metric, sizeof(metric));
	return nl_talk(fd, &r, NULL, NULL);
}

int sc_rtnl_route_dev(int fd, bool add, const struct sc_prefix *dst, int oif)
{
	return route_request(fd, add ? RTM_NEWROUTE : RTM_DELROUTE, dst, RTN_UNICAST, oif, 0);
}

int sc_rtnl_route_unreachable(int fd, bool add, const struct sc_prefix *dst)
{
	return route_request(fd, add ? RTM_NEWROUTE : RTM_DELROUTE, dst, RTN_UNREACHABLE, 0,
			     SC_KILLSWITCH_METRIC);
}

struct route_info {
	unsigned char family, dst_len, type, protocol;
	uint32_t table, priority;
	int oif;
	unsigned mtu;
	uint8_t dst[16];
};

static void parse_route(const struct nlmsghdr *m, struct route_info *ri)
{
	const struct rtmsg *rt = NLMSG_DATA(m);
	memset(ri, 0, sizeof(*ri));
	ri->family = rt->rtm_family;
	ri->dst_len = rt->rtm_dst_len;
	ri->type = rt->rtm_type;
	ri->protocol = rt->rtm_protocol;
	ri->table = rt->rtm_table;
	int len = (int)RTM_PAYLOAD(m);
	for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t alen = RTA_PAYLOAD(a);
		switch (a->rta_type) {
		case RTA_DST:
			if (alen <= sizeof(ri->dst))
				memcpy(ri->dst, RTA_DATA(a), alen);
			break;
		case RTA_TABLE:
			if (alen == 4)
				memcpy(&ri->table, RTA_DATA(a), 4);
			break;
		case RTA_PRIORITY:
			if (alen == 4)
				memcpy(&ri->priority, RTA_DATA(a), 4);
			break;
		case RTA_OIF:
			if (alen == 4)
				memcpy(&ri->oif, RTA_DATA(a), 4);
			break;
		case RTA_MULTIPATH:
			if (alen >= sizeof(struct rtnexthop) && ri->oif == 0)
				ri->oif = ((const struct rtnexthop *)RTA_DATA(a))->rtnh_ifindex;
			break;
		case RTA_METRICS: {
			int mlen = (int)alen;
			for (const struct rtattr *x = RTA_DATA(a); RTA_OK(x, mlen); x = RTA_NEXT(x, mlen))
				if (x->rta_type == RTAX_MTU && RTA_PAYLOAD(x) == 4)
					memcpy(&ri->mtu, RTA_DATA(x), 4);
			break;
		}
		default:
			break;
		}
	}
}

struct route_list {
	struct route_info *items;
	size_t count, cap;
};

static int collect_killswitch(const struct nlmsghdr *m, void *ctx)
{
	struct route_list *list = ctx;
	if (m->nlmsg_type != RTM_NEWROUTE)
		return 0;
	struct route_info ri;
	parse_route(m, &ri);
	if (ri.type != RTN_UNREACHABLE || ri.protocol != SC_RTPROT_SEALCALL ||
	    ri.table != RT_TABLE_MAIN)
		return 0;
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		struct route_info *grown = realloc(list->items, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = ri;
	return 0;
}

static int dump_routes(int fd, int family, nl_reply_fn fn, void *ctx)
{
	struct nl_req r;
	struct rtmsg *rt = req_start(&r, RTM_GETROUTE, NLM_F_DUMP, sizeof(*rt));
	rt->rtm_family = (unsigned char)family;
	return nl_talk(fd, &r, fn, ctx);
}

static bool kept(const struct route_info *ri, const struct sc_prefix *keep, size_t n_keep)
{
	for (size_t i = 0; i < n_keep; i++) {
		uint8_t net[16];
		prefix_network(&keep[i], net);
		if (keep[i].family == ri->family && keep[i].prefix_len == ri->dst_len &&
		    memcmp(net, ri->dst, family_len(ri->family)) == 0)
			return true;
	}
	return false;
}

int sc_rtnl_flush_killswitch(int fd, const struct sc_prefix *keep, size_t n_keep)
{
	int removed = 0, rc = 0;
	const int families[] = { AF_INET, AF_INET6 };
	for (size_t f = 0; f < 2; f++) {
		struct route_list list = { 0 };
		rc = dump_routes(fd, families[f], collect_killswitch, &list);
		// Deleting happens after the dump: requests may not interleave with its replies.
		for (size_t i = 0; rc == 0 && i < list.count; i++) {
			if (kept(&list.items[i], keep, n_keep))
				continue;
			struct sc_prefix p = { .family = list.items[i].family,
					       .prefix_len = list.items[i].dst_len };
			memcpy(p.addr, list.items[i].dst, sizeof(p.addr));
			int drc = sc_rtnl_route_unreachable(fd, false, &p);
			if (drc == 0)
				removed++;
			else if (drc != -ESRCH)
				rc = drc;
		}
		free(list.items);
		if (rc != 0 && !(families[f] == AF_INET6 && rc == -EAFNOSUPPORT))
			return rc;
		rc = 0;
	}
	return removed;
}

struct count_ctx {
	const struct sc_prefix *dst;
	bool unreachable;
	int count;
};

static int count_matching(const struct nlmsghdr *m, void *ctx)
{
	struct count_ctx *c = ctx;
	if (m->nlmsg_type != RTM_NEWROUTE)
		return 0;
	struct route_info ri;
	parse_route(m, &ri);
	uint8_t net[16];
	prefix_network(c->dst, net);
	if (ri.table == RT_TABLE_MAIN && ri.dst_len == c->dst->prefix_len &&
	    memcmp(ri.dst, net, family_len(c->dst->family)) == 0 &&
	    (ri.type == RTN_UNREACHABLE) == c->unreachable)
		c->count++;
	return 0;
}

int sc_rtnl_count_routes(int fd, const struct sc_prefix *dst, bool unreachable)
{
	struct count_ctx c = { .dst = dst, .unreachable = unreachable };
	int rc = dump_routes(fd, dst->family, count_matching, &c);
	return rc != 0 ? rc : c.count;
}

struct lookup_ctx {
	struct route_info best;
	bool found;
	bool want_default;
};

static int take_route(const struct nlmsghdr *m, void *ctx)
{
	struct lookup_ctx *l = ctx;
	if (m->nlmsg_type != RTM_NEWROUTE)
		return 0;
	struct route_info ri;
	parse_route(m, &ri);
	if (l->want_default && (ri.dst_len != 0 || ri.table != RT_TABLE_MAIN ||
				ri.type != RTN_UNICAST || ri.oif == 0))
		return 0;
	if (!l->found || ri.priority < l->best.priority) {
		l->best = ri;
		l->found = true;
	}
	return 0;
}

struct link_ctx {
	unsigned mtu;
	char name[IFNAMSIZ];
};

static int take_link(const struct nlmsghdr *m, void *ctx)
{
	struct link_ctx *l = ctx;
	if (m->nlmsg_type != RTM_NEWLINK)
		return 0;
	const struct ifinfomsg *ifi = NLMSG_DATA(m);
	int len = (int)IFLA_PAYLOAD(m);
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) == 4)
			memcpy(&l->mtu, RTA_DATA(a), 4);
		if (a->rta_type == IFLA_IFNAME && RTA_PAYLOAD(a) <= sizeof(l->name)) {
			memcpy(l->name, RTA_DATA(a), RTA_PAYLOAD(a));
			l->name[sizeof(l->name) - 1] = '\0';
		}
	}
	return 0;
}

static int lookup_one(int fd, int family, const uint8_t *addr, struct lookup_ctx *l)
{
	struct nl_req r;
	if (!addr) {
		l->want_default = true;
		return dump_routes(fd, family, take_route, l);
	}
	struct rtmsg *rt = req_start(&r, RTM_GETROUTE, 0, sizeof(*rt));
	rt->rtm_family = (unsigned char)family;
	rt->rtm_dst_len = (unsigned char)(family_len(family) * 8);
	req_attr(&r, RTA_DST, addr, family_len(family));
	return nl_talk(fd, &r, take_route, l);
}

int sc_rtnl_route_mtu(int fd, int family, const uint8_t *addr, unsigned *mtu, char *ifname)
{
	struct lookup_ctx l = { 0 };
	int rc = lookup_one(fd, family, addr, &l);
	if (rc == 0 && !l.found && !addr && family == AF_INET) {
		memset(&l, 0, sizeof(l));
		rc = lookup_one(fd, AF_INET6, NULL, &l);
	}
	if (rc != 0)
		return rc;
	if (!l.found || l.best.oif <= 0)
		return -ENETUNREACH;
	struct nl_req r;
	struct ifinfomsg *ifi = req_start(&r, RTM_GETLINK, 0, sizeof(*ifi));
	ifi->ifi_index = l.best.oif;
	struct link_ctx link = { 0 };
	rc = nl_talk(fd, &r, take_link, &link);
	if (rc != 0)
		return rc;
	*mtu = l.best.mtu ? l.best.mtu : link.mtu;
	if (ifname)
		memcpy(ifname, link.name, IFNAMSIZ);
	return *mtu ? 0 : -ENETUNREACH;
}
