// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes given as a policy: no crash, no leak, no undefined behaviour, and a policy that
// loads is internally consistent (the lookups agree with what validation promised).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_loaded(const struct sc_policy *p)
{
	char buf[64];
	for (size_t i = 0; i < p->n_directory; i++) {
		const struct sc_directory_entry *e = &p->directory[i];
		// Validation guarantees every directory address routes to a peer.
		if (!sc_policy_peer_for_address(p, e->address.family, e->address.addr))
			abort();
		if (sc_policy_directory_find(p, e->name) != e)
			abort();
		sc_prefix_format(&e->address, buf, sizeof(buf));
	}
	for (size_t i = 0; i < p->tunnel.n_peers; i++) {
		const struct sc_peer *peer = &p->tunnel.peers[i];
		if (peer->n_allowed_ips == 0)
			abort();
		for (size_t k = 0; k < peer->n_allowed_ips; k++) {
			const struct sc_prefix *net = &peer->allowed_ips[k];
			// No overlaps: each allowed network maps back to its own peer.
			if (sc_policy_peer_for_address(p, net->family, net->addr) != peer)
				abort();
			sc_prefix_format(net, buf, sizeof(buf));
		}
	}
	const struct sc_directory_entry *hot = sc_policy_hotline(p);
	if (hot && !hot->hotline)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load_buffer("/fuzz/policy.yaml", (const char *)data, size, false, &p,
				       &errors);
	if (rc == 0) {
		if (!p || errors.count != 0)
			abort();
		check_loaded(p);
	} else if (p || errors.count == 0) {
		// A refusal always says why.
		abort();
	}
	if (sink)
		sc_policy_errors_print(&errors, sink);
	sc_policy_free(p);
	sc_policy_errors_free(&errors);
	return 0;
}
