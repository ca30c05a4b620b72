// SPDX-License-Identifier: GPL-3.0-or-later
// The call's audio: captured PCM to G.711 to the single SRTP egress path, and authenticated
// RTP through the jitter buffer, G.711 decoding and concealment to the headset.
#include <errno.h>
#include <string.h>

#include "audio/g711.h"
#include "base/secret.h"
#include "media/call_internal.h"

#define RATE 8000

size_t call_codec_frame_bytes(const struct sc_call_media *cm)
{
	return cm->frame_samples; // G.711: one byte a sample
}

int call_audio_init(struct sc_call_media *cm, uint32_t jitter_min_ms, uint32_t jitter_max_ms)
{
	struct sc_jb_config jc = {
		.clock_rate = RATE,
		.frame_ms = cm->ptime_ms,
		.min_delay_ms = jitter_min_ms,
		.max_delay_ms = jitter_max_ms,
		.max_payload = SC_CALL_MEDIA_MAX_FRAME,
	};
	int ret = sc_jb_new(&jc, &cm->jb);
	if (ret < 0)
		return ret;
	return sc_plc_init(&cm->plc, RATE, cm->frame_samples);
}

void call_audio_keyed(struct sc_call_media *cm, uint64_t now_ms)
{
	cm->playout_due_ms = now_ms;
}

int sc_call_media_capture(struct sc_call_media *cm, const int16_t *pcm, size_t samples,
			  uint64_t now_ms)
{
	if (!cm || !pcm || samples != cm->frame_samples)
		return -EINVAL;
	// The media clock runs whether or not the frame is sent, so the first SRTP packet's
	// timestamp says when it was really captured.
	call_clock(cm, now_ms);
	uint32_t ts = cm->media_ts;
	cm->media_ts += (uint32_t)samples;
	cm->have_capture = true;
	cm->last_capture_ms = now_ms;
	cm->c.captured_frames++;
	if (cm->state == SC_CALL_MEDIA_FAILED || cm->state == SC_CALL_MEDIA_ENDED) {
		cm->c.tx_dropped_after_end++;
		return -EPIPE;
	}
	if (cm->state != SC_CALL_MEDIA_SECURE) {
		// Not even encoded: the frame never exists outside the caller's buffer.
		cm->c.tx_dropped_before_keys++;
		return -EAGAIN;
	}
	struct call_dgram *d = call_dgram_reserve(cm);
	if (!d)
		return -ENOBUFS;
	uint8_t payload[SC_CALL_MEDIA_MAX_FRAME];
	if (cm->codec == SC_CODEC_PCMA)
		sc_g711_alaw_encode_buf(pcm, samples, payload);
	else
		sc_g711_ulaw_encode_buf(pcm, samples, payload);
	size_t len;
	int ret = sc_media_send_audio(cm->media, payload, samples, ts, d->data, sizeof(d->data),
				      &len);
	sc_wipe(payload, sizeof(payload));
	if (ret < 0)
		return ret == -EAGAIN ? -EAGAIN : ret == -ENOBUFS ? -ENOBUFS : -EIO;
	call_dgram_commit(cm, len);
	return 0;
}

void call_audio_received(struct sc_call_media *cm, const struct sc_media_rx *rx, uint64_t now_ms)
{
	if (rx->payload_type != cm->payload_type) {
		cm->c.rx_other_payload++; // telephone events, comfort noise: not played
		return;
	}
	if (rx->payload_len != call_codec_frame_bytes(cm)) {
		cm->c.rx_bad_frame++;
		return;
	}
	sc_jb_put(cm->jb, rx->seq, rx->timestamp, (int64_t)(now_ms * 1000u), rx->payload,
		  rx->payload_len);
}

static enum sc_call_playout play_one(struct sc_call_media *cm, uint64_t now_ms, int16_t *pcm)
{
	struct sc_jb_frame f;
	sc_jb_get(cm->jb, (int64_t)(now_ms * 1000u), &f);
	if (f.kind == SC_JB_FRAME && f.len == cm->frame_samples) {
		if (cm->codec == SC_CODEC_PCMA)
			sc_g711_alaw_decode_buf(f.payload, f.len, pcm);
		else
			sc_g711_ulaw_decode_buf(f.payload, f.len, pcm);
		sc_plc_good(&cm->plc, pcm);
		return SC_CALL_PLAYOUT_FRAME;
	}
	if (f.kind == SC_JB_SILENCE) {
		memset(pcm, 0, cm->frame_samples * sizeof(*pcm));
		return SC_CALL_PLAYOUT_SILENCE;
	}
	sc_plc_conceal(&cm->plc, pcm);
	return SC_CALL_PLAYOUT_CONCEALED;
}

static void count_playout(struct sc_call_media *cm, enum sc_call_playout kind)
{
	if (kind == SC_CALL_PLAYOUT_FRAME)
		cm->c.played_frames++;
	else if (kind == SC_CALL_PLAYOUT_CONCEALED)
		cm->c.concealed_frames++;
	else
		cm->c.silence_frames++;
}

int sc_call_media_playout(struct sc_call_media *cm, uint64_t now_ms, int16_t *pcm, size_t samples)
{
	if (!cm || !pcm || samples != cm->frame_samples)
		return -EINVAL;
	call_clock(cm, now_ms);
	cm->playout_due_ms = now_ms + cm->ptime_ms;
	enum sc_call_playout kind = SC_CALL_PLAYOUT_SILENCE;
	if (cm->state == SC_CALL_MEDIA_SECURE)
		kind = play_one(cm, now_ms, pcm);
	else
		memset(pcm, 0, samples * sizeof(*pcm));
	count_playout(cm, kind);
	return (int)kind;
}

static uint64_t stall_deadline(const struct sc_call_media *cm)
{
	return cm->playout_due_ms + (uint64_t)CALL_STALL_FRAMES * cm->ptime_ms;
}

// Nobody pulled playout for a while (headset unplugged and the call goes on): keep the
// jitter buffer's clock running, in batches, so it neither fills with stale audio nor
// stops counting. A returning headset takes over at its next pull.
void call_audio_timer(struct sc_call_media *cm, uint64_t now_ms)
{
	if (cm->state != SC_CALL_MEDIA_SECURE || now_ms < stall_deadline(cm))
		return;
	int16_t scratch[SC_CALL_MEDIA_MAX_FRAME];
	// Bounded: after a long suspension the buffer resynchronises on the next packet anyway.
	for (unsigned n = 0; n < 500 && cm->playout_due_ms <= now_ms; n++) {
		play_one(cm, cm->playout_due_ms, scratch);
		cm->c.unpulled_frames++;
		cm->playout_due_ms += cm->ptime_ms;
	}
	if (cm->playout_due_ms <= now_ms)
		cm->playout_due_ms = now_ms + cm->ptime_ms;
	sc_wipe(scratch, sizeof(scratch));
}

int64_t call_audio_next_timeout(const struct sc_call_media *cm)
{
	if (cm->state != SC_CALL_MEDIA_SECURE)
		return -1;
	return (int64_t)stall_deadline(cm);
}
