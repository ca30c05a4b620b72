// SPDX-License-Identifier: GPL-3.0-or-later
// Adaptive jitter buffer for one RTP audio stream, fixed-duration frames (the ptime).
//
// Pure: time comes in as arguments (microseconds of a monotonic clock), nothing here reads a
// clock, sleeps or allocates after creation. The media layer puts each authenticated packet
// with its arrival time; the playback side gets one frame per frame period with the time it
// needs it (ideally the audio device's own clock, so the buffer follows the device).
//
// How it adapts: every packet's arrival offset (arrival time minus its RTP timestamp in
// microseconds) is compared with the smallest offset of the last seconds, which is what the
// fastest packets take. The target delay is the larger of a long-horizon 95th percentile of
// that excess and the largest excess of the last 5 s (peak hold, so one burst teaches the
// buffer to absorb the next), clamped to [min_delay_ms, max_delay_ms]. Playout is moved in
// whole frames: a concealment frame is inserted to grow the delay, a frame is dropped after
// the delay stayed above target for a while. Because the baseline is a moving minimum, clock
// drift between sender and receiver shows up as a slowly moving baseline and is absorbed by
// the same inserts and drops instead of a delay that grows without end.
#ifndef SC_AUDIO_JITTER_H
#define SC_AUDIO_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_jb_config {
	uint32_t clock_rate;   // RTP clock rate, Hz: 8000 for G.711, 48000 for Opus
	uint32_t frame_ms;     // audio in one packet (the negotiated ptime): 10 or 20
	uint32_t min_delay_ms; // 0 means 20
	uint32_t max_delay_ms; // 0 means 200
	size_t max_payload;    // largest payload kept; 0 means 1275 (largest Opus frame)
};

enum sc_jb_put_result {
	SC_JB_PUT_STORED,    // will be played
	SC_JB_PUT_DUPLICATE, // already had this sequence number; ignored
	SC_JB_PUT_LATE,      // its playout time has passed; ignored (still counts for jitter)
	SC_JB_PUT_RESYNC,    // the stream's timeline jumped: buffer restarted with this packet
};

enum sc_jb_kind {
	SC_JB_SILENCE, // nothing to play yet (not started, or refilling): play silence
	SC_JB_FRAME,   // a received frame: decode payload
	SC_JB_CONCEAL, // a frame is missing or the delay grows: run packet-loss concealment
};

struct sc_jb_frame {
	enum sc_jb_kind kind;
	const uint8_t *payload; // SC_JB_FRAME only; valid until the next put or get
	size_t len;
	uint32_t rtp_ts;        // SC_JB_FRAME only
	uint16_t seq;           // SC_JB_FRAME only
	// SC_JB_CONCEAL only: true when this frame's packet never came (the play position
	// moved past it), false when the buffer inserts a frame to grow its delay. Only a
	// missing frame may be rebuilt from the next packet (Opus in-band FEC, sc_jb_peek).
	bool missing;
};

// Counters since creation, for RTCP (RFC 3550 receiver reports, RFC 3611 XR) and status.
struct sc_jb_stats {
	uint32_t delay_ms;       // current buffering delay beyond the fastest packets' transit
	uint32_t target_ms;      // what the buffer aims for now
	uint32_t jitter_ts;      // RFC 3550 §6.4.1 interarrival jitter, timestamp units
	uint32_t jitter_ms;      // the same in milliseconds
	uint64_t received;       // packets put, including duplicates and late ones
	uint64_t played;         // frames played from received packets
	uint64_t concealed;      // concealment frames for missing packets and inserts
	uint64_t lost;           // sequence numbers never received (RFC 3550 expected - received)
	uint64_t late;           // arrived after their playout time, discarded
	uint64_t duplicates;
	uint64_t dropped;        // discarded to shrink the delay, or because the buffer was full
	uint64_t inserted;       // concealment frames inserted to grow the delay
	uint64_t resyncs;        // timeline jumps handled by restarting
	// Times nothing arrived for longer than the largest delay: the network (or the far
	// end, or its sender) stopped for longer than any buffering could hide. A hold or a
	// far end that stops sending in silence counts too.
	uint64_t gaps;
	uint32_t longest_gap_ms; // the longest time between two arrivals
};

struct sc_jb;

// -EINVAL on a configuration that cannot work (rate outside 1-192 kHz, a frame outside
// 5-120 ms or not a whole number of samples, min > max, max over 2 s), -ENOMEM.
int sc_jb_new(const struct sc_jb_config *config, struct sc_jb **out);
void sc_jb_free(struct sc_jb *jb);

// One received packet. Returns an enum sc_jb_put_result, or -EMSGSIZE when the payload is
// larger than max_payload (nothing changes).
int sc_jb_put(struct sc_jb *jb, uint16_t seq, uint32_t rtp_ts, int64_t arrival_us,
	      const uint8_t *payload, size_t len);

// The frame to play at NOW_US; call once per frame period.
void sc_jb_get(struct sc_jb *jb, int64_t now_us, struct sc_jb_frame *out);

// The packet the next sc_jb_get will play, if it has arrived: true with OUT filled as an
// SC_JB_FRAME (payload valid until the next put or get), false otherwise. Changes nothing.
// After a get that returned a missing frame, this is the packet that followed the lost one:
// Opus rebuilds the lost frame from that packet's in-band FEC data.
bool sc_jb_peek(const struct sc_jb *jb, struct sc_jb_frame *out);

void sc_jb_get_stats(const struct sc_jb *jb, struct sc_jb_stats *out);

#endif
