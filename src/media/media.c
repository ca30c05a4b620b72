// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/media.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/secret.h"
#include "media/rtcp.h"
#include "media/rtp.h"

#define ZRTP_MIN_LEN 12 // header; the zrtp layer checks the rest and the CRC

struct sc_media_session {
	struct sc_rtp_session rtp;
	struct sc_rtp_rng rng;
	struct sc_srtp *srtp; // NULL until ZRTP hands over keys: the egress gate
	const char *suite;
	struct sc_media_counters c;
};

enum sc_media_packet_kind sc_media_demux(const uint8_t *buf, size_t len)
{
	if (!buf)
		return SC_MEDIA_PKT_UNKNOWN;
	if (len >= ZRTP_MIN_LEN && buf[0] == 0x10 && sc_rd32(buf + 4) == SC_ZRTP_MAGIC_COOKIE)
		return SC_MEDIA_PKT_ZRTP;
	if (sc_rtcp_looks_like_rtcp(buf, len))
		return SC_MEDIA_PKT_RTCP;
	if (len >= SC_RTP_HEADER_LEN && (buf[0] >> 6) == SC_RTP_VERSION)
		return SC_MEDIA_PKT_RTP;
	return SC_MEDIA_PKT_UNKNOWN;
}

int sc_media_os_rng(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	uint8_t *p = buf;
	// getrandom returns at most 32 MiB per call and may be interrupted; a few rounds at most.
	for (unsigned tries = 0; len > 0 && tries < 64; tries++) {
		ssize_t got = getrandom(p, len, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += got;
		len -= (size_t)got;
	}
	return len ? -EIO : 0;
}

int sc_media_session_new(const struct sc_media_config *cfg, struct sc_media_session **out)
{
	if (!cfg || !out)
		return -EINVAL;
	*out = NULL;
	struct sc_media_session *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	struct sc_rtp_session_config rc = {
		.payload_type = cfg->payload_type,
		.clock_rate = cfg->clock_rate,
		.cname = cfg->cname,
		.fixed_first_seq = cfg->fixed_first_seq,
		.first_seq = cfg->first_seq,
	};
	int ret = sc_rtp_session_init(&s->rtp, &rc, &cfg->rng);
	if (ret < 0) {
		free(s);
		return ret;
	}
	s->rng = cfg->rng;
	s->suite = "";
	*out = s;
	return 0;
}

void sc_media_session_free(struct sc_media_session *s)
{
	if (!s)
		return;
	sc_srtp_free(s->srtp);
	free(s);
}

int sc_media_set_keys(struct sc_media_session *s, const struct sc_srtp_keys *keys)
{
	if (!s || !keys)
		return -EINVAL;
	if (s->srtp)
		return -EALREADY;
	int ret = sc_srtp_create(keys, &s->srtp);
	if (ret < 0)
		return ret;
	s->suite = sc_srtp_suite_name(keys->cipher, keys->auth);
	return 0;
}

static int copy_direction(const struct sc_media_zrtp_key *in, size_t key_len,
			  struct sc_srtp_master *out)
{
	if (!in || !in->key || !in->salt || in->key_len != key_len ||
	    in->salt_len != SC_SRTP_SALT_LEN)
		return -EINVAL;
	memcpy(out->key, in->key, key_len);
	memcpy(out->salt, in->salt, SC_SRTP_SALT_LEN);
	return 0;
}

int sc_media_keys_from_zrtp(enum sc_zrtp_cipher cipher, enum sc_zrtp_auth auth,
			    const struct sc_media_zrtp_key *tx, const struct sc_media_zrtp_key *rx,
			    struct sc_srtp_keys *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	size_t key_len;
	switch (cipher) {
	case SC_ZRTP_AES1:
		out->cipher = SC_SRTP_AES_CM_128;
		key_len = 16;
		break;
	case SC_ZRTP_AES3:
		out->cipher = SC_SRTP_AES_CM_256;
		key_len = 32;
		break;
	default:
		return -EINVAL;
	}
	switch (auth) {
	case SC_ZRTP_HS80:
		out->auth = SC_SRTP_HMAC_SHA1_80;
		break;
	case SC_ZRTP_HS32:
		out->auth = SC_SRTP_HMAC_SHA1_32;
		break;
	default:
		return -EINVAL;
	}
	// ZRTP's auth tag type covers SRTCP as well as SRTP in bzrtp (Linphone): with HS32 it
	// sends and checks 32-bit SRTCP tags, and failed every SRTCP packet with the 80-bit tag
	// RFC 4568 gives its _32 SDES suites ("srtp_unprotect_rtcp() failed (7)", interop test),
	// so each side lost the other's reports. HS32 is only agreed when the policy lists it;
	// an RTCP forgery then has 2^-32 odds per try and can forge statistics, nothing more.
	out->srtcp_tag_like_srtp = true;
	int ret = copy_direction(tx, key_len, &out->tx);
	if (ret == 0)
		ret = copy_direction(rx, key_len, &out->rx);
	if (ret < 0)
		sc_wipe(out, sizeof(*out));
	return ret;
}

bool sc_media_has_keys(const struct sc_media_session *s)
{
	return s && s->srtp;
}

uint32_t sc_media_local_ssrc(const struct sc_media_session *s)
{
	return s ? s->rtp.ssrc : 0;
}

// Plaintext may have been staged in OUT before protection failed: nothing of it may stay
// where a careless caller could still send it.
static int fail_egress(struct sc_media_session *s, uint8_t *out, size_t cap, int err)
{
	sc_wipe(out, cap < SC_MEDIA_MAX_PACKET ? cap : SC_MEDIA_MAX_PACKET);
	s->c.tx_errors++;
	return err;
}

// The one RTP egress: audio and telephone events alike go through the same key gate, the
// same sequence numbers and the same SRTP context. PT < 0: the session's payload type, with
// the marker on the stream's first packet; else that payload type with MARKER.
static int send_rtp(struct sc_media_session *s, int pt, bool marker, const uint8_t *payload,
		    size_t len, uint32_t ts, uint8_t *out, size_t cap, size_t *out_len)
{
	if (out_len)
		*out_len = 0;
	if (!s || !out || !out_len || (!payload && len) || pt > 127)
		return -EINVAL;
	if (!s->srtp) {
		s->c.tx_dropped_before_keys++;
		return -EAGAIN;
	}
	if (len == 0 || len > SC_MEDIA_MAX_PAYLOAD)
		return -EINVAL;
	if (cap < SC_RTP_HEADER_LEN + len + sc_srtp_rtp_overhead(s->srtp)) {
		s->c.tx_errors++;
		return -ENOBUFS; // checked before any byte is written
	}

	struct sc_rtp_header hdr;
	sc_rtp_session_next_header(&s->rtp, ts, &hdr);
	if (pt >= 0) {
		hdr.payload_type = (uint8_t)pt;
		hdr.marker = marker;
	}
	size_t n;
	int ret = sc_rtp_write(&hdr, payload, len, out, cap, &n);
	if (ret < 0)
		return fail_egress(s, out, cap, ret);
	ret = sc_srtp_protect_rtp(s->srtp, out, &n, cap);
	// libsrtp has seen this sequence number even when it failed: never reuse it.
	sc_rtp_session_sent(&s->rtp, len, ret == 0);
	if (ret < 0)
		return fail_egress(s, out, cap, ret == -ENOBUFS ? ret : -EIO);
	s->c.tx_rtp++;
	*out_len = n;
	return 0;
}

int sc_media_send_audio(struct sc_media_session *s, const uint8_t *payload, size_t len,
			uint32_t ts, uint8_t *out, size_t cap, size_t *out_len)
{
	return send_rtp(s, -1, false, payload, len, ts, out, cap, out_len);
}

int sc_media_send_event(struct sc_media_session *s, uint8_t payload_type, bool marker,
			const uint8_t *payload, size_t len, uint32_t ts, uint8_t *out, size_t cap,
			size_t *out_len)
{
	return send_rtp(s, payload_type, marker, payload, len, ts, out, cap, out_len);
}

int sc_media_send_rtcp(struct sc_media_session *s, uint64_t now_ntp, uint32_t media_ts,
		       const char *bye_reason, uint8_t *out, size_t cap, size_t *out_len)
{
	if (out_len)
		*out_len = 0;
	if (!s || !out || !out_len)
		return -EINVAL;
	if (!s->srtp) {
		s->c.tx_rtcp_dropped_before_keys++;
		return -EAGAIN;
	}
	size_t overhead = sc_srtp_rtcp_overhead(s->srtp);
	if (cap <= overhead) {
		s->c.tx_errors++;
		return -ENOBUFS;
	}
	size_t n;
	int ret = sc_rtp_session_build_rtcp(&s->rtp, now_ntp, media_ts, bye_reason, out,
					    cap - overhead, &n);
	if (ret < 0)
		return fail_egress(s, out, cap, ret);
	ret = sc_srtp_protect_rtcp(s->srtp, out, &n, cap);
	if (ret < 0)
		return fail_egress(s, out, cap, ret == -ENOBUFS ? ret : -EIO);
	s->c.tx_rtcp++;
	*out_len = n;
	return 0;
}

static int drop(struct sc_media_session *s, struct sc_media_rx *out,
		enum sc_media_drop_reason reason)
{
	out->kind = SC_MEDIA_RX_DROPPED;
	out->drop = reason;
	switch (reason) {
	case SC_MEDIA_DROP_NO_KEYS:
		s->c.rx_dropped_before_keys++;
		break;
	case SC_MEDIA_DROP_AUTH:
		s->c.rx_auth_failed++;
		break;
	case SC_MEDIA_DROP_REPLAYED:
		s->c.rx_replayed++;
		break;
	case SC_MEDIA_DROP_TOO_OLD:
		s->c.rx_too_old++;
		break;
	case SC_MEDIA_DROP_MALFORMED:
		s->c.rx_malformed++;
		break;
	case SC_MEDIA_DROP_UNKNOWN:
		s->c.rx_unknown++;
		break;
	case SC_MEDIA_DROP_NONE:
	case SC_MEDIA_DROP_ERROR:
		s->c.rx_errors++;
		break;
	}
	return 0;
}

static enum sc_media_drop_reason unprotect_verdict(int err)
{
	switch (err) {
	case -EBADMSG:
		return SC_MEDIA_DROP_AUTH;
	case -EALREADY:
		return SC_MEDIA_DROP_REPLAYED;
	case -ESTALE:
		return SC_MEDIA_DROP_TOO_OLD;
	case -EINVAL:
		return SC_MEDIA_DROP_MALFORMED;
	default:
		return SC_MEDIA_DROP_ERROR;
	}
}

static int receive_rtp(struct sc_media_session *s, uint8_t *buf, size_t len, uint64_t now_ntp,
		       struct sc_media_rx *out)
{
	if (!s->srtp)
		return drop(s, out, SC_MEDIA_DROP_NO_KEYS);
	size_t n = len;
	int ret = sc_srtp_unprotect_rtp(s->srtp, buf, &n);
	if (ret < 0)
		return drop(s, out, unprotect_verdict(ret));
	struct sc_rtp_packet pkt;
	if (sc_rtp_parse(buf, n, &pkt) < 0)
		return drop(s, out, SC_MEDIA_DROP_MALFORMED); // padding is only readable now

	out->kind = SC_MEDIA_RX_AUDIO;
	out->payload = pkt.payload;
	out->payload_len = pkt.payload_len;
	out->payload_type = pkt.hdr.payload_type;
	out->marker = pkt.hdr.marker;
	out->seq = pkt.hdr.seq;
	out->timestamp = pkt.hdr.timestamp;
	out->ssrc = pkt.hdr.ssrc;
	out->ext_seq = sc_rtp_session_received(&s->rtp, &pkt.hdr, now_ntp);
	s->c.rx_rtp++;
	return 0;
}

static int receive_rtcp(struct sc_media_session *s, uint8_t *buf, size_t len, uint64_t now_ntp,
			struct sc_media_rx *out)
{
	if (!s->srtp)
		return drop(s, out, SC_MEDIA_DROP_NO_KEYS);
	size_t n = len;
	int ret = sc_srtp_unprotect_rtcp(s->srtp, buf, &n);
	if (ret < 0)
		return drop(s, out, unprotect_verdict(ret));
	struct sc_rtcp_info info;
	if (sc_rtcp_parse(buf, n, &info) < 0)
		return drop(s, out, SC_MEDIA_DROP_MALFORMED);
	sc_rtp_session_rtcp_received(&s->rtp, &info, now_ntp);
	out->kind = SC_MEDIA_RX_RTCP;
	out->payload = buf;
	out->payload_len = n;
	out->bye = info.has_bye;
	s->c.rx_rtcp++;
	return 0;
}

int sc_media_receive(struct sc_media_session *s, uint8_t *buf, size_t len, uint64_t now_ntp,
		     struct sc_media_rx *out)
{
	if (!s || !buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	switch (sc_media_demux(buf, len)) {
	case SC_MEDIA_PKT_ZRTP:
		out->kind = SC_MEDIA_RX_ZRTP;
		out->payload = buf;
		out->payload_len = len;
		s->c.rx_zrtp++;
		return 0;
	case SC_MEDIA_PKT_RTP:
		return receive_rtp(s, buf, len, now_ntp, out);
	case SC_MEDIA_PKT_RTCP:
		return receive_rtcp(s, buf, len, now_ntp, out);
	case SC_MEDIA_PKT_UNKNOWN:
		break;
	}
	return drop(s, out, SC_MEDIA_DROP_UNKNOWN);
}

int sc_media_rtcp_interval_ms(const struct sc_media_session *s, bool first, uint32_t *ms)
{
	if (!s)
		return -EINVAL;
	return sc_rtp_session_rtcp_interval_ms(&s->rng, first, ms);
}

void sc_media_get_stats(const struct sc_media_session *s, struct sc_media_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->counters = s->c;
	sc_rtp_session_stats(&s->rtp, &out->rtp);
	out->keyed = s->srtp != NULL;
	out->suite = s->suite;
}

int sc_media_srtp_rocs(const struct sc_media_session *s, uint32_t *tx_roc, uint32_t *rx_roc)
{
	if (!s || !s->srtp || !tx_roc || !rx_roc)
		return -EINVAL;
	int ret = sc_srtp_tx_roc(s->srtp, s->rtp.ssrc, tx_roc);
	if (ret < 0)
		return ret;
	return sc_srtp_rx_roc(s->srtp, s->rtp.rx.ssrc, rx_roc);
}
