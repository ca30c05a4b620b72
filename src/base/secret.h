// SPDX-License-Identifier: GPL-3.0-or-later
// Secrets (keys, passwords, shared secrets) are wiped before their memory is released, and
// key files are read only when nobody but their owner can read them.
#ifndef SC_BASE_SECRET_H
#define SC_BASE_SECRET_H

#include <stddef.h>
#include <stdint.h>

// Wipes memory in a way the compiler may not optimise away.
void sc_wipe(void *p, size_t len);
// Wipes then frees; safe with NULL.
void sc_secret_free(void *p, size_t len);
// Constant-time comparison: 0 when equal.
int sc_ct_memcmp(const void *a, const void *b, size_t len);

// Checks that PATH is a regular file readable by its owner only (mode & 077 == 0).
// Returns 0, -ENOENT/-EACCES/... from stat, or -EPERM when group or others may read it.
int sc_check_secret_file_mode(const char *path);

// Reads a secret file of at most MAX bytes into a buffer it allocates; the caller wipes it
// with sc_secret_free(*out, *len). Refuses files others can read (-EPERM) and larger ones
// (-EFBIG).
int sc_read_secret_file(const char *path, size_t max, uint8_t **out, size_t *len);

#endif
