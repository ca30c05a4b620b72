// SPDX-License-Identifier: GPL-3.0-or-later
// The headset as the core sees it: frames of the codec's rate in and out, poll descriptors
// for the event loop, and nothing that blocks.
//
//   sc_alsa_new             finds the headset (device_find.h) and opens it; without one it
//                           stays CLOSED and sc_alsa_reprobe (call it every second) opens it
//                           when it appears
//   sc_alsa_pollfds         descriptors to watch (capture, playback, then a timer of its
//                           own); they change after every open, so register them again
//                           after reprobe succeeds
//   sc_alsa_handle          after the loop woke: moves audio between the device and the
//                           queues, recovers xruns, and reports events
//   sc_alsa_read / _write   one frame (frame_ms at the codec rate) from / to the queues
//
// Capture and playback run at a rate the device really offers and are converted with
// speexdsp (resample.h). Playback starts with 2.5 periods (at least 40 ms) of silence and
// is kept from running dry: a timer wakes the loop when, without further writes, half a
// period would be left; then silence is added (counted) instead of letting the device
// underrun. An xrun that happens anyway is
// recovered (snd_pcm_recover, silence again). A device that is gone (-ENODEV, or an error
// recovery cannot fix) closes both directions: SC_ALSA_EV_UNPLUGGED, then reprobe.
//
// Clock drift: the queue levels are in the status; drift.h decides from them when the core
// should drop or insert a frame.
#ifndef SC_AUDIO_ALSA_HEADSET_H
#define SC_AUDIO_ALSA_HEADSET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_ALSA_MAX_POLLFDS 8

struct sc_alsa_config {
	const char *device; // audio.device: "auto", a card id, or a PCM of the ALSA configuration
	uint32_t rate;      // the codec's rate: 8000 for G.711 (8000..48000)
	uint32_t frame_ms;  // 10 or 20
	uint32_t volume;    // 0..100 (volume.h)
};

enum sc_alsa_state { SC_ALSA_CLOSED, SC_ALSA_OPEN };

enum sc_alsa_event {
	SC_ALSA_EV_CAPTURE = 1u << 0,   // at least one frame can be read
	SC_ALSA_EV_UNPLUGGED = 1u << 1, // the device went away: CLOSED, its descriptors are gone
	SC_ALSA_EV_XRUN = 1u << 2,      // an overrun or underrun was recovered
};

struct sc_alsa_status {
	enum sc_alsa_state state;
	char pcm[96];              // the PCM opened (last opened while CLOSED)
	int card_index;            // its ALSA card number while OPEN (for sysfs), else -1
	char mixer[32];            // hardware volume element, "" when the gain is in software
	uint32_t capture_rate, playback_rate;
	unsigned capture_channels, playback_channels;
	uint32_t capture_queued;   // codec-rate samples captured and not yet read
	uint32_t playback_queued;  // codec-rate samples written and not yet heard
	uint32_t volume;
	bool muted;
	uint64_t opens, unplugs;
	uint64_t overruns, underruns;  // xruns recovered
	uint64_t silence_filled;       // device-rate frames of silence added to keep playback fed
	uint64_t capture_dropped;      // codec-rate samples dropped because nobody read them
	uint64_t playback_dropped;     // codec-rate samples refused because the queue was full
};

struct sc_alsa;

// -EINVAL for a bad configuration, -ENOMEM; otherwise 0, with the device OPEN or CLOSED
// (the reason in sc_alsa_why and in the log).
int sc_alsa_new(const struct sc_alsa_config *cfg, struct sc_alsa **out);
void sc_alsa_free(struct sc_alsa *a);

// While CLOSED: looks for the device again and opens it. 0 when open (new descriptors),
// else the negative errno of the failure; the log says why once, not at every try.
int sc_alsa_reprobe(struct sc_alsa *a);

// Copies the descriptors into FDS. Returns their number (0 while CLOSED) or -ENOSPC.
int sc_alsa_pollfds(struct sc_alsa *a, struct pollfd *fds, size_t max);
// FDS as given by sc_alsa_pollfds, with the revents the loop saw (0 for those not ready).
// Returns a mask of enum sc_alsa_event, or -EINVAL when N does not match. While CLOSED it
// only reports what is pending (an unplug that sc_alsa_write ran into), whatever FDS is.
int sc_alsa_handle(struct sc_alsa *a, struct pollfd *fds, size_t n);

// One frame of the codec's rate: 0, -EAGAIN (not yet captured), -ENODEV (CLOSED).
int sc_alsa_read(struct sc_alsa *a, int16_t *frame);
// 0, -ENOBUFS (queue full: frame dropped and counted), -ENODEV (CLOSED: frame discarded).
int sc_alsa_write(struct sc_alsa *a, const int16_t *frame);
size_t sc_alsa_frame_samples(const struct sc_alsa *a);

// Muted, the microphone's samples are zeroed but still delivered, so timing holds.
void sc_alsa_set_mute(struct sc_alsa *a, bool muted);
// 0..100; on the hardware element when there is one, else on the samples.
void sc_alsa_set_volume(struct sc_alsa *a, uint32_t percent);

void sc_alsa_get_status(struct sc_alsa *a, struct sc_alsa_status *st);
// Why the device is CLOSED ("" when open).
const char *sc_alsa_why(const struct sc_alsa *a);

#endif
