// SPDX-License-Identifier: GPL-3.0-or-later
// Algorithm offer and choice, RFC 6189 §4.1.2 and §5.1.
#ifndef SC_ZRTP_NEGOTIATE_H
#define SC_ZRTP_NEGOTIATE_H

#include <stdint.h>

#include "zrtp/engine_internal.h"

// Our Hello lists, exactly the policy's (mandatory algorithms are implied, not listed).
void zrtp_hello_lists(const struct sc_zrtp_policy *ours, struct sc_zrtp_hello *hello);
// The initiator's choice: the faster of both sides' first common key agreement, then for
// each other kind our first preference the peer supports.
void zrtp_negotiate(const struct sc_zrtp_policy *ours, const struct sc_zrtp_hello *peer,
		    struct negotiated *out);
// The responder's check of a Commit: 0, or the RFC 6189 §5.9 error code to answer with.
uint32_t zrtp_accept_commit(const struct sc_zrtp_policy *ours, const struct sc_zrtp_hello *peer,
			    const struct sc_zrtp_commit *commit, struct negotiated *out);

#endif
