// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/header.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

struct hdr_name {
	const char *name;
	size_t len;
	char compact; // RFC 3261 §7.3.3 and the extensions that define one; 0 when none
};

#define NAME(s, c) { s, sizeof(s) - 1, c }

static const struct hdr_name hdr_names[SC_SIP_HDR_COUNT] = {
	[SC_SIP_HDR_ACCEPT] = NAME("Accept", 0),
	[SC_SIP_HDR_ALLOW] = NAME("Allow", 0),
	[SC_SIP_HDR_ALLOW_EVENTS] = NAME("Allow-Events", 'u'),
	[SC_SIP_HDR_AUTHORIZATION] = NAME("Authorization", 0),
	[SC_SIP_HDR_CALL_ID] = NAME("Call-ID", 'i'),
	[SC_SIP_HDR_CONTACT] = NAME("Contact", 'm'),
	[SC_SIP_HDR_CONTENT_ENCODING] = NAME("Content-Encoding", 'e'),
	[SC_SIP_HDR_CONTENT_LENGTH] = NAME("Content-Length", 'l'),
	[SC_SIP_HDR_CONTENT_TYPE] = NAME("Content-Type", 'c'),
	[SC_SIP_HDR_CSEQ] = NAME("CSeq", 0),
	[SC_SIP_HDR_EVENT] = NAME("Event", 'o'),
	[SC_SIP_HDR_EXPIRES] = NAME("Expires", 0),
	[SC_SIP_HDR_FROM] = NAME("From", 'f'),
	[SC_SIP_HDR_MAX_FORWARDS] = NAME("Max-Forwards", 0),
	[SC_SIP_HDR_MIN_EXPIRES] = NAME("Min-Expires", 0),
	[SC_SIP_HDR_PROXY_AUTHENTICATE] = NAME("Proxy-Authenticate", 0),
	[SC_SIP_HDR_PROXY_AUTHORIZATION] = NAME("Proxy-Authorization", 0),
	[SC_SIP_HDR_PROXY_REQUIRE] = NAME("Proxy-Require", 0),
	[SC_SIP_HDR_REASON] = NAME("Reason", 0),
	[SC_SIP_HDR_RECORD_ROUTE] = NAME("Record-Route", 0),
	[SC_SIP_HDR_REFER_TO] = NAME("Refer-To", 'r'),
	[SC_SIP_HDR_REFERRED_BY] = NAME("Referred-By", 'b'),
	[SC_SIP_HDR_REQUIRE] = NAME("Require", 0),
	[SC_SIP_HDR_RETRY_AFTER] = NAME("Retry-After", 0),
	[SC_SIP_HDR_ROUTE] = NAME("Route", 0),
	[SC_SIP_HDR_SERVER] = NAME("Server", 0),
	[SC_SIP_HDR_SESSION_EXPIRES] = NAME("Session-Expires", 'x'),
	[SC_SIP_HDR_SUBJECT] = NAME("Subject", 's'),
	[SC_SIP_HDR_SUPPORTED] = NAME("Supported", 'k'),
	[SC_SIP_HDR_TO] = NAME("To", 't'),
	[SC_SIP_HDR_UNSUPPORTED] = NAME("Unsupported", 0),
	[SC_SIP_HDR_USER_AGENT] = NAME("User-Agent", 0),
	[SC_SIP_HDR_VIA] = NAME("Via", 'v'),
	[SC_SIP_HDR_WARNING] = NAME("Warning", 0),
	[SC_SIP_HDR_WWW_AUTHENTICATE] = NAME("WWW-Authenticate", 0),
};

enum sc_sip_hdr sc_sip_hdr_lookup(struct sc_sip_str name)
{
	if (name.len == 1) {
		char c = name.p[0];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		for (int id = 1; id < SC_SIP_HDR_COUNT; id++)
			if (hdr_names[id].compact == c)
				return (enum sc_sip_hdr)id;
		return SC_SIP_HDR_OTHER;
	}
	// the length first: it rules out nearly every entry without touching the bytes
	for (int id = 1; id < SC_SIP_HDR_COUNT; id++)
		if (hdr_names[id].len == name.len &&
		    sc_sip_str_caseequal(name, (struct sc_sip_str){ hdr_names[id].name, hdr_names[id].len }))
			return (enum sc_sip_hdr)id;
	return SC_SIP_HDR_OTHER;
}

const char *sc_sip_hdr_name(enum sc_sip_hdr id)
{
	if (id <= SC_SIP_HDR_OTHER || id >= SC_SIP_HDR_COUNT)
		return NULL;
	return hdr_names[id].name;
}

// gen-value = token / host / quoted-string
static bool gen_value_valid(struct sc_sip_str v)
{
	if (v.len && v.p[0] == '"')
		return true; // the lexer already matched the quotes
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (!sc_sip_is(c, SC_SIP_C_TOKEN) && c != ':' && c != '[' && c != ']')
			return false;
	}
	return v.len > 0;
}

bool sc_sip_header_params_valid(struct sc_sip_str params)
{
	struct sc_sip_str cur = params, name, value;
	int rc;
	while ((rc = sc_sip_param_next(&cur, &name, &value)) == 1) {
		if (!sc_sip_str_all(name, SC_SIP_C_TOKEN))
			return false;
		if (value.p && !gen_value_valid(value))
			return false;
	}
	return rc == 0;
}

static bool display_tokens_valid(struct sc_sip_str d)
{
	for (size_t i = 0; i < d.len; i++) {
		unsigned char c = (unsigned char)d.p[i];
		if (!sc_sip_is(c, SC_SIP_C_TOKEN) && !sc_sip_is_lws((char)c))
			return false;
	}
	return true;
}

int sc_sip_nameaddr_parse(struct sc_sip_str value, bool allow_star, struct sc_sip_nameaddr *out)
{
	memset(out, 0, sizeof(*out));
	struct sc_sip_str v = sc_sip_trim(value);
	if (!v.p || v.len == 0)
		return -EINVAL;
	if (v.len == 1 && v.p[0] == '*') {
		if (!allow_star)
			return -EINVAL;
		out->star = true;
		out->params = (struct sc_sip_str){ v.p + 1, 0 };
		return 0;
	}
	const char *p = v.p;
	size_t end = v.len, i = 0, lt = end;
	if (p[0] == '"') {
		size_t q = sc_sip_scan_quoted(p, 0, end);
		if (!q)
			return -EINVAL;
		out->display = (struct sc_sip_str){ p, q };
		lt = sc_sip_skip_lws(p, q, end);
		if (lt >= end || p[lt] != '<')
			return -EINVAL;
	} else {
		// A token display name holds no ';' or '"'; a '<' after one of those belongs to a
		// parameter of an addr-spec.
		size_t k = 0;
		while (k < end && p[k] != '<' && p[k] != ';' && p[k] != '"')
			k++;
		if (k < end && p[k] == '<') {
			lt = k;
			struct sc_sip_str d = sc_sip_trim((struct sc_sip_str){ p, lt });
			if (!display_tokens_valid(d))
				return -EINVAL;
			if (d.len)
				out->display = d;
		}
	}
	if (lt < end) {
		const char *gt = memchr(p + lt + 1, '>', end - lt - 1);
		if (!gt)
			return -EINVAL;
		struct sc_sip_str uri = { p + lt + 1, (size_t)(gt - p) - lt - 1 };
		if (sc_sip_uri_parse(uri, &out->uri) != 0)
			return -EINVAL;
		out->bracketed = true;
		i = (size_t)(gt - p) + 1;
	} else {
		// addr-spec: RFC 3261 §20 puts a URI holding ';', ',' or '?' inside <>, so the
		// first ';' or space starts the header parameters.
		while (i < end && p[i] != ';' && !sc_sip_is_lws(p[i]))
			i++;
		struct sc_sip_str uri = { p, i };
		if (memchr(uri.p, '?', uri.len) || sc_sip_uri_parse(uri, &out->uri) != 0)
			return -EINVAL;
	}
	i = sc_sip_skip_lws(p, i, end);
	out->params = (struct sc_sip_str){ p + i, end - i };
	if (!sc_sip_header_params_valid(out->params))
		return -EINVAL;
	struct sc_sip_str tag;
	if (sc_sip_param_get(out->params, "tag", &tag)) {
		if (!sc_sip_str_all(tag, SC_SIP_C_TOKEN))
			return -EINVAL;
		out->tag = tag;
	}
	return 0;
}

static size_t scan_token(const char *p, size_t i, size_t end)
{
	while (i < end && sc_sip_is((unsigned char)p[i], SC_SIP_C_TOKEN))
		i++;
	return i;
}

static bool digits_u16(struct sc_sip_str s, uint16_t *out, bool zero_ok)
{
	uint64_t v;
	if (!sc_sip_parse_uint(s, 65535, &v) || (!zero_ok && v == 0))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool sc_sip_branch_is_rfc3261(struct sc_sip_str branch)
{
	static const char cookie[] = "z9hG4bK";
	return branch.p && branch.len > sizeof(cookie) - 1 &&
	       memcmp(branch.p, cookie, sizeof(cookie) - 1) == 0;
}

int sc_sip_via_parse(struct sc_sip_str value, struct sc_sip_via *out)
{
	memset(out, 0, sizeof(*out));
	struct sc_sip_str v = sc_sip_trim(value);
	if (!v.p || v.len == 0)
		return -EINVAL;
	const char *p = v.p;
	size_t end = v.len, i = 0;
	struct sc_sip_str *parts[3] = { &out->protocol, &out->version, &out->transport };
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			i = sc_sip_skip_lws(p, i, end);
			if (i >= end || p[i] != '/')
				return -EINVAL;
			i = sc_sip_skip_lws(p, i + 1, end);
		}
		size_t b = i;
		i = scan_token(p, i, end);
		if (i == b)
			return -EINVAL;
		*parts[k] = (struct sc_sip_str){ p + b, i - b };
	}
	size_t before = i;
	i = sc_sip_skip_lws(p, i, end);
	if (i == before || i >= end)
		return -EINVAL;
	size_t hb = i;
	if (p[i] == '[') {
		const char *close = memchr(p + i, ']', end - i);
		if (!close)
			return -EINVAL;
		i = (size_t)(close - p) + 1;
	} else {
		while (i < end && sc_sip_is((unsigned char)p[i], SC_SIP_C_HOST))
			i++;
	}
	out->host = (struct sc_sip_str){ p + hb, i - hb };
	if (!sc_sip_host_valid(out->host))
		return -EINVAL;
	size_t j = sc_sip_skip_lws(p, i, end);
	if (j < end && p[j] == ':') {
		j = sc_sip_skip_lws(p, j + 1, end);
		size_t pb = j;
		while (j < end && p[j] >= '0' && p[j] <= '9')
			j++;
		if (!digits_u16((struct sc_sip_str){ p + pb, j - pb }, &out->port, false))
			return -EINVAL;
		i = j;
	}
	i = sc_sip_skip_lws(p, i, end);
	out->params = (struct sc_sip_str){ p + i, end - i };
	struct sc_sip_str cur = out->params, name, val;
	int rc;
	while ((rc = sc_sip_param_next(&cur, &name, &val)) == 1) {
		if (!sc_sip_str_all(name, SC_SIP_C_TOKEN) || (val.p && !gen_value_valid(val)))
			return -EINVAL;
		if (sc_sip_str_caseeq(name, "branch")) {
			if (!val.p || !sc_sip_str_all(val, SC_SIP_C_TOKEN) || out->branch.p)
				return -EINVAL;
			out->branch = val;
		} else if (sc_sip_str_caseeq(name, "received")) {
			// RFC 3261 writes IPv6 bare here; RFC 5118 §4.5 shows senders that bracket it
			struct sc_sip_str ip = val;
			if (ip.len > 2 && ip.p[0] == '[' && ip.p[ip.len - 1] == ']')
				ip = (struct sc_sip_str){ ip.p + 1, ip.len - 2 };
			if (!val.p || !sc_sip_ip_family(ip))
				return -EINVAL;
			out->received = val;
		} else if (sc_sip_str_caseeq(name, "rport")) {
			out->has_rport = true;
			if (val.p && !digits_u16(val, &out->rport, false))
				return -EINVAL;
		} else if (sc_sip_str_caseeq(name, "ttl")) {
			uint64_t ttl;
			if (!val.p || !sc_sip_parse_uint(val, 255, &ttl))
				return -EINVAL;
		} else if (sc_sip_str_caseeq(name, "maddr")) {
			if (!val.p || !sc_sip_host_valid(val))
				return -EINVAL;
		}
	}
	return rc == 0 ? 0 : -EINVAL;
}

int sc_sip_cseq_parse(struct sc_sip_str value, struct sc_sip_cseq *out)
{
	memset(out, 0, sizeof(*out));
	struct sc_sip_str v = sc_sip_trim(value);
	if (!v.p)
		return -EINVAL;
	size_t i = 0;
	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	uint64_t seq;
	if (i == 0)
		return -EINVAL;
	if (!sc_sip_parse_uint((struct sc_sip_str){ v.p, i }, 0x7fffffffu, &seq))
		return -ERANGE;
	size_t m = sc_sip_skip_lws(v.p, i, v.len);
	if (m == i)
		return -EINVAL;
	size_t e = scan_token(v.p, m, v.len);
	if (e == m || e != v.len)
		return -EINVAL;
	out->seq = (uint32_t)seq;
	out->method = (struct sc_sip_str){ v.p + m, e - m };
	return 0;
}
