// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/opus_codec.h"

#include <errno.h>
#include <opus.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct sc_opus_encoder {
	OpusEncoder *enc;
	size_t packet_bytes; // every packet's size at the constant bitrate
};

struct sc_opus_decoder {
	OpusDecoder *dec;
	struct sc_opus_stats stats;
};

int sc_opus_encoder_new(uint32_t bitrate, int complexity, struct sc_opus_encoder **out)
{
	struct sc_opus_encoder *e = NULL;
	int err, r;
	*out = NULL;
	if (bitrate < 6000 || bitrate > 128000 || complexity < 0 || complexity > 10)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->enc = opus_encoder_create(SC_OPUS_RATE, 1, OPUS_APPLICATION_VOIP, &err);
	if (!e->enc) {
		r = err == OPUS_ALLOC_FAIL ? -ENOMEM : -EIO;
		goto out;
	}
	if (opus_encoder_ctl(e->enc, OPUS_SET_BITRATE((opus_int32)bitrate)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_VBR(0)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_COMPLEXITY(complexity)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)) != OPUS_OK ||
	    // No DTX: silence still sends packets, so their timing tells nothing either.
	    opus_encoder_ctl(e->enc, OPUS_SET_DTX(0)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_INBAND_FEC(0)) != OPUS_OK ||
	    opus_encoder_ctl(e->enc, OPUS_SET_PACKET_LOSS_PERC(0)) != OPUS_OK) {
		r = -EIO;
		goto out;
	}
	e->packet_bytes = bitrate / 8 * SC_OPUS_FRAME_MS / 1000;
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
	// Less room would make libopus shrink this packet, and sizes would vary again.
	if (cap < enc->packet_bytes)
		return -ENOBUFS;
	if (cap > SC_OPUS_MAX_PACKET)
		cap = SC_OPUS_MAX_PACKET;
	opus_int32 n = opus_encode(enc->enc, pcm, SC_OPUS_FRAME_SAMPLES, out, (opus_int32)cap);
	if (n == OPUS_BUFFER_TOO_SMALL)
		return -ENOBUFS;
	return n < 0 ? -EIO : (int)n;
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

int sc_opus_decoder_new(struct sc_opus_decoder **out)
{
	int err;
	struct sc_opus_decoder *d = calloc(1, sizeof(*d));
	*out = NULL;
	if (!d)
		return -ENOMEM;
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
	if (opus_decode(dec->dec, NULL, 0, pcm, SC_OPUS_FRAME_SAMPLES, 0) != SC_OPUS_FRAME_SAMPLES)
		memset(pcm, 0, SC_OPUS_FRAME_SAMPLES * sizeof(*pcm));
}

static bool one_frame(const uint8_t *pkt, size_t len)
{
	// No RTP payload over a 1500-byte link is longer; the bound keeps the length an int.
	return len > 0 && len <= 1500 &&
	       opus_packet_get_nb_samples(pkt, (opus_int32)len, SC_OPUS_RATE) == SC_OPUS_FRAME_SAMPLES;
}

int sc_opus_decode(struct sc_opus_decoder *dec, const uint8_t *pkt, size_t len, int16_t *pcm)
{
	if (!one_frame(pkt, len) ||
	    opus_decode(dec->dec, pkt, (opus_int32)len, pcm, SC_OPUS_FRAME_SAMPLES, 0) != SC_OPUS_FRAME_SAMPLES) {
		dec->stats.bad_packets++;
		conceal(dec, pcm);
		return -EINVAL;
	}
	dec->stats.frames++;
	return 0;
}

int sc_opus_decode_lost(struct sc_opus_decoder *dec, const uint8_t *next, size_t next_len, int16_t *pcm)
{
	// With decode_fec set, libopus rebuilds the frame from NEXT's FEC data, or conceals by
	// itself when NEXT carries none (libopus 1.3 cannot tell which it did).
	if (next && one_frame(next, next_len) &&
	    opus_decode(dec->dec, next, (opus_int32)next_len, pcm, SC_OPUS_FRAME_SAMPLES, 1) == SC_OPUS_FRAME_SAMPLES) {
		dec->stats.from_next++;
		return 0;
	}
	conceal(dec, pcm);
	dec->stats.concealed++;
	return 0;
}
