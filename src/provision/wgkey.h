// SPDX-License-Identifier: GPL-3.0-or-later
// WireGuard keys: X25519 with the private scalar clamped as WireGuard clamps it, both keys in
// the little-endian byte order `wg genkey` and `wg pubkey` print in base64.
#ifndef SC_PROVISION_WGKEY_H
#define SC_PROVISION_WGKEY_H

#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>

#define PV_WG_KEY_LEN 32
#define PV_WG_KEY_B64 45 // 44 characters and the terminator

struct pv_wg_keypair {
	uint8_t private_key[PV_WG_KEY_LEN]; // secret: wipe with sc_wipe
	uint8_t public_key[PV_WG_KEY_LEN];
};

// A fresh key pair from RNG. Returns 0 or -EIO.
int pv_wg_generate(WC_RNG *rng, struct pv_wg_keypair *out);
// The public key of PRIVATE_KEY (clamped first, as WireGuard does). Returns 0 or -EINVAL.
int pv_wg_derive(const uint8_t private_key[PV_WG_KEY_LEN], struct pv_wg_keypair *out);
// The key as `wg genkey` writes it, without the newline.
void pv_wg_key_base64(const uint8_t key[PV_WG_KEY_LEN], char out[PV_WG_KEY_B64]);
// Parses one base64 key with an optional trailing newline. Returns 0 or -EINVAL.
int pv_wg_key_parse(const char *text, size_t len, uint8_t key[PV_WG_KEY_LEN]);

#endif
