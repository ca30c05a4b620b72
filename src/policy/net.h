// SPDX-License-Identifier: GPL-3.0-or-later
// Address, endpoint and SIP URI syntax for the policy. Each parser returns NULL on success
// or a static phrase saying what is wrong, which the caller places in its message.
#ifndef SC_POLICY_NET_H
#define SC_POLICY_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

enum net_prefix_form {
	NET_PREFIX_REQUIRED,   // "10.77.0.1/24"
	NET_HOST_ONLY,         // "10.77.0.2", "10.77.0.2/32" or "fd77::2/128"
	NET_PREFIX_OPTIONAL,   // a bare address means a host route
};

const char *net_parse_prefix(const char *text, enum net_prefix_form form, struct sc_prefix *out);
// True when bits beyond prefix_len are zero (10.77.0.0/24, not 10.77.0.1/24).
bool net_prefix_is_network(const struct sc_prefix *p);
void net_prefix_network(const struct sc_prefix *p, struct sc_prefix *out);
bool net_prefixes_overlap(const struct sc_prefix *a, const struct sc_prefix *b);
// Orders by family, then network address, then shorter prefix first.
int net_prefix_compare(const struct sc_prefix *a, const struct sc_prefix *b);

bool net_valid_dns_name(const char *host);
// "198.51.100.7:51820", "[2001:db8::7]:51820" or "lyon.example.net:51820". HOST gets the
// address without brackets.
const char *net_parse_endpoint(const char *text, char host[SC_HOST_MAX + 1], uint16_t *port);

// 1 to 64 of: letters, digits, - _ . ~ + (a safe subset of SIP's user characters).
bool net_valid_sip_user(const char *user);

struct net_sip_uri {
	char user[SC_NAME_MAX * 2 + 1]; // "" when absent
	char host[SC_HOST_MAX + 1];     // IPv6 without brackets
	uint16_t port;                  // 0 when absent
};
// A sips: URI without parameters or headers. *PLAINTEXT is set when the URI would send
// signaling in the clear (a sip: scheme or transport=udp/tcp), which callers refuse with
// their own message.
const char *net_parse_sips_uri(const char *text, bool need_user, struct net_sip_uri *out,
			       bool *plaintext);

#endif
