// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/call.h"

#include <stdio.h>
#include <string.h>

void sc_call_init(struct sc_call *c, uint64_t now_ms)
{
	memset(c, 0, sizeof(*c));
	c->state = SC_SIP_UA_IDLE;
	c->since_ms = now_ms;
	c->appliance_end = -1;
	sc_history_entry_init(&c->rec);
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

static int64_t elapsed(uint64_t from, uint64_t to)
{
	return from && to >= from ? (int64_t)(to - from) : -1;
}

static void copy_cut(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%.*s", (int)cap - 1, s);
}

// Who ended the call and how, from what the service noted and the UA's final code.
static enum sc_history_end classify(const struct sc_call *c, unsigned code)
{
	bool answered = c->connected_ms != 0;
	if (c->appliance_end >= 0)
		return (enum sc_history_end)c->appliance_end;
	if (c->local_hangup)
		return answered ? SC_HISTORY_END_LOCAL_HANGUP
				: c->outgoing ? SC_HISTORY_END_CANCELLED : SC_HISTORY_END_DECLINED;
	if (c->flow_lost)
		return SC_HISTORY_END_FAILED;
	if (answered)
		return code >= 300 ? SC_HISTORY_END_FAILED : SC_HISTORY_END_PEER_HANGUP;
	if (c->outgoing) {
		// 487 without our own CANCEL is our ring timeout's; 408: no answer to the INVITE
		if (code == 487 || code == 408)
			return SC_HISTORY_END_UNANSWERED;
		return code >= 300 ? SC_HISTORY_END_REFUSED : SC_HISTORY_END_FAILED;
	}
	if (code == 487)
		return SC_HISTORY_END_PEER_CANCELLED;
	if (code == 480)
		return SC_HISTORY_END_UNANSWERED;
	return SC_HISTORY_END_FAILED;
}

static void finish_record(struct sc_call *c, uint64_t now_ms, unsigned code, const char *reason)
{
	struct sc_history_entry *r = &c->rec;
	r->end = classify(c, code);
	r->code = code >= 100 && code <= 699 ? code : 0;
	copy_cut(r->reason, sizeof(r->reason), reason);
	r->duration_ms = c->connected_ms ? elapsed(c->connected_ms, now_ms) : -1;
	r->sip_ms = c->outgoing ? elapsed(c->invite_ms, c->connected_ms) : elapsed(c->invite_ms, c->ack_ms);
	if (c->outgoing && !c->connected_ms)
		r->sip_ms = -1;
	r->zrtp_ms = r->secured && c->connected_ms ? elapsed(c->connected_ms, c->secure_ms) : -1;
	if (r->secured && r->zrtp_ms < 0)
		r->zrtp_ms = 0; // keyed in the same instant as answered
	c->record_ready = true;
}

static void begin_record(struct sc_call *c, const struct sc_sip_ua_event *ev, uint64_t now_ms,
			 int64_t wall_s)
{
	sc_history_entry_init(&c->rec);
	c->rec.start = wall_s > 0 ? wall_s : 0;
	c->rec.outgoing = ev->outgoing;
	copy_cut(c->rec.peer, sizeof(c->rec.peer), ev->peer[0] ? ev->peer : ev->peer_uri);
	if (!c->rec.peer[0])
		snprintf(c->rec.peer, sizeof(c->rec.peer), "unknown");
	c->invite_ms = ev->outgoing ? 0 : now_ms; // their INVITE is what made the call ring here
	c->ack_ms = c->secure_ms = 0;
	c->local_hangup = c->flow_lost = false;
	c->appliance_end = -1;
	c->record_ready = false;
}

bool sc_call_apply(struct sc_call *c, const struct sc_sip_ua_event *ev, uint64_t now_ms,
		   int64_t wall_s, char *line, size_t line_len)
{
	if (ev->type != SC_SIP_UA_EV_STATE || ev->state == c->state)
		return false;
	enum sc_sip_ua_call_state from = c->state;
	if (from == SC_SIP_UA_IDLE) {
		c->outgoing = ev->outgoing;
		snprintf(c->peer, sizeof(c->peer), "%s", ev->peer);
		snprintf(c->peer_uri, sizeof(c->peer_uri), "%s", ev->peer_uri);
		c->connected_ms = 0;
		begin_record(c, ev, now_ms, wall_s);
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
		finish_record(c, now_ms, ev->code, ev->reason);
		c->calls++;
		c->connected_ms = 0;
		c->flow = 0;
	}
	snprintf(line, line_len, "call: %s -> %s (%s %s)%s: %s", sc_call_state_name(from),
		 sc_call_state_name(ev->state), ev->outgoing ? "to" : "from", who(ev), length,
		 ev->reason[0] ? ev->reason : "no reason given");
	return true;
}

void sc_call_note_invite_sent(struct sc_call *c, uint64_t now_ms)
{
	if (c->outgoing && !c->invite_ms &&
	    (c->state == SC_SIP_UA_CALLING || c->state == SC_SIP_UA_RINGING_OUT))
		c->invite_ms = now_ms;
}

void sc_call_note_ack(struct sc_call *c, uint64_t now_ms)
{
	if (!c->outgoing && !c->ack_ms && c->state == SC_SIP_UA_IN_CALL)
		c->ack_ms = now_ms;
}

void sc_call_note_local_hangup(struct sc_call *c)
{
	if (c->state != SC_SIP_UA_IDLE)
		c->local_hangup = true;
}

void sc_call_note_appliance_end(struct sc_call *c, enum sc_history_end why)
{
	if (c->state != SC_SIP_UA_IDLE && c->appliance_end < 0 && (unsigned)why < SC_HISTORY_END_COUNT)
		c->appliance_end = (int)why;
}

void sc_call_note_flow_lost(struct sc_call *c)
{
	if (c->state != SC_SIP_UA_IDLE)
		c->flow_lost = true;
}

// Only names made of what a history line may hold are kept; anything else is left out.
static void copy_token(char *out, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	bool ok = n < SC_HISTORY_TOKEN_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		     (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
	snprintf(out, SC_HISTORY_TOKEN_MAX, "%s", ok && n ? s : "");
}

void sc_call_note_codec(struct sc_call *c, const char *codec)
{
	if (c->state != SC_SIP_UA_IDLE && codec && *codec)
		copy_token(c->rec.codec, codec);
}

void sc_call_note_secure(struct sc_call *c, const struct sc_call_security_names *sec,
			 uint64_t now_ms)
{
	struct sc_history_entry *r = &c->rec;
	if (c->state == SC_SIP_UA_IDLE)
		return;
	copy_token(r->cipher, sec->cipher);
	copy_token(r->key_agreement, sec->key_agreement);
	copy_token(r->hash, sec->hash);
	copy_token(r->auth_tag, sec->auth_tag);
	copy_token(r->sas_type, sec->sas_type);
	copy_token(r->cache, sec->cache);
	r->sas_verified = sec->verified;
	r->secured = r->cipher[0] && r->key_agreement[0] && r->hash[0] && r->auth_tag[0] &&
		     r->sas_type[0] && r->cache[0];
	if (!r->secured) {
		r->cipher[0] = r->key_agreement[0] = r->hash[0] = r->auth_tag[0] = '\0';
		r->sas_type[0] = r->cache[0] = '\0';
		r->sas_verified = false;
		return;
	}
	if (!c->secure_ms)
		c->secure_ms = now_ms;
}

void sc_call_note_verified(struct sc_call *c)
{
	if (c->state != SC_SIP_UA_IDLE && c->rec.secured)
		c->rec.sas_verified = true;
}

static int32_t tenths(double v, int32_t max)
{
	if (!(v >= 0)) // negative or NaN: not measured
		return -1;
	double t = v * 10.0 + 0.5;
	return t >= (double)max ? max : (int32_t)t;
}

void sc_call_note_quality(struct sc_call *c, const struct sc_call_quality *q)
{
	struct sc_history_entry *r = &c->rec;
	if (c->state == SC_SIP_UA_IDLE)
		return;
	r->loss_pct10 = tenths(q->loss_pct, 1000);
	r->jitter_ms10 = tenths(q->jitter_ms, 6000000);
	r->rtt_ms10 = tenths(q->rtt_ms, 6000000);
	r->jb_delay_ms = q->jb_delay_ms > 60000 ? 60000 : (int32_t)q->jb_delay_ms;
	r->lost = q->lost < 0 ? 0 : q->lost > (1LL << 40) ? (1LL << 40) : q->lost;
	r->late = q->late > (1ULL << 40) ? (1LL << 40) : (int64_t)q->late;
}

void sc_call_abandon(struct sc_call *c, uint64_t now_ms, const char *reason)
{
	if (c->state == SC_SIP_UA_IDLE || c->record_ready)
		return;
	finish_record(c, now_ms, 0, reason);
	snprintf(c->last_end, sizeof(c->last_end), "%s", reason);
	c->state = SC_SIP_UA_IDLE;
	c->since_ms = now_ms;
	c->connected_ms = 0;
	c->flow = 0;
	c->calls++;
}

bool sc_call_take_record(struct sc_call *c, struct sc_history_entry *out)
{
	if (!c->record_ready)
		return false;
	*out = c->rec;
	c->record_ready = false;
	return true;
}

void sc_call_refused_record(int64_t wall_s, const char *peer, unsigned code, const char *reason,
			    struct sc_history_entry *out)
{
	sc_history_entry_init(out);
	out->start = wall_s > 0 ? wall_s : 0;
	out->outgoing = false;
	copy_cut(out->peer, sizeof(out->peer), peer && *peer ? peer : "unknown");
	out->end = SC_HISTORY_END_REFUSED;
	out->code = code >= 100 && code <= 699 ? code : 0;
	copy_cut(out->reason, sizeof(out->reason), reason);
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
	out->have_quality = false;
	out->loss_pct10 = out->jitter_ms10 = out->rtt_ms10 = -1;
	out->jb_delay_ms = out->jb_target_ms = -1;
	out->lost = out->late = out->concealed = out->gaps = 0;
	out->longest_gap_ms = 0;
	out->last_call = NULL;
}
