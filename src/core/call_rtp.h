// SPDX-License-Identifier: GPL-3.0-or-later
// The seam between a call's signaling and its media. For each call it binds the RTP port
// (UDP, the tunnel address of the call's TLS connection, the policy's RTP range, the tunnel
// interface) and creates the call's media runtime (media/call_media.h), whose ZRTP engine
// gives the a=zrtp-hash we signal. When the offer/answer settles it hands the runtime the
// peer's a=zrtp-hash and the codec.
//
// When the call is answered (start) the socket is connected to the peer's RTP address from
// the SDP, which must lie inside a peer's allowed IPs (else the call is refused before a
// packet leaves), the runtime is started, the socket is read into it, its timer runs on the
// loop, and whatever it queues is sent. The headset moves audio through capture/playout; when
// its rate (sc_headset_rate_for) is not the codec's, each direction is converted here.
//
// Each call's media counters (RTP sent and received with their rollover counters, SRTP
// authentication and replay drops, playout) are logged every 5 s at debug level and once at
// the end of the call at info level. Built with SEALCALL_TEST_HOOKS (tests only), the call's
// first RTP sequence number comes from SEALCALL_TEST_RTP_FIRST_SEQ when that is set.
#ifndef SC_CORE_CALL_RTP_H
#define SC_CORE_CALL_RTP_H

#include <stdint.h>

#include "core/loop.h"
#include "media/call_media.h"
#include "policy/policy.h"
#include "sip/ua.h"
#include "zrtp/cache.h"

struct sc_call_rtp;

// The runtime's events (SECURE, CACHE_MISMATCH, ALARM, FAILED, PEER_BYE) as they come. The
// handler must not end the call from inside (that frees the runtime that reports): defer.
struct sc_call_rtp_events {
	void *ctx;
	void (*event)(void *ctx, const struct sc_call_media_event *ev);
};

// Opens the ZRTP cache of the policy (media.zrtp.cache_file). A cache that cannot be used
// is logged with its fix and refuses every call (500) rather than stopping the appliance.
// RNG_CTX is from sc_zrtp_system_rng_new and must outlive R; so must LOOP.
int sc_call_rtp_new(const struct sc_policy *p, const char *ifname, void *rng_ctx,
		    struct sc_loop *loop, const struct sc_call_rtp_events *events,
		    struct sc_call_rtp **out);
void sc_call_rtp_free(struct sc_call_rtp *r);

// The ops for sc_sip_ua_config.media.
struct sc_sip_ua_media_ops sc_call_rtp_ops(struct sc_call_rtp *r);

// The bound RTP port of the live call, 0 when none.
uint16_t sc_call_rtp_port(const struct sc_call_rtp *r);

// The headset's frames (sc_headset_rate_for the policy, ptime) into and out of the running
// call; playout returns false when no call media runs (the headset then plays silence).
void sc_call_rtp_capture(struct sc_call_rtp *r, const int16_t *pcm, size_t samples,
			 uint64_t now_ms);
bool sc_call_rtp_playout(struct sc_call_rtp *r, int16_t *pcm, size_t samples, uint64_t now_ms);

// The live call's media statistics and security; false when no call media exists.
bool sc_call_rtp_stats(const struct sc_call_rtp *r, struct sc_call_media_stats *out);
// Marks (or unmarks) the live call's SAS verified in the cache: -ENOENT without a call,
// -EAGAIN before ZRTP finished.
int sc_call_rtp_set_verified(struct sc_call_rtp *r, bool verified);
// Queues DTMF DIGITS in the live call (sc_call_media_send_dtmf): 0, or a negative errno with
// the reason in WHY; -ENOENT when no call media runs.
int sc_call_rtp_send_dtmf(struct sc_call_rtp *r, const char *digits, char *why, size_t why_len);
// The daemon's open cache (NULL when it is unusable), for zrtp-cache commands.
struct sc_zrtp_cache *sc_call_rtp_cache(struct sc_call_rtp *r);

#endif
