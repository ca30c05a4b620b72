// SPDX-License-Identifier: GPL-3.0-or-later
// The call's audio: captured PCM through the codec (G.711 at 8 kHz, Opus at 48 kHz) to the
// single SRTP egress path, and authenticated RTP through the jitter buffer, the decoder and
// concealment to the headset. A lost Opus frame whose next packet is already buffered is
// rebuilt from that packet's in-band FEC data; other losses are concealed (G.711: repetition
// fading out, audio/plc.h; Opus: libopus's own).
#include <errno.h>
#include <string.h>

#include "audio/g711.h"
#include "base/secret.h"
#include "media/call_internal.h"

#define G711_RATE 8000
// The loss the encoder plans FEC for never exceeds this: beyond it FEC would take most of
// the 24 kbit/s the speech is coded at away from the speech it protects.
#define OPUS_MAX_EXPECTED_LOSS 50
// Encoder complexity for calls. Measured with callgrind on speech at 24 kbit/s with FEC
// on: 6.1 M instructions a 20 ms frame at 8, 3.0 M at 5 (libopus 1.3), so about 300 M
// instructions a second, a third of a 1 GHz Cortex-A53 core at most. At 5, with FEC on,
// unit_call_media_opus saw a third of its frames' tones land on the wrong step (none at
// 8): the cheaper setting costs audible precision exactly when the link is lossy.
#define OPUS_CALL_COMPLEXITY SC_OPUS_DEFAULT_COMPLEXITY

static uint32_t rate_of(enum sc_codec codec)
{
	return codec == SC_CODEC_OPUS ? SC_OPUS_RATE : G711_RATE;
}

static uint32_t opus_send_bitrate(const struct sc_call_media *cm)
{
	uint32_t b = SC_CALL_MEDIA_OPUS_BITRATE;
	if (cm->peer_max_bitrate && cm->peer_max_bitrate < b)
		b = cm->peer_max_bitrate;
	return b < SC_OPUS_MIN_BITRATE ? SC_OPUS_MIN_BITRATE : b;
}

void call_audio_free(struct sc_call_media *cm)
{
	sc_jb_free(cm->jb);
	sc_opus_encoder_free(cm->opus_enc);
	sc_opus_decoder_free(cm->opus_dec);
	cm->jb = NULL;
	cm->opus_enc = NULL;
	cm->opus_dec = NULL;
}

int call_audio_setup(struct sc_call_media *cm, enum sc_codec codec)
{
	uint32_t rate = rate_of(codec);
	size_t frame = (size_t)rate / 1000 * cm->ptime_ms;
	bool opus = codec == SC_CODEC_OPUS;
	struct sc_jb_config jc = {
		.clock_rate = rate,
		.frame_ms = cm->ptime_ms,
		.min_delay_ms = cm->jitter_min_ms,
		.max_delay_ms = cm->jitter_max_ms,
		.max_payload = opus ? SC_OPUS_MAX_PACKET : frame,
	};
	struct sc_jb *jb = NULL;
	struct sc_opus_encoder *enc = NULL;
	struct sc_opus_decoder *dec = NULL;
	struct sc_plc plc;
	memset(&plc, 0, sizeof(plc));
	uint32_t bitrate = opus ? opus_send_bitrate(cm) : 0;
	int ret = sc_jb_new(&jc, &jb);
	if (ret == 0 && !opus)
		ret = sc_plc_init(&plc, rate, frame);
	if (ret == 0 && opus)
		ret = sc_opus_encoder_new(bitrate, OPUS_CALL_COMPLEXITY, cm->ptime_ms, &enc);
	if (ret == 0 && opus)
		ret = sc_opus_decoder_new(cm->ptime_ms, &dec);
	if (ret == 0)
		ret = call_dtmf_setup(cm, rate, frame); // last: it changes the call at once
	if (ret < 0) {
		sc_jb_free(jb);
		sc_opus_encoder_free(enc);
		sc_opus_decoder_free(dec);
		return ret;
	}
	call_audio_free(cm);
	cm->jb = jb;
	cm->plc = plc;
	cm->opus_enc = enc;
	cm->opus_dec = dec;
	cm->opus_bitrate = bitrate;
	cm->opus_expected_loss = 0; // a new encoder starts without FEC
	cm->clock_rate = rate;
	cm->frame_samples = frame;
	return 0;
}

void call_audio_keyed(struct sc_call_media *cm, uint64_t now_ms)
{
	cm->playout_due_ms = now_ms;
}

void call_audio_peer_loss(struct sc_call_media *cm, uint8_t fraction_lost)
{
	if (!cm->opus_enc)
		return;
	// Any loss at all turns FEC on; a clean report only lowers the plan step by step, so
	// one quiet interval between bursts does not switch it off.
	unsigned pct = (fraction_lost * 100u + 255u) / 256u;
	unsigned decayed = cm->opus_expected_loss * 3u / 4u;
	if (pct < decayed)
		pct = decayed;
	if (pct > OPUS_MAX_EXPECTED_LOSS)
		pct = OPUS_MAX_EXPECTED_LOSS;
	if (pct != cm->opus_expected_loss && sc_opus_set_expected_loss(cm->opus_enc, pct) == 0)
		cm->opus_expected_loss = pct;
}

static int encode(struct sc_call_media *cm, const int16_t *pcm, size_t samples, uint8_t *payload,
		  size_t cap, size_t *len)
{
	if (cm->codec == SC_CODEC_OPUS) {
		int n = sc_opus_encode(cm->opus_enc, pcm, payload, cap);
		if (n < 0)
			return n;
		*len = (size_t)n;
		return 0;
	}
	if (cm->codec == SC_CODEC_PCMA)
		sc_g711_alaw_encode_buf(pcm, samples, payload);
	else
		sc_g711_ulaw_encode_buf(pcm, samples, payload);
	*len = samples; // one byte a sample
	return 0;
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
	// A telephone event takes this frame's slot: its audio is neither encoded nor sent.
	int ev = call_dtmf_capture(cm, ts);
	if (ev != 0)
		return ev > 0 ? 0 : ev;
	struct call_dgram *d = call_dgram_reserve(cm);
	if (!d)
		return -ENOBUFS;
	uint8_t payload[SC_OPUS_MAX_PACKET];
	size_t plen = 0;
	int ret = encode(cm, pcm, samples, payload, sizeof(payload), &plen);
	size_t len = 0;
	if (ret == 0)
		ret = sc_media_send_audio(cm->media, payload, plen, ts, d->data, sizeof(d->data), &len);
	sc_wipe(payload, sizeof(payload));
	if (ret < 0)
		return ret == -EAGAIN ? -EAGAIN : ret == -ENOBUFS ? -ENOBUFS : -EIO;
	call_dgram_commit(cm, len);
	return 0;
}

// One ptime of the negotiated codec: G.711 is a byte a sample, an Opus packet says its own
// duration. The jitter buffer counts every packet as one frame, so others stay out.
static bool one_frame(const struct sc_call_media *cm, const uint8_t *payload, size_t len)
{
	if (cm->codec != SC_CODEC_OPUS)
		return len == cm->frame_samples;
	return len <= SC_OPUS_MAX_PACKET &&
	       sc_opus_packet_samples(payload, len) == (int)cm->frame_samples;
}

void call_audio_received(struct sc_call_media *cm, const struct sc_media_rx *rx, uint64_t now_ms)
{
	if (call_dtmf_received(cm, rx))
		return;
	if (rx->payload_type != cm->payload_type) {
		cm->c.rx_other_payload++; // comfort noise, events on another payload type: not played
		return;
	}
	if (!one_frame(cm, rx->payload, rx->payload_len)) {
		cm->c.rx_bad_frame++;
		return;
	}
	sc_jb_put(cm->jb, rx->seq, rx->timestamp, (int64_t)(now_ms * 1000u), rx->payload,
		  rx->payload_len);
}

static enum sc_call_playout play_opus(struct sc_call_media *cm, const struct sc_jb_frame *f,
				      int16_t *pcm)
{
	if (f->kind == SC_JB_FRAME) {
		if (sc_opus_decode(cm->opus_dec, f->payload, f->len, pcm) == 0)
			return SC_CALL_PLAYOUT_FRAME;
		cm->c.decode_errors++; // concealed by the decoder
		return SC_CALL_PLAYOUT_CONCEALED;
	}
	// Only a frame whose packet is missing may come from the next packet's FEC: a frame
	// inserted to grow the delay is not lost, and its "next" packet is its own.
	struct sc_jb_frame next;
	bool have_next = f->missing && sc_jb_peek(cm->jb, &next);
	uint64_t rebuilt = sc_opus_decoder_stats(cm->opus_dec)->from_next;
	sc_opus_decode_lost(cm->opus_dec, have_next ? next.payload : NULL, have_next ? next.len : 0,
			    pcm);
	if (sc_opus_decoder_stats(cm->opus_dec)->from_next > rebuilt)
		return SC_CALL_PLAYOUT_REBUILT;
	return SC_CALL_PLAYOUT_CONCEALED;
}

static enum sc_call_playout play_one(struct sc_call_media *cm, uint64_t now_ms, int16_t *pcm)
{
	struct sc_jb_frame f;
	sc_jb_get(cm->jb, (int64_t)(now_ms * 1000u), &f);
	if (f.kind == SC_JB_SILENCE) {
		memset(pcm, 0, cm->frame_samples * sizeof(*pcm));
		return SC_CALL_PLAYOUT_SILENCE;
	}
	if (cm->codec == SC_CODEC_OPUS)
		return play_opus(cm, &f, pcm);
	if (f.kind == SC_JB_FRAME && f.len == cm->frame_samples) {
		if (cm->codec == SC_CODEC_PCMA)
			sc_g711_alaw_decode_buf(f.payload, f.len, pcm);
		else
			sc_g711_ulaw_decode_buf(f.payload, f.len, pcm);
		sc_plc_good(&cm->plc, pcm);
		return SC_CALL_PLAYOUT_FRAME;
	}
	sc_plc_conceal(&cm->plc, pcm);
	return SC_CALL_PLAYOUT_CONCEALED;
}

static void count_playout(struct sc_call_media *cm, enum sc_call_playout kind)
{
	switch (kind) {
	case SC_CALL_PLAYOUT_FRAME:
		cm->c.played_frames++;
		break;
	case SC_CALL_PLAYOUT_CONCEALED:
		cm->c.concealed_frames++;
		break;
	case SC_CALL_PLAYOUT_REBUILT:
		cm->c.fec_frames++;
		break;
	case SC_CALL_PLAYOUT_SILENCE:
		cm->c.silence_frames++;
		break;
	}
}

int sc_call_media_playout(struct sc_call_media *cm, uint64_t now_ms, int16_t *pcm, size_t samples)
{
	if (!cm || !pcm || samples != cm->frame_samples)
		return -EINVAL;
	call_clock(cm, now_ms);
	cm->playout_due_ms = now_ms + cm->ptime_ms;
	enum sc_call_playout kind = SC_CALL_PLAYOUT_SILENCE;
	if (cm->state == SC_CALL_MEDIA_SECURE) {
		kind = play_one(cm, now_ms, pcm);
		call_dtmf_playout(cm, pcm, samples);
	} else {
		memset(pcm, 0, samples * sizeof(*pcm));
	}
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
