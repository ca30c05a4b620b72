// SPDX-License-Identifier: GPL-3.0-or-later
// Validation helpers shared by the policy sections: error collection, key sets, and typed
// reads of YAML nodes that report what was wrong and how to fix it.
#ifndef SC_POLICY_CHECK_H
#define SC_POLICY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "policy/yaml_tree.h"

// Enough to fix a policy in one go; more would bury the first, often causal, error.
#define PC_MAX_ERRORS 50
#define PC_PATH_LEN 128

struct pc_ctx {
	const char *file;          // as shown in messages
	char dir[SC_PATH_MAX];     // absolute directory relative paths are resolved against
	bool check_files;
	struct sc_policy_errors *errors;
	size_t capacity;
	bool oom;                  // an error could not be recorded
};

// Records an error at AT (NULL: no position). Beyond PC_MAX_ERRORS the last slot says that
// more were left out.
void pc_error(struct pc_ctx *c, const struct pt_node *at, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pc_error_at(struct pc_ctx *c, unsigned line, unsigned column, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
size_t pc_error_count(const struct pc_ctx *c);
// Orders the errors as they appear in the file (errors without a place first).
void pc_sort_errors(struct pc_ctx *c);
bool pc_errors_full(const struct pc_ctx *c);

// Dotted key paths: "tunnel" + "peers" -> "tunnel.peers"; + 1 -> "tunnel.peers[1]".
void pc_path(char *out, const char *parent, const char *name);
void pc_path_index(char *out, const char *parent, size_t index);

// The nearest of CANDIDATES to WORD when it is close enough to be a typo, else NULL.
const char *pc_did_you_mean(const char *word, const char *const *candidates, size_t n);

struct pc_key {
	const char *name;
	bool required;
	const char *example; // shown when a required key is missing: "address: 10.77.0.1/24"
};

// Checks that NODE is a mapping whose keys are all in KEYS, none repeated, every required
// one present. Returns false (after reporting) when NODE is not a usable mapping.
bool pc_map(struct pc_ctx *c, const struct pt_node *node, const char *path,
	    const struct pc_key *keys, size_t n_keys);
// The value of NAME in MAP, or NULL when absent (first occurrence when repeated).
const struct pt_node *pc_get(const struct pt_node *map, const char *name);

// Typed reads. Each returns false after reporting a problem, leaving *OUT untouched, so a
// default stays in place while the remaining keys are still checked.
const char *pc_scalar(struct pc_ctx *c, const struct pt_node *node, const char *path);
bool pc_seq(struct pc_ctx *c, const struct pt_node *node, const char *path, size_t min,
	    size_t max, const char *what);
bool pc_u32(struct pc_ctx *c, const struct pt_node *node, const char *path, uint32_t min,
	    uint32_t max, uint32_t *out);
bool pc_bool(struct pc_ctx *c, const struct pt_node *node, const char *path, bool *out);
// Index into NAMES (case-insensitive match), or -1 after reporting.
int pc_enum(struct pc_ctx *c, const struct pt_node *node, const char *path,
	    const char *const *names, size_t n);
// A site, peer or directory name: [a-z][a-z0-9-]{0,31}.
bool pc_name(struct pc_ctx *c, const struct pt_node *node, const char *path,
	     char out[SC_NAME_MAX + 1]);
// Any non-empty value that fits OUT.
bool pc_string(struct pc_ctx *c, const struct pt_node *node, const char *path, char *out,
	       size_t outsz);
// A 32-byte key in standard base64, as `wg genkey`/`wg pubkey` print it.
bool pc_wg_key(struct pc_ctx *c, const struct pt_node *node, const char *path,
	       uint8_t out[SC_WG_KEY_LEN]);

// A list of distinct names from NAMES, in order, at most SC_MAX_LIST; OUT gets the indices.
bool pc_enum_list(struct pc_ctx *c, const struct pt_node *node, const char *path,
		  const char *const *names, size_t n, int *out, size_t *n_out);

#define PC_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
