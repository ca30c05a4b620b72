// SPDX-License-Identifier: GPL-3.0-or-later
// SIP message parser (RFC 3261 §7, §25). A parsed message points into the caller's buffer
// (zero-copy): keep the buffer unchanged while the message is in use. Parsing allocates
// nothing; a message is one fixed-size struct.
#ifndef SC_SIP_MSG_H
#define SC_SIP_MSG_H

#include "sip/header.h"
#include "sip/text.h"
#include "sip/uri.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Hard limits: anything larger is refused before it is looked at further.
#define SC_SIP_MAX_MESSAGE 65536 // bytes, start line to end of body
#define SC_SIP_MAX_HEADERS 100   // header lines (a folded header counts once)
#define SC_SIP_MAX_LINE 8192     // bytes in one physical line

enum sc_sip_method {
	SC_SIP_METHOD_OTHER, // an extension method: well formed, answered 405/501 by the UA
	SC_SIP_METHOD_INVITE,
	SC_SIP_METHOD_ACK,
	SC_SIP_METHOD_BYE,
	SC_SIP_METHOD_CANCEL,
	SC_SIP_METHOD_OPTIONS,
	SC_SIP_METHOD_REGISTER,
	SC_SIP_METHOD_INFO,
	SC_SIP_METHOD_UPDATE,
	SC_SIP_METHOD_PRACK,
	SC_SIP_METHOD_SUBSCRIBE,
	SC_SIP_METHOD_NOTIFY,
	SC_SIP_METHOD_REFER,
	SC_SIP_METHOD_MESSAGE,
};

// Methods are case-sensitive (RFC 3261 §7.1): "invite" is an unknown extension method.
enum sc_sip_method sc_sip_method_lookup(struct sc_sip_str name);
const char *sc_sip_method_name(enum sc_sip_method m); // NULL for OTHER

struct sc_sip_header {
	enum sc_sip_hdr id;
	struct sc_sip_str name;  // as written (may be compact)
	struct sc_sip_str value; // trimmed; may still contain folded line ends
};

// How the bytes arrived. Over a stream (TLS) Content-Length is mandatory and must match
// the body exactly; in a datagram it is optional and bytes past it are discarded (§18.3).
enum sc_sip_framing { SC_SIP_STREAM, SC_SIP_DATAGRAM };

// Why a message was refused, and what to do about it.
struct sc_sip_error {
	int status;       // 400 or 513 for a request; 0: drop silently (responses, garbage)
	char what[96];    // the problem: "Malformed Via header"
	char reason[128]; // reason phrase for the reply: "Bad Request - Malformed Via header"
};

struct sc_sip_msg {
	struct sc_sip_str raw;
	bool is_request;
	// request line
	struct sc_sip_str method;
	enum sc_sip_method method_id;
	struct sc_sip_uri request_uri;
	// status line
	unsigned status;
	struct sc_sip_str reason;
	struct sc_sip_str version; // "SIP/2.0" as written
	bool version_2_0;

	struct sc_sip_header headers[SC_SIP_MAX_HEADERS];
	size_t n_headers;

	// Core headers, checked while parsing; every value of Via and Contact was checked.
	struct sc_sip_via via; // topmost
	size_t n_via;
	struct sc_sip_nameaddr from, to;
	struct sc_sip_str call_id;
	struct sc_sip_cseq cseq;
	enum sc_sip_method cseq_method_id;
	int max_forwards;       // -1 when absent
	int64_t content_length; // -1 when absent
	struct sc_sip_str content_type, content_subtype; // absent when no Content-Type
	struct sc_sip_nameaddr contact; // the first Contact value
	size_t n_contacts;
	int64_t expires; // -1 when absent
	struct sc_sip_str body;
};

// Parses BUF[0..LEN) as one message. Returns 0, -EMSGSIZE (over a limit) or -EBADMSG, with
// ERR saying why. On failure MSG still lists the headers read so far, so that a 400 can
// copy Via, From, To, Call-ID and CSeq on a best-effort basis.
int sc_sip_msg_parse(const char *buf, size_t len, enum sc_sip_framing framing,
		     struct sc_sip_msg *msg, struct sc_sip_error *err);

// What a UA must answer to a well-formed request before looking at its meaning: 505 for a
// SIP version other than 2.0, 416 for a Request-URI scheme other than sip, sips or tel.
// Returns 0 when none applies, else the status with ERR filled.
int sc_sip_msg_precheck(const struct sc_sip_msg *msg, struct sc_sip_error *err);

// Header lookups. AFTER: NULL to start, else the previous match.
const struct sc_sip_header *sc_sip_msg_find(const struct sc_sip_msg *msg, enum sc_sip_hdr id,
					    const struct sc_sip_header *after);
const struct sc_sip_header *sc_sip_msg_find_name(const struct sc_sip_msg *msg, const char *name,
						 const struct sc_sip_header *after);

#endif
