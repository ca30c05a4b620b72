// SPDX-License-Identifier: GPL-3.0-or-later
// Calls that come in: the checks before ringing, the answer, and the requests the far end
// sends inside the call (ACK, BYE, CANCEL, re-INVITE).
#include "sip/ua_internal.h"

#include "base/log.h"
#include "base/strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A response to an INVITE of the call: with our To tag, our Contact on 1xx/2xx, and our SDP
// on 2xx.
static int respond_invite(struct sc_sip_ua *ua, struct ua_call *c, const struct sc_sip_msg *req,
			  uint32_t txn, unsigned code, const char *reason, const char *warning)
{
	struct ua_flow *f = c->has_flow ? ua_find_flow(ua, c->flow) : NULL;
	bool with_sdp = code >= 200 && code < 300;
	size_t cap = UA_MSG_MAX + (with_sdp ? c->local_body_len : 0);
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, cap);
	sc_sip_write_response_start(&w, req, code, reason, c->local_tag);
	// §12.1.1: the route set the proxies recorded goes back in responses that make dialogs
	for (const struct sc_sip_header *h = NULL;
	     code > 100 && code < 300 && (h = sc_sip_msg_find(req, SC_SIP_HDR_RECORD_ROUTE, h));)
		sc_sip_write_header_str(&w, "Record-Route", h->value);
	if (warning)
		ua_write_warning(&w, warning);
	if (code < 300 && f)
		sc_sip_write_header(&w, "Contact", "<sips:%s@%s>", ua->contact_user, f->hostport);
	if (with_sdp)
		sc_sip_write_header(&w, "Allow", UA_ALLOW);
	sc_sip_write_header(&w, "Server", "%s", ua->user_agent);
	int n = with_sdp ? sc_sip_write_end(&w, "application/sdp", c->local_body, c->local_body_len)
			 : sc_sip_write_end(&w, NULL, NULL, 0);
	int r = n < 0 ? n : ua_respond_raw(ua, txn, buf, (size_t)n);
	free(buf);
	return r;
}

int ua_call_answer_invite(struct sc_sip_ua *ua, struct ua_call *c, unsigned code,
			  const char *reason, const char *warning)
{
	if (!c->request || !c->server_txn)
		return -ENOENT;
	struct sc_sip_msg *m = malloc(sizeof(*m));
	struct sc_sip_error err;
	int r = -ENOMEM;
	if (m) {
		r = sc_sip_msg_parse(c->request, c->request_len, SC_SIP_STREAM, m, &err) ? -EINVAL : 0;
		if (r == 0)
			r = respond_invite(ua, c, m, c->server_txn, code, reason, warning);
	}
	free(m);
	return r;
}

static bool user_is_us(const struct sc_sip_ua *ua, struct sc_sip_str user)
{
	return !user.p || sc_sip_str_eq(user, ua->contact_user) || sc_sip_str_eq(user, ua->policy->site_name);
}

// Everything an INVITE must pass before it may ring; on refusal WHY, *CODE and *REASON.
static const struct sc_directory_entry *caller_checks(struct sc_sip_ua *ua, const struct ua_flow *f,
						      const struct sc_sip_msg *m, unsigned *code,
						      const char **reason, char *why, size_t why_len)
{
	const struct sc_policy *p = ua->policy;
	const struct sc_directory_entry *e = f->info.peer.kind == SC_SIP_PEER_SITE
						     ? f->info.peer.entry
						     : ua_directory_by_uri(p, &m->from.uri);
	char from[SC_URI_MAX] = "";
	sc_sip_str_copy(m->from.uri.raw, from, sizeof(from));
	const char *who = e ? e->name : from;
	char stale[128] = "";
	*code = 0;
	if (!user_is_us(ua, m->request_uri.user)) {
		*code = 404;
		*reason = "Not Found";
		ua_say(why, why_len, "this is %s: no such user here", p->site_name);
	} else if (!e && !p->rules.accept_unknown_callers) {
		*code = 403;
		*reason = "Forbidden";
		ua_say(why, why_len, "%.100s is not in the directory (rules.accept_unknown_callers "
			 "is false)", from);
	} else if (ua->call) {
		*code = 486;
		*reason = "Busy Here";
		ua_say(why, why_len, "%s is already in a call", p->site_name);
	} else if (!ua->headset) {
		*code = 480;
		*reason = "Temporarily Unavailable";
		ua_say(why, why_len, "no headset is plugged in at %s", p->site_name);
	} else if (p->rules.require_tunnel && ua->env.peer_up &&
		   !ua->env.peer_up(ua->env.ctx, f->info.peer.family, f->info.peer.addr, stale,
				    sizeof(stale))) {
		*code = 480;
		*reason = "Temporarily Unavailable";
		ua_say(why, why_len, "the tunnel to %s is not up (%s): calls need a fresh handshake "
			 "(rules.require_tunnel)", who, stale[0] ? stale : "handshake stale");
	} else if (!m->body.len) {
		*code = 488;
		*reason = "Not Acceptable Here";
		ua_say(why, why_len, "INVITE without an SDP offer: sealcall needs the offer, with "
			 "a=zrtp-hash, in the INVITE");
	} else if (!ua_is_sdp(m)) {
		*code = 415;
		*reason = "Unsupported Media Type";
		ua_say(why, why_len, "the offer must be application/sdp");
	}
	return e;
}

void ua_call_new_invite(struct sc_sip_ua *ua, uint64_t flow, uint32_t txn, const struct sc_sip_msg *m)
{
	struct ua_flow *f = ua_find_flow(ua, flow);
	char why[SC_SIP_UA_REASON_MAX], tmp[SC_SIP_UA_REASON_MAX];
	unsigned code;
	const char *reason = NULL;
	struct sc_sdp *offer = NULL;
	struct ua_call *c = NULL;
	if (!f)
		return;
	const struct sc_directory_entry *e = caller_checks(ua, f, m, &code, &reason, why, sizeof(why));
	if (code)
		goto refuse;
	code = 400;
	reason = "Bad Request";
	offer = ua_parse_sdp_body(m, tmp, sizeof(tmp));
	if (!offer) {
		ua_say(why, sizeof(why), "malformed SDP offer: %s", tmp);
		goto refuse;
	}
	c = ua_call_new(ua, false);
	if (!c) {
		code = 500;
		reason = "Server Internal Error";
		ua_say(why, sizeof(why), "out of memory");
		goto refuse;
	}
	c->has_flow = true;
	c->flow = flow;
	c->entry = e;
	c->via_registrar = f->info.peer.kind == SC_SIP_PEER_REGISTRAR;
	if (e)
		sc_strcpy(c->peer, sizeof(c->peer), e->name);
	sc_sip_str_copy(m->from.uri.raw, c->peer_uri, sizeof(c->peer_uri));
	if (sc_sip_str_copy(m->call_id, c->call_id, sizeof(c->call_id)) < 0 ||
	    sc_sip_dialog_init_uas(&c->dialog, m, c->local_tag) < 0) {
		ua_say(why, sizeof(why), "the INVITE lacks what a dialog needs (a From tag, one "
			 "Contact) or has over-long identifiers");
		goto refuse;
	}
	int r = ua_prepare_media(ua, c, f, why, sizeof(why));
	if (r < 0) {
		code = 500;
		reason = "Server Internal Error";
		goto refuse;
	}
	code = 488;
	reason = "Not Acceptable Here";
	c->local_sdp = malloc(sizeof(*c->local_sdp));
	if (!c->local_sdp || sc_sdp_make_answer(offer, &c->local, c->local_sdp, &c->result) < 0 ||
	    c->result.audio_index < 0 || !c->result.accepted) {
		ua_say(why, sizeof(why), "%s", c->local_sdp ? c->result.reason : "out of memory");
		goto refuse;
	}
	if (ua_check_keying(ua, &c->result, "the offer", why, sizeof(why)) < 0)
		goto refuse;
	c->request = malloc(m->raw.len);
	if (!c->request || ua_store_local_sdp(c, c->local_sdp) < 0) {
		code = 500;
		reason = "Server Internal Error";
		ua_say(why, sizeof(why), "out of memory");
		goto refuse;
	}
	memcpy(c->request, m->raw.p, m->raw.len);
	c->request_len = m->raw.len;
	c->server_txn = txn;
	c->remote_sdp = offer;
	if (respond_invite(ua, c, m, txn, 180, "Ringing", NULL) < 0) {
		ua_call_release(ua, c);
		return;
	}
	c->deadline = ua->now + ua->ring_timeout_ms;
	ua->call = c;
	ua_say(why, sizeof(why), "%s is calling (%s)", ua_call_label(c), c->result.codec.encoding);
	ua_set_state(ua, c, SC_SIP_UA_RINGING_IN, 180, why);
	return;
refuse:
	free(offer);
	if (c)
		ua_call_release(ua, c);
	ua_refuse(ua, f, txn, m, code, reason, why);
}

int sc_sip_ua_answer(struct sc_sip_ua *ua, uint64_t now, char *why, size_t why_len)
{
	ua_begin(ua, now);
	struct ua_call *c = ua->call;
	if (!c || c->state != SC_SIP_UA_RINGING_IN) {
		if (c)
			ua_say(why, why_len, "the call with %s is %s, not ringing", ua_call_label(c),
				 sc_sip_ua_state_name(c->state));
		else
			ua_say(why, why_len, "no call is ringing");
		return -ENOENT;
	}
	int r = ua->media.start(ua->media.ctx, &c->result);
	if (r < 0) {
		ua_say(why, why_len, "the media for the call from %s could not start: %s",
			 ua_call_label(c), strerror(-r));
		ua_call_answer_invite(ua, c, 500, "Server Internal Error", "media could not start");
		ua_call_end(ua, 500, why);
		return r;
	}
	r = ua_call_answer_invite(ua, c, 200, "OK", NULL);
	if (r < 0) {
		ua_say(why, why_len, "could not send the answer to %s: %s", ua_call_label(c),
			 strerror(-r));
		ua_call_end(ua, 500, why);
		return r;
	}
	c->has_dialog = true;
	c->awaiting_ack = true;
	c->deadline = now + 64ull * ua->t1_ms;
	c->connected_at = now;
	ua_say(why, why_len, "answered the call from %s (%s)", ua_call_label(c),
		 c->result.codec.encoding);
	ua_set_state(ua, c, SC_SIP_UA_IN_CALL, 200, why);
	return 0;
}

void ua_call_ack(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_msg *m)
{
	struct ua_call *c = ua->call;
	(void)flow;
	if (!c || c->outgoing || !c->has_dialog || !sc_sip_dialog_matches_request(&c->dialog, m))
		return;
	if (!c->awaiting_ack)
		return;
	c->awaiting_ack = false;
	if (c->state == SC_SIP_UA_IN_CALL)
		c->deadline = 0;
	if (c->bye_wanted) {
		char why[SC_SIP_UA_REASON_MAX];
		c->bye_wanted = false;
		memcpy(why, c->end_reason, sizeof(why));
		ua_send_bye(ua, c, c->end_code, why);
	}
}

// A new offer in the call: accepted only when it keeps the keying (DESIGN.md invariant 5).
static void reinvite(struct sc_sip_ua *ua, struct ua_flow *f, uint32_t txn, const struct sc_sip_msg *m)
{
	struct ua_call *c = ua->call;
	char why[SC_SIP_UA_REASON_MAX], tmp[SC_SIP_UA_REASON_MAX];
	struct sc_sdp *offer = NULL, *answer = NULL;
	struct sc_sdp_result res;
	if (c->state != SC_SIP_UA_IN_CALL || c->awaiting_ack) {
		ua_refuse(ua, f, txn, m, 500, "Server Internal Error",
			  "the previous offer/answer is not complete yet");
		return;
	}
	if (!m->body.len || !ua_is_sdp(m)) {
		ua_refuse(ua, f, txn, m, 488, "Not Acceptable Here",
			  "a re-INVITE needs an SDP offer (offerless re-INVITEs are not supported)");
		return;
	}
	offer = ua_parse_sdp_body(m, tmp, sizeof(tmp));
	if (!offer) {
		ua_say(why, sizeof(why), "malformed SDP offer: %s", tmp);
		ua_refuse(ua, f, txn, m, 400, "Bad Request", why);
		return;
	}
	enum sc_sdp_keying_change change = sc_sdp_keying_compare(c->remote_sdp, offer);
	if (change != SC_SDP_KEYING_SAME) {
		ua_say(why, sizeof(why), "the re-INVITE would change the keying (%s); the call keeps "
			 "its keys", sc_sdp_keying_change_name(change));
		sc_warn("sip: re-INVITE from %s refused: %s", ua_call_label(c), why);
		ua_refuse(ua, f, txn, m, 488, "Not Acceptable Here", why);
		free(offer);
		return;
	}
	answer = malloc(sizeof(*answer));
	if (!answer || sc_sdp_make_answer(offer, &c->local, answer, &res) < 0 || !res.accepted) {
		ua_say(why, sizeof(why), "%s", answer ? res.reason : "out of memory");
		ua_refuse(ua, f, txn, m, 488, "Not Acceptable Here", why);
		free(offer);
		free(answer);
		return;
	}
	// RFC 3264 §8: the version moves only when our description changes
	char *before = c->local_body;
	size_t before_len = c->local_body_len;
	c->local_body = NULL;
	if (ua_store_local_sdp(c, answer) == 0 &&
	    (c->local_body_len != before_len || memcmp(c->local_body, before, before_len) != 0)) {
		c->local.session_version++;
		answer->session_version = c->local.session_version;
		ua_store_local_sdp(c, answer);
	}
	if (!c->local_body) {
		c->local_body = before;
		c->local_body_len = before_len;
		before = NULL;
	}
	free(before);
	respond_invite(ua, c, m, txn, 200, "OK", NULL);
	c->awaiting_ack = true;
	c->deadline = ua->now + 64ull * ua->t1_ms;
	free(c->remote_sdp);
	c->remote_sdp = offer;
	free(c->local_sdp);
	c->local_sdp = answer;
	// The media runtime keeps the keys and codec it started with: a re-INVITE may refresh
	// the session, not re-key it.
	sc_info("sip: re-INVITE from %s accepted (keying unchanged)", ua_call_label(c));
}

bool ua_call_request(struct sc_sip_ua *ua, uint64_t flow, uint32_t txn, const struct sc_sip_msg *m,
		     uint32_t cancel_target)
{
	struct ua_call *c = ua->call;
	struct ua_flow *f = ua_find_flow(ua, flow);
	char why[SC_SIP_UA_REASON_MAX];
	if (!f)
		return true;
	if (m->method_id == SC_SIP_METHOD_CANCEL) {
		if (!cancel_target)
			return false;
		ua_respond(ua, txn, m, 200, "OK", NULL);
		if (c && !c->outgoing && c->state == SC_SIP_UA_RINGING_IN && c->server_txn == cancel_target) {
			ua_call_answer_invite(ua, c, 487, "Request Terminated", NULL);
			ua_say(why, sizeof(why), "%s cancelled the call", ua_call_label(c));
			ua_call_end(ua, 487, why);
		}
		return true;
	}
	if (!c || !c->has_dialog || !sc_sip_dialog_matches_request(&c->dialog, m))
		return false;
	if (sc_sip_dialog_accept_cseq(&c->dialog, m) < 0) {
		ua_refuse(ua, f, txn, m, 500, "Server Internal Error", "CSeq lower than the last one");
		return true;
	}
	if (m->method_id == SC_SIP_METHOD_BYE) {
		ua_respond(ua, txn, m, 200, "OK", NULL);
		ua_say(why, sizeof(why), "%s hung up", ua_call_label(c));
		ua_call_end(ua, 0, why);
		return true;
	}
	reinvite(ua, f, txn, m);
	return true;
}
