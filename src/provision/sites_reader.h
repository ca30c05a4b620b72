// SPDX-License-Identifier: GPL-3.0-or-later
// A strict reader over libyaml's event stream for SITES.yaml: every node is consumed whole,
// a wrong one is reported (with its place) and skipped, so one run reports every problem.
// Anchors, aliases and tags are refused as they appear.
#ifndef SC_PROVISION_SITES_READER_H
#define SC_PROVISION_SITES_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "provision/sites_internal.h"

struct reader {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool has_event;
	bool broken; // a syntax error: libyaml gives no more events
	struct sp_ctx *ctx;
};

struct key_def {
	const char *name;
	bool required;
	const char *example; // shown when a required key is missing
};

struct map_state {
	const struct key_def *keys;
	size_t n_keys;
	struct sc_sites_place seen[12];
};

// A mapping's table of keys must fit in map_state.seen.
#define SR_KEYS_FIT(keys)                                                                      \
	_Static_assert(sizeof(keys) / sizeof((keys)[0]) <=                                     \
			       sizeof(((struct map_state *)0)->seen) / sizeof(struct sc_sites_place), \
		       "too many keys for struct map_state")

struct sc_sites_place sr_place_of(const yaml_event_t *ev);
// The next event; false at a syntax error (reported) or after one.
bool sr_advance(struct reader *r);
// Consumes the rest of the node whose first event is current.
void sr_skip_node(struct reader *r);
// "a list", "a mapping", ... for messages.
const char *sr_kind_name(const yaml_event_t *ev);
// Plain "", "~" or "null": a key given no value.
bool sr_scalar_is_null(const yaml_event_t *ev);
// The current node as text, or NULL after reporting why it is not one usable value.
const char *sr_scalar(struct reader *r, const char *path);
// Reads one key of the mapping whose start event was consumed. Returns the index of a known
// key whose value is now the current event, -1 when the mapping ended (or the stream broke),
// -2 for a key that was reported and skipped with its value.
int sr_next_key(struct reader *r, struct map_state *m, const char *path);
// Reports the required keys of M that never came.
void sr_report_missing(struct reader *r, const struct map_state *m, const char *path,
		       const struct sc_sites_place *map_at);
// True when the current node is a mapping; otherwise reports and skips it.
bool sr_expect_mapping(struct reader *r, const char *path, const char *example);

#endif
