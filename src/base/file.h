// SPDX-License-Identifier: GPL-3.0-or-later
// Whole small files (keys, policies, records) read the one way: size-capped, judged by the
// file actually opened (fstat after open, so a swapped path cannot slip past the checks), and,
// for a secret, never left in freed memory on any path.
#ifndef SC_BASE_FILE_H
#define SC_BASE_FILE_H

#include <stddef.h>

enum sc_read_flags {
	// A symbolic link as the last component is refused (-ELOOP): for files a tool writes or
	// reads on the operator's behalf, where a link could point it somewhere unintended.
	SC_READ_NOFOLLOW = 1u << 0,
	// The file must give group and others no access at all (-EPERM), and the buffer is wiped
	// before it is released on every failure.
	SC_READ_SECRET = 1u << 1,
};

// Reads the regular file PATH, at most MAX bytes, into a buffer of MAX + 1 bytes that it
// allocates; the *LEN bytes read are followed by a NUL. Release it with free(), or with
// sc_secret_free(*out, MAX + 1) when SC_READ_SECRET. Returns 0, -errno from open or read
// (-ENOENT, -EACCES, -ELOOP...), -EISDIR for a directory, -EINVAL for any other file that is
// not regular (a FIFO is opened without blocking, then refused), -EPERM (SC_READ_SECRET) when
// group or others have access, -EFBIG when it holds more than MAX bytes.
int sc_read_file(const char *path, size_t max, unsigned flags, char **out, size_t *len);

#endif
