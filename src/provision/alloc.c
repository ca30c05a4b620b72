// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strutil.h"
#include "policy/net.h"
#include "provision/addr.h"
#include "provision/files.h"

#define RECORD_MAX (1024 * 1024)

int pv_assignments_load(const char *path, struct pv_assignments *out)
{
	out->items = NULL;
	out->count = 0;
	char *data;
	size_t len;
	int rc = pv_read_file(path, RECORD_MAX, false, &data, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	out->items = calloc(lines, sizeof(*out->items));
	if (!out->items) {
		rc = -ENOMEM;
		goto out;
	}
	unsigned line_no = 0;
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char name[64], addr[64];
		struct pv_assignment a;
		if (sscanf(line, "%63s %63s", name, addr) != 2 || sc_strcpy(a.name, sizeof(a.name), name) != 0 ||
		    net_parse_prefix(addr, NET_HOST_ONLY, &a.address) != NULL) {
			sc_warn("%s:%u: not 'NAME ADDRESS'; ignored (the site gets its address again)", path,
				line_no);
			continue;
		}
		out->items[out->count++] = a;
	}
out:
	pv_free_file(data, len, false);
	return rc;
}

void pv_assignments_free(struct pv_assignments *a)
{
	free(a->items);
	a->items = NULL;
	a->count = 0;
}

void pv_assignments_format(const struct sc_sites *s, const struct sc_prefix *addresses,
			   struct pv_text *out)
{
	char addr[64];
	pv_text_printf(out, "# Tunnel addresses given by 'sealcall provision', kept across runs so that a\n"
			    "# site's address never changes by itself. To move a site, set its address in\n"
			    "# the sites file rather than editing this record.\n");
	for (size_t i = 0; i < s->n_sites; i++)
		pv_text_printf(out, "%s %s\n", s->sites[i].name, pv_addr_format(&addresses[i], addr, sizeof(addr)));
}

static int compare_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

static const struct pv_assignment *previous_of(const struct pv_assignments *prev, const char *name)
{
	for (size_t i = 0; i < prev->count; i++)
		if (strcmp(prev->items[i].name, name) == 0)
			return &prev->items[i];
	return NULL;
}

struct taken {
	uint64_t *offsets;
	size_t count;
};

static bool is_taken(const struct taken *t, uint64_t offset)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->offsets[i] == offset)
			return true;
	return false;
}

int pv_allocate(const struct sc_sites *s, const struct pv_assignments *previous,
		struct sc_prefix *addresses, struct sc_prefix *hub)
{
	const struct sc_prefix *subnet = &s->subnet;
	struct taken taken = { calloc(s->n_sites + 1, sizeof(uint64_t)), 0 };
	bool *placed = calloc(s->n_sites ? s->n_sites : 1, sizeof(bool));
	int rc = 0;
	if (!taken.offsets || !placed) {
		rc = -ENOMEM;
		goto out;
	}
	// Explicit addresses first: the sites file always wins.
	if (s->topology == SC_TOPOLOGY_HUB) {
		if (s->hub.has_address)
			*hub = s->hub.address;
		else
			pv_addr_last(subnet, hub);
		taken.offsets[taken.count++] = pv_addr_offset(subnet, hub);
	}
	for (size_t i = 0; i < s->n_sites; i++) {
		if (!s->sites[i].has_address)
			continue;
		addresses[i] = s->sites[i].address;
		placed[i] = true;
		taken.offsets[taken.count++] = pv_addr_offset(subnet, &addresses[i]);
	}
	// Then what earlier runs gave, where it is still free and inside the subnet. Checking
	// each against all before it keeps this O(n^2) only for n <= 1024 sites.
	char shown[64];
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct pv_assignment *was = previous_of(previous, s->sites[i].name);
		if (placed[i] || !was)
			continue;
		uint64_t offset = pv_addr_offset(subnet, &was->address);
		if (pv_addr_usable(subnet, &was->address) && !is_taken(&taken, offset)) {
			addresses[i] = was->address;
			placed[i] = true;
			taken.offsets[taken.count++] = offset;
		} else {
			sc_warn("site '%s' leaves its previous address %s (now outside the subnet or given to another); every bundle is updated",
				s->sites[i].name, pv_addr_format(&was->address, shown, sizeof(shown)));
		}
	}
	qsort(taken.offsets, taken.count, sizeof(uint64_t), compare_u64);
	// The rest take the lowest free addresses, in the order of the file.
	uint64_t next = 1, usable = pv_subnet_usable(subnet);
	size_t skip = 0;
	for (size_t i = 0; i < s->n_sites; i++) {
		if (placed[i])
			continue;
		for (;;) {
			while (skip < taken.count && taken.offsets[skip] < next)
				skip++;
			if (skip < taken.count && taken.offsets[skip] == next) {
				next++;
				continue;
			}
			break;
		}
		if (next > usable) {
			rc = -ENOSPC;
			goto out;
		}
		pv_addr_at(subnet, next++, &addresses[i]);
		placed[i] = true;
	}
out:
	free(placed);
	free(taken.offsets);
	return rc;
}
