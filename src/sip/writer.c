// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sc_sip_writer_init(struct sc_sip_writer *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = cap ? 0 : -ENOBUFS;
	if (cap)
		buf[0] = '\0';
}

static void put(struct sc_sip_writer *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (w->cap - w->len <= n) {
		w->err = -ENOBUFS;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void puts_(struct sc_sip_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static bool safe_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return false;
	return true;
}

static void put_checked(struct sc_sip_writer *w, const char *s)
{
	if (!safe_text(s, strlen(s))) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	puts_(w, s);
}

void sc_sip_write_request_line(struct sc_sip_writer *w, const char *method, const char *uri)
{
	if (!sc_sip_str_all(sc_sip_str_from(method), SC_SIP_C_TOKEN) || strchr(uri, ' ') || !*uri) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	put_checked(w, method);
	puts_(w, " ");
	put_checked(w, uri);
	puts_(w, " SIP/2.0\r\n");
}

void sc_sip_write_status_line(struct sc_sip_writer *w, unsigned code, const char *reason)
{
	char num[16];
	if (code < 100 || code > 699) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	snprintf(num, sizeof(num), "SIP/2.0 %u ", code);
	puts_(w, num);
	put_checked(w, reason);
	puts_(w, "\r\n");
}

static void header_name(struct sc_sip_writer *w, const char *name)
{
	if (!sc_sip_str_all(sc_sip_str_from(name), SC_SIP_C_TOKEN)) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	puts_(w, name);
	puts_(w, ": ");
}

void sc_sip_write_header(struct sc_sip_writer *w, const char *name, const char *fmt, ...)
{
	if (w->err)
		return;
	header_name(w, name);
	if (w->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->err = n < 0 ? -EINVAL : -ENOBUFS;
		return;
	}
	if (!safe_text(w->buf + w->len, (size_t)n)) {
		w->err = -EINVAL;
		return;
	}
	w->len += (size_t)n;
	puts_(w, "\r\n");
}

// Folded lines keep their whitespace and lose the CRLF: "a\r\n b" becomes "a b".
static void put_unfolded(struct sc_sip_writer *w, struct sc_sip_str v)
{
	size_t b = 0;
	for (size_t i = 0; i <= v.len; i++) {
		if (i < v.len && v.p[i] != '\r' && v.p[i] != '\n')
			continue;
		put(w, v.p + b, i - b);
		b = i + 1;
	}
}

void sc_sip_write_header_str(struct sc_sip_writer *w, const char *name, struct sc_sip_str value)
{
	header_name(w, name);
	put_unfolded(w, value);
	puts_(w, "\r\n");
}

int sc_sip_write_end(struct sc_sip_writer *w, const char *content_type, const void *body,
		     size_t body_len)
{
	if (body_len && content_type)
		sc_sip_write_header(w, "Content-Type", "%s", content_type);
	sc_sip_write_header(w, "Content-Length", "%zu", body_len);
	puts_(w, "\r\n");
	if (body_len)
		put(w, body, body_len);
	return w->err ? w->err : (int)w->len;
}

static void copy_headers(struct sc_sip_writer *w, const struct sc_sip_msg *m, enum sc_sip_hdr id)
{
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(m, id, h));)
		sc_sip_write_header_str(w, sc_sip_hdr_name(id), h->value);
}

void sc_sip_write_response_start(struct sc_sip_writer *w, const struct sc_sip_msg *req,
				 unsigned code, const char *reason, const char *to_tag)
{
	sc_sip_write_status_line(w, code, reason);
	copy_headers(w, req, SC_SIP_HDR_VIA);
	copy_headers(w, req, SC_SIP_HDR_FROM);
	const struct sc_sip_header *to = sc_sip_msg_find(req, SC_SIP_HDR_TO, NULL);
	if (to) {
		header_name(w, "To");
		put_unfolded(w, to->value);
		if (to_tag && code > 100 && !req->to.tag.p) {
			if (!sc_sip_str_all(sc_sip_str_from(to_tag), SC_SIP_C_TOKEN) && !w->err)
				w->err = -EINVAL;
			puts_(w, ";tag=");
			puts_(w, to_tag);
		}
		puts_(w, "\r\n");
	}
	copy_headers(w, req, SC_SIP_HDR_CALL_ID);
	copy_headers(w, req, SC_SIP_HDR_CSEQ);
}

void sc_sip_write_request_line_str(struct sc_sip_writer *w, const char *method, struct sc_sip_str uri)
{
	if (!sc_sip_str_all(sc_sip_str_from(method), SC_SIP_C_TOKEN) || !uri.p || uri.len == 0 ||
	    !safe_text(uri.p, uri.len) || memchr(uri.p, ' ', uri.len)) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	puts_(w, method);
	puts_(w, " ");
	put(w, uri.p, uri.len);
	puts_(w, " SIP/2.0\r\n");
}

int sc_sip_write_cancel(struct sc_sip_writer *w, const struct sc_sip_msg *invite)
{
	if (!invite->is_request || invite->method_id != SC_SIP_METHOD_INVITE)
		return -EINVAL;
	sc_sip_write_request_line_str(w, "CANCEL", invite->request_uri.raw);
	// only the INVITE's topmost Via: the CANCEL travels the same first hop
	const struct sc_sip_header *via = sc_sip_msg_find(invite, SC_SIP_HDR_VIA, NULL);
	struct sc_sip_str rest = via ? via->value : SC_SIP_STR_NULL, top;
	if (!via || !sc_sip_next_value(&rest, &top))
		return -EINVAL;
	sc_sip_write_header_str(w, "Via", top);
	copy_headers(w, invite, SC_SIP_HDR_ROUTE);
	sc_sip_write_header(w, "Max-Forwards", "70");
	copy_headers(w, invite, SC_SIP_HDR_FROM);
	copy_headers(w, invite, SC_SIP_HDR_TO);
	copy_headers(w, invite, SC_SIP_HDR_CALL_ID);
	sc_sip_write_header(w, "CSeq", "%u CANCEL", invite->cseq.seq);
	return sc_sip_write_end(w, NULL, NULL, 0);
}

int sc_sip_msg_serialize(const struct sc_sip_msg *m, char *buf, size_t cap)
{
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, cap);
	if (m->is_request) {
		put(&w, m->method.p, m->method.len);
		puts_(&w, " ");
		put(&w, m->request_uri.raw.p, m->request_uri.raw.len);
		puts_(&w, " ");
		put(&w, m->version.p, m->version.len);
	} else {
		char code[8];
		put(&w, m->version.p, m->version.len);
		snprintf(code, sizeof(code), " %03u ", m->status);
		puts_(&w, code);
		put(&w, m->reason.p, m->reason.len);
	}
	puts_(&w, "\r\n");
	for (size_t i = 0; i < m->n_headers; i++) {
		const struct sc_sip_header *h = &m->headers[i];
		if (h->id == SC_SIP_HDR_CONTENT_LENGTH)
			continue;
		size_t unfolded = h->value.len;
		for (size_t k = 0; k < h->value.len; k++)
			unfolded -= h->value.p[k] == '\r' || h->value.p[k] == '\n';
		const char *name = h->id == SC_SIP_HDR_OTHER ? NULL : sc_sip_hdr_name(h->id);
		size_t name_len = name ? strlen(name) : h->name.len;
		if (name_len + 2 + unfolded <= SC_SIP_MAX_LINE) {
			if (name)
				puts_(&w, name);
			else
				put(&w, h->name.p, h->name.len);
			puts_(&w, ": ");
			put_unfolded(&w, h->value);
		} else {
			// joined it would exceed the line limit: keep its folds and its (possibly
			// compact) name, so that no line grows
			put(&w, h->name.p, h->name.len);
			puts_(&w, ":");
			put(&w, h->value.p, h->value.len);
		}
		puts_(&w, "\r\n");
	}
	int n = sc_sip_write_end(&w, NULL, m->body.p, m->body.len);
	return n > SC_SIP_MAX_MESSAGE ? -EMSGSIZE : n;
}
