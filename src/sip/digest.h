// SPDX-License-Identifier: GPL-3.0-or-later
// HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616 with RFC 8760's SHA-256 for
// SIP): reading a WWW-/Proxy-Authenticate challenge and computing the Authorization value
// with qop=auth. Hashes come from wolfSSL; everything derived from the password is wiped.
#ifndef SC_SIP_DIGEST_H
#define SC_SIP_DIGEST_H

#include "sip/msg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sc_sip_digest_alg { SC_SIP_DIGEST_ALG_MD5, SC_SIP_DIGEST_ALG_SHA256 };

struct sc_sip_digest_challenge {
	enum sc_sip_digest_alg alg;
	bool sess;     // MD5-sess / SHA-256-sess
	bool has_qop;  // the server named a qop at all
	bool qop_auth; // ... and "auth" is among them
	bool stale;    // the nonce expired: retry with the same credentials
	bool userhash; // RFC 7616 §3.4.4: send H(username:realm) instead of the name
	bool has_opaque;
	char realm[256];
	char nonce[256];
	char opaque[256];
};

// VALUE is the whole header value ("Digest realm=..., nonce=..."). Returns 0, -EINVAL when
// malformed, -ENOTSUP for another scheme, an algorithm other than MD5 and SHA-256 (and their
// -sess forms), or a qop list without "auth".
int sc_sip_digest_parse_challenge(struct sc_sip_str value, struct sc_sip_digest_challenge *out);

// Picks the strongest usable challenge of a 401 (WWW-Authenticate) or 407
// (Proxy-Authenticate): SHA-256 before MD5 (RFC 8760 §2.4). -ENOENT when none is usable.
int sc_sip_digest_pick(const struct sc_sip_msg *response, struct sc_sip_digest_challenge *out);

// Writes the Authorization (or Proxy-Authorization) header value into OUT. CNONCE is the
// caller's fresh random token, NC the count of requests made with this nonce (from 1).
// Returns the length, -ENOBUFS, or -EINVAL for text that cannot be sent.
int sc_sip_digest_authorization(const struct sc_sip_digest_challenge *ch, const char *username,
				const uint8_t *password, size_t password_len, const char *method,
				const char *uri, const char *cnonce, uint32_t nc, char *out, size_t cap);

#endif
