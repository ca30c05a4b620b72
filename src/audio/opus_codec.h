// SPDX-License-Identifier: GPL-3.0-or-later
// Opus (RFC 6716) for wideband calls, through libopus: 48 kHz mono, 10 or 20 ms frames (the
// call's ptime).
//
// Why these settings:
//  - 48 kHz: the RTP clock of opus is always 48000 (RFC 7587, "opus/48000/2" in SDP, as
//    Linphone offers), USB headsets run at 48 kHz, so the wideband path needs no resampling.
//    Mono: one headset microphone; a stereo stream from the peer is decoded to mono.
//  - One packet size: with variable sizes, SRTP packets follow the speech, and phrases can be
//    recognised from the sizes alone (RFC 6562). Every packet is padded (RFC 6716 §3.2.5) to
//    the size of the bitrate given, and the encoder aims at half of it with variable bitrate
//    inside that room. Not CBR: libopus 1.3.1 (Debian 12), held to a fixed or tight budget,
//    now and then turns the frame after a bandwidth or mode switch into a clipped burst up
//    to 10 times as loud as the speech (3 of 18 espeak-ng sentences at 24 kbit/s CBR, at some
//    frame alignments; xiph/opus issue 255 describes the same). With twice the average as
//    room, 0 of the 18 (free VBR needs at most 118 bytes a 20 ms frame at 24 kbit/s).
//  - In-band FEC: each packet can carry a coarse copy of the previous frame. It costs bitrate,
//    so it is off until the peer reports loss (RTCP); sc_opus_set_expected_loss turns it on.
//    A lost frame is then rebuilt from the next packet when that has arrived and carries FEC
//    data, else concealed.
#ifndef SC_AUDIO_OPUS_CODEC_H
#define SC_AUDIO_OPUS_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_OPUS_RATE 48000
#define SC_OPUS_FRAME_MS 20 // the usual ptime; 10 works too
#define SC_OPUS_FRAME_SAMPLES (SC_OPUS_RATE * SC_OPUS_FRAME_MS / 1000)
#define SC_OPUS_MAX_FRAME_SAMPLES SC_OPUS_FRAME_SAMPLES
#define SC_OPUS_MAX_PACKET 1275 // the most one Opus frame can take (RFC 6716 §3.4)
#define SC_OPUS_DEFAULT_BITRATE 48000 // on the wire; the speech is coded at half of it
// Below this (6 kbit/s of speech) libopus cannot keep speech intelligible.
#define SC_OPUS_MIN_BITRATE 12000
// 0..10. Cost grows fast: on speech at 24 kbit/s with FEC, 6.1 M instructions a 20 ms frame
// at 8 and 3.0 M at 5 (callgrind, libopus 1.3); decoding is 0.2 M whatever the setting.
#define SC_OPUS_DEFAULT_COMPLEXITY 8

struct sc_opus_encoder;
struct sc_opus_decoder;

// Samples in one frame of FRAME_MS (10 or 20) at 48 kHz; 0 for any other duration.
size_t sc_opus_frame_samples(uint32_t frame_ms);

// BITRATE in bit/s on the wire (12000..256000): every packet is BITRATE / 8 * FRAME_MS / 1000
// bytes, and the speech is coded at half of it. COMPLEXITY 0..10, FRAME_MS 10 or 20. -EINVAL
// outside those, -ENOMEM, -EIO when libopus refuses.
int sc_opus_encoder_new(uint32_t bitrate, int complexity, uint32_t frame_ms,
			struct sc_opus_encoder **out);
void sc_opus_encoder_free(struct sc_opus_encoder *enc);
// Encodes one frame (sc_opus_frame_samples of the encoder's FRAME_MS) into OUT. Returns the
// packet's length (bitrate / 8 * frame_ms / 1000 bytes, always the same, padded) or -ENOBUFS
// when CAP is below that, -EIO.
int sc_opus_encode(struct sc_opus_encoder *enc, const int16_t *pcm, uint8_t *out, size_t cap);
// The loss the peer reports, in percent (0..100): 0 turns in-band FEC off, more turns it on and
// tells the encoder how much redundancy to spend. -EINVAL above 100.
int sc_opus_set_expected_loss(struct sc_opus_encoder *enc, unsigned percent);

struct sc_opus_stats {
	uint64_t frames;      // decoded from their own packets
	uint64_t from_next;   // lost, decoded from the next packet's FEC data (if it had any)
	uint64_t concealed;   // lost with no next packet at hand: concealed
	uint64_t bad_packets; // refused by the decoder (replaced by concealment)
};

// FRAME_MS 10 or 20: packets of any other duration are refused. -EINVAL, -ENOMEM, -EIO.
int sc_opus_decoder_new(uint32_t frame_ms, struct sc_opus_decoder **out);
void sc_opus_decoder_free(struct sc_opus_decoder *dec);
// Decodes one packet into PCM (one frame of the decoder's FRAME_MS; a packet of another
// duration is refused). A packet libopus cannot decode is concealed and counted, and -EINVAL
// returned.
int sc_opus_decode(struct sc_opus_decoder *dec, const uint8_t *pkt, size_t len, int16_t *pcm);
// The packet for this frame was lost. NEXT is the packet after it if the jitter buffer already
// holds it (else NULL): its FEC data rebuilds the lost frame (counted in from_next); without
// it, or when it carries none (sc_opus_packet_has_fec), the frame is concealed (counted in
// concealed). NEXT is decoded again, normally, when its own turn comes.
int sc_opus_decode_lost(struct sc_opus_decoder *dec, const uint8_t *next, size_t next_len, int16_t *pcm);
const struct sc_opus_stats *sc_opus_decoder_stats(const struct sc_opus_decoder *dec);

// Samples (at 48 kHz) in the Opus packet PKT, or -EINVAL when it is not a valid one.
int sc_opus_packet_samples(const uint8_t *pkt, size_t len);
// True when PKT carries in-band FEC data for the frame before it: its first frame has a SILK
// layer whose LBRR flag is set (RFC 6716 §4.2.3; the header flags are coded with
// probability 1/2, so they are the leading bits of the frame's first byte). Only 10 and
// 20 ms packets (one SILK frame per channel) are read; longer ones report false.
bool sc_opus_packet_has_fec(const uint8_t *pkt, size_t len);

#endif
