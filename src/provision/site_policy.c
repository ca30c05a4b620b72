// SPDX-License-Identifier: GPL-3.0-or-later
// A site's whole policy (docs/policy.md), every key written out, so that the operator reads
// in one file what the appliance will do. Paths are relative: the bundle's files sit beside
// its policy, on the boot partition first and in /etc/sealcall after the first boot.
#include <string.h>
#include <sys/socket.h>

#include "provision/addr.h"
#include "provision/plan.h"

static void write_header(const struct pv_plan *plan, const struct sc_site *site, struct pv_text *t)
{
	const struct sc_sites *s = plan->sites;
	pv_text_printf(t,
		       "# sealcall policy of the site '%s' (%s topology, %zu sites), made by\n"
		       "# 'sealcall provision' from the deployment's sites file.\n"
		       "# Do not edit it here: change the sites file and run 'sealcall provision' again, which\n"
		       "# rewrites every site's bundle. Every key is described in docs/policy.md; the files named\n"
		       "# below without a folder are this bundle's, beside this policy.\n"
		       "#     sealcalld --check-config sealcall.yaml\n\n",
		       site->name, s->topology == SC_TOPOLOGY_HUB ? "hub" : "mesh", s->n_sites);
	pv_text_printf(t, "site:\n  name: %s\n\n", site->name);
}

static void write_peer(struct pv_text *t, const char *name, const uint8_t key[PV_WG_KEY_LEN],
		       const struct sc_endpoint *endpoint, const struct sc_prefix *allowed)
{
	char b64[PV_WG_KEY_B64], ep[SC_HOST_MAX + 16], net[64];
	pv_wg_key_base64(key, b64);
	pv_text_printf(t, "    - name: %s\n      public_key: %s\n", name, b64);
	if (endpoint) {
		sc_endpoint_format(endpoint, ep, sizeof(ep));
		// "[v6]:port" would read as a YAML list: quote it.
		pv_text_printf(t, ep[0] == '[' ? "      endpoint: \"%s\"\n" : "      endpoint: %s\n", ep);
	}
	pv_text_printf(t, "      allowed_ips: [%s]\n      persistent_keepalive: %u\n",
		       sc_prefix_format(allowed, net, sizeof(net)), PV_KEEPALIVE_S);
}

static void write_tunnel(const struct pv_plan *plan, size_t index, struct pv_text *t)
{
	const struct sc_sites *s = plan->sites;
	struct sc_prefix own = plan->members[index].address;
	char addr[64];
	own.prefix_len = s->subnet.prefix_len;
	pv_text_printf(t,
		       "tunnel:\n"
		       "  interface: %s\n"
		       "  backend: auto\n"
		       "  private_key_file: wireguard.key\n"
		       "  address: %s\n"
		       "  listen_port: %u\n"
		       "  mtu: auto\n"
		       "  stale_after: 180\n"
		       "  peers:\n",
		       s->sites[index].interface, sc_prefix_format(&own, addr, sizeof(addr)), s->listen_port);
	if (s->topology == SC_TOPOLOGY_HUB) {
		// Every site is reached through the hub, which forwards within the subnet.
		write_peer(t, s->hub.name, plan->hub.wg_public, &s->hub.endpoint, &s->subnet);
		pv_text_printf(t, "\n");
		return;
	}
	for (size_t i = 0; i < s->n_sites; i++) {
		if (i == index)
			continue;
		const struct sc_site *other = &s->sites[i];
		write_peer(t, other->name, plan->members[i].wg_public, &other->endpoint,
			   &plan->members[i].address);
	}
	pv_text_printf(t, "\n");
}

static void write_sip(const struct pv_plan *plan, size_t index, struct pv_text *t)
{
	const struct sc_sites *s = plan->sites;
	pv_text_printf(t,
		       "sip:\n"
		       "  transport: tls\n"
		       "  port: 5061\n"
		       "  tls_min_version: \"1.2\"\n"
		       "  certificate: site.crt\n"
		       "  private_key: site.key\n"
		       "  ca: ca.crt\n");
	if (s->topology == SC_TOPOLOGY_HUB) {
		char addr[64], port[16] = "";
		if (s->hub.sip_port != 5061)
			snprintf(port, sizeof(port), ":%u", s->hub.sip_port);
		pv_text_printf(t,
			       "  registrar:\n"
			       "    uri: sips:%s.%s%s\n"
			       "    address: %s\n"
			       "    username: %s\n"
			       "    password_file: registrar.password\n"
			       "    expires: 600\n",
			       s->hub.name, s->domain, port, pv_addr_format(&plan->hub.address, addr, sizeof(addr)),
			       s->sites[index].name);
	}
	pv_text_printf(t, "\n");
}

static void write_directory(const struct pv_plan *plan, size_t index, struct pv_text *t)
{
	const struct sc_sites *s = plan->sites;
	const struct sc_site *self = &s->sites[index];
	pv_text_printf(t, "directory:\n");
	for (size_t i = 0; i < s->n_sites; i++) {
		if (i == index)
			continue;
		const struct sc_site *other = &s->sites[i];
		char addr[64];
		pv_text_printf(t, "  - name: %s\n    uri: sips:%s@%s.%s\n    address: %s\n", other->name,
			       other->name, other->name, s->domain,
			       pv_addr_format(&plan->members[i].address, addr, sizeof(addr)));
		if (strcmp(self->hotline, other->name) == 0)
			pv_text_printf(t, "    hotline: true\n");
		// Through a hub the TLS peer is the hub, never the site: a pin could not match.
		if (s->topology == SC_TOPOLOGY_MESH)
			pv_text_printf(t, "    tls_pin: %s\n", plan->members[i].pin);
	}
	pv_text_printf(t, "\n");
}

static void write_rest(const struct pv_plan *plan, size_t index, struct pv_text *t)
{
	const struct sc_sites *s = plan->sites;
	const char *device = s->sites[index].audio_device[0] ? s->sites[index].audio_device : s->audio_device;
	// "plughw:CARD=x,DEV=0" is a plain YAML scalar too, but quoted it reads unambiguously.
	const char *quote = strpbrk(device, ":,") ? "\"" : "";
	pv_text_printf(t,
		       "media:\n"
		       "  codecs: [opus, pcmu, pcma]\n"
		       "  rtp_port_min: 16384\n"
		       "  rtp_port_max: 16583\n"
		       "  ptime: 20\n"
		       "  allow_sdes: false\n"
		       "  zrtp:\n"
		       "    key_agreements: [x255, ec25, dh3k]\n"
		       "    hashes: [s256, s384]\n"
		       "    ciphers: [aes1, aes3]\n"
		       "    auth_tags: [hs80, hs32]\n"
		       "    sas_types: [b32, b256]\n"
		       "    cache_file: \"%s\"\n"
		       "\n"
		       "rules:\n"
		       "  require_tunnel: true\n"
		       "  require_verified_sas: false\n"
		       "  on_cache_mismatch: hangup\n"
		       "  accept_unknown_callers: false\n"
		       "  auto_answer: false\n"
		       "\n"
		       "audio:\n"
		       "  device: %s%s%s\n"
		       "  input_device: auto\n"
		       "  on_unplug: continue\n"
		       "  volume: 80\n"
		       "  buttons:\n"
		       "    call: [KEY_PLAYPAUSE, KEY_PHONE]\n"
		       "    mute: [KEY_MICMUTE]\n"
		       "    long_press_ms: 1500\n",
		       s->zrtp_cache_file, quote, device, quote);
}

void pv_write_site_policy(const struct pv_plan *plan, size_t index, struct pv_text *out)
{
	write_header(plan, &plan->sites->sites[index], out);
	write_tunnel(plan, index, out);
	write_sip(plan, index, out);
	write_directory(plan, index, out);
	write_rest(plan, index, out);
}
