// SPDX-License-Identifier: GPL-3.0-or-later
// The state of one call's media, shared by the call_*.c files (not a public header).
#ifndef SC_MEDIA_CALL_INTERNAL_H
#define SC_MEDIA_CALL_INTERNAL_H

#include "audio/jitter.h"
#include "audio/opus_codec.h"
#include "audio/plc.h"
#include "media/call_media.h"
#include "media/dtmf.h"

#define CALL_DGRAM_QUEUE 32 // a full ZRTP burst (16) plus audio and RTCP between drains
#define CALL_EVENT_QUEUE 16
#define CALL_RX_MAX 2048    // larger than any ZRTP, SRTP or SRTCP packet we accept
#define CALL_RNG_BYTES 64
// Frames the headset may fail to pull before the timer takes over the jitter buffer's clock.
#define CALL_STALL_FRAMES 5
#define CALL_PT_PCMU 0
#define CALL_PT_PCMA 8
#define CALL_PT_OPUS 96 // until set_codec gives the negotiated one

struct call_dgram {
	size_t len;
	uint8_t data[SC_CALL_MEDIA_MAX_DATAGRAM];
};

// The RTP session draws its SSRC and first sequence number once; set_codec rebuilds it, and
// replaying the same bytes keeps the SSRC the ZRTP engine already announces in its Hello.
enum call_rng_mode { CALL_RNG_PASS, CALL_RNG_RECORD, CALL_RNG_REPLAY };
struct call_rng {
	sc_zrtp_rng_fn fn;
	void *ctx;
	enum call_rng_mode mode;
	uint8_t record[CALL_RNG_BYTES];
	size_t recorded, replayed;
};

struct sc_call_media {
	enum sc_call_media_state state;
	enum sc_call_role role;
	char peer_name[SC_NAME_MAX + 1];
	char cname[SC_RTP_CNAME_MAX + 1];
	enum sc_codec allowed[SC_MAX_LIST];
	size_t n_allowed;
	enum sc_codec codec;
	uint8_t payload_type;
	uint32_t clock_rate;             // the codec's: RTP clock and PCM rate alike
	uint32_t ptime_ms;
	size_t frame_samples;
	uint32_t jitter_min_ms, jitter_max_ms;
	bool fixed_first_seq;
	uint16_t first_seq;

	struct call_rng rng;
	struct sc_zrtp *zrtp;
	struct sc_media_session *media;
	// The codec's half of the audio path, rebuilt together by set_codec.
	struct sc_jb *jb;
	struct sc_plc plc;               // G.711 (Opus conceals by itself)
	struct sc_opus_encoder *opus_enc;
	struct sc_opus_decoder *opus_dec;
	uint32_t peer_max_bitrate;       // 0: the peer set none
	uint32_t opus_bitrate;
	unsigned opus_expected_loss;     // what the encoder was last told, percent

	bool started;
	bool peer_hash_set;
	char peer_hash[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	bool mitm;
	bool have_pending_keys;          // ZRTP is secure, the peer's hash is not known yet
	struct sc_zrtp_event pending;    // holds SRTP keys: wiped when used or dropped
	bool secure;
	struct sc_call_media_security security;
	bool peer_bye;

	uint64_t now_ms;                 // the latest time any input brought

	// RTCP, from the first key on.
	uint64_t next_rtcp_ms;
	bool sent_first_rtcp;

	// Capture clock: samples since the stream began, and when the last frame came.
	uint32_t media_ts;
	bool have_capture;
	uint64_t last_capture_ms;

	// Playout clock: when the next frame is due if the headset keeps pulling.
	uint64_t playout_due_ms;

	struct call_dgram dgrams[CALL_DGRAM_QUEUE];
	unsigned dg_head, dg_count;
	struct sc_call_media_event events[CALL_EVENT_QUEUE];
	unsigned ev_head, ev_count;

	// RFC 4733 telephone events (call_dtmf.c), at the codec's clock.
	int tevent_pt;                   // negotiated payload type; -1 none
	uint32_t tevent_rate;
	struct sc_dtmf_sender dtmf_tx;
	struct sc_dtmf_receiver dtmf_rx;

	struct sc_call_media_counters c;
	uint8_t rx_buf[CALL_RX_MAX];     // decrypted in place, wiped after each datagram
};

// Inputs that bring no time of their own (the peer's hash from SDP) act at the latest one.
static inline void call_clock(struct sc_call_media *cm, uint64_t now_ms)
{
	if (now_ms > cm->now_ms)
		cm->now_ms = now_ms;
}

// call_queue.c
struct call_dgram *call_dgram_reserve(struct sc_call_media *cm);
void call_dgram_commit(struct sc_call_media *cm, size_t len);
struct sc_call_media_event *call_event_push(struct sc_call_media *cm,
					    enum sc_call_media_event_type type, uint32_t zrtp_error,
					    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void call_queues_wipe(struct sc_call_media *cm);

// call_keying.c
void call_zrtp_pump(struct sc_call_media *cm, uint64_t now_ms);
void call_try_key(struct sc_call_media *cm, uint64_t now_ms);
void call_fail(struct sc_call_media *cm, uint32_t zrtp_error, const char *reason);
void call_send_rtcp(struct sc_call_media *cm, uint64_t now_ms, const char *bye_reason);
uint64_t call_ntp(uint64_t now_ms);

// call_audio.c
// The codec's audio path (jitter buffer, concealment, Opus encoder and decoder) for CODEC,
// built aside and swapped in only when all of it exists: on an error nothing changes.
int call_audio_setup(struct sc_call_media *cm, enum sc_codec codec);
void call_audio_free(struct sc_call_media *cm);
// The peer reported loss of our stream (RTCP): Opus spends bits on in-band FEC accordingly.
void call_audio_peer_loss(struct sc_call_media *cm, uint8_t fraction_lost);
void call_audio_received(struct sc_call_media *cm, const struct sc_media_rx *rx, uint64_t now_ms);
void call_audio_keyed(struct sc_call_media *cm, uint64_t now_ms);
void call_audio_timer(struct sc_call_media *cm, uint64_t now_ms);
int64_t call_audio_next_timeout(const struct sc_call_media *cm);

// call_dtmf.c
// The sender and receiver for a codec's RATE and FRAME; on an error nothing changes.
int call_dtmf_setup(struct sc_call_media *cm, uint32_t rate, size_t frame);
// Capture slot at media time TS: 1 when an event packet took the frame's place (queued), 0
// when the audio goes, or the egress's error for the event packet.
int call_dtmf_capture(struct sc_call_media *cm, uint32_t ts);
// True when RX was a telephone event of the negotiated payload type (handled).
bool call_dtmf_received(struct sc_call_media *cm, const struct sc_media_rx *rx);
// Paints a received digit's tone over the frame about to be played.
void call_dtmf_playout(struct sc_call_media *cm, int16_t *pcm, size_t samples);
void call_dtmf_stats(const struct sc_call_media *cm, struct sc_call_media_stats *out);

#endif
