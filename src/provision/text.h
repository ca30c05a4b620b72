// SPDX-License-Identifier: GPL-3.0-or-later
// A growing text buffer for the files provisioning writes. A buffer marked secret never leaves
// a copy behind: it grows by copy-and-wipe rather than realloc, and is wiped when freed.
#ifndef SC_PROVISION_TEXT_H
#define SC_PROVISION_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct pv_text {
	char *data; // NUL-terminated
	size_t len, cap;
	bool secret;
	bool failed; // out of memory: the text is incomplete and must not be written
};

void pv_text_init(struct pv_text *t, bool secret);
void pv_text_append(struct pv_text *t, const void *data, size_t len);
void pv_text_printf(struct pv_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pv_text_free(struct pv_text *t);

#endif
