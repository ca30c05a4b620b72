// SPDX-License-Identifier: GPL-3.0-or-later
// The media runtime of one call: the ZRTP engine, the SRTP session, the codec (G.711 at 8 kHz
// or Opus at 48 kHz), the jitter buffer and packet-loss concealment (Opus: in-band FEC from
// the next packet when it is at hand) behind one pure object. It owns no socket, clock or thread:
// the core feeds it datagrams, PCM frames and the time, and sends what it queues.
//
//   sc_call_media_new(cfg)                 creates the ZRTP engine and the RTP session
//   sc_call_media_zrtp_hash()              our a=zrtp-hash, for the SDP we send
//   sc_call_media_set_peer_zrtp_hash()     the peer's a=zrtp-hash, before or after start
//   sc_call_media_set_codec()              what SDP negotiated (before start)
//   sc_call_media_set_telephone_event()    and its telephone-event payload type, if any
//   sc_call_media_start(now)               ZRTP Hello goes out
//   sc_call_media_receive(dgram, now)      every datagram from the media port
//   sc_call_media_capture(pcm, now)        every captured frame (ptime at the codec's rate)
//   sc_call_media_playout(now, pcm)        every frame the headset needs
//   sc_call_media_timer(now)               at sc_call_media_next_timeout()
//   sc_call_media_send_dtmf(digits)        RFC 4733 events in place of the next frames' audio
//   sc_call_media_hangup(now)              queues the SRTCP BYE
// After each call, drain sc_call_media_pop_datagram (send each one) and
// sc_call_media_pop_event.
//
// Media flows only when three things hold: ZRTP produced keys, the peer's a=zrtp-hash has
// been given (SIP refuses SDP without it, so it always comes), and the peer's Hello matched
// it. Until then captured frames are dropped and counted, received RTP is dropped, and
// playout is silence; once SRTP is keyed nothing leaves but SRTP, SRTCP and ZRTP (which
// carries no media). A Hello that does not match the signaled hash (a relay on the media
// path) fails the call at once, whether the hash came before or after the Hello.
//
// Policy decisions stay with the caller: a cache mismatch is reported (event and security
// state), never acted on; rules.on_cache_mismatch and require_verified_sas are the core's.
#ifndef SC_MEDIA_CALL_MEDIA_H
#define SC_MEDIA_CALL_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio/jitter.h"
#include "audio/opus_codec.h"
#include "media/dtmf.h"
#include "media/media.h"
#include "policy/policy.h"
#include "zrtp/engine.h"

#define SC_CALL_MEDIA_MAX_DATAGRAM SC_MEDIA_MAX_PACKET
#define SC_CALL_MEDIA_MAX_FRAME 960 // samples: 20 ms at 48 kHz (Opus)
// Opus is sent at this bitrate on the wire (every packet one size, so sizes say nothing about
// speech; the speech itself is coded at half of it, src/audio/opus_codec.h says why), or at
// the peer's a=fmtp maxaveragebitrate when that is lower.
#define SC_CALL_MEDIA_OPUS_BITRATE SC_OPUS_DEFAULT_BITRATE

enum sc_call_role {
	SC_CALL_CALLER, // sent the offer: learns the peer's a=zrtp-hash from the answer
	SC_CALL_CALLEE, // answered: knows the peer's a=zrtp-hash before it starts
};

enum sc_call_media_state {
	SC_CALL_MEDIA_IDLE,   // created, ZRTP not started
	SC_CALL_MEDIA_KEYING, // ZRTP running (or keys waiting for the peer's a=zrtp-hash)
	SC_CALL_MEDIA_SECURE, // SRTP keyed: audio flows
	SC_CALL_MEDIA_FAILED, // no keys will ever come; see the FAILED event
	SC_CALL_MEDIA_ENDED,  // hung up
};

struct sc_call_media_config {
	const struct sc_media *policy; // media section: codecs, ptime, ZRTP algorithms
	enum sc_call_role role;
	const char *peer_name;         // directory name of the far site, kept in the ZRTP cache
	const char *cname;             // RTCP CNAME, e.g. "paris@10.77.0.1"
	const uint8_t *zid;            // our ZID (SC_ZRTP_ZID_LEN bytes), sc_zrtp_cache_zid
	struct sc_zrtp_cache_ops cache;
	sc_zrtp_rng_fn rng;            // sc_zrtp_system_rng in production
	void *rng_ctx;
	uint32_t jitter_min_ms;        // 0: the jitter buffer's default (20)
	uint32_t jitter_max_ms;        // 0: the jitter buffer's default (200)
	// Tests only (unit tests; sealcalld built with SEALCALL_TEST_HOOKS): the first RTP
	// sequence number, e.g. just before the wrap, instead of a random one below 2^15.
	bool fixed_first_seq;
	uint16_t first_seq;
};

// What ZRTP agreed, for the headset's announcement and for status. No key material.
struct sc_call_media_security {
	bool initiator;                 // we sent the winning Commit
	enum sc_zrtp_key_agreement key_agreement;
	enum sc_zrtp_hash hash;
	enum sc_zrtp_cipher cipher;
	enum sc_zrtp_auth auth_tag;
	enum sc_zrtp_sas sas_type;
	char sas[32];
	bool verified;                  // the SAS was verified on an earlier call (both caches)
	enum sc_zrtp_cache_state cache; // new, match or mismatch
	uint8_t peer_zid[SC_ZRTP_ZID_LEN];
	const char *srtp_suite;         // "AES_CM_128_HMAC_SHA1_80"...
};

enum sc_call_media_event_type {
	SC_CALL_MEDIA_EVENT_SECURE,         // SRTP keyed, audio flows; see security
	SC_CALL_MEDIA_EVENT_CACHE_MISMATCH, // before SECURE; apply rules.on_cache_mismatch
	SC_CALL_MEDIA_EVENT_ALARM,          // tell the operator; mitm set for a relay
	SC_CALL_MEDIA_EVENT_FAILED,         // the call cannot be secured; hang up
	SC_CALL_MEDIA_EVENT_PEER_BYE,       // the peer's authenticated RTCP BYE
	SC_CALL_MEDIA_EVENT_DTMF,           // the peer pressed a key: digit (once per key press)
};

struct sc_call_media_event {
	enum sc_call_media_event_type type;
	char reason[300];
	uint32_t zrtp_error;            // RFC 6189 §5.9 code when one applies
	bool mitm;                      // the peer's Hello contradicts its a=zrtp-hash
	struct sc_call_media_security security; // SECURE only
	char digit;                     // DTMF only: one of "0123456789*#ABCD"
};

// Everything this layer drops or refuses is counted; the layers below count their own.
struct sc_call_media_counters {
	uint64_t tx_datagrams, tx_bytes;   // everything queued: ZRTP, SRTP, SRTCP
	uint64_t rx_datagrams, rx_bytes;   // everything handed to receive
	uint64_t captured_frames;
	uint64_t tx_dropped_before_keys;   // captured frames never encoded: not keyed yet
	uint64_t tx_dropped_after_end;     // captured after hang-up or failure
	uint64_t tx_queue_full;            // datagrams lost because nobody drained the queue
	uint64_t rx_oversize;              // larger than any datagram we accept
	uint64_t rx_other_payload;         // authenticated RTP of another payload type
	uint64_t rx_bad_frame;             // authenticated audio that is not one ptime long
	uint64_t rx_after_end;
	uint64_t played_frames, concealed_frames, silence_frames;
	uint64_t fec_frames;               // lost Opus frames rebuilt from the next packet's FEC
	uint64_t decode_errors;            // buffered packets the decoder refused (concealed)
	uint64_t unpulled_frames;          // taken from the jitter buffer by the timer while
					   // nobody pulled playout (headset unplugged)
	uint64_t events_lost;
	// RFC 4733 telephone events: digits and packets each way, payloads that were not 4 bytes.
	uint64_t dtmf_sent, dtmf_tx_packets;
	uint64_t dtmf_received, dtmf_rx_packets, dtmf_rx_malformed;
};

struct sc_call_media_stats {
	enum sc_call_media_state state;
	enum sc_call_role role;
	const char *codec;              // "PCMU", "PCMA", "opus"
	uint8_t payload_type;
	uint32_t clock_rate;            // RTP clock and PCM rate: 8000 (G.711), 48000 (Opus)
	uint32_t ptime_ms;
	uint32_t opus_bitrate;          // Opus only: what we send, bit/s
	unsigned opus_expected_loss;    // Opus only: loss the encoder plans FEC for, percent
	bool secure;                    // SRTP is keyed (also after hang-up)
	struct sc_call_media_security security; // when secure
	bool peer_bye;
	// Call quality, from RTCP and the jitter buffer.
	int64_t rx_lost;                // RFC 3550 cumulative, the peer's stream
	double rx_loss_pct;             // of the packets expected so far
	double peer_loss_pct;           // what the peer's last report said about ours, -1 none
	double jitter_ms;               // RFC 3550 A.8 interarrival jitter of the peer's stream
	double rtt_ms;                  // -1 until an SR of ours has been answered
	uint32_t jb_delay_ms, jb_target_ms;
	struct sc_call_media_counters counters;
	struct sc_media_stats media;    // SRTP/RTP packets, bytes, drops by reason, ROCs
	enum sc_zrtp_state zrtp_state;
	struct sc_zrtp_counters zrtp;
	struct sc_jb_stats jitter;
	int telephone_event_pt;         // negotiated; -1 none (DTMF cannot be sent)
	unsigned dtmf_pending;          // digits queued or being sent
	char dtmf_heard[SC_DTMF_HEARD + 1]; // the last digits received, oldest first
};

enum sc_call_playout {
	SC_CALL_PLAYOUT_SILENCE, // not keyed, nothing buffered yet, or refilling
	SC_CALL_PLAYOUT_FRAME,   // a received frame, decoded
	SC_CALL_PLAYOUT_CONCEALED,
	SC_CALL_PLAYOUT_REBUILT, // Opus: a lost frame rebuilt from the next packet's FEC data
};

struct sc_call_media;

// Returns 0, -EINVAL on a bad configuration (no codec, a ptime other than 10 or 20), -ENOMEM,
// -EIO (libopus) or the RNG's error. The codec starts as the policy's first one: G.711 with
// its static payload type, Opus with 96 (set_codec gives the one SDP settled on).
int sc_call_media_new(const struct sc_call_media_config *cfg, struct sc_call_media **out);
// Wipes keys, pending key material and buffered audio, then frees. Safe with NULL.
void sc_call_media_free(struct sc_call_media *cm);

// "1.10 <64 hex>" for a=zrtp-hash. 0, or -ENOBUFS when LEN is below
// SC_ZRTP_HELLO_HASH_ATTR_MAX.
int sc_call_media_zrtp_hash(const struct sc_call_media *cm, char *out, size_t len);
// The peer's a=zrtp-hash. -EINVAL when it is not "1.1x <64 hex>", -EEXIST when a different
// one was given before (a re-INVITE may not change the keying), else 0.
int sc_call_media_set_peer_zrtp_hash(struct sc_call_media *cm, const char *attr);

// The codec and payload type the offer/answer settled on. Before start only (-EBUSY after):
// the RTP session is rebuilt with the same SSRC, sequence and timestamp origin, which the
// ZRTP engine already announces, and the jitter buffer and codec for its clock rate; on an
// error nothing changes. -EINVAL for a codec the policy does not list or a payload type over
// 127, -ENOMEM, -EIO.
int sc_call_media_set_codec(struct sc_call_media *cm, enum sc_codec codec, uint8_t payload_type);
// The telephone-event payload type (RFC 4733) SDP settled on beside the codec, at CLOCK_RATE,
// which must be the codec's (call set_codec first; a later set_codec to another clock drops
// it). PAYLOAD_TYPE -1: the peer has none, so DTMF cannot be sent (received events then
// count as rx_other_payload). Before start only: -EBUSY after; -EINVAL for a payload type
// over 127 or another clock rate.
int sc_call_media_set_telephone_event(struct sc_call_media *cm, int payload_type,
				      uint32_t clock_rate);
// The peer's Opus a=fmtp maxaveragebitrate (RFC 7587 §6.1), before start: Opus is then sent
// at the lower of it and SC_CALL_MEDIA_OPUS_BITRATE, never below 12000 bit/s. 0, -EBUSY after
// start.
int sc_call_media_set_peer_max_bitrate(struct sc_call_media *cm, uint32_t bits_per_second);

// 0, or -EALREADY when already started.
int sc_call_media_start(struct sc_call_media *cm, uint64_t now_ms);

// One datagram from the media port. Everything unusable is counted and ignored, so the only
// errors are -EINVAL for NULL arguments.
int sc_call_media_receive(struct sc_call_media *cm, const uint8_t *datagram, size_t len,
			  uint64_t now_ms);

// ZRTP retransmissions, RTCP reports (RFC 3550 §6.3 intervals from the first key on), and
// the jitter buffer's clock while nobody pulls playout. Cheap to call early.
int sc_call_media_timer(struct sc_call_media *cm, uint64_t now_ms);
// Absolute time (ms, the inputs' clock) at which sc_call_media_timer wants to run, or -1.
int64_t sc_call_media_next_timeout(const struct sc_call_media *cm);

// Samples in one frame: the codec's rate times the ptime (G.711: 80 or 160; Opus: 480 or
// 960). Capture and playout use this size; it changes with set_codec.
size_t sc_call_media_frame_samples(const struct sc_call_media *cm);
// The PCM rate of capture and playout, which is the codec's: 8000 or 48000.
uint32_t sc_call_media_clock_rate(const struct sc_call_media *cm);

// One captured frame of SAMPLES (must be sc_call_media_frame_samples) 16-bit samples.
// Returns 0 when an SRTP datagram was queued; -EAGAIN when it was dropped because SRTP is
// not keyed yet (counted); -EPIPE after hang-up or failure; -ENOBUFS when the datagram queue
// is full (counted); -EINVAL on a wrong size; -EIO when SRTP failed.
int sc_call_media_capture(struct sc_call_media *cm, const int16_t *pcm, size_t samples,
			  uint64_t now_ms);

// Fills PCM with the frame to play now (SAMPLES as above). Returns an enum sc_call_playout,
// or -EINVAL.
int sc_call_media_playout(struct sc_call_media *cm, uint64_t now_ms, int16_t *pcm, size_t samples);

// Queues DTMF DIGITS ("0-9*#A-D", a-d too, 1..SC_DTMF_MAX_DIGITS) behind any still waiting.
// They go out in order as RFC 4733 events on the captured frames' clock (see media/dtmf.h),
// each in place of those frames' audio. 0, or with a sentence for the operator in WHY:
// -EINVAL (names the bad character; nothing is queued), -ENOTSUP (the far end did not
// negotiate telephone-event), -EAGAIN (not secured yet: digits never wait for keys), -EPIPE
// (ended or failed), -ENOBUFS (SC_DTMF_QUEUE digits already wait).
int sc_call_media_send_dtmf(struct sc_call_media *cm, const char *digits, char *why,
			    size_t why_len);

// Queues our RTCP BYE ("hang-up") as SRTCP and ends the stream. 0, or -EAGAIN when SRTP was
// never keyed (nothing can be sent in the clear, so nothing is sent), -EALREADY when ended.
int sc_call_media_hangup(struct sc_call_media *cm, uint64_t now_ms);

// The users compared the SAS (or withdrew that); stored in the ZRTP cache at once.
// -EAGAIN before ZRTP finished.
int sc_call_media_set_sas_verified(struct sc_call_media *cm, bool verified);

// The next datagram to send: 0, -EAGAIN when none, -ENOBUFS when CAP is too small (the
// datagram stays queued).
int sc_call_media_pop_datagram(struct sc_call_media *cm, uint8_t *buf, size_t cap, size_t *len);
bool sc_call_media_pop_event(struct sc_call_media *cm, struct sc_call_media_event *event);

enum sc_call_media_state sc_call_media_state(const struct sc_call_media *cm);
const char *sc_call_media_state_name(enum sc_call_media_state state);
void sc_call_media_get_stats(const struct sc_call_media *cm, struct sc_call_media_stats *out);

#endif
