// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/wgkey.h"

#include <errno.h>
#include <string.h>

#include <wolfssl/wolfcrypt/curve25519.h>

#include "base/secret.h"
#include "base/strutil.h"

// RFC 7748 §5 as WireGuard applies it to every private key it reads.
static void clamp(uint8_t k[PV_WG_KEY_LEN])
{
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

int pv_wg_derive(const uint8_t private_key[PV_WG_KEY_LEN], struct pv_wg_keypair *out)
{
	memcpy(out->private_key, private_key, PV_WG_KEY_LEN);
	clamp(out->private_key);
	// make_pub reads and writes the little-endian encoding WireGuard uses on the wire.
	if (wc_curve25519_make_pub(PV_WG_KEY_LEN, out->public_key, PV_WG_KEY_LEN, out->private_key) != 0) {
		sc_wipe(out, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

int pv_wg_generate(WC_RNG *rng, struct pv_wg_keypair *out)
{
	curve25519_key key;
	uint8_t raw[PV_WG_KEY_LEN];
	word32 len = sizeof(raw);
	int rc = -EIO;
	if (wc_curve25519_init(&key) != 0)
		return -EIO;
	if (wc_curve25519_make_key(rng, PV_WG_KEY_LEN, &key) != 0)
		goto out;
	// The default export is big-endian; WireGuard's keys are little-endian.
	if (wc_curve25519_export_private_raw_ex(&key, raw, &len, EC25519_LITTLE_ENDIAN) != 0 ||
	    len != PV_WG_KEY_LEN)
		goto out;
	rc = pv_wg_derive(raw, out) == 0 ? 0 : -EIO;
out:
	sc_wipe(raw, sizeof(raw));
	wc_curve25519_free(&key);
	return rc;
}

void pv_wg_key_base64(const uint8_t key[PV_WG_KEY_LEN], char out[PV_WG_KEY_B64])
{
	sc_base64_encode(key, PV_WG_KEY_LEN, out, PV_WG_KEY_B64);
}

int pv_wg_key_parse(const char *text, size_t len, uint8_t key[PV_WG_KEY_LEN])
{
	char b64[PV_WG_KEY_B64];
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len != PV_WG_KEY_B64 - 1 || memchr(text, '\0', len))
		return -EINVAL;
	memcpy(b64, text, len);
	b64[len] = '\0';
	int n = sc_base64_decode(b64, key, PV_WG_KEY_LEN);
	sc_wipe(b64, sizeof(b64));
	return n == PV_WG_KEY_LEN ? 0 : -EINVAL;
}
