// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the policy tree from libyaml's events (yaml_parser_parse), never its document
// loader: the loader expands aliases, and a few lines of nested aliases expand to gigabytes.
#include "policy/yaml_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "policy/check.h"

struct frame {
	struct pt_node *node;
	struct pt_node *pending_key; // a mapping's key still waiting for its value
	char path[PC_PATH_LEN];
};

struct builder {
	struct pc_ctx *ctx;
	struct pt_node *root;
	struct frame stack[PT_MAX_DEPTH];
	size_t depth;
};

const char *pt_kind_name(const struct pt_node *node)
{
	if (!node)
		return "nothing";
	switch (node->kind) {
	case PT_SCALAR:
		return node->is_null ? "no value" : "a single value";
	case PT_SEQ:
		return "a list";
	case PT_MAP:
		return "a mapping (key: value lines)";
	case PT_REFUSED:
		break;
	}
	return "a refused node";
}

void pt_free(struct pt_node *node)
{
	if (!node)
		return;
	free(node->text);
	for (size_t i = 0; i < node->n_items; i++)
		pt_free(node->items[i]);
	free(node->items);
	for (size_t i = 0; i < node->n_entries; i++) {
		pt_free(node->entries[i].key);
		pt_free(node->entries[i].value);
	}
	free(node->entries);
	free(node);
}

static int grow(void **array, size_t *cap, size_t used, size_t elem)
{
	if (used < *cap)
		return 0;
	size_t next = *cap ? *cap * 2 : 4;
	void *grown = realloc(*array, next * elem);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	*cap = next;
	return 0;
}

// The dotted path the next node will have, for messages about it.
static void next_path(const struct builder *b, char *out)
{
	if (b->depth == 0) {
		out[0] = '\0';
		return;
	}
	const struct frame *top = &b->stack[b->depth - 1];
	if (top->node->kind == PT_SEQ)
		pc_path_index(out, top->path, top->node->n_items);
	else if (top->pending_key && top->pending_key->kind == PT_SCALAR)
		pc_path(out, top->path, top->pending_key->text);
	else
		memcpy(out, top->path, PC_PATH_LEN);
}

// Hands NODE to the tree, which owns it from then on (also on failure, when it is freed).
static int attach(struct builder *b, struct pt_node *node)
{
	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	struct frame *top = &b->stack[b->depth - 1];
	struct pt_node *parent = top->node;
	if (parent->kind == PT_SEQ) {
		if (grow((void **)&parent->items, &parent->cap, parent->n_items, sizeof(*parent->items)) != 0) {
			pt_free(node);
			return -ENOMEM;
		}
		parent->items[parent->n_items++] = node;
		return 0;
	}
	if (!top->pending_key) {
		top->pending_key = node;
		return 0;
	}
	if (grow((void **)&parent->entries, &parent->cap, parent->n_entries, sizeof(*parent->entries)) != 0) {
		pt_free(node);
		return -ENOMEM;
	}
	parent->entries[parent->n_entries].key = top->pending_key;
	parent->entries[parent->n_entries].value = node;
	parent->n_entries++;
	top->pending_key = NULL;
	return 0;
}

static struct pt_node *new_node(enum pt_kind kind, yaml_mark_t mark)
{
	struct pt_node *node = calloc(1, sizeof(*node));
	if (node) {
		node->kind = kind;
		node->line = (unsigned)mark.line + 1;
		node->column = (unsigned)mark.column + 1;
	}
	return node;
}

// Anchors and tags have no use in a policy; refusing them keeps the file's meaning obvious.
static bool refuse_decorations(struct builder *b, const yaml_event_t *ev, const char *path,
			       const yaml_char_t *anchor, const yaml_char_t *tag)
{
	unsigned line = (unsigned)ev->start_mark.line + 1, column = (unsigned)ev->start_mark.column + 1;
	bool refused = false;
	if (anchor) {
		pc_error_at(b->ctx, line, column, path,
			    "YAML anchors (&%.40s) are refused: the policy has no use for them and aliases to them can blow up memory; write the value out in full",
			    (const char *)anchor);
		refused = true;
	}
	if (tag) {
		pc_error_at(b->ctx, line, column, path,
			    "YAML tags (%.60s) are refused: every key already has a fixed type; remove the tag",
			    (const char *)tag);
		refused = true;
	}
	return refused;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	char path[PC_PATH_LEN];
	next_path(b, path);
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct pt_node *node = new_node(PT_SCALAR, ev->start_mark);
	if (!node)
		return -ENOMEM;
	bool refused = refuse_decorations(b, ev, path, ev->data.scalar.anchor, ev->data.scalar.tag);
	if (strlen(value) != len) {
		pc_error(b->ctx, node, path,
			 "the value contains a NUL character (\\0); remove it");
		refused = true;
	}
	if (refused) {
		node->kind = PT_REFUSED;
		return attach(b, node);
	}
	node->text = malloc(len + 1);
	if (!node->text) {
		pt_free(node);
		return -ENOMEM;
	}
	memcpy(node->text, value, len + 1);
	node->len = len;
	node->is_null = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			(len == 0 || strcmp(value, "~") == 0 || strcmp(value, "null") == 0 ||
			 strcmp(value, "Null") == 0 || strcmp(value, "NULL") == 0);
	return attach(b, node);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	char path[PC_PATH_LEN];
	next_path(b, path);
	struct pt_node *node = new_node(PT_REFUSED, ev->start_mark);
	if (!node)
		return -ENOMEM;
	pc_error(b->ctx, node, path,
		 "YAML aliases (*%.40s) are refused: the policy has no use for them and they allow alias bombs; write the value out in full",
		 (const char *)ev->data.alias.anchor);
	return attach(b, node);
}

static int on_start(struct builder *b, const yaml_event_t *ev, enum pt_kind kind,
		    const yaml_char_t *anchor, const yaml_char_t *tag)
{
	char path[PC_PATH_LEN];
	next_path(b, path);
	if (b->depth == PT_MAX_DEPTH) {
		pc_error_at(b->ctx, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1, path,
			    "lists and mappings are nested deeper than %d levels; the policy never nests that deep, check the indentation",
			    PT_MAX_DEPTH);
		return -EINVAL;
	}
	struct pt_node *node = new_node(kind, ev->start_mark);
	if (!node)
		return -ENOMEM;
	refuse_decorations(b, ev, path, anchor, tag);
	int rc = attach(b, node);
	if (rc != 0)
		return rc;
	struct frame *f = &b->stack[b->depth++];
	f->node = node;
	f->pending_key = NULL;
	memcpy(f->path, path, PC_PATH_LEN);
	return 0;
}

static void report_syntax_error(struct builder *b, const yaml_parser_t *parser)
{
	char path[PC_PATH_LEN];
	next_path(b, path);
	const char *problem = parser->problem ? parser->problem : "malformed YAML";
	const char *context = parser->context ? parser->context : NULL;
	pc_error_at(b->ctx, (unsigned)parser->problem_mark.line + 1,
		    (unsigned)parser->problem_mark.column + 1, path,
		    "YAML syntax error: %s%s%s; indent with spaces (not tabs) and quote values that start with [ { * & ! | > ' \" %% @ or `",
		    problem, context ? " " : "", context ? context : "");
}

// Handles one event; returns 1 at the end of the stream, 0 to go on, or a negative errno.
static int on_event(struct builder *b, const yaml_event_t *ev, int *documents)
{
	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
	case YAML_NO_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++*documents > 1) {
			pc_error_at(b->ctx, (unsigned)ev->start_mark.line + 1,
				    (unsigned)ev->start_mark.column + 1, "",
				    "a second YAML document starts here; the policy is a single document, remove the '---' and what follows or merge it");
			return -EINVAL;
		}
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, PT_SEQ, ev->data.sequence_start.anchor,
				ev->data.sequence_start.tag);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, PT_MAP, ev->data.mapping_start.anchor,
				ev->data.mapping_start.tag);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0) {
			b->depth--;
			pt_free(b->stack[b->depth].pending_key);
			b->stack[b->depth].pending_key = NULL;
		}
		return 0;
	}
	return 0;
}

int pt_parse(struct pc_ctx *ctx, const char *data, size_t len, struct pt_node **root)
{
	struct builder b = { .ctx = ctx };
	yaml_parser_t parser;
	int rc = 0, documents = 0;
	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	// Each event consumes input and the stream always ends, so this loop is bounded by LEN.
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				rc = -ENOMEM;
			} else {
				report_syntax_error(&b, &parser);
				rc = -EINVAL;
			}
			goto out;
		}
		rc = on_event(&b, &ev, &documents);
		yaml_event_delete(&ev);
		if (rc < 0)
			goto out;
		if (rc == 1)
			break;
	}
	rc = 0;
out:
	yaml_parser_delete(&parser);
	if (rc != 0) {
		// A key whose value never came is not yet part of the tree.
		for (size_t i = 0; i < b.depth; i++)
			pt_free(b.stack[i].pending_key);
		pt_free(b.root);
		return rc;
	}
	*root = b.root;
	return 0;
}
