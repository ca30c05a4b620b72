// SPDX-License-Identifier: GPL-3.0-or-later
// The one call: INVITE both ways with SDP offer/answer and the keying checks, ringing,
// answer, decline, CANCEL, BYE, re-INVITE, and the timers that keep a call from hanging.
#include "sip/ua_internal.h"

#include "base/log.h"
#include "base/strutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SDP_TEXT_MAX 4096

const char *ua_call_label(const struct ua_call *c)
{
	return c->peer[0] ? c->peer : c->peer_uri;
}

static uint64_t t64(const struct sc_sip_ua *ua)
{
	return 64ull * ua->t1_ms;
}

static void emit_state(struct sc_sip_ua *ua, struct ua_call *c, enum sc_sip_ua_call_state to,
		       enum sc_sip_ua_call_state from, unsigned code, const char *reason)
{
	struct sc_sip_ua_event ev = {
		.type = SC_SIP_UA_EV_STATE, .state = to, .previous = from, .outgoing = c->outgoing,
		.flow = c->has_flow ? c->flow : 0, .code = code,
	};
	memcpy(ev.peer, c->peer, sizeof(ev.peer));
	memcpy(ev.peer_uri, c->peer_uri, sizeof(ev.peer_uri));
	ua_say(ev.reason, sizeof(ev.reason), "%s", reason ? reason : "");
	ua_queue_event(ua, &ev);
}

void ua_set_state(struct sc_sip_ua *ua, struct ua_call *c, enum sc_sip_ua_call_state to,
		      unsigned code, const char *reason)
{
	enum sc_sip_ua_call_state from = c->state;
	if (from == to)
		return;
	c->state = to;
	c->state_since = ua->now;
	emit_state(ua, c, to, from, code, reason);
}

void ua_call_release(struct sc_sip_ua *ua, struct ua_call *c)
{
	if (c->media_prepared)
		ua->media.release(ua->media.ctx);
	free(c->invite);
	free(c->request);
	free(c->local_sdp);
	free(c->remote_sdp);
	free(c->local_body);
	free(c);
}

// The call is over: one event with the reason, media released, back to idle.
void ua_call_end(struct sc_sip_ua *ua, unsigned code, const char *reason)
{
	struct ua_call *c = ua->call;
	if (!c)
		return;
	emit_state(ua, c, SC_SIP_UA_IDLE, c->state, code, reason);
	ua->call = NULL;
	ua_call_release(ua, c);
}

void ua_call_free(struct sc_sip_ua *ua)
{
	if (ua->call)
		ua_call_release(ua, ua->call);
	ua->call = NULL;
}

struct ua_call *ua_call_new(struct sc_sip_ua *ua, bool outgoing)
{
	struct ua_call *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->outgoing = outgoing;
	c->state_since = ua->now;
	if (ua_random_hex(ua, c->local_tag, 8) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

// ---- SDP ----

static int parse_hash_attr(const char *attr, struct sc_sdp_zrtp_hash *h)
{
	const char *sp = strchr(attr, ' ');
	if (!sp || (size_t)(sp - attr) >= sizeof(h->version) || strlen(sp + 1) != 64)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	memcpy(h->version, attr, (size_t)(sp - attr));
	memcpy(h->hash, sp + 1, 64);
	return 0;
}

// Codecs we offer and accept: all the policy lists (Opus, PCMU, PCMA), in its order.
static size_t usable_codecs(const struct sc_policy *p, enum sc_codec *out)
{
	size_t n = 0;
	for (size_t i = 0; i < p->media.n_codecs && i < SC_MAX_LIST; i++)
		out[n++] = p->media.codecs[i];
	return n;
}

int ua_prepare_media(struct sc_sip_ua *ua, struct ua_call *c, const struct ua_flow *f,
			 char *why, size_t why_len)
{
	struct sc_sdp_local *l = &c->local;
	memset(l, 0, sizeof(*l));
	l->n_codecs = usable_codecs(ua->policy, l->codecs);
	if (l->n_codecs == 0) {
		ua_say(why, why_len, "media.codecs lists no codec; add opus, pcmu or pcma");
		return -ENOTSUP;
	}
	char hash[96] = "";
	struct sc_sip_ua_media_call mc = { .family = f->info.local_family,
					   .local_addr = f->info.local_addr,
					   .outgoing = c->outgoing, .peer = c->peer };
	int r = ua->media.prepare(ua->media.ctx, &mc, &l->rtp_port, hash, sizeof(hash));
	if (r < 0) {
		ua_say(why, why_len, "cannot prepare the call's media: %s", strerror(-r));
		return r;
	}
	c->media_prepared = true;
	if (parse_hash_attr(hash, &l->zrtp_hash) < 0 || l->rtp_port == 0) {
		ua_say(why, why_len, "the media layer gave no usable a=zrtp-hash or RTP port");
		return -EINVAL;
	}
	l->has_zrtp_hash = true;
	uint8_t rnd[4];
	if (ua->rng(ua->rng_ctx, rnd, sizeof(rnd)) < 0)
		memset(rnd, 1, sizeof(rnd));
	l->session_id = ((uint64_t)rnd[0] << 24 | (uint64_t)rnd[1] << 16 | rnd[2] << 8 | rnd[3]) & 0x7fffffff;
	l->session_version = l->session_id;
	l->address.family = f->info.local_family;
	sc_strcpy(l->address.addr, sizeof(l->address.addr), f->ip);
	l->ptime_ms = ua->policy->media.ptime_ms;
	l->telephone_event = true;
	// The call's one UDP socket takes RTCP beside RTP (sc_media_demux tells them apart) and
	// sends it to the peer's RTP port: what a=rtcp-mux agrees on, so say so.
	l->rtcp_mux = true;
	l->direction = SC_SDP_SENDRECV;
	return 0;
}

int ua_store_local_sdp(struct ua_call *c, const struct sc_sdp *sdp)
{
	char *text = malloc(SDP_TEXT_MAX);
	if (!text)
		return -ENOMEM;
	int n = sc_sdp_write(sdp, text, SDP_TEXT_MAX);
	if (n < 0) {
		free(text);
		return n;
	}
	free(c->local_body);
	c->local_body = text;
	c->local_body_len = (size_t)n;
	return 0;
}

// DESIGN.md invariant 5: ZRTP's a=zrtp-hash must be there; SDES only when allowed.
int ua_check_keying(const struct sc_sip_ua *ua, const struct sc_sdp_result *r,
			const char *what, char *why, size_t why_len)
{
	if (r->remote_has_crypto && !ua->policy->media.allow_sdes) {
		ua_say(why, why_len, "%s carries SDES keys (a=crypto), refused by policy "
			 "(media.allow_sdes: false)", what);
		return -EPERM;
	}
	if (r->n_remote_zrtp_hash == 0) {
		ua_say(why, why_len, "%s has no a=zrtp-hash: this site keys media with ZRTP only", what);
		return -EPERM;
	}
	return 0;
}

bool ua_is_sdp(const struct sc_sip_msg *m)
{
	return m->content_type.p && sc_sip_str_caseeq(m->content_type, "application") &&
	       sc_sip_str_caseeq(m->content_subtype, "sdp");
}

struct sc_sdp *ua_parse_sdp_body(const struct sc_sip_msg *m, char *why, size_t why_len)
{
	struct sc_sdp *sdp = malloc(sizeof(*sdp));
	if (!sdp) {
		ua_say(why, why_len, "out of memory");
		return NULL;
	}
	if (sc_sdp_parse(m->body.p, m->body.len, sdp, why, why_len) < 0) {
		free(sdp);
		return NULL;
	}
	return sdp;
}

// ---- building requests ----

static int finish_and_send(struct sc_sip_ua *ua, struct ua_call *c, struct sc_sip_writer *w,
			   const char *ctype, const char *body, size_t body_len, uint32_t *txn)
{
	int n = sc_sip_write_end(w, ctype, body, body_len);
	if (n < 0)
		return n;
	return ua_send_request(ua, c->flow, w->buf, (size_t)n, txn);
}

static int send_invite(struct sc_sip_ua *ua, struct ua_call *c,
		       const struct sc_sip_digest_challenge *ch, bool proxy)
{
	struct ua_flow *f = ua_find_flow(ua, c->flow);
	char branch[UA_ID_MAX];
	if (!f || ua_new_branch(ua, branch, sizeof(branch)) < 0)
		return -EIO;
	size_t cap = UA_MSG_MAX + c->local_body_len;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, cap);
	c->invite_cseq++;
	sc_sip_write_request_line(&w, "INVITE", c->peer_uri);
	sc_sip_write_header(&w, "Via", "SIP/2.0/TLS %s;branch=%s", f->hostport, branch);
	if (c->via_registrar)
		sc_sip_write_header(&w, "Route", "<%s;lr>", ua->policy->sip.registrar.uri);
	sc_sip_write_header(&w, "Max-Forwards", "70");
	sc_sip_write_header(&w, "From", "<%s>;tag=%s", ua->local_uri, c->local_tag);
	sc_sip_write_header(&w, "To", "<%s>", c->peer_uri);
	sc_sip_write_header(&w, "Call-ID", "%s", c->call_id);
	sc_sip_write_header(&w, "CSeq", "%u INVITE", c->invite_cseq);
	sc_sip_write_header(&w, "Contact", "<sips:%s@%s>", ua->contact_user, f->hostport);
	sc_sip_write_header(&w, "Allow", UA_ALLOW);
	sc_sip_write_header(&w, "User-Agent", "%s", ua->user_agent);
	if (ch)
		ua_auth_header(ua, ch, proxy, "INVITE", c->peer_uri, 1, &w);
	int n = sc_sip_write_end(&w, "application/sdp", c->local_body, c->local_body_len);
	int r = n;
	if (n >= 0) {
		free(c->invite);
		c->invite = buf;
		c->invite_len = (size_t)n;
		r = ua_send_request(ua, c->flow, buf, (size_t)n, &c->invite_txn);
		return r;
	}
	free(buf);
	return r;
}

// The INVITE goes out once the connection is there: its local address is the SDP's.
static void start_invite(struct sc_sip_ua *ua, struct ua_call *c, struct ua_flow *f)
{
	char why[SC_SIP_UA_REASON_MAX];
	c->has_flow = true;
	c->flow = f->id;
	c->waiting_flow = false;
	int r = ua_prepare_media(ua, c, f, why, sizeof(why));
	if (r == 0) {
		c->local_sdp = malloc(sizeof(*c->local_sdp));
		r = c->local_sdp ? sc_sdp_make_offer(&c->local, c->local_sdp) : -ENOMEM;
		if (r == 0)
			r = ua_store_local_sdp(c, c->local_sdp);
		if (r < 0)
			ua_say(why, sizeof(why), "cannot write the SDP offer: %s", strerror(-r));
	}
	if (r == 0) {
		r = send_invite(ua, c, NULL, false);
		if (r < 0)
			ua_say(why, sizeof(why), "cannot send the INVITE: %s", strerror(-r));
	}
	if (r < 0) {
		sc_err("sip: call to %s failed: %s", ua_call_label(c), why);
		ua_call_end(ua, 0, why);
	}
}

static int send_ack(struct sc_sip_ua *ua, struct ua_call *c)
{
	struct ua_flow *f = ua_find_flow(ua, c->flow);
	char branch[UA_ID_MAX];
	if (!f || ua_new_branch(ua, branch, sizeof(branch)) < 0)
		return -EIO;
	char buf[UA_MSG_MAX];
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, sizeof(buf));
	sc_sip_dialog_write_request(&c->dialog, &w, "ACK", f->hostport, branch, c->invite_cseq);
	int n = sc_sip_write_end(&w, NULL, NULL, 0);
	// an ACK is no transaction: its bytes go out as they are
	return n < 0 ? n : ua_queue_send(ua, c->flow, buf, (size_t)n);
}

// Ends the established dialog: BYE, then the call is over when it is answered (or not).
void ua_send_bye(struct sc_sip_ua *ua, struct ua_call *c, unsigned code, const char *reason)
{
	ua_say(c->end_reason, sizeof(c->end_reason), "%s", reason);
	c->end_code = code;
	struct ua_flow *f = ua_find_flow(ua, c->flow);
	char branch[UA_ID_MAX];
	char buf[UA_MSG_MAX];
	int r = -ENOTCONN;
	if (f && ua_new_branch(ua, branch, sizeof(branch)) == 0) {
		struct sc_sip_writer w;
		sc_sip_writer_init(&w, buf, sizeof(buf));
		sc_sip_dialog_write_request(&c->dialog, &w, "BYE", f->hostport, branch,
					    sc_sip_dialog_next_cseq(&c->dialog));
		sc_sip_write_header(&w, "User-Agent", "%s", ua->user_agent);
		r = finish_and_send(ua, c, &w, NULL, NULL, 0, &c->bye_txn);
	}
	if (r < 0) {
		ua_call_end(ua, code, reason);
		return;
	}
	c->deadline = ua->now + t64(ua);
	ua_set_state(ua, c, SC_SIP_UA_ENDING, code, reason);
}

void ua_send_cancel(struct sc_sip_ua *ua, struct ua_call *c)
{
	struct sc_sip_msg *m = malloc(sizeof(*m));
	struct sc_sip_error err;
	char buf[UA_MSG_MAX];
	int r = -ENOMEM;
	if (m && sc_sip_msg_parse(c->invite, c->invite_len, SC_SIP_STREAM, m, &err) == 0) {
		struct sc_sip_writer w;
		sc_sip_writer_init(&w, buf, sizeof(buf));
		int n = sc_sip_write_cancel(&w, m);
		uint32_t txn;
		r = n < 0 ? n : ua_send_request(ua, c->flow, buf, (size_t)n, &txn);
	}
	free(m);
	c->cancel_sent = true;
	if (r < 0)
		sc_warn("sip: could not send CANCEL to %s: %s", ua_call_label(c), strerror(-r));
	// §9.1: no final response within 64*T1 after the CANCEL ends the INVITE anyway
	c->deadline = ua->now + t64(ua);
}

// ---- outgoing ----

const struct sc_directory_entry *ua_directory_by_uri(const struct sc_policy *p, const struct sc_sip_uri *u)
{
	for (size_t i = 0; i < p->n_directory; i++) {
		struct sc_sip_uri e;
		const char *s = p->directory[i].uri;
		if (sc_sip_uri_parse(sc_sip_str_from(s), &e) < 0)
			continue;
		if (e.scheme == u->scheme && sc_sip_str_equal(e.user, u->user) &&
		    sc_sip_str_caseequal(e.host, u->host))
			return &p->directory[i];
	}
	return NULL;
}

static void directory_names(const struct sc_policy *p, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < p->n_directory && used + 1 < len; i++) {
		int n = snprintf(out + used, len - used, "%s%s", i ? ", " : "", p->directory[i].name);
		if (n < 0 || (size_t)n >= len - used) {
			ua_say(out + (len > 5 ? len - 5 : 0), len > 5 ? 5 : len, "...");
			return;
		}
		used += (size_t)n;
	}
}

static int resolve(const struct sc_sip_ua *ua, const char *dest, const struct sc_directory_entry **out,
		   char *why, size_t why_len)
{
	const struct sc_policy *p = ua->policy;
	*out = NULL;
	if (strchr(dest, ':')) {
		struct sc_sip_uri u;
		if (sc_sip_uri_parse(sc_sip_str_from(dest), &u) < 0) {
			ua_say(why, why_len, "'%.64s' is neither a directory name nor a valid URI", dest);
			return -EINVAL;
		}
		if (u.scheme != SC_SIP_SCHEME_SIPS) {
			ua_say(why, why_len, "'%.64s' is not a sips: URI: sealcall only calls over TLS "
				 "(use the sips: URI or the site's name)", dest);
			return -EPROTONOSUPPORT;
		}
		*out = ua_directory_by_uri(p, &u);
	} else {
		*out = sc_policy_directory_find(p, dest);
	}
	if (!*out) {
		char names[160];
		directory_names(p, names, sizeof(names));
		ua_say(why, why_len, "'%.64s' is not in the directory (known: %s)", dest, names);
		return -ENOENT;
	}
	return 0;
}

int sc_sip_ua_call(struct sc_sip_ua *ua, const char *dest, uint64_t now, char *why, size_t why_len)
{
	ua_begin(ua, now);
	const struct sc_policy *p = ua->policy;
	if (ua->call) {
		ua_say(why, why_len, "already in a call with %s (%s): one call at a time",
			 ua_call_label(ua->call), sc_sip_ua_state_name(ua->call->state));
		return -EBUSY;
	}
	const struct sc_directory_entry *e;
	int r = resolve(ua, dest, &e, why, why_len);
	if (r < 0)
		return r;
	if (!ua->headset) {
		ua_say(why, why_len, "no headset: plug in a USB headset to call %s", e->name);
		return -ENODEV;
	}
	bool hub = p->sip.has_registrar;
	const struct sc_prefix *to = hub ? &p->sip.registrar.address : &e->address;
	char addr[64];
	inet_ntop(to->family, to->addr, addr, sizeof(addr));
	if (!sc_policy_peer_for_address(p, to->family, to->addr)) {
		ua_say(why, why_len, "%s (%s) lies outside every peer's allowed IPs: the call would "
			 "leave the tunnel", e->name, addr);
		return -EHOSTUNREACH;
	}
	char stale[128] = "";
	if (p->rules.require_tunnel && ua->env.peer_up &&
	    !ua->env.peer_up(ua->env.ctx, to->family, to->addr, stale, sizeof(stale))) {
		ua_say(why, why_len, "the tunnel to %s%s is not up (%s): the call was not placed "
			 "(rules.require_tunnel)", hub ? "the registrar for " : "", e->name,
			 stale[0] ? stale : "handshake stale");
		return -ENETDOWN;
	}
	enum sc_codec codecs[SC_MAX_LIST];
	if (usable_codecs(p, codecs) == 0) {
		ua_say(why, why_len, "media.codecs lists no codec; add opus, pcmu or pcma");
		return -ENOTSUP;
	}
	struct ua_call *c = ua_call_new(ua, true);
	char id[33];
	if (!c || ua_random_hex(ua, id, 16) < 0) {
		free(c);
		ua_say(why, why_len, "out of memory or randomness");
		return -ENOMEM;
	}
	ua_say(c->call_id, sizeof(c->call_id), "%s@%s", id, p->site_name);
	c->entry = e;
	sc_strcpy(c->peer, sizeof(c->peer), e->name);
	sc_strcpy(c->peer_uri, sizeof(c->peer_uri), e->uri);
	c->via_registrar = hub;
	c->state = SC_SIP_UA_IDLE;
	c->deadline = now + ua->ring_timeout_ms;
	ua->call = c;
	ua_say(why, why_len, "calling %s (%s)", e->name, e->uri);
	ua_set_state(ua, c, SC_SIP_UA_CALLING, 0, why);
	struct ua_flow *f = ua_flow_to(ua, hub ? NULL : e);
	if (f) {
		start_invite(ua, c, f);
	} else {
		c->waiting_flow = true;
		ua_queue_connect(ua, hub ? NULL : e);
	}
	return 0;
}

static bool flow_is_target(const struct ua_call *c, const struct ua_flow *f)
{
	const struct sc_sip_identity *id = &f->info.peer;
	return c->via_registrar ? id->kind == SC_SIP_PEER_REGISTRAR
				: id->kind == SC_SIP_PEER_SITE && id->entry == c->entry;
}

void ua_call_flow_up(struct sc_sip_ua *ua, struct ua_flow *f)
{
	struct ua_call *c = ua->call;
	if (c && c->waiting_flow && flow_is_target(c, f))
		start_invite(ua, c, f);
}

void ua_call_connect_failed(struct sc_sip_ua *ua, const struct sc_directory_entry *site, const char *why)
{
	struct ua_call *c = ua->call;
	if (!c || !c->waiting_flow || (c->via_registrar ? site != NULL : site != c->entry))
		return;
	char reason[SC_SIP_UA_REASON_MAX];
	ua_say(reason, sizeof(reason), "cannot reach %s%s over TLS: %s",
		 c->via_registrar ? "the registrar for " : "", ua_call_label(c), why);
	sc_warn("sip: call to %s failed: %s", ua_call_label(c), reason);
	ua_call_end(ua, 0, reason);
}

void ua_call_flow_down(struct sc_sip_ua *ua, uint64_t flow, const char *why)
{
	struct ua_call *c = ua->call;
	if (!c || !c->has_flow || c->flow != flow)
		return;
	char reason[SC_SIP_UA_REASON_MAX];
	ua_say(reason, sizeof(reason), "the connection to %s was lost (%s)", ua_call_label(c), why);
	sc_warn("sip: call with %s ends: %s", ua_call_label(c), reason);
	ua_call_end(ua, 0, reason);
}

// "486 Busy Here (already in a call)": the status, and the Warning text when there is one.
static void describe_response(const struct sc_sip_msg *m, char *out, size_t len)
{
	char reason[96] = "", warning[120] = "";
	sc_sip_str_copy(m->reason, reason, sizeof(reason));
	const struct sc_sip_header *w = sc_sip_msg_find(m, SC_SIP_HDR_WARNING, NULL);
	if (w) {
		const char *q = memchr(w->value.p, '"', w->value.len);
		if (q) {
			size_t off = (size_t)(q + 1 - w->value.p);
			const char *end = memchr(q + 1, '"', w->value.len - off);
			size_t n = end ? (size_t)(end - q - 1) : 0;
			if (n >= sizeof(warning))
				n = sizeof(warning) - 1;
			memcpy(warning, q + 1, n);
			warning[n] = '\0';
		}
	}
	for (char *s = reason; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = '?';
	if (warning[0])
		ua_say(out, len, "%u %s (%s)", m->status, reason, warning);
	else
		ua_say(out, len, "%u %s", m->status, reason);
}

static void answered(struct sc_sip_ua *ua, struct ua_call *c, const struct sc_sip_msg *m)
{
	char why[SC_SIP_UA_REASON_MAX], tmp[SC_SIP_UA_REASON_MAX];
	if (!c->has_dialog) {
		int r = sc_sip_dialog_init_uac(&c->dialog, m, ua->local_uri, c->peer_uri, c->local_tag,
					       c->invite_cseq);
		if (r < 0) {
			// without a dialog there is nothing to ACK or BYE: the far end times out
			ua_say(why, sizeof(why), "%s answered with an unusable 2xx (no To tag or "
				 "Contact)", ua_call_label(c));
			sc_warn("sip: %s", why);
			ua_call_end(ua, m->status, why);
			return;
		}
		c->has_dialog = true;
	}
	if (send_ack(ua, c) < 0)
		sc_warn("sip: could not send the ACK to %s", ua_call_label(c));
	if (c->state == SC_SIP_UA_ENDING) {
		// hung up while it rang, and the answer crossed the CANCEL
		ua_send_bye(ua, c, c->end_code, c->end_reason);
		return;
	}
	struct sc_sdp *answer = NULL;
	struct sc_sdp_result *res = &c->result;
	int r = -EPROTO;
	if (!m->body.len || !ua_is_sdp(m)) {
		ua_say(why, sizeof(why), "%s answered without an SDP answer", ua_call_label(c));
	} else if (!(answer = ua_parse_sdp_body(m, tmp, sizeof(tmp)))) {
		ua_say(why, sizeof(why), "%s answered with malformed SDP: %s", ua_call_label(c), tmp);
	} else if (sc_sdp_read_answer(c->local_sdp, answer, res) < 0 || !res->accepted) {
		ua_say(why, sizeof(why), "%s's SDP answer is unusable: %s", ua_call_label(c), res->reason);
	} else if (ua_check_keying(ua, res, "the answer", tmp, sizeof(tmp)) < 0) {
		ua_say(why, sizeof(why), "%s: %s", ua_call_label(c), tmp);
	} else if ((r = ua->media.start(ua->media.ctx, res)) < 0) {
		ua_say(why, sizeof(why), "the media for %s could not start: %s", ua_call_label(c), strerror(-r));
	} else {
		r = 0;
	}
	if (r < 0) {
		free(answer);
		sc_warn("sip: call to %s refused after its answer: %s", ua_call_label(c), why);
		ua_send_bye(ua, c, 488, why);
		return;
	}
	free(c->remote_sdp);
	c->remote_sdp = answer;
	c->connected_at = ua->now;
	c->deadline = 0;
	ua_say(why, sizeof(why), "%s answered (%s)", ua_call_label(c), res->codec.encoding);
	ua_set_state(ua, c, SC_SIP_UA_IN_CALL, m->status, why);
}

static bool challenge_retry(struct sc_sip_ua *ua, struct ua_call *c, const struct sc_sip_msg *m)
{
	struct sc_sip_digest_challenge ch;
	if (!ua->reg.configured || !ua->password || c->auth_tries >= 1 || c->state == SC_SIP_UA_ENDING ||
	    sc_sip_digest_pick(m, &ch) < 0)
		return false;
	c->auth_tries++;
	int r = send_invite(ua, c, &ch, m->status == 407);
	memset(&ch, 0, sizeof(ch));
	return r == 0;
}

static void invite_response(struct sc_sip_ua *ua, struct ua_call *c, const struct sc_sip_msg *m)
{
	unsigned code = m->status;
	char text[SC_SIP_UA_REASON_MAX], why[SC_SIP_UA_REASON_MAX];
	if (code < 200) {
		c->got_provisional = true;
		if (c->cancel_wanted && !c->cancel_sent) {
			ua_send_cancel(ua, c);
			return;
		}
		if (code > 100 && c->state == SC_SIP_UA_CALLING) {
			ua_say(why, sizeof(why), "%s is ringing", ua_call_label(c));
			ua_set_state(ua, c, SC_SIP_UA_RINGING_OUT, code, why);
		}
		return;
	}
	if (code < 300) {
		if (c->state == SC_SIP_UA_IN_CALL) {
			send_ack(ua, c); // a retransmitted 2xx: its ACK was lost
			return;
		}
		answered(ua, c, m);
		return;
	}
	if ((code == 401 || code == 407) && challenge_retry(ua, c, m))
		return;
	describe_response(m, text, sizeof(text));
	if (c->state == SC_SIP_UA_ENDING && c->cancel_sent && code == 487) {
		ua_call_end(ua, code, c->end_reason);
		return;
	}
	ua_say(why, sizeof(why), "%s refused the call: %s", ua_call_label(c), text);
	sc_notice("sip: %s", why);
	ua_call_end(ua, code, c->state == SC_SIP_UA_ENDING ? c->end_reason : why);
}

bool ua_call_response(struct sc_sip_ua *ua, uint32_t txn, const struct sc_sip_msg *m)
{
	struct ua_call *c = ua->call;
	if (!c || txn == 0)
		return false;
	if (txn == c->invite_txn) {
		invite_response(ua, c, m);
		return true;
	}
	if (txn == c->bye_txn) {
		if (m->status >= 200)
			ua_call_end(ua, c->end_code, c->end_reason);
		return true;
	}
	// CANCEL's own answer says nothing the INVITE's 487 will not
	return m->cseq_method_id == SC_SIP_METHOD_CANCEL;
}

void ua_call_stray_response(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_msg *m)
{
	struct ua_call *c = ua->call;
	// a 2xx retransmission after the INVITE transaction ended: ACK it again (§13.2.2.4)
	if (c && c->outgoing && c->has_dialog && c->has_flow && c->flow == flow && m->status >= 200 &&
	    m->status < 300 && m->cseq_method_id == SC_SIP_METHOD_INVITE &&
	    sc_sip_dialog_matches_response(&c->dialog, m))
		send_ack(ua, c);
}

// ---- the operator, and time ----

int sc_sip_ua_hangup(struct sc_sip_ua *ua, uint64_t now, char *why, size_t why_len)
{
	ua_begin(ua, now);
	struct ua_call *c = ua->call;
	if (!c) {
		ua_say(why, why_len, "there is no call to hang up");
		return -ENOENT;
	}
	switch (c->state) {
	case SC_SIP_UA_RINGING_IN:
		ua_call_answer_invite(ua, c, 603, "Decline", "declined by the operator");
		ua_say(why, why_len, "declined the call from %s", ua_call_label(c));
		ua_call_end(ua, 603, why);
		return 0;
	case SC_SIP_UA_CALLING:
	case SC_SIP_UA_RINGING_OUT:
		ua_say(c->end_reason, sizeof(c->end_reason), "hung up before %s answered",
			 ua_call_label(c));
		c->end_code = 487;
		ua_say(why, why_len, "%s", c->end_reason);
		if (c->waiting_flow || !c->invite_txn) {
			ua_call_end(ua, 0, c->end_reason);
			return 0;
		}
		if (c->got_provisional) {
			ua_send_cancel(ua, c);
		} else {
			// §9.1: a CANCEL may only follow a provisional response
			c->cancel_wanted = true;
			c->deadline = now + 64ull * ua->t1_ms;
		}
		ua_set_state(ua, c, SC_SIP_UA_ENDING, 0, c->end_reason);
		return 0;
	case SC_SIP_UA_IN_CALL:
		ua_say(why, why_len, "hung up the call with %s", ua_call_label(c));
		if (c->awaiting_ack) {
			// §15: the callee waits for the ACK (or its timeout) before BYE
			c->bye_wanted = true;
			ua_say(c->end_reason, sizeof(c->end_reason), "%s", why);
			ua_set_state(ua, c, SC_SIP_UA_ENDING, 0, why);
			return 0;
		}
		ua_send_bye(ua, c, 0, why);
		return 0;
	case SC_SIP_UA_ENDING:
		ua_say(why, why_len, "the call with %s is already ending", ua_call_label(c));
		return -EALREADY;
	case SC_SIP_UA_IDLE:
		break;
	}
	ua_say(why, why_len, "there is no call to hang up");
	return -ENOENT;
}

static void ring_timeout(struct sc_sip_ua *ua, struct ua_call *c)
{
	char why[SC_SIP_UA_REASON_MAX];
	unsigned secs = ua->ring_timeout_ms / 1000u;
	if (c->state == SC_SIP_UA_RINGING_IN) {
		ua_call_answer_invite(ua, c, 480, "Temporarily Unavailable", "nobody answered");
		ua_say(why, sizeof(why), "the call from %s was not answered within %u s",
			 ua_call_label(c), secs);
		ua_call_end(ua, 480, why);
		return;
	}
	ua_say(c->end_reason, sizeof(c->end_reason), "%s did not answer within %u s",
		 ua_call_label(c), secs);
	c->end_code = 408;
	if (c->waiting_flow || !c->invite_txn) {
		ua_call_end(ua, 408, c->end_reason);
		return;
	}
	if (c->got_provisional) {
		ua_send_cancel(ua, c);
	} else {
		c->cancel_wanted = true;
		c->deadline = ua->now + 64ull * ua->t1_ms;
	}
	ua_set_state(ua, c, SC_SIP_UA_ENDING, 408, c->end_reason);
}

void ua_call_tick(struct sc_sip_ua *ua, uint64_t now)
{
	struct ua_call *c = ua->call;
	if (!c || !c->deadline || c->deadline > now)
		return;
	c->deadline = 0;
	char why[SC_SIP_UA_REASON_MAX];
	switch (c->state) {
	case SC_SIP_UA_RINGING_IN:
	case SC_SIP_UA_CALLING:
	case SC_SIP_UA_RINGING_OUT:
		ring_timeout(ua, c);
		return;
	case SC_SIP_UA_IN_CALL:
		if (c->awaiting_ack) {
			c->awaiting_ack = false;
			ua_say(why, sizeof(why), "no ACK from %s for the answer", ua_call_label(c));
			sc_warn("sip: %s: ending the call", why);
			ua_send_bye(ua, c, 0, why);
		}
		return;
	case SC_SIP_UA_ENDING:
		if (c->bye_wanted) {
			c->bye_wanted = false;
			c->awaiting_ack = false;
			memcpy(why, c->end_reason, sizeof(why));
			ua_send_bye(ua, c, c->end_code, why);
			return;
		}
		ua_call_end(ua, c->end_code, c->end_reason);
		return;
	case SC_SIP_UA_IDLE:
		return;
	}
}

bool ua_call_txn_failed(struct sc_sip_ua *ua, uint32_t txn, const char *why)
{
	struct ua_call *c = ua->call;
	char reason[SC_SIP_UA_REASON_MAX];
	if (!c || txn == 0)
		return false;
	if (txn == c->invite_txn) {
		c->invite_txn = 0;
		if (c->state == SC_SIP_UA_IN_CALL || c->has_dialog) {
			// the INVITE was answered: only its absorbing of 2xx retransmissions ended
		} else if (c->state == SC_SIP_UA_ENDING) {
			ua_call_end(ua, c->end_code, c->end_reason);
		} else {
			ua_say(reason, sizeof(reason), "%s did not answer the INVITE (%s)",
				 ua_call_label(c), why);
			sc_warn("sip: %s", reason);
			ua_call_end(ua, 408, reason);
		}
		return true;
	}
	if (txn == c->bye_txn) {
		c->bye_txn = 0;
		ua_call_end(ua, c->end_code, c->end_reason);
		return true;
	}
	if (txn == c->server_txn) {
		c->server_txn = 0;
		return true;
	}
	return false;
}

void ua_call_txn_ended(struct sc_sip_ua *ua, uint32_t txn)
{
	struct ua_call *c = ua->call;
	if (!c || txn == 0)
		return;
	if (c->invite_txn == txn)
		c->invite_txn = 0;
	if (c->bye_txn == txn)
		c->bye_txn = 0;
	if (c->server_txn == txn)
		c->server_txn = 0;
}
