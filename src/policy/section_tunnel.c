// SPDX-License-Identifier: GPL-3.0-or-later
// site: and tunnel: — who this appliance is and the WireGuard tunnel it brings up first.
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "policy/net.h"
#include "policy/paths.h"
#include "policy/sections.h"

bool section_site(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "name", true, "name: paris" },
	};
	size_t before = pc_error_count(c);
	if (pc_map(c, node, "site", keys, PC_COUNT(keys)))
		pc_name(c, pc_get(node, "name"), "site.name", p->site_name);
	return pc_error_count(c) == before;
}

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SC_IFNAME_MAX || s[0] == '-' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
		if (!ok)
			return false;
	}
	return true;
}

static void read_interface(struct pc_ctx *c, const struct pt_node *node, struct sc_tunnel *t)
{
	const char *text = pc_scalar(c, node, "tunnel.interface");
	if (!text)
		return;
	if (!valid_ifname(text)) {
		pc_error(c, node, "tunnel.interface",
			 "'%.40s' is not a valid interface name; use 1 to %d letters, digits, '_', '.' or '-', not starting with '-', e.g. sc0",
			 text, SC_IFNAME_MAX);
		return;
	}
	sc_strcpy(t->interface, sizeof(t->interface), text);
}

static void read_address(struct pc_ctx *c, const struct pt_node *node, struct sc_tunnel *t)
{
	const char *text = pc_scalar(c, node, "tunnel.address");
	if (!text)
		return;
	struct sc_prefix addr;
	const char *why = net_parse_prefix(text, NET_PREFIX_REQUIRED, &addr);
	if (why) {
		pc_error(c, node, "tunnel.address",
			 "'%.60s' %s; write this site's tunnel address with its subnet, e.g. 10.77.0.1/24",
			 text, why);
		return;
	}
	unsigned host_bits = (addr.family == AF_INET ? 32u : 128u) - addr.prefix_len;
	if (host_bits >= 2 && net_prefix_is_network(&addr)) {
		pc_error(c, node, "tunnel.address",
			 "'%.60s' is the subnet itself, not an address in it; give this site's own address, e.g. 10.77.0.1/24",
			 text);
		return;
	}
	t->address = addr;
}

static void read_mtu(struct pc_ctx *c, const struct pt_node *node, struct sc_tunnel *t)
{
	const char *text = pc_scalar(c, node, "tunnel.mtu");
	uint32_t v;
	if (!text)
		return;
	if (strcasecmp(text, "auto") == 0) {
		t->mtu = 0;
		return;
	}
	if (sc_parse_u32(text, 1280, 9000, &v) != 0) {
		pc_error(c, node, "tunnel.mtu",
			 "'%.40s' is not a valid MTU; write auto (the underlay's MTU minus 80) or a number from 1280 to 9000",
			 text);
		return;
	}
	t->mtu = (uint16_t)v;
}

static void read_allowed_ips(struct pc_ctx *c, const struct pt_node *node, const char *path,
			     struct sc_peer *peer)
{
	if (!pc_seq(c, node, path, 1, SC_MAX_ALLOWED_IPS, "addresses"))
		return;
	peer->allowed_ips = calloc(node->n_items, sizeof(*peer->allowed_ips));
	if (!peer->allowed_ips) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < node->n_items; i++) {
		char at[PC_PATH_LEN];
		pc_path_index(at, path, i);
		const char *text = pc_scalar(c, node->items[i], at);
		if (!text)
			continue;
		struct sc_prefix pfx;
		const char *why = net_parse_prefix(text, NET_PREFIX_OPTIONAL, &pfx);
		if (why) {
			pc_error(c, node->items[i], at, "'%.60s' %s; write an address or subnet such as 10.77.0.2/32",
				 text, why);
			continue;
		}
		if (pfx.prefix_len == 0) {
			pc_error(c, node->items[i], at,
				 "'%.60s' would route every address, the tunnel's own packets included, into this peer; list the tunnel subnets instead, e.g. 10.77.0.0/16",
				 text);
			continue;
		}
		if (!net_prefix_is_network(&pfx)) {
			struct sc_prefix net;
			char fixed[64];
			net_prefix_network(&pfx, &net);
			pc_error(c, node->items[i], at,
				 "'%.60s' has bits set beyond its /%u prefix; write the subnet %s, or /%u for one address",
				 text, pfx.prefix_len, sc_prefix_format(&net, fixed, sizeof(fixed)),
				 pfx.family == AF_INET ? 32u : 128u);
			continue;
		}
		peer->allowed_ips[peer->n_allowed_ips++] = pfx;
	}
}

static void read_peer(struct pc_ctx *c, const struct pt_node *node, const char *path,
		      struct sc_peer *peer)
{
	static const struct pc_key keys[] = {
		{ "name", true, "name: lyon" },
		{ "public_key", true, "public_key: <output of wg pubkey at that site>" },
		{ "endpoint", false, NULL },
		{ "allowed_ips", true, "allowed_ips: [10.77.0.2/32]" },
		{ "persistent_keepalive", false, NULL },
		{ "preshared_key_file", false, NULL },
	};
	char at[PC_PATH_LEN];
	uint32_t v;
	peer->persistent_keepalive_s = 25;
	if (!pc_map(c, node, path, keys, PC_COUNT(keys)))
		return;
	pc_path(at, path, "name");
	pc_name(c, pc_get(node, "name"), at, peer->name);
	pc_path(at, path, "public_key");
	pc_wg_key(c, pc_get(node, "public_key"), at, peer->public_key);

	const struct pt_node *endpoint = pc_get(node, "endpoint");
	pc_path(at, path, "endpoint");
	const char *text = endpoint ? pc_scalar(c, endpoint, at) : NULL;
	if (text) {
		const char *why = net_parse_endpoint(text, peer->endpoint_host, &peer->endpoint_port);
		if (why)
			pc_error(c, endpoint, at,
				 "'%.60s' %s; write host:port, e.g. 198.51.100.7:51820, \"[2001:db8::7]:51820\" or lyon.example.net:51820",
				 text, why);
		else
			peer->has_endpoint = true;
	}

	pc_path(at, path, "allowed_ips");
	read_allowed_ips(c, pc_get(node, "allowed_ips"), at, peer);

	const struct pt_node *keepalive = pc_get(node, "persistent_keepalive");
	pc_path(at, path, "persistent_keepalive");
	if (keepalive && pc_u32(c, keepalive, at, 0, 3600, &v))
		peer->persistent_keepalive_s = (uint16_t)v;

	const struct pt_node *psk = pc_get(node, "preshared_key_file");
	pc_path(at, path, "preshared_key_file");
	if (psk && pc_file_path(c, psk, at, peer->preshared_key_file))
		pc_check_file(c, psk, at, peer->preshared_key_file, PC_FILE_WG_PSK);
}

static void check_peer_identity(struct pc_ctx *c, const struct pt_node *peers, size_t i,
				const struct sc_policy *p)
{
	const struct sc_peer *peer = &p->tunnel.peers[i];
	const struct pt_node *node = peers->items[i];
	char at[PC_PATH_LEN], base[PC_PATH_LEN];
	pc_path_index(base, "tunnel.peers", i);
	if (peer->name[0] && strcmp(peer->name, p->site_name) == 0) {
		pc_path(at, base, "name");
		pc_error(c, pc_get(node, "name"), at,
			 "peer '%s' has this site's own name; a site does not peer with itself, remove it or rename the site",
			 peer->name);
	}
	static const uint8_t no_key[SC_WG_KEY_LEN];
	bool name_done = false, key_done = false;
	for (size_t k = 0; k < i; k++) {
		const struct sc_peer *earlier = &p->tunnel.peers[k];
		if (!name_done && peer->name[0] && strcmp(earlier->name, peer->name) == 0) {
			name_done = true;
			pc_path(at, base, "name");
			pc_error(c, pc_get(node, "name"), at,
				 "peer name '%s' is already used by tunnel.peers[%zu] (line %u); give each peer its own name",
				 peer->name, k, peers->items[k]->line);
		}
		if (!key_done && memcmp(peer->public_key, no_key, SC_WG_KEY_LEN) != 0 &&
		    memcmp(earlier->public_key, peer->public_key, SC_WG_KEY_LEN) == 0) {
			key_done = true;
			pc_path(at, base, "public_key");
			pc_error(c, pc_get(node, "public_key"), at,
				 "this public key is already peer '%s''s (tunnel.peers[%zu]); each site has its own key, copy the right one from 'wg pubkey' at that site",
				 earlier->name, k);
		}
	}
}

static void read_peers(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	if (!pc_seq(c, node, "tunnel.peers", 1, SC_MAX_PEERS, "peers"))
		return;
	p->tunnel.peers = calloc(node->n_items, sizeof(*p->tunnel.peers));
	if (!p->tunnel.peers) {
		c->oom = true;
		return;
	}
	p->tunnel.n_peers = node->n_items;
	for (size_t i = 0; i < node->n_items && !pc_errors_full(c) && !c->oom; i++) {
		char at[PC_PATH_LEN];
		pc_path_index(at, "tunnel.peers", i);
		read_peer(c, node->items[i], at, &p->tunnel.peers[i]);
		check_peer_identity(c, node, i, p);
	}
}

bool section_tunnel(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "interface", false, NULL },
		{ "backend", false, NULL },
		{ "private_key_file", true, "private_key_file: /etc/sealcall/wireguard.key" },
		{ "address", true, "address: 10.77.0.1/24" },
		{ "listen_port", false, NULL },
		{ "mtu", false, NULL },
		{ "stale_after", false, NULL },
		{ "peers", true, "peers: [{name: lyon, public_key: ..., allowed_ips: [10.77.0.2/32]}]" },
	};
	static const char *const backends[] = { "auto", "kernel", "userspace" };
	struct sc_tunnel *t = &p->tunnel;
	const struct pt_node *v;
	uint32_t n;
	size_t before = pc_error_count(c);
	if (!pc_map(c, node, "tunnel", keys, PC_COUNT(keys)))
		return false;
	if ((v = pc_get(node, "interface")))
		read_interface(c, v, t);
	int backend;
	if ((v = pc_get(node, "backend")) &&
	    (backend = pc_enum(c, v, "tunnel.backend", backends, PC_COUNT(backends))) >= 0)
		t->backend = (enum sc_tunnel_backend)backend;
	if ((v = pc_get(node, "private_key_file")) &&
	    pc_file_path(c, v, "tunnel.private_key_file", t->private_key_file))
		pc_check_file(c, v, "tunnel.private_key_file", t->private_key_file, PC_FILE_WG_KEY);
	if ((v = pc_get(node, "address")))
		read_address(c, v, t);
	if ((v = pc_get(node, "listen_port")) && pc_u32(c, v, "tunnel.listen_port", 1, 65535, &n))
		t->listen_port = (uint16_t)n;
	if ((v = pc_get(node, "mtu")))
		read_mtu(c, v, t);
	if ((v = pc_get(node, "stale_after")) && pc_u32(c, v, "tunnel.stale_after", 10, 600, &n))
		t->stale_after_s = n;
	read_peers(c, pc_get(node, "peers"), p);
	return pc_error_count(c) == before;
}
