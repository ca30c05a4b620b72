// SPDX-License-Identifier: GPL-3.0-or-later
// The UA's frame: configuration, the action queue, connections, and the dispatch of what
// the transaction layer reports to the call (ua_call.c) and the registration
// (ua_register.c).
#include "sip/ua_internal.h"

#include "base/log.h"
#include "base/secret.h"
#include "base/strutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sc_sip_ua_state_name(enum sc_sip_ua_call_state s)
{
	switch (s) {
	case SC_SIP_UA_IDLE:
		return "idle";
	case SC_SIP_UA_CALLING:
		return "calling";
	case SC_SIP_UA_RINGING_OUT:
		return "ringing-out";
	case SC_SIP_UA_RINGING_IN:
		return "ringing-in";
	case SC_SIP_UA_IN_CALL:
		return "in-call";
	case SC_SIP_UA_ENDING:
		return "ending";
	}
	return "?";
}

int sc_sip_ua_local_uri(const struct sc_policy *p, const char *cert_name, char *out, size_t len)
{
	if (!cert_name || !*cert_name)
		return -EINVAL;
	int n = snprintf(out, len, "sips:%s@%s", p->site_name, cert_name);
	return n < 0 || (size_t)n >= len ? -ENOBUFS : 0;
}

int sc_sip_ua_new(const struct sc_sip_ua_config *cfg, struct sc_sip_ua **out)
{
	*out = NULL;
	if (!cfg->policy || !cfg->local_uri || !cfg->rng || !cfg->media.prepare ||
	    !cfg->media.start || !cfg->media.release)
		return -EINVAL;
	struct sc_sip_ua *ua = calloc(1, sizeof(*ua));
	if (!ua)
		return -ENOMEM;
	int r = -EINVAL;
	ua->policy = cfg->policy;
	if (sc_strcpy(ua->local_uri, sizeof(ua->local_uri), cfg->local_uri) < 0)
		goto fail;
	sc_strcpy(ua->user_agent, sizeof(ua->user_agent), cfg->user_agent ? cfg->user_agent : "sealcall");
	sc_strcpy(ua->contact_user, sizeof(ua->contact_user),
		  cfg->policy->sip.has_registrar ? cfg->policy->sip.registrar.username
						 : cfg->policy->site_name);
	ua->rng = cfg->rng;
	ua->rng_ctx = cfg->rng_ctx;
	ua->media = cfg->media;
	ua->env = cfg->env;
	ua->t1_ms = cfg->t1_ms ? cfg->t1_ms : SC_SIP_T1_MS;
	ua->ring_timeout_ms = cfg->ring_timeout_ms ? cfg->ring_timeout_ms : SC_SIP_UA_RING_TIMEOUT_MS;
	ua->headset = true;
	r = -ENOMEM;
	if (cfg->registrar_password_len) {
		ua->password = malloc(cfg->registrar_password_len);
		if (!ua->password)
			goto fail;
		memcpy(ua->password, cfg->registrar_password, cfg->registrar_password_len);
		ua->password_len = cfg->registrar_password_len;
	}
	ua->txn = sc_sip_txn_table_new(UA_TXN_CAPACITY, ua->t1_ms);
	if (!ua->txn)
		goto fail;
	ua->reg.configured = cfg->policy->sip.has_registrar;
	if (ua->reg.configured &&
	    snprintf(ua->reg_aor, sizeof(ua->reg_aor), "sips:%s@%s", cfg->policy->sip.registrar.username,
		     cfg->policy->sip.registrar.host) >= (int)sizeof(ua->reg_aor))
		goto fail;
	*out = ua;
	return 0;
fail:
	sc_sip_ua_free(ua);
	return r;
}

static void queue_clear(struct sc_sip_ua *ua, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		free(ua->queue[i].data);
	memmove(ua->queue, ua->queue + upto, (ua->q_len - upto) * sizeof(*ua->queue));
	ua->q_len -= upto;
	ua->q_head = 0;
}

void sc_sip_ua_free(struct sc_sip_ua *ua)
{
	if (!ua)
		return;
	ua_call_free(ua);
	if (ua->queue)
		queue_clear(ua, ua->q_len);
	free(ua->queue);
	free(ua->flows);
	sc_sip_txn_table_free(ua->txn);
	sc_secret_free(ua->password, ua->password_len);
	sc_wipe(&ua->reg.challenge, sizeof(ua->reg.challenge));
	free(ua);
}

void ua_begin(struct sc_sip_ua *ua, uint64_t now)
{
	ua->now = now;
	if (ua->q_head)
		queue_clear(ua, ua->q_head);
}

static struct ua_item *queue_add(struct sc_sip_ua *ua)
{
	if (ua->q_len == ua->q_cap) {
		size_t cap = ua->q_cap ? ua->q_cap * 2 : 16;
		struct ua_item *q = realloc(ua->queue, cap * sizeof(*q));
		if (!q)
			return NULL;
		ua->queue = q;
		ua->q_cap = cap;
	}
	struct ua_item *it = &ua->queue[ua->q_len++];
	memset(it, 0, sizeof(*it));
	return it;
}

int ua_queue_send(struct sc_sip_ua *ua, uint64_t flow, const char *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	struct ua_item *it = queue_add(ua);
	if (!it) {
		free(copy);
		return -ENOMEM;
	}
	it->a.type = SC_SIP_UA_SEND;
	it->a.flow = flow;
	it->data = copy;
	it->a.len = len;
	return 0;
}

void ua_queue_connect(struct sc_sip_ua *ua, const struct sc_directory_entry *site)
{
	struct ua_item *it = queue_add(ua);
	if (!it) {
		sc_err("sip: out of memory queueing a connection to %s", site ? site->name : "the registrar");
		return;
	}
	it->a.type = SC_SIP_UA_CONNECT;
	it->a.site = site;
}

void ua_queue_event(struct sc_sip_ua *ua, const struct sc_sip_ua_event *ev)
{
	struct ua_item *it = queue_add(ua);
	if (!it) {
		sc_err("sip: out of memory queueing an event");
		return;
	}
	it->a.type = SC_SIP_UA_EVENT;
	it->a.event = *ev;
}

bool sc_sip_ua_pop(struct sc_sip_ua *ua, struct sc_sip_ua_action *a)
{
	if (ua->q_head >= ua->q_len)
		return false;
	struct ua_item *it = &ua->queue[ua->q_head++];
	*a = it->a;
	a->data = it->data;
	return true;
}

void ua_say(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

int ua_random_hex(struct sc_sip_ua *ua, char *out, size_t bytes)
{
	uint8_t raw[32];
	if (bytes > sizeof(raw))
		return -EINVAL;
	int r = ua->rng(ua->rng_ctx, raw, bytes);
	if (r < 0)
		return r;
	sc_hex_encode(raw, bytes, out);
	return 0;
}

int ua_new_branch(struct sc_sip_ua *ua, char *out, size_t len)
{
	char hex[33];
	if (len < sizeof("z9hG4bK") + 32)
		return -ENOBUFS;
	int r = ua_random_hex(ua, hex, 16);
	if (r == 0)
		ua_say(out, len, "z9hG4bK%s", hex);
	return r;
}

// ---- connections ----

struct ua_flow *ua_find_flow(struct sc_sip_ua *ua, uint64_t flow)
{
	for (size_t i = 0; i < ua->n_flows; i++)
		if (ua->flows[i].id == flow)
			return &ua->flows[i];
	return NULL;
}

struct ua_flow *ua_flow_to(struct sc_sip_ua *ua, const struct sc_directory_entry *site)
{
	for (size_t i = 0; i < ua->n_flows; i++) {
		const struct sc_sip_identity *id = &ua->flows[i].info.peer;
		if (site ? id->kind == SC_SIP_PEER_SITE && id->entry == site
			 : id->kind == SC_SIP_PEER_REGISTRAR)
			return &ua->flows[i];
	}
	return NULL;
}

void sc_sip_ua_flow_up(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_ua_flow *info,
		       uint64_t now)
{
	ua_begin(ua, now);
	struct ua_flow *f = ua_find_flow(ua, flow);
	if (!f) {
		if (ua->n_flows == ua->cap_flows) {
			size_t cap = ua->cap_flows ? ua->cap_flows * 2 : 8;
			struct ua_flow *n = realloc(ua->flows, cap * sizeof(*n));
			if (!n) {
				sc_err("sip: out of memory for a new connection");
				return;
			}
			ua->flows = n;
			ua->cap_flows = cap;
		}
		f = &ua->flows[ua->n_flows++];
	}
	memset(f, 0, sizeof(*f));
	f->id = flow;
	f->info = *info;
	if (!inet_ntop(info->local_family, info->local_addr, f->ip, sizeof(f->ip)))
		sc_strcpy(f->ip, sizeof(f->ip), "0.0.0.0");
	ua_say(f->hostport, sizeof(f->hostport), info->local_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 f->ip, (unsigned)ua->policy->sip.port);
	ua_call_flow_up(ua, f);
	// the call may have added flows? no: only the core adds them; F stays valid
	ua_reg_flow_up(ua, f);
}

static void run_out(struct sc_sip_ua *ua, struct sc_sip_txn_out *out);

void sc_sip_ua_flow_down(struct sc_sip_ua *ua, uint64_t flow, const char *why, uint64_t now)
{
	ua_begin(ua, now);
	struct ua_flow *f = ua_find_flow(ua, flow);
	if (!f)
		return;
	*f = ua->flows[--ua->n_flows];
	// Bounded: each round ends at least one transaction, and the table is finite.
	for (int i = 0; i < UA_TXN_CAPACITY + 1; i++) {
		struct sc_sip_txn_out out = { .n = 0 };
		sc_sip_txn_flow_failed(ua->txn, now, flow, &out);
		if (out.n == 0)
			break;
		run_out(ua, &out);
	}
	ua_call_flow_down(ua, flow, why ? why : "connection closed");
	ua_reg_flow_down(ua, flow, why ? why : "connection closed");
}

void sc_sip_ua_connect_failed(struct sc_sip_ua *ua, const struct sc_directory_entry *site,
			      const char *why, uint64_t now)
{
	ua_begin(ua, now);
	ua_call_connect_failed(ua, site, why ? why : "connection failed");
	if (!site)
		ua_reg_connect_failed(ua, why ? why : "connection failed");
}

// ---- sending ----

int ua_send_request(struct sc_sip_ua *ua, uint64_t flow, const char *buf, size_t len, uint32_t *txn)
{
	struct sc_sip_txn_out out = { .n = 0 };
	int r = sc_sip_txn_client_start(ua->txn, ua->now, flow, buf, len, txn, &out);
	if (r < 0) {
		sc_err("sip: cannot start a transaction: %s", strerror(-r));
		return r;
	}
	run_out(ua, &out);
	return 0;
}

int ua_respond_raw(struct sc_sip_ua *ua, uint32_t txn, const char *buf, size_t len)
{
	struct sc_sip_txn_out out = { .n = 0 };
	int r = sc_sip_txn_respond(ua->txn, ua->now, txn, buf, len, &out);
	if (r < 0) {
		sc_warn("sip: cannot send a response: %s", strerror(-r));
		return r;
	}
	run_out(ua, &out);
	return 0;
}

// Warning text goes inside a quoted string: no quotes or backslashes, printable only.
static void warning_text(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (; *in && o + 1 < len; in++) {
		unsigned char c = (unsigned char)*in;
		out[o++] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '\'' : (char)c;
	}
	out[o] = '\0';
}

void ua_write_warning(struct sc_sip_writer *w, const char *text)
{
	char safe[SC_SIP_UA_REASON_MAX + 64];
	warning_text(text, safe, sizeof(safe));
	sc_sip_write_header(w, "Warning", "399 sealcall \"%s\"", safe);
}

static void write_response(struct sc_sip_ua *ua, struct sc_sip_writer *w, const struct sc_sip_msg *req,
			   unsigned code, const char *reason, const char *warning, const char *to_tag)
{
	sc_sip_write_response_start(w, req, code, reason, to_tag);
	if (warning)
		ua_write_warning(w, warning);
	if (code == 405 || code == 501 || (code == 200 && req->method_id == SC_SIP_METHOD_OPTIONS))
		sc_sip_write_header(w, "Allow", UA_ALLOW);
	if (code == 415 || (code == 200 && req->method_id == SC_SIP_METHOD_OPTIONS))
		sc_sip_write_header(w, "Accept", "application/sdp");
	if (code == 420)
		for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(req, SC_SIP_HDR_REQUIRE, h));)
			sc_sip_write_header_str(w, "Unsupported", h->value);
	if (code == 500 && req->method_id == SC_SIP_METHOD_INVITE)
		sc_sip_write_header(w, "Retry-After", "1");
	sc_sip_write_header(w, "Server", "%s", ua->user_agent);
}

int ua_respond(struct sc_sip_ua *ua, uint32_t txn, const struct sc_sip_msg *req, unsigned code,
	       const char *reason, const char *warning)
{
	char tag[33];
	if (ua_random_hex(ua, tag, 8) < 0)
		sc_strcpy(tag, sizeof(tag), "0");
	char *buf = malloc(UA_MSG_MAX);
	if (!buf)
		return -ENOMEM;
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, UA_MSG_MAX);
	write_response(ua, &w, req, code, reason, warning, tag);
	int n = sc_sip_write_end(&w, NULL, NULL, 0);
	int r = n < 0 ? n : ua_respond_raw(ua, txn, buf, (size_t)n);
	free(buf);
	return r;
}

// For what never reaches a transaction: unparseable requests, bad branches, a full table.
static void respond_stateless(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_msg *req,
			      unsigned code, const char *reason, const char *warning)
{
	char tag[33];
	if (ua_random_hex(ua, tag, 8) < 0)
		sc_strcpy(tag, sizeof(tag), "0");
	char *buf = malloc(UA_MSG_MAX);
	if (!buf)
		return;
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, UA_MSG_MAX);
	write_response(ua, &w, req, code, reason, warning, tag);
	int n = sc_sip_write_end(&w, NULL, NULL, 0);
	// A request broken in its Via, From, To, Call-ID or CSeq gives an answer that is broken
	// the same way and that nobody could match: such an answer is not sent.
	struct sc_sip_msg *check = n > 0 ? malloc(sizeof(*check)) : NULL;
	struct sc_sip_error err;
	if (check && sc_sip_msg_parse(buf, (size_t)n, SC_SIP_STREAM, check, &err) == 0)
		ua_queue_send(ua, flow, buf, (size_t)n);
	else
		sc_debug("sip: no %u sent: the request is too broken to answer (%s)", code,
			 check ? err.what : "out of memory");
	free(check);
	free(buf);
}

static void refused_event(struct sc_sip_ua *ua, uint64_t flow, unsigned code, const char *reason)
{
	struct sc_sip_ua_event ev = { .type = SC_SIP_UA_EV_REFUSED, .flow = flow, .code = code };
	ua_say(ev.reason, sizeof(ev.reason), "%s", reason);
	ua_queue_event(ua, &ev);
}

const char *ua_flow_peer(const struct ua_flow *f)
{
	if (f->info.peer.kind == SC_SIP_PEER_SITE && f->info.peer.entry)
		return f->info.peer.entry->name;
	if (f->info.peer.kind == SC_SIP_PEER_REGISTRAR)
		return "the registrar";
	return f->info.peer.san[0] ? f->info.peer.san : "an unknown site";
}

void ua_refuse(struct sc_sip_ua *ua, const struct ua_flow *f, uint32_t txn,
		   const struct sc_sip_msg *req, unsigned code, const char *reason, const char *why)
{
	char method[16] = "request";
	sc_sip_str_copy(req->method, method, sizeof(method));
	sc_notice("sip: %s from %s refused with %u %s: %s", method, ua_flow_peer(f), code, reason, why);
	ua_respond(ua, txn, req, code, reason, why);
	char text[SC_SIP_UA_REASON_MAX];
	ua_say(text, sizeof(text), "%s from %.40s: %u (%.120s)", method, ua_flow_peer(f), code, why);
	refused_event(ua, f->id, code, text);
}

static void dispatch_request(struct sc_sip_ua *ua, uint64_t flow, uint32_t txn,
			     const struct sc_sip_msg *m, uint32_t cancel_target)
{
	struct ua_flow *f = ua_find_flow(ua, flow);
	char why[SC_SIP_UA_REASON_MAX];
	if (!f)
		return;
	if (m->request_uri.scheme != SC_SIP_SCHEME_SIPS) {
		ua_refuse(ua, f, txn, m, 416, "Unsupported URI Scheme",
		       "sealcall demands sips: Request-URIs (signaling is TLS end to end)");
		return;
	}
	if (sc_sip_identity_check_from(&f->info.peer, &m->from.uri, why, sizeof(why)) < 0) {
		sc_warn("sip: From of a request from %s does not match its certificate: %s",
			ua_flow_peer(f), why);
		ua_refuse(ua, f, txn, m, 403, "Forbidden", why);
		return;
	}
	if (m->max_forwards == 0 && m->method_id != SC_SIP_METHOD_CANCEL) {
		ua_refuse(ua, f, txn, m, 483, "Too Many Hops", "Max-Forwards reached 0");
		return;
	}
	if (m->method_id != SC_SIP_METHOD_CANCEL && sc_sip_msg_find(m, SC_SIP_HDR_REQUIRE, NULL)) {
		ua_refuse(ua, f, txn, m, 420, "Bad Extension", "sealcall supports no SIP extension");
		return;
	}
	switch (m->method_id) {
	case SC_SIP_METHOD_OPTIONS:
		ua_respond(ua, txn, m, 200, "OK", NULL);
		return;
	case SC_SIP_METHOD_INVITE:
		if (!m->to.tag.p) {
			ua_call_new_invite(ua, flow, txn, m);
			return;
		}
		break;
	case SC_SIP_METHOD_BYE:
	case SC_SIP_METHOD_CANCEL:
		break;
	case SC_SIP_METHOD_OTHER:
		ua_refuse(ua, f, txn, m, 501, "Not Implemented", "unknown method");
		return;
	default:
		ua_refuse(ua, f, txn, m, 405, "Method Not Allowed", "sealcall only places and takes calls");
		return;
	}
	if (!ua_call_request(ua, flow, txn, m, cancel_target))
		ua_refuse(ua, f, txn, m, 481, "Call/Transaction Does Not Exist", "no such call");
}

static void run_out(struct sc_sip_ua *ua, struct sc_sip_txn_out *out)
{
	// Bytes first: the transactions that own them may be freed by any later call into the
	// table, which handling the other actions makes.
	for (size_t i = 0; i < out->n; i++)
		if (out->a[i].kind == SC_SIP_ACT_SEND)
			ua_queue_send(ua, out->a[i].flow, out->a[i].data, out->a[i].len);
	for (size_t i = 0; i < out->n; i++) {
		const struct sc_sip_txn_action *a = &out->a[i];
		switch (a->kind) {
		case SC_SIP_ACT_SEND:
			break;
		case SC_SIP_ACT_NEW_REQUEST:
			dispatch_request(ua, a->flow, a->txn, a->msg, a->cancel_target);
			break;
		case SC_SIP_ACT_ACK:
			ua_call_ack(ua, a->flow, a->msg);
			break;
		case SC_SIP_ACT_RESPONSE:
			if (!ua_call_response(ua, a->txn, a->msg))
				ua_reg_response(ua, a->txn, a->msg);
			break;
		case SC_SIP_ACT_STRAY_RESPONSE:
			ua_call_stray_response(ua, a->flow, a->msg);
			break;
		case SC_SIP_ACT_TIMEOUT:
		case SC_SIP_ACT_TRANSPORT_ERROR: {
			const char *why = a->kind == SC_SIP_ACT_TIMEOUT ? "no answer within 64*T1"
									: "connection lost";
			if (!ua_call_txn_failed(ua, a->txn, why))
				ua_reg_txn_failed(ua, a->txn, why);
			break;
		}
		case SC_SIP_ACT_ENDED:
			ua_call_txn_ended(ua, a->txn);
			if (ua->reg.txn == a->txn)
				ua->reg.txn = 0;
			break;
		}
	}
}

void sc_sip_ua_receive(struct sc_sip_ua *ua, uint64_t flow, const char *data, size_t len,
		       uint64_t now)
{
	ua_begin(ua, now);
	struct ua_flow *f = ua_find_flow(ua, flow);
	if (!f) {
		sc_warn("sip: message on a connection the UA does not know (%llu): dropped",
			(unsigned long long)flow);
		return;
	}
	struct sc_sip_msg *m = malloc(sizeof(*m));
	if (!m) {
		sc_err("sip: out of memory parsing a message from %s", ua_flow_peer(f));
		return;
	}
	struct sc_sip_error err;
	int r = sc_sip_msg_parse(data, len, SC_SIP_STREAM, m, &err);
	bool is_ack = m->is_request && m->method_id == SC_SIP_METHOD_ACK;
	if (r < 0) {
		sc_notice("sip: malformed message from %s: %s%s", ua_flow_peer(f), err.what,
			  err.status && !is_ack ? "" : " (dropped)");
		if (err.status && m->is_request && !is_ack)
			respond_stateless(ua, flow, m, (unsigned)err.status, err.reason, err.what);
		goto out;
	}
	if (m->is_request) {
		struct sc_sip_error pe;
		int code = sc_sip_msg_precheck(m, &pe);
		if (code) {
			sc_notice("sip: request from %s refused with %d: %s", ua_flow_peer(f), code, pe.what);
			if (!is_ack)
				respond_stateless(ua, flow, m, (unsigned)code, pe.reason, pe.what);
			refused_event(ua, flow, (unsigned)code, pe.what);
			goto out;
		}
	}
	struct sc_sip_txn_out out = { .n = 0 };
	r = sc_sip_txn_receive(ua->txn, now, flow, m, &out);
	if (r == -EPROTO) {
		sc_notice("sip: request from %s refused: its Via branch lacks z9hG4bK", ua_flow_peer(f));
		respond_stateless(ua, flow, m, 400, "Bad Request",
				  "Via branch without the RFC 3261 magic cookie");
	} else if (r == -ENOSPC || r == -ENOMEM) {
		sc_warn("sip: request from %s refused with 503: %s", ua_flow_peer(f),
			r == -ENOSPC ? "too many transactions" : "out of memory");
		respond_stateless(ua, flow, m, 503, "Service Unavailable", "too many requests at once");
	}
	run_out(ua, &out);
out:
	free(m);
}

// ---- time ----

void sc_sip_ua_tick(struct sc_sip_ua *ua, uint64_t now)
{
	ua_begin(ua, now);
	// Bounded: each round ends transactions whose deadline passed.
	for (int i = 0; i < UA_TXN_CAPACITY + 1; i++) {
		uint64_t when;
		if (!sc_sip_txn_next_deadline(ua->txn, &when) || when > now)
			break;
		struct sc_sip_txn_out out = { .n = 0 };
		sc_sip_txn_tick(ua->txn, now, &out);
		run_out(ua, &out);
	}
	ua_call_tick(ua, now);
	ua_reg_tick(ua, now);
}

static void earliest(bool *any, uint64_t *when, uint64_t t)
{
	if (!*any || t < *when)
		*when = t;
	*any = true;
}

bool sc_sip_ua_next_deadline(const struct sc_sip_ua *ua, uint64_t *when)
{
	bool any = false;
	uint64_t t;
	if (sc_sip_txn_next_deadline(ua->txn, &t))
		earliest(&any, when, t);
	if (ua->call && ua->call->deadline)
		earliest(&any, when, ua->call->deadline);
	if (ua->reg.phase == REG_IDLE && ua->reg.due)
		earliest(&any, when, ua->reg.due);
	return any;
}

int sc_sip_ua_start(struct sc_sip_ua *ua, uint64_t now)
{
	ua_begin(ua, now);
	ua_reg_start(ua);
	return 0;
}

void sc_sip_ua_shutdown(struct sc_sip_ua *ua, uint64_t now)
{
	ua_begin(ua, now);
	if (ua->call) {
		char why[SC_SIP_UA_REASON_MAX];
		sc_sip_ua_hangup(ua, now, why, sizeof(why));
	}
	ua_reg_shutdown(ua);
}

void sc_sip_ua_set_headset(struct sc_sip_ua *ua, bool present)
{
	ua->headset = present;
}

void sc_sip_ua_call_info(const struct sc_sip_ua *ua, struct sc_sip_ua_call_info *out)
{
	memset(out, 0, sizeof(*out));
	const struct ua_call *c = ua->call;
	if (!c)
		return;
	out->state = c->state;
	out->outgoing = c->outgoing;
	out->flow = c->has_flow ? c->flow : 0;
	memcpy(out->peer, c->peer, sizeof(out->peer));
	memcpy(out->peer_uri, c->peer_uri, sizeof(out->peer_uri));
	out->state_since = c->state_since;
	out->connected_at = c->connected_at;
	if (c->result.codec.encoding[0])
		sc_strcpy(out->codec, sizeof(out->codec), c->result.codec.encoding);
}

void sc_sip_ua_registration(const struct sc_sip_ua *ua, struct sc_sip_ua_registration *out)
{
	memset(out, 0, sizeof(*out));
	out->configured = ua->reg.configured;
	out->registered = ua->reg.registered;
	out->expires = ua->reg.granted;
	out->refresh_at = ua->reg.registered ? ua->reg.due : 0;
	memcpy(out->reason, ua->reg.reason, sizeof(out->reason));
}
