// SPDX-License-Identifier: GPL-3.0-or-later
// A growable byte buffer with a hard size limit, so that no client or peer count can make a
// response grow without bound. Errors are sticky: a chain of appends is checked once.
#ifndef SC_CORE_BUF_H
#define SC_CORE_BUF_H

#include <stddef.h>

struct sc_buf {
	char *data;   // always NUL-terminated when non-NULL (the NUL is not counted in len)
	size_t len, cap, max;
	int err;      // first error: -ENOMEM, or -E2BIG when max would be exceeded
};

void sc_buf_init(struct sc_buf *b, size_t max);
void sc_buf_free(struct sc_buf *b);
void sc_buf_reset(struct sc_buf *b);
int sc_buf_append(struct sc_buf *b, const void *data, size_t len);
int sc_buf_puts(struct sc_buf *b, const char *s);
int sc_buf_printf(struct sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
