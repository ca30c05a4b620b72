// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/drift.h"

#include <errno.h>
#include <string.h>

int sc_drift_init(struct sc_drift *d, const struct sc_drift_config *cfg)
{
	memset(d, 0, sizeof(*d));
	if (cfg->low_water >= cfg->high_water)
		return -EINVAL;
	d->cfg = *cfg;
	if (!d->cfg.window_ms)
		d->cfg.window_ms = 500;
	if (!d->cfg.hold_windows)
		d->cfg.hold_windows = 2;
	return 0;
}

void sc_drift_reset(struct sc_drift *d)
{
	d->started = false;
	d->windows_high = d->windows_low = 0;
}

static void start_window(struct sc_drift *d, uint32_t level, int64_t now_ms)
{
	d->started = true;
	d->window_start_ms = now_ms;
	d->window_min = level;
}

enum sc_drift_action sc_drift_observe(struct sc_drift *d, uint32_t level, int64_t now_ms)
{
	if (!d->started || now_ms < d->window_start_ms) {
		start_window(d, level, now_ms);
		return SC_DRIFT_NONE;
	}
	if (now_ms - d->window_start_ms < d->cfg.window_ms) {
		if (level < d->window_min)
			d->window_min = level;
		return SC_DRIFT_NONE;
	}
	// The window is over: judge its minimum, and this observation opens the next one.
	uint32_t low = d->window_min;
	start_window(d, level, now_ms);
	d->windows_high = low > d->cfg.high_water ? d->windows_high + 1 : 0;
	d->windows_low = low < d->cfg.low_water ? d->windows_low + 1 : 0;
	// After acting, this observation is from before the correction: measure afresh.
	if (d->windows_high >= d->cfg.hold_windows) {
		sc_drift_reset(d);
		d->drops++;
		return SC_DRIFT_DROP;
	}
	if (d->windows_low >= d->cfg.hold_windows) {
		sc_drift_reset(d);
		d->inserts++;
		return SC_DRIFT_INSERT;
	}
	return SC_DRIFT_NONE;
}
