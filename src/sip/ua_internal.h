// SPDX-License-Identifier: GPL-3.0-or-later
// Shared between the UA's files (ua.c: queue, flows, dispatch; ua_call.c: the call;
// ua_register.c: the registration; ua_msg.c: building messages). Not a public header.
#ifndef SC_SIP_UA_INTERNAL_H
#define SC_SIP_UA_INTERNAL_H

#include "sip/dialog.h"
#include "sip/digest.h"
#include "sip/txn.h"
#include "sip/ua.h"
#include "sip/writer.h"

#define UA_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS"
#define UA_TXN_CAPACITY 64
#define UA_MSG_MAX 8192          // headers of a message we build (bodies come on top)
#define UA_HOSTPORT_MAX 64       // "10.77.0.1:5061", "[fd00::1]:5061"
#define UA_ID_MAX 96             // Call-ID, tags, branches

struct ua_flow {
	uint64_t id;
	struct sc_sip_ua_flow info;
	char ip[48];                   // our address, as SDP writes it (no brackets)
	char hostport[UA_HOSTPORT_MAX]; // our address and SIP port, for Via and Contact
};

struct ua_item {
	struct sc_sip_ua_action a;
	char *data; // owned copy for SEND
};

struct ua_call {
	enum sc_sip_ua_call_state state;
	bool outgoing;
	uint64_t state_since, connected_at;
	const struct sc_directory_entry *entry; // the far site; NULL for an unknown caller
	char peer[SC_NAME_MAX + 1];
	char peer_uri[SC_URI_MAX];
	bool via_registrar;  // signaling goes through the hub
	bool has_flow;
	uint64_t flow;
	bool waiting_flow;   // asked for a connection, not there yet

	char call_id[UA_ID_MAX];
	char local_tag[UA_ID_MAX];
	struct sc_sip_dialog dialog;
	bool has_dialog;

	// outgoing
	char *invite;        // the INVITE we sent, for CANCEL
	size_t invite_len;
	uint32_t invite_cseq;
	uint32_t invite_txn; // 0 when none is live
	bool got_provisional;
	bool cancel_wanted;  // hung up before any provisional response: CANCEL when one comes
	bool cancel_sent;
	unsigned auth_tries;

	// incoming
	char *request;       // the INVITE we are answering (raw), re-parsed to respond
	size_t request_len;
	uint32_t server_txn; // 0 when none is live
	bool awaiting_ack;
	bool bye_wanted;     // hung up before the ACK came: BYE once it does (§15)

	// media
	bool media_prepared;
	struct sc_sdp_local local;
	struct sc_sdp *local_sdp;  // our offer, or our answer
	struct sc_sdp *remote_sdp; // the peer's last accepted description
	char *local_body;          // LOCAL_SDP as text
	size_t local_body_len;
	struct sc_sdp_result result;

	uint32_t bye_txn;
	uint64_t deadline;         // ring timeout, ACK wait, or the end of ENDING; 0 none
	unsigned end_code;
	char end_reason[SC_SIP_UA_REASON_MAX];
};

enum ua_reg_phase {
	REG_OFF,       // no registrar, or shut down
	REG_WAIT_FLOW, // a connection to the registrar was asked for
	REG_SENT,      // REGISTER in flight
	REG_IDLE,      // registered (refresh at due) or failed (retry at due)
};

struct ua_reg {
	bool configured;
	enum ua_reg_phase phase;
	bool registered;
	bool has_flow;
	uint64_t flow;
	uint32_t txn;
	char call_id[UA_ID_MAX];
	char tag[UA_ID_MAX];
	uint32_t cseq;
	uint32_t requested, granted;
	uint64_t due;            // refresh or retry; 0: none
	bool has_challenge;
	bool proxy_challenge;    // 407: Proxy-Authorization
	struct sc_sip_digest_challenge challenge;
	uint32_t nc;
	unsigned rejected_in_row; // challenges answered without success
	bool unregistering;
	char reason[SC_SIP_UA_REASON_MAX];
};

struct sc_sip_ua {
	const struct sc_policy *policy;
	char local_uri[SC_URI_MAX];  // From of calls: what the other sites' directories hold
	char reg_aor[SC_URI_MAX];    // From and To of REGISTER: the name at the registrar
	char contact_user[SC_NAME_MAX * 2 + 1];
	char user_agent[64];
	uint8_t *password;
	size_t password_len;
	sc_sip_ua_rng_fn rng;
	void *rng_ctx;
	struct sc_sip_ua_media_ops media;
	struct sc_sip_ua_env_ops env;
	uint32_t t1_ms, ring_timeout_ms;
	bool headset;

	struct sc_sip_txn_table *txn;
	struct ua_flow *flows;
	size_t n_flows, cap_flows;
	struct ua_item *queue;
	size_t q_len, q_cap, q_head;

	struct ua_call *call;
	struct ua_reg reg;
	uint64_t now;
};

// ua.c
void ua_begin(struct sc_sip_ua *ua, uint64_t now); // frees what the last pops handed out
int ua_queue_send(struct sc_sip_ua *ua, uint64_t flow, const char *data, size_t len);
void ua_queue_connect(struct sc_sip_ua *ua, const struct sc_directory_entry *site);
void ua_queue_event(struct sc_sip_ua *ua, const struct sc_sip_ua_event *ev);
struct ua_flow *ua_find_flow(struct sc_sip_ua *ua, uint64_t flow);
// A live flow to SITE (NULL: the registrar).
struct ua_flow *ua_flow_to(struct sc_sip_ua *ua, const struct sc_directory_entry *site);
// Starts a client transaction for the request in BUF; 0 with *TXN, or a negative errno.
int ua_send_request(struct sc_sip_ua *ua, uint64_t flow, const char *buf, size_t len, uint32_t *txn);
// Sends the response in BUF on server transaction TXN.
int ua_respond_raw(struct sc_sip_ua *ua, uint32_t txn, const char *buf, size_t len);
// Responds to REQ on TXN with CODE and REASON (logged by the caller), plus Warning when
// WARNING is set, and Allow/Accept/Unsupported as the code calls for.
int ua_respond(struct sc_sip_ua *ua, uint32_t txn, const struct sc_sip_msg *req, unsigned code,
	       const char *reason, const char *warning);
// Refuses REQ with CODE and REASON: logged with WHY, which also goes out as the Warning.
void ua_refuse(struct sc_sip_ua *ua, const struct ua_flow *f, uint32_t txn,
	       const struct sc_sip_msg *req, unsigned code, const char *reason, const char *why);
// "lyon", "the registrar", or the certificate name: who is at the other end of F.
const char *ua_flow_peer(const struct ua_flow *f);
// Warning: 399 sealcall "TEXT", with TEXT made safe for a quoted string.
void ua_write_warning(struct sc_sip_writer *w, const char *text);
// snprintf for text meant for people (reasons, logs): cut short when it does not fit.
void ua_say(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ua_random_hex(struct sc_sip_ua *ua, char *out, size_t bytes); // 2*BYTES hex + NUL
int ua_new_branch(struct sc_sip_ua *ua, char *out, size_t len);

// ua_call.c: shared by both directions
const char *ua_call_label(const struct ua_call *c);
struct ua_call *ua_call_new(struct sc_sip_ua *ua, bool outgoing);
void ua_set_state(struct sc_sip_ua *ua, struct ua_call *c, enum sc_sip_ua_call_state to,
		  unsigned code, const char *reason);
// The call is over: one event with the reason, its media released, back to idle.
void ua_call_end(struct sc_sip_ua *ua, unsigned code, const char *reason);
int ua_prepare_media(struct sc_sip_ua *ua, struct ua_call *c, const struct ua_flow *f,
		     char *why, size_t why_len);
int ua_store_local_sdp(struct ua_call *c, const struct sc_sdp *sdp);
// DESIGN.md invariant 5 on the peer's description; WHAT names it ("the offer").
int ua_check_keying(const struct sc_sip_ua *ua, const struct sc_sdp_result *r, const char *what,
		    char *why, size_t why_len);
bool ua_is_sdp(const struct sc_sip_msg *m);
struct sc_sdp *ua_parse_sdp_body(const struct sc_sip_msg *m, char *why, size_t why_len);
void ua_send_bye(struct sc_sip_ua *ua, struct ua_call *c, unsigned code, const char *reason);
void ua_send_cancel(struct sc_sip_ua *ua, struct ua_call *c);
// Frees a call that never became ua->call (or already left it), releasing its media.
void ua_call_release(struct sc_sip_ua *ua, struct ua_call *c);
// The directory entry whose URI has U's scheme, user and host; NULL when none.
const struct sc_directory_entry *ua_directory_by_uri(const struct sc_policy *p, const struct sc_sip_uri *u);
// ua_incoming.c
void ua_call_new_invite(struct sc_sip_ua *ua, uint64_t flow, uint32_t txn, const struct sc_sip_msg *m);
bool ua_call_request(struct sc_sip_ua *ua, uint64_t flow, uint32_t txn, const struct sc_sip_msg *m,
		     uint32_t cancel_target);
void ua_call_ack(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_msg *m);
// Sends a final response to the INVITE being answered (re-parsed from the call's copy).
int ua_call_answer_invite(struct sc_sip_ua *ua, struct ua_call *c, unsigned code,
			  const char *reason, const char *warning);
// ua_call.c: outgoing, and the call's time
bool ua_call_response(struct sc_sip_ua *ua, uint32_t txn, const struct sc_sip_msg *m);
void ua_call_stray_response(struct sc_sip_ua *ua, uint64_t flow, const struct sc_sip_msg *m);
bool ua_call_txn_failed(struct sc_sip_ua *ua, uint32_t txn, const char *why);
void ua_call_txn_ended(struct sc_sip_ua *ua, uint32_t txn);
void ua_call_flow_up(struct sc_sip_ua *ua, struct ua_flow *f);
void ua_call_flow_down(struct sc_sip_ua *ua, uint64_t flow, const char *why);
void ua_call_connect_failed(struct sc_sip_ua *ua, const struct sc_directory_entry *site, const char *why);
void ua_call_tick(struct sc_sip_ua *ua, uint64_t now);
void ua_call_free(struct sc_sip_ua *ua);

// ua_register.c
void ua_reg_start(struct sc_sip_ua *ua);
void ua_reg_flow_up(struct sc_sip_ua *ua, struct ua_flow *f);
void ua_reg_flow_down(struct sc_sip_ua *ua, uint64_t flow, const char *why);
void ua_reg_connect_failed(struct sc_sip_ua *ua, const char *why);
bool ua_reg_response(struct sc_sip_ua *ua, uint32_t txn, const struct sc_sip_msg *m);
bool ua_reg_txn_failed(struct sc_sip_ua *ua, uint32_t txn, const char *why);
void ua_reg_tick(struct sc_sip_ua *ua, uint64_t now);
void ua_reg_shutdown(struct sc_sip_ua *ua);
// The Authorization (or Proxy-Authorization) header for METHOD to URI under challenge CH.
int ua_auth_header(struct sc_sip_ua *ua, const struct sc_sip_digest_challenge *ch, bool proxy,
		   const char *method, const char *uri, uint32_t nc, struct sc_sip_writer *w);

#endif
