// SPDX-License-Identifier: GPL-3.0-or-later
// directory: — the sites this appliance may call, each at a tunnel address.
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"
#include "policy/net.h"
#include "policy/sections.h"

static void read_uri(struct pc_ctx *c, const struct pt_node *node, const char *path,
		     struct sc_directory_entry *e)
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return;
	struct net_sip_uri uri;
	bool plaintext;
	const char *why = net_parse_sips_uri(text, true, &uri, &plaintext);
	if (plaintext) {
		pc_error(c, node, path,
			 "sealcall refuses unencrypted signaling: '%.60s' %s, which calls the site over plain UDP or TCP and exposes who calls whom and the media keys' commitments to anyone on the path; write it as sips:NAME@HOST",
			 text, why);
		return;
	}
	if (why) {
		pc_error(c, node, path, "'%.60s' %s; write it as sips:lyon@lyon.sealcall.internal", text, why);
		return;
	}
	if (sc_strcpy(e->uri, sizeof(e->uri), text) != 0)
		pc_error(c, node, path, "is longer than %d characters; shorten it", SC_URI_MAX - 1);
}

static void read_pin(struct pc_ctx *c, const struct pt_node *node, const char *path,
		     struct sc_directory_entry *e)
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return;
	uint8_t digest[36];
	if (strncmp(text, "sha256//", 8) != 0 || strlen(text + 8) != 44 ||
	    sc_base64_decode(text + 8, digest, sizeof(digest)) != 32) {
		pc_error(c, node, path,
			 "'%.60s' is not a pin; write sha256// followed by the base64 SHA-256 of the site certificate's public key (44 characters)",
			 text);
		return;
	}
	memcpy(e->spki_sha256, digest, 32);
	e->has_pin = true;
}

static void read_entry(struct pc_ctx *c, const struct pt_node *node, const char *path,
		       struct sc_directory_entry *e)
{
	static const struct pc_key keys[] = {
		{ "name", true, "name: lyon" },
		{ "uri", true, "uri: sips:lyon@lyon.sealcall.internal" },
		{ "address", true, "address: 10.77.0.2" },
		{ "hotline", false, NULL },
		{ "tls_pin", false, NULL },
	};
	char at[PC_PATH_LEN];
	const struct pt_node *v;
	if (!pc_map(c, node, path, keys, PC_COUNT(keys)))
		return;
	pc_path(at, path, "name");
	pc_name(c, pc_get(node, "name"), at, e->name);
	pc_path(at, path, "uri");
	if ((v = pc_get(node, "uri")))
		read_uri(c, v, at, e);
	pc_path(at, path, "address");
	const char *text;
	if ((v = pc_get(node, "address")) && (text = pc_scalar(c, v, at))) {
		const char *why = net_parse_prefix(text, NET_HOST_ONLY, &e->address);
		if (why)
			pc_error(c, v, at, "'%.60s' %s; give the site's tunnel address, e.g. 10.77.0.2", text, why);
	}
	pc_path(at, path, "hotline");
	if ((v = pc_get(node, "hotline")))
		pc_bool(c, v, at, &e->hotline);
	pc_path(at, path, "tls_pin");
	if ((v = pc_get(node, "tls_pin")))
		read_pin(c, v, at, e);
}

// Names, addresses and the hotline are each unique; reported at the later entry.
static void check_unique(struct pc_ctx *c, const struct pt_node *list, size_t i,
			 const struct sc_policy *p)
{
	const struct sc_directory_entry *e = &p->directory[i];
	const struct pt_node *node = list->items[i];
	char base[PC_PATH_LEN], at[PC_PATH_LEN];
	bool name_done = false, address_done = false, hotline_done = false;
	pc_path_index(base, "directory", i);
	for (size_t k = 0; k < i; k++) {
		const struct sc_directory_entry *earlier = &p->directory[k];
		unsigned line = list->items[k]->line;
		if (!name_done && e->name[0] && strcmp(e->name, earlier->name) == 0) {
			name_done = true;
			pc_path(at, base, "name");
			pc_error(c, pc_get(node, "name"), at,
				 "'%s' is already the name of directory[%zu] (line %u); give each site its own name",
				 e->name, k, line);
		}
		if (!address_done && e->address.family &&
		    earlier->address.family == e->address.family &&
		    memcmp(e->address.addr, earlier->address.addr, sizeof(e->address.addr)) == 0) {
			address_done = true;
			char shown[64];
			pc_path(at, base, "address");
			pc_error(c, pc_get(node, "address"), at,
				 "%s is already the address of '%s' (directory[%zu], line %u); each site has its own tunnel address",
				 sc_prefix_format(&e->address, shown, sizeof(shown)), earlier->name, k, line);
		}
		if (!hotline_done && e->hotline && earlier->hotline) {
			hotline_done = true;
			pc_path(at, base, "hotline");
			pc_error(c, pc_get(node, "hotline"), at,
				 "more than one hotline ('%s' at line %u already is); the call button dials one site, set hotline: true on one entry only",
				 earlier->name, line);
		}
	}
}

bool section_directory(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	size_t before = pc_error_count(c);
	if (!pc_seq(c, node, "directory", 1, SC_MAX_DIRECTORY, "sites"))
		return false;
	p->directory = calloc(node->n_items, sizeof(*p->directory));
	if (!p->directory) {
		c->oom = true;
		return false;
	}
	p->n_directory = node->n_items;
	for (size_t i = 0; i < node->n_items && !pc_errors_full(c); i++) {
		char at[PC_PATH_LEN];
		pc_path_index(at, "directory", i);
		read_entry(c, node->items[i], at, &p->directory[i]);
		check_unique(c, node, i, p);
	}
	return pc_error_count(c) == before;
}
