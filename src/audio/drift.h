// SPDX-License-Identifier: GPL-3.0-or-later
// Clock drift between the headset and whatever paces the other side of a queue (the network,
// or the capture clock when playback runs on a clock of its own) shows up as a queue level
// that creeps up or down. This decides, from the level alone, when to drop one frame (the
// queue holds more than it needs: latency grows) or insert one (it keeps running short:
// the device is about to starve). Pure: the level and the time come in as arguments.
//
// The level is sampled each frame (e.g. the playback queue just before a frame is written).
// Within a window the smallest level is what the queue never needed; only a window minimum
// outside [low_water, high_water] for hold_windows windows in a row acts, so the ups and
// downs of scheduling never do: drift moves the minimum, jitter only the peaks.
#ifndef SC_AUDIO_DRIFT_H
#define SC_AUDIO_DRIFT_H

#include <stdbool.h>
#include <stdint.h>

struct sc_drift_config {
	uint32_t low_water;    // samples: a window minimum below this asks for an insert
	uint32_t high_water;   // samples: a window minimum above this asks for a drop
	uint32_t window_ms;    // 0 means 500
	uint32_t hold_windows; // 0 means 2
};

enum sc_drift_action {
	SC_DRIFT_NONE,
	SC_DRIFT_DROP,   // discard one frame (do not write it / skip one read)
	SC_DRIFT_INSERT, // add one frame (concealment or silence)
};

struct sc_drift {
	struct sc_drift_config cfg;
	bool started;
	int64_t window_start_ms;
	uint32_t window_min;
	uint32_t windows_high, windows_low;
	uint64_t drops, inserts;
};

// -EINVAL unless low_water < high_water.
int sc_drift_init(struct sc_drift *d, const struct sc_drift_config *cfg);
// One observation of the queue LEVEL (samples) at NOW_MS (monotonic). At most one action per
// window; after one, the next windows measure the corrected queue.
enum sc_drift_action sc_drift_observe(struct sc_drift *d, uint32_t level, int64_t now_ms);
// Forgets the measurements (after an xrun or a reopened device changed the queue at once).
void sc_drift_reset(struct sc_drift *d);

#endif
