// SPDX-License-Identifier: GPL-3.0-or-later
// Checks that span sections. They run only on sections that parsed without error, so the
// indices in struct sc_policy match the list positions in the tree.
#include <stdlib.h>
#include <string.h>

#include "policy/net.h"
#include "policy/sections.h"

static const struct pt_node *item(const struct pt_node *seq, size_t i)
{
	return seq && seq->kind == PT_SEQ && i < seq->n_items ? seq->items[i] : NULL;
}

struct owned_prefix {
	const struct sc_prefix *prefix;
	size_t peer, index;
};

static int compare_owned(const void *pa, const void *pb)
{
	const struct owned_prefix *a = pa, *b = pb;
	int c = net_prefix_compare(a->prefix, b->prefix);
	if (c)
		return c;
	if (a->peer != b->peer)
		return a->peer < b->peer ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static bool file_order_before(const struct owned_prefix *a, const struct owned_prefix *b)
{
	return a->peer < b->peer || (a->peer == b->peer && a->index < b->index);
}

static void report_overlap(struct pc_ctx *c, const struct pt_node *peers, const struct sc_policy *p,
			   const struct owned_prefix *x, const struct owned_prefix *y)
{
	const struct owned_prefix *first = file_order_before(x, y) ? x : y;
	const struct owned_prefix *later = first == x ? y : x;
	const struct pt_node *ips = pc_get(item(peers, later->peer), "allowed_ips");
	const struct pt_node *first_ips = pc_get(item(peers, first->peer), "allowed_ips");
	const struct pt_node *first_node = item(first_ips, first->index);
	char at[PC_PATH_LEN], base[PC_PATH_LEN], a[64], b[64];
	pc_path_index(base, "tunnel.peers", later->peer);
	pc_path(at, base, "allowed_ips");
	pc_path_index(base, at, later->index);
	pc_error(c, item(ips, later->index), base,
		 "%s overlaps %s of peer '%s' (tunnel.peers[%zu].allowed_ips[%zu], line %u); an address must route to exactly one peer, narrow or remove one of them",
		 sc_prefix_format(later->prefix, a, sizeof(a)), sc_prefix_format(first->prefix, b, sizeof(b)),
		 p->tunnel.peers[first->peer].name, first->peer, first->index,
		 first_node ? first_node->line : 0);
}

// Prefixes are nested or disjoint. Sorted by network address, shorter first, each one's
// enclosing prefixes form a chain kept on a stack: O(n log n) for 1024 peers x 64 prefixes.
void cross_check_allowed_ips(struct pc_ctx *c, const struct pt_node *tunnel,
			     const struct sc_policy *p)
{
	size_t total = 0;
	for (size_t i = 0; i < p->tunnel.n_peers; i++)
		total += p->tunnel.peers[i].n_allowed_ips;
	struct owned_prefix *all = calloc(total ? total : 1, sizeof(*all));
	const struct owned_prefix **chain = calloc(total ? total : 1, sizeof(*chain));
	if (!all || !chain) {
		c->oom = true;
		goto out;
	}
	size_t n = 0, depth = 0;
	for (size_t i = 0; i < p->tunnel.n_peers; i++)
		for (size_t k = 0; k < p->tunnel.peers[i].n_allowed_ips; k++)
			all[n++] = (struct owned_prefix){ &p->tunnel.peers[i].allowed_ips[k], i, k };
	qsort(all, n, sizeof(*all), compare_owned);
	const struct pt_node *peers = pc_get(tunnel, "peers");
	for (size_t i = 0; i < n && !pc_errors_full(c); i++) {
		const struct owned_prefix *cur = &all[i];
		while (depth > 0 && !net_prefixes_overlap(chain[depth - 1]->prefix, cur->prefix))
			depth--;
		for (size_t k = depth; k > 0; k--) {
			if (chain[k - 1]->peer != cur->peer) {
				report_overlap(c, peers, p, chain[k - 1], cur);
				break;
			}
		}
		chain[depth++] = cur;
	}
out:
	free(chain);
	free(all);
}

static void check_in_tunnel(struct pc_ctx *c, const struct sc_policy *p, const struct pt_node *node,
			    const char *path, const struct sc_prefix *addr, const char *what)
{
	if (sc_policy_peer_for_address(p, addr->family, addr->addr))
		return;
	char shown[64];
	pc_error(c, node, path,
		 "%s is outside every peer's allowed_ips, so %s would leave the tunnel; add it to the allowed_ips of the peer that reaches it, or fix the address",
		 sc_prefix_format(addr, shown, sizeof(shown)), what);
}

void cross_check_reachability(struct pc_ctx *c, const struct pt_node *root,
			      const struct sc_policy *p, bool sip_ok, bool directory_ok)
{
	if (directory_ok) {
		const struct pt_node *list = pc_get(root, "directory");
		for (size_t i = 0; i < p->n_directory && !pc_errors_full(c); i++) {
			char base[PC_PATH_LEN], at[PC_PATH_LEN];
			pc_path_index(base, "directory", i);
			pc_path(at, base, "address");
			check_in_tunnel(c, p, pc_get(item(list, i), "address"), at, &p->directory[i].address,
					"calls to this site");
		}
	}
	if (sip_ok && p->sip.has_registrar) {
		const struct pt_node *registrar = pc_get(pc_get(root, "sip"), "registrar");
		check_in_tunnel(c, p, pc_get(registrar, "address"), "sip.registrar.address",
				&p->sip.registrar.address, "registration and hub calls");
	}
}

void cross_check_ports(struct pc_ctx *c, const struct pt_node *root, const struct sc_policy *p)
{
	uint16_t wg = p->tunnel.listen_port;
	if (wg < p->media.rtp_port_min || wg > p->media.rtp_port_max)
		return;
	const struct pt_node *at = pc_get(pc_get(root, "tunnel"), "listen_port");
	const char *path = "tunnel.listen_port";
	if (!at) {
		at = pc_get(pc_get(root, "media"), "rtp_port_min");
		path = "media.rtp_port_min";
	}
	pc_error(c, at, path,
		 "WireGuard's UDP port %u lies inside the RTP range %u-%u, so a call could fail to bind it; move listen_port or the RTP range apart",
		 wg, p->media.rtp_port_min, p->media.rtp_port_max);
}
