// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/jitter.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

// Arrival history is kept in buckets of a quarter second; the baseline (smallest offset) and
// the peak hold both look back over all of them.
#define BUCKET_US 250000
#define NBUCKETS 20
// Excess delay histogram, 1 ms bins, forgetting with a half-life of about 10 s of packets.
#define HIST_BINS 1024
#define HIST_HALF_LIFE_MS 10000.0
#define TARGET_PERCENTILE 0.95
// Hold the delay above target this long before dropping a frame, so that a short-lived
// excess (the baseline moving, one early packet) does not cost audio.
#define DROP_HOLD_US 200000
// Sequence numbers further than this from the newest one start a new count.
#define SEQ_RESET 3000
#define SEEN_BITS 256

struct slot {
	bool used;
	int64_t frame;
	uint16_t seq;
	uint32_t rtp_ts;
	size_t len;
};

struct bucket {
	int64_t id; // arrival_us / BUCKET_US; -1 when empty
	int64_t min_offset_us;
	int64_t max_excess_us;
};

struct sc_jb {
	struct sc_jb_config cfg;
	uint32_t frame_ts;
	int64_t frame_us;
	size_t nslots; // a power of two
	struct slot *slots;
	uint8_t *payloads;
	size_t n_buffered;
	int64_t max_frame;

	// Timeline: RTP timestamps unwrapped to 64 bits, counted from ORIGIN_TS (frame 0).
	bool have_stream;
	uint32_t last_raw_ts;
	int64_t last_ext_ts;
	int64_t origin_ts;

	bool has_play_pos, playing;
	int64_t play_frame;
	unsigned underrun_run;
	bool above;
	int64_t above_since_us;
	int64_t last_delay_us;

	// The newest packet so far, against which a timeline jump is recognised.
	bool have_ref;
	uint16_t ref_seq;
	int64_t ref_ext_ts, ref_arrival_us;

	// Sequence accounting for loss and duplicates.
	bool have_seq;
	int64_t max_ext_seq, base_ext_seq;
	uint64_t unique, lost_before_reset;
	uint64_t seen[SEEN_BITS / 64];

	struct bucket buckets[NBUCKETS];
	double hist[HIST_BINS];
	double hist_total, hist_weight, forget;
	int64_t target_us;

	bool have_arrival;
	int64_t last_arrival_us;

	bool have_transit;
	int64_t last_transit;
	double jitter; // timestamp units, RFC 3550 §6.4.1

	struct sc_jb_stats st;
};

static int64_t ts_to_us(const struct sc_jb *jb, int64_t ts_units)
{
	return ts_units * 1000000 / (int64_t)jb->cfg.clock_rate;
}

static size_t next_pow2(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

int sc_jb_new(const struct sc_jb_config *config, struct sc_jb **out)
{
	struct sc_jb_config cfg = *config;
	if (!cfg.min_delay_ms)
		cfg.min_delay_ms = 20;
	if (!cfg.max_delay_ms)
		cfg.max_delay_ms = 200;
	if (!cfg.max_payload)
		cfg.max_payload = 1275;
	if (cfg.clock_rate < 1000 || cfg.clock_rate > 192000 || cfg.frame_ms < 5 || cfg.frame_ms > 120 ||
	    (uint64_t)cfg.clock_rate * cfg.frame_ms % 1000 != 0 || cfg.min_delay_ms > cfg.max_delay_ms ||
	    cfg.max_delay_ms > 2000 || cfg.max_payload > 65536)
		return -EINVAL;

	struct sc_jb *jb = calloc(1, sizeof(*jb));
	if (!jb)
		return -ENOMEM;
	jb->cfg = cfg;
	jb->frame_ts = (uint32_t)((uint64_t)cfg.clock_rate * cfg.frame_ms / 1000);
	jb->frame_us = (int64_t)cfg.frame_ms * 1000;
	// Room for the largest delay four times over: bursts after a stall arrive all at once.
	size_t want = (size_t)cfg.max_delay_ms * 4 / cfg.frame_ms;
	jb->nslots = next_pow2(want < 16 ? 16 : want);
	jb->slots = calloc(jb->nslots, sizeof(*jb->slots));
	jb->payloads = malloc(jb->nslots * cfg.max_payload);
	if (!jb->slots || !jb->payloads) {
		sc_jb_free(jb);
		return -ENOMEM;
	}
	for (size_t i = 0; i < NBUCKETS; i++)
		jb->buckets[i].id = -1;
	// Per-packet factor that halves a packet's weight after HIST_HALF_LIFE_MS of packets.
	jb->forget = pow(0.5, cfg.frame_ms / HIST_HALF_LIFE_MS);
	jb->hist_weight = 1.0;
	jb->target_us = (int64_t)cfg.min_delay_ms * 1000;
	*out = jb;
	return 0;
}

void sc_jb_free(struct sc_jb *jb)
{
	if (!jb)
		return;
	free(jb->slots);
	free(jb->payloads);
	free(jb);
}

static struct slot *slot_of(struct sc_jb *jb, int64_t frame)
{
	return &jb->slots[(uint64_t)frame & (jb->nslots - 1)];
}

static bool has_frame(struct sc_jb *jb, int64_t frame)
{
	struct slot *s = slot_of(jb, frame);
	return s->used && s->frame == frame;
}

static void free_slot(struct sc_jb *jb, struct slot *s)
{
	if (s->used) {
		s->used = false;
		jb->n_buffered--;
	}
}

static void flush(struct sc_jb *jb)
{
	for (size_t i = 0; i < jb->nslots; i++)
		jb->slots[i].used = false;
	jb->st.dropped += jb->n_buffered;
	jb->n_buffered = 0;
}

static int64_t baseline_us(const struct sc_jb *jb, bool *valid)
{
	int64_t newest = -1, best = 0;
	for (size_t i = 0; i < NBUCKETS; i++)
		if (jb->buckets[i].id > newest)
			newest = jb->buckets[i].id;
	*valid = false;
	for (size_t i = 0; i < NBUCKETS; i++) {
		const struct bucket *b = &jb->buckets[i];
		if (b->id < 0 || b->id <= newest - NBUCKETS)
			continue;
		if (!*valid || b->min_offset_us < best)
			best = b->min_offset_us;
		*valid = true;
	}
	return best;
}

static int64_t peak_excess_us(const struct sc_jb *jb)
{
	int64_t newest = -1, peak = 0;
	for (size_t i = 0; i < NBUCKETS; i++)
		if (jb->buckets[i].id > newest)
			newest = jb->buckets[i].id;
	for (size_t i = 0; i < NBUCKETS; i++) {
		const struct bucket *b = &jb->buckets[i];
		if (b->id >= 0 && b->id > newest - NBUCKETS && b->max_excess_us > peak)
			peak = b->max_excess_us;
	}
	return peak;
}

static void reset_arrivals(struct sc_jb *jb)
{
	for (size_t i = 0; i < NBUCKETS; i++)
		jb->buckets[i].id = -1;
	jb->have_transit = false;
}

// Records one packet's arrival offset and recomputes the target delay.
static void learn_arrival(struct sc_jb *jb, int64_t offset_us, int64_t arrival_us)
{
	int64_t id = arrival_us >= 0 ? arrival_us / BUCKET_US : 0;
	struct bucket *b = &jb->buckets[(uint64_t)id % NBUCKETS];
	if (b->id != id) {
		b->id = id;
		b->min_offset_us = offset_us;
		b->max_excess_us = 0;
	} else if (offset_us < b->min_offset_us) {
		b->min_offset_us = offset_us;
	}
	bool valid;
	int64_t excess = offset_us - baseline_us(jb, &valid);
	if (excess > b->max_excess_us)
		b->max_excess_us = excess;

	int64_t bin = excess / 1000;
	if (bin >= HIST_BINS)
		bin = HIST_BINS - 1;
	// Forgetting by giving each new sample more weight than the last keeps the same ratios
	// as decaying every bin, at the cost of one addition; rescale now and then.
	jb->hist[bin] += jb->hist_weight;
	jb->hist_total += jb->hist_weight;
	jb->hist_weight /= jb->forget;
	if (jb->hist_weight > 1024.0) { // every 5000 packets at 20 ms: the long tests cross it
		for (size_t i = 0; i < HIST_BINS; i++)
			jb->hist[i] /= jb->hist_weight;
		jb->hist_total /= jb->hist_weight;
		jb->hist_weight = 1.0;
	}

	double want = jb->hist_total * TARGET_PERCENTILE, sum = 0;
	int64_t pct_ms = HIST_BINS - 1;
	for (size_t i = 0; i < HIST_BINS; i++) {
		sum += jb->hist[i];
		if (sum >= want) {
			pct_ms = (int64_t)i + 1; // the bin's upper edge
			break;
		}
	}
	int64_t target = pct_ms * 1000;
	int64_t peak = peak_excess_us(jb);
	if (peak > target)
		target = peak;
	int64_t lo = (int64_t)jb->cfg.min_delay_ms * 1000, hi = (int64_t)jb->cfg.max_delay_ms * 1000;
	jb->target_us = target < lo ? lo : target > hi ? hi : target;
}

static void learn_jitter(struct sc_jb *jb, int64_t ext_ts, int64_t arrival_us)
{
	int64_t arrival_units = arrival_us * (int64_t)jb->cfg.clock_rate / 1000000;
	int64_t transit = arrival_units - ext_ts;
	if (jb->have_transit) {
		int64_t d = transit - jb->last_transit;
		if (d < 0)
			d = -d;
		jb->jitter += ((double)d - jb->jitter) / 16.0;
	}
	jb->have_transit = true;
	jb->last_transit = transit;
}

static void note_arrival(struct sc_jb *jb, int64_t arrival_us)
{
	if (jb->have_arrival && arrival_us <= jb->last_arrival_us)
		return;
	if (jb->have_arrival) {
		int64_t gap_ms = (arrival_us - jb->last_arrival_us) / 1000;
		if (gap_ms > (int64_t)jb->cfg.max_delay_ms)
			jb->st.gaps++;
		if (gap_ms > (int64_t)jb->st.longest_gap_ms)
			jb->st.longest_gap_ms = gap_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)gap_ms;
	}
	jb->have_arrival = true;
	jb->last_arrival_us = arrival_us;
}

enum seq_class { SEQ_NEW, SEQ_DUPLICATE, SEQ_TOO_OLD };

static bool seen_get(const struct sc_jb *jb, int64_t ext)
{
	uint64_t bit = (uint64_t)ext % SEEN_BITS;
	return (jb->seen[bit / 64] >> (bit % 64)) & 1;
}

static void seen_set(struct sc_jb *jb, int64_t ext, bool on)
{
	uint64_t bit = (uint64_t)ext % SEEN_BITS;
	if (on)
		jb->seen[bit / 64] |= UINT64_C(1) << (bit % 64);
	else
		jb->seen[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
}

static uint64_t seq_lost_now(const struct sc_jb *jb)
{
	if (!jb->have_seq)
		return jb->lost_before_reset;
	int64_t expected = jb->max_ext_seq - jb->base_ext_seq + 1;
	int64_t lost = expected - (int64_t)jb->unique;
	return jb->lost_before_reset + (lost > 0 ? (uint64_t)lost : 0);
}

static void seq_restart(struct sc_jb *jb, uint16_t seq)
{
	jb->lost_before_reset = seq_lost_now(jb);
	jb->have_seq = true;
	jb->max_ext_seq = jb->base_ext_seq = seq;
	jb->unique = 1;
	memset(jb->seen, 0, sizeof(jb->seen));
	seen_set(jb, seq, true);
}

static enum seq_class account_seq(struct sc_jb *jb, uint16_t seq)
{
	if (!jb->have_seq) {
		seq_restart(jb, seq);
		return SEQ_NEW;
	}
	int64_t delta = (int16_t)(uint16_t)(seq - (uint16_t)jb->max_ext_seq);
	if (delta > SEQ_RESET || delta < -SEQ_RESET) {
		seq_restart(jb, seq);
		return SEQ_NEW;
	}
	int64_t ext = jb->max_ext_seq + delta;
	if (delta > 0) {
		for (int64_t s = jb->max_ext_seq + 1; s <= ext && s <= jb->max_ext_seq + SEEN_BITS; s++)
			seen_set(jb, s, false);
		jb->max_ext_seq = ext;
	} else if (ext <= jb->max_ext_seq - SEEN_BITS) {
		return SEQ_TOO_OLD;
	} else if (seen_get(jb, ext)) {
		return SEQ_DUPLICATE;
	}
	if (ext < jb->base_ext_seq)
		jb->base_ext_seq = ext; // reordered ahead of the first one
	seen_set(jb, ext, true);
	jb->unique++;
	return SEQ_NEW;
}

// A jump is a timestamp step that neither the sequence numbers nor the arrival times
// explain: a network stall moves arrivals but keeps timestamps in step with sequence
// numbers, and silence suppression skips timestamps by exactly the time that passed.
static bool timeline_jumped(const struct sc_jb *jb, uint16_t seq, int64_t ext_ts, int64_t arrival_us)
{
	if (!jb->have_ref)
		return false;
	int64_t seq_delta = (int16_t)(uint16_t)(seq - jb->ref_seq);
	if (seq_delta <= 0 && seq_delta >= -SEQ_RESET)
		return false; // reordered or repeated: judged against newer packets already
	int64_t ts_delta = ext_ts - jb->ref_ext_ts;
	if (seq_delta > 0 && seq_delta <= SEQ_RESET && ts_delta == seq_delta * (int64_t)jb->frame_ts)
		return false;
	int64_t mismatch = ts_to_us(jb, ts_delta) - (arrival_us - jb->ref_arrival_us);
	if (mismatch < 0)
		mismatch = -mismatch;
	return mismatch > (int64_t)jb->cfg.max_delay_ms * 1000;
}

static void start_timeline(struct sc_jb *jb, uint32_t rtp_ts)
{
	jb->have_stream = true;
	jb->last_raw_ts = rtp_ts;
	jb->last_ext_ts = rtp_ts;
	jb->origin_ts = rtp_ts;
	jb->has_play_pos = jb->playing = false;
	jb->underrun_run = 0;
	jb->above = false;
	jb->max_frame = 0;
	flush(jb);
	reset_arrivals(jb);
}

static int64_t unwrap_ts(struct sc_jb *jb, uint32_t rtp_ts)
{
	int64_t ext = jb->last_ext_ts + (int32_t)(rtp_ts - jb->last_raw_ts);
	if (ext > jb->last_ext_ts) {
		jb->last_ext_ts = ext;
		jb->last_raw_ts = rtp_ts;
	}
	return ext;
}

static void store(struct sc_jb *jb, int64_t frame, uint16_t seq, uint32_t rtp_ts,
		  const uint8_t *payload, size_t len)
{
	struct slot *s = slot_of(jb, frame);
	if (!s->used)
		jb->n_buffered++;
	s->used = true;
	s->frame = frame;
	s->seq = seq;
	s->rtp_ts = rtp_ts;
	s->len = len;
	if (len)
		memcpy(jb->payloads + (size_t)(s - jb->slots) * jb->cfg.max_payload, payload, len);
	if (frame > jb->max_frame)
		jb->max_frame = frame;
}

int sc_jb_put(struct sc_jb *jb, uint16_t seq, uint32_t rtp_ts, int64_t arrival_us,
	      const uint8_t *payload, size_t len)
{
	if (len > jb->cfg.max_payload)
		return -EMSGSIZE;
	jb->st.received++;
	note_arrival(jb, arrival_us);
	enum sc_jb_put_result result = SC_JB_PUT_STORED;

	enum seq_class cls = account_seq(jb, seq);
	if (cls == SEQ_DUPLICATE) {
		jb->st.duplicates++;
		return SC_JB_PUT_DUPLICATE;
	}
	if (!jb->have_stream)
		start_timeline(jb, rtp_ts);
	int64_t ext_ts = unwrap_ts(jb, rtp_ts);
	if (timeline_jumped(jb, seq, ext_ts, arrival_us)) {
		start_timeline(jb, rtp_ts);
		ext_ts = rtp_ts;
		jb->st.resyncs++;
		result = SC_JB_PUT_RESYNC;
	}
	int64_t seq_delta = (int16_t)(uint16_t)(seq - jb->ref_seq);
	if (!jb->have_ref || result == SC_JB_PUT_RESYNC || seq_delta > 0 || seq_delta < -SEQ_RESET) {
		jb->have_ref = true;
		jb->ref_seq = seq;
		jb->ref_ext_ts = ext_ts;
		jb->ref_arrival_us = arrival_us;
	}

	int64_t rel_ts = ext_ts - jb->origin_ts;
	int64_t half = jb->frame_ts / 2;
	int64_t frame = rel_ts >= 0 ? (rel_ts + half) / jb->frame_ts
				    : -((-rel_ts + half) / (int64_t)jb->frame_ts);
	int64_t offset = arrival_us - ts_to_us(jb, rel_ts);
	learn_arrival(jb, offset, arrival_us);
	learn_jitter(jb, ext_ts, arrival_us);

	if (cls == SEQ_TOO_OLD || (jb->has_play_pos && jb->playing && frame < jb->play_frame)) {
		jb->st.late++;
		return SC_JB_PUT_LATE;
	}
	if (!jb->has_play_pos) {
		jb->has_play_pos = true;
		jb->play_frame = frame;
		jb->max_frame = frame;
	} else if (!jb->playing && frame < jb->play_frame) {
		// Reordered before playback started: start earlier if the window allows it.
		if (jb->max_frame - frame >= (int64_t)jb->nslots) {
			jb->st.late++;
			return SC_JB_PUT_LATE;
		}
		jb->play_frame = frame;
	}
	if (has_frame(jb, frame)) {
		// Same timestamp under another sequence number: the sender repeated itself.
		jb->st.duplicates++;
		return SC_JB_PUT_DUPLICATE;
	}
	// Too far ahead for the window: the oldest frames make room (a burst beyond any delay
	// we would accept, or a sender running much faster than us). A packet further ahead
	// than a whole window empties it in one step rather than one frame at a time.
	if (frame - jb->play_frame >= 2 * (int64_t)jb->nslots) {
		flush(jb);
		jb->play_frame = frame - (int64_t)jb->nslots + 1;
	}
	while (frame - jb->play_frame >= (int64_t)jb->nslots) {
		struct slot *old = slot_of(jb, jb->play_frame);
		if (old->used && old->frame == jb->play_frame) {
			free_slot(jb, old);
			jb->st.dropped++;
		}
		jb->play_frame++;
	}
	store(jb, frame, seq, rtp_ts, payload, len);
	return (int)result;
}

static void emit_frame(struct sc_jb *jb, struct sc_jb_frame *out)
{
	struct slot *s = slot_of(jb, jb->play_frame);
	out->kind = SC_JB_FRAME;
	out->payload = jb->payloads + (size_t)(s - jb->slots) * jb->cfg.max_payload;
	out->len = s->len;
	out->rtp_ts = s->rtp_ts;
	out->seq = s->seq;
	free_slot(jb, s);
	jb->play_frame++;
	jb->st.played++;
	jb->underrun_run = 0;
}

static void drop_play_frame(struct sc_jb *jb)
{
	struct slot *s = slot_of(jb, jb->play_frame);
	if (s->used && s->frame == jb->play_frame) {
		free_slot(jb, s);
		jb->st.dropped++;
	}
	jb->play_frame++;
}

void sc_jb_get(struct sc_jb *jb, int64_t now_us, struct sc_jb_frame *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = SC_JB_SILENCE;
	bool valid;
	int64_t base = baseline_us(jb, &valid);
	if (!jb->have_stream || !jb->has_play_pos || !valid) {
		jb->last_delay_us = 0;
		return;
	}
	int64_t target = jb->target_us;
	int64_t delay = now_us - ts_to_us(jb, jb->play_frame * (int64_t)jb->frame_ts) - base;

	if (!jb->playing) {
		if (jb->n_buffered == 0 || delay < target) {
			jb->last_delay_us = 0;
			return;
		}
		// Starting after a stall with a backlog: skip what is already older than needed.
		while (delay > target + jb->frame_us && jb->max_frame > jb->play_frame) {
			drop_play_frame(jb);
			delay -= jb->frame_us;
		}
		jb->playing = true;
		jb->above = false;
	}
	jb->last_delay_us = delay;

	if (delay < target - jb->frame_us / 4) {
		// Grow: play a concealment frame in place of moving on.
		out->kind = SC_JB_CONCEAL;
		jb->st.inserted++;
		jb->st.concealed++;
		return;
	}
	if (delay > target + jb->frame_us + jb->frame_us / 4) {
		if (!jb->above) {
			jb->above = true;
			jb->above_since_us = now_us;
		}
		if (delay > target + 4 * jb->frame_us) {
			// Far above target, after a stall (the CPU starved, the headset came back) or
			// a burst: back to the target at once, as when starting. One frame dropped per
			// frame played would halve the speed of the backlog's removal, play every
			// other frame of it, and leave the delay above its maximum meanwhile.
			while (delay > target + jb->frame_us && jb->max_frame > jb->play_frame) {
				drop_play_frame(jb);
				delay -= jb->frame_us;
			}
			jb->above_since_us = now_us;
			jb->last_delay_us = delay;
		} else if (now_us - jb->above_since_us >= DROP_HOLD_US &&
			   has_frame(jb, jb->play_frame + 1)) {
			// Slightly above: wait to see, then one frame.
			drop_play_frame(jb);
			jb->above_since_us = now_us;
			jb->last_delay_us -= jb->frame_us;
		}
	} else {
		jb->above = false;
	}

	if (has_frame(jb, jb->play_frame)) {
		emit_frame(jb, out);
		return;
	}
	jb->play_frame++;
	out->missing = true;
	if (jb->n_buffered == 0) {
		// Nothing is coming: after a while stop, and start over on the next packet, so a
		// sender that went quiet (hold, silence) is not concealed for ever.
		jb->underrun_run++;
		int64_t stalled_us = (int64_t)jb->underrun_run * jb->frame_us;
		if (stalled_us > 2 * (int64_t)jb->cfg.max_delay_ms * 1000) {
			jb->playing = false;
			jb->has_play_pos = false;
			out->missing = false;
			return;
		}
	}
	out->kind = SC_JB_CONCEAL;
	jb->st.concealed++;
}

bool sc_jb_peek(const struct sc_jb *jb, struct sc_jb_frame *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = SC_JB_SILENCE;
	if (!jb->have_stream || !jb->has_play_pos)
		return false;
	const struct slot *s = &jb->slots[(uint64_t)jb->play_frame & (jb->nslots - 1)];
	if (!s->used || s->frame != jb->play_frame)
		return false;
	out->kind = SC_JB_FRAME;
	out->payload = jb->payloads + (size_t)(s - jb->slots) * jb->cfg.max_payload;
	out->len = s->len;
	out->rtp_ts = s->rtp_ts;
	out->seq = s->seq;
	return true;
}

void sc_jb_get_stats(const struct sc_jb *jb, struct sc_jb_stats *out)
{
	*out = jb->st;
	out->delay_ms = jb->last_delay_us > 0 ? (uint32_t)(jb->last_delay_us / 1000) : 0;
	out->target_ms = (uint32_t)(jb->target_us / 1000);
	out->jitter_ts = (uint32_t)jb->jitter;
	out->jitter_ms = (uint32_t)(jb->jitter * 1000.0 / jb->cfg.clock_rate);
	out->lost = seq_lost_now(jb);
}
