// SPDX-License-Identifier: GPL-3.0-or-later
// The SIP user agent of one appliance: one call at a time, offered and answered over TLS
// connections inside the tunnel, and the registration with a hub for sites that have one.
// A pure state machine on top of the transactions (txn.h) and dialogs (dialog.h): the core
// hands it framed messages received on a connection ("flow"), the time and the operator's
// commands; it queues bytes to send on a flow, connections to open, and events.
//
//   sc_sip_ua_new(cfg)             policy, our URI, the media seam, randomness
//   sc_sip_ua_start(now)           registration begins (when the policy has a registrar)
//   sc_sip_ua_flow_up(flow, info)  a TLS connection is established and authenticated
//   sc_sip_ua_flow_down(flow)      ... is gone
//   sc_sip_ua_connect_failed()     a connection the UA asked for could not be made
//   sc_sip_ua_receive(flow, msg)   one framed message from a flow
//   sc_sip_ua_tick(now)            at sc_sip_ua_next_deadline
//   sc_sip_ua_call/answer/hangup   the operator (or headset, or auto-answer)
// After each call drain sc_sip_ua_pop: SEND (bytes for a flow), CONNECT (open a connection
// to a site or the registrar, then report flow_up or connect_failed) and EVENT.
//
// What it refuses, and how (every refusal is logged with its reason):
//   sip: (or tel:) Request-URI                     416 (sealcall demands sips:)
//   From not the connection's verified identity    403 (sc_sip_identity_check_from)
//   a caller outside the directory                 403 unless rules.accept_unknown_callers
//   another call while one is active               486
//   no headset present (an input from the core)    480
//   a caller whose tunnel is stale (require_tunnel) 480
//   an offer or answer without a=zrtp-hash         488
//   a=crypto (SDES) unless media.allow_sdes        488
//   no common codec                                488
//   a re-INVITE that changes the keying            488; the call keeps its keys
//   the operator declines a ringing call           603
//   an outgoing call to a name outside the directory, or whose tunnel is stale: refused
//   locally by sc_sip_ua_call, with the reason, before any packet is sent.
#ifndef SC_SIP_UA_H
#define SC_SIP_UA_H

#include "policy/policy.h"
#include "sip/identity.h"
#include "sip/sdp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_SIP_UA_REASON_MAX 200
#define SC_SIP_UA_RING_TIMEOUT_MS 120000u // a call rings at most this long, either way
#define SC_SIP_UA_REGISTER_RETRY_MS 30000u // after a failed registration

// An established, authenticated connection as the transport describes it.
struct sc_sip_ua_flow {
	struct sc_sip_identity peer; // who proved to be at the other end
	int local_family;            // AF_INET or AF_INET6: this end, the tunnel address
	uint8_t local_addr[16];
	bool incoming;               // the peer connected to us
};

// Where the media runtime plugs in. PREPARE runs before our first SDP of a call (offer or
// answer): it binds the call's RTP port on the local address given (the tunnel address of
// the TLS connection) and creates its keying, which gives our a=zrtp-hash. START gets what
// the offer/answer settled (the peer's address, port, codec and a=zrtp-hash); a negative
// return refuses the SDP (488 or BYE). RELEASE ends the call's media; it is called once for
// every successful PREPARE.
struct sc_sip_ua_media_call {
	int family;               // AF_INET or AF_INET6
	const uint8_t *local_addr;
	bool outgoing;            // we offer (ZRTP role: caller)
	const char *peer;         // directory name of the far site, "" when unknown
};

struct sc_sip_ua_media_ops {
	void *ctx;
	int (*prepare)(void *ctx, const struct sc_sip_ua_media_call *call, uint16_t *rtp_port,
		       char *zrtp_hash, size_t zrtp_hash_len);
	int (*start)(void *ctx, const struct sc_sdp_result *result);
	void (*release)(void *ctx);
};

// Facts the core knows and the UA asks for.
struct sc_sip_ua_env_ops {
	void *ctx;
	// The tunnel to the peer whose allowed IPs hold ADDR is up; when not, WHY says why.
	bool (*peer_up)(void *ctx, int family, const uint8_t *addr, char *why, size_t why_len);
};

typedef int (*sc_sip_ua_rng_fn)(void *ctx, uint8_t *buf, size_t len);

struct sc_sip_ua_config {
	const struct sc_policy *policy; // must outlive the UA
	// The From of our calls: sc_sip_ua_local_uri.
	const char *local_uri;
	const char *user_agent;         // "sealcall/0.1.0"
	// The registrar's password (copied; wiped when the UA is freed). Unused without one.
	const uint8_t *registrar_password;
	size_t registrar_password_len;
	sc_sip_ua_rng_fn rng;
	void *rng_ctx;
	struct sc_sip_ua_media_ops media;
	struct sc_sip_ua_env_ops env;
	uint32_t t1_ms;                 // 0: SC_SIP_T1_MS
	uint32_t ring_timeout_ms;       // 0: SC_SIP_UA_RING_TIMEOUT_MS
};

enum sc_sip_ua_call_state {
	SC_SIP_UA_IDLE,
	SC_SIP_UA_CALLING,     // outgoing: connecting, INVITE sent, or 100 Trying heard
	SC_SIP_UA_RINGING_OUT, // outgoing: the far end rings (180/183)
	SC_SIP_UA_RINGING_IN,  // incoming: we ring, answer or hangup (decline) decides
	SC_SIP_UA_IN_CALL,
	SC_SIP_UA_ENDING,      // BYE or CANCEL sent, waiting for its answer
};

enum sc_sip_ua_event_type {
	SC_SIP_UA_EV_STATE,        // the call state changed; see state, peer, reason
	SC_SIP_UA_EV_REFUSED,      // a request was refused (code, reason): already logged
	SC_SIP_UA_EV_REGISTERED,   // expires = what the registrar granted
	SC_SIP_UA_EV_REGISTRATION_FAILED, // reason; retried after SC_SIP_UA_REGISTER_RETRY_MS
};

struct sc_sip_ua_event {
	enum sc_sip_ua_event_type type;
	enum sc_sip_ua_call_state state, previous;
	bool outgoing;
	uint64_t flow;                   // the call's connection (0 before there is one)
	char peer[SC_NAME_MAX + 1];      // directory name, "" for an unknown caller
	char peer_uri[SC_URI_MAX];
	unsigned code;                   // SIP status behind a refusal or an end, 0 if none
	char reason[SC_SIP_UA_REASON_MAX];
	uint32_t expires;
};

enum sc_sip_ua_action_type { SC_SIP_UA_SEND, SC_SIP_UA_CONNECT, SC_SIP_UA_EVENT };

struct sc_sip_ua_action {
	enum sc_sip_ua_action_type type;
	uint64_t flow;                           // SEND
	const char *data;                        // SEND: valid until the next UA call
	size_t len;
	const struct sc_directory_entry *site;   // CONNECT: this site (NULL: the registrar)
	struct sc_sip_ua_event event;            // EVENT
};

struct sc_sip_ua;

// 0, -EINVAL (missing policy, URI, rng or media ops), -ENOMEM.
int sc_sip_ua_new(const struct sc_sip_ua_config *cfg, struct sc_sip_ua **out);
// Wipes the password and frees; releases the media of a live call. Safe with NULL.
void sc_sip_ua_free(struct sc_sip_ua *ua);

// The From of our calls, "sips:SITE@CERT_NAME" (CERT_NAME: the DNS name of our own TLS
// certificate), which is our URI in the other sites' directories, with or without a hub: a
// call relayed by the hub is still checked against the directory. (REGISTER names
// "sips:USERNAME@REGISTRAR-HOST", the name at the registrar.) -EINVAL without CERT_NAME,
// -ENOBUFS when it does not fit.
int sc_sip_ua_local_uri(const struct sc_policy *p, const char *cert_name, char *out, size_t len);

int sc_sip_ua_start(struct sc_sip_ua *ua, uint64_t now);
// Ends a live call (BYE, CANCEL or 603 as its state needs) and removes the registration
// (Expires: 0), queueing what must be sent; the caller sends it before closing.
void sc_sip_ua_shutdown(struct sc_sip_ua *ua, uint64_t now);

void sc_sip_ua_flow_up(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_ua_flow *info,
		       uint64_t now);
void sc_sip_ua_flow_down(struct sc_sip_ua *ua, uint64_t flow, const char *why, uint64_t now);
// SITE as in the CONNECT action (NULL: the registrar).
void sc_sip_ua_connect_failed(struct sc_sip_ua *ua, const struct sc_directory_entry *site,
			      const char *why, uint64_t now);

// One framed message received on FLOW (unparsed). Malformed requests get 400/513.
void sc_sip_ua_receive(struct sc_sip_ua *ua, uint64_t flow, const char *data, size_t len,
		       uint64_t now);

void sc_sip_ua_tick(struct sc_sip_ua *ua, uint64_t now);
bool sc_sip_ua_next_deadline(const struct sc_sip_ua *ua, uint64_t *when);

// Whether a headset is plugged in: without one, calls are refused (480 for incoming).
void sc_sip_ua_set_headset(struct sc_sip_ua *ua, bool present);

// Calls DEST: a directory name ("lyon") or the sips: URI of a directory entry. Returns 0
// (the call is placed: watch the events), or refuses without sending anything: -EBUSY
// (a call is active), -ENOENT (not in the directory), -EPROTONOSUPPORT (sip: or another
// scheme), -EHOSTUNREACH (outside every peer's allowed IPs), -ENETDOWN (tunnel to the peer
// stale), -ENODEV (no headset). WHY says which, for the operator.
int sc_sip_ua_call(struct sc_sip_ua *ua, const char *dest, uint64_t now, char *why, size_t why_len);
// Answers the ringing call: -ENOENT when nothing rings.
int sc_sip_ua_answer(struct sc_sip_ua *ua, uint64_t now, char *why, size_t why_len);
// Hangs up, cancels or declines (603), whatever the state: -ENOENT when idle.
int sc_sip_ua_hangup(struct sc_sip_ua *ua, uint64_t now, char *why, size_t why_len);

// The next action: true and *A, or false when the queue is empty. A's data stays valid until
// the next call into the UA other than sc_sip_ua_pop.
bool sc_sip_ua_pop(struct sc_sip_ua *ua, struct sc_sip_ua_action *a);

// The call as it stands, for status.
struct sc_sip_ua_call_info {
	enum sc_sip_ua_call_state state;
	bool outgoing;
	uint64_t flow;
	char peer[SC_NAME_MAX + 1];
	char peer_uri[SC_URI_MAX];
	uint64_t state_since;  // when the current state began (the inputs' clock)
	uint64_t connected_at; // when it became in-call, 0 if never
	char codec[32];        // "PCMU" once negotiated
};
void sc_sip_ua_call_info(const struct sc_sip_ua *ua, struct sc_sip_ua_call_info *out);

struct sc_sip_ua_registration {
	bool configured;
	bool registered;
	uint32_t expires;       // granted
	uint64_t refresh_at;
	char reason[SC_SIP_UA_REASON_MAX]; // of the last failure
};
void sc_sip_ua_registration(const struct sc_sip_ua *ua, struct sc_sip_ua_registration *out);

const char *sc_sip_ua_state_name(enum sc_sip_ua_call_state s); // "idle", "ringing-in", ...

#endif
