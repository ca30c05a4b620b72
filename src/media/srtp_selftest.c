// SPDX-License-Identifier: GPL-3.0-or-later
// Start-up known-answer test of SRTP as the daemon will run it: the libsrtp2 and NSS that are
// actually loaded, through our own glue. The expected packets were produced by this glue on
// libsrtp2 2.5.0 after tests/unit/media/test_srtp.c had checked it byte for byte against an
// RFC 3711 Appendix B reference; a library that was miscompiled, replaced or misconfigured
// gives other bytes, and the appliance must not then make calls that only look secure.
#include "media/srtp_selftest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "media/srtp_glue.h"

struct srtp_kat {
	const char *name;
	enum sc_srtp_cipher cipher;
	uint8_t expected[42];
};

static const struct srtp_kat kats[] = {
	{ "AES-CM-128/HMAC-SHA1-80", SC_SRTP_AES_CM_128,
	  { 0x80, 0x00, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0xd3, 0x23,
	    0x4d, 0x8d, 0x99, 0x5a, 0x39, 0x6d, 0x06, 0x88, 0xbf, 0xd0, 0xa7, 0x43, 0xbb, 0x46,
	    0x55, 0x88, 0x10, 0xbf, 0xb5, 0xde, 0x71, 0xaf, 0xba, 0x63, 0xbd, 0x11, 0xae, 0x7b } },
	{ "AES-CM-256/HMAC-SHA1-80", SC_SRTP_AES_CM_256,
	  { 0x80, 0x00, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0x41, 0x07,
	    0x86, 0x2e, 0x0c, 0xf5, 0x43, 0x94, 0x90, 0xc9, 0x13, 0x0f, 0xa4, 0xf3, 0x78, 0xb3,
	    0x33, 0xfe, 0x9e, 0x6b, 0x29, 0x46, 0x65, 0x16, 0x31, 0x32, 0x81, 0x83, 0xc2, 0xb7 } },
};

static void kat_keys(enum sc_srtp_cipher cipher, struct sc_srtp_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->cipher = cipher;
	k->auth = SC_SRTP_HMAC_SHA1_80;
	for (int i = 0; i < SC_SRTP_MAX_KEY_LEN; i++)
		k->tx.key[i] = k->rx.key[i] = (uint8_t)(0xe1 + i);
	for (int i = 0; i < SC_SRTP_SALT_LEN; i++)
		k->tx.salt[i] = k->rx.salt[i] = (uint8_t)(0x0e + i);
}

static void kat_packet(uint8_t pkt[32])
{
	static const uint8_t header[12] = { 0x80, 0x00, 0x12, 0x34, 0xde, 0xca,
					    0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe };
	memcpy(pkt, header, sizeof(header));
	memset(pkt + 12, 0xab, 20);
}

static int run_one(const struct srtp_kat *kat, char *why, size_t len)
{
	struct sc_srtp_keys keys;
	struct sc_srtp *ctx = NULL;
	uint8_t pkt[64], plain[32];
	size_t n = 32;
	int rc;

	kat_keys(kat->cipher, &keys);
	kat_packet(pkt);
	memcpy(plain, pkt, sizeof(plain));
	rc = sc_srtp_create(&keys, &ctx);
	if (rc < 0) {
		snprintf(why, len, "%s: cannot create a context (%s)", kat->name, strerror(-rc));
		goto out;
	}
	rc = sc_srtp_protect_rtp(ctx, pkt, &n, sizeof(pkt));
	if (rc < 0 || n != sizeof(kat->expected) || memcmp(pkt, kat->expected, n) != 0) {
		snprintf(why, len, "%s: protect gave the wrong packet", kat->name);
		rc = -EIO;
		goto out;
	}
	// The receiving side of the same keys must give the plaintext back, and refuse a forgery.
	pkt[20] ^= 1;
	if (sc_srtp_unprotect_rtp(ctx, pkt, &n) == 0) {
		snprintf(why, len, "%s: a forged packet was accepted", kat->name);
		rc = -EIO;
		goto out;
	}
	pkt[20] ^= 1;
	n = sizeof(kat->expected);
	rc = sc_srtp_unprotect_rtp(ctx, pkt, &n);
	if (rc < 0 || n != sizeof(plain) || memcmp(pkt, plain, n) != 0) {
		snprintf(why, len, "%s: unprotect did not give the plaintext back", kat->name);
		rc = -EIO;
		goto out;
	}
	rc = 0;
out:
	sc_srtp_free(ctx);
	sc_wipe(&keys, sizeof(keys));
	return rc;
}

int sc_srtp_selftest(char *why, size_t len)
{
	int rc = sc_srtp_global_init();
	if (rc < 0) {
		snprintf(why, len, "libsrtp2 or NSS did not initialise");
		return rc;
	}
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		rc = run_one(&kats[i], why, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}
