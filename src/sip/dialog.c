// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/dialog.h"

#include "base/strutil.h"

#include <errno.h>
#include <string.h>

// Copies a header value, dropping the CR LF of folded lines (the whitespace after them
// stays), so that the copy can be written back into a header.
static int copy_unfolded(struct sc_sip_str s, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] == '\r' || s.p[i] == '\n')
			continue;
		if (o + 1 >= cap)
			return -E2BIG;
		dst[o++] = s.p[i];
	}
	dst[o] = '\0';
	return 0;
}

static int copy_id(struct sc_sip_str s, char *dst, size_t cap)
{
	if (!s.p || s.len == 0)
		return -EBADMSG;
	return copy_unfolded(s, dst, cap);
}

// The one Contact URI of a dialog-creating message becomes the remote target (§12.1.1).
static int take_contact(struct sc_sip_dialog *d, const struct sc_sip_msg *m)
{
	if (m->n_contacts != 1 || m->contact.star || !m->contact.uri.raw.p)
		return -EBADMSG;
	return copy_unfolded(m->contact.uri.raw, d->remote_target, sizeof(d->remote_target));
}

// Record-Route values in message order; REVERSE for the UAC (§12.1.2).
static int take_routes(struct sc_sip_dialog *d, const struct sc_sip_msg *m, bool reverse)
{
	d->n_routes = 0;
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(m, SC_SIP_HDR_RECORD_ROUTE, h));) {
		struct sc_sip_str rest = h->value, v;
		while (sc_sip_next_value(&rest, &v)) {
			if (v.len == 0)
				continue;
			if (d->n_routes == SC_SIP_DIALOG_MAX_ROUTES)
				return -E2BIG;
			int r = copy_unfolded(v, d->routes[d->n_routes], sizeof(d->routes[0]));
			if (r < 0)
				return r;
			d->n_routes++;
		}
	}
	if (reverse) {
		for (size_t i = 0; i < d->n_routes / 2; i++) {
			char tmp[SC_SIP_DIALOG_URI_MAX];
			memcpy(tmp, d->routes[i], sizeof(tmp));
			memcpy(d->routes[i], d->routes[d->n_routes - 1 - i], sizeof(tmp));
			memcpy(d->routes[d->n_routes - 1 - i], tmp, sizeof(tmp));
		}
	}
	return 0;
}

int sc_sip_dialog_init_uas(struct sc_sip_dialog *d, const struct sc_sip_msg *invite,
			   const char *local_tag)
{
	memset(d, 0, sizeof(*d));
	int r = copy_id(invite->call_id, d->call_id, sizeof(d->call_id));
	if (r == 0)
		r = copy_id(invite->from.tag, d->remote_tag, sizeof(d->remote_tag));
	if (r == 0)
		r = sc_strcpy(d->local_tag, sizeof(d->local_tag), local_tag) ? -E2BIG : 0;
	if (r == 0)
		r = copy_unfolded(invite->from.uri.raw, d->remote_uri, sizeof(d->remote_uri));
	if (r == 0)
		r = copy_unfolded(invite->to.uri.raw, d->local_uri, sizeof(d->local_uri));
	if (r == 0)
		r = take_contact(d, invite);
	if (r == 0)
		r = take_routes(d, invite, false);
	if (r == 0) {
		d->remote_cseq = invite->cseq.seq;
		d->has_remote_cseq = true;
		d->we_called = false;
	}
	return r;
}

int sc_sip_dialog_init_uac(struct sc_sip_dialog *d, const struct sc_sip_msg *response,
			   const char *local_uri, const char *remote_uri, const char *local_tag,
			   uint32_t invite_cseq)
{
	memset(d, 0, sizeof(*d));
	int r = copy_id(response->call_id, d->call_id, sizeof(d->call_id));
	if (r == 0)
		r = copy_id(response->to.tag, d->remote_tag, sizeof(d->remote_tag));
	if (r == 0 && (sc_strcpy(d->local_tag, sizeof(d->local_tag), local_tag) ||
		       sc_strcpy(d->local_uri, sizeof(d->local_uri), local_uri) ||
		       sc_strcpy(d->remote_uri, sizeof(d->remote_uri), remote_uri)))
		r = -E2BIG;
	if (r == 0)
		r = take_contact(d, response);
	if (r == 0)
		r = take_routes(d, response, true);
	if (r == 0) {
		d->local_cseq = invite_cseq;
		d->we_called = true;
	}
	return r;
}

static bool str_is(struct sc_sip_str s, const char *c)
{
	return s.p && sc_sip_str_eq(s, c);
}

bool sc_sip_dialog_matches_request(const struct sc_sip_dialog *d, const struct sc_sip_msg *m)
{
	return m->is_request && str_is(m->call_id, d->call_id) && str_is(m->from.tag, d->remote_tag) &&
	       str_is(m->to.tag, d->local_tag);
}

bool sc_sip_dialog_matches_response(const struct sc_sip_dialog *d, const struct sc_sip_msg *m)
{
	return !m->is_request && str_is(m->call_id, d->call_id) && str_is(m->from.tag, d->local_tag) &&
	       str_is(m->to.tag, d->remote_tag);
}

int sc_sip_dialog_accept_cseq(struct sc_sip_dialog *d, const struct sc_sip_msg *m)
{
	if (m->method_id == SC_SIP_METHOD_ACK || m->method_id == SC_SIP_METHOD_CANCEL)
		return 0;
	if (d->has_remote_cseq && m->cseq.seq < d->remote_cseq)
		return -ERANGE;
	d->remote_cseq = m->cseq.seq;
	d->has_remote_cseq = true;
	return 0;
}

void sc_sip_dialog_write_request(const struct sc_sip_dialog *d, struct sc_sip_writer *w,
				 const char *method, const char *via_hostport, const char *branch,
				 uint32_t cseq)
{
	sc_sip_write_request_line(w, method, d->remote_target);
	sc_sip_write_header(w, "Via", "SIP/2.0/TLS %s;branch=%s", via_hostport, branch);
	for (size_t i = 0; i < d->n_routes; i++)
		sc_sip_write_header(w, "Route", "%s", d->routes[i]);
	sc_sip_write_header(w, "Max-Forwards", "70");
	sc_sip_write_header(w, "From", "<%s>;tag=%s", d->local_uri, d->local_tag);
	sc_sip_write_header(w, "To", "<%s>;tag=%s", d->remote_uri, d->remote_tag);
	sc_sip_write_header(w, "Call-ID", "%s", d->call_id);
	sc_sip_write_header(w, "CSeq", "%u %s", cseq, method);
}

uint32_t sc_sip_dialog_next_cseq(struct sc_sip_dialog *d)
{
	// §8.1.1.5: below 2^31; a dialog never gets near it from 1
	if (d->local_cseq < 0x7fffffffu)
		d->local_cseq++;
	return d->local_cseq;
}
