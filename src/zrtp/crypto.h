// SPDX-License-Identifier: GPL-3.0-or-later
// The ZRTP primitives (RFC 6189 §5.1), each a thin wrapper over wolfCrypt so the engine
// never touches a wolfSSL type and every call site handles one error convention.
#ifndef SC_ZRTP_CRYPTO_H
#define SC_ZRTP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#define SC_ZRTP_HASH_MAX 48   // S384
#define SC_ZRTP_AES_KEY_MAX 32 // AES3

// One piece of a message that is hashed or MACed in several parts.
struct sc_zrtp_buf {
	const void *data;
	size_t len;
};

size_t sc_zrtp_hash_len(enum sc_zrtp_hash hash);
size_t sc_zrtp_cipher_key_len(enum sc_zrtp_cipher cipher);

// OUT receives sc_zrtp_hash_len(HASH) bytes.
int sc_zrtp_hash(enum sc_zrtp_hash hash, const struct sc_zrtp_buf *parts, size_t n, uint8_t *out);
int sc_zrtp_hmac(enum sc_zrtp_hash hash, const uint8_t *key, size_t key_len,
		 const struct sc_zrtp_buf *parts, size_t n, uint8_t *out);
// The implicit hash (SHA-256) of the hash chain, message MACs and a=zrtp-hash.
int sc_zrtp_sha256(const void *data, size_t len, uint8_t out[32]);
// HMAC-SHA-256 over DATA truncated to 64 bits: the MAC of Hello, Commit and DHPart.
int sc_zrtp_msg_mac(const uint8_t key[32], const void *data, size_t len, uint8_t mac[8]);

// AES in 128-bit cipher feedback mode (the Confirm and SASrelay encryption).
int sc_zrtp_aes_cfb(int encrypt, const uint8_t *key, size_t key_len, const uint8_t iv[16],
		    const uint8_t *in, uint8_t *out, size_t len);

// RFC 3309 CRC-32C as a number; the packet carries it least significant byte first.
uint32_t sc_zrtp_crc32c(const uint8_t *data, size_t len);

// The 3072-bit MODP group of RFC 3526 §4 (generator 2).
extern const uint8_t sc_zrtp_dh3k_prime[384];

#endif
