// SPDX-License-Identifier: GPL-3.0-or-later
// The hub's WireGuard interface in wg-quick's format: one peer per site, and forwarding on,
// since media between two sites crosses the hub inside the tunnel.
#include <sys/socket.h>

#include "provision/addr.h"
#include "provision/plan.h"

void pv_write_hub_wg_conf(const struct pv_plan *plan, const uint8_t private_key[PV_WG_KEY_LEN],
			  struct pv_text *out)
{
	const struct sc_sites *s = plan->sites;
	char b64[PV_WG_KEY_B64], addr[64], ep[SC_HOST_MAX + 16];
	struct sc_prefix own = plan->hub.address;
	own.prefix_len = s->subnet.prefix_len;
	bool v6 = s->subnet.family == AF_INET6;
	pv_wg_key_base64(private_key, b64);
	pv_text_printf(out,
		       "# WireGuard interface of the sealcall hub '%s', made by 'sealcall provision'.\n"
		       "# Holds the hub's private key: keep it mode 0600. Bring it up with\n"
		       "#     cp wg0.conf /etc/wireguard/wg0.conf && wg-quick up wg0\n"
		       "# Sites talk to each other through the hub (signaling via Kamailio, media directly\n"
		       "# between the sites' tunnel addresses), so the hub forwards packets within the tunnel\n"
		       "# subnet; let your firewall forward wg0 to wg0 only.\n"
		       "[Interface]\n"
		       "PrivateKey = %s\n"
		       "Address = %s\n"
		       "ListenPort = %u\n"
		       "PostUp = sysctl -q -w %s\n",
		       s->hub.name, b64, sc_prefix_format(&own, addr, sizeof(addr)), s->hub.endpoint.port,
		       // Packets leave by the interface they came in on, so Linux would answer
		       // forwarded media with ICMP redirects (which the sites cannot use); IPv4
		       // sends them when "all" or the interface says so, hence both.
		       v6 ? "net.ipv6.conf.all.forwarding=1"
			  : "net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.%i.send_redirects=0");
	pv_wg_key_base64(plan->hub.wg_public, b64); // the public key: nothing secret from here on
	pv_text_printf(out, "# public key: %s\n", b64);
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct sc_site *site = &s->sites[i];
		pv_wg_key_base64(plan->members[i].wg_public, b64);
		pv_text_printf(out, "\n[Peer]\n# %s\nPublicKey = %s\nAllowedIPs = %s\n", site->name, b64,
			       sc_prefix_format(&plan->members[i].address, addr, sizeof(addr)));
		if (site->has_endpoint) {
			sc_endpoint_format(&site->endpoint, ep, sizeof(ep));
			pv_text_printf(out, "Endpoint = %s\n", ep);
		}
		// A site counts a peer that sent nothing for 2 x keepalive + 5 s as dead
		// (docs/tunnel.md): without keepalives from the hub, an idle site would see its
		// only peer go stale within a minute and refuse every call.
		pv_text_printf(out, "PersistentKeepalive = %u\n", PV_KEEPALIVE_S);
	}
}
