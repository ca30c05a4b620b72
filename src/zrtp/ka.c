// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/ka.h"

#include <errno.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/curve25519.h>
#include <wolfssl/wolfcrypt/dh.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>

#include "base/secret.h"
#include "zrtp/crypto.h"

// Order n of P-256 (FIPS 186-4 D.1.2.3): private scalars must lie in [1, n-1].
static const uint8_t p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

size_t sc_zrtp_ka_pv_len(enum sc_zrtp_key_agreement type)
{
	switch (type) {
	case SC_ZRTP_DH3K:
		return 384;
	case SC_ZRTP_EC25:
		return 64;
	case SC_ZRTP_X255:
		return 32;
	}
	return 0;
}

size_t sc_zrtp_ka_result_len(enum sc_zrtp_key_agreement type)
{
	return type == SC_ZRTP_DH3K ? 384 : 32;
}

static int is_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

// wolfSSL returns DH values minimal-length; ZRTP carries them at the full group size.
static void left_pad(uint8_t *buf, size_t got, size_t want)
{
	if (got >= want)
		return;
	memmove(buf + (want - got), buf, got);
	memset(buf, 0, want - got);
}

static int dh3k_agree(const uint8_t priv[32], const uint8_t peer[384], uint8_t out[384])
{
	static const uint8_t generator = 2;
	DhKey dh;
	word32 out_len = 384;
	int rc = -EIO;
	if (wc_InitDhKey(&dh) != 0)
		return -EIO;
	if (wc_DhSetKey(&dh, sc_zrtp_dh3k_prime, sizeof(sc_zrtp_dh3k_prime), &generator, 1) != 0)
		goto out;
	if (wc_DhCheckPubKey(&dh, peer, 384) != 0 ||
	    wc_DhAgree(&dh, out, &out_len, priv, 32, peer, 384) != 0) {
		rc = -EBADMSG;
		goto out;
	}
	left_pad(out, out_len, 384);
	rc = 0;
out:
	wc_FreeDhKey(&dh);
	sc_wipe(&dh, sizeof(dh));
	return rc;
}

static int dh3k_public(const uint8_t priv[32], uint8_t out[384])
{
	static const uint8_t generator = 2;
	DhKey dh;
	word32 out_len = 384;
	int rc = -EIO;
	if (wc_InitDhKey(&dh) != 0)
		return -EIO;
	// wc_DhAgree computes base^priv mod p; with base = g it yields the public value, which
	// keeps the private exponent ours rather than wolfSSL's generator's.
	if (wc_DhSetKey(&dh, sc_zrtp_dh3k_prime, sizeof(sc_zrtp_dh3k_prime), &generator, 1) == 0 &&
	    wc_DhAgree(&dh, out, &out_len, priv, 32, &generator, 1) == 0) {
		left_pad(out, out_len, 384);
		rc = 0;
	}
	wc_FreeDhKey(&dh);
	sc_wipe(&dh, sizeof(dh));
	return rc;
}

// RFC 6189 §5.1.5: pv of 0, 1 and p-1 (and anything not below p) must be refused; the
// explicit comparison stays because wc_DhAgree accepts p-1 (FIELD-NOTES).
static int dh3k_pv_ok(const uint8_t pv[384])
{
	uint8_t p_minus_1[384];
	memcpy(p_minus_1, sc_zrtp_dh3k_prime, 384);
	p_minus_1[383] -= 1; // the prime ends in 0xff: no borrow
	if (is_zero(pv, 384) || memcmp(pv, sc_zrtp_dh3k_prime, 384) >= 0 ||
	    memcmp(pv, p_minus_1, 384) == 0)
		return 0;
	if (is_zero(pv, 383) && pv[383] == 1)
		return 0;
	return 1;
}

static int p256_public(const uint8_t priv[32], uint8_t out[64])
{
	ecc_key key;
	word32 x_len = 32, y_len = 32;
	int rc = -EIO;
	if (wc_ecc_init(&key) != 0)
		return -EIO;
	if (wc_ecc_import_private_key_ex(priv, 32, NULL, 0, &key, ECC_SECP256R1) != 0)
		goto out;
	if (wc_ecc_make_pub(&key, NULL) != 0)
		goto out;
	if (wc_ecc_export_public_raw(&key, out, &x_len, out + 32, &y_len) != 0)
		goto out;
	left_pad(out, x_len, 32);
	left_pad(out + 32, y_len, 32);
	rc = 0;
out:
	wc_ecc_free(&key);
	sc_wipe(&key, sizeof(key));
	return rc;
}

static int p256_agree(const uint8_t priv[32], const uint8_t peer[64], uint8_t out[32])
{
	ecc_key mine, theirs;
	WC_RNG rng;
	word32 out_len = 32;
	int rc = -EIO, have_rng = 0;
	if (wc_ecc_init(&mine) != 0)
		return -EIO;
	if (wc_ecc_init(&theirs) != 0) {
		wc_ecc_free(&mine);
		return -EIO;
	}
	if (wc_ecc_import_unsigned(&theirs, peer, peer + 32, NULL, ECC_SECP256R1) != 0 ||
	    wc_ecc_check_key(&theirs) != 0) {
		rc = -EBADMSG;
		goto out;
	}
	if (wc_ecc_import_private_key_ex(priv, 32, NULL, 0, &mine, ECC_SECP256R1) != 0)
		goto out;
	// wolfSSL blinds the scalar multiplication and refuses to run without a generator
	// (-236). That randomness never reaches the result, so determinism is kept.
	if (wc_InitRng(&rng) != 0)
		goto out;
	have_rng = 1;
	if (wc_ecc_set_rng(&mine, &rng) != 0)
		goto out;
	if (wc_ecc_shared_secret(&mine, &theirs, out, &out_len) != 0) {
		rc = -EBADMSG;
		goto out;
	}
	left_pad(out, out_len, 32);
	rc = 0;
out:
	if (have_rng)
		wc_FreeRng(&rng);
	wc_ecc_free(&mine);
	wc_ecc_free(&theirs);
	sc_wipe(&mine, sizeof(mine));
	return rc;
}

int sc_zrtp_ka_from_private(struct sc_zrtp_ka *ka, enum sc_zrtp_key_agreement type,
			    const uint8_t *priv, size_t priv_len)
{
	int rc;
	if (priv_len != 32)
		return -EINVAL;
	memset(ka, 0, sizeof(*ka));
	ka->type = type;
	memcpy(ka->priv, priv, 32);
	ka->pub_len = sc_zrtp_ka_pv_len(type);
	switch (type) {
	case SC_ZRTP_DH3K:
		rc = dh3k_public(ka->priv, ka->pub);
		break;
	case SC_ZRTP_EC25:
		if (is_zero(priv, 32) || memcmp(priv, p256_order, 32) >= 0)
			return -EINVAL;
		rc = p256_public(ka->priv, ka->pub);
		break;
	case SC_ZRTP_X255:
		ka->priv[0] &= 248; // RFC 7748 §5 decodeScalar25519
		ka->priv[31] &= 127;
		ka->priv[31] |= 64;
		rc = wc_curve25519_make_pub(32, ka->pub, 32, ka->priv) == 0 ? 0 : -EIO;
		break;
	default:
		rc = -EINVAL;
	}
	if (rc != 0)
		sc_zrtp_ka_wipe(ka);
	return rc;
}

int sc_zrtp_ka_generate(struct sc_zrtp_ka *ka, enum sc_zrtp_key_agreement type,
			sc_zrtp_rng_fn rng, void *rng_ctx)
{
	uint8_t priv[32];
	int rc = -EIO;
	// A P-256 scalar is redrawn when it falls outside [1, n-1]: with n close to 2^256 that
	// happens about once in 2^32 draws, so a few tries always suffice.
	for (int attempt = 0; attempt < 8; attempt++) {
		rc = rng(rng_ctx, priv, sizeof(priv));
		if (rc != 0)
			break;
		rc = sc_zrtp_ka_from_private(ka, type, priv, sizeof(priv));
		if (rc != -EINVAL || type != SC_ZRTP_EC25)
			break;
	}
	sc_wipe(priv, sizeof(priv));
	return rc;
}

int sc_zrtp_ka_agree(const struct sc_zrtp_ka *ka, const uint8_t *peer, size_t peer_len,
		     uint8_t *result)
{
	if (peer_len != sc_zrtp_ka_pv_len(ka->type))
		return -EBADMSG;
	switch (ka->type) {
	case SC_ZRTP_DH3K:
		if (!dh3k_pv_ok(peer))
			return -EBADMSG;
		return dh3k_agree(ka->priv, peer, result);
	case SC_ZRTP_EC25:
		return p256_agree(ka->priv, peer, result);
	case SC_ZRTP_X255:
		if (wc_curve25519_generic(32, result, 32, ka->priv, 32, peer) != 0)
			return -EBADMSG;
		// A low-order point gives an all-zero secret (RFC 7748 §6.1): refuse it.
		if (is_zero(result, 32))
			return -EBADMSG;
		return 0;
	}
	return -EINVAL;
}

void sc_zrtp_ka_wipe(struct sc_zrtp_ka *ka)
{
	sc_wipe(ka, sizeof(*ka));
}
