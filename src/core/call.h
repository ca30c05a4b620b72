// SPDX-License-Identifier: GPL-3.0-or-later
// The call as the operator sees it: its state, the peer, the direction, how long it has
// lasted, and why the last one ended. Fed the UA's state events; pure: the caller gives the
// time and logs the line each transition returns.
//
//   idle -> calling -> ringing-out -> in-call -> ending -> idle     (we call)
//   idle -> ringing-in -> in-call -> ending -> idle                 (we are called)
//   any -> idle                                  (refused, cancelled, declined, lost)
#ifndef SC_CORE_CALL_H
#define SC_CORE_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "sip/ua.h"

struct sc_call {
	enum sc_sip_ua_call_state state;
	bool outgoing;
	char peer[SC_NAME_MAX + 1];
	char peer_uri[SC_URI_MAX];
	uint64_t flow;          // the call's SIP connection, 0 before there is one
	uint64_t since_ms;      // when the current state began
	uint64_t connected_ms;  // when it became in-call; 0 when it never did
	char last_end[SC_SIP_UA_REASON_MAX]; // why the last call ended ("" before the first)
	unsigned last_code;     // the SIP status behind it, 0 when none
	uint64_t calls;         // calls that ended, since start
};

void sc_call_init(struct sc_call *c, uint64_t now_ms);
const char *sc_call_state_name(enum sc_sip_ua_call_state s);

// Applies a UA event (only SC_SIP_UA_EV_STATE changes anything). Returns true and LINE, to
// log once, when the state changed: "call: ringing-in -> in-call (lyon): answered ...".
bool sc_call_apply(struct sc_call *c, const struct sc_sip_ua_event *ev, uint64_t now_ms,
		   char *line, size_t line_len);

// rules.auto_answer: a call that starts ringing in is answered by the appliance itself.
bool sc_call_wants_auto_answer(const struct sc_rules *rules, const struct sc_sip_ua_event *ev);

// What `sealcall status` shows of calls and signaling. Strings are never NULL.
struct sc_call_status {
	const char *state;        // "idle", "calling", "ringing-in", ...
	const char *peer;         // directory name, else the caller's URI; "" when idle
	const char *direction;    // "outgoing", "incoming"; "" when idle
	int64_t duration_s;       // seconds in call; -1 when not in a call
	const char *tls_version;  // of the call's connection ("TLSv1.3"); "" when none
	const char *tls_cipher;   // "TLS13-AES128-GCM-SHA256"; "" when none
	const char *codec;        // "PCMU"; "" before the offer/answer settled
	const char *last_end;     // why the last call ended; "" when none yet
	const char *sip;          // "listening on 10.77.0.1:5061", or why not
	const char *registration; // "" without a registrar; "registered for 600 s", "failed: ..."
	// The call's media and what ZRTP agreed; "" (and false) while there is none.
	const char *media;        // "keying", "secure", "failed", "ended"
	bool secure;
	const char *cipher;       // "AES1"
	const char *key_agreement; // "X255"
	const char *hash;         // "S256"
	const char *auth_tag;     // "HS80"
	const char *sas_type;     // "B32"
	const char *sas;
	bool verified;
	const char *cache;        // "new", "match", "mismatch"
	const char *headset;      // "vheadset (48000 Hz)", or "absent: why"; "" when not known
	bool muted;
	int volume;               // -1 when not known
};

// Fills the state, peer, direction and duration from C at NOW_MS; the caller adds the
// connection's TLS details, the codec and the SIP lines.
void sc_call_status_fill(const struct sc_call *c, uint64_t now_ms, struct sc_call_status *out);

#endif
