// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strutil.h"

size_t pc_error_count(const struct pc_ctx *c)
{
	return c->errors->count;
}

bool pc_errors_full(const struct pc_ctx *c)
{
	return c->errors->count >= PC_MAX_ERRORS;
}

static struct sc_policy_error *next_slot(struct pc_ctx *c)
{
	struct sc_policy_errors *e = c->errors;
	if (e->count >= PC_MAX_ERRORS)
		return NULL;
	if (e->count == c->capacity) {
		size_t cap = c->capacity ? c->capacity * 2 : 8;
		struct sc_policy_error *grown = realloc(e->items, cap * sizeof(*grown));
		if (!grown) {
			c->oom = true;
			return NULL;
		}
		e->items = grown;
		c->capacity = cap;
	}
	struct sc_policy_error *slot = &e->items[e->count++];
	memset(slot, 0, sizeof(*slot));
	sc_strcpy(slot->file, sizeof(slot->file), c->file);
	return slot;
}

static void record(struct pc_ctx *c, unsigned line, unsigned column, const char *key,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void record(struct pc_ctx *c, unsigned line, unsigned column, const char *key,
		   const char *fmt, va_list ap)
{
	struct sc_policy_error *slot = next_slot(c);
	if (!slot)
		return;
	slot->line = line;
	slot->column = column;
	sc_strcpy(slot->key, sizeof(slot->key), key ? key : "");
	if (c->errors->count == PC_MAX_ERRORS) {
		snprintf(slot->message, sizeof(slot->message),
			 "too many errors, the rest are not shown; fix these and check again");
		return;
	}
	vsnprintf(slot->message, sizeof(slot->message), fmt, ap);
}

void pc_error(struct pc_ctx *c, const struct pt_node *at, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(c, at ? at->line : 0, at ? at->column : 0, key, fmt, ap);
	va_end(ap);
}

void pc_error_at(struct pc_ctx *c, unsigned line, unsigned column, const char *key,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(c, line, column, key, fmt, ap);
	va_end(ap);
}

struct ranked_error {
	struct sc_policy_error error;
	size_t order;
};

static int compare_positions(const void *pa, const void *pb)
{
	const struct ranked_error *a = pa, *b = pb;
	if (a->error.line != b->error.line)
		return a->error.line < b->error.line ? -1 : 1;
	if (a->error.column != b->error.column)
		return a->error.column < b->error.column ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

void pc_sort_errors(struct pc_ctx *c)
{
	struct sc_policy_errors *e = c->errors;
	// The "too many errors" note stays last.
	size_t n = e->count == PC_MAX_ERRORS ? e->count - 1 : e->count;
	if (n < 2)
		return;
	struct ranked_error *ranked = malloc(n * sizeof(*ranked));
	if (!ranked)
		return; // unsorted is still correct
	for (size_t i = 0; i < n; i++)
		ranked[i] = (struct ranked_error){ e->items[i], i };
	qsort(ranked, n, sizeof(*ranked), compare_positions);
	for (size_t i = 0; i < n; i++)
		e->items[i] = ranked[i].error;
	free(ranked);
}

void pc_path(char *out, const char *parent, const char *name)
{
	if (!parent || !parent[0])
		snprintf(out, PC_PATH_LEN, "%.120s", name);
	else
		snprintf(out, PC_PATH_LEN, "%.100s.%.26s", parent, name);
}

void pc_path_index(char *out, const char *parent, size_t index)
{
	snprintf(out, PC_PATH_LEN, "%.100s[%zu]", parent, index);
}

// Edit distance, bounded: words longer than this are not typos of policy keywords.
#define DYM_MAX_LEN 40

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev[DYM_MAX_LEN + 1], cur[DYM_MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev[j - 1] + cost;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

const char *pc_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word);
	if (len == 0 || len > DYM_MAX_LEN)
		return NULL;
	const char *best = NULL;
	size_t best_distance = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (strlen(candidates[i]) > DYM_MAX_LEN)
			continue;
		if (strcasecmp(word, candidates[i]) == 0)
			return candidates[i];
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_distance) {
			best_distance = d;
			best = candidates[i];
		}
	}
	// Two edits for longer words, one for short ones: "ca" is not a typo of "mtu".
	size_t allowed = len >= 5 ? 2 : 1;
	return best_distance <= allowed ? best : NULL;
}

static void join_names(char *out, size_t outsz, const struct pc_key *keys, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < outsz; i++) {
		int w = snprintf(out + used, outsz - used, "%s%s", i ? ", " : "", keys[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

const struct pt_node *pc_get(const struct pt_node *map, const char *name)
{
	if (!map || map->kind != PT_MAP)
		return NULL;
	for (size_t i = 0; i < map->n_entries; i++) {
		const struct pt_node *key = map->entries[i].key;
		if (key->kind == PT_SCALAR && strcmp(key->text, name) == 0)
			return map->entries[i].value;
	}
	return NULL;
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct pt_entry *a = *(const struct pt_entry *const *)pa;
	const struct pt_entry *b = *(const struct pt_entry *const *)pb;
	int byname = strcmp(a->key->text, b->key->text);
	if (byname)
		return byname;
	if (a->key->line != b->key->line)
		return a->key->line < b->key->line ? -1 : 1;
	return a->key->column < b->key->column ? -1 : a->key->column > b->key->column;
}

// Sorting keeps this O(n log n): a hostile mapping may hold hundreds of thousands of keys.
static void report_duplicate_keys(struct pc_ctx *c, const struct pt_node *map, const char *path)
{
	const struct pt_entry **sorted = malloc(map->n_entries * sizeof(*sorted));
	size_t n = 0;
	if (!sorted) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < map->n_entries; i++)
		if (map->entries[i].key->kind == PT_SCALAR)
			sorted[n++] = &map->entries[i];
	qsort(sorted, n, sizeof(*sorted), compare_entries);
	for (size_t i = 1; i < n && !pc_errors_full(c); i++) {
		const struct pt_node *first = sorted[i - 1]->key, *again = sorted[i]->key;
		if (strcmp(first->text, again->text) != 0)
			continue;
		char key[PC_PATH_LEN];
		pc_path(key, path, again->text);
		pc_error(c, again, key,
			 "key '%.40s' appears twice in this mapping (first at line %u); keep only one",
			 again->text, first->line);
	}
	free(sorted);
}

bool pc_map(struct pc_ctx *c, const struct pt_node *node, const char *path,
	    const struct pc_key *keys, size_t n_keys)
{
	char known[400];
	if (!node || node->kind == PT_REFUSED)
		return false;
	join_names(known, sizeof(known), keys, n_keys);
	if (node->kind != PT_MAP) {
		pc_error(c, node, path, "expected a mapping with the keys %s, got %s; write them as indented 'key: value' lines",
			 known, pt_kind_name(node));
		return false;
	}
	const char *names[32];
	size_t n_names = n_keys < PC_COUNT(names) ? n_keys : PC_COUNT(names);
	for (size_t i = 0; i < n_names; i++)
		names[i] = keys[i].name;
	for (size_t i = 0; i < node->n_entries && !pc_errors_full(c); i++) {
		const struct pt_node *key = node->entries[i].key;
		if (key->kind == PT_REFUSED)
			continue;
		if (key->kind != PT_SCALAR) {
			pc_error(c, key, path, "a key must be a plain name, not %s; remove the '?' complex key",
				 pt_kind_name(key));
			continue;
		}
		bool found = false;
		for (size_t k = 0; k < n_keys && !found; k++)
			found = strcmp(key->text, keys[k].name) == 0;
		if (found)
			continue;
		char at[PC_PATH_LEN];
		pc_path(at, path, key->text);
		const char *close = pc_did_you_mean(key->text, names, n_names);
		if (close)
			pc_error(c, key, at, "unknown key '%.40s'; did you mean '%s'?", key->text, close);
		else
			pc_error(c, key, at, "unknown key '%.40s'; the keys here are: %s", key->text, known);
	}
	report_duplicate_keys(c, node, path);
	for (size_t k = 0; k < n_keys; k++) {
		if (!keys[k].required || pc_get(node, keys[k].name))
			continue;
		char at[PC_PATH_LEN];
		pc_path(at, path, keys[k].name);
		pc_error(c, node, at, "missing required key '%s'; add it, e.g. '%s'", keys[k].name,
			 keys[k].example ? keys[k].example : keys[k].name);
	}
	return true;
}

const char *pc_scalar(struct pc_ctx *c, const struct pt_node *node, const char *path)
{
	if (!node || node->kind == PT_REFUSED)
		return NULL;
	if (node->kind != PT_SCALAR) {
		pc_error(c, node, path, "expected a single value, got %s; write 'key: value' on one line",
			 pt_kind_name(node));
		return NULL;
	}
	if (node->is_null) {
		pc_error(c, node, path, "has no value; write a value after the colon or remove the key");
		return NULL;
	}
	return node->text;
}

bool pc_seq(struct pc_ctx *c, const struct pt_node *node, const char *path, size_t min,
	    size_t max, const char *what)
{
	if (!node || node->kind == PT_REFUSED)
		return false;
	if (node->kind != PT_SEQ) {
		pc_error(c, node, path, "expected a list of %s, got %s; write [a, b] or one '- item' line each",
			 what, pt_kind_name(node));
		return false;
	}
	if (node->n_items < min) {
		pc_error(c, node, path, "lists %zu %s, at least %zu needed; add %s", node->n_items, what,
			 min, min == 1 ? "one" : "more");
		return false;
	}
	if (node->n_items > max) {
		pc_error(c, node, path, "lists %zu %s, at most %zu allowed; remove %zu", node->n_items,
			 what, max, node->n_items - max);
		return false;
	}
	return true;
}

bool pc_u32(struct pc_ctx *c, const struct pt_node *node, const char *path, uint32_t min,
	    uint32_t max, uint32_t *out)
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return false;
	uint32_t v;
	int rc = sc_parse_u32(text, min, max, &v);
	if (rc == -ERANGE) {
		pc_error(c, node, path, "%.40s is out of range; use a whole number from %u to %u", text,
			 min, max);
		return false;
	}
	if (rc != 0) {
		pc_error(c, node, path, "'%.40s' is not a whole number; use a whole number from %u to %u",
			 text, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool pc_bool(struct pc_ctx *c, const struct pt_node *node, const char *path, bool *out)
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return false;
	if (strcasecmp(text, "true") == 0) {
		*out = true;
		return true;
	}
	if (strcasecmp(text, "false") == 0) {
		*out = false;
		return true;
	}
	pc_error(c, node, path, "'%.40s' is not a boolean; write true or false", text);
	return false;
}

static void join_words(char *out, size_t outsz, const char *const *names, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < outsz; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(out + used, outsz - used, "%s%s", sep, names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

int pc_enum(struct pc_ctx *c, const struct pt_node *node, const char *path,
	    const char *const *names, size_t n)
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(text, names[i]) == 0)
			return (int)i;
	char choices[200];
	join_words(choices, sizeof(choices), names, n);
	pc_error(c, node, path, "'%.40s' is not allowed here; use %s", text, choices);
	return -1;
}

static bool is_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SC_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

bool pc_name(struct pc_ctx *c, const struct pt_node *node, const char *path,
	     char out[SC_NAME_MAX + 1])
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return false;
	if (!is_name(text)) {
		pc_error(c, node, path,
			 "'%.40s' is not a valid name; use 1 to %d lowercase letters, digits and '-', starting with a letter",
			 text, SC_NAME_MAX);
		return false;
	}
	sc_strcpy(out, SC_NAME_MAX + 1, text);
	return true;
}

bool pc_string(struct pc_ctx *c, const struct pt_node *node, const char *path, char *out,
	       size_t outsz)
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return false;
	if (text[0] == '\0') {
		pc_error(c, node, path, "is empty; give a value or remove the key");
		return false;
	}
	if (strlen(text) >= outsz) {
		pc_error(c, node, path, "is %zu characters long, at most %zu allowed; shorten it",
			 strlen(text), outsz - 1);
		return false;
	}
	sc_strcpy(out, outsz, text);
	return true;
}

bool pc_wg_key(struct pc_ctx *c, const struct pt_node *node, const char *path,
	       uint8_t out[SC_WG_KEY_LEN])
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return false;
	uint8_t buf[SC_WG_KEY_LEN + 4];
	if (strlen(text) != 44 || sc_base64_decode(text, buf, sizeof(buf)) != SC_WG_KEY_LEN) {
		pc_error(c, node, path,
			 "'%.48s' is not a WireGuard key; expected 44 characters of base64 for 32 bytes, as printed by 'wg pubkey'",
			 text);
		return false;
	}
	memcpy(out, buf, SC_WG_KEY_LEN);
	return true;
}

bool pc_enum_list(struct pc_ctx *c, const struct pt_node *node, const char *path,
		  const char *const *names, size_t n, int *out, size_t *n_out)
{
	if (!pc_seq(c, node, path, 1, SC_MAX_LIST < n ? SC_MAX_LIST : n, "names"))
		return false;
	int found[SC_MAX_LIST];
	size_t count = 0;
	bool ok = true;
	for (size_t i = 0; i < node->n_items; i++) {
		char at[PC_PATH_LEN];
		pc_path_index(at, path, i);
		int v = pc_enum(c, node->items[i], at, names, n);
		if (v < 0) {
			ok = false;
			continue;
		}
		bool repeated = false;
		for (size_t k = 0; k < count; k++)
			repeated = repeated || found[k] == v;
		if (repeated) {
			pc_error(c, node->items[i], at, "'%s' is listed twice; list each once", names[v]);
			ok = false;
			continue;
		}
		found[count++] = v;
	}
	if (!ok)
		return false;
	memcpy(out, found, count * sizeof(found[0]));
	*n_out = count;
	return true;
}
