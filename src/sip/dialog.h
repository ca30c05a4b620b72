// SPDX-License-Identifier: GPL-3.0-or-later
// A SIP dialog (RFC 3261 §12): the identifiers that tie requests to one call, the remote
// target and route set, and the two CSeq spaces. Pure and self-contained: every value is a
// bounded copy, so a dialog outlives the messages that made it.
#ifndef SC_SIP_DIALOG_H
#define SC_SIP_DIALOG_H

#include "sip/msg.h"
#include "sip/writer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_SIP_DIALOG_ID_MAX 128   // Call-ID and tags
#define SC_SIP_DIALOG_URI_MAX 320  // URIs as written
#define SC_SIP_DIALOG_MAX_ROUTES 8 // Record-Route entries kept (more: the dialog is refused)

struct sc_sip_dialog {
	char call_id[SC_SIP_DIALOG_ID_MAX];
	char local_tag[SC_SIP_DIALOG_ID_MAX];
	char remote_tag[SC_SIP_DIALOG_ID_MAX];
	char local_uri[SC_SIP_DIALOG_URI_MAX];     // From of our requests
	char remote_uri[SC_SIP_DIALOG_URI_MAX];    // To of our requests
	char remote_target[SC_SIP_DIALOG_URI_MAX]; // the peer's Contact: our Request-URI
	char routes[SC_SIP_DIALOG_MAX_ROUTES][SC_SIP_DIALOG_URI_MAX]; // name-addrs, in send order
	size_t n_routes;
	uint32_t local_cseq;  // of the last request we sent
	uint32_t remote_cseq; // of the last request we accepted
	bool has_remote_cseq;
	bool we_called;       // we sent the INVITE (UAC)
};

// UAS side, when answering INVITE with a 2xx whose To tag is LOCAL_TAG (§12.1.1).
// -EBADMSG when the INVITE lacks what a dialog needs (From tag, one Contact URI), -E2BIG
// when an identifier or the route set is over the limits above.
int sc_sip_dialog_init_uas(struct sc_sip_dialog *d, const struct sc_sip_msg *invite,
			   const char *local_tag);

// UAC side, from the 2xx to our INVITE (§12.1.2). LOCAL_URI and REMOTE_URI are the From and
// To URIs we sent (without tags), INVITE_CSEQ its CSeq. Errors as above (To tag, Contact).
int sc_sip_dialog_init_uac(struct sc_sip_dialog *d, const struct sc_sip_msg *response,
			   const char *local_uri, const char *remote_uri, const char *local_tag,
			   uint32_t invite_cseq);

// True when REQUEST (received) belongs to D: Call-ID, its From tag is our remote tag and
// its To tag our local tag.
bool sc_sip_dialog_matches_request(const struct sc_sip_dialog *d, const struct sc_sip_msg *request);
// True when RESPONSE (to a request we sent in D) belongs to D.
bool sc_sip_dialog_matches_response(const struct sc_sip_dialog *d, const struct sc_sip_msg *response);

// §12.2.2: a request with a lower CSeq than the last one accepted is out of order (answer
// 500). Returns 0 and remembers the number, or -ERANGE. ACK and CANCEL are never checked
// (they carry the CSeq of the request they belong to).
int sc_sip_dialog_accept_cseq(struct sc_sip_dialog *d, const struct sc_sip_msg *request);

// Starts a request within D (§12.2.1.1, loose routing): request line to the remote target,
// Via "SIP/2.0/TLS VIA_HOSTPORT;branch=BRANCH", Route set, Max-Forwards, From, To, Call-ID
// and CSeq. CSEQ is the number to use: sc_sip_dialog_next_cseq for a new request, the
// INVITE's for its ACK. The caller adds the rest and ends the message.
void sc_sip_dialog_write_request(const struct sc_sip_dialog *d, struct sc_sip_writer *w,
				 const char *method, const char *via_hostport, const char *branch,
				 uint32_t cseq);
uint32_t sc_sip_dialog_next_cseq(struct sc_sip_dialog *d);

#endif
