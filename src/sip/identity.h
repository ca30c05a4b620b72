// SPDX-License-Identifier: GPL-3.0-or-later
// Who is at the other end of a SIP/TLS connection, and whether a request may claim to come
// from them. Pure: the TLS transport hands in the source address, the certificate's DNS
// names and its public-key hash; the UA hands in the From URI of each request.
#ifndef SC_SIP_IDENTITY_H
#define SC_SIP_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "sip/uri.h"

enum sc_sip_peer_kind {
	SC_SIP_PEER_NONE,      // not yet known (an incoming connection before its checks)
	SC_SIP_PEER_SITE,      // a directory entry: ENTRY is set
	SC_SIP_PEER_REGISTRAR, // the policy's registrar (hub proxy)
	SC_SIP_PEER_UNKNOWN,   // rules.accept_unknown_callers: a certificate from the CA, from a
			       // tunnel address that no directory entry has
};

struct sc_sip_identity {
	enum sc_sip_peer_kind kind;
	const struct sc_directory_entry *entry; // SC_SIP_PEER_SITE only, else NULL
	bool authenticated;        // the certificate chained to the CA and its name matched
	char san[SC_HOST_MAX + 1]; // the DNS name of the certificate that matched ("" before)
	int family;                // the peer's tunnel address and TCP port
	uint8_t addr[16];
	uint16_t port;
};

// Decides what an incoming connection from FAMILY/ADDR must prove: the directory entry with
// that address, else the registrar, else (accept_unknown_callers, address inside some peer's
// allowed IPs) an unknown site. Fills OUT's kind, entry and address. -EACCES with WHY when
// no one may connect from there.
int sc_sip_identity_expect_incoming(const struct sc_policy *p, int family, const uint8_t *addr,
				    uint16_t port, struct sc_sip_identity *out, char *why,
				    size_t why_len);

// The host of a sip:/sips: URI (lower-cased, IPv6 without brackets). -EINVAL when URI is
// not one.
int sc_sip_identity_uri_host(const char *uri, char *host, size_t host_len);

// The DNS name ID's certificate must carry: the entry's URI host, the registrar's host; ""
// for an unknown site (any name, the CA vouches). -EINVAL when the URI has no usable host.
int sc_sip_identity_expected_name(const struct sc_sip_identity *id, const struct sc_policy *p,
				  char *name, size_t name_len);

// Checks the certificate's DNS subjectAltNames against ID (names compare case-insensitively
// and exactly: no wildcards). On success sets ID->san and returns 0; else -EACCES with WHY.
int sc_sip_identity_match_names(struct sc_sip_identity *id, const struct sc_policy *p,
				const char *const *dns_names, size_t n_names, char *why,
				size_t why_len);

// When ENTRY has a pin, the SHA-256 of the certificate's SubjectPublicKeyInfo must equal it.
// 0 (no pin, or equal) or -EACCES with WHY.
int sc_sip_identity_check_pin(const struct sc_directory_entry *entry,
			      const uint8_t spki_sha256[32], char *why, size_t why_len);

// The per-request check of the UA: the From URI of a request received on a connection
// authenticated as ID must name that peer. SITE: same scheme, user and host as the entry's
// URI (host case-insensitive; port and parameters ignored). UNKNOWN: host equal to the
// certificate's name. REGISTRAR: any sip: or sips: URI (the hub relays other sites' and
// softphones' requests; whether to take calls from names outside the directory is the UA's
// rules.accept_unknown_callers, and ZRTP authenticates end to end). Returns 0, or -EACCES
// with WHY (for a 403 and the log).
int sc_sip_identity_check_from(const struct sc_sip_identity *id, const struct sc_sip_uri *from,
			       char *why, size_t why_len);

#endif
