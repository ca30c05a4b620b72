// SPDX-License-Identifier: GPL-3.0-or-later
// Tunnel addresses for the sites that do not name one. An address, once given, stays with its
// site across runs (it is in every other site's policy and in the site's certificate): the
// previous run's assignment is kept unless the sites file now gives that address to someone
// else; new sites take the lowest free addresses.
#ifndef SC_PROVISION_ALLOC_H
#define SC_PROVISION_ALLOC_H

#include "provision/sites.h"
#include "provision/text.h"

struct pv_assignment {
	char name[SC_NAME_MAX + 1];
	struct sc_prefix address; // host address
};

struct pv_assignments {
	struct pv_assignment *items;
	size_t count;
};

// Reads the record a previous run wrote ("NAME ADDRESS" lines, '#' comments). A missing
// file is an empty record. Lines that do not parse are skipped with a warning.
int pv_assignments_load(const char *path, struct pv_assignments *out);
void pv_assignments_free(struct pv_assignments *a);
// The record of this run, for the next.
void pv_assignments_format(const struct sc_sites *s, const struct sc_prefix *addresses,
			   struct pv_text *out);

// Gives every site an address (ADDRESSES, parallel to S->sites) and the hub its own (HUB,
// topology hub). Explicit addresses win; previous ones are kept where possible (a warning
// says when one moves). -ENOSPC when the subnet is full (the sites file check prevents it).
int pv_allocate(const struct sc_sites *s, const struct pv_assignments *previous,
		struct sc_prefix *addresses, struct sc_prefix *hub);

#endif
