// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/appliance.h"

#include <stdio.h>
#include <string.h>

const char *sc_appliance_state_name(enum sc_appliance_state s)
{
	switch (s) {
	case SC_APPLIANCE_STARTING:
		return "starting";
	case SC_APPLIANCE_TUNNEL_UP:
		return "tunnel-up";
	case SC_APPLIANCE_READY:
		return "ready";
	case SC_APPLIANCE_DEGRADED:
		return "degraded";
	case SC_APPLIANCE_STOPPING:
		return "stopping";
	case SC_APPLIANCE_STOPPED:
		return "stopped";
	}
	return "unknown";
}

void sc_appliance_init(struct sc_appliance *a, uint64_t now_ms)
{
	memset(a, 0, sizeof(*a));
	a->state = SC_APPLIANCE_STARTING;
	a->since_ms = now_ms;
	snprintf(a->reason, sizeof(a->reason), "daemon started");
}

static bool enter(struct sc_appliance *a, enum sc_appliance_state to, uint64_t now_ms,
		  struct sc_appliance_transition *t)
{
	t->from = a->state;
	t->to = to;
	a->state = to;
	a->since_ms = now_ms;
	if (to == SC_APPLIANCE_TUNNEL_UP)
		a->tunnel_up_ms = now_ms;
	if (to == SC_APPLIANCE_READY || to == SC_APPLIANCE_DEGRADED)
		a->in_service = true;
	snprintf(a->reason, sizeof(a->reason), "%s", t->reason);
	return true;
}

static bool all_peers_up(const struct sc_appliance_inputs *in)
{
	return in->peers_up >= in->peers_total;
}

static void reason_tunnel_down(const struct sc_appliance_inputs *in,
			       struct sc_appliance_transition *t)
{
	snprintf(t->reason, sizeof(t->reason), "tunnel down%s%s",
		 in->tunnel_detail ? ": " : "", in->tunnel_detail ? in->tunnel_detail : "");
}

static void reason_peers(const struct sc_appliance_inputs *in, const char *when,
			 struct sc_appliance_transition *t)
{
	snprintf(t->reason, sizeof(t->reason), "%zu of %zu peers up%s%s%s", in->peers_up,
		 in->peers_total, when, in->stale_detail ? "; stale: " : "",
		 in->stale_detail ? in->stale_detail : "");
}

static void reason_all_up(const struct sc_appliance_inputs *in, struct sc_appliance_transition *t)
{
	snprintf(t->reason, sizeof(t->reason), "all %zu peer%s up", in->peers_total,
		 in->peers_total == 1 ? "" : "s");
}

bool sc_appliance_update(struct sc_appliance *a, const struct sc_appliance_inputs *in,
			 uint64_t now_ms, struct sc_appliance_transition *t)
{
	switch (a->state) {
	case SC_APPLIANCE_STARTING:
		if (!in->tunnel_up)
			return false;
		snprintf(t->reason, sizeof(t->reason), "interface configured, waiting for %zu peer%s",
			 in->peers_total, in->peers_total == 1 ? "" : "s");
		return enter(a, SC_APPLIANCE_TUNNEL_UP, now_ms, t);
	case SC_APPLIANCE_TUNNEL_UP:
		if (!in->tunnel_up) {
			reason_tunnel_down(in, t);
			return enter(a, SC_APPLIANCE_DEGRADED, now_ms, t);
		}
		if (all_peers_up(in)) {
			reason_all_up(in, t);
			return enter(a, SC_APPLIANCE_READY, now_ms, t);
		}
		// Guard against a clock that went backwards (a caller bug) instead of wrapping.
		if (now_ms >= a->tunnel_up_ms && now_ms - a->tunnel_up_ms >= SC_APPLIANCE_PEER_GRACE_MS) {
			reason_peers(in, " after 20 s", t);
			return enter(a, SC_APPLIANCE_DEGRADED, now_ms, t);
		}
		return false;
	case SC_APPLIANCE_READY:
		if (!in->tunnel_up) {
			reason_tunnel_down(in, t);
			return enter(a, SC_APPLIANCE_DEGRADED, now_ms, t);
		}
		if (!all_peers_up(in)) {
			reason_peers(in, "", t);
			return enter(a, SC_APPLIANCE_DEGRADED, now_ms, t);
		}
		return false;
	case SC_APPLIANCE_DEGRADED:
		if (in->tunnel_up && all_peers_up(in)) {
			reason_all_up(in, t);
			return enter(a, SC_APPLIANCE_READY, now_ms, t);
		}
		return false;
	case SC_APPLIANCE_STOPPING:
	case SC_APPLIANCE_STOPPED:
		return false;
	}
	return false;
}

bool sc_appliance_stop(struct sc_appliance *a, const char *why, uint64_t now_ms,
		       struct sc_appliance_transition *t)
{
	if (a->state == SC_APPLIANCE_STOPPING || a->state == SC_APPLIANCE_STOPPED)
		return false;
	snprintf(t->reason, sizeof(t->reason), "%s", why);
	return enter(a, SC_APPLIANCE_STOPPING, now_ms, t);
}

bool sc_appliance_stopped(struct sc_appliance *a, const char *why, uint64_t now_ms,
			  struct sc_appliance_transition *t)
{
	if (a->state != SC_APPLIANCE_STOPPING)
		return false;
	snprintf(t->reason, sizeof(t->reason), "%s", why);
	return enter(a, SC_APPLIANCE_STOPPED, now_ms, t);
}

void sc_appliance_transition_format(const struct sc_appliance_transition *t, char *buf,
				    size_t len)
{
	snprintf(buf, len, "state: %s -> %s (%s)", sc_appliance_state_name(t->from),
		 sc_appliance_state_name(t->to), t->reason);
}
