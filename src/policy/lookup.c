// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only queries the layers above make on a validated policy.
#include <string.h>

#include "policy/policy.h"

const struct sc_peer *sc_policy_peer_for_address(const struct sc_policy *p, int family,
						 const uint8_t *addr)
{
	const struct sc_peer *best = NULL;
	int best_len = -1;
	if (!p || !addr)
		return NULL;
	// Validation forbids overlaps between peers; longest match keeps this right regardless.
	for (size_t i = 0; i < p->tunnel.n_peers; i++) {
		const struct sc_peer *peer = &p->tunnel.peers[i];
		for (size_t k = 0; k < peer->n_allowed_ips; k++) {
			const struct sc_prefix *net = &peer->allowed_ips[k];
			if (net->prefix_len > best_len && sc_prefix_contains(net, family, addr)) {
				best = peer;
				best_len = net->prefix_len;
			}
		}
	}
	return best;
}

const struct sc_directory_entry *sc_policy_directory_find(const struct sc_policy *p,
							  const char *name)
{
	if (!p || !name)
		return NULL;
	for (size_t i = 0; i < p->n_directory; i++)
		if (strcmp(p->directory[i].name, name) == 0)
			return &p->directory[i];
	return NULL;
}

const struct sc_directory_entry *sc_policy_hotline(const struct sc_policy *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_directory; i++)
		if (p->directory[i].hotline)
			return &p->directory[i];
	return NULL;
}
