// SPDX-License-Identifier: GPL-3.0-or-later
// The seam between a call's signaling and its media. For each call it binds the RTP port
// (UDP, the tunnel address of the call's TLS connection, the policy's RTP range, the tunnel
// interface) and creates the call's media runtime (media/call_media.h), whose ZRTP engine
// gives the a=zrtp-hash we signal. When the offer/answer settles it hands the runtime the
// peer's a=zrtp-hash and the codec.
//
// SEAM: the runtime is not started and the port is not read yet, so no RTP (and no ZRTP)
// is sent: the audio wiring lands in start() of call_rtp.c, which has the socket, the
// runtime and the peer's address.
#ifndef SC_CORE_CALL_RTP_H
#define SC_CORE_CALL_RTP_H

#include <stdint.h>

#include "policy/policy.h"
#include "sip/ua.h"

struct sc_call_rtp;

// Opens the ZRTP cache of the policy (media.zrtp.cache_file). A cache that cannot be used
// is logged with its fix and refuses every call (500) rather than stopping the appliance.
// RNG_CTX is from sc_zrtp_system_rng_new and must outlive R.
int sc_call_rtp_new(const struct sc_policy *p, const char *ifname, void *rng_ctx,
		    struct sc_call_rtp **out);
void sc_call_rtp_free(struct sc_call_rtp *r);

// The ops for sc_sip_ua_config.media.
struct sc_sip_ua_media_ops sc_call_rtp_ops(struct sc_call_rtp *r);

// The bound RTP port of the live call, 0 when none.
uint16_t sc_call_rtp_port(const struct sc_call_rtp *r);

#endif
