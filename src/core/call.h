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

#include "core/history.h"
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
	// The live call's record for the history, finished when the call ends.
	struct sc_history_entry rec;
	uint64_t invite_ms;     // our INVITE left (outgoing) or theirs arrived (incoming); 0 unknown
	uint64_t ack_ms;        // the ACK of our 200 arrived (incoming); 0 before
	uint64_t secure_ms;     // SRTP keyed; 0 before
	bool local_hangup;      // this site hung up, cancelled or declined
	bool flow_lost;         // the call's TLS connection broke
	int appliance_end;      // the enum sc_history_end the appliance ended the call with; -1
	bool record_ready;      // REC holds a finished call: take it with sc_call_take_record
};

void sc_call_init(struct sc_call *c, uint64_t now_ms);
const char *sc_call_state_name(enum sc_sip_ua_call_state s);

// Applies a UA event (only SC_SIP_UA_EV_STATE changes anything). Returns true and LINE, to
// log once, when the state changed: "call: ringing-in -> in-call (lyon): answered ...".
// WALL_S (UTC seconds) dates a call that begins. When the call ends, its history record is
// finished: who ended it and how, from the notes below and the event's code and reason.
bool sc_call_apply(struct sc_call *c, const struct sc_sip_ua_event *ev, uint64_t now_ms,
		   int64_t wall_s, char *line, size_t line_len);

// What the service sees besides the UA's state events, for the history record. Each is
// ignored when it does not apply to the call as it stands.
void sc_call_note_invite_sent(struct sc_call *c, uint64_t now_ms); // outgoing, first INVITE
void sc_call_note_ack(struct sc_call *c, uint64_t now_ms);         // incoming, in call
void sc_call_note_local_hangup(struct sc_call *c);                 // operator or button
void sc_call_note_appliance_end(struct sc_call *c, enum sc_history_end why);
void sc_call_note_flow_lost(struct sc_call *c);
void sc_call_note_codec(struct sc_call *c, const char *codec);
// ZRTP keyed the call; the names as ZRTP spells them ("AES1", "X255"...).
struct sc_call_security_names {
	const char *cipher, *key_agreement, *hash, *auth_tag, *sas_type, *cache;
	bool verified;
};
void sc_call_note_secure(struct sc_call *c, const struct sc_call_security_names *sec,
			 uint64_t now_ms);
void sc_call_note_verified(struct sc_call *c);
// The latest quality figures while audio flows (the last ones before the end are kept).
struct sc_call_quality {
	double loss_pct, jitter_ms, rtt_ms; // rtt_ms < 0: not measured yet
	uint32_t jb_delay_ms;
	int64_t lost;
	uint64_t late;
};
void sc_call_note_quality(struct sc_call *c, const struct sc_call_quality *q);
// The call goes away without its final event (sealcalld stops): finish its record now.
void sc_call_abandon(struct sc_call *c, uint64_t now_ms, const char *reason);
// True once, with the finished record of the call that ended.
bool sc_call_take_record(struct sc_call *c, struct sc_history_entry *out);
// An incoming INVITE refused before it became a call (busy, unknown caller...).
void sc_call_refused_record(int64_t wall_s, const char *peer, unsigned code, const char *reason,
			    struct sc_history_entry *out);

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
	// Quality while the call's audio flows (RTCP and the jitter buffer); figures in tenths.
	bool have_quality;
	int64_t loss_pct10;       // of the far site's packets
	int64_t jitter_ms10;
	int64_t rtt_ms10;         // -1 until a report of ours has been answered
	int64_t jb_delay_ms, jb_target_ms;
	uint64_t lost, late, concealed;
	uint64_t gaps;            // arrivals that stopped longer than the jitter buffer hides
	uint32_t longest_gap_ms;
	const struct sc_history_entry *last_call; // the newest call of the history, or NULL
	// DTMF (RFC 4733) while the call's media runs; set by the call service, not by
	// sc_call_status_fill. DTMF_HEARD: the last digits received, oldest first.
	bool have_dtmf;
	bool dtmf_negotiated;     // the far end agreed telephone-event: DTMF can be sent
	uint64_t dtmf_sent, dtmf_received;
	const char *dtmf_heard;
};

// Fills the state, peer, direction and duration from C at NOW_MS; the caller adds the
// connection's TLS details, the codec and the SIP lines.
void sc_call_status_fill(const struct sc_call *c, uint64_t now_ms, struct sc_call_status *out);

#endif
