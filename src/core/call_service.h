// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's call manager: SIP over TLS on the tunnel address (sip/tls_transport.h), the
// user agent (sip/ua.h), the media seam (core/call_rtp.h), and the operator's commands
// `call`, `answer`, `hangup`. One call at a time; rules.auto_answer answers by itself.
// Started only once the tunnel is up: the listener binds the tunnel address and interface.
#ifndef SC_CORE_CALL_SERVICE_H
#define SC_CORE_CALL_SERVICE_H

#include <stddef.h>

#include "core/call.h"
#include "core/control.h"
#include "core/loop.h"
#include "core/outbuf.h"
#include "policy/policy.h"
#include "vpn/vpn.h"

struct sc_call_service;

// Opens the SIP listener and starts the registration (when the policy has a registrar).
// LOOP, P and VPN must outlive the service. Failures are logged with their cause and fix.
int sc_call_service_start(struct sc_loop *loop, const struct sc_policy *p, struct sc_vpn *vpn,
			  struct sc_call_service **out);
// Ends a live call (BYE, CANCEL or decline) and removes the registration, giving the loop
// up to a second to send that, then closes every connection and the listener. Safe with NULL.
void sc_call_service_stop(struct sc_call_service *s);

// `call NAME|URI`, `answer`, `hangup`, ... and `history`: 0 with a line for the operator in BODY, or a
// negative errno with the reason in ERR.
int sc_call_service_command(struct sc_call_service *s, const struct sc_control_request *req,
			    struct sc_outbuf *body, char *err, size_t errlen);

// The call and SIP part of status; the strings stay valid until the next call into S.
void sc_call_service_status(struct sc_call_service *s, struct sc_call_status *out);

// The appliance went from ready to degraded (WHY: its reason): the headset says "tunnel
// down", once. A call's own peer going stale is watched by the service itself. Safe with NULL.
void sc_call_service_tunnel_down(struct sc_call_service *s, const char *why);

#endif
