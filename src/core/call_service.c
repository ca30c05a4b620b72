// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/call_service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "base/log.h"
#include "base/secret.h"
#include "base/strutil.h"
#include "audio/prompts.h"
#include "core/call_rtp.h"
#include "core/headset.h"
#include "core/history.h"
#include "media/call_cache_cli.h"
#include "sip/tls_transport.h"
#include "sip/ua.h"
#include "zrtp/engine.h"

#define SHUTDOWN_FLUSH_MS 1000
#define PASSWORD_MAX 1024
// rules.require_verified_sas: how long the two people have to compare the SAS and press
// the button (or run sealcall verify) before the call is ended.
#define VERIFY_GRACE_MS 60000
// An outcome tone (busy, unreachable, error) plays this long, then the earpiece is quiet.
#define OUTCOME_TONE_MS 4000
// The call's tunnel is looked at this often; the "tunnel down" prompt is said once per
// loss, and not again within this long (the appliance's state and the call's own peer
// usually go down together).
#define TUNNEL_WATCH_MS 1000
#define TUNNEL_PROMPT_QUIET_MS 5000

// What the service keeps with each TLS connection (sc_sip_conn_set_user).
struct conn_ctx {
	struct sc_sip_conn *conn;
	uint64_t flow;
	bool up;              // the UA knows it
	bool connect_pending; // the UA asked for it and waits for the handshake
	const struct sc_directory_entry *site; // what it asked for (NULL: the registrar)
	struct conn_ctx *next;
};

struct sc_call_service {
	struct sc_loop *loop;
	const struct sc_policy *p;
	struct sc_vpn *vpn;
	void *rng;
	struct sc_call_rtp *rtp;
	struct sc_sip_tls *tls;
	struct sc_sip_ua *ua;
	struct sc_loop_timer *timer;
	struct conn_ctx *conns;
	uint64_t next_flow;
	struct sc_call call;
	size_t sends;       // messages handed to the transport, for the shutdown flush
	bool tls_global;
	char sip_line[96];
	char reg_line[SC_URI_MAX + SC_SIP_UA_REASON_MAX];
	char codec[32];
	struct sc_headset *headset;
	struct sc_loop_timer *end_timer;    // ends the call outside the media runtime's callback
	struct sc_loop_timer *verify_timer; // rules.require_verified_sas
	struct sc_loop_timer *tone_timer;   // stops an outcome tone
	char end_reason[SC_SIP_UA_REASON_MAX]; // why the appliance itself ends the call
	enum sc_history_end end_kind;          // ... in the history's words
	char keep_end_reason[SC_SIP_UA_REASON_MAX]; // shown as the last call's end
	bool secure;
	bool verified;
	struct sc_call_media_security security;
	char media_state[16];
	char dtmf_heard[SC_DTMF_HEARD + 1];
	char headset_line[160];
	struct sc_history history;
	bool history_write_failed; // said once until a write works again
	struct sc_loop_timer *watch_timer;  // the live call's tunnel
	bool call_peer_was_up;
	uint64_t tunnel_prompt_ms;          // when "tunnel down" was last said; 0 never
};

// ---- connections ----

static struct conn_ctx *ctx_of(struct sc_call_service *s, struct sc_sip_conn *c)
{
	struct conn_ctx *x = sc_sip_conn_user(c);
	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->conn = c;
	x->flow = ++s->next_flow;
	x->next = s->conns;
	s->conns = x;
	sc_sip_conn_set_user(c, x);
	return x;
}

static void ctx_remove(struct sc_call_service *s, struct conn_ctx *x)
{
	for (struct conn_ctx **pp = &s->conns; *pp; pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			free(x);
			return;
		}
	}
}

static struct conn_ctx *ctx_by_flow(struct sc_call_service *s, uint64_t flow)
{
	for (struct conn_ctx *x = s->conns; x; x = x->next)
		if (x->flow == flow)
			return x;
	return NULL;
}

static void flow_up(struct sc_call_service *s, struct conn_ctx *x)
{
	struct sc_sip_ua_flow f = { .peer = *sc_sip_conn_identity(x->conn),
				    .incoming = sc_sip_conn_is_incoming(x->conn) };
	if (sc_sip_conn_local_address(x->conn, &f.local_family, f.local_addr, NULL) < 0) {
		// the handshake ended, so the socket is connected; this cannot fail short of a bug
		sc_warn("sip: no local address for %s", sc_sip_conn_describe(x->conn));
		return;
	}
	x->up = true;
	x->connect_pending = false;
	sc_sip_ua_flow_up(s->ua, x->flow, &f, sc_loop_now_ms());
}

// ---- what the UA asks for ----

static void send_on(struct sc_call_service *s, uint64_t flow, const char *data, size_t len)
{
	struct conn_ctx *x = ctx_by_flow(s, flow);
	if (!x) {
		sc_debug("sip: connection %llu is gone; %zu bytes not sent", (unsigned long long)flow, len);
		return;
	}
	int r = sc_sip_conn_send(x->conn, data, len);
	if (r < 0) {
		sc_warn("sip: cannot send to %s: %s", sc_sip_conn_describe(x->conn), strerror(-r));
		return;
	}
	s->sends++;
	// the SIP part of the set-up time runs from here (history)
	if (len > 7 && memcmp(data, "INVITE ", 7) == 0)
		sc_call_note_invite_sent(&s->call, sc_loop_now_ms());
}

static void connect_to(struct sc_call_service *s, const struct sc_directory_entry *site)
{
	struct sc_sip_conn *c = NULL;
	int r = site ? sc_sip_tls_connect(s->tls, site, &c) : sc_sip_tls_connect_registrar(s->tls, &c);
	struct conn_ctx *x = r == 0 ? ctx_of(s, c) : NULL;
	if (r == 0 && !x)
		r = -ENOMEM;
	if (r < 0) {
		sc_sip_ua_connect_failed(s->ua, site, strerror(-r), sc_loop_now_ms());
		return;
	}
	if (sc_sip_conn_is_established(c)) {
		flow_up(s, x);
	} else {
		x->connect_pending = true;
		x->site = site;
	}
}

static int outcome_tone(unsigned code)
{
	if (code == 486 || code == 600 || code == 603)
		return SC_TONE_BUSY;
	if (code == 404 || code == 408 || code == 480 || code == 503 || code == 604)
		return SC_TONE_UNREACHABLE;
	return SC_TONE_ERROR;
}

static void reset_security(struct sc_call_service *s)
{
	s->secure = false;
	s->verified = false;
	memset(&s->security, 0, sizeof(s->security));
	sc_loop_timer_stop(s->verify_timer);
}

// ---- the history ----

static void history_warn(void *ctx, const char *message)
{
	(void)ctx;
	sc_warn("history: %s", message);
}

static void history_record(struct sc_call_service *s, const struct sc_history_entry *e)
{
	char why[SC_PATH_MAX + 128];
	sc_history_add(&s->history, e);
	int r = sc_history_save(&s->history, why, sizeof(why));
	if (r < 0 && !s->history_write_failed)
		sc_warn("history: %s; calls are kept in memory until it can be written (sealcalld "
			"must be able to write the folder of media.zrtp.cache_file)", why);
	else if (r == 0 && s->history_write_failed)
		sc_notice("history: %s written again", s->history.path);
	s->history_write_failed = r < 0;
}

static void take_record(struct sc_call_service *s)
{
	struct sc_history_entry e;
	if (sc_call_take_record(&s->call, &e))
		history_record(s, &e);
}

// The call's codec and quality as they stand, for its history record. Taken before every
// input to the UA, since that may end the call and free its media.
static void sample_call(struct sc_call_service *s)
{
	if (s->call.state == SC_SIP_UA_IDLE || !s->ua)
		return;
	struct sc_sip_ua_call_info info;
	sc_sip_ua_call_info(s->ua, &info);
	sc_call_note_codec(&s->call, info.codec);
	struct sc_call_media_stats ms;
	if (s->rtp && sc_call_rtp_stats(s->rtp, &ms) && ms.secure) {
		struct sc_call_quality q = { .loss_pct = ms.rx_loss_pct, .jitter_ms = ms.jitter_ms,
					     .rtt_ms = ms.rtt_ms, .jb_delay_ms = ms.jb_delay_ms,
					     .lost = ms.rx_lost, .late = ms.jitter.late };
		sc_call_note_quality(&s->call, &q);
	}
}

// An INVITE refused before it rang (busy, unknown caller, no headset...) is a call attempt
// the operator wants to see; a refused re-INVITE of the live call is not.
static void record_refused(struct sc_call_service *s, const struct sc_sip_ua_event *ev)
{
	if (strncmp(ev->reason, "INVITE ", 7) != 0)
		return;
	if (s->call.state != SC_SIP_UA_IDLE && ev->flow == s->call.flow)
		return;
	struct conn_ctx *x = ctx_by_flow(s, ev->flow);
	const struct sc_sip_identity *id = x ? sc_sip_conn_identity(x->conn) : NULL;
	const char *peer = id && id->entry ? id->entry->name : id && id->san[0] ? id->san : "unknown";
	struct sc_history_entry e;
	sc_call_refused_record((int64_t)time(NULL), peer, ev->code, ev->reason, &e);
	history_record(s, &e);
}

static void open_history(struct sc_call_service *s)
{
	char dir[SC_PATH_MAX], path[SC_PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s", s->p->media.zrtp.cache_file);
	snprintf(path, sizeof(path), "%s/history", dirname(dir));
	int r = sc_history_init(&s->history, path);
	if (r < 0) {
		sc_warn("history: cannot keep a call history in %s: %s; calls are not remembered "
			"(choose a shorter media.zrtp.cache_file path)", path, strerror(-r));
		sc_history_free(&s->history);
		sc_history_init(&s->history, "");
		return;
	}
	sc_history_load(&s->history, history_warn, s);
	sc_info("history: %zu call(s) remembered in %s", sc_history_count(&s->history), path);
}

// ---- the tunnel under the call ----

static bool call_peer_up(struct sc_call_service *s)
{
	const struct sc_directory_entry *e =
		s->call.peer[0] ? sc_policy_directory_find(s->p, s->call.peer) : NULL;
	if (!e)
		return true; // an unknown caller: the appliance's own state speaks for it
	return sc_vpn_address_is_up(s->vpn, e->address.family, e->address.addr);
}

static void say_tunnel_down(struct sc_call_service *s, const char *why)
{
	uint64_t now = sc_loop_now_ms();
	if (s->tunnel_prompt_ms && now - s->tunnel_prompt_ms < TUNNEL_PROMPT_QUIET_MS)
		return;
	if (!s->headset || !sc_headset_present(s->headset))
		return;
	s->tunnel_prompt_ms = now;
	sc_notice("audio: saying \"tunnel down\": %s", why);
	sc_headset_say(s->headset, SC_PROMPT_TUNNEL_DOWN, 0);
}

void sc_call_service_tunnel_down(struct sc_call_service *s, const char *why)
{
	if (s)
		say_tunnel_down(s, why);
}

static void on_watch_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_call_service *s = arg;
	if (s->call.state == SC_SIP_UA_IDLE)
		return;
	bool up = call_peer_up(s);
	if (s->call_peer_was_up && !up) {
		char why[SC_NAME_MAX + 64];
		snprintf(why, sizeof(why), "the tunnel to %s went down during the call", s->call.peer);
		say_tunnel_down(s, why);
	}
	s->call_peer_was_up = up;
}

// What the wearer hears as the call moves; the media's own prompts come with its events.
static void call_state_changed(struct sc_call_service *s, const struct sc_sip_ua_event *ev)
{
	if (!s->headset)
		return;
	sc_loop_timer_stop(s->tone_timer);
	switch (ev->state) {
	case SC_SIP_UA_RINGING_IN:
		sc_headset_set_tone(s->headset, SC_TONE_RINGING);
		break;
	case SC_SIP_UA_RINGING_OUT:
		sc_headset_set_tone(s->headset, SC_TONE_RINGBACK);
		break;
	case SC_SIP_UA_IDLE:
		reset_security(s);
		sc_headset_stop_speech(s->headset);
		sc_headset_set_mute(s->headset, false);
		if (s->keep_end_reason[0]) {
			snprintf(s->call.last_end, sizeof(s->call.last_end), "%s", s->keep_end_reason);
			s->keep_end_reason[0] = '\0';
		}
		if (ev->code >= 400 && s->call.connected_ms == 0) {
			sc_headset_set_tone(s->headset, outcome_tone(ev->code));
			sc_loop_timer_arm(s->tone_timer, OUTCOME_TONE_MS, 0);
		} else {
			sc_headset_set_tone(s->headset, SC_HEADSET_NO_TONE);
		}
		break;
	default:
		sc_headset_set_tone(s->headset, SC_HEADSET_NO_TONE);
		break;
	}
}

static void on_ua_event(struct sc_call_service *s, const struct sc_sip_ua_event *ev)
{
	char line[SC_SIP_UA_REASON_MAX + 128], why[SC_SIP_UA_REASON_MAX];
	uint64_t now = sc_loop_now_ms();
	if (ev->type == SC_SIP_UA_EV_REFUSED)
		record_refused(s, ev);
	if (ev->type != SC_SIP_UA_EV_STATE)
		return; // refusals and registration were logged by the UA
	bool was_idle = s->call.state == SC_SIP_UA_IDLE;
	if (sc_call_apply(&s->call, ev, now, (int64_t)time(NULL), line, sizeof(line))) {
		if (ev->state == SC_SIP_UA_IDLE && ev->code >= 400)
			sc_warn("%s", line);
		else
			sc_notice("%s", line);
	}
	if (was_idle && s->call.state != SC_SIP_UA_IDLE)
		s->call_peer_was_up = call_peer_up(s);
	// the appliance's own reason says more than the BYE it sent for it
	if (s->call.record_ready && s->keep_end_reason[0])
		snprintf(s->call.rec.reason, sizeof(s->call.rec.reason), "%.*s",
			 (int)sizeof(s->call.rec.reason) - 1, s->keep_end_reason);
	call_state_changed(s, ev);
	take_record(s);
	if (sc_call_wants_auto_answer(&s->p->rules, ev)) {
		int r = sc_sip_ua_answer(s->ua, now, why, sizeof(why));
		if (r == 0)
			sc_notice("call: answered by itself (rules.auto_answer): %s", why);
		else
			sc_warn("call: auto-answer failed: %s", why);
	}
}

// Hands out everything the UA queued, then re-arms its timer. Every entry point of the
// service ends here.
static void pump(struct sc_call_service *s)
{
	struct sc_sip_ua_action a;
	// Bounded: each input makes a finite number of actions.
	for (int i = 0; i < 10000 && sc_sip_ua_pop(s->ua, &a); i++) {
		switch (a.type) {
		case SC_SIP_UA_SEND:
			send_on(s, a.flow, a.data, a.len);
			break;
		case SC_SIP_UA_CONNECT:
			connect_to(s, a.site);
			break;
		case SC_SIP_UA_EVENT:
			on_ua_event(s, &a.event);
			break;
		}
	}
	uint64_t when, now = sc_loop_now_ms();
	if (sc_sip_ua_next_deadline(s->ua, &when))
		sc_loop_timer_arm(s->timer, when > now ? when - now : 0, 0);
	else
		sc_loop_timer_stop(s->timer);
}

// ---- the transport and the clock ----

static void on_established(void *arg, struct sc_sip_conn *c)
{
	struct sc_call_service *s = arg;
	struct conn_ctx *x = ctx_of(s, c);
	if (!x) {
		sc_err("sip: out of memory for %s: closing it", sc_sip_conn_describe(c));
		sc_sip_conn_close(c);
		return;
	}
	sc_debug("sip: %s connection with %s announced to the UA (%s, %s)",
		sc_sip_conn_is_incoming(c) ? "incoming" : "outgoing", sc_sip_conn_describe(c),
		sc_sip_conn_tls_version(c), sc_sip_conn_cipher(c));
	flow_up(s, x);
	pump(s);
}

static void on_message(void *arg, struct sc_sip_conn *c, const char *msg, size_t len)
{
	struct sc_call_service *s = arg;
	struct conn_ctx *x = sc_sip_conn_user(c);
	if (!x || !x->up) {
		// the transport reports the handshake first; without that, nothing is trusted
		sc_warn("sip: message from %s before its connection was announced: dropped",
			sc_sip_conn_describe(c));
		return;
	}
	sample_call(s);
	// the SIP part of an incoming call's set-up time ends here (history)
	if (len > 4 && memcmp(msg, "ACK ", 4) == 0 && x->flow == s->call.flow)
		sc_call_note_ack(&s->call, sc_loop_now_ms());
	sc_sip_ua_receive(s->ua, x->flow, msg, len, sc_loop_now_ms());
	pump(s);
}

static void on_closed(void *arg, struct sc_sip_conn *c, int reason_errno, const char *why)
{
	struct sc_call_service *s = arg;
	struct conn_ctx *x = sc_sip_conn_user(c);
	(void)reason_errno;
	if (!x)
		return;
	uint64_t now = sc_loop_now_ms();
	sample_call(s);
	if (x->up && x->flow == s->call.flow)
		sc_call_note_flow_lost(&s->call);
	if (x->up)
		sc_sip_ua_flow_down(s->ua, x->flow, why, now);
	else if (x->connect_pending)
		sc_sip_ua_connect_failed(s->ua, x->site, why, now);
	sc_sip_conn_set_user(c, NULL);
	ctx_remove(s, x);
	pump(s);
}

static void on_timer(struct sc_loop *loop, struct sc_loop_timer *timer, void *arg)
{
	(void)loop;
	(void)timer;
	struct sc_call_service *s = arg;
	sample_call(s);
	sc_sip_ua_tick(s->ua, sc_loop_now_ms());
	pump(s);
}

// ---- the appliance ends a call itself ----

// Deferred to a timer: media events come from inside the runtime, which a hang-up frees.
static void end_call(struct sc_call_service *s, enum sc_history_end kind, const char *reason)
{
	if (s->end_reason[0])
		return;
	s->end_kind = kind;
	snprintf(s->end_reason, sizeof(s->end_reason), "%.*s", (int)sizeof(s->end_reason) - 1,
		 reason);
	sc_loop_timer_arm(s->end_timer, 0, 0);
}

static void on_end_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_call_service *s = arg;
	char why[SC_SIP_UA_REASON_MAX];
	if (!s->end_reason[0])
		return;
	snprintf(s->keep_end_reason, sizeof(s->keep_end_reason), "%s", s->end_reason);
	sc_warn("call: ending the call: %s", s->end_reason);
	sample_call(s);
	sc_call_note_appliance_end(&s->call, s->end_kind);
	if (sc_sip_ua_hangup(s->ua, sc_loop_now_ms(), why, sizeof(why)) < 0)
		s->keep_end_reason[0] = '\0';
	s->end_reason[0] = '\0';
	pump(s);
}

static void on_verify_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_call_service *s = arg;
	if (s->secure && !s->verified)
		end_call(s, SC_HISTORY_END_SAS_NOT_VERIFIED, "the SAS was not verified within 60 s (rules.require_verified_sas): "
			    "compare it and press the call button long, or run sealcall verify");
}

static void on_tone_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_call_service *s = arg;
	if (s->headset)
		sc_headset_set_tone(s->headset, SC_HEADSET_NO_TONE);
}

// ---- the call's media ----

static void on_secure(struct sc_call_service *s, const struct sc_call_media_security *sec)
{
	s->secure = true;
	s->security = *sec;
	s->verified = sec->verified;
	static const char *const cache_names[] = { "new", "match", "mismatch" };
	sc_notice("media: call secured: %s %s %s %s, SAS %s (%s), %s, cache %s",
		  sc_zrtp_ka_name(sec->key_agreement), sc_zrtp_cipher_name(sec->cipher),
		  sc_zrtp_hash_name(sec->hash), sc_zrtp_auth_name(sec->auth_tag), sec->sas,
		  sc_zrtp_sas_name(sec->sas_type), sec->verified ? "verified" : "not verified",
		  cache_names[sec->cache <= SC_ZRTP_CACHE_MISMATCH ? sec->cache : 0]);
	struct sc_call_security_names names = {
		.cipher = sc_zrtp_cipher_name(sec->cipher), .key_agreement = sc_zrtp_ka_name(sec->key_agreement),
		.hash = sc_zrtp_hash_name(sec->hash), .auth_tag = sc_zrtp_auth_name(sec->auth_tag),
		.sas_type = sc_zrtp_sas_name(sec->sas_type),
		.cache = cache_names[sec->cache <= SC_ZRTP_CACHE_MISMATCH ? sec->cache : 0],
		.verified = sec->verified,
	};
	sc_call_note_secure(&s->call, &names, sc_loop_now_ms());
	if (s->headset) {
		sc_headset_say(s->headset, SC_PROMPT_CALL_SECURED, 0);
		sc_headset_say_sas(s->headset, sec->sas_type, sec->sas);
		sc_headset_say(s->headset, sec->verified ? SC_PROMPT_SAS_VERIFIED
							 : SC_PROMPT_SAS_NOT_VERIFIED, 0);
	}
	if (s->p->rules.require_verified_sas && !sec->verified)
		sc_loop_timer_arm(s->verify_timer, VERIFY_GRACE_MS, 0);
}

static void on_media_event(void *ctx, const struct sc_call_media_event *ev)
{
	struct sc_call_service *s = ctx;
	char why[SC_SIP_UA_REASON_MAX + 512];
	switch (ev->type) {
	case SC_CALL_MEDIA_EVENT_SECURE:
		on_secure(s, &ev->security);
		break;
	case SC_CALL_MEDIA_EVENT_CACHE_MISMATCH:
		if (s->headset)
			sc_headset_say(s->headset, SC_PROMPT_CACHE_MISMATCH, 300);
		if (s->p->rules.on_cache_mismatch == SC_MISMATCH_HANGUP) {
			snprintf(why, sizeof(why), "ZRTP cache mismatch with %s: %s (rules.on_cache_mismatch: "
				 "hangup): this can be a man in the middle; only if you know the far site lost or "
				 "restored its ZRTP cache, run sealcall forget %s and compare the SAS aloud",
				 s->call.peer[0] ? s->call.peer : "the caller", ev->reason,
				 s->call.peer[0] ? s->call.peer : "NAME");
			end_call(s, SC_HISTORY_END_CACHE_MISMATCH, why);
		} else {
			sc_warn("media: ZRTP cache mismatch with %s: %s; the call goes on "
				"(rules.on_cache_mismatch: warn): compare the SAS", s->call.peer, ev->reason);
		}
		break;
	case SC_CALL_MEDIA_EVENT_ALARM:
		snprintf(why, sizeof(why), "ZRTP alarm%s: %s", ev->mitm ? " (possible relay)" : "",
			 ev->reason);
		end_call(s, SC_HISTORY_END_FAILED, why);
		break;
	case SC_CALL_MEDIA_EVENT_FAILED:
		snprintf(why, sizeof(why), "the call could not be secured: %s", ev->reason);
		end_call(s, SC_HISTORY_END_FAILED, why);
		break;
	case SC_CALL_MEDIA_EVENT_PEER_BYE:
		sc_info("media: the peer sent its RTCP BYE");
		break;
	case SC_CALL_MEDIA_EVENT_DTMF:
		sc_info("media: DTMF received from %s: %c", s->call.peer[0] ? s->call.peer : "the caller",
			ev->digit);
		break;
	}
}

// `dtmf DIGITS`: into an answered call only, and (the media's rule) only once it is secured.
static int send_dtmf(struct sc_call_service *s, const char *digits, char *why, size_t len)
{
	if (s->call.state != SC_SIP_UA_IN_CALL) {
		snprintf(why, len, "no call is in progress (call: %s): DTMF goes into an answered call",
			 sc_call_state_name(s->call.state));
		return -ENOENT;
	}
	int r = sc_call_rtp_send_dtmf(s->rtp, digits, why, len);
	if (r < 0)
		return r;
	size_t n = strlen(digits);
	// the digits themselves stay out of the log here: they may be a PIN for the far end
	sc_notice("media: sending %zu DTMF digit%s to %s (control)", n, n == 1 ? "" : "s", s->call.peer);
	snprintf(why, len, "sending %zu DTMF digit%s to %s", n, n == 1 ? "" : "s", s->call.peer);
	return 0;
}

static int verify_live_call(struct sc_call_service *s, char *why, size_t len)
{
	int r = sc_call_rtp_set_verified(s->rtp, true);
	if (r == -ENOENT)
		snprintf(why, len, "no call is running");
	else if (r == -EAGAIN)
		snprintf(why, len, "the call is not secured yet: there is no SAS to verify");
	else if (r < 0)
		snprintf(why, len, "the ZRTP cache could not be written: %s", strerror(-r));
	else
		snprintf(why, len, "SAS %s of %s marked verified", s->security.sas, s->call.peer);
	if (r == 0) {
		s->verified = true;
		s->security.verified = true;
		sc_call_note_verified(&s->call);
		sc_loop_timer_stop(s->verify_timer);
		sc_notice("media: %s", why);
		if (s->headset)
			sc_headset_say(s->headset, SC_PROMPT_SAS_VERIFIED, 0);
	}
	return r;
}

// ---- the headset ----

static void hs_captured(void *ctx, const int16_t *pcm, size_t n, uint64_t now)
{
	struct sc_call_service *s = ctx;
	sc_call_rtp_capture(s->rtp, pcm, n, now);
}

static bool hs_playout(void *ctx, int16_t *pcm, size_t n, uint64_t now)
{
	struct sc_call_service *s = ctx;
	return sc_call_rtp_playout(s->rtp, pcm, n, now);
}

static enum sc_ui_state hs_ui_state(void *ctx)
{
	struct sc_call_service *s = ctx;
	switch (s->call.state) {
	case SC_SIP_UA_RINGING_IN:
		return SC_UI_RINGING;
	case SC_SIP_UA_CALLING:
	case SC_SIP_UA_RINGING_OUT:
		return SC_UI_CALLING;
	case SC_SIP_UA_IN_CALL:
	case SC_SIP_UA_ENDING:
		if (!s->secure)
			return SC_UI_IN_CALL;
		return sc_headset_speaking(s->headset) ? SC_UI_SAS_SPEAKING : SC_UI_SAS_SPOKEN;
	default:
		return SC_UI_IDLE;
	}
}

static void hs_button(void *ctx, enum sc_button_action action, uint64_t time_ms)
{
	struct sc_call_service *s = ctx;
	char why[SC_SIP_UA_REASON_MAX] = "";
	uint64_t now = sc_loop_now_ms();
	const struct sc_directory_entry *hot;
	int r = 0;
	(void)time_ms;
	sc_info("audio: button: %s", sc_button_action_name(action));
	sample_call(s);
	switch (action) {
	case SC_BTN_CALL_HOTLINE:
		hot = sc_policy_hotline(s->p);
		if (!hot) {
			sc_warn("call: the call button has no hotline to call: set hotline: true on one "
				"directory entry");
			sc_headset_set_tone(s->headset, SC_TONE_ERROR);
			sc_loop_timer_arm(s->tone_timer, OUTCOME_TONE_MS, 0);
			return;
		}
		r = sc_sip_ua_call(s->ua, hot->name, now, why, sizeof(why));
		break;
	case SC_BTN_ANSWER:
		r = sc_sip_ua_answer(s->ua, now, why, sizeof(why));
		break;
	case SC_BTN_HANGUP:
		sc_call_note_local_hangup(&s->call);
		r = sc_sip_ua_hangup(s->ua, now, why, sizeof(why));
		break;
	case SC_BTN_MARK_VERIFIED:
		r = verify_live_call(s, why, sizeof(why));
		break;
	case SC_BTN_TOGGLE_MUTE:
		sc_headset_set_mute(s->headset, !sc_headset_muted(s->headset));
		break;
	case SC_BTN_NONE:
		return;
	}
	if (r < 0) {
		sc_warn("audio: %s from the button failed: %s", sc_button_action_name(action), why);
		sc_headset_set_tone(s->headset, SC_TONE_ERROR);
		sc_loop_timer_arm(s->tone_timer, OUTCOME_TONE_MS, 0);
	} else if (why[0]) {
		sc_notice("call: %s (button)", why);
	}
	pump(s);
}

static void hs_presence(void *ctx, bool present)
{
	struct sc_call_service *s = ctx;
	if (s->ua)
		sc_sip_ua_set_headset(s->ua, present);
	if (!present && s->p->audio.on_unplug == SC_UNPLUG_HANGUP && s->call.state != SC_SIP_UA_IDLE)
		end_call(s, SC_HISTORY_END_UNPLUGGED, "the headset was unplugged (audio.on_unplug: hangup)");
}

// ---- what the UA asks the core ----

static bool peer_up(void *arg, int family, const uint8_t *addr, char *why, size_t why_len)
{
	struct sc_call_service *s = arg;
	if (sc_vpn_address_is_up(s->vpn, family, addr))
		return true;
	const struct sc_peer *peer = sc_policy_peer_for_address(s->p, family, addr);
	snprintf(why, why_len, "%s", sc_vpn_is_up(s->vpn) ? "handshake stale" : "this site's tunnel is down");
	for (size_t i = 0; peer && sc_vpn_is_up(s->vpn) && i < sc_vpn_peer_count(s->vpn); i++) {
		struct sc_vpn_peer_status ps;
		if (sc_vpn_peer_status(s->vpn, i, &ps) == 0 && strcmp(ps.name, peer->name) == 0 &&
		    ps.reason[0])
			snprintf(why, why_len, "%s", ps.reason);
	}
	return false;
}

// Our address of record names the DNS name of our own certificate, which is how the other
// sites' directories know us (their TLS check compares the same name).
static int own_certificate_name(const char *path, char *out, size_t len)
{
	WOLFSSL_X509 *x = wolfSSL_X509_load_certificate_file(path, WOLFSSL_FILETYPE_PEM);
	if (!x)
		return -EINVAL;
	char *name = wolfSSL_X509_get_next_altname(x);
	int r = name && *name ? sc_strcpy(out, len, name) : -ENOENT;
	wolfSSL_X509_free(x);
	return r;
}

static int read_password(const struct sc_policy *p, uint8_t **pw, size_t *len)
{
	*pw = NULL;
	*len = 0;
	if (!p->sip.has_registrar)
		return 0;
	int r = sc_read_secret_file(p->sip.registrar.password_file, PASSWORD_MAX, pw, len);
	if (r < 0) {
		sc_err("sip: cannot read the registrar password %s: %s; it must be a file only its owner "
		       "can read (chmod 600)", p->sip.registrar.password_file, strerror(-r));
		return r;
	}
	// one line as written by an editor: the newline is not part of the password
	while (*len && ((*pw)[*len - 1] == '\n' || (*pw)[*len - 1] == '\r'))
		(*pw)[--*len] = 0;
	return 0;
}

int sc_call_service_start(struct sc_loop *loop, const struct sc_policy *p, struct sc_vpn *vpn,
			  struct sc_call_service **out)
{
	struct sc_call_service *s = calloc(1, sizeof(*s));
	uint8_t *pw = NULL;
	size_t pw_len = 0;
	char cert_name[SC_HOST_MAX + 1], uri[SC_URI_MAX];
	int r = -ENOMEM;
	*out = NULL;
	if (!s)
		goto fail;
	s->loop = loop;
	s->p = p;
	s->vpn = vpn;
	sc_call_init(&s->call, sc_loop_now_ms());
	open_history(s);
	r = sc_sip_tls_global_init();
	if (r < 0) {
		sc_err("sip: the TLS library did not initialise");
		goto fail;
	}
	s->tls_global = true;
	r = -ENOMEM;
	s->rng = sc_zrtp_system_rng_new();
	if (!s->rng) {
		sc_err("sip: no random number generator");
		goto fail;
	}
	r = own_certificate_name(p->sip.certificate, cert_name, sizeof(cert_name));
	if (r == 0)
		r = sc_sip_ua_local_uri(p, cert_name, uri, sizeof(uri));
	if (r < 0) {
		sc_err("sip: %s has no DNS subjectAltName to name this site by: reissue it with "
		       "sealcall provision", p->sip.certificate);
		goto fail;
	}
	r = read_password(p, &pw, &pw_len);
	struct sc_call_rtp_events rev = { .ctx = s, .event = on_media_event };
	if (r == 0)
		r = sc_call_rtp_new(p, sc_vpn_interface(vpn), s->rng, loop, &rev, &s->rtp);
	if (r == 0)
		r = sc_loop_timer_new(loop, on_end_timer, s, &s->end_timer);
	if (r == 0)
		r = sc_loop_timer_new(loop, on_verify_timer, s, &s->verify_timer);
	if (r == 0)
		r = sc_loop_timer_new(loop, on_tone_timer, s, &s->tone_timer);
	if (r == 0)
		r = sc_loop_timer_new(loop, on_watch_timer, s, &s->watch_timer);
	if (r < 0)
		goto fail;
	sc_loop_timer_arm(s->watch_timer, TUNNEL_WATCH_MS, TUNNEL_WATCH_MS);
	struct sc_sip_ua_config cfg = {
		.policy = p,
		.local_uri = uri,
		.user_agent = "sealcall/" SEALCALL_VERSION,
		.registrar_password = pw,
		.registrar_password_len = pw_len,
		.rng = sc_zrtp_system_rng,
		.rng_ctx = s->rng,
		.media = sc_call_rtp_ops(s->rtp),
		.env = { .ctx = s, .peer_up = peer_up },
	};
	r = sc_sip_ua_new(&cfg, &s->ua);
	if (r < 0) {
		sc_err("sip: cannot create the user agent: %s", strerror(-r));
		goto fail;
	}
	struct sc_headset_ops hops = { .ctx = s, .captured = hs_captured, .playout = hs_playout,
				       .ui_state = hs_ui_state, .button = hs_button,
				       .presence = hs_presence };
	r = sc_headset_new(loop, p, &hops, &s->headset);
	if (r < 0)
		goto fail;
	sc_sip_ua_set_headset(s->ua, sc_headset_present(s->headset));
	r = sc_loop_timer_new(loop, on_timer, s, &s->timer);
	if (r < 0)
		goto fail;
	struct sc_sip_tls_events ev = { .arg = s, .on_message = on_message, .on_closed = on_closed,
					.on_established = on_established };
	r = sc_sip_tls_new(loop, p, sc_vpn_interface(vpn), &ev, &s->tls);
	if (r < 0)
		goto fail;
	char addr[INET6_ADDRSTRLEN];
	inet_ntop(p->tunnel.address.family, p->tunnel.address.addr, addr, sizeof(addr));
	snprintf(s->sip_line, sizeof(s->sip_line), p->tunnel.address.family == AF_INET6
			 ? "listening on [%s]:%u (TLS, %s)" : "listening on %s:%u (TLS, %s)",
		 addr, p->sip.port, sc_vpn_interface(vpn));
	sc_notice("sip: %s as %s", s->sip_line, uri);
	sc_secret_free(pw, pw_len);
	sc_sip_ua_start(s->ua, sc_loop_now_ms());
	pump(s);
	*out = s;
	return 0;
fail:
	sc_secret_free(pw, pw_len);
	sc_call_service_stop(s);
	return r < 0 ? r : -EIO;
}

void sc_call_service_stop(struct sc_call_service *s)
{
	if (!s)
		return;
	if (s->ua && s->tls) {
		size_t before = s->sends;
		sample_call(s);
		sc_call_note_appliance_end(&s->call, SC_HISTORY_END_SHUTDOWN);
		sc_sip_ua_shutdown(s->ua, sc_loop_now_ms());
		pump(s);
		// The BYE or un-REGISTER is only queued on its connection: let the loop write it,
		// and take the answer that ends the call, before everything closes. A few rounds
		// at least, so that a queued message leaves even when the call is already over.
		uint64_t end = sc_loop_now_ms() + SHUTDOWN_FLUSH_MS;
		for (int i = 0; s->sends > before && i < 100 && sc_loop_now_ms() < end; i++) {
			bool settled = s->call.state == SC_SIP_UA_IDLE && i >= 4;
			if (settled)
				break;
			sc_loop_run_once(s->loop, 20);
		}
	}
	// a call whose end did not come back in time is still a call of the history
	sc_call_abandon(&s->call, sc_loop_now_ms(), "sealcalld stopped during the call");
	take_record(s);
	sc_history_free(&s->history);
	sc_headset_free(s->headset);
	s->headset = NULL;
	sc_sip_tls_free(s->tls);
	// no on_closed comes for connections the transport closed itself
	while (s->conns)
		ctx_remove(s, s->conns);
	sc_sip_ua_free(s->ua);
	sc_call_rtp_free(s->rtp);
	sc_loop_timer_free(s->timer);
	sc_loop_timer_free(s->end_timer);
	sc_loop_timer_free(s->verify_timer);
	sc_loop_timer_free(s->tone_timer);
	sc_loop_timer_free(s->watch_timer);
	if (s->rng)
		sc_zrtp_system_rng_free(s->rng);
	if (s->tls_global)
		sc_sip_tls_global_cleanup();
	free(s);
}

// unverify/forget on the daemon's own open cache: a change to the file would be undone by
// the next call's write (media/call_cache_cli.h).
static int cache_command(struct sc_call_service *s, const struct sc_control_request *req,
			 struct sc_outbuf *body, char *why, size_t len)
{
	struct sc_zrtp_cache *cache = sc_call_rtp_cache(s->rtp);
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	if (!cache) {
		snprintf(why, len, "the ZRTP cache is unusable (see the log)");
		return -EIO;
	}
	FILE *fo = open_memstream(&out, &out_len), *fe = open_memstream(&err, &err_len);
	int r = -ENOMEM;
	if (fo && fe) {
		char *argv[3] = { (char *)req->command, (char *)req->argv[0], NULL };
		int rc = sc_call_zrtp_cache_command(cache, 2, argv, fo, fe);
		r = rc == 0 ? 0 : -ENOENT;
	}
	if (fo)
		fclose(fo);
	if (fe)
		fclose(fe);
	if (r == 0) {
		// the body gets the tool's own answer; WHY stays empty so nothing is added
		sc_outbuf_printf(body, "%s", out ? out : "");
		why[0] = '\0';
		sc_notice("media: zrtp-cache %s %s (control)", req->command, req->argv[0]);
	} else {
		snprintf(why, len, "%.*s", err && err_len ? (int)strcspn(err, "\n") : 9,
			 err && err_len ? err : "no memory");
	}
	free(out);
	free(err);
	return r;
}

static int history_command(struct sc_call_service *s, const struct sc_control_request *req,
			   struct sc_outbuf *body, char *err, size_t errlen)
{
	bool json;
	size_t n;
	sc_control_history_args(req, &json, &n);
	int r = json ? sc_history_render_json(&s->history, n, body)
		     : sc_history_render_text(&s->history, n, body);
	if (r < 0)
		snprintf(err, errlen, "cannot show the history: %s", strerror(-r));
	return r;
}

int sc_call_service_command(struct sc_call_service *s, const struct sc_control_request *req,
			    struct sc_outbuf *body, char *err, size_t errlen)
{
	char why[SC_SIP_UA_REASON_MAX] = "";
	uint64_t now = sc_loop_now_ms();
	int r;
	if (req->op == SC_CONTROL_HISTORY)
		return history_command(s, req, body, err, errlen);
	sample_call(s);
	switch (req->op) {
	case SC_CONTROL_DTMF:
		r = send_dtmf(s, req->argv[0], why, sizeof(why));
		break;
	case SC_CONTROL_CALL:
		r = sc_sip_ua_call(s->ua, req->argv[0], now, why, sizeof(why));
		if (r < 0)
			sc_notice("call: refused to call '%s': %s", req->argv[0], why);
		break;
	case SC_CONTROL_ANSWER:
		r = sc_sip_ua_answer(s->ua, now, why, sizeof(why));
		break;
	case SC_CONTROL_HANGUP:
		sc_call_note_local_hangup(&s->call);
		r = sc_sip_ua_hangup(s->ua, now, why, sizeof(why));
		break;
	case SC_CONTROL_VERIFY:
		r = verify_live_call(s, why, sizeof(why));
		break;
	case SC_CONTROL_UNVERIFY:
	case SC_CONTROL_FORGET:
		r = cache_command(s, req, body, why, sizeof(why));
		break;
	case SC_CONTROL_MUTE:
		sc_headset_set_mute(s->headset, req->argc ? strcmp(req->argv[0], "on") == 0
							  : !sc_headset_muted(s->headset));
		snprintf(why, sizeof(why), "microphone %s", sc_headset_muted(s->headset) ? "muted" : "on");
		sc_notice("audio: %s (control)", why);
		r = 0;
		break;
	case SC_CONTROL_VOLUME:
		sc_headset_set_volume(s->headset, (uint32_t)atoi(req->argv[0]));
		snprintf(why, sizeof(why), "volume %u", sc_headset_volume(s->headset));
		sc_notice("audio: %s (control)", why);
		r = 0;
		break;
	default:
		snprintf(err, errlen, "%s is not a call command", req->command);
		return -EINVAL;
	}
	pump(s);
	if (r < 0) {
		snprintf(err, errlen, "%s", why);
		return r;
	}
	if (why[0])
		sc_outbuf_printf(body, "%s\n", why);
	return body->err;
}

void sc_call_service_status(struct sc_call_service *s, struct sc_call_status *out)
{
	sc_call_status_fill(&s->call, sc_loop_now_ms(), out);
	struct conn_ctx *x = s->call.flow ? ctx_by_flow(s, s->call.flow) : NULL;
	if (x) {
		out->tls_version = sc_sip_conn_tls_version(x->conn);
		out->tls_cipher = sc_sip_conn_cipher(x->conn);
	}
	struct sc_sip_ua_call_info info;
	sc_sip_ua_call_info(s->ua, &info);
	snprintf(s->codec, sizeof(s->codec), "%s", info.codec);
	out->codec = s->codec;
	out->sip = s->sip_line;
	struct sc_sip_ua_registration reg;
	sc_sip_ua_registration(s->ua, &reg);
	if (!reg.configured)
		s->reg_line[0] = '\0';
	else if (reg.registered)
		snprintf(s->reg_line, sizeof(s->reg_line), "registered at %s for %u s",
			 s->p->sip.registrar.uri, reg.expires);
	else
		snprintf(s->reg_line, sizeof(s->reg_line), "not registered: %s",
			 reg.reason[0] ? reg.reason : "registering");
	out->registration = s->reg_line;
	struct sc_call_media_stats ms;
	bool have_media = sc_call_rtp_stats(s->rtp, &ms);
	if (have_media) {
		snprintf(s->media_state, sizeof(s->media_state), "%s", sc_call_media_state_name(ms.state));
		out->media = s->media_state;
	}
	if (s->secure && *out->media) {
		static const char *const cache_names[] = { "new", "match", "mismatch" };
		const struct sc_call_media_security *sec = &s->security;
		out->secure = true;
		out->cipher = sc_zrtp_cipher_name(sec->cipher);
		out->key_agreement = sc_zrtp_ka_name(sec->key_agreement);
		out->hash = sc_zrtp_hash_name(sec->hash);
		out->auth_tag = sc_zrtp_auth_name(sec->auth_tag);
		out->sas_type = sc_zrtp_sas_name(sec->sas_type);
		out->sas = sec->sas;
		out->verified = s->verified;
		out->cache = cache_names[sec->cache <= SC_ZRTP_CACHE_MISMATCH ? sec->cache : 0];
	}
	out->have_dtmf = have_media && ms.secure;
	out->dtmf_negotiated = have_media && ms.telephone_event_pt >= 0;
	out->dtmf_sent = have_media ? ms.counters.dtmf_sent : 0;
	out->dtmf_received = have_media ? ms.counters.dtmf_received : 0;
	snprintf(s->dtmf_heard, sizeof(s->dtmf_heard), "%s", have_media ? ms.dtmf_heard : "");
	out->dtmf_heard = s->dtmf_heard;
	if (have_media && ms.secure && ms.state == SC_CALL_MEDIA_SECURE) {
		out->have_quality = true;
		out->loss_pct10 = ms.rx_loss_pct >= 0 ? (int64_t)(ms.rx_loss_pct * 10.0 + 0.5) : -1;
		out->jitter_ms10 = ms.jitter_ms >= 0 ? (int64_t)(ms.jitter_ms * 10.0 + 0.5) : -1;
		out->rtt_ms10 = ms.rtt_ms >= 0 ? (int64_t)(ms.rtt_ms * 10.0 + 0.5) : -1;
		out->jb_delay_ms = ms.jb_delay_ms;
		out->jb_target_ms = ms.jb_target_ms;
		out->lost = ms.rx_lost > 0 ? (uint64_t)ms.rx_lost : 0;
		out->late = ms.jitter.late;
		out->concealed = ms.counters.concealed_frames;
		out->gaps = ms.jitter.gaps;
		out->longest_gap_ms = ms.jitter.longest_gap_ms;
	}
	out->last_call = sc_history_newest(&s->history, 0);
	if (s->headset) {
		snprintf(s->headset_line, sizeof(s->headset_line), "%s", sc_headset_describe(s->headset));
		out->headset = s->headset_line;
		out->muted = sc_headset_muted(s->headset);
		out->volume = (int)sc_headset_volume(s->headset);
	}
}
