// SPDX-License-Identifier: GPL-3.0-or-later
// One call's media: creation, the SDP inputs, the receive path and the clock. Keying is in
// call_keying.c, audio in call_audio.c, the output rings in call_queue.c.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "media/call_internal.h"

static int call_rng_fill(void *ctx, void *buf, size_t len)
{
	struct call_rng *r = ctx;
	switch (r->mode) {
	case CALL_RNG_REPLAY:
		if (len > r->recorded - r->replayed)
			return -EIO; // the session now draws differently: refuse, never guess
		memcpy(buf, r->record + r->replayed, len);
		r->replayed += len;
		return 0;
	case CALL_RNG_RECORD: {
		if (len > sizeof(r->record) - r->recorded)
			return -EIO;
		int ret = r->fn(r->ctx, r->record + r->recorded, len);
		if (ret < 0)
			return ret;
		memcpy(buf, r->record + r->recorded, len);
		r->recorded += len;
		return 0;
	}
	case CALL_RNG_PASS:
		break;
	}
	return r->fn(r->ctx, buf, len);
}

static uint8_t static_payload_type(enum sc_codec codec)
{
	return codec == SC_CODEC_OPUS ? CALL_PT_OPUS : codec == SC_CODEC_PCMA ? CALL_PT_PCMA : CALL_PT_PCMU;
}

static int new_rtp_session(struct sc_call_media *cm, enum call_rng_mode mode, enum sc_codec codec,
			   uint8_t payload_type, struct sc_media_session **out)
{
	struct sc_media_config mc = {
		.payload_type = payload_type,
		.clock_rate = codec == SC_CODEC_OPUS ? SC_OPUS_RATE : 8000,
		.cname = cm->cname,
		.rng = { .fill = call_rng_fill, .ctx = &cm->rng },
		.fixed_first_seq = cm->fixed_first_seq,
		.first_seq = cm->first_seq,
	};
	cm->rng.mode = mode;
	cm->rng.replayed = 0;
	int ret = sc_media_session_new(&mc, out);
	cm->rng.mode = CALL_RNG_PASS; // later draws (RTCP intervals) are fresh
	return ret;
}

static bool codec_allowed(const struct sc_call_media *cm, enum sc_codec codec)
{
	for (size_t i = 0; i < cm->n_allowed; i++)
		if (cm->allowed[i] == codec)
			return true;
	return false;
}

static int check_config(const struct sc_call_media_config *cfg)
{
	if (!cfg || !cfg->policy || !cfg->zid || !cfg->rng || !cfg->cache.lookup ||
	    !cfg->cache.store || !cfg->cname || !cfg->cname[0] ||
	    strlen(cfg->cname) > SC_RTP_CNAME_MAX || !cfg->peer_name ||
	    strlen(cfg->peer_name) > SC_NAME_MAX)
		return -EINVAL;
	if (cfg->policy->ptime_ms != 10 && cfg->policy->ptime_ms != 20)
		return -EINVAL;
	if (cfg->role != SC_CALL_CALLER && cfg->role != SC_CALL_CALLEE)
		return -EINVAL;
	if (cfg->policy->n_codecs == 0 || cfg->policy->n_codecs > SC_MAX_LIST)
		return -EINVAL;
	return 0;
}

int sc_call_media_new(const struct sc_call_media_config *cfg, struct sc_call_media **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	int ret = check_config(cfg);
	if (ret < 0)
		return ret;
	struct sc_call_media *cm = calloc(1, sizeof(*cm));
	if (!cm)
		return -ENOMEM;
	cm->role = cfg->role;
	sc_strcpy(cm->peer_name, sizeof(cm->peer_name), cfg->peer_name);
	sc_strcpy(cm->cname, sizeof(cm->cname), cfg->cname);
	cm->ptime_ms = cfg->policy->ptime_ms;
	cm->jitter_min_ms = cfg->jitter_min_ms;
	cm->jitter_max_ms = cfg->jitter_max_ms;
	cm->fixed_first_seq = cfg->fixed_first_seq;
	cm->first_seq = cfg->first_seq;
	cm->n_allowed = cfg->policy->n_codecs;
	memcpy(cm->allowed, cfg->policy->codecs, cm->n_allowed * sizeof(cm->allowed[0]));
	cm->codec = cm->allowed[0];
	cm->payload_type = static_payload_type(cm->codec);
	cm->rng.fn = cfg->rng;
	cm->rng.ctx = cfg->rng_ctx;

	ret = new_rtp_session(cm, CALL_RNG_RECORD, cm->codec, cm->payload_type, &cm->media);
	if (ret < 0)
		goto out;
	struct sc_zrtp_config zc;
	memset(&zc, 0, sizeof(zc));
	zc.algorithms = cfg->policy->zrtp;
	memcpy(zc.zid, cfg->zid, SC_ZRTP_ZID_LEN);
	// RFC 6189 §5: ZRTP packets carry the SSRC of the RTP stream they key.
	zc.ssrc = sc_media_local_ssrc(cm->media);
	sc_strcpy(zc.peer_name, sizeof(zc.peer_name), cfg->peer_name);
	ret = sc_zrtp_new(&zc, cfg->rng, cfg->rng_ctx, &cfg->cache, &cm->zrtp);
	sc_wipe(&zc, sizeof(zc));
	if (ret < 0)
		goto out;
	ret = call_audio_setup(cm, cm->codec);
	if (ret < 0)
		goto out;
	cm->state = SC_CALL_MEDIA_IDLE;
	*out = cm;
	cm = NULL;
out:
	sc_call_media_free(cm);
	return ret;
}

void sc_call_media_free(struct sc_call_media *cm)
{
	if (!cm)
		return;
	if (cm->have_pending_keys)
		sc_zrtp_event_wipe(&cm->pending);
	sc_zrtp_free(cm->zrtp);
	sc_media_session_free(cm->media);
	call_audio_free(cm);
	call_queues_wipe(cm);
	sc_secret_free(cm, sizeof(*cm));
}

int sc_call_media_zrtp_hash(const struct sc_call_media *cm, char *out, size_t len)
{
	if (!cm || !out)
		return -EINVAL;
	if (len < SC_ZRTP_HELLO_HASH_ATTR_MAX)
		return -ENOBUFS;
	return sc_zrtp_hello_hash(cm->zrtp, out, len);
}

int sc_call_media_set_peer_zrtp_hash(struct sc_call_media *cm, const char *attr)
{
	if (!cm || !attr)
		return -EINVAL;
	if (cm->peer_hash_set)
		return strcmp(cm->peer_hash, attr) == 0 ? 0 : -EEXIST;
	if (strlen(attr) >= sizeof(cm->peer_hash))
		return -EINVAL;
	int ret = sc_zrtp_set_peer_hello_hash(cm->zrtp, attr);
	if (ret < 0)
		return ret;
	sc_strcpy(cm->peer_hash, sizeof(cm->peer_hash), attr);
	cm->peer_hash_set = true;
	// The peer's Hello may be in already: the engine checks it now, and keys that were
	// waiting for this hash are used only if it matched.
	call_zrtp_pump(cm, cm->now_ms);
	return 0;
}

int sc_call_media_set_codec(struct sc_call_media *cm, enum sc_codec codec, uint8_t payload_type)
{
	if (!cm)
		return -EINVAL;
	if (!codec_allowed(cm, codec) || payload_type > 127)
		return -EINVAL;
	if (cm->started)
		return -EBUSY;
	if (codec == cm->codec && payload_type == cm->payload_type)
		return 0;
	struct sc_media_session *fresh = NULL;
	int ret = new_rtp_session(cm, CALL_RNG_REPLAY, codec, payload_type, &fresh);
	if (ret == 0 && sc_media_local_ssrc(fresh) != sc_media_local_ssrc(cm->media))
		ret = -EIO;
	// The session first: the audio path is swapped in last, so a failure changes nothing.
	if (ret == 0 && codec != cm->codec)
		ret = call_audio_setup(cm, codec);
	if (ret < 0) {
		sc_media_session_free(fresh);
		return ret;
	}
	sc_media_session_free(cm->media);
	cm->media = fresh;
	cm->codec = codec;
	cm->payload_type = payload_type;
	return 0;
}

int sc_call_media_set_peer_max_bitrate(struct sc_call_media *cm, uint32_t bits_per_second)
{
	if (!cm)
		return -EINVAL;
	if (cm->started)
		return -EBUSY;
	if (bits_per_second == cm->peer_max_bitrate)
		return 0;
	uint32_t old = cm->peer_max_bitrate;
	cm->peer_max_bitrate = bits_per_second;
	int ret = cm->codec == SC_CODEC_OPUS ? call_audio_setup(cm, cm->codec) : 0;
	if (ret < 0)
		cm->peer_max_bitrate = old;
	return ret;
}

int sc_call_media_start(struct sc_call_media *cm, uint64_t now_ms)
{
	if (!cm)
		return -EINVAL;
	if (cm->started)
		return -EALREADY;
	int ret = sc_zrtp_start(cm->zrtp, now_ms);
	if (ret < 0)
		return ret;
	cm->started = true;
	call_clock(cm, now_ms);
	if (cm->state == SC_CALL_MEDIA_IDLE)
		cm->state = SC_CALL_MEDIA_KEYING;
	call_zrtp_pump(cm, now_ms);
	return 0;
}

static void on_rtcp(struct sc_call_media *cm, const struct sc_media_rx *rx)
{
	struct sc_media_stats ms;
	sc_media_get_stats(cm->media, &ms);
	if (ms.rtp.have_peer_report)
		call_audio_peer_loss(cm, ms.rtp.peer_fraction_lost);
	if (!rx->bye || cm->peer_bye)
		return;
	cm->peer_bye = true;
	call_event_push(cm, SC_CALL_MEDIA_EVENT_PEER_BYE, 0,
			"%s sent an RTCP BYE: it left the call", cm->peer_name);
}

int sc_call_media_receive(struct sc_call_media *cm, const uint8_t *datagram, size_t len,
			  uint64_t now_ms)
{
	if (!cm || (!datagram && len))
		return -EINVAL;
	call_clock(cm, now_ms);
	cm->c.rx_datagrams++;
	cm->c.rx_bytes += len;
	if (cm->state == SC_CALL_MEDIA_FAILED || cm->state == SC_CALL_MEDIA_ENDED) {
		cm->c.rx_after_end++;
		return 0;
	}
	if (len > sizeof(cm->rx_buf)) {
		cm->c.rx_oversize++;
		return 0;
	}
	if (len)
		memcpy(cm->rx_buf, datagram, len);
	struct sc_media_rx rx;
	sc_media_receive(cm->media, cm->rx_buf, len, call_ntp(now_ms), &rx);
	switch (rx.kind) {
	case SC_MEDIA_RX_ZRTP:
		sc_zrtp_receive(cm->zrtp, rx.payload, rx.payload_len, now_ms);
		call_zrtp_pump(cm, now_ms);
		break;
	case SC_MEDIA_RX_AUDIO:
		call_audio_received(cm, &rx, now_ms);
		break;
	case SC_MEDIA_RX_RTCP:
		on_rtcp(cm, &rx);
		break;
	case SC_MEDIA_RX_DROPPED:
		break; // counted by reason in the media session
	}
	sc_wipe(cm->rx_buf, len); // decrypted audio does not outlive the call into this buffer
	return 0;
}

int sc_call_media_timer(struct sc_call_media *cm, uint64_t now_ms)
{
	if (!cm)
		return -EINVAL;
	call_clock(cm, now_ms);
	if (!cm->started || cm->state == SC_CALL_MEDIA_FAILED || cm->state == SC_CALL_MEDIA_ENDED)
		return 0;
	sc_zrtp_timer(cm->zrtp, now_ms);
	call_zrtp_pump(cm, now_ms);
	if (cm->state != SC_CALL_MEDIA_SECURE)
		return 0;
	if (now_ms >= cm->next_rtcp_ms) {
		call_send_rtcp(cm, now_ms, NULL);
		cm->sent_first_rtcp = true;
		uint32_t ms = 5000;
		sc_media_rtcp_interval_ms(cm->media, false, &ms);
		cm->next_rtcp_ms = now_ms + ms;
	}
	call_audio_timer(cm, now_ms);
	return 0;
}

static int64_t earliest(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int64_t sc_call_media_next_timeout(const struct sc_call_media *cm)
{
	if (!cm || !cm->started || cm->state == SC_CALL_MEDIA_FAILED ||
	    cm->state == SC_CALL_MEDIA_ENDED)
		return -1;
	int64_t t = sc_zrtp_next_timeout(cm->zrtp);
	if (cm->state == SC_CALL_MEDIA_SECURE) {
		t = earliest(t, (int64_t)cm->next_rtcp_ms);
		t = earliest(t, call_audio_next_timeout(cm));
	}
	return t;
}

size_t sc_call_media_frame_samples(const struct sc_call_media *cm)
{
	return cm ? cm->frame_samples : 0;
}

uint32_t sc_call_media_clock_rate(const struct sc_call_media *cm)
{
	return cm ? cm->clock_rate : 0;
}

int sc_call_media_hangup(struct sc_call_media *cm, uint64_t now_ms)
{
	if (!cm)
		return -EINVAL;
	if (cm->state == SC_CALL_MEDIA_ENDED)
		return -EALREADY;
	call_clock(cm, now_ms);
	// Keyed once is enough: after a ZRTP Error that ended a secure call, SRTCP still works.
	bool keyed = cm->secure;
	if (keyed)
		call_send_rtcp(cm, now_ms, "hang-up");
	cm->state = SC_CALL_MEDIA_ENDED;
	if (cm->have_pending_keys) {
		sc_zrtp_event_wipe(&cm->pending);
		cm->have_pending_keys = false;
	}
	return keyed ? 0 : -EAGAIN;
}

int sc_call_media_set_sas_verified(struct sc_call_media *cm, bool verified)
{
	if (!cm)
		return -EINVAL;
	int ret = sc_zrtp_set_sas_verified(cm->zrtp, verified);
	if (ret == 0 && cm->secure)
		cm->security.verified = verified;
	return ret;
}

enum sc_call_media_state sc_call_media_state(const struct sc_call_media *cm)
{
	return cm ? cm->state : SC_CALL_MEDIA_FAILED;
}

const char *sc_call_media_state_name(enum sc_call_media_state state)
{
	switch (state) {
	case SC_CALL_MEDIA_IDLE:
		return "idle";
	case SC_CALL_MEDIA_KEYING:
		return "keying";
	case SC_CALL_MEDIA_SECURE:
		return "secure";
	case SC_CALL_MEDIA_FAILED:
		return "failed";
	case SC_CALL_MEDIA_ENDED:
		return "ended";
	}
	return "unknown";
}

static double percent(int64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void sc_call_media_get_stats(const struct sc_call_media *cm, struct sc_call_media_stats *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!cm)
		return;
	out->state = cm->state;
	out->role = cm->role;
	out->codec = cm->codec == SC_CODEC_OPUS ? "opus" : cm->codec == SC_CODEC_PCMA ? "PCMA" : "PCMU";
	out->payload_type = cm->payload_type;
	out->clock_rate = cm->clock_rate;
	out->ptime_ms = cm->ptime_ms;
	out->opus_bitrate = cm->opus_bitrate;
	out->opus_expected_loss = cm->opus_expected_loss;
	out->secure = cm->secure;
	if (cm->secure)
		out->security = cm->security;
	out->peer_bye = cm->peer_bye;
	out->counters = cm->c;
	sc_media_get_stats(cm->media, &out->media);
	const struct sc_rtp_stats *r = &out->media.rtp;
	out->rx_lost = r->rx_lost;
	out->rx_loss_pct = percent(r->rx_lost > 0 ? r->rx_lost : 0, r->rx_expected);
	out->peer_loss_pct = r->have_peer_report ? r->peer_fraction_lost * 100.0 / 256.0 : -1.0;
	out->jitter_ms = r->rx_jitter_ms;
	out->rtt_ms = r->rtt_ms;
	out->zrtp_state = sc_zrtp_state(cm->zrtp);
	out->zrtp = *sc_zrtp_counters(cm->zrtp);
	sc_jb_get_stats(cm->jb, &out->jitter);
	out->jb_delay_ms = out->jitter.delay_ms;
	out->jb_target_ms = out->jitter.target_ms;
	call_dtmf_stats(cm, out);
}
