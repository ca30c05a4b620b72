// SPDX-License-Identifier: GPL-3.0-or-later
// The files a run writes: each replaced atomically (temporary file, fsync, rename), secrets
// created 0600 from their first byte, and nothing rewritten when its content is unchanged, so
// a second run over the same SITES.yaml leaves every file as it was.
#ifndef SC_PROVISION_FILES_H
#define SC_PROVISION_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PV_MODE_SECRET 0600
#define PV_MODE_PUBLIC 0644

// Writes DATA to PATH with MODE. Returns 1 when written, 0 when PATH already held exactly
// this content with this mode, or -errno.
int pv_write_file(const char *path, const void *data, size_t len, mode_t mode);
// Reads PATH (at most MAX bytes) into a NUL-terminated buffer the caller frees with
// pv_free_file. With SECRET the file must be 0600 or stricter (-EPERM otherwise) and the
// buffer is wiped when freed. -ENOENT when absent, -EFBIG when larger than MAX.
int pv_read_file(const char *path, size_t max, bool secret, char **out, size_t *len);
void pv_free_file(char *data, size_t len, bool secret);
// Creates DIR with mode 0700 when absent; refuses a non-directory in its place (-ENOTDIR).
int pv_make_dir(const char *dir);
// Joins A and B with '/' into OUT; -ENAMETOOLONG when it does not fit.
int pv_join(char *out, size_t outsz, const char *a, const char *b);
bool pv_exists(const char *path);

#endif
