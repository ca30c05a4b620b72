// SPDX-License-Identifier: GPL-3.0-or-later
// WireGuard keys: the RFC 7748 test vector, WireGuard's clamping, base64 as `wg` prints it,
// and agreement with `wg pubkey` itself when wireguard-tools is installed.
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>

#include "provision/wgkey.h"
#include "pv_test.h"

static void hex(const char *text, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sscanf(text + 2 * i, "%2hhx", &out[i]);
}

static void test_rfc7748_vector(void)
{
	// RFC 7748 §6.1, Alice: the scalar as given (unclamped), and her public key.
	uint8_t priv[32], expected[32];
	hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", priv, 32);
	hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", expected, 32);
	struct pv_wg_keypair kp;
	CHECK_EQ_INT(pv_wg_derive(priv, &kp), 0);
	CHECK(memcmp(kp.public_key, expected, 32) == 0);
	// Clamped as WireGuard does: low 3 bits clear, top bit clear, bit 254 set.
	CHECK_EQ_INT(kp.private_key[0] & 7, 0);
	CHECK_EQ_INT(kp.private_key[31] & 0xc0, 0x40);
}

static void test_generate_and_text(WC_RNG *rng, struct pv_wg_keypair *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		CHECK_EQ_INT(pv_wg_generate(rng, &keys[i]), 0);
		struct pv_wg_keypair again;
		CHECK_EQ_INT(pv_wg_derive(keys[i].private_key, &again), 0);
		CHECK(memcmp(again.public_key, keys[i].public_key, 32) == 0);
		CHECK_EQ_INT(keys[i].private_key[0] & 7, 0);
		CHECK_EQ_INT(keys[i].private_key[31] & 0xc0, 0x40);
		char b64[PV_WG_KEY_B64], line[PV_WG_KEY_B64 + 1];
		uint8_t back[32];
		pv_wg_key_base64(keys[i].private_key, b64);
		CHECK_EQ_INT(strlen(b64), 44);
		snprintf(line, sizeof(line), "%s\n", b64);
		CHECK_EQ_INT(pv_wg_key_parse(line, strlen(line), back), 0);
		CHECK(memcmp(back, keys[i].private_key, 32) == 0);
	}
	CHECK(memcmp(keys[0].private_key, keys[1].private_key, 32) != 0);
	uint8_t k[32];
	CHECK_EQ_INT(pv_wg_key_parse("AAAA", 4, k), -EINVAL);
	CHECK_EQ_INT(pv_wg_key_parse("AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTy!=", 44, k), -EINVAL);
	CHECK_EQ_INT(pv_wg_key_parse("AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=", 44, k), 0);
}

// What `wg pubkey` prints for the private key PRIV, or "" when wg cannot be run.
static void wg_pubkey(const char *priv, char out[64])
{
	char cmd[160];
	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | wg pubkey 2>/dev/null", priv);
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	if (!fgets(out, 64, p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
}

static void test_agrees_with_wg(const struct pv_wg_keypair *keys, size_t n)
{
	if (access("/usr/bin/wg", X_OK) != 0) {
		printf("wg not installed: agreement with 'wg pubkey' not checked\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char priv[PV_WG_KEY_B64], pub[PV_WG_KEY_B64], theirs[64];
		pv_wg_key_base64(keys[i].private_key, priv);
		pv_wg_key_base64(keys[i].public_key, pub);
		wg_pubkey(priv, theirs);
		if (strcmp(theirs, pub) != 0)
			fprintf(stderr, "wg pubkey %s -> '%s', we say '%s'\n", priv, theirs, pub);
		CHECK(strcmp(theirs, pub) == 0);
	}
	// An unclamped private key: wg clamps it too, and agrees.
	uint8_t raw[32];
	memset(raw, 0xff, sizeof(raw));
	struct pv_wg_keypair kp;
	CHECK_EQ_INT(pv_wg_derive(raw, &kp), 0);
	char priv[PV_WG_KEY_B64], pub[PV_WG_KEY_B64], theirs[64];
	pv_wg_key_base64(raw, priv);
	pv_wg_key_base64(kp.public_key, pub);
	wg_pubkey(priv, theirs);
	CHECK(strcmp(theirs, pub) == 0);
}

int main(void)
{
	WC_RNG rng;
	if (wc_InitRng(&rng) != 0)
		return 1;
	struct pv_wg_keypair keys[16];
	test_rfc7748_vector();
	test_generate_and_text(&rng, keys, 16);
	test_agrees_with_wg(keys, 16);
	wc_FreeRng(&rng);
	return check_done();
}
