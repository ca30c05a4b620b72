// SPDX-License-Identifier: GPL-3.0-or-later
// SIP transactions (RFC 3261 §17, with the RFC 6026 "Accepted" states) for a reliable
// transport: INVITE and non-INVITE, client and server, as pure state machines. Inputs are
// messages, TU actions and the current time (milliseconds from any monotonic origin);
// outputs are actions: bytes to send on a flow, and events for the transaction user.
//
// Over TLS nothing is retransmitted by the transaction layer, so of §17's timers only
// these remain: B and F (64*T1, no final response), H (64*T1, no ACK for a non-2xx final),
// L and M (64*T1, RFC 6026: absorb INVITE and 2xx retransmissions after a 2xx); D, I, J
// and K are zero, so those transactions end at once.
#ifndef SC_SIP_TXN_H
#define SC_SIP_TXN_H

#include "sip/msg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_SIP_T1_MS 500
#define SC_SIP_TXN_OUT_MAX 16

enum sc_sip_txn_kind { SC_SIP_TXN_ICT, SC_SIP_TXN_NICT, SC_SIP_TXN_IST, SC_SIP_TXN_NIST };

enum sc_sip_txn_state {
	SC_SIP_TXN_CALLING,    // ICT: request sent, nothing heard
	SC_SIP_TXN_TRYING,     // NICT: request sent; NIST: request received, no response yet
	SC_SIP_TXN_PROCEEDING, // provisional response seen or sent
	SC_SIP_TXN_ACCEPTED,   // INVITE with a 2xx (RFC 6026)
	SC_SIP_TXN_COMPLETED,  // IST: non-2xx final sent, waiting for the ACK
	SC_SIP_TXN_CONFIRMED,  // IST: ACK received (Timer I = 0: ends at once)
	SC_SIP_TXN_TERMINATED, // also the answer for an unknown id
};

enum sc_sip_txn_action_kind {
	SC_SIP_ACT_SEND,            // send data/len on flow (valid until the next call)
	SC_SIP_ACT_NEW_REQUEST,     // a request opened server transaction txn; answer it with
				    // sc_sip_txn_respond. For CANCEL, cancel_target is the
				    // INVITE server transaction it cancels (0: none, answer 481)
	SC_SIP_ACT_ACK,             // an ACK for a 2xx: it belongs to the dialog, not to us
	SC_SIP_ACT_RESPONSE,        // a response for client transaction txn
	SC_SIP_ACT_STRAY_RESPONSE,  // a response matching no transaction (2xx to the dialog,
				    // anything else dropped)
	SC_SIP_ACT_TIMEOUT,         // Timer B or F (no final response) or H (no ACK) fired
	SC_SIP_ACT_TRANSPORT_ERROR, // the flow failed while the transaction needed it
	SC_SIP_ACT_ENDED,           // txn is gone; its id will never be reused
};

struct sc_sip_txn_action {
	enum sc_sip_txn_action_kind kind;
	uint32_t txn;
	uint64_t flow;
	uint32_t cancel_target;
	const struct sc_sip_msg *msg; // the received message (NEW_REQUEST, ACK, RESPONSE, STRAY)
	const char *data;             // SEND
	size_t len;
};

struct sc_sip_txn_out {
	struct sc_sip_txn_action a[SC_SIP_TXN_OUT_MAX];
	size_t n;
};

struct sc_sip_txn_table;

// CAPACITY: transactions alive at once (requests beyond it get -ENOSPC: answer 503).
struct sc_sip_txn_table *sc_sip_txn_table_new(size_t capacity, uint32_t t1_ms);
void sc_sip_txn_table_free(struct sc_sip_txn_table *t);

// Each call below first forgets the transactions that ended during the previous call, then
// appends its actions to OUT (which the caller empties: out->n = 0).

// Starts a client transaction for the complete request DATA (its top Via must carry an
// RFC 3261 branch; ACK is not a transaction). Emits the SEND. Returns 0 with *id, -EINVAL
// for a request that does not parse or lacks the branch, -EEXIST when the branch is in use,
// -ENOSPC when the table is full, -ENOMEM.
int sc_sip_txn_client_start(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
			    const char *data, size_t len, uint32_t *id, struct sc_sip_txn_out *out);

// A message parsed from FLOW. Returns 0; for a request: -EPROTO when its top Via has no
// RFC 3261 branch (answer 400 statelessly), -ENOSPC when the table is full (answer 503).
int sc_sip_txn_receive(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
		       const struct sc_sip_msg *msg, struct sc_sip_txn_out *out);

// The TU's response DATA for server transaction ID. -ENOENT for an unknown or ended
// transaction, -EINVAL for a response that does not parse or is not allowed in its state.
int sc_sip_txn_respond(struct sc_sip_txn_table *t, uint64_t now, uint32_t id, const char *data,
		       size_t len, struct sc_sip_txn_out *out);

// The connection carrying FLOW failed: every live transaction on it reports a transport
// error and ends. Stops early when OUT is nearly full: call again until it adds nothing.
void sc_sip_txn_flow_failed(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
			    struct sc_sip_txn_out *out);

// Fires the timers due at NOW. Stops early when OUT is nearly full: call again while
// sc_sip_txn_next_deadline says a deadline is <= now.
void sc_sip_txn_tick(struct sc_sip_txn_table *t, uint64_t now, struct sc_sip_txn_out *out);
// The earliest pending timer; false when none.
bool sc_sip_txn_next_deadline(const struct sc_sip_txn_table *t, uint64_t *when);

enum sc_sip_txn_state sc_sip_txn_state(const struct sc_sip_txn_table *t, uint32_t id);
size_t sc_sip_txn_count(const struct sc_sip_txn_table *t);

#endif
