// SPDX-License-Identifier: GPL-3.0-or-later
// Known-answer tests of every primitive ZRTP relies on, from published vectors, so a
// miscompiled or misconfigured wolfSSL is caught before a call rather than as a SAS that
// never matches.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "zrtp/crypto.h"
#include "zrtp/engine.h"
#include "zrtp/ka.h"
#include "zrtp/sas.h"

static int unhex(const char *hex, uint8_t *out, size_t len)
{
	if (strlen(hex) != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int matches(const uint8_t *got, const char *hex)
{
	uint8_t want[128];
	size_t len = strlen(hex) / 2;
	return len <= sizeof(want) && unhex(hex, want, len) == 0 && memcmp(got, want, len) == 0;
}

#define FAIL(...)                                      \
	do {                                           \
		snprintf(why, len, __VA_ARGS__);       \
		rc = -EIO;                             \
		goto out;                              \
	} while (0)

static int test_hashes(char *why, size_t len)
{
	int rc = 0;
	uint8_t out[48];
	struct sc_zrtp_buf abc = { "abc", 3 };
	// FIPS 180-2 appendix B.1 and D.1.
	if (sc_zrtp_hash(SC_ZRTP_S256, &abc, 1, out) != 0 ||
	    !matches(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
		FAIL("SHA-256(\"abc\") differs from FIPS 180-2");
	if (sc_zrtp_hash(SC_ZRTP_S384, &abc, 1, out) != 0 ||
	    !matches(out, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
			  "8086072ba1e7cc2358baeca134c825a7"))
		FAIL("SHA-384(\"abc\") differs from FIPS 180-2");
	// RFC 4231 test cases 1 and 2.
	uint8_t key1[20];
	memset(key1, 0x0b, sizeof(key1));
	struct sc_zrtp_buf hi = { "Hi There", 8 };
	if (sc_zrtp_hmac(SC_ZRTP_S256, key1, 20, &hi, 1, out) != 0 ||
	    !matches(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
		FAIL("HMAC-SHA-256 differs from RFC 4231 test case 1");
	if (sc_zrtp_hmac(SC_ZRTP_S384, key1, 20, &hi, 1, out) != 0 ||
	    !matches(out, "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
			  "faea9ea9076ede7f4af152e8b2fa9cb6"))
		FAIL("HMAC-SHA-384 differs from RFC 4231 test case 1");
	struct sc_zrtp_buf jefe[] = { { "what do ya want ", 16 }, { "for nothing?", 12 } };
	if (sc_zrtp_hmac(SC_ZRTP_S256, (const uint8_t *)"Jefe", 4, jefe, 2, out) != 0 ||
	    !matches(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
		FAIL("HMAC-SHA-256 differs from RFC 4231 test case 2");
out:
	return rc;
}

static int test_aes(char *why, size_t len)
{
	int rc = 0;
	uint8_t key[32], iv[16], pt[32], ct[32], back[32];
	// SP 800-38A F.3.13 (CFB128-AES128) and F.3.17 (CFB128-AES256), two blocks each.
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);
	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	if (sc_zrtp_aes_cfb(1, key, 16, iv, pt, ct, 32) != 0 ||
	    !matches(ct, "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"))
		FAIL("AES-128-CFB differs from SP 800-38A F.3.13");
	if (sc_zrtp_aes_cfb(0, key, 16, iv, ct, back, 32) != 0 || memcmp(back, pt, 32) != 0)
		FAIL("AES-128-CFB decryption does not invert SP 800-38A F.3.13");
	unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
	if (sc_zrtp_aes_cfb(1, key, 32, iv, pt, ct, 32) != 0 ||
	    !matches(ct, "dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407b"))
		FAIL("AES-256-CFB differs from SP 800-38A F.3.17");
	if (sc_zrtp_aes_cfb(0, key, 32, iv, ct, back, 32) != 0 || memcmp(back, pt, 32) != 0)
		FAIL("AES-256-CFB decryption does not invert SP 800-38A F.3.17");
	// FIPS-197 appendix C.1 / C.3: one block of CFB with a zero IV and zero plaintext is
	// the block cipher itself applied to the IV.
	uint8_t zero[16] = { 0 }, block[16];
	unhex("00112233445566778899aabbccddeeff", iv, 16);
	unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key, 32);
	if (sc_zrtp_aes_cfb(1, key, 16, iv, zero, block, 16) != 0 ||
	    !matches(block, "69c4e0d86a7b0430d8cdb78070b4c55a"))
		FAIL("AES-128 differs from FIPS-197 C.1");
	if (sc_zrtp_aes_cfb(1, key, 32, iv, zero, block, 16) != 0 ||
	    !matches(block, "8ea2b7ca516745bfeafc49904b496089"))
		FAIL("AES-256 differs from FIPS-197 C.3");
out:
	return rc;
}

static int test_x25519(char *why, size_t len)
{
	int rc = 0;
	struct sc_zrtp_ka alice, bob;
	uint8_t priv[32], pub[32], shared[32];
	// RFC 7748 §6.1.
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", priv, 32);
	if (sc_zrtp_ka_from_private(&alice, SC_ZRTP_X255, priv, 32) != 0 ||
	    !matches(alice.pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
		FAIL("X25519 public key differs from RFC 7748 section 6.1 (Alice)");
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", priv, 32);
	if (sc_zrtp_ka_from_private(&bob, SC_ZRTP_X255, priv, 32) != 0 ||
	    !matches(bob.pub, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
		FAIL("X25519 public key differs from RFC 7748 section 6.1 (Bob)");
	if (sc_zrtp_ka_agree(&alice, bob.pub, 32, shared) != 0 ||
	    !matches(shared, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"))
		FAIL("X25519 shared secret differs from RFC 7748 section 6.1");
	// RFC 7748 §5.2, first vector: an arbitrary u-coordinate.
	unhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", priv, 32);
	unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", pub, 32);
	if (sc_zrtp_ka_from_private(&alice, SC_ZRTP_X255, priv, 32) != 0 ||
	    sc_zrtp_ka_agree(&alice, pub, 32, shared) != 0 ||
	    !matches(shared, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"))
		FAIL("X25519 differs from RFC 7748 section 5.2");
	// A low-order point must be refused, not turned into an all-zero key.
	memset(pub, 0, sizeof(pub));
	if (sc_zrtp_ka_agree(&alice, pub, 32, shared) != -EBADMSG)
		FAIL("X25519 accepted the low-order point 0");
out:
	sc_zrtp_ka_wipe(&alice);
	sc_zrtp_ka_wipe(&bob);
	sc_wipe(priv, sizeof(priv));
	return rc;
}

static int test_p256(char *why, size_t len)
{
	int rc = 0;
	struct sc_zrtp_ka ka;
	uint8_t priv[32], peer[64], shared[32];
	// RFC 5903 §8.1 (ECP-256): initiator's i and g^i, responder's g^r, shared g^ir (x).
	unhex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433", priv, 32);
	if (sc_zrtp_ka_from_private(&ka, SC_ZRTP_EC25, priv, 32) != 0 ||
	    !matches(ka.pub, "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
			     "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3"))
		FAIL("P-256 public key differs from RFC 5903 section 8.1");
	unhex("d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
	      "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab", peer, 64);
	if (sc_zrtp_ka_agree(&ka, peer, 64, shared) != 0 ||
	    !matches(shared, "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"))
		FAIL("P-256 shared secret differs from RFC 5903 section 8.1");
	peer[63] ^= 1; // off the curve
	if (sc_zrtp_ka_agree(&ka, peer, 64, shared) != -EBADMSG)
		FAIL("P-256 accepted a point that is not on the curve");
out:
	sc_zrtp_ka_wipe(&ka);
	sc_wipe(priv, sizeof(priv));
	return rc;
}

static int test_dh3k(char *why, size_t len)
{
	int rc = 0;
	struct sc_zrtp_ka a, b;
	uint8_t priv[32], ab[384], ba[384], bad[384];
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	// RFC 3526 §4 prints the prime: its first and last 64 bits are checked here.
	if (!matches(sc_zrtp_dh3k_prime, "ffffffffffffffffc90fdaa22168c234") ||
	    !matches(sc_zrtp_dh3k_prime + 368, "4b82d120a93ad2caffffffffffffffff"))
		FAIL("the DH3k prime differs from RFC 3526 section 4");
	memset(priv, 0x5a, sizeof(priv));
	if (sc_zrtp_ka_from_private(&a, SC_ZRTP_DH3K, priv, 32) != 0)
		FAIL("DH3k public value computation failed");
	memset(priv, 0xa5, sizeof(priv));
	if (sc_zrtp_ka_from_private(&b, SC_ZRTP_DH3K, priv, 32) != 0)
		FAIL("DH3k public value computation failed");
	if (sc_zrtp_ka_agree(&a, b.pub, 384, ab) != 0 || sc_zrtp_ka_agree(&b, a.pub, 384, ba) != 0 ||
	    memcmp(ab, ba, 384) != 0)
		FAIL("DH3k agreement is not consistent: g^ab differs from g^ba");
	memset(bad, 0, sizeof(bad));
	bad[383] = 1;
	if (sc_zrtp_ka_agree(&a, bad, 384, ab) != -EBADMSG)
		FAIL("DH3k accepted the public value 1");
	memcpy(bad, sc_zrtp_dh3k_prime, 384);
	bad[383] -= 1;
	if (sc_zrtp_ka_agree(&a, bad, 384, ab) != -EBADMSG)
		FAIL("DH3k accepted the public value p-1");
out:
	sc_zrtp_ka_wipe(&a);
	sc_zrtp_ka_wipe(&b);
	sc_wipe(ab, sizeof(ab));
	sc_wipe(ba, sizeof(ba));
	return rc;
}

static int test_misc(char *why, size_t len)
{
	int rc = 0;
	char sas[SC_ZRTP_SAS_TEXT_MAX];
	// The CRC-32C check value (RFC 3720 B.4 / the Castagnoli catalogue).
	if (sc_zrtp_crc32c((const uint8_t *)"123456789", 9) != 0xE3069283u)
		FAIL("CRC-32C of \"123456789\" is not 0xE3069283");
	if (sc_zrtp_sas_render(SC_ZRTP_B32, 0x00000000u, sas, sizeof(sas)) != 0 || strcmp(sas, "yyyy") != 0 ||
	    sc_zrtp_sas_render(SC_ZRTP_B32, 0xfffff000u, sas, sizeof(sas)) != 0 || strcmp(sas, "9999") != 0)
		FAIL("B32 SAS rendering is wrong");
	if (sc_zrtp_sas_render(SC_ZRTP_B256, 0xffff0000u, sas, sizeof(sas)) != 0 ||
	    strcmp(sas, "Zulu:Yucatan") != 0)
		FAIL("B256 SAS rendering is wrong");
out:
	return rc;
}

int sc_zrtp_selftest(char *why, size_t len)
{
	int (*tests[])(char *, size_t) = { test_hashes, test_aes, test_x25519, test_p256, test_dh3k,
					   test_misc };
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int rc = tests[i](why, len);
		if (rc != 0)
			return rc;
	}
	snprintf(why, len, "all ZRTP primitives match their published test vectors");
	return 0;
}
