// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const method_names[] = {
	[SC_SIP_METHOD_INVITE] = "INVITE",	 [SC_SIP_METHOD_ACK] = "ACK",
	[SC_SIP_METHOD_BYE] = "BYE",		 [SC_SIP_METHOD_CANCEL] = "CANCEL",
	[SC_SIP_METHOD_OPTIONS] = "OPTIONS",	 [SC_SIP_METHOD_REGISTER] = "REGISTER",
	[SC_SIP_METHOD_INFO] = "INFO",		 [SC_SIP_METHOD_UPDATE] = "UPDATE",
	[SC_SIP_METHOD_PRACK] = "PRACK",	 [SC_SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SC_SIP_METHOD_NOTIFY] = "NOTIFY",	 [SC_SIP_METHOD_REFER] = "REFER",
	[SC_SIP_METHOD_MESSAGE] = "MESSAGE",
};

enum sc_sip_method sc_sip_method_lookup(struct sc_sip_str name)
{
	for (size_t m = 1; m < sizeof(method_names) / sizeof(method_names[0]); m++)
		if (sc_sip_str_eq(name, method_names[m]))
			return (enum sc_sip_method)m;
	return SC_SIP_METHOD_OTHER;
}

const char *sc_sip_method_name(enum sc_sip_method m)
{
	if (m <= SC_SIP_METHOD_OTHER || (size_t)m >= sizeof(method_names) / sizeof(method_names[0]))
		return NULL;
	return method_names[m];
}

// Records the first problem; requests get a 400 (or STATUS), responses are dropped.
__attribute__((format(printf, 4, 5))) static int fail(struct sc_sip_error *err, bool request,
						       int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->what, sizeof(err->what), fmt, ap);
	va_end(ap);
	err->status = request ? status : 0;
	if (err->status == 400)
		snprintf(err->reason, sizeof(err->reason), "Bad Request - %s", err->what);
	else if (err->status == 513)
		snprintf(err->reason, sizeof(err->reason), "Message Too Large");
	else
		err->reason[0] = '\0';
	return status == 513 ? -EMSGSIZE : -EBADMSG;
}

// Finds the end of the physical line starting at I: returns the index of its CR (the line
// ends with CRLF), or a negative code: -1 no line end before END, -2 bare CR or LF,
// -3 longer than SC_SIP_MAX_LINE.
static long line_end(const char *buf, size_t i, size_t end)
{
	size_t limit = end - i > SC_SIP_MAX_LINE + 2 ? i + SC_SIP_MAX_LINE + 2 : end;
	const char *cr = memchr(buf + i, '\r', limit - i);
	size_t upto = cr ? (size_t)(cr - buf) : limit;
	if (memchr(buf + i, '\n', upto - i))
		return -2;
	if (!cr)
		return limit < end ? -3 : -1;
	size_t k = (size_t)(cr - buf);
	if (k + 1 >= end)
		return -1;
	return buf[k + 1] == '\n' ? (long)k : -2;
}

static bool parse_version(struct sc_sip_str v, bool *is_2_0)
{
	if (v.len < 7 || !sc_sip_str_caseeq((struct sc_sip_str){ v.p, 4 }, "SIP/"))
		return false;
	size_t i = 4, major_b = i;
	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	if (i == major_b || i >= v.len || v.p[i] != '.')
		return false;
	size_t minor_b = ++i;
	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	if (i == minor_b || i != v.len)
		return false;
	uint64_t major, minor;
	*is_2_0 = sc_sip_parse_uint((struct sc_sip_str){ v.p + 4, minor_b - 5 }, 1000, &major) &&
		  sc_sip_parse_uint((struct sc_sip_str){ v.p + minor_b, v.len - minor_b }, 1000, &minor) &&
		  major == 2 && minor == 0;
	return true;
}

static int parse_request_line(struct sc_sip_str line, struct sc_sip_msg *m, struct sc_sip_error *err)
{
	// Trailing blanks are tolerated (RFC 4475 §3.1.2.10 allows either answer).
	while (line.len && (line.p[line.len - 1] == ' ' || line.p[line.len - 1] == '\t'))
		line.len--;
	const char *sp1 = memchr(line.p, ' ', line.len);
	if (!sp1)
		return fail(err, true, 400, "Malformed request line");
	m->method = (struct sc_sip_str){ line.p, (size_t)(sp1 - line.p) };
	if (!sc_sip_str_all(m->method, SC_SIP_C_TOKEN))
		return fail(err, true, 400, "Malformed method in request line");
	const char *uri_b = sp1 + 1;
	const char *sp2 = memchr(uri_b, ' ', (size_t)(line.p + line.len - uri_b));
	if (!sp2 || sp2 == uri_b)
		return fail(err, true, 400, "Malformed request line (one space between its parts)");
	struct sc_sip_str uri = { uri_b, (size_t)(sp2 - uri_b) };
	m->version = (struct sc_sip_str){ sp2 + 1, (size_t)(line.p + line.len - sp2 - 1) };
	if (!parse_version(m->version, &m->version_2_0))
		return fail(err, true, 400, "Malformed SIP version in request line");
	if (sc_sip_uri_parse(uri, &m->request_uri) != 0)
		return fail(err, true, 400, "Malformed Request-URI");
	if (m->request_uri.headers.p)
		return fail(err, true, 400, "Request-URI must not carry headers");
	m->method_id = sc_sip_method_lookup(m->method);
	return 0;
}

static int parse_status_line(struct sc_sip_str line, struct sc_sip_msg *m, struct sc_sip_error *err)
{
	const char *sp1 = memchr(line.p, ' ', line.len);
	if (!sp1)
		return fail(err, false, 0, "Malformed status line");
	m->version = (struct sc_sip_str){ line.p, (size_t)(sp1 - line.p) };
	if (!parse_version(m->version, &m->version_2_0) || !m->version_2_0)
		return fail(err, false, 0, "Unsupported SIP version in status line");
	size_t i = (size_t)(sp1 - line.p) + 1;
	if (line.len - i < 3)
		return fail(err, false, 0, "Malformed status code");
	uint64_t code;
	if (!sc_sip_parse_uint((struct sc_sip_str){ line.p + i, 3 }, 699, &code) || code < 100 ||
	    (line.len > i + 3 && line.p[i + 3] != ' '))
		return fail(err, false, 0, "Malformed status code");
	m->status = (unsigned)code;
	i += 3;
	if (i < line.len)
		i++;
	m->reason = (struct sc_sip_str){ line.p + i, line.len - i };
	for (size_t k = 0; k < m->reason.len; k++) {
		unsigned char c = (unsigned char)m->reason.p[k];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(err, false, 0, "Control character in reason phrase");
	}
	return 0;
}

// Checks that a header which may appear once does so; HDR names it in the error.
static int single(const struct sc_sip_msg *m, enum sc_sip_hdr id, const struct sc_sip_header **out,
		  struct sc_sip_error *err)
{
	const struct sc_sip_header *h = sc_sip_msg_find(m, id, NULL);
	*out = h;
	if (h && sc_sip_msg_find(m, id, h))
		return fail(err, m->is_request, 400, "Multiple %s headers", sc_sip_hdr_name(id));
	return 0;
}

// The one element of a single-valued header; a top-level comma is a second value.
static bool one_element(struct sc_sip_str value, struct sc_sip_str *elem)
{
	struct sc_sip_str rest = value;
	if (!sc_sip_next_value(&rest, elem))
		return false;
	return rest.p == NULL && elem->len > 0;
}

static bool call_id_valid(struct sc_sip_str v)
{
	bool at = false;
	if (v.len == 0 || v.p[0] == '@' || v.p[v.len - 1] == '@')
		return false;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] == '@' && !at) {
			at = true;
			continue;
		}
		if (!sc_sip_is((unsigned char)v.p[i], SC_SIP_C_WORD))
			return false;
	}
	return true;
}

static bool token_list_valid(struct sc_sip_str v)
{
	struct sc_sip_str rest = v, elem;
	while (sc_sip_next_value(&rest, &elem))
		if (!sc_sip_str_all(elem, SC_SIP_C_TOKEN))
			return false;
	return true;
}

static int check_nameaddr_header(struct sc_sip_msg *m, enum sc_sip_hdr id, struct sc_sip_nameaddr *na,
				 struct sc_sip_error *err)
{
	const struct sc_sip_header *h;
	int rc = single(m, id, &h, err);
	if (rc)
		return rc;
	if (!h)
		return fail(err, m->is_request, 400, "Missing %s header", sc_sip_hdr_name(id));
	struct sc_sip_str elem;
	if (!one_element(h->value, &elem) || sc_sip_nameaddr_parse(elem, false, na) != 0)
		return fail(err, m->is_request, 400, "Malformed %s header", sc_sip_hdr_name(id));
	return 0;
}

static int check_via(struct sc_sip_msg *m, struct sc_sip_error *err)
{
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(m, SC_SIP_HDR_VIA, h));) {
		struct sc_sip_str rest = h->value, elem;
		while (sc_sip_next_value(&rest, &elem)) {
			struct sc_sip_via via;
			if (sc_sip_via_parse(elem, &via) != 0)
				return fail(err, m->is_request, 400, "Malformed Via header");
			if (m->n_via++ == 0)
				m->via = via;
		}
	}
	if (m->n_via == 0)
		return fail(err, m->is_request, 400, "Missing Via header");
	return 0;
}

static int check_contacts(struct sc_sip_msg *m, struct sc_sip_error *err)
{
	bool star = false;
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(m, SC_SIP_HDR_CONTACT, h));) {
		struct sc_sip_str rest = h->value, elem;
		while (sc_sip_next_value(&rest, &elem)) {
			struct sc_sip_nameaddr na;
			struct sc_sip_str expires;
			uint64_t e;
			if (sc_sip_nameaddr_parse(elem, true, &na) != 0)
				return fail(err, m->is_request, 400, "Malformed Contact header");
			if (sc_sip_param_get(na.params, "expires", &expires) &&
			    !sc_sip_parse_uint(expires, UINT32_MAX, &e))
				return fail(err, m->is_request, 400, "Contact expires out of range");
			star |= na.star;
			if (m->n_contacts++ == 0)
				m->contact = na;
		}
	}
	if (star && m->n_contacts > 1)
		return fail(err, m->is_request, 400, "Contact \"*\" mixed with other contacts");
	return 0;
}

static int check_routes(struct sc_sip_msg *m, enum sc_sip_hdr id, struct sc_sip_error *err)
{
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(m, id, h));) {
		struct sc_sip_str rest = h->value, elem;
		while (sc_sip_next_value(&rest, &elem)) {
			struct sc_sip_nameaddr na;
			if (sc_sip_nameaddr_parse(elem, false, &na) != 0 || !na.bracketed)
				return fail(err, m->is_request, 400, "Malformed %s header", sc_sip_hdr_name(id));
		}
	}
	return 0;
}

static int check_scalar(struct sc_sip_msg *m, enum sc_sip_hdr id, uint64_t max, int64_t *out,
			struct sc_sip_error *err)
{
	const struct sc_sip_header *h;
	int rc = single(m, id, &h, err);
	if (rc)
		return rc;
	*out = -1;
	if (!h)
		return 0;
	uint64_t v;
	if (!sc_sip_parse_uint(h->value, max, &v)) {
		bool digits = h->value.len > 0;
		for (size_t i = 0; i < h->value.len; i++)
			digits &= h->value.p[i] >= '0' && h->value.p[i] <= '9';
		return fail(err, m->is_request, 400, digits ? "%s out of range" : "Malformed %s header",
			    sc_sip_hdr_name(id));
	}
	*out = (int64_t)v;
	return 0;
}

static int check_content_type(struct sc_sip_msg *m, struct sc_sip_error *err)
{
	const struct sc_sip_header *h;
	int rc = single(m, SC_SIP_HDR_CONTENT_TYPE, &h, err);
	if (rc || !h)
		return rc;
	const char *p = h->value.p;
	size_t end = h->value.len, i = 0;
	while (i < end && sc_sip_is((unsigned char)p[i], SC_SIP_C_TOKEN))
		i++;
	m->content_type = (struct sc_sip_str){ p, i };
	size_t j = sc_sip_skip_lws(p, i, end);
	if (i == 0 || j >= end || p[j] != '/')
		return fail(err, m->is_request, 400, "Malformed Content-Type header");
	j = sc_sip_skip_lws(p, j + 1, end);
	size_t sb = j;
	while (j < end && sc_sip_is((unsigned char)p[j], SC_SIP_C_TOKEN))
		j++;
	m->content_subtype = (struct sc_sip_str){ p + sb, j - sb };
	if (j == sb || !sc_sip_header_params_valid((struct sc_sip_str){ p + j, end - j }))
		return fail(err, m->is_request, 400, "Malformed Content-Type header");
	return 0;
}

static int check_headers(struct sc_sip_msg *m, struct sc_sip_error *err)
{
	int rc;
	const struct sc_sip_header *h;
	int64_t v;
	if ((rc = check_via(m, err)) || (rc = check_nameaddr_header(m, SC_SIP_HDR_FROM, &m->from, err)) ||
	    (rc = check_nameaddr_header(m, SC_SIP_HDR_TO, &m->to, err)))
		return rc;
	if ((rc = single(m, SC_SIP_HDR_CALL_ID, &h, err)))
		return rc;
	if (!h)
		return fail(err, m->is_request, 400, "Missing Call-ID header");
	if (!call_id_valid(h->value))
		return fail(err, m->is_request, 400, "Malformed Call-ID header");
	m->call_id = h->value;
	if ((rc = single(m, SC_SIP_HDR_CSEQ, &h, err)))
		return rc;
	if (!h)
		return fail(err, m->is_request, 400, "Missing CSeq header");
	rc = sc_sip_cseq_parse(h->value, &m->cseq);
	if (rc == -ERANGE)
		return fail(err, m->is_request, 400, "CSeq number out of range");
	if (rc)
		return fail(err, m->is_request, 400, "Malformed CSeq header");
	m->cseq_method_id = sc_sip_method_lookup(m->cseq.method);
	if (m->is_request && !sc_sip_str_equal(m->cseq.method, m->method))
		return fail(err, true, 400, "CSeq method does not match the request method");
	if ((rc = check_scalar(m, SC_SIP_HDR_MAX_FORWARDS, 255, &v, err)))
		return rc;
	m->max_forwards = (int)v;
	if ((rc = check_scalar(m, SC_SIP_HDR_CONTENT_LENGTH, UINT32_MAX, &m->content_length, err)) ||
	    (rc = check_scalar(m, SC_SIP_HDR_EXPIRES, UINT32_MAX, &m->expires, err)) ||
	    (rc = check_content_type(m, err)) || (rc = check_contacts(m, err)) ||
	    (rc = check_routes(m, SC_SIP_HDR_ROUTE, err)) ||
	    (rc = check_routes(m, SC_SIP_HDR_RECORD_ROUTE, err)))
		return rc;
	static const enum sc_sip_hdr token_lists[] = { SC_SIP_HDR_REQUIRE, SC_SIP_HDR_PROXY_REQUIRE,
						       SC_SIP_HDR_SUPPORTED };
	for (size_t k = 0; k < sizeof(token_lists) / sizeof(token_lists[0]); k++)
		for (h = NULL; (h = sc_sip_msg_find(m, token_lists[k], h));)
			if (!token_list_valid(h->value))
				return fail(err, m->is_request, 400, "Malformed %s header",
					    sc_sip_hdr_name(token_lists[k]));
	return 0;
}

static int add_header(struct sc_sip_msg *m, const char *buf, size_t b, size_t e, struct sc_sip_error *err)
{
	size_t i = b;
	while (i < e && sc_sip_is((unsigned char)buf[i], SC_SIP_C_TOKEN))
		i++;
	struct sc_sip_str name = { buf + b, i - b };
	while (i < e && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (name.len == 0 || i >= e || buf[i] != ':')
		return fail(err, m->is_request, 400, "Malformed header line (no name and colon)");
	if (m->n_headers == SC_SIP_MAX_HEADERS)
		return fail(err, m->is_request, 400, "Too many headers (more than %d)", SC_SIP_MAX_HEADERS);
	struct sc_sip_header *h = &m->headers[m->n_headers++];
	h->id = sc_sip_hdr_lookup(name);
	h->name = name;
	h->value = sc_sip_trim((struct sc_sip_str){ buf + i + 1, e - i - 1 });
	return 0;
}

int sc_sip_msg_parse(const char *buf, size_t len, enum sc_sip_framing framing,
		     struct sc_sip_msg *m, struct sc_sip_error *err)
{
	memset(m, 0, sizeof(*m));
	memset(err, 0, sizeof(*err));
	m->max_forwards = -1;
	m->content_length = -1;
	m->expires = -1;
	size_t i = 0;
	// RFC 3261 §7.5: empty lines before the start line are ignored.
	while (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
		i += 2;
	m->is_request = !(len - i >= 4 && sc_sip_str_caseeq((struct sc_sip_str){ buf + i, 4 }, "SIP/"));
	if (len > SC_SIP_MAX_MESSAGE)
		return fail(err, m->is_request, 513, "Message larger than %d bytes", SC_SIP_MAX_MESSAGE);
	m->raw = (struct sc_sip_str){ buf + i, len - i };
	if (i == len)
		return fail(err, false, 0, "Empty message");

	long le = line_end(buf, i, len);
	if (le < 0)
		return fail(err, m->is_request, 400, le == -3 ? "Line too long" : le == -2 ?
			    "Line not terminated by CRLF" : "Truncated start line");
	struct sc_sip_str start = { buf + i, (size_t)le - i };
	int rc = m->is_request ? parse_request_line(start, m, err) : parse_status_line(start, m, err);
	if (rc)
		return rc;
	i = (size_t)le + 2;

	// Header lines; a line starting with SP or HTAB continues the previous one (folding).
	size_t hb = 0, he = 0;
	bool open = false;
	for (;;) {
		le = line_end(buf, i, len);
		if (le < 0)
			return fail(err, m->is_request, 400, le == -3 ? "Line too long" : le == -2 ?
				    "Line not terminated by CRLF" : "Missing blank line after headers");
		size_t e = (size_t)le;
		if (e > i && (buf[i] == ' ' || buf[i] == '\t')) {
			if (!open)
				return fail(err, m->is_request, 400, "Continuation line before the first header");
			he = e;
			i = e + 2;
			continue;
		}
		if (open && (rc = add_header(m, buf, hb, he, err)))
			return rc;
		open = e > i;
		hb = i;
		he = e;
		i = e + 2;
		if (!open)
			break;
	}
	if ((rc = check_headers(m, err)))
		return rc;

	size_t avail = len - i;
	if (framing == SC_SIP_STREAM) {
		if (m->content_length < 0)
			return fail(err, m->is_request, 400,
				    "Missing Content-Length header (mandatory over TLS)");
		if ((uint64_t)m->content_length != avail)
			return fail(err, m->is_request, 400, "Content-Length does not match the body");
	} else if (m->content_length < 0) {
		m->content_length = (int64_t)avail;
	} else if ((uint64_t)m->content_length > avail) {
		return fail(err, m->is_request, 400, "Content-Length larger than the body");
	}
	// Bytes of a datagram past Content-Length are discarded (RFC 3261 §18.3).
	m->body = (struct sc_sip_str){ buf + i, (size_t)m->content_length };
	m->raw.len = i + (size_t)m->content_length - (size_t)(m->raw.p - buf);
	return 0;
}

int sc_sip_msg_precheck(const struct sc_sip_msg *m, struct sc_sip_error *err)
{
	memset(err, 0, sizeof(*err));
	if (!m->is_request)
		return 0;
	if (!m->version_2_0) {
		err->status = 505;
		snprintf(err->what, sizeof(err->what), "SIP version %.*s is not 2.0",
			 (int)m->version.len, m->version.p);
		snprintf(err->reason, sizeof(err->reason), "Version Not Supported");
		return 505;
	}
	if (m->request_uri.scheme == SC_SIP_SCHEME_OTHER) {
		err->status = 416;
		snprintf(err->what, sizeof(err->what), "Request-URI scheme \"%.*s\" is not sip, sips or tel",
			 (int)m->request_uri.scheme_name.len, m->request_uri.scheme_name.p);
		snprintf(err->reason, sizeof(err->reason), "Unsupported URI Scheme");
		return 416;
	}
	return 0;
}

const struct sc_sip_header *sc_sip_msg_find(const struct sc_sip_msg *m, enum sc_sip_hdr id,
					    const struct sc_sip_header *after)
{
	size_t k = after ? (size_t)(after - m->headers) + 1 : 0;
	for (; k < m->n_headers; k++)
		if (m->headers[k].id == id)
			return &m->headers[k];
	return NULL;
}

const struct sc_sip_header *sc_sip_msg_find_name(const struct sc_sip_msg *m, const char *name,
						 const struct sc_sip_header *after)
{
	enum sc_sip_hdr id = sc_sip_hdr_lookup(sc_sip_str_from(name));
	if (id != SC_SIP_HDR_OTHER)
		return sc_sip_msg_find(m, id, after);
	size_t k = after ? (size_t)(after - m->headers) + 1 : 0;
	for (; k < m->n_headers; k++)
		if (m->headers[k].id == SC_SIP_HDR_OTHER && sc_sip_str_caseeq(m->headers[k].name, name))
			return &m->headers[k];
	return NULL;
}
