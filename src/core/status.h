// SPDX-License-Identifier: GPL-3.0-or-later
// What `sealcall status` shows, rendered as text for people and as JSON for scripts. The
// daemon fills a snapshot; rendering is pure so both forms are tested without a tunnel.
#ifndef SC_CORE_STATUS_H
#define SC_CORE_STATUS_H

#include <stddef.h>

#include "core/call.h"
#include "core/outbuf.h"
#include "vpn/vpn.h"

struct sc_status {
	const char *site;
	const char *state;        // sc_appliance_state_name()
	const char *state_reason; // why the state was entered (text form only)
	const char *interface;
	const char *backend;      // "kernel" or "userspace"
	const char *address;      // "10.77.0.1/24"
	const struct sc_vpn_peer_status *peers;
	size_t n_peers;
	const struct sc_call_status *call; // NULL: no SIP section (signaling not started)
};

int sc_status_render_text(const struct sc_status *st, struct sc_outbuf *out);
int sc_status_render_json(const struct sc_status *st, struct sc_outbuf *out);

#endif
