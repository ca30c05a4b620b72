// SPDX-License-Identifier: GPL-3.0-or-later
// RFC 4733 telephone-event payloads (DTMF digits as named events, "telephone-event/8000").
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |     event     |E|R| volume    |          duration             |
//
// The sender keeps one RTP timestamp (the event's start) for every packet of an event, grows
// the duration in each update, and repeats the final packet (E set) three times; the receiver
// reports each event once however many of those packets arrive.
#ifndef SC_AUDIO_TEVENT_H
#define SC_AUDIO_TEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_TEVENT_PAYLOAD_LEN 4
#define SC_TEVENT_MAX_VOLUME 63   // dBm0 below zero; louder than -63 dBm0 is 0..63
#define SC_TEVENT_END_REPEATS 3   // RFC 4733 §2.5.1.4

struct sc_tevent {
	uint8_t event;     // 0-9, 10 = '*', 11 = '#', 12-15 = A-D (RFC 4733 §3.2)
	bool end;
	uint8_t volume;    // 0..63: power level in -dBm0
	uint16_t duration; // in timestamp units since the event's start timestamp
};

// Writes the 4-byte payload. -EINVAL when the volume does not fit in 6 bits.
int sc_tevent_build(const struct sc_tevent *ev, uint8_t out[SC_TEVENT_PAYLOAD_LEN]);
// Reads a payload. -EINVAL unless it is exactly 4 bytes. The reserved bit is ignored, as the
// RFC requires of receivers.
int sc_tevent_parse(const uint8_t *payload, size_t len, struct sc_tevent *ev);

// DTMF digit <-> event code: "0123456789*#ABCD" (lower case a-d accepted). -EINVAL or 0
// for anything else.
int sc_tevent_from_digit(char digit);
char sc_tevent_to_digit(uint8_t event);

// Sends one event: every call to sc_tevent_tx_next is one packet interval later.
struct sc_tevent_tx {
	uint8_t event, volume;
	uint32_t start_ts;       // RTP timestamp of every packet of this event
	uint32_t duration;       // total, timestamp units
	uint32_t step;           // one packet interval, timestamp units
	uint32_t elapsed;
	unsigned end_sent;
	bool started;
};

// DURATION is capped at 0xFFFF units (8.19 s at 8 kHz): longer tones would need the RFC's
// segmentation, which a phone's button never needs. -EINVAL on a bad event, volume or step.
int sc_tevent_tx_start(struct sc_tevent_tx *tx, uint8_t event, uint8_t volume, uint32_t start_ts,
		       uint32_t duration, uint32_t step);
// Fills the next packet's payload and tells whether it starts the event (RTP marker bit).
// Returns 1 for a packet, 0 once the three final packets have been sent.
int sc_tevent_tx_next(struct sc_tevent_tx *tx, uint8_t payload[SC_TEVENT_PAYLOAD_LEN],
		      uint32_t *rtp_ts, bool *marker);

enum sc_tevent_rx_result {
	SC_TEVENT_RX_NONE,      // an update, a repeat, or a late packet of an earlier event
	SC_TEVENT_RX_BEGIN,     // a new event (also when its first packets were lost)
	SC_TEVENT_RX_END,       // the event already reported ended; its duration is final
	SC_TEVENT_RX_BEGIN_END, // a new event seen first in one of its final packets
};

struct sc_tevent_rx {
	bool have_event, ended;
	uint32_t ts;
	struct sc_tevent current;
};

void sc_tevent_rx_init(struct sc_tevent_rx *rx);
// Feeds one received telephone-event packet. Each event (one start timestamp) is new exactly
// once: BEGIN, or BEGIN_END when its first packets were lost; a new timestamp ends the event
// before it whether or not its end was seen (RFC 4733 §2.5.2), and packets of an earlier
// timestamp arriving late are ignored, so reordering never brings an event back. EVENT is
// the current event (the packet itself when it was ignored). -EINVAL on a malformed payload,
// which changes nothing.
int sc_tevent_rx_put(struct sc_tevent_rx *rx, uint32_t rtp_ts, const uint8_t *payload, size_t len,
		     enum sc_tevent_rx_result *result, struct sc_tevent *event);

#endif
