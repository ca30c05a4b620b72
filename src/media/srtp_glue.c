// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/srtp_glue.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>
#include <srtp2/srtp.h>

#include "base/log.h"
#include "base/secret.h"

#define RTP_FIXED_HEADER 12
#define RTCP_FIXED_HEADER 8
#define SRTCP_TRAILER 4 // E flag and 31-bit SRTCP index
#define TAG_80 10
#define TAG_32 4

// Two libsrtp sessions rather than one: libsrtp allows a single wildcard template per
// session, and ZRTP gives each direction its own key anyway.
struct sc_srtp {
	srtp_t tx, rx;
	size_t rtp_tag, rtcp_tag;
};

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static bool global_ready;
static bool nss_started_here;

int sc_srtp_global_init(void)
{
	int ret = 0;
	pthread_mutex_lock(&global_lock);
	if (global_ready)
		goto out;
	if (!NSS_IsInitialized()) {
		if (NSS_NoDB_Init(NULL) != SECSuccess) {
			sc_err("srtp: NSS_NoDB_Init failed, so libsrtp has no AES or HMAC; check that "
			       "libnss3 is installed completely (apt-get install --reinstall libnss3)");
			ret = -EIO;
			goto out;
		}
		nss_started_here = true;
	}
	srtp_err_status_t st = srtp_init();
	if (st != srtp_err_status_ok) {
		sc_err("srtp: srtp_init failed (libsrtp status %d): its self-test or NSS backend "
		       "does not work; reinstall libsrtp2-1 and libnss3",
		       (int)st);
		if (nss_started_here) {
			NSS_Shutdown();
			nss_started_here = false;
		}
		ret = -EIO;
		goto out;
	}
	global_ready = true;
out:
	pthread_mutex_unlock(&global_lock);
	return ret;
}

void sc_srtp_global_shutdown(void)
{
	pthread_mutex_lock(&global_lock);
	if (global_ready) {
		srtp_shutdown();
		if (nss_started_here)
			NSS_Shutdown();
		nss_started_here = false;
		global_ready = false;
	}
	pthread_mutex_unlock(&global_lock);
}

static bool is_ready(void)
{
	pthread_mutex_lock(&global_lock);
	bool ready = global_ready;
	pthread_mutex_unlock(&global_lock);
	return ready;
}

static int status_to_errno(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
		return -EBADMSG;
	case srtp_err_status_replay_fail:
		return -EALREADY;
	case srtp_err_status_replay_old:
		return -ESTALE;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return -EINVAL;
	case srtp_err_status_alloc_fail:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

const char *sc_srtp_suite_name(enum sc_srtp_cipher cipher, enum sc_srtp_auth auth)
{
	bool tag80 = auth == SC_SRTP_HMAC_SHA1_80;
	if (cipher == SC_SRTP_AES_CM_256)
		return tag80 ? "AES_256_CM_HMAC_SHA1_80" : "AES_256_CM_HMAC_SHA1_32";
	return tag80 ? "AES_CM_128_HMAC_SHA1_80" : "AES_CM_128_HMAC_SHA1_32";
}

static size_t key_len(enum sc_srtp_cipher cipher)
{
	return cipher == SC_SRTP_AES_CM_256 ? 32 : 16;
}

static void set_crypto(srtp_crypto_policy_t *p, enum sc_srtp_cipher cipher, bool tag80)
{
	if (cipher == SC_SRTP_AES_CM_256) {
		if (tag80)
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(p);
		else
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(p);
	} else {
		if (tag80)
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p);
		else
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(p);
	}
}

static int create_direction(const struct sc_srtp_keys *keys, const struct sc_srtp_master *m,
			    bool outbound, srtp_t *out)
{
	// libsrtp wants key and salt concatenated in one buffer.
	uint8_t material[SC_SRTP_MAX_KEY_LEN + SC_SRTP_SALT_LEN];
	size_t klen = key_len(keys->cipher);
	memcpy(material, m->key, klen);
	memcpy(material + klen, m->salt, SC_SRTP_SALT_LEN);

	srtp_policy_t policy;
	memset(&policy, 0, sizeof(policy));
	bool srtp_tag80 = keys->auth == SC_SRTP_HMAC_SHA1_80;
	set_crypto(&policy.rtp, keys->cipher, srtp_tag80);
	set_crypto(&policy.rtcp, keys->cipher, srtp_tag80 || !keys->srtcp_tag_like_srtp);
	policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	policy.key = material;
	policy.window_size = keys->replay_window ? keys->replay_window : SC_SRTP_REPLAY_WINDOW_DEFAULT;
	policy.allow_repeat_tx = 0; // a repeated sequence number would reuse keystream
	policy.next = NULL;

	srtp_err_status_t st = srtp_create(out, &policy);
	sc_wipe(material, sizeof(material));
	if (st != srtp_err_status_ok) {
		*out = NULL;
		sc_err("srtp: cannot create the %s SRTP context (libsrtp status %d)",
		       outbound ? "sending" : "receiving", (int)st);
		return status_to_errno(st);
	}
	return 0;
}

int sc_srtp_create(const struct sc_srtp_keys *keys, struct sc_srtp **out)
{
	int ret;
	struct sc_srtp *ctx = NULL;
	if (!keys || !out)
		return -EINVAL;
	*out = NULL;
	if (keys->cipher != SC_SRTP_AES_CM_128 && keys->cipher != SC_SRTP_AES_CM_256)
		return -EINVAL;
	if (keys->auth != SC_SRTP_HMAC_SHA1_80 && keys->auth != SC_SRTP_HMAC_SHA1_32)
		return -EINVAL;
	if (keys->replay_window != 0 && (keys->replay_window < SC_SRTP_REPLAY_WINDOW_MIN ||
					 keys->replay_window > SC_SRTP_REPLAY_WINDOW_MAX))
		return -EINVAL;
	if (!is_ready()) {
		sc_err("srtp: keys arrived before sc_srtp_global_init(); the daemon must call it at start");
		return -EPERM;
	}

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->rtp_tag = keys->auth == SC_SRTP_HMAC_SHA1_80 ? TAG_80 : TAG_32;
	ctx->rtcp_tag = keys->srtcp_tag_like_srtp ? ctx->rtp_tag : TAG_80;
	ret = create_direction(keys, &keys->tx, true, &ctx->tx);
	if (ret < 0)
		goto out;
	ret = create_direction(keys, &keys->rx, false, &ctx->rx);
	if (ret < 0)
		goto out;
	*out = ctx;
	ctx = NULL;
out:
	sc_srtp_free(ctx);
	return ret;
}

void sc_srtp_free(struct sc_srtp *ctx)
{
	if (!ctx)
		return;
	if (ctx->tx)
		srtp_dealloc(ctx->tx);
	if (ctx->rx)
		srtp_dealloc(ctx->rx);
	sc_secret_free(ctx, sizeof(*ctx));
}

size_t sc_srtp_rtp_overhead(const struct sc_srtp *ctx)
{
	return ctx ? ctx->rtp_tag : 0;
}

size_t sc_srtp_rtcp_overhead(const struct sc_srtp *ctx)
{
	return ctx ? SRTCP_TRAILER + ctx->rtcp_tag : 0;
}

// libsrtp trusts the CSRC count and extension length it reads; check them first so that a
// hostile header can never make it read past LEN.
static bool rtp_header_fits(const uint8_t *p, size_t len)
{
	if (len < RTP_FIXED_HEADER || (p[0] >> 6) != 2)
		return false;
	size_t hdr = RTP_FIXED_HEADER + 4u * (p[0] & 0x0f);
	if (hdr > len)
		return false;
	if (p[0] & 0x10) {
		if (len - hdr < 4)
			return false;
		size_t ext = 4u * (((size_t)p[hdr + 2] << 8) | p[hdr + 3]);
		if (len - hdr - 4 < ext)
			return false;
	}
	return true;
}

static bool rtcp_header_fits(const uint8_t *p, size_t len)
{
	return len >= RTCP_FIXED_HEADER && (p[0] >> 6) == 2;
}

int sc_srtp_protect_rtp(struct sc_srtp *ctx, uint8_t *buf, size_t *len, size_t cap)
{
	if (!ctx || !buf || !len)
		return -EINVAL;
	size_t n = *len;
	if (n > cap || !rtp_header_fits(buf, n))
		return -EINVAL;
	if (n > (size_t)INT_MAX - SRTP_MAX_TRAILER_LEN || cap - n < ctx->rtp_tag)
		return -ENOBUFS;
	int l = (int)n;
	int ret = status_to_errno(srtp_protect(ctx->tx, buf, &l));
	if (ret < 0)
		return ret;
	*len = (size_t)l;
	return 0;
}

int sc_srtp_protect_rtcp(struct sc_srtp *ctx, uint8_t *buf, size_t *len, size_t cap)
{
	if (!ctx || !buf || !len)
		return -EINVAL;
	size_t n = *len;
	if (n > cap || !rtcp_header_fits(buf, n))
		return -EINVAL;
	if (n > (size_t)INT_MAX - SRTP_MAX_TRAILER_LEN || cap - n < SRTCP_TRAILER + ctx->rtcp_tag)
		return -ENOBUFS;
	int l = (int)n;
	int ret = status_to_errno(srtp_protect_rtcp(ctx->tx, buf, &l));
	if (ret < 0)
		return ret;
	*len = (size_t)l;
	return 0;
}

int sc_srtp_unprotect_rtp(struct sc_srtp *ctx, uint8_t *buf, size_t *len)
{
	if (!ctx || !buf || !len)
		return -EINVAL;
	size_t n = *len;
	if (n > INT_MAX || n < ctx->rtp_tag || !rtp_header_fits(buf, n - ctx->rtp_tag))
		return -EINVAL;
	int l = (int)n;
	int ret = status_to_errno(srtp_unprotect(ctx->rx, buf, &l));
	if (ret < 0)
		return ret;
	*len = (size_t)l;
	return 0;
}

int sc_srtp_unprotect_rtcp(struct sc_srtp *ctx, uint8_t *buf, size_t *len)
{
	if (!ctx || !buf || !len)
		return -EINVAL;
	size_t n = *len;
	size_t trailer = SRTCP_TRAILER + ctx->rtcp_tag;
	if (n > INT_MAX || n < trailer || !rtcp_header_fits(buf, n - trailer))
		return -EINVAL;
	int l = (int)n;
	int ret = status_to_errno(srtp_unprotect_rtcp(ctx->rx, buf, &l));
	if (ret < 0)
		return ret;
	*len = (size_t)l;
	return 0;
}

static int get_roc(srtp_t session, uint32_t ssrc, uint32_t *roc)
{
	if (!session || !roc)
		return -EINVAL;
	return srtp_get_stream_roc(session, ssrc, roc) == srtp_err_status_ok ? 0 : -ENOENT;
}

int sc_srtp_tx_roc(const struct sc_srtp *ctx, uint32_t ssrc, uint32_t *roc)
{
	return ctx ? get_roc(ctx->tx, ssrc, roc) : -EINVAL;
}

int sc_srtp_rx_roc(const struct sc_srtp *ctx, uint32_t ssrc, uint32_t *roc)
{
	return ctx ? get_roc(ctx->rx, ssrc, roc) : -EINVAL;
}
