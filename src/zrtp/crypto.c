// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/crypto.h"

#include <errno.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/sha256.h>
#include <wolfssl/wolfcrypt/sha512.h>

#include "base/secret.h"

size_t sc_zrtp_hash_len(enum sc_zrtp_hash hash)
{
	return hash == SC_ZRTP_S384 ? 48 : 32;
}

size_t sc_zrtp_cipher_key_len(enum sc_zrtp_cipher cipher)
{
	return cipher == SC_ZRTP_AES3 ? 32 : 16;
}

int sc_zrtp_hash(enum sc_zrtp_hash hash, const struct sc_zrtp_buf *parts, size_t n, uint8_t *out)
{
	int rc = -EIO;
	if (hash == SC_ZRTP_S384) {
		wc_Sha384 ctx;
		if (wc_InitSha384(&ctx) != 0)
			return -EIO;
		for (size_t i = 0; i < n; i++)
			if (parts[i].len && wc_Sha384Update(&ctx, parts[i].data, (word32)parts[i].len) != 0)
				goto out384;
		if (wc_Sha384Final(&ctx, out) == 0)
			rc = 0;
out384:
		wc_Sha384Free(&ctx);
		return rc;
	}
	wc_Sha256 ctx;
	if (wc_InitSha256(&ctx) != 0)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		if (parts[i].len && wc_Sha256Update(&ctx, parts[i].data, (word32)parts[i].len) != 0)
			goto out256;
	if (wc_Sha256Final(&ctx, out) == 0)
		rc = 0;
out256:
	wc_Sha256Free(&ctx);
	return rc;
}

int sc_zrtp_sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sc_zrtp_buf part = { data, len };
	return sc_zrtp_hash(SC_ZRTP_S256, &part, 1, out);
}

int sc_zrtp_hmac(enum sc_zrtp_hash hash, const uint8_t *key, size_t key_len,
		 const struct sc_zrtp_buf *parts, size_t n, uint8_t *out)
{
	Hmac ctx;
	int rc = -EIO;
	if (wc_HmacInit(&ctx, NULL, INVALID_DEVID) != 0)
		return -EIO;
	if (wc_HmacSetKey(&ctx, hash == SC_ZRTP_S384 ? WC_SHA384 : WC_SHA256, key, (word32)key_len) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (parts[i].len && wc_HmacUpdate(&ctx, parts[i].data, (word32)parts[i].len) != 0)
			goto out;
	if (wc_HmacFinal(&ctx, out) == 0)
		rc = 0;
out:
	wc_HmacFree(&ctx);
	sc_wipe(&ctx, sizeof(ctx));
	return rc;
}

int sc_zrtp_msg_mac(const uint8_t key[32], const void *data, size_t len, uint8_t mac[8])
{
	uint8_t full[32];
	struct sc_zrtp_buf part = { data, len };
	int rc = sc_zrtp_hmac(SC_ZRTP_S256, key, 32, &part, 1, full);
	if (rc == 0)
		memcpy(mac, full, 8);
	sc_wipe(full, sizeof(full));
	return rc;
}

int sc_zrtp_aes_cfb(int encrypt, const uint8_t *key, size_t key_len, const uint8_t iv[16],
		    const uint8_t *in, uint8_t *out, size_t len)
{
	Aes aes;
	int rc = -EIO;
	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0)
		return -EIO;
	// CFB runs the block cipher forwards in both directions: wolfSSL needs the key set
	// for encryption even to decrypt, or it returns garbage with success (FIELD-NOTES).
	if (wc_AesSetKey(&aes, key, (word32)key_len, iv, AES_ENCRYPTION) != 0)
		goto out;
	if (encrypt)
		rc = wc_AesCfbEncrypt(&aes, out, in, (word32)len);
	else
		rc = wc_AesCfbDecrypt(&aes, out, in, (word32)len);
	rc = rc == 0 ? 0 : -EIO;
out:
	wc_AesFree(&aes);
	sc_wipe(&aes, sizeof(aes));
	return rc;
}
