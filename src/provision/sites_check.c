// SPDX-License-Identifier: GPL-3.0-or-later
// Checks across the sites: each name, endpoint and address belongs to one site, addresses lie
// inside the tunnel subnet, references name real sites, and the subnet is large enough.
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "policy/net.h"
#include "provision/addr.h"
#include "provision/sites_internal.h"

// The defaults of media.rtp_port_min/max in every generated policy: WireGuard may not sit in it.
#define RTP_PORT_MIN 16384
#define RTP_PORT_MAX 16583

static void path_of(char *out, size_t i, const char *field)
{
	snprintf(out, SP_PATH_LEN, "sites[%zu].%s", i, field);
}

static void check_names(struct sp_ctx *c, const struct sc_sites *s)
{
	char key[SP_PATH_LEN];
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct sc_site *site = &s->sites[i];
		if (!site->name[0])
			continue;
		path_of(key, i, "name");
		for (size_t j = 0; j < i; j++) {
			if (strcmp(s->sites[j].name, site->name) == 0) {
				sp_error(c, &site->name_at, key,
					 "site name '%s' is already used by sites[%zu] (line %u); give every site its own name",
					 site->name, j, s->sites[j].name_at.line);
				break;
			}
		}
		if (s->topology == SC_TOPOLOGY_HUB && strcmp(site->name, s->hub.name) == 0)
			sp_error(c, &site->name_at, key,
				 "site name '%s' is the hub's name; rename the site, or give the hub another name (hub.name)",
				 site->name);
	}
}

static bool same_endpoint(const struct sc_endpoint *a, const struct sc_endpoint *b)
{
	return a->port == b->port && strcasecmp(a->host, b->host) == 0;
}

static void check_endpoints(struct sp_ctx *c, const struct sc_sites *s)
{
	char key[SP_PATH_LEN], shown[SC_HOST_MAX + 16];
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct sc_site *site = &s->sites[i];
		if (!site->has_endpoint) {
			if (s->topology == SC_TOPOLOGY_MESH)
				sp_error(c, &site->at, site->name[0] ? site->name : "sites",
					 "site '%s' (sites[%zu]) has no endpoint; in a mesh every site must be reachable by the others: add endpoint: HOST:PORT with its public address and WireGuard port (or use topology: hub)",
					 site->name, i);
			continue;
		}
		path_of(key, i, "endpoint");
		sc_endpoint_format(&site->endpoint, shown, sizeof(shown));
		for (size_t j = 0; j < i; j++) {
			if (s->sites[j].has_endpoint && same_endpoint(&s->sites[j].endpoint, &site->endpoint)) {
				sp_error(c, &site->endpoint_at, key,
					 "endpoint %s is already the endpoint of site '%s' (line %u); two sites behind one public address need different ports",
					 shown, s->sites[j].name, s->sites[j].endpoint_at.line);
				break;
			}
		}
		if (s->topology == SC_TOPOLOGY_HUB && same_endpoint(&s->hub.endpoint, &site->endpoint))
			sp_error(c, &site->endpoint_at, key,
				 "endpoint %s is the hub's endpoint; give the site its own public address or port",
				 shown);
	}
}

// An explicit address: same family as the subnet, inside it, not its network or broadcast
// address. Returns false after reporting.
static bool check_address(struct sp_ctx *c, const struct sc_sites *s, const struct sc_prefix *addr,
			  const struct sc_sites_place *at, const char *key, const char *who)
{
	char shown[64], subnet[64];
	inet_ntop(addr->family, addr->addr, shown, sizeof(shown));
	sc_prefix_format(&s->subnet, subnet, sizeof(subnet));
	if (!sc_prefix_contains(&s->subnet, addr->family, addr->addr)) {
		sp_error(c, at, key,
			 "%s's address %s is outside the tunnel subnet %s; pick one inside it, or leave address out to have one allocated",
			 who, shown, subnet);
		return false;
	}
	if (!pv_addr_usable(&s->subnet, addr)) {
		sp_error(c, at, key,
			 "%s is the %s address of %s, which no site can use; pick another, or leave address out",
			 shown, memcmp(addr->addr, s->subnet.addr, 16) == 0 ? "network" : "broadcast", subnet);
		return false;
	}
	return true;
}

static void check_addresses(struct sp_ctx *c, const struct sc_sites *s)
{
	char key[SP_PATH_LEN], shown[64];
	bool hub_ok = false;
	if (s->topology == SC_TOPOLOGY_HUB && s->hub.has_address)
		hub_ok = check_address(c, s, &s->hub.address, &s->hub.address_at, "hub.address", "the hub");
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct sc_site *site = &s->sites[i];
		if (!site->has_address)
			continue;
		path_of(key, i, "address");
		char who[SC_NAME_MAX + 16];
		snprintf(who, sizeof(who), "site '%s'", site->name);
		if (!check_address(c, s, &site->address, &site->address_at, key, who))
			continue;
		inet_ntop(site->address.family, site->address.addr, shown, sizeof(shown));
		for (size_t j = 0; j < i; j++) {
			const struct sc_site *other = &s->sites[j];
			if (other->has_address && memcmp(other->address.addr, site->address.addr, 16) == 0 &&
			    other->address.family == site->address.family) {
				sp_error(c, &site->address_at, key,
					 "address %s is already the address of site '%s' (line %u); every site needs its own, or leave address out to have one allocated",
					 shown, other->name, other->address_at.line);
				break;
			}
		}
		if (hub_ok && memcmp(s->hub.address.addr, site->address.addr, 16) == 0)
			sp_error(c, &site->address_at, key,
				 "address %s is the hub's tunnel address (line %u); pick another one", shown,
				 s->hub.address_at.line);
	}
}

static void check_hotlines(struct sp_ctx *c, const struct sc_sites *s)
{
	char key[SP_PATH_LEN];
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct sc_site *site = &s->sites[i];
		if (!site->hotline[0])
			continue;
		path_of(key, i, "hotline");
		if (strcmp(site->hotline, site->name) == 0)
			sp_error(c, &site->hotline_at, key,
				 "site '%s' names itself as its hotline; name the site its call button should ring",
				 site->name);
		else if (!sc_sites_find(s, site->hotline))
			sp_error(c, &site->hotline_at, key,
				 "hotline '%s' is not a site in this file; name one of the sites below 'sites:', or add that site",
				 site->hotline);
	}
}

static void check_topology(struct sp_ctx *c, const struct sc_sites *s)
{
	static const struct sc_sites_place top = { 1, 1 };
	if (s->topology == SC_TOPOLOGY_HUB && !s->has_hub)
		sp_error(c, s->topology_at.line ? &s->topology_at : &top, "topology",
			 "topology: hub needs a hub: section; add hub: with endpoint (its public address and WireGuard port), or use topology: mesh");
	if (s->topology == SC_TOPOLOGY_MESH && s->has_hub)
		sp_error(c, &s->hub.at, "hub",
			 "a hub: section is only used with topology: hub; add topology: hub, or remove the hub section");
	if (s->n_sites < 2)
		sp_error(c, s->sites_at.line ? &s->sites_at : &top, "sites",
			 "%zu site%s: a deployment needs at least two sites that call each other; add the other sites",
			 s->n_sites, s->n_sites == 1 ? "" : "s");
	if (s->listen_port >= RTP_PORT_MIN && s->listen_port <= RTP_PORT_MAX)
		sp_error(c, s->listen_port_at.line ? &s->listen_port_at : &top, "listen_port",
			 "WireGuard port %u lies inside the RTP port range %d-%d of every site's policy; use another port, e.g. 51820",
			 s->listen_port, RTP_PORT_MIN, RTP_PORT_MAX);
}

static void check_capacity(struct sp_ctx *c, const struct sc_sites *s)
{
	static const struct sc_sites_place top = { 1, 1 };
	uint64_t usable = pv_subnet_usable(&s->subnet);
	uint64_t need = s->n_sites + (s->topology == SC_TOPOLOGY_HUB ? 1 : 0);
	if (need <= usable)
		return;
	char subnet[64];
	sc_prefix_format(&s->subnet, subnet, sizeof(subnet));
	sp_error(c, s->subnet_at.line ? &s->subnet_at : &top, "tunnel_subnet",
		 "%s has %llu usable addresses but %llu are needed (%zu sites%s); use a larger tunnel_subnet, e.g. /%u",
		 subnet, (unsigned long long)usable, (unsigned long long)need, s->n_sites,
		 s->topology == SC_TOPOLOGY_HUB ? " and the hub" : "", pv_prefix_for(s->subnet.family, need));
}

void sp_check_sites(struct sp_ctx *c, const struct sc_sites *s)
{
	check_topology(c, s);
	check_names(c, s);
	check_endpoints(c, s);
	check_addresses(c, s);
	check_hotlines(c, s);
	check_capacity(c, s);
}
