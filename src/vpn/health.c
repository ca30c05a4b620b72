// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/health.h"

#include <inttypes.h>
#include <stdio.h>

#define WG_OVERHEAD 80
#define MIN_MTU 576

uint64_t sc_vpn_rx_window_s(uint32_t keepalive_s)
{
	return 2 * (uint64_t)keepalive_s + 5;
}

unsigned sc_vpn_auto_mtu(unsigned underlay_mtu)
{
	if (underlay_mtu < MIN_MTU + WG_OVERHEAD)
		return MIN_MTU;
	return underlay_mtu - WG_OVERHEAD;
}

bool sc_vpn_health_eval(struct sc_vpn_health *h, const struct sc_vpn_health_sample *s,
			int64_t *handshake_age_s, char *reason, size_t reason_len)
{
	if (!h->seen || s->rx_bytes != h->rx_bytes) {
		// A counter that went down means the interface was recreated: it still counts
		// as "changed", so the peer gets a fresh window rather than a false alarm.
		h->rx_since_s = s->mono_now_s;
		h->rx_bytes = s->rx_bytes;
	}
	if (s->latest_handshake != 0 && (!h->seen || s->latest_handshake != h->handshake)) {
		// Anchored on the monotonic clock when first seen, so a wall-clock jump (a Pi
		// without RTC syncing its time) does not age every handshake at once.
		int64_t age = s->wall_now_s - s->latest_handshake;
		if (age < 0)
			age = 0;
		h->handshake_mono_s = (int64_t)s->mono_now_s - age;
	}
	h->handshake = s->latest_handshake;
	h->seen = true;

	if (s->latest_handshake == 0) {
		*handshake_age_s = -1;
		snprintf(reason, reason_len, "no handshake yet");
		return false;
	}
	int64_t signed_age = (int64_t)s->mono_now_s - h->handshake_mono_s;
	uint64_t age = signed_age < 0 ? 0 : (uint64_t)signed_age;
	*handshake_age_s = (int64_t)age;
	if (age >= s->stale_after_s) {
		snprintf(reason, reason_len, "handshake %" PRIu64 " s old (stale after %" PRIu32 " s)",
			 age, s->stale_after_s);
		return false;
	}
	if (s->keepalive_s != 0) {
		uint64_t quiet = s->mono_now_s - h->rx_since_s;
		if (quiet > sc_vpn_rx_window_s(s->keepalive_s)) {
			snprintf(reason, reason_len,
				 "nothing received for %" PRIu64 " s (keepalive %" PRIu32 " s)", quiet,
				 s->keepalive_s);
			return false;
		}
	}
	if (reason_len)
		reason[0] = '\0';
	return true;
}
