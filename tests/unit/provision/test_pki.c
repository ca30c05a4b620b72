// SPDX-License-Identifier: GPL-3.0-or-later
// The CA and the certificates it issues, parsed back with wolfSSL: CA flag critical, names,
// key usages, the chain to the CA; a kept certificate is kept only while it is still right.
#include <arpa/inet.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/openssl/x509v3.h>
#include <wolfssl/wolfcrypt/asn.h>

#include "provision/der.h"
#include "provision/pki.h"
#include "pv_test.h"

static WC_RNG rng;
static time_t now;

static WOLFSSL_X509 *parse(const struct pv_text *pem)
{
	WOLFSSL_X509 *x = wolfSSL_X509_load_certificate_buffer((const unsigned char *)pem->data,
							       (int)pem->len, WOLFSSL_FILETYPE_PEM);
	CHECK(x != NULL);
	return x;
}

static bool verifies(const struct pv_ca *ca, const struct pv_text *leaf)
{
	WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
	bool ok = cm &&
		  wolfSSL_CertManagerLoadCABuffer(cm, (const unsigned char *)ca->cert_pem.data,
						  (long)ca->cert_pem.len, WOLFSSL_FILETYPE_PEM) == WOLFSSL_SUCCESS &&
		  wolfSSL_CertManagerVerifyBuffer(cm, (const unsigned char *)leaf->data, (long)leaf->len,
						  WOLFSSL_FILETYPE_PEM) == WOLFSSL_SUCCESS;
	wolfSSL_CertManagerFree(cm);
	return ok;
}

static void check_names(WOLFSSL_X509 *x, const char *dns, const char *ip_text)
{
	uint8_t ip[16];
	int family = strchr(ip_text, ':') ? AF_INET6 : AF_INET;
	CHECK(inet_pton(family, ip_text, ip) == 1);
	WOLFSSL_STACK *names = wolfSSL_X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	CHECK(names != NULL);
	if (!names)
		return;
	int n = wolfSSL_sk_GENERAL_NAME_num(names);
	bool dns_found = false, ip_found = false;
	CHECK_EQ_INT(n, 2);
	for (int i = 0; i < n; i++) {
		WOLFSSL_GENERAL_NAME *gn = wolfSSL_sk_GENERAL_NAME_value(names, i);
		if (gn->type == GEN_DNS) {
			int len = wolfSSL_ASN1_STRING_length(gn->d.dNSName);
			dns_found = len == (int)strlen(dns) &&
				    memcmp(wolfSSL_ASN1_STRING_data(gn->d.dNSName), dns, (size_t)len) == 0;
		} else if (gn->type == GEN_IPADD) {
			int len = wolfSSL_ASN1_STRING_length(gn->d.iPAddress);
			ip_found = len == (family == AF_INET ? 4 : 16) &&
				   memcmp(wolfSSL_ASN1_STRING_data(gn->d.iPAddress), ip, (size_t)len) == 0;
		}
	}
	CHECK(dns_found);
	CHECK(ip_found);
	wolfSSL_sk_GENERAL_NAME_pop_free(names, wolfSSL_GENERAL_NAME_free);
}

static void test_ca(struct pv_ca *ca)
{
	struct pv_text key_pem;
	pv_text_init(&key_pem, true);
	CHECK_EQ_INT(pv_ca_create(ca, &rng, now, &key_pem), 0);
	CHECK_STR_CONTAINS(key_pem.data, "-----BEGIN EC PRIVATE KEY-----");
	CHECK_STR_CONTAINS(ca->cert_pem.data, "-----BEGIN CERTIFICATE-----");
	WOLFSSL_X509 *x = parse(&ca->cert_pem);
	if (x) {
		CHECK_EQ_INT(wolfSSL_X509_get_isCA(x), 1);
		// RFC 5280 §4.2.1.9: critical in a CA certificate, which wolfSSL alone does not write.
		CHECK_EQ_INT(wolfSSL_X509_ext_get_critical_by_NID(x, NID_basic_constraints), 1);
		CHECK(wolfSSL_X509_get_keyUsage(x) & KEYUSE_KEY_CERT_SIGN);
		CHECK_EQ_INT(wolfSSL_X509_ext_get_critical_by_NID(x, NID_key_usage), 1);
		wolfSSL_X509_free(x);
	}
	// A self-signed CA verifies against itself.
	CHECK(verifies(ca, &ca->cert_pem));

	// Stored and loaded back, it is the same CA: its certificates still verify.
	struct pv_ca again;
	CHECK_EQ_INT(pv_ca_load(&again, &rng, now, key_pem.data, key_pem.len, ca->cert_pem.data,
				ca->cert_pem.len), 0);
	CHECK(again.cert_der_len == ca->cert_der_len &&
	      memcmp(again.cert_der, ca->cert_der, ca->cert_der_len) == 0);
	pv_ca_free(&again);
	// Its certificate lost: a new one for the same key still verifies the old one's children.
	CHECK_EQ_INT(pv_ca_load(&again, &rng, now, key_pem.data, key_pem.len, NULL, 0), 0);
	CHECK(verifies(&again, &ca->cert_pem));
	pv_ca_free(&again);
	// Another CA's certificate with this key is refused.
	struct pv_ca other;
	struct pv_text other_key;
	pv_text_init(&other_key, true);
	CHECK_EQ_INT(pv_ca_create(&other, &rng, now, &other_key), 0);
	CHECK_EQ_INT(pv_ca_load(&again, &rng, now, key_pem.data, key_pem.len, other.cert_pem.data,
				other.cert_pem.len), -EXDEV);
	CHECK_EQ_INT(pv_ca_load(&again, &rng, now, "garbage", 7, NULL, 0), -EINVAL);
	pv_ca_free(&other);
	pv_text_free(&other_key);
	pv_text_free(&key_pem);
}

static void test_leaf(struct pv_ca *ca)
{
	ecc_key key, other_key;
	struct sc_prefix addr = { .family = AF_INET, .prefix_len = 32 }, other_addr;
	inet_pton(AF_INET, "10.77.0.1", addr.addr);
	other_addr = addr;
	other_addr.addr[3] = 9;
	struct pv_identity id = { "paris", "paris.sealcall.internal", &addr };
	CHECK_EQ_INT(pv_key_generate(&rng, &key), 0);
	CHECK_EQ_INT(pv_key_generate(&rng, &other_key), 0);
	struct pv_text pem;
	pv_text_init(&pem, false);
	CHECK_EQ_INT(pv_cert_issue(ca, &rng, now, &key, &id, &pem), 0);
	WOLFSSL_X509 *x = parse(&pem);
	if (x) {
		CHECK_EQ_INT(wolfSSL_X509_get_isCA(x), 0);
		check_names(x, "paris.sealcall.internal", "10.77.0.1");
		unsigned eku = wolfSSL_X509_get_extended_key_usage(x);
		CHECK((eku & XKU_SSL_SERVER) && (eku & XKU_SSL_CLIENT));
		CHECK(wolfSSL_X509_get_keyUsage(x) & KEYUSE_DIGITAL_SIG);
		char cn[64] = "";
		wolfSSL_X509_NAME_get_text_by_NID(wolfSSL_X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
		CHECK(strcmp(cn, "paris") == 0);
		WOLFSSL_ASN1_INTEGER *serial = wolfSSL_X509_get_serialNumber(x);
		CHECK(serial && serial->length >= 16);
		wolfSSL_X509_free(x);
	}
	CHECK(verifies(ca, &pem));

	// Kept while right; a new name, address, key or CA makes a new certificate.
	CHECK(pv_cert_still_good(ca, now, pem.data, pem.len, &key, &id));
	struct pv_identity renamed = { "paris", "paris.example.org", &addr };
	struct pv_identity moved = { "paris", "paris.sealcall.internal", &other_addr };
	CHECK(!pv_cert_still_good(ca, now, pem.data, pem.len, &key, &renamed));
	CHECK(!pv_cert_still_good(ca, now, pem.data, pem.len, &key, &moved));
	CHECK(!pv_cert_still_good(ca, now, pem.data, pem.len, &other_key, &id));
	CHECK(!pv_cert_still_good(ca, now, "not a certificate", 17, &key, &id));
	// Renewed a year before it ends: 9.5 years from now it is no longer good.
	CHECK(!pv_cert_still_good(ca, now + (time_t)(9.5 * 365 * 86400), pem.data, pem.len, &key, &id));
	struct pv_ca other;
	struct pv_text other_ca_key;
	pv_text_init(&other_ca_key, true);
	CHECK_EQ_INT(pv_ca_create(&other, &rng, now, &other_ca_key), 0);
	CHECK(!verifies(&other, &pem));
	CHECK(!pv_cert_still_good(&other, now, pem.data, pem.len, &key, &id));
	pv_ca_free(&other);
	pv_text_free(&other_ca_key);

	// IPv6 tunnel addresses and long names fit.
	struct sc_prefix v6 = { .family = AF_INET6, .prefix_len = 128 };
	inet_pton(AF_INET6, "fd77::7", v6.addr);
	char long_name[300];
	snprintf(long_name, sizeof(long_name), "%s.%0200d.example", "paris", 0);
	struct pv_identity id6 = { "paris", long_name, &v6 };
	struct pv_text pem6;
	pv_text_init(&pem6, false);
	CHECK_EQ_INT(pv_cert_issue(ca, &rng, now, &key, &id6, &pem6), 0);
	x = parse(&pem6);
	if (x) {
		check_names(x, long_name, "fd77::7");
		wolfSSL_X509_free(x);
	}
	CHECK(pv_cert_still_good(ca, now, pem6.data, pem6.len, &key, &id6));
	pv_text_free(&pem6);

	// The key round-trips through PEM; the pin follows the key, not the certificate.
	struct pv_text key_pem;
	pv_text_init(&key_pem, true);
	CHECK_EQ_INT(pv_key_to_pem(&key, &key_pem), 0);
	ecc_key loaded;
	CHECK_EQ_INT(pv_key_from_pem(key_pem.data, key_pem.len, &loaded), 0);
	char pin[PV_PIN_LEN], pin2[PV_PIN_LEN], pin3[PV_PIN_LEN];
	CHECK_EQ_INT(pv_spki_pin(&key, pin), 0);
	CHECK_EQ_INT(pv_spki_pin(&loaded, pin2), 0);
	CHECK_EQ_INT(pv_spki_pin(&other_key, pin3), 0);
	CHECK(strcmp(pin, pin2) == 0);
	CHECK(strcmp(pin, pin3) != 0);
	CHECK(strncmp(pin, "sha256//", 8) == 0 && strlen(pin) == PV_PIN_LEN - 1);
	CHECK(pv_cert_still_good(ca, now, pem.data, pem.len, &loaded, &id));
	wc_ecc_free(&loaded);
	CHECK_EQ_INT(pv_key_from_pem("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", 66, &loaded),
		     -EINVAL);
	pv_text_free(&key_pem);
	pv_text_free(&pem);
	wc_ecc_free(&key);
	wc_ecc_free(&other_key);
}

// DER lengths of every size class, an extension already critical, and damaged input.
static void test_der(void)
{
	// TBS { INTEGER 1, [3] { SEQ { ext(filler, 200 B), ext(basicConstraints) } } }
	uint8_t tbs[400], out[400];
	size_t o = 0;
	const size_t filler = 200;
	size_t e1_content = 5 + 3 + filler; // OID, OCTET STRING header (2-byte length), filler
	size_t e2_content = 5 + 2 + 5;      // OID, OCTET STRING { SEQ { BOOLEAN } }
	size_t list = (3 + e1_content) + (2 + e2_content);
	size_t field = 3 + list;
	size_t body = 3 + (3 + field);
	tbs[o++] = 0x30, tbs[o++] = 0x81, tbs[o++] = (uint8_t)body;
	tbs[o++] = 0x02, tbs[o++] = 0x01, tbs[o++] = 0x01;
	tbs[o++] = 0xa3, tbs[o++] = 0x81, tbs[o++] = (uint8_t)field;
	tbs[o++] = 0x30, tbs[o++] = 0x81, tbs[o++] = (uint8_t)list;
	size_t ext1_at = o;
	tbs[o++] = 0x30, tbs[o++] = 0x81, tbs[o++] = (uint8_t)e1_content;
	tbs[o++] = 0x06, tbs[o++] = 0x03, tbs[o++] = 0x55, tbs[o++] = 0x1d, tbs[o++] = 0x0e;
	tbs[o++] = 0x04, tbs[o++] = 0x81, tbs[o++] = (uint8_t)filler;
	memset(tbs + o, 0x5a, filler);
	o += filler;
	tbs[o++] = 0x30, tbs[o++] = (uint8_t)e2_content;
	tbs[o++] = 0x06, tbs[o++] = 0x03, tbs[o++] = 0x55, tbs[o++] = 0x1d, tbs[o++] = 0x13;
	tbs[o++] = 0x04, tbs[o++] = 0x05, tbs[o++] = 0x30, tbs[o++] = 0x03, tbs[o++] = 0x01, tbs[o++] = 0x01;
	tbs[o++] = 0xff;
	CHECK_EQ_INT(o, 3 + body);
	memcpy(out, tbs, o);
	size_t len = 0;
	CHECK_EQ_INT(pv_der_make_critical(out, o, sizeof(out), pv_oid_basic_constraints, 3, &len), 0);
	CHECK_EQ_INT(len, o + 3);
	static const uint8_t marked[] = { 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05 };
	CHECK(memmem(out, len, marked, sizeof(marked)) != NULL);
	CHECK(memmem(out, len, tbs + ext1_at, 3 + e1_content) != NULL); // the other one untouched
	// Applied again it changes nothing.
	size_t again = 0;
	CHECK_EQ_INT(pv_der_make_critical(out, len, sizeof(out), pv_oid_basic_constraints, 3, &again), 0);
	CHECK_EQ_INT(again, len);
	// Absent extension, no room, damaged lengths.
	static const uint8_t other_oid[] = { 0x55, 0x1d, 0x0f };
	memcpy(out, tbs, o);
	CHECK_EQ_INT(pv_der_make_critical(out, o, sizeof(out), other_oid, 3, &len), -ENOENT);
	CHECK_EQ_INT(pv_der_make_critical(out, o, o + 2, pv_oid_basic_constraints, 3, &len), -ENOBUFS);
	CHECK_EQ_INT(pv_der_make_critical(out, o - 1, sizeof(out), pv_oid_basic_constraints, 3, &len), -EINVAL);
	out[11] = 0xff; // the list claims more than it holds
	CHECK_EQ_INT(pv_der_make_critical(out, o, sizeof(out), pv_oid_basic_constraints, 3, &len), -EINVAL);
}

int main(void)
{
	wolfSSL_Init();
	if (wc_InitRng(&rng) != 0)
		return 1;
	now = time(NULL);
	struct pv_ca ca;
	test_ca(&ca);
	test_leaf(&ca);
	test_der();
	pv_ca_free(&ca);
	wc_FreeRng(&rng);
	wolfSSL_Cleanup();
	return check_done();
}
