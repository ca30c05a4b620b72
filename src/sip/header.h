// SPDX-License-Identifier: GPL-3.0-or-later
// Header names (long and compact forms) and the structured header values a user agent
// needs: name-addr (From, To, Contact, Route), Via and CSeq.
#ifndef SC_SIP_HEADER_H
#define SC_SIP_HEADER_H

#include "sip/text.h"
#include "sip/uri.h"

enum sc_sip_hdr {
	SC_SIP_HDR_OTHER,
	SC_SIP_HDR_ACCEPT,
	SC_SIP_HDR_ALLOW,
	SC_SIP_HDR_ALLOW_EVENTS,
	SC_SIP_HDR_AUTHORIZATION,
	SC_SIP_HDR_CALL_ID,
	SC_SIP_HDR_CONTACT,
	SC_SIP_HDR_CONTENT_ENCODING,
	SC_SIP_HDR_CONTENT_LENGTH,
	SC_SIP_HDR_CONTENT_TYPE,
	SC_SIP_HDR_CSEQ,
	SC_SIP_HDR_EVENT,
	SC_SIP_HDR_EXPIRES,
	SC_SIP_HDR_FROM,
	SC_SIP_HDR_MAX_FORWARDS,
	SC_SIP_HDR_MIN_EXPIRES,
	SC_SIP_HDR_PROXY_AUTHENTICATE,
	SC_SIP_HDR_PROXY_AUTHORIZATION,
	SC_SIP_HDR_PROXY_REQUIRE,
	SC_SIP_HDR_REASON,
	SC_SIP_HDR_RECORD_ROUTE,
	SC_SIP_HDR_REFER_TO,
	SC_SIP_HDR_REFERRED_BY,
	SC_SIP_HDR_REQUIRE,
	SC_SIP_HDR_RETRY_AFTER,
	SC_SIP_HDR_ROUTE,
	SC_SIP_HDR_SERVER,
	SC_SIP_HDR_SESSION_EXPIRES,
	SC_SIP_HDR_SUBJECT,
	SC_SIP_HDR_SUPPORTED,
	SC_SIP_HDR_TO,
	SC_SIP_HDR_UNSUPPORTED,
	SC_SIP_HDR_USER_AGENT,
	SC_SIP_HDR_VIA,
	SC_SIP_HDR_WARNING,
	SC_SIP_HDR_WWW_AUTHENTICATE,
	SC_SIP_HDR_COUNT
};

// Case-insensitive lookup of a long or compact header name.
enum sc_sip_hdr sc_sip_hdr_lookup(struct sc_sip_str name);
// The canonical long name ("Call-ID"); NULL for SC_SIP_HDR_OTHER.
const char *sc_sip_hdr_name(enum sc_sip_hdr id);

// name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route).
struct sc_sip_nameaddr {
	struct sc_sip_str display; // token list or quoted-string as written; absent when none
	struct sc_sip_uri uri;
	bool bracketed;            // the URI was inside <>
	bool star;                 // Contact: *
	struct sc_sip_str params;  // ";tag=x;expires=5", empty when none
	struct sc_sip_str tag;     // the tag parameter, absent when none
};

// Parses one element (one comma-separated value). ALLOW_STAR for Contact.
int sc_sip_nameaddr_parse(struct sc_sip_str value, bool allow_star, struct sc_sip_nameaddr *out);

struct sc_sip_via {
	struct sc_sip_str protocol;  // "SIP"
	struct sc_sip_str version;   // "2.0"
	struct sc_sip_str transport; // "TLS", "TCP", "UDP", ...
	struct sc_sip_str host;      // sent-by host
	uint16_t port;               // 0 when absent
	struct sc_sip_str params;    // ";branch=...;rport", empty when none
	struct sc_sip_str branch;    // absent when none
	struct sc_sip_str received;  // absent when none
	bool has_rport;
	uint16_t rport;              // 0: requested (no value yet)
};

int sc_sip_via_parse(struct sc_sip_str value, struct sc_sip_via *out);
// True when BRANCH starts with RFC 3261's magic cookie and carries something after it.
bool sc_sip_branch_is_rfc3261(struct sc_sip_str branch);

struct sc_sip_cseq {
	uint32_t seq;             // < 2^31 (RFC 3261 §8.1.1.5)
	struct sc_sip_str method; // case-sensitive
};

int sc_sip_cseq_parse(struct sc_sip_str value, struct sc_sip_cseq *out);

// Header parameters: generic-param with token names (checks what sc_sip_param_next lexes).
bool sc_sip_header_params_valid(struct sc_sip_str params);

#endif
