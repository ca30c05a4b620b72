// SPDX-License-Identifier: GPL-3.0-or-later
// Lexical building blocks of RFC 3261 §25: slices into the message buffer, character classes,
// quoted strings, %-escapes, comma-separated values and ;parameters.
// Header values are kept as they arrived (zero-copy): a folded value still contains its
// CRLF + whitespace, which every function here treats as the single space (LWS) it stands for.
#ifndef SC_SIP_TEXT_H
#define SC_SIP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// A byte range inside a message buffer; never NUL-terminated. p == NULL means "absent",
// which differs from present-but-empty (p != NULL, len == 0).
struct sc_sip_str {
	const char *p;
	size_t len;
};

#define SC_SIP_STR_NULL ((struct sc_sip_str){ NULL, 0 })

enum sc_sip_charclass {
	SC_SIP_C_TOKEN = 1 << 0,      // token (RFC 3261 §25.1)
	SC_SIP_C_WORD = 1 << 1,       // word: token plus ()<>:\"/[]?{}
	SC_SIP_C_UNRESERVED = 1 << 2, // alphanum / mark
	SC_SIP_C_USER = 1 << 3,       // unreserved / user-unreserved (escaped handled apart)
	SC_SIP_C_PASSWORD = 1 << 4,   // unreserved / "&=+$,"
	SC_SIP_C_PARAM = 1 << 5,      // unreserved / param-unreserved
	SC_SIP_C_HNV = 1 << 6,        // unreserved / hnv-unreserved
	SC_SIP_C_HOST = 1 << 7,       // alphanum / "-" / "."
};

extern const uint8_t sc_sip_charclass_table[256];

static inline bool sc_sip_is(unsigned char c, unsigned cls)
{
	return (sc_sip_charclass_table[c] & cls) != 0;
}

static inline bool sc_sip_str_present(struct sc_sip_str s)
{
	return s.p != NULL;
}

struct sc_sip_str sc_sip_str_from(const char *cstr);
bool sc_sip_str_eq(struct sc_sip_str s, const char *lit);       // case-sensitive
bool sc_sip_str_caseeq(struct sc_sip_str s, const char *lit);   // ASCII case-insensitive
bool sc_sip_str_equal(struct sc_sip_str a, struct sc_sip_str b); // case-sensitive
bool sc_sip_str_caseequal(struct sc_sip_str a, struct sc_sip_str b);
bool sc_sip_str_all(struct sc_sip_str s, unsigned cls); // non-empty and every byte in CLS
// Copies S into a NUL-terminated buffer; -ENAMETOOLONG (nothing copied) when it does not fit.
int sc_sip_str_copy(struct sc_sip_str s, char *dst, size_t dstsz);

// Whitespace inside a header value: SP, HTAB, and the CRLF of a folded line.
static inline bool sc_sip_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
size_t sc_sip_skip_lws(const char *p, size_t i, size_t end);
struct sc_sip_str sc_sip_trim(struct sc_sip_str s);

// Returns the index just past the closing quote of the quoted-string starting at P[I] == '"',
// or 0 when it is unterminated or holds a byte quoted-string forbids.
size_t sc_sip_scan_quoted(const char *p, size_t i, size_t end);
// Copies the inside of a quoted-string (without quotes), resolving quoted-pairs and folding.
// Refuses NUL and control characters in the result (-EINVAL): they can never be used safely.
int sc_sip_unquote(struct sc_sip_str quoted, char *dst, size_t dstsz);
// Checks %HH escapes in S: every '%' must be followed by two hex digits.
bool sc_sip_escapes_valid(struct sc_sip_str s);
// Decodes %HH escapes into DST (NUL-terminated); -EINVAL for a bad escape or a decoded NUL.
int sc_sip_unescape(struct sc_sip_str s, char *dst, size_t dstsz);

// Splits a header value into its comma-separated elements (commas inside quotes or <> do not
// split). Call with *rest = the whole value; each call yields the next trimmed element.
// Returns false at the end; an empty element (",,") is returned as an empty slice.
bool sc_sip_next_value(struct sc_sip_str *rest, struct sc_sip_str *value);

// Iterates ";name[=value]" parameters. *cursor starts at the first ';' (or is empty). Value is
// absent (p == NULL) for a bare name; quoted values keep their quotes. Returns 1 with a
// parameter, 0 at the end, -EINVAL on a malformed parameter (empty name, bad characters,
// unterminated quote, stray text).
int sc_sip_param_next(struct sc_sip_str *cursor, struct sc_sip_str *name, struct sc_sip_str *value);
// Finds parameter NAME (case-insensitive); true when present, *value absent for a bare name.
bool sc_sip_param_get(struct sc_sip_str params, const char *name, struct sc_sip_str *value);

// Decimal with leading zeros allowed (RFC 4475 wsinv); false when empty, not all digits, or
// above MAX.
bool sc_sip_parse_uint(struct sc_sip_str s, uint64_t max, uint64_t *out);

#endif
