// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the SITES.yaml parser and the checks that run on what it parsed.
#ifndef SC_PROVISION_SITES_INTERNAL_H
#define SC_PROVISION_SITES_INTERNAL_H

#include "provision/sites.h"

// Enough to fix a file in one go; more would bury the first, often causal, error.
#define SP_MAX_ERRORS 50
#define SP_PATH_LEN 128

struct sp_ctx {
	const char *file;
	struct sc_sites_errors *errors;
	size_t capacity;
	bool oom;
};

void sp_error(struct sp_ctx *c, const struct sc_sites_place *at, const char *key, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
// An error in another file the sites file names (an authorized_keys file), at its own
// LINE:COLUMN (0: the file as a whole); KEY is the sites file's key that named it.
void sp_error_in(struct sp_ctx *c, const char *file, unsigned line, unsigned column,
		 const char *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
size_t sp_error_count(const struct sp_ctx *c);
// Orders errors as they appear in the file (those without a place first).
void sp_sort_errors(struct sp_ctx *c);

// [a-z][a-z0-9-]{0,31}, not ending in '-': a site name is a DNS label, a SIP user and a
// file name at once.
bool sp_valid_name(const char *name);

// Checks across entries (duplicates, addressing, references); the values checked are
// those that parsed, so one mistake is reported once.
void sp_check_sites(struct sp_ctx *c, const struct sc_sites *s);

// Records the file TEXT (ssh_authorized_keys at AT, KEY) names, resolved against the sites
// file's folder; returns its index in S->ssh_keys_files (one entry per file), or
// SC_SSH_KEYS_INHERIT after reporting why it is not usable.
int sp_ssh_keys_file(struct sp_ctx *c, struct sc_sites *s, const char *text,
		     const struct sc_sites_place *at, const char *key);
// Reads the files ssh_authorized_keys names and checks them (authorized_keys.c), and gives
// every site that names none the top-level one. Its errors are in those files' own lines,
// so they come after the sites file's own (sorted) errors.
void sp_load_ssh_keys(struct sp_ctx *c, struct sc_sites *s);

#endif
