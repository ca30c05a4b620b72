// SPDX-License-Identifier: GPL-3.0-or-later
// SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966), parsed in place. Other schemes
// are recognised as syntactically valid absolute URIs and left opaque, so that a request for
// one can be answered 416 rather than 400.
#ifndef SC_SIP_URI_H
#define SC_SIP_URI_H

#include "sip/text.h"

enum sc_sip_scheme { SC_SIP_SCHEME_OTHER, SC_SIP_SCHEME_SIP, SC_SIP_SCHEME_SIPS, SC_SIP_SCHEME_TEL };

struct sc_sip_uri {
	enum sc_sip_scheme scheme;
	struct sc_sip_str raw;
	struct sc_sip_str scheme_name;
	struct sc_sip_str user;     // still %-escaped; absent without userinfo; tel: the number
	struct sc_sip_str password; // absent when none
	struct sc_sip_str host;     // IPv6 keeps its brackets; for OTHER: the opaque part
	uint16_t port;              // 0 when absent
	struct sc_sip_str params;   // ";a=b;lr" with the leading ';', empty when none
	struct sc_sip_str headers;  // "a=b&c=d" after the '?', absent when none
};

// 0, or -EINVAL when S is not a valid URI (a space, a bad escape, a bad host or port, ...).
int sc_sip_uri_parse(struct sc_sip_str s, struct sc_sip_uri *out);

// Host syntax shared with Via sent-by: hostname, IPv4address or [IPv6reference].
bool sc_sip_host_valid(struct sc_sip_str host);
// An IP literal without brackets (Via received=, SDP addresses): AF_INET, AF_INET6 or 0.
int sc_sip_ip_family(struct sc_sip_str s);

#endif
