// SPDX-License-Identifier: GPL-3.0-or-later
// A growable byte buffer with a hard size limit, so that no client or peer count can make a
// response grow without bound. Errors are sticky: a chain of appends is checked once.
#ifndef SC_CORE_OUTBUF_H
#define SC_CORE_OUTBUF_H

#include <stddef.h>

struct sc_outbuf {
	char *data;   // always NUL-terminated when non-NULL (the NUL is not counted in len)
	size_t len, cap, max;
	int err;      // first error: -ENOMEM, or -E2BIG when max would be exceeded
};

void sc_outbuf_init(struct sc_outbuf *b, size_t max);
void sc_outbuf_free(struct sc_outbuf *b);
void sc_outbuf_reset(struct sc_outbuf *b);
int sc_outbuf_append(struct sc_outbuf *b, const void *data, size_t len);
int sc_outbuf_puts(struct sc_outbuf *b, const char *s);
int sc_outbuf_printf(struct sc_outbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
