// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/outbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sc_outbuf_init(struct sc_outbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void sc_outbuf_free(struct sc_outbuf *b)
{
	free(b->data);
	sc_outbuf_init(b, b->max);
}

void sc_outbuf_reset(struct sc_outbuf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int reserve(struct sc_outbuf *b, size_t extra)
{
	if (b->err)
		return b->err;
	if (extra > b->max || b->len > b->max - extra) {
		b->err = -E2BIG;
		return b->err;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *grown = realloc(b->data, cap);
	if (!grown) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->data = grown;
	b->cap = cap;
	return 0;
}

int sc_outbuf_append(struct sc_outbuf *b, const void *data, size_t len)
{
	int r = reserve(b, len);
	if (r < 0)
		return r;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int sc_outbuf_puts(struct sc_outbuf *b, const char *s)
{
	return sc_outbuf_append(b, s, strlen(s));
}

int sc_outbuf_printf(struct sc_outbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (!b->err)
			b->err = -EINVAL;
		return b->err;
	}
	int r = reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
