// SPDX-License-Identifier: GPL-3.0-or-later
// The headset's buttons, read from its evdev node (/dev/input/eventN) and turned into actions
// by the button map (audio/buttons.h). The core polls sc_evdev_fd, calls sc_evdev_read when it
// is readable, and arms a timer for sc_evdev_deadline (long presses).
//
// What real devices do, and how it is handled:
//  - Event times: set to CLOCK_MONOTONIC (EVIOCSCLOCKID), so they compare with the core's
//    timers; a long press is timed from the kernel's time of the press, not from when the
//    daemon got round to reading it.
//  - SYN_DROPPED: the kernel's queue overflowed and events were lost. Everything up to the
//    next SYN_REPORT is discarded, and a press in progress is forgotten: a release whose
//    press was lost must not hang up a call.
//  - Unplugging: read fails with ENODEV. Reported once as -ENODEV; the core closes this and
//    looks for the headset again.
// Records may arrive split (pipes and FIFOs in tests, never a real device): the part that came
// is kept until the rest does.
#ifndef SC_AUDIO_EVDEV_INPUT_H
#define SC_AUDIO_EVDEV_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "audio/buttons.h"
#include "policy/policy.h"

struct sc_evdev_handler {
	// The call state, asked before each key event: an action taken on one event (a call
	// answered) is seen by the next event of the same read.
	enum sc_ui_state (*ui_state)(void *ctx);
	void (*action)(void *ctx, enum sc_button_action action, uint64_t time_ms);
	void *ctx;
};

struct sc_evdev_stats {
	uint64_t events;    // records read
	uint64_t keys;      // EV_KEY records given to the button map
	uint64_t actions;   // actions reported
	uint64_t dropped;   // SYN_DROPPED seen
	uint64_t discarded; // records discarded after SYN_DROPPED, or cut short at the end
};

struct sc_evdev_input;

// Opens PATH (an evdev node; in tests a FIFO or a file of struct input_event records) for
// non-blocking reads, with BUTTONS from the policy. Errors are logged with the cause and fix:
// -ENOENT, -EACCES (the daemon's user needs the "input" group), -ENOTTY (a character device
// that is not evdev), -EINVAL (neither device, FIFO nor file), -ENOMEM.
int sc_evdev_open(const char *path, const struct sc_buttons *buttons, struct sc_evdev_input **out);
void sc_evdev_close(struct sc_evdev_input *in);
int sc_evdev_fd(const struct sc_evdev_input *in);
const char *sc_evdev_path(const struct sc_evdev_input *in);

// Reads what has arrived and reports each resulting action to H. Returns 0 when everything was
// read, 1 when it stopped after a bounded amount with more waiting (call again), -ENODEV when
// the device is gone (unplugged; for a FIFO or file, its end), another -errno on failure.
int sc_evdev_read(struct sc_evdev_input *in, const struct sc_evdev_handler *h);

// The long-press timer: when a held key becomes a long press (monotonic ms), and the call to
// make when the clock gets there.
bool sc_evdev_deadline(const struct sc_evdev_input *in, uint64_t *when_ms);
void sc_evdev_tick(struct sc_evdev_input *in, const struct sc_evdev_handler *h, uint64_t now_ms);

const struct sc_evdev_stats *sc_evdev_stats(const struct sc_evdev_input *in);

#endif
