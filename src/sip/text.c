// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/text.h"

#include <errno.h>
#include <string.h>

#define T SC_SIP_C_TOKEN
#define W SC_SIP_C_WORD
#define U SC_SIP_C_UNRESERVED
#define S SC_SIP_C_USER
#define P SC_SIP_C_PASSWORD
#define A SC_SIP_C_PARAM
#define H SC_SIP_C_HNV
#define N SC_SIP_C_HOST
#define ALNUM (T | W | U | S | P | A | H | N)

// Generated from the RFC 3261 §25.1 productions; bytes >= 0x80 belong to no class.
const uint8_t sc_sip_charclass_table[256] = {
	['a'] = ALNUM, ['b'] = ALNUM, ['c'] = ALNUM, ['d'] = ALNUM, ['e'] = ALNUM, ['f'] = ALNUM, ['g'] = ALNUM, ['h'] = ALNUM,
	['i'] = ALNUM, ['j'] = ALNUM, ['k'] = ALNUM, ['l'] = ALNUM, ['m'] = ALNUM, ['n'] = ALNUM, ['o'] = ALNUM, ['p'] = ALNUM,
	['q'] = ALNUM, ['r'] = ALNUM, ['s'] = ALNUM, ['t'] = ALNUM, ['u'] = ALNUM, ['v'] = ALNUM, ['w'] = ALNUM, ['x'] = ALNUM,
	['y'] = ALNUM, ['z'] = ALNUM, ['A'] = ALNUM, ['B'] = ALNUM, ['C'] = ALNUM, ['D'] = ALNUM, ['E'] = ALNUM, ['F'] = ALNUM,
	['G'] = ALNUM, ['H'] = ALNUM, ['I'] = ALNUM, ['J'] = ALNUM, ['K'] = ALNUM, ['L'] = ALNUM, ['M'] = ALNUM, ['N'] = ALNUM,
	['O'] = ALNUM, ['P'] = ALNUM, ['Q'] = ALNUM, ['R'] = ALNUM, ['S'] = ALNUM, ['T'] = ALNUM, ['U'] = ALNUM, ['V'] = ALNUM,
	['W'] = ALNUM, ['X'] = ALNUM, ['Y'] = ALNUM, ['Z'] = ALNUM, ['0'] = ALNUM, ['1'] = ALNUM, ['2'] = ALNUM, ['3'] = ALNUM,
	['4'] = ALNUM, ['5'] = ALNUM, ['6'] = ALNUM, ['7'] = ALNUM, ['8'] = ALNUM, ['9'] = ALNUM,
	['!'] = T | W | U | S | P | A | H,
	['"'] = W,
	['$'] = S | P | A | H,
	['%'] = T | W,
	['&'] = S | P | A,
	['\''] = T | W | U | S | P | A | H,
	['('] = W | U | S | P | A | H,
	[')'] = W | U | S | P | A | H,
	['*'] = T | W | U | S | P | A | H,
	['+'] = T | W | S | P | A | H,
	[','] = S | P,
	['-'] = T | W | U | S | P | A | H | N,
	['.'] = T | W | U | S | P | A | H | N,
	['/'] = W | S | A | H,
	[':'] = W | A | H,
	[';'] = S,
	['<'] = W,
	['='] = S | P,
	['>'] = W,
	['?'] = W | S | H,
	['['] = W | A | H,
	['\\'] = W,
	[']'] = W | A | H,
	['_'] = T | W | U | S | P | A | H,
	['`'] = T | W,
	['{'] = W,
	['}'] = W,
	['~'] = T | W | U | S | P | A | H,
};

#undef T
#undef W
#undef U
#undef S
#undef P
#undef A
#undef H
#undef N
#undef ALNUM

struct sc_sip_str sc_sip_str_from(const char *cstr)
{
	return (struct sc_sip_str){ cstr, cstr ? strlen(cstr) : 0 };
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

bool sc_sip_str_eq(struct sc_sip_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.p && s.len == n && memcmp(s.p, lit, n) == 0;
}

bool sc_sip_str_caseeq(struct sc_sip_str s, const char *lit)
{
	return sc_sip_str_caseequal(s, sc_sip_str_from(lit));
}

bool sc_sip_str_equal(struct sc_sip_str a, struct sc_sip_str b)
{
	if (!a.p || !b.p)
		return a.p == b.p;
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

bool sc_sip_str_caseequal(struct sc_sip_str a, struct sc_sip_str b)
{
	if (!a.p || !b.p)
		return a.p == b.p;
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (lower(a.p[i]) != lower(b.p[i]))
			return false;
	return true;
}

bool sc_sip_str_all(struct sc_sip_str s, unsigned cls)
{
	if (!s.p || s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!sc_sip_is((unsigned char)s.p[i], cls))
			return false;
	return true;
}

int sc_sip_str_copy(struct sc_sip_str s, char *dst, size_t dstsz)
{
	if (dstsz == 0 || s.len >= dstsz)
		return -ENAMETOOLONG;
	if (s.len)
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

size_t sc_sip_skip_lws(const char *p, size_t i, size_t end)
{
	while (i < end && sc_sip_is_lws(p[i]))
		i++;
	return i;
}

struct sc_sip_str sc_sip_trim(struct sc_sip_str s)
{
	if (!s.p)
		return s;
	size_t b = 0, e = s.len;
	while (b < e && sc_sip_is_lws(s.p[b]))
		b++;
	while (e > b && sc_sip_is_lws(s.p[e - 1]))
		e--;
	return (struct sc_sip_str){ s.p + b, e - b };
}

size_t sc_sip_scan_quoted(const char *p, size_t i, size_t end)
{
	if (i >= end || p[i] != '"')
		return 0;
	for (i++; i < end; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"')
			return i + 1;
		if (c == '\\') {
			// quoted-pair excludes CR and LF so that an escape can never hide a line end
			if (i + 1 >= end || p[i + 1] == '\r' || p[i + 1] == '\n' ||
			    (unsigned char)p[i + 1] > 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c < 0x20 && !sc_sip_is_lws((char)c))
			return 0;
		if (c == 0x7f)
			return 0;
	}
	return 0;
}

int sc_sip_unquote(struct sc_sip_str quoted, char *dst, size_t dstsz)
{
	struct sc_sip_str q = sc_sip_trim(quoted);
	if (!q.p || sc_sip_scan_quoted(q.p, 0, q.len) != q.len || dstsz == 0)
		return -EINVAL;
	size_t o = 0;
	for (size_t i = 1; i + 1 < q.len; i++) {
		char c = q.p[i];
		if (c == '\r' || c == '\n')
			continue; // a fold: the whitespace after it stays
		if (c == '\\')
			c = q.p[++i];
		if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
			return -EINVAL;
		if (o + 1 >= dstsz)
			return -ENAMETOOLONG;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (int)o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool sc_sip_escapes_valid(struct sc_sip_str s)
{
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] != '%')
			continue;
		if (i + 2 >= s.len)
			return false;
		if (hexval(s.p[i + 1]) < 0 || hexval(s.p[i + 2]) < 0)
			return false;
		i += 2;
	}
	return true;
}

int sc_sip_unescape(struct sc_sip_str s, char *dst, size_t dstsz)
{
	if (dstsz == 0)
		return -ENAMETOOLONG;
	size_t o = 0;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (c == '%') {
			if (i + 2 >= s.len || hexval(s.p[i + 1]) < 0 || hexval(s.p[i + 2]) < 0)
				return -EINVAL;
			c = (char)(hexval(s.p[i + 1]) << 4 | hexval(s.p[i + 2]));
			if (c == '\0')
				return -EINVAL;
			i += 2;
		}
		if (o + 1 >= dstsz)
			return -ENAMETOOLONG;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (int)o;
}

bool sc_sip_next_value(struct sc_sip_str *rest, struct sc_sip_str *value)
{
	if (!rest->p)
		return false;
	const char *p = rest->p;
	size_t end = rest->len, i = 0;
	int angle = 0;
	while (i < end) {
		char c = p[i];
		if (c == '"') {
			size_t q = sc_sip_scan_quoted(p, i, end);
			i = q ? q : end; // unterminated: the element runs to the end and fails later
			continue;
		}
		if (c == '<')
			angle++;
		else if (c == '>' && angle > 0)
			angle--;
		else if (c == ',' && angle == 0)
			break;
		i++;
	}
	*value = sc_sip_trim((struct sc_sip_str){ p, i });
	if (i < end)
		*rest = (struct sc_sip_str){ p + i + 1, end - i - 1 };
	else
		*rest = SC_SIP_STR_NULL;
	return true;
}

static bool is_param_char(unsigned char c)
{
	return sc_sip_is(c, SC_SIP_C_TOKEN | SC_SIP_C_PARAM);
}

int sc_sip_param_next(struct sc_sip_str *cursor, struct sc_sip_str *name, struct sc_sip_str *value)
{
	const char *p = cursor->p;
	size_t end = cursor->len;
	size_t i = p ? sc_sip_skip_lws(p, 0, end) : 0;
	if (!p || i == end)
		return 0;
	if (p[i] != ';')
		return -EINVAL;
	i = sc_sip_skip_lws(p, i + 1, end);
	size_t nb = i;
	while (i < end && is_param_char((unsigned char)p[i]))
		i++;
	if (i == nb)
		return -EINVAL;
	*name = (struct sc_sip_str){ p + nb, i - nb };
	*value = SC_SIP_STR_NULL;
	size_t j = sc_sip_skip_lws(p, i, end);
	if (j < end && p[j] == '=') {
		j = sc_sip_skip_lws(p, j + 1, end);
		size_t vb = j;
		if (j < end && p[j] == '"') {
			j = sc_sip_scan_quoted(p, j, end);
			if (!j)
				return -EINVAL;
		} else {
			while (j < end && is_param_char((unsigned char)p[j]))
				j++;
			// RFC 3261 allows an empty value only as a quoted string
			if (j == vb)
				return -EINVAL;
		}
		*value = (struct sc_sip_str){ p + vb, j - vb };
		i = j;
	}
	i = sc_sip_skip_lws(p, i, end);
	if (i < end && p[i] != ';')
		return -EINVAL;
	*cursor = (struct sc_sip_str){ p + i, end - i };
	return 1;
}

bool sc_sip_param_get(struct sc_sip_str params, const char *name, struct sc_sip_str *value)
{
	struct sc_sip_str cur = params, n, v;
	while (sc_sip_param_next(&cur, &n, &v) == 1) {
		if (sc_sip_str_caseeq(n, name)) {
			*value = v;
			return true;
		}
	}
	return false;
}

bool sc_sip_parse_uint(struct sc_sip_str s, uint64_t max, uint64_t *out)
{
	if (!s.p || s.len == 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		uint64_t d = (uint64_t)(s.p[i] - '0');
		if (d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}
