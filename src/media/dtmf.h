// SPDX-License-Identifier: GPL-3.0-or-later
// DTMF in a call as RFC 4733 telephone events, both ways, as pure state: no packets are built
// or sent here and no clock is read. The call's media runtime (call_dtmf.c) ticks the sender
// once per captured frame and sends what it returns through the SRTP egress in place of that
// frame's audio; it hands the receiver every authenticated event packet and lets it paint the
// digit's dual tone over the earpiece's frames.
//
// Sending one digit at ptime P: the first packet (marker) carries P's worth of duration, each
// later one P more, all with the event's start timestamp; at SC_DTMF_TONE_MS the final packet
// (E bit) goes three times (RFC 4733 §2.5.1.4), one a packet interval; the next digit starts
// no sooner than SC_DTMF_GAP_MS after the tone ended. Timestamps and durations are in the
// codec's clock, which is the event's (RFC 4733 §2.1): 8000 beside G.711, 48000 beside Opus.
#ifndef SC_MEDIA_DTMF_H
#define SC_MEDIA_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio/tevent.h"
#include "audio/tones.h"

#define SC_DTMF_MAX_DIGITS 32 // in one request
#define SC_DTMF_QUEUE 64      // waiting to be sent: two full requests
#define SC_DTMF_HEARD 32      // the last digits received, kept for status
// 100 ms a digit: twice the 40 ms ITU-T Q.24 lets receivers require, as phones send by
// default; short enough that 32 digits take 5 s.
#define SC_DTMF_TONE_MS 100
// Q.24's minimum pause between digits; RFC 4733 §2.5.1.2 leaves it to the sender.
#define SC_DTMF_GAP_MS 50
// -10 dBm0: what RFC 4733 §2.5.1.1's examples and common phones announce.
#define SC_DTMF_VOLUME 10
// How far a received tone plays past the duration its last update announced while no end
// packet has come: bridges two late or lost updates at 20 ms, and bounds a tone whose end
// packets were all lost.
#define SC_DTMF_HOLD_MS 60

// "0123456789*#ABCD" (a-d too), 1..SC_DTMF_MAX_DIGITS of them. 0, or -EINVAL with WHY
// naming the first bad character or saying it is empty or too long.
int sc_dtmf_check(const char *digits, char *why, size_t why_len);

struct sc_dtmf_sender {
	uint32_t clock_rate;
	uint32_t step;              // timestamp units a packet: one frame
	char queue[SC_DTMF_QUEUE];
	unsigned head, count;
	bool sending;               // an event's packets are going out: no audio
	struct sc_tevent_tx tx;
	char current;
	bool have_next;
	uint32_t next_start;        // no event starts before this media time (the gap)
	uint64_t digits_sent, packets_sent;
};

// CLOCK_RATE 8000 or 48000, STEP one frame in its units. -EINVAL otherwise.
int sc_dtmf_sender_init(struct sc_dtmf_sender *s, uint32_t clock_rate, uint32_t step);
// Queues DIGITS (checked as sc_dtmf_check) behind those waiting. 0; -EINVAL with WHY;
// -ENOBUFS with WHY when they do not all fit (none is queued then).
int sc_dtmf_sender_queue(struct sc_dtmf_sender *s, const char *digits, char *why, size_t why_len);
// One frame at media time TS (its first sample). 1: send PAYLOAD as a telephone event with
// timestamp *EVENT_TS and *MARKER instead of the frame's audio; 0: send the audio.
int sc_dtmf_sender_tick(struct sc_dtmf_sender *s, uint32_t ts, uint8_t payload[SC_TEVENT_PAYLOAD_LEN],
			uint32_t *event_ts, bool *marker);
// Digits queued or being sent.
unsigned sc_dtmf_sender_pending(const struct sc_dtmf_sender *s);

struct sc_dtmf_receiver {
	struct sc_tevent_rx rx;
	uint32_t clock_rate;
	bool tone_on;
	struct sc_dtmf_gen tone;
	char heard[SC_DTMF_HEARD + 1]; // oldest first, NUL-terminated
	uint64_t digits, packets, malformed, other_events;
};

int sc_dtmf_receiver_init(struct sc_dtmf_receiver *r, uint32_t clock_rate);
// One authenticated telephone-event payload with its RTP timestamp. 1 with *DIGIT when it
// begins a DTMF digit (once per event, whatever is repeated, reordered or lost), 0 when it
// only updates or repeats, -EINVAL when malformed (counted, nothing changes).
int sc_dtmf_receiver_put(struct sc_dtmf_receiver *r, uint32_t ts, const uint8_t *payload,
			 size_t len, char *digit);
// Writes the received digit's tone over the first samples of PCM (N samples at the clock
// rate) for as long as it lasts; returns how many samples it wrote.
size_t sc_dtmf_receiver_play(struct sc_dtmf_receiver *r, int16_t *pcm, size_t n);

#endif
