// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/call.h"

#include <stdio.h>
#include <string.h>

void sc_call_init(struct sc_call *c, uint64_t now_ms)
{
	memset(c, 0, sizeof(*c));
	c->state = SC_SIP_UA_IDLE;
	c->since_ms = now_ms;
}

// The same words as the UA's, kept here so that the core links without the SIP layer.
const char *sc_call_state_name(enum sc_sip_ua_call_state s)
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
	return "unknown";
}

static const char *who(const struct sc_sip_ua_event *ev)
{
	return ev->peer[0] ? ev->peer : ev->peer_uri;
}

bool sc_call_apply(struct sc_call *c, const struct sc_sip_ua_event *ev, uint64_t now_ms,
		   char *line, size_t line_len)
{
	if (ev->type != SC_SIP_UA_EV_STATE || ev->state == c->state)
		return false;
	enum sc_sip_ua_call_state from = c->state;
	if (from == SC_SIP_UA_IDLE) {
		c->outgoing = ev->outgoing;
		snprintf(c->peer, sizeof(c->peer), "%s", ev->peer);
		snprintf(c->peer_uri, sizeof(c->peer_uri), "%s", ev->peer_uri);
		c->connected_ms = 0;
	}
	c->state = ev->state;
	c->since_ms = now_ms;
	c->flow = ev->flow;
	if (ev->state == SC_SIP_UA_IN_CALL && !c->connected_ms)
		c->connected_ms = now_ms;
	char length[48] = "";
	if (ev->state == SC_SIP_UA_IDLE) {
		if (c->connected_ms)
			snprintf(length, sizeof(length), " after %llu s",
				 (unsigned long long)((now_ms - c->connected_ms) / 1000u));
		snprintf(c->last_end, sizeof(c->last_end), "%s", ev->reason);
		c->last_code = ev->code;
		c->calls++;
		c->connected_ms = 0;
		c->flow = 0;
	}
	snprintf(line, line_len, "call: %s -> %s (%s %s)%s: %s", sc_call_state_name(from),
		 sc_call_state_name(ev->state), ev->outgoing ? "to" : "from", who(ev), length,
		 ev->reason[0] ? ev->reason : "no reason given");
	return true;
}

bool sc_call_wants_auto_answer(const struct sc_rules *rules, const struct sc_sip_ua_event *ev)
{
	return rules->auto_answer && ev->type == SC_SIP_UA_EV_STATE &&
	       ev->state == SC_SIP_UA_RINGING_IN && ev->previous == SC_SIP_UA_IDLE;
}

void sc_call_status_fill(const struct sc_call *c, uint64_t now_ms, struct sc_call_status *out)
{
	bool active = c->state != SC_SIP_UA_IDLE;
	out->state = sc_call_state_name(c->state);
	out->peer = !active ? "" : c->peer[0] ? c->peer : c->peer_uri;
	out->direction = !active ? "" : c->outgoing ? "outgoing" : "incoming";
	out->duration_s = active && c->connected_ms && now_ms >= c->connected_ms
				  ? (int64_t)((now_ms - c->connected_ms) / 1000u)
				  : -1;
	out->tls_version = "";
	out->tls_cipher = "";
	out->codec = "";
	out->last_end = c->last_end;
	out->sip = "";
	out->registration = "";
	out->media = "";
	out->secure = false;
	out->cipher = out->key_agreement = out->hash = out->auth_tag = "";
	out->sas_type = out->sas = out->cache = "";
	out->verified = false;
	out->headset = "";
	out->muted = false;
	out->volume = -1;
}
