// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/json.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

void sc_json_init(struct sc_json *j, struct sc_outbuf *out)
{
	*j = (struct sc_json){ .out = out };
}

static void fail(struct sc_json *j, int err)
{
	if (!j->err)
		j->err = err;
}

// Writes the separator a new value needs and checks that a value may stand here.
static bool begin_value(struct sc_json *j)
{
	if (j->err)
		return false;
	if (j->done) {
		fail(j, -EINVAL);
		return false;
	}
	if (j->depth > 0) {
		int d = j->depth - 1;
		if (j->in_object[d]) {
			if (!j->key_pending) {
				fail(j, -EINVAL);
				return false;
			}
			j->key_pending = false;
		} else {
			if (j->has_items[d])
				sc_outbuf_append(j->out, ",", 1);
			j->has_items[d] = true;
		}
	}
	return true;
}

static void end_value(struct sc_json *j)
{
	if (j->depth == 0)
		j->done = true;
	if (j->out->err)
		fail(j, j->out->err);
}

static void open_container(struct sc_json *j, bool object)
{
	if (!begin_value(j))
		return;
	if (j->depth == SC_JSON_MAX_DEPTH) {
		fail(j, -E2BIG);
		return;
	}
	j->in_object[j->depth] = object;
	j->has_items[j->depth] = false;
	j->depth++;
	sc_outbuf_append(j->out, object ? "{" : "[", 1);
}

static void close_container(struct sc_json *j, bool object)
{
	if (j->err)
		return;
	if (j->depth == 0 || j->in_object[j->depth - 1] != object || j->key_pending) {
		fail(j, -EINVAL);
		return;
	}
	j->depth--;
	sc_outbuf_append(j->out, object ? "}" : "]", 1);
	end_value(j);
}

void sc_json_object_begin(struct sc_json *j)
{
	open_container(j, true);
}

void sc_json_object_end(struct sc_json *j)
{
	close_container(j, true);
}

void sc_json_array_begin(struct sc_json *j)
{
	open_container(j, false);
}

void sc_json_array_end(struct sc_json *j)
{
	close_container(j, false);
}

void sc_json_key(struct sc_json *j, const char *key)
{
	if (j->err)
		return;
	if (j->depth == 0 || !j->in_object[j->depth - 1] || j->key_pending) {
		fail(j, -EINVAL);
		return;
	}
	int d = j->depth - 1;
	if (j->has_items[d])
		sc_outbuf_append(j->out, ",", 1);
	j->has_items[d] = true;
	sc_json_quote(j->out, key, strlen(key));
	sc_outbuf_append(j->out, ":", 1);
	j->key_pending = true;
	if (j->out->err)
		fail(j, j->out->err);
}

void sc_json_string_n(struct sc_json *j, const char *s, size_t len)
{
	if (!begin_value(j))
		return;
	sc_json_quote(j->out, s, len);
	end_value(j);
}

void sc_json_string(struct sc_json *j, const char *s)
{
	sc_json_string_n(j, s, strlen(s));
}

void sc_json_int(struct sc_json *j, int64_t v)
{
	if (!begin_value(j))
		return;
	sc_outbuf_printf(j->out, "%" PRId64, v);
	end_value(j);
}

void sc_json_uint(struct sc_json *j, uint64_t v)
{
	if (!begin_value(j))
		return;
	sc_outbuf_printf(j->out, "%" PRIu64, v);
	end_value(j);
}

void sc_json_decimal(struct sc_json *j, int64_t scaled, unsigned places)
{
	if (places > 6) {
		fail(j, -EINVAL);
		return;
	}
	if (!begin_value(j))
		return;
	uint64_t div = 1, mag = scaled < 0 ? (uint64_t)0 - (uint64_t)scaled : (uint64_t)scaled;
	for (unsigned i = 0; i < places; i++)
		div *= 10;
	if (places)
		sc_outbuf_printf(j->out, "%s%" PRIu64 ".%0*" PRIu64, scaled < 0 ? "-" : "", mag / div,
				 (int)places, mag % div);
	else
		sc_outbuf_printf(j->out, "%" PRId64, scaled);
	end_value(j);
}

void sc_json_bool(struct sc_json *j, bool v)
{
	if (!begin_value(j))
		return;
	sc_outbuf_puts(j->out, v ? "true" : "false");
	end_value(j);
}

void sc_json_null(struct sc_json *j)
{
	if (!begin_value(j))
		return;
	sc_outbuf_puts(j->out, "null");
	end_value(j);
}

int sc_json_finish(struct sc_json *j)
{
	if (j->err)
		return j->err;
	if (!j->done)
		return -EINVAL;
	return 0;
}

// Length of the valid UTF-8 sequence at S (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF), or 0 when the bytes there are not one.
static size_t utf8_sequence_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

int sc_json_quote(struct sc_outbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sc_outbuf_append(out, "\"", 1);
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		size_t run = i;
		// Copy plain printable ASCII in one append.
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			sc_outbuf_append(out, p + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			sc_outbuf_append(out, esc, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
					: c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
			if (named) {
				sc_outbuf_append(out, named, 2);
			} else {
				char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sc_outbuf_append(out, esc, 6);
			}
			i++;
		} else {
			size_t n = utf8_sequence_len(p + i, len - i);
			if (n) {
				sc_outbuf_append(out, p + i, n);
				i += n;
			} else {
				sc_outbuf_append(out, "\\ufffd", 6);
				i++;
			}
		}
	}
	sc_outbuf_append(out, "\"", 1);
	return out->err;
}

void sc_json_key_string(struct sc_json *j, const char *key, const char *value)
{
	sc_json_key(j, key);
	sc_json_string(j, value);
}

void sc_json_key_int(struct sc_json *j, const char *key, int64_t value)
{
	sc_json_key(j, key);
	sc_json_int(j, value);
}

void sc_json_key_tenths(struct sc_json *j, const char *key, int64_t tenths)
{
	sc_json_key(j, key);
	if (tenths < 0)
		sc_json_int(j, -1);
	else
		sc_json_decimal(j, tenths, 1);
}
