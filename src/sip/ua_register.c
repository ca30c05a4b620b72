// SPDX-License-Identifier: GPL-3.0-or-later
// Registration with the hub (RFC 3261 §10) for sites that have a registrar: REGISTER over
// the registrar's TLS connection, Digest authentication (MD5 or SHA-256, whichever is the
// strongest offered), a refresh at 80 % of the granted time, retries after failures.
#include "sip/ua_internal.h"

#include "base/log.h"
#include "base/secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECONNECT_MS 2000u // after the registrar's connection dropped

int ua_auth_header(struct sc_sip_ua *ua, const struct sc_sip_digest_challenge *ch, bool proxy,
		   const char *method, const char *uri, uint32_t nc, struct sc_sip_writer *w)
{
	char cnonce[33], value[1024];
	int r = ua_random_hex(ua, cnonce, 16);
	if (r < 0)
		return r;
	r = sc_sip_digest_authorization(ch, ua->policy->sip.registrar.username, ua->password,
					ua->password_len, method, uri, cnonce, nc, value, sizeof(value));
	if (r < 0) {
		sc_warn("sip: cannot compute the Digest answer for the registrar: %s", strerror(-r));
		return r;
	}
	sc_sip_write_header(w, proxy ? "Proxy-Authorization" : "Authorization", "%s", value);
	sc_wipe(value, sizeof(value));
	return 0;
}

static void reg_failed(struct sc_sip_ua *ua, const char *why)
{
	struct ua_reg *g = &ua->reg;
	g->registered = false;
	g->phase = g->phase == REG_OFF ? REG_OFF : REG_IDLE;
	g->due = g->phase == REG_OFF ? 0 : ua->now + SC_SIP_UA_REGISTER_RETRY_MS;
	ua_say(g->reason, sizeof(g->reason), "%s", why);
	sc_warn("sip: registration at %s failed: %s; retrying in %u s", ua->policy->sip.registrar.uri,
		why, SC_SIP_UA_REGISTER_RETRY_MS / 1000u);
	struct sc_sip_ua_event ev = { .type = SC_SIP_UA_EV_REGISTRATION_FAILED };
	ua_say(ev.reason, sizeof(ev.reason), "%s", why);
	ua_queue_event(ua, &ev);
}

static int send_register(struct sc_sip_ua *ua, uint32_t expires)
{
	struct ua_reg *g = &ua->reg;
	const struct sc_registrar *rg = &ua->policy->sip.registrar;
	struct ua_flow *f = g->has_flow ? ua_find_flow(ua, g->flow) : NULL;
	char branch[UA_ID_MAX], buf[UA_MSG_MAX];
	if (!f || ua_new_branch(ua, branch, sizeof(branch)) < 0)
		return -ENOTCONN;
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, sizeof(buf));
	sc_sip_write_request_line(&w, "REGISTER", rg->uri);
	sc_sip_write_header(&w, "Via", "SIP/2.0/TLS %s;branch=%s", f->hostport, branch);
	sc_sip_write_header(&w, "Max-Forwards", "70");
	sc_sip_write_header(&w, "From", "<%s>;tag=%s", ua->reg_aor, g->tag);
	sc_sip_write_header(&w, "To", "<%s>", ua->reg_aor);
	sc_sip_write_header(&w, "Call-ID", "%s", g->call_id);
	sc_sip_write_header(&w, "CSeq", "%u REGISTER", ++g->cseq);
	sc_sip_write_header(&w, "Contact", "<sips:%s@%s>", ua->contact_user, f->hostport);
	sc_sip_write_header(&w, "Expires", "%u", expires);
	sc_sip_write_header(&w, "User-Agent", "%s", ua->user_agent);
	if (g->has_challenge)
		ua_auth_header(ua, &g->challenge, g->proxy_challenge, "REGISTER", rg->uri, ++g->nc, &w);
	int n = sc_sip_write_end(&w, NULL, NULL, 0);
	int r = n < 0 ? n : ua_send_request(ua, g->flow, buf, (size_t)n, &g->txn);
	sc_wipe(buf, sizeof(buf));
	if (r == 0)
		g->phase = REG_SENT;
	return r;
}

static void reg_begin(struct sc_sip_ua *ua)
{
	struct ua_reg *g = &ua->reg;
	struct ua_flow *f = ua_flow_to(ua, NULL);
	if (!f) {
		g->has_flow = false;
		g->phase = REG_WAIT_FLOW;
		ua_queue_connect(ua, NULL);
		return;
	}
	g->has_flow = true;
	g->flow = f->id;
	int r = send_register(ua, g->requested);
	if (r < 0) {
		char why[96];
		ua_say(why, sizeof(why), "cannot send REGISTER: %s", strerror(-r));
		reg_failed(ua, why);
	}
}

void ua_reg_start(struct sc_sip_ua *ua)
{
	struct ua_reg *g = &ua->reg;
	if (!g->configured || g->phase != REG_OFF || g->unregistering)
		return;
	char id[33];
	if (ua_random_hex(ua, id, 16) < 0 || ua_random_hex(ua, g->tag, 8) < 0) {
		reg_failed(ua, "no randomness for the Call-ID");
		return;
	}
	ua_say(g->call_id, sizeof(g->call_id), "%s@%s", id, ua->policy->site_name);
	g->requested = ua->policy->sip.registrar.expires_s;
	reg_begin(ua);
}

void ua_reg_flow_up(struct sc_sip_ua *ua, struct ua_flow *f)
{
	struct ua_reg *g = &ua->reg;
	if (g->phase == REG_WAIT_FLOW && f->info.peer.kind == SC_SIP_PEER_REGISTRAR)
		reg_begin(ua);
}

void ua_reg_flow_down(struct sc_sip_ua *ua, uint64_t flow, const char *why)
{
	struct ua_reg *g = &ua->reg;
	if (!g->has_flow || g->flow != flow)
		return;
	g->has_flow = false;
	if (g->phase == REG_OFF)
		return;
	if (g->registered)
		sc_warn("sip: the connection to the registrar was lost (%s): registering again", why);
	g->registered = false;
	g->phase = REG_IDLE;
	g->due = ua->now + RECONNECT_MS;
	ua_say(g->reason, sizeof(g->reason), "connection lost: %s", why);
}

void ua_reg_connect_failed(struct sc_sip_ua *ua, const char *why)
{
	char reason[SC_SIP_UA_REASON_MAX];
	if (ua->reg.phase != REG_WAIT_FLOW)
		return;
	ua_say(reason, sizeof(reason), "cannot reach the registrar over TLS: %s", why);
	reg_failed(ua, reason);
}

// What the registrar granted our Contact: its expires parameter, else Expires, else what we
// asked for (§10.2.4).
static uint32_t granted_expires(const struct sc_sip_ua *ua, const struct sc_sip_msg *m)
{
	struct ua_flow *f = ua->reg.has_flow ? ua_find_flow((struct sc_sip_ua *)ua, ua->reg.flow) : NULL;
	for (const struct sc_sip_header *h = NULL; f && (h = sc_sip_msg_find(m, SC_SIP_HDR_CONTACT, h));) {
		struct sc_sip_str rest = h->value, v, val;
		while (sc_sip_next_value(&rest, &v)) {
			struct sc_sip_nameaddr na;
			uint64_t secs;
			if (sc_sip_nameaddr_parse(v, true, &na) < 0 || na.star ||
			    !sc_sip_str_eq(na.uri.user, ua->contact_user) ||
			    !sc_sip_str_caseeq(na.uri.host, f->ip) || na.uri.port != ua->policy->sip.port)
				continue;
			if (sc_sip_param_get(na.params, "expires", &val) && val.p &&
			    sc_sip_parse_uint(val, UINT32_MAX, &secs))
				return (uint32_t)secs;
		}
	}
	if (m->expires >= 0 && m->expires <= UINT32_MAX)
		return (uint32_t)m->expires;
	return ua->reg.requested;
}

static void registered(struct sc_sip_ua *ua, const struct sc_sip_msg *m)
{
	struct ua_reg *g = &ua->reg;
	if (g->unregistering) {
		g->registered = false;
		g->phase = REG_OFF;
		sc_info("sip: registration at %s removed", ua->policy->sip.registrar.uri);
		return;
	}
	uint32_t granted = granted_expires(ua, m);
	if (granted == 0) {
		reg_failed(ua, "the registrar granted 0 s");
		return;
	}
	if (!g->registered || granted != g->granted)
		sc_notice("sip: registered at %s as %s for %u s", ua->policy->sip.registrar.uri,
			  ua->reg_aor, granted);
	g->registered = true;
	g->granted = granted;
	g->rejected_in_row = 0;
	g->phase = REG_IDLE;
	g->due = ua->now + (uint64_t)granted * 800u; // 80 % of it, in milliseconds
	g->reason[0] = '\0';
	struct sc_sip_ua_event ev = { .type = SC_SIP_UA_EV_REGISTERED, .expires = granted };
	ua_queue_event(ua, &ev);
}

static void challenged(struct sc_sip_ua *ua, const struct sc_sip_msg *m)
{
	struct ua_reg *g = &ua->reg;
	struct sc_sip_digest_challenge ch;
	if (!ua->password) {
		reg_failed(ua, "the registrar asks for a password and none was read "
			       "(sip.registrar.password_file)");
		return;
	}
	if (sc_sip_digest_pick(m, &ch) < 0) {
		reg_failed(ua, "the registrar's challenge offers no Digest algorithm sealcall accepts "
			       "(MD5 or SHA-256 with qop=auth)");
		return;
	}
	if (g->rejected_in_row >= 1 && !ch.stale) {
		char why[SC_SIP_UA_REASON_MAX];
		ua_say(why, sizeof(why), "the registrar refused the credentials of %s (check "
			 "sip.registrar.username and password_file)", ua->policy->sip.registrar.username);
		sc_wipe(&ch, sizeof(ch));
		g->has_challenge = false;
		reg_failed(ua, why);
		return;
	}
	g->rejected_in_row++;
	g->challenge = ch;
	g->has_challenge = true;
	g->proxy_challenge = m->status == 407;
	g->nc = 0;
	sc_wipe(&ch, sizeof(ch));
	if (send_register(ua, g->unregistering ? 0 : g->requested) < 0)
		reg_failed(ua, "cannot send REGISTER");
}

bool ua_reg_response(struct sc_sip_ua *ua, uint32_t txn, const struct sc_sip_msg *m)
{
	struct ua_reg *g = &ua->reg;
	char text[SC_SIP_UA_REASON_MAX], reason[96] = "";
	if (!g->configured || txn == 0 || txn != g->txn)
		return false;
	if (m->status < 200)
		return true;
	g->txn = 0;
	if (m->status < 300) {
		registered(ua, m);
		return true;
	}
	if (m->status == 401 || m->status == 407) {
		challenged(ua, m);
		return true;
	}
	const struct sc_sip_header *min = sc_sip_msg_find(m, SC_SIP_HDR_MIN_EXPIRES, NULL);
	uint64_t secs;
	if (m->status == 423 && min && sc_sip_parse_uint(sc_sip_trim(min->value), 86400, &secs) &&
	    secs > g->requested) {
		g->requested = (uint32_t)secs;
		if (send_register(ua, g->requested) < 0)
			reg_failed(ua, "cannot send REGISTER");
		return true;
	}
	sc_sip_str_copy(m->reason, reason, sizeof(reason));
	ua_say(text, sizeof(text), "the registrar answered %u %s", m->status, reason);
	if (g->unregistering)
		g->phase = REG_OFF;
	reg_failed(ua, text);
	return true;
}

bool ua_reg_txn_failed(struct sc_sip_ua *ua, uint32_t txn, const char *why)
{
	struct ua_reg *g = &ua->reg;
	char text[SC_SIP_UA_REASON_MAX];
	if (!g->configured || txn == 0 || txn != g->txn)
		return false;
	g->txn = 0;
	ua_say(text, sizeof(text), "no answer to REGISTER (%s)", why);
	reg_failed(ua, text);
	return true;
}

void ua_reg_tick(struct sc_sip_ua *ua, uint64_t now)
{
	struct ua_reg *g = &ua->reg;
	if (g->phase != REG_IDLE || !g->due || g->due > now)
		return;
	g->due = 0;
	reg_begin(ua);
}

void ua_reg_shutdown(struct sc_sip_ua *ua)
{
	struct ua_reg *g = &ua->reg;
	if (!g->configured)
		return;
	bool was = g->registered && g->has_flow;
	g->phase = REG_OFF;
	g->due = 0;
	if (was) {
		g->unregistering = true;
		if (send_register(ua, 0) < 0)
			sc_info("sip: could not remove the registration: it expires by itself");
		g->phase = REG_OFF;
	}
	g->registered = false;
}
