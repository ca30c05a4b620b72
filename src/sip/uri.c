// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/uri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int sc_sip_ip_family(struct sc_sip_str s)
{
	char buf[64];
	unsigned char addr[16];
	if (sc_sip_str_copy(s, buf, sizeof(buf)) != 0)
		return 0;
	if (inet_pton(AF_INET, buf, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return AF_INET6;
	return 0;
}

bool sc_sip_host_valid(struct sc_sip_str host)
{
	if (!host.p || host.len == 0 || host.len > 253 + 2)
		return false;
	if (host.p[0] == '[') {
		if (host.len < 3 || host.p[host.len - 1] != ']')
			return false;
		return sc_sip_ip_family((struct sc_sip_str){ host.p + 1, host.len - 2 }) == AF_INET6;
	}
	// hostname = *( domainlabel "." ) toplabel [ "." ]; labels never start or end with '-'
	size_t end = host.len;
	if (host.p[end - 1] == '.')
		end--;
	if (end == 0)
		return false;
	size_t label = 0, last_label = 0;
	for (size_t i = 0; i <= end; i++) {
		if (i == end || host.p[i] == '.') {
			if (i == label || host.p[label] == '-' || host.p[i - 1] == '-')
				return false;
			last_label = label;
			label = i + 1;
			continue;
		}
		if (!sc_sip_is((unsigned char)host.p[i], SC_SIP_C_HOST) || host.p[i] == '.')
			return false;
	}
	// a toplabel starts with a letter; otherwise it has to be a dotted IPv4 address
	if (is_alpha(host.p[last_label]))
		return true;
	return sc_sip_ip_family((struct sc_sip_str){ host.p, end }) == AF_INET && end == host.len;
}

// Checks that every byte is in CLS or part of a valid %HH escape.
static bool chars_or_escapes(struct sc_sip_str s, unsigned cls)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '%') {
			if (i + 2 >= s.len || !sc_sip_escapes_valid((struct sc_sip_str){ s.p + i, 3 }))
				return false;
			i += 2;
			continue;
		}
		if (!sc_sip_is(c, cls))
			return false;
	}
	return true;
}

// uri-parameters: *( ";" pname [ "=" pvalue ] ) with no whitespace and no empty names.
static bool uri_params_valid(struct sc_sip_str params)
{
	size_t start = 0;
	if (params.len == 0)
		return true;
	if (params.p[0] != ';')
		return false;
	for (size_t i = 1; i <= params.len; i++) {
		if (i < params.len && params.p[i] != ';')
			continue;
		struct sc_sip_str one = { params.p + start + 1, i - start - 1 };
		const char *eq = memchr(one.p, '=', one.len);
		struct sc_sip_str name = one, value = SC_SIP_STR_NULL;
		if (eq) {
			name.len = (size_t)(eq - one.p);
			value = (struct sc_sip_str){ eq + 1, one.len - name.len - 1 };
			if (value.len == 0 || !chars_or_escapes(value, SC_SIP_C_PARAM))
				return false;
		}
		if (name.len == 0 || !chars_or_escapes(name, SC_SIP_C_PARAM))
			return false;
		start = i;
	}
	return true;
}

// headers = "?" header *( "&" header ); header = hname "=" hvalue
static bool uri_headers_valid(struct sc_sip_str h)
{
	size_t start = 0;
	for (size_t i = 0; i <= h.len; i++) {
		if (i < h.len && h.p[i] != '&')
			continue;
		struct sc_sip_str one = { h.p + start, i - start };
		const char *eq = memchr(one.p, '=', one.len);
		if (!eq || eq == one.p)
			return false;
		struct sc_sip_str name = { one.p, (size_t)(eq - one.p) };
		struct sc_sip_str value = { eq + 1, one.len - name.len - 1 };
		if (!chars_or_escapes(name, SC_SIP_C_HNV) ||
		    (value.len && !chars_or_escapes(value, SC_SIP_C_HNV)))
			return false;
		start = i + 1;
	}
	return true;
}

static int parse_sip(const char *p, size_t len, struct sc_sip_uri *u)
{
	size_t i = 0;
	const char *at = memchr(p, '@', len);
	if (at) {
		size_t ui_len = (size_t)(at - p);
		if (memchr(at + 1, '@', len - ui_len - 1))
			return -EINVAL;
		const char *colon = memchr(p, ':', ui_len);
		size_t user_len = colon ? (size_t)(colon - p) : ui_len;
		u->user = (struct sc_sip_str){ p, user_len };
		if (user_len == 0 || !chars_or_escapes(u->user, SC_SIP_C_USER))
			return -EINVAL;
		if (colon) {
			u->password = (struct sc_sip_str){ colon + 1, ui_len - user_len - 1 };
			if (!chars_or_escapes(u->password, SC_SIP_C_PASSWORD))
				return -EINVAL;
		}
		i = ui_len + 1;
	}
	size_t hb = i;
	if (i < len && p[i] == '[') {
		const char *close = memchr(p + i, ']', len - i);
		if (!close)
			return -EINVAL;
		i = (size_t)(close - p) + 1;
	} else {
		while (i < len && sc_sip_is((unsigned char)p[i], SC_SIP_C_HOST))
			i++;
	}
	u->host = (struct sc_sip_str){ p + hb, i - hb };
	if (!sc_sip_host_valid(u->host))
		return -EINVAL;
	if (i < len && p[i] == ':') {
		size_t pb = ++i;
		while (i < len && is_digit(p[i]))
			i++;
		uint64_t port;
		if (!sc_sip_parse_uint((struct sc_sip_str){ p + pb, i - pb }, 65535, &port) || port == 0)
			return -EINVAL;
		u->port = (uint16_t)port;
	}
	size_t pb = i;
	while (i < len && p[i] != '?')
		i++;
	u->params = (struct sc_sip_str){ p + pb, i - pb };
	if (!uri_params_valid(u->params))
		return -EINVAL;
	if (i < len) {
		u->headers = (struct sc_sip_str){ p + i + 1, len - i - 1 };
		if (!uri_headers_valid(u->headers))
			return -EINVAL;
	}
	return 0;
}

static int parse_tel(const char *p, size_t len, struct sc_sip_uri *u)
{
	size_t i = 0;
	if (i < len && p[i] == '+')
		i++;
	while (i < len && p[i] != ';') {
		char c = p[i];
		if (!(is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '*' ||
		      c == '#' || c == '-' || c == '.' || c == '(' || c == ')'))
			return -EINVAL;
		i++;
	}
	u->user = (struct sc_sip_str){ p, i };
	if (i == 0 || (i == 1 && p[0] == '+'))
		return -EINVAL;
	u->params = (struct sc_sip_str){ p + i, len - i };
	return uri_params_valid(u->params) ? 0 : -EINVAL;
}

// absoluteURI: anything printable without spaces, quotes or angle brackets.
static int parse_other(const char *p, size_t len, struct sc_sip_uri *u)
{
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return -EINVAL;
	}
	u->host = (struct sc_sip_str){ p, len };
	return 0;
}

int sc_sip_uri_parse(struct sc_sip_str s, struct sc_sip_uri *out)
{
	memset(out, 0, sizeof(*out));
	out->raw = s;
	out->params = (struct sc_sip_str){ s.p, 0 };
	if (!s.p || s.len == 0 || !is_alpha(s.p[0]))
		return -EINVAL;
	size_t i = 1;
	while (i < s.len && (is_alpha(s.p[i]) || is_digit(s.p[i]) || s.p[i] == '+' ||
			     s.p[i] == '-' || s.p[i] == '.'))
		i++;
	if (i >= s.len || s.p[i] != ':')
		return -EINVAL;
	out->scheme_name = (struct sc_sip_str){ s.p, i };
	const char *rest = s.p + i + 1;
	size_t rest_len = s.len - i - 1;
	out->params = (struct sc_sip_str){ rest + rest_len, 0 };
	if (sc_sip_str_caseeq(out->scheme_name, "sip")) {
		out->scheme = SC_SIP_SCHEME_SIP;
		return parse_sip(rest, rest_len, out);
	}
	if (sc_sip_str_caseeq(out->scheme_name, "sips")) {
		out->scheme = SC_SIP_SCHEME_SIPS;
		return parse_sip(rest, rest_len, out);
	}
	if (sc_sip_str_caseeq(out->scheme_name, "tel")) {
		out->scheme = SC_SIP_SCHEME_TEL;
		return parse_tel(rest, rest_len, out);
	}
	out->scheme = SC_SIP_SCHEME_OTHER;
	return parse_other(rest, rest_len, out);
}
