// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef SC_BASE_STRUTIL_H
#define SC_BASE_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Copies SRC into DST of size DSTSZ, always terminated. Returns -ENAMETOOLONG (and leaves a
// truncated copy) when it does not fit, else 0.
int sc_strcpy(char *dst, size_t dstsz, const char *src);

// Standard base64 (RFC 4648 §4, with padding). Return the decoded/encoded length or -EINVAL.
int sc_base64_decode(const char *in, uint8_t *out, size_t outsz);
int sc_base64_encode(const uint8_t *in, size_t len, char *out, size_t outsz);

void sc_hex_encode(const uint8_t *in, size_t len, char *out /* 2*len+1 */);

// Parses a decimal unsigned integer in [min, max] with no sign, spaces or trailing text.
int sc_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

#endif
