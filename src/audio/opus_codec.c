// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/opus_codec.h"

#include <errno.h>
#include <opus.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct sc_opus_encoder {
	OpusEncoder *enc;
	size_t packet_bytes; // every packet's size, padded up to it
	int frame;           // samples in one frame
};

struct sc_opus_decoder {
	OpusDecoder *dec;
	int frame;
	struct sc_opus_stats stats;
};

size_t sc_opus_frame_samples(uint32_t frame_ms)
{
	return frame_ms == 10 || frame_ms == 20 ? (size_t)SC_OPUS_RATE / 1000 * frame_ms : 0;
}

int sc_opus_encoder_new(uint32_t bitrate, int complexity, uint32_t frame_ms,
			struct sc_opus_encoder **out)
{
	struct sc_opus_encoder *e = NULL;
	int err, r;
	*out = NULL;
	if (bitrate < SC_OPUS_MIN_BITRATE || bitrate > 256000 || complexity < 0 || complexity > 10 ||
	    !sc_opus_frame_samples(frame_ms))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->enc = opus_encoder_create(SC_OPUS_RATE, 1, OPUS_APPLICATION_VOIP, &err);
	if (!e->enc) {
		r = err == OPUS_ALLOC_FAIL ? -ENOMEM : -EIO;
		goto out;
	}
	if (opus_encoder_ctl(e->enc, OPUS_SET_BITRATE((opus_int32)(bitrate / 2))) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_VBR(1)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_VBR_CONSTRAINT(0)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_COMPLEXITY(complexity)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)) != OPUS_OK ||
	    // No DTX: silence still sends packets, so their timing tells nothing either.
	    opus_encoder_ctl(e->enc, OPUS_SET_DTX(0)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_INBAND_FEC(0)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_PACKET_LOSS_PERC(0)) != OPUS_OK) {
		r = -EIO;
		goto out;
	}
	e->packet_bytes = bitrate / 8 * frame_ms / 1000;
	e->frame = (int)sc_opus_frame_samples(frame_ms);
	*out = e;
	e = NULL;
	r = 0;
out:
	sc_opus_encoder_free(e);
	return r;
}

void sc_opus_encoder_free(struct sc_opus_encoder *enc)
{
	if (!enc)
		return;
	opus_encoder_destroy(enc->enc);
	free(enc);
}

int sc_opus_encode(struct sc_opus_encoder *enc, const int16_t *pcm, uint8_t *out, size_t cap)
{
	if (cap < enc->packet_bytes)
		return -ENOBUFS;
	// The packet size is the most libopus may use, and then the padding brings every
	// packet to it: the size says nothing of the speech.
	opus_int32 n = opus_encode(enc->enc, pcm, enc->frame, out, (opus_int32)enc->packet_bytes);
	if (n == OPUS_BUFFER_TOO_SMALL)
		return -ENOBUFS;
	if (n < 0)
		return -EIO;
	if ((size_t)n < enc->packet_bytes &&
	    opus_packet_pad(out, n, (opus_int32)enc->packet_bytes) != OPUS_OK)
		return -EIO;
	return (int)enc->packet_bytes;
}

int sc_opus_set_expected_loss(struct sc_opus_encoder *enc, unsigned percent)
{
	if (percent > 100)
		return -EINVAL;
	if (opus_encoder_ctl(enc->enc, OPUS_SET_INBAND_FEC(percent > 0)) != OPUS_OK ||
	    opus_encoder_ctl(enc->enc, OPUS_SET_PACKET_LOSS_PERC((opus_int32)percent)) != OPUS_OK)
		return -EIO;
	return 0;
}

int sc_opus_decoder_new(uint32_t frame_ms, struct sc_opus_decoder **out)
{
	int err;
	*out = NULL;
	if (!sc_opus_frame_samples(frame_ms))
		return -EINVAL;
	struct sc_opus_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->frame = (int)sc_opus_frame_samples(frame_ms);
	d->dec = opus_decoder_create(SC_OPUS_RATE, 1, &err);
	if (!d->dec) {
		free(d);
		return err == OPUS_ALLOC_FAIL ? -ENOMEM : -EIO;
	}
	*out = d;
	return 0;
}

void sc_opus_decoder_free(struct sc_opus_decoder *dec)
{
	if (!dec)
		return;
	opus_decoder_destroy(dec->dec);
	free(dec);
}

const struct sc_opus_stats *sc_opus_decoder_stats(const struct sc_opus_decoder *dec)
{
	return &dec->stats;
}

// libopus conceals into PCM when given no packet; a frame must always come out.
static void conceal(struct sc_opus_decoder *dec, int16_t *pcm)
{
	if (opus_decode(dec->dec, NULL, 0, pcm, dec->frame, 0) != dec->frame)
		memset(pcm, 0, (size_t)dec->frame * sizeof(*pcm));
}

static bool one_frame(const struct sc_opus_decoder *dec, const uint8_t *pkt, size_t len)
{
	// No RTP payload over a 1500-byte link is longer; the bound keeps the length an int.
	return len > 0 && len <= 1500 &&
	       opus_packet_get_nb_samples(pkt, (opus_int32)len, SC_OPUS_RATE) == dec->frame;
}

int sc_opus_decode(struct sc_opus_decoder *dec, const uint8_t *pkt, size_t len, int16_t *pcm)
{
	if (!one_frame(dec, pkt, len) ||
	    opus_decode(dec->dec, pkt, (opus_int32)len, pcm, dec->frame, 0) != dec->frame) {
		dec->stats.bad_packets++;
		conceal(dec, pcm);
		return -EINVAL;
	}
	dec->stats.frames++;
	return 0;
}

int sc_opus_packet_samples(const uint8_t *pkt, size_t len)
{
	if (!pkt || len == 0 || len > 1500)
		return -EINVAL;
	int n = opus_packet_get_nb_samples(pkt, (opus_int32)len, SC_OPUS_RATE);
	return n > 0 ? n : -EINVAL;
}

bool sc_opus_packet_has_fec(const uint8_t *pkt, size_t len)
{
	if (!pkt || len < 2 || len > 1500)
		return false;
	unsigned config = pkt[0] >> 3;
	if (config >= 16)
		return false; // CELT only: no SILK layer, no LBRR
	int samples = sc_opus_packet_samples(pkt, len);
	if (samples != SC_OPUS_RATE / 100 && samples != SC_OPUS_RATE / 50)
		return false; // 40 and 60 ms SILK packets hold several frames' flags
	const unsigned char *frames[48];
	opus_int16 sizes[48];
	if (opus_packet_parse(pkt, (opus_int32)len, NULL, frames, sizes, NULL) < 1 || sizes[0] < 1)
		return false;
	// Per channel: one VAD flag for the one SILK frame, then the LBRR flag. For stereo the
	// side channel's two flags follow the mid channel's.
	int channels = opus_packet_get_nb_channels(pkt);
	for (int c = 0; c < channels && c < 2; c++)
		if (frames[0][0] & (0x80u >> (2 * c + 1)))
			return true;
	return false;
}

int sc_opus_decode_lost(struct sc_opus_decoder *dec, const uint8_t *next, size_t next_len, int16_t *pcm)
{
	// With decode_fec set, libopus rebuilds the frame from NEXT's FEC data, or conceals by
	// itself when NEXT carries none: asking first keeps the counts true.
	if (next && one_frame(dec, next, next_len) && sc_opus_packet_has_fec(next, next_len) &&
	    opus_decode(dec->dec, next, (opus_int32)next_len, pcm, dec->frame, 1) == dec->frame) {
		dec->stats.from_next++;
		return 0;
	}
	conceal(dec, pcm);
	dec->stats.concealed++;
	return 0;
}
