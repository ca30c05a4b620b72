// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as a sites file: no crash, leak or undefined behaviour; a refusal always says
// why; and a file that is accepted always gives every site an address of its own inside the
// subnet, and policies that the appliance's own policy check accepts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "provision/addr.h"
#include "provision/alloc.h"
#include "provision/plan.h"
#include "provision/sites.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// Policies are checked for the first few sites only: enough to cover every shape of entry
// without making each input cost a thousand policy loads.
#define POLICIES_CHECKED 3

static void check_accepted(const struct sc_sites *s)
{
	struct sc_prefix *addresses = calloc(s->n_sites, sizeof(*addresses));
	struct pv_plan plan = { .sites = s, .members = calloc(s->n_sites, sizeof(*plan.members)) };
	struct pv_assignments none = { 0 };
	if (!addresses || !plan.members)
		abort();
	if (pv_allocate(s, &none, addresses, &plan.hub.address) != 0)
		abort(); // the file's check promised room for everyone
	for (size_t i = 0; i < s->n_sites; i++) {
		if (!pv_addr_usable(&s->subnet, &addresses[i]))
			abort();
		if (s->topology == SC_TOPOLOGY_HUB && pv_addr_equal(&addresses[i], &plan.hub.address))
			abort();
		for (size_t k = 0; k < i; k++)
			if (pv_addr_equal(&addresses[i], &addresses[k]) || strcmp(s->sites[i].name, s->sites[k].name) == 0)
				abort();
		if (s->sites[i].hotline[0] && !sc_sites_find(s, s->sites[i].hotline))
			abort();
		plan.members[i].name = s->sites[i].name;
		plan.members[i].address = addresses[i];
		// Distinct stand-in keys and pins: the real ones are random and distinct too.
		memcpy(plan.members[i].wg_public, &i, sizeof(i));
		plan.members[i].wg_public[31] = 1;
		snprintf(plan.members[i].pin, sizeof(plan.members[i].pin),
			 "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	}
	plan.hub.name = s->hub.name;
	plan.hub.wg_public[30] = 1;
	for (size_t i = 0; i < s->n_sites && i < POLICIES_CHECKED; i++) {
		struct pv_text text;
		pv_text_init(&text, false);
		pv_write_site_policy(&plan, i, &text);
		struct sc_policy *p = NULL;
		struct sc_policy_errors errors = { 0 };
		int rc = text.failed ? 0 : sc_policy_load_buffer("/fuzz/sealcall.yaml", text.data, text.len, false, &p, &errors);
		if (rc != 0) {
			sc_policy_errors_print(&errors, stderr);
			fprintf(stderr, "%s", text.data);
			abort(); // provisioning wrote a policy the appliance refuses
		}
		sc_policy_free(p);
		sc_policy_errors_free(&errors);
		pv_text_free(&text);
	}
	free(addresses);
	free(plan.members);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct sc_sites *s = NULL;
	struct sc_sites_errors errors = { 0 };
	int rc = sc_sites_load_buffer("/fuzz/sites.yaml", (const char *)data, size, &s, &errors);
	if (rc == 0) {
		if (!s || errors.count != 0)
			abort();
		check_accepted(s);
	} else {
		if (s || errors.count == 0)
			abort();
		for (size_t i = 0; i < errors.count; i++)
			if (!errors.items[i].message[0])
				abort();
	}
	if (sink)
		sc_sites_errors_print(&errors, sink);
	sc_sites_free(s);
	sc_sites_errors_free(&errors);
	return 0;
}
