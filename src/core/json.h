// SPDX-License-Identifier: GPL-3.0-or-later
// A small streaming JSON writer: the caller states the structure, the writer places commas
// and escapes strings, so scripts reading `sealcall status --json` always get valid JSON,
// whatever bytes a peer name or an endpoint holds. Misuse (a value where a key belongs,
// unbalanced containers, too deep nesting) is reported by sc_json_finish.
#ifndef SC_CORE_JSON_H
#define SC_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/outbuf.h"

#define SC_JSON_MAX_DEPTH 16

struct sc_json {
	struct sc_outbuf *out;
	int depth;
	bool in_object[SC_JSON_MAX_DEPTH];
	bool has_items[SC_JSON_MAX_DEPTH];
	bool key_pending;   // a key was written, its value is next
	bool done;          // the top-level value is complete
	int err;
};

void sc_json_init(struct sc_json *j, struct sc_outbuf *out);
void sc_json_object_begin(struct sc_json *j);
void sc_json_object_end(struct sc_json *j);
void sc_json_array_begin(struct sc_json *j);
void sc_json_array_end(struct sc_json *j);
void sc_json_key(struct sc_json *j, const char *key);
void sc_json_string(struct sc_json *j, const char *s);
void sc_json_string_n(struct sc_json *j, const char *s, size_t len);
void sc_json_int(struct sc_json *j, int64_t v);
void sc_json_uint(struct sc_json *j, uint64_t v);
// SCALED / 10^PLACES as an exact JSON number (15 with 1 place is 1.5), so that a measured
// figure never shows binary floating-point noise. PLACES is at most 6.
void sc_json_decimal(struct sc_json *j, int64_t scaled, unsigned places);
void sc_json_bool(struct sc_json *j, bool v);
void sc_json_null(struct sc_json *j);
// A key and its value in one call, for the long flat objects of status and history.
void sc_json_key_string(struct sc_json *j, const char *key, const char *value);
void sc_json_key_int(struct sc_json *j, const char *key, int64_t value);
// TENTHS / 10 with one decimal place; a negative TENTHS means "not measured" and is -1.
void sc_json_key_tenths(struct sc_json *j, const char *key, int64_t tenths);
// 0 when one complete, well-formed value was written; else the first error.
int sc_json_finish(struct sc_json *j);

// Appends S as a quoted JSON string: control characters escaped, bytes that are not valid
// UTF-8 replaced by U+FFFD.
int sc_json_quote(struct sc_outbuf *out, const char *s, size_t len);

#endif
