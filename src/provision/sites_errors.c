// SPDX-License-Identifier: GPL-3.0-or-later
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"
#include "provision/sites_internal.h"

size_t sp_error_count(const struct sp_ctx *c)
{
	return c->errors->count;
}

__attribute__((format(printf, 6, 0))) static void
add_error(struct sp_ctx *c, const char *file, unsigned line, unsigned column, const char *key,
	  const char *fmt, va_list ap)
{
	struct sc_sites_errors *errs = c->errors;
	if (errs->count > SP_MAX_ERRORS)
		return;
	if (errs->count == c->capacity) {
		size_t cap = c->capacity ? c->capacity * 2 : 8;
		struct sc_sites_error *grown = realloc(errs->items, cap * sizeof(*grown));
		if (!grown) {
			c->oom = true;
			return;
		}
		errs->items = grown;
		c->capacity = cap;
	}
	struct sc_sites_error *e = &errs->items[errs->count++];
	memset(e, 0, sizeof(*e));
	sc_strcpy(e->file, sizeof(e->file), file);
	e->line = line;
	e->column = column;
	sc_strcpy(e->key, sizeof(e->key), key ? key : "");
	if (errs->count > SP_MAX_ERRORS) {
		sc_strcpy(e->file, sizeof(e->file), c->file);
		e->line = e->column = 0;
		e->key[0] = '\0';
		snprintf(e->message, sizeof(e->message),
			 "more than %d errors; fix these and run again to see the rest", SP_MAX_ERRORS);
		return;
	}
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
}

void sp_error(struct sp_ctx *c, const struct sc_sites_place *at, const char *key, const char *fmt,
	      ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_error(c, c->file, at ? at->line : 0, at ? at->column : 0, key, fmt, ap);
	va_end(ap);
}

void sp_error_in(struct sp_ctx *c, const char *file, unsigned line, unsigned column,
		 const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_error(c, file, line, column, key, fmt, ap);
	va_end(ap);
}

static int compare_place(const void *pa, const void *pb)
{
	const struct sc_sites_error *a = pa, *b = pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->column < b->column ? -1 : a->column > b->column;
}

void sp_sort_errors(struct sp_ctx *c)
{
	struct sc_sites_errors *errs = c->errors;
	size_t n = errs->count;
	// The "more errors" note stays last whatever its (absent) place.
	if (n > SP_MAX_ERRORS)
		n = SP_MAX_ERRORS;
	if (n > 1)
		qsort(errs->items, n, sizeof(errs->items[0]), compare_place);
}

void sc_sites_errors_free(struct sc_sites_errors *errors)
{
	if (!errors)
		return;
	free(errors->items);
	errors->items = NULL;
	errors->count = 0;
}

void sc_sites_errors_print(const struct sc_sites_errors *errors, FILE *out)
{
	for (size_t i = 0; i < errors->count; i++) {
		const struct sc_sites_error *e = &errors->items[i];
		if (e->line && e->key[0])
			fprintf(out, "%s:%u:%u: %s: %s\n", e->file, e->line, e->column, e->key, e->message);
		else if (e->line)
			fprintf(out, "%s:%u:%u: %s\n", e->file, e->line, e->column, e->message);
		else if (e->key[0])
			fprintf(out, "%s: %s: %s\n", e->file, e->key, e->message);
		else
			fprintf(out, "%s: %s\n", e->file, e->message);
	}
}

bool sp_valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > SC_NAME_MAX || name[0] < 'a' || name[0] > 'z' || name[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}
