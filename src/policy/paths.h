// SPDX-License-Identifier: GPL-3.0-or-later
// File paths named by the policy: resolved against the policy's own directory (a site
// bundle keeps its keys beside its policy), and, when asked, checked on disk.
#ifndef SC_POLICY_PATHS_H
#define SC_POLICY_PATHS_H

#include <stddef.h>

#include "policy/check.h"

// Makes FILE absolute against the current directory and removes "." and ".." segments.
int paths_absolute(const char *file, char *out, size_t outsz);
// The directory part of the absolute path ABS ("/" for a file at the root).
void paths_dirname(const char *abs, char *out, size_t outsz);
// DIR/VALUE, or VALUE when it is already absolute, normalised.
int paths_resolve(const char *dir, const char *value, char *out, size_t outsz);

// Reads a path value, resolved against the policy's directory.
bool pc_file_path(struct pc_ctx *c, const struct pt_node *node, const char *path,
		  char out[SC_PATH_MAX]);

enum pc_file_kind {
	PC_FILE_PUBLIC,      // certificates: must exist and be readable
	PC_FILE_SECRET,      // TLS private key: also 0600
	PC_FILE_WG_KEY,      // also one base64 WireGuard key (wg genkey)
	PC_FILE_WG_PSK,      // also one base64 preshared key (wg genpsk)
	PC_FILE_PASSWORD,    // also not empty
	PC_FILE_CACHE,       // may not exist yet, but its directory must; 0600 when it does
};

// Checks FILE on disk when the context asks for it; reports at NODE under PATH.
void pc_check_file(struct pc_ctx *c, const struct pt_node *node, const char *path,
		   const char *file, enum pc_file_kind kind);

#endif
