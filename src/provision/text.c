// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"

void pv_text_init(struct pv_text *t, bool secret)
{
	memset(t, 0, sizeof(*t));
	t->secret = secret;
}

static bool reserve(struct pv_text *t, size_t more)
{
	if (t->failed)
		return false;
	if (t->len + more + 1 <= t->cap)
		return true;
	size_t cap = t->cap ? t->cap : 256;
	while (cap < t->len + more + 1) {
		if (cap > SIZE_MAX / 2) {
			t->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *grown = malloc(cap);
	if (!grown) {
		t->failed = true;
		return false;
	}
	if (t->data)
		memcpy(grown, t->data, t->len + 1);
	else
		grown[0] = '\0';
	if (t->secret)
		sc_secret_free(t->data, t->cap);
	else
		free(t->data);
	t->data = grown;
	t->cap = cap;
	return true;
}

void pv_text_append(struct pv_text *t, const void *data, size_t len)
{
	if (!reserve(t, len))
		return;
	memcpy(t->data + t->len, data, len);
	t->len += len;
	t->data[t->len] = '\0';
}

void pv_text_printf(struct pv_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->failed = true;
		return;
	}
	if (!reserve(t, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void pv_text_free(struct pv_text *t)
{
	if (t->secret)
		sc_secret_free(t->data, t->cap);
	else
		free(t->data);
	t->data = NULL;
	t->len = t->cap = 0;
}
