// SPDX-License-Identifier: GPL-3.0-or-later
// The files a run writes: each replaced atomically (temporary file, sync, rename), secrets
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

// A run's writes, made durable together: each file is written to PATH.provision-tmp (a
// secret with its mode from the moment it exists), one syncfs makes them all durable, then
// each is renamed over its PATH and a second syncfs makes the renames durable. A crash leaves
// every file either old or new, never torn; and two file system syncs instead of two fsyncs a
// file keep 200 sites at about a second on a disk where one fsync costs milliseconds.
struct pv_pending {
	char *path;
};

struct pv_writes {
	struct pv_pending *items;
	size_t count, cap;
};

void pv_writes_init(struct pv_writes *w);
// Stages DATA for PATH with MODE. Returns 1 when staged, 0 when PATH already holds exactly
// this content with this mode (nothing is written), or -errno.
int pv_writes_add(struct pv_writes *w, const char *path, const void *data, size_t len, mode_t mode);
// Makes everything staged durable and puts it in place; ROOT names the file system.
int pv_writes_commit(struct pv_writes *w, const char *root);
// Drops what was staged (after a failure) and frees W; safe after a commit.
void pv_writes_abort(struct pv_writes *w);

// Reads PATH (at most MAX bytes) into a NUL-terminated buffer the caller frees with
// pv_free_file. With SECRET the file must be 0600 or stricter (-EPERM otherwise) and the
// buffer is wiped when freed. -ENOENT when absent, -EFBIG when larger than MAX.
int pv_read_file(const char *path, size_t max, bool secret, char **out, size_t *len);
void pv_free_file(char *data, size_t len, bool secret);
// Removes the temporary files an interrupted run left in DIR (not below it).
void pv_remove_temporaries(const char *dir);
// Creates DIR with mode 0700 when absent; refuses a non-directory in its place (-ENOTDIR).
int pv_make_dir(const char *dir);
// Joins A and B with '/' into OUT; -ENAMETOOLONG when it does not fit.
int pv_join(char *out, size_t outsz, const char *a, const char *b);
bool pv_exists(const char *path);

#endif
