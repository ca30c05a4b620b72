// SPDX-License-Identifier: GPL-3.0-or-later
// ZRTP key agreements (RFC 6189 §5.1.5): DH3k, EC25 (P-256) and X255 (RFC 7748 X25519).
// Private values come from the caller's random source, so two engines under test are
// deterministic; the peer's public value is checked before any agreement.
#ifndef SC_ZRTP_KA_H
#define SC_ZRTP_KA_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#define SC_ZRTP_PV_MAX 384

typedef int (*sc_zrtp_rng_fn)(void *ctx, uint8_t *buf, size_t len);

struct sc_zrtp_ka {
	enum sc_zrtp_key_agreement type;
	uint8_t priv[32]; // DH3k: 256-bit exponent; EC25: scalar below the order; X255: clamped scalar
	uint8_t pub[SC_ZRTP_PV_MAX];
	size_t pub_len;
};

// Length of the public value in DHPart (pvi/pvr) and of the DH result in s0.
size_t sc_zrtp_ka_pv_len(enum sc_zrtp_key_agreement type);
size_t sc_zrtp_ka_result_len(enum sc_zrtp_key_agreement type);

int sc_zrtp_ka_generate(struct sc_zrtp_ka *ka, enum sc_zrtp_key_agreement type,
			sc_zrtp_rng_fn rng, void *rng_ctx);
// Derives a key pair from a given private value (self-tests use published vectors).
int sc_zrtp_ka_from_private(struct sc_zrtp_ka *ka, enum sc_zrtp_key_agreement type,
			    const uint8_t *priv, size_t priv_len);
// Returns -EBADMSG when PEER is not an acceptable public value: 0, 1 or p-1 and values of p
// and beyond for DH3k, a point off the curve for EC25, a low-order point for X255.
int sc_zrtp_ka_agree(const struct sc_zrtp_ka *ka, const uint8_t *peer, size_t peer_len,
		     uint8_t *result);
void sc_zrtp_ka_wipe(struct sc_zrtp_ka *ka);

#endif
