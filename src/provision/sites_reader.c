// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/sites_reader.h"

#include <string.h>

// SITES.yaml is three levels deep (sites[i].name); anything much deeper is a mistake or an
// attack on the parser's memory.
#define MAX_DEPTH 16

struct sc_sites_place sr_place_of(const yaml_event_t *ev)
{
	return (struct sc_sites_place){ (unsigned)ev->start_mark.line + 1,
					(unsigned)ev->start_mark.column + 1 };
}

static void refuse_decorations(struct reader *r, const char *anchor, const char *tag)
{
	struct sc_sites_place at = sr_place_of(&r->ev);
	if (anchor)
		sp_error(r->ctx, &at, NULL,
			 "anchors (&%.40s) are not accepted; write the value out in full", anchor);
	if (tag)
		sp_error(r->ctx, &at, NULL, "tags (%.40s) are not accepted; remove the tag", tag);
}

bool sr_advance(struct reader *r)
{
	if (r->has_event) {
		yaml_event_delete(&r->ev);
		r->has_event = false;
	}
	if (r->broken)
		return false;
	if (!yaml_parser_parse(&r->parser, &r->ev)) {
		struct sc_sites_place at = { (unsigned)r->parser.problem_mark.line + 1,
					     (unsigned)r->parser.problem_mark.column + 1 };
		sp_error(r->ctx, &at, NULL, "YAML syntax error: %s%s%s; fix the YAML (indentation, quotes, colons)",
			 r->parser.problem ? r->parser.problem : "unreadable input",
			 r->parser.context ? " " : "", r->parser.context ? r->parser.context : "");
		r->broken = true;
		return false;
	}
	r->has_event = true;
	const yaml_event_t *ev = &r->ev;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		refuse_decorations(r, (const char *)ev->data.scalar.anchor,
				   (const char *)ev->data.scalar.tag);
		break;
	case YAML_SEQUENCE_START_EVENT:
		refuse_decorations(r, (const char *)ev->data.sequence_start.anchor,
				   (const char *)ev->data.sequence_start.tag);
		break;
	case YAML_MAPPING_START_EVENT:
		refuse_decorations(r, (const char *)ev->data.mapping_start.anchor,
				   (const char *)ev->data.mapping_start.tag);
		break;
	case YAML_ALIAS_EVENT: {
		struct sc_sites_place at = sr_place_of(ev);
		sp_error(r->ctx, &at, NULL, "aliases (*%.40s) are not accepted; write the value out in full",
			 (const char *)ev->data.alias.anchor);
		break;
	}
	default:
		break;
	}
	return true;
}

static bool is_start(const yaml_event_t *ev)
{
	return ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
}

void sr_skip_node(struct reader *r)
{
	if (!is_start(&r->ev))
		return;
	unsigned depth = 1;
	while (depth > 0 && sr_advance(r)) {
		if (is_start(&r->ev)) {
			if (++depth > MAX_DEPTH) {
				struct sc_sites_place at = sr_place_of(&r->ev);
				sp_error(r->ctx, &at, NULL,
					 "nested more than %d levels deep; SITES.yaml needs three", MAX_DEPTH);
				r->broken = true;
				return;
			}
		} else if (r->ev.type == YAML_SEQUENCE_END_EVENT || r->ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
	}
}

const char *sr_kind_name(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "a single value";
	}
}

bool sr_scalar_is_null(const yaml_event_t *ev)
{
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)ev->data.scalar.value;
	return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

const char *sr_scalar(struct reader *r, const char *path)
{
	struct sc_sites_place at = sr_place_of(&r->ev);
	if (r->ev.type == YAML_ALIAS_EVENT)
		return NULL; // reported by sr_advance()
	if (r->ev.type != YAML_SCALAR_EVENT) {
		sp_error(r->ctx, &at, path, "expects a single value, not %s", sr_kind_name(&r->ev));
		sr_skip_node(r);
		return NULL;
	}
	if (sr_scalar_is_null(&r->ev)) {
		sp_error(r->ctx, &at, path, "has no value; give one, or leave the key out to get its default");
		return NULL;
	}
	const char *text = (const char *)r->ev.data.scalar.value;
	if (strlen(text) != r->ev.data.scalar.length) {
		sp_error(r->ctx, &at, path, "contains a NUL character; remove it");
		return NULL;
	}
	return text;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

int sr_next_key(struct reader *r, struct map_state *m, const char *path)
{
	for (;;) {
		if (!sr_advance(r) || r->ev.type == YAML_MAPPING_END_EVENT)
			return -1;
		struct sc_sites_place at = sr_place_of(&r->ev);
		if (r->ev.type != YAML_SCALAR_EVENT) {
			sp_error(r->ctx, &at, path, "a key must be a plain word, not %s", sr_kind_name(&r->ev));
			sr_skip_node(r);
			if (!sr_advance(r))
				return -1;
			sr_skip_node(r);
			continue;
		}
		const char *key = (const char *)r->ev.data.scalar.value;
		char where[SP_PATH_LEN];
		snprintf(where, sizeof(where), "%.40s%s%.60s", path, *path ? "." : "", key);
		int found = -1;
		for (size_t i = 0; i < m->n_keys; i++)
			if (strcmp(m->keys[i].name, key) == 0)
				found = (int)i;
		if (found < 0) {
			const char *best = NULL;
			size_t best_d = 3;
			for (size_t i = 0; i < m->n_keys; i++) {
				size_t d = edit_distance(key, m->keys[i].name);
				if (d < best_d) {
					best_d = d;
					best = m->keys[i].name;
				}
			}
			char allowed[160] = "";
			for (size_t i = 0; i < m->n_keys; i++)
				snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s",
					 i ? ", " : "", m->keys[i].name);
			if (best)
				sp_error(r->ctx, &at, where, "unknown key '%.60s'; did you mean '%s'?", key, best);
			else
				sp_error(r->ctx, &at, where, "unknown key '%.60s'; the keys here are: %s", key,
					 allowed);
		} else if (m->seen[found].line) {
			sp_error(r->ctx, &at, where, "given twice (first at line %u); keep one of them",
				 m->seen[found].line);
			found = -1;
		} else {
			m->seen[found] = at;
		}
		if (!sr_advance(r))
			return -1;
		if (found >= 0)
			return found;
		sr_skip_node(r);
	}
}

void sr_report_missing(struct reader *r, const struct map_state *m, const char *path,
			   const struct sc_sites_place *map_at)
{
	for (size_t i = 0; i < m->n_keys; i++) {
		if (!m->keys[i].required || m->seen[i].line)
			continue;
		sp_error(r->ctx, map_at, path, "missing '%s'; add it, e.g. %s", m->keys[i].name,
			 m->keys[i].example);
	}
}

bool sr_expect_mapping(struct reader *r, const char *path, const char *example)
{
	if (r->ev.type == YAML_MAPPING_START_EVENT)
		return true;
	if (r->ev.type != YAML_ALIAS_EVENT) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path, "expects a mapping of keys (%s), not %s", example,
			 sr_kind_name(&r->ev));
	}
	sr_skip_node(r);
	return false;
}

