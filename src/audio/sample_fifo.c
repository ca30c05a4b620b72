// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/sample_fifo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sc_sample_fifo_init(struct sc_sample_fifo *f, size_t cap)
{
	memset(f, 0, sizeof(*f));
	if (!cap)
		return -EINVAL;
	f->buf = calloc(cap, sizeof(*f->buf));
	if (!f->buf)
		return -ENOMEM;
	f->cap = cap;
	return 0;
}

void sc_sample_fifo_free(struct sc_sample_fifo *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

size_t sc_sample_fifo_push(struct sc_sample_fifo *f, const int16_t *in, size_t n)
{
	if (n > f->cap - f->len)
		n = f->cap - f->len;
	size_t tail = (f->head + f->len) % f->cap;
	size_t first = n < f->cap - tail ? n : f->cap - tail;
	memcpy(f->buf + tail, in, first * sizeof(*in));
	memcpy(f->buf, in + first, (n - first) * sizeof(*in));
	f->len += n;
	return n;
}

size_t sc_sample_fifo_peek(const struct sc_sample_fifo *f, int16_t *out, size_t n)
{
	if (n > f->len)
		n = f->len;
	size_t first = n < f->cap - f->head ? n : f->cap - f->head;
	memcpy(out, f->buf + f->head, first * sizeof(*out));
	memcpy(out + first, f->buf, (n - first) * sizeof(*out));
	return n;
}

size_t sc_sample_fifo_pop(struct sc_sample_fifo *f, int16_t *out, size_t n)
{
	if (n > f->len)
		n = f->len;
	if (out)
		sc_sample_fifo_peek(f, out, n);
	f->head = (f->head + n) % f->cap;
	f->len -= n;
	return n;
}
