// SPDX-License-Identifier: GPL-3.0-or-later
// A small read-only tree built from libyaml's event stream. The policy is validated on this
// tree rather than on events so that every error can be collected in one pass, with the
// position of the node that caused it. Anchors, aliases and tags never enter the tree.
#ifndef SC_POLICY_YAML_TREE_H
#define SC_POLICY_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

struct pc_ctx;

// A policy never nests deeper than tunnel.peers[i].allowed_ips[j] (5 levels); anything much
// deeper is a mistake or an attack on the parser's memory.
#define PT_MAX_DEPTH 16
#define PT_MAX_INPUT (1024 * 1024)

enum pt_kind { PT_SCALAR, PT_SEQ, PT_MAP, PT_REFUSED };

struct pt_node;

struct pt_entry {
	struct pt_node *key;
	struct pt_node *value;
};

struct pt_node {
	enum pt_kind kind;         // PT_REFUSED: an alias, already reported; skipped silently
	unsigned line, column;     // 1-based
	// PT_SCALAR
	char *text;                // NUL-terminated; embedded NULs are refused at parse time
	size_t len;
	bool is_null;              // plain "", "~" or "null": the key was given no value
	// PT_SEQ
	struct pt_node **items;
	size_t n_items;
	// PT_MAP
	struct pt_entry *entries;
	size_t n_entries;
	size_t cap;                // of items or entries
};

// Parses DATA into *ROOT. Syntax errors, anchors, aliases, tags, excessive nesting and more
// than one document are reported to CTX. Returns 0 with *ROOT set (NULL for an empty
// stream), or -EINVAL when the tree cannot be trusted (*ROOT is then NULL), or -ENOMEM.
int pt_parse(struct pc_ctx *ctx, const char *data, size_t len, struct pt_node **root);
void pt_free(struct pt_node *node);
const char *pt_kind_name(const struct pt_node *node);

#endif
