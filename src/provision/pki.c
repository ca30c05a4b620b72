// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/pki.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "provision/der.h"

#define DER_MAX 4096
#define SERIAL_LEN 16
#define DAY 86400
// An appliance has no real-time clock: until it syncs time it believes it is the time its
// image was built, which may well be before provisioning. Certificates are valid from a fixed
// date before any image of this software, so TLS works from the first boot.
static const char not_before[] = "200101000000Z"; // 2020-01-01, UTCTime

static void free_cert(Cert *cert)
{
	wc_CertFree(cert);
}

static Cert *new_cert(void)
{
	return wc_CertNew(NULL);
}

// RFC 5280 §4.1.2.5: UTCTime until 2049, GeneralizedTime from 2050.
static int encode_time(time_t t, uint8_t *out, int *len)
{
	struct tm tm;
	char text[20];
	if (!gmtime_r(&t, &tm))
		return -EINVAL;
	int year = tm.tm_year + 1900;
	bool utc = year < 2050;
	int n = utc ? snprintf(text, sizeof(text), "%02d%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
		    : snprintf(text, sizeof(text), "%04d%02d%02d%02d%02d%02dZ", year, tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n != (utc ? 13 : 15) || n + 2 > CTC_DATE_SIZE)
		return -EINVAL;
	out[0] = utc ? 0x17 : 0x18;
	out[1] = (uint8_t)n;
	memcpy(out + 2, text, (size_t)n);
	*len = n + 2;
	return 0;
}

static int set_validity(Cert *cert, time_t now, int years)
{
	size_t n = sizeof(not_before) - 1;
	cert->beforeDate[0] = 0x17;
	cert->beforeDate[1] = (uint8_t)n;
	memcpy(cert->beforeDate + 2, not_before, n);
	cert->beforeDateSz = (int)n + 2;
	return encode_time(now + (time_t)years * 365 * DAY + (time_t)(years / 4) * DAY,
			   cert->afterDate, &cert->afterDateSz);
}

static int set_serial(Cert *cert, WC_RNG *rng)
{
	if (wc_RNG_GenerateBlock(rng, cert->serial, SERIAL_LEN) != 0)
		return -EIO;
	// A positive INTEGER of full length: top bit clear, top byte not zero.
	cert->serial[0] = (uint8_t)((cert->serial[0] & 0x7f) | 0x40);
	cert->serialSz = SERIAL_LEN;
	return 0;
}

static void set_name(CertName *name, const char *common_name)
{
	snprintf(name->commonName, sizeof(name->commonName), "%s", common_name);
	snprintf(name->org, sizeof(name->org), "sealcall");
}

static int der_to_pem(const uint8_t *der, size_t len, int type, struct pv_text *pem)
{
	int need = wc_DerToPem(der, (word32)len, NULL, 0, type);
	if (need <= 0)
		return -EINVAL;
	// Sized before the secret is written into it, so a key never moves in memory.
	uint8_t *buf = malloc((size_t)need + 1);
	if (!buf)
		return -ENOMEM;
	int n = wc_DerToPem(der, (word32)len, buf, (word32)need + 1, type);
	if (n > 0)
		pv_text_append(pem, buf, (size_t)n);
	sc_secret_free(buf, (size_t)need + 1);
	return n > 0 && !pem->failed ? 0 : -EINVAL;
}

// Makes the TBSCertificate, repairs what wolfSSL cannot express, signs it with SIGNER.
static int make_signed(Cert *cert, WC_RNG *rng, ecc_key *subject, ecc_key *signer, bool ca,
		       struct pv_text *pem, uint8_t **der_out, size_t *der_len)
{
	uint8_t *der = malloc(DER_MAX);
	int rc = -EINVAL;
	if (!der)
		return -ENOMEM;
	int body = wc_MakeCert(cert, der, DER_MAX, NULL, subject, rng);
	if (body <= 0)
		goto out;
	size_t tbs_len = (size_t)body;
	if (ca && pv_der_make_critical(der, tbs_len, DER_MAX / 2, pv_oid_basic_constraints,
				       sizeof(pv_oid_basic_constraints), &tbs_len) != 0)
		goto out;
	int total = wc_SignCert((int)tbs_len, CTC_SHA256wECDSA, der, DER_MAX, NULL, signer, rng);
	if (total <= 0)
		goto out;
	rc = der_to_pem(der, (size_t)total, CERT_TYPE, pem);
	if (rc == 0 && der_out) {
		*der_out = der;
		*der_len = (size_t)total;
		der = NULL;
	}
out:
	free(der);
	return rc;
}

int pv_key_generate(WC_RNG *rng, ecc_key *key)
{
	if (wc_ecc_init(key) != 0)
		return -EIO;
	if (wc_ecc_make_key_ex(rng, 32, key, ECC_SECP256R1) != 0 || wc_ecc_set_rng(key, rng) != 0) {
		wc_ecc_free(key);
		return -EIO;
	}
	return 0;
}

int pv_key_to_pem(ecc_key *key, struct pv_text *pem)
{
	uint8_t der[256];
	int n = wc_EccKeyToDer(key, der, sizeof(der));
	int rc = n > 0 ? der_to_pem(der, (size_t)n, ECC_PRIVATEKEY_TYPE, pem) : -EINVAL;
	sc_wipe(der, sizeof(der));
	return rc;
}

int pv_key_from_pem(const char *pem, size_t len, ecc_key *key)
{
	uint8_t der[512];
	word32 idx = 0;
	int rc = -EINVAL;
	int n = wc_KeyPemToDer((const unsigned char *)pem, (int)len, der, sizeof(der), NULL);
	if (n <= 0)
		goto wipe;
	if (wc_ecc_init(key) != 0) {
		rc = -EIO;
		goto wipe;
	}
	if (wc_EccPrivateKeyDecode(der, &idx, key, (word32)n) != 0 ||
	    wc_ecc_get_curve_id(key->idx) != ECC_SECP256R1 || wc_ecc_check_key(key) != 0) {
		wc_ecc_free(key);
		goto wipe;
	}
	rc = 0;
wipe:
	sc_wipe(der, sizeof(der));
	return rc;
}

static int spki_der(ecc_key *key, uint8_t *out, size_t cap)
{
	int n = wc_EccPublicKeyToDer(key, out, (word32)cap, 1);
	return n > 0 ? n : -EINVAL;
}

int pv_spki_pin(ecc_key *key, char out[PV_PIN_LEN])
{
	uint8_t spki[256], hash[WC_SHA256_DIGEST_SIZE];
	int n = spki_der(key, spki, sizeof(spki));
	if (n < 0)
		return n;
	if (wc_Sha256Hash(spki, (word32)n, hash) != 0)
		return -EIO;
	memcpy(out, "sha256//", 8);
	return sc_base64_encode(hash, sizeof(hash), out + 8, PV_PIN_LEN - 8) < 0 ? -EINVAL : 0;
}

static size_t put_header(uint8_t *out, uint8_t tag, size_t len)
{
	size_t o = 0;
	out[o++] = tag;
	if (len >= 0x100)
		out[o++] = 0x82, out[o++] = (uint8_t)(len >> 8);
	else if (len >= 0x80)
		out[o++] = 0x81;
	out[o++] = (uint8_t)len;
	return o;
}

// GeneralNames { dNSName, iPAddress }: the DNS name for peers that ignore IP addresses in
// certificates (Linphone), the address for those that check it.
static int alt_names(const struct pv_identity *id, uint8_t *out, size_t cap)
{
	uint8_t dns_header[4], ip_header[4];
	size_t dns = strlen(id->dns_name);
	size_t ip = id->address->family == AF_INET ? 4 : 16;
	if (dns > SC_HOST_MAX)
		return -EINVAL;
	size_t dns_h = put_header(dns_header, 0x82, dns), ip_h = put_header(ip_header, 0x87, ip);
	size_t content = dns_h + dns + ip_h + ip;
	if (content + 4 > cap)
		return -EINVAL;
	size_t o = put_header(out, 0x30, content);
	memcpy(out + o, dns_header, dns_h);
	memcpy(out + o + dns_h, id->dns_name, dns);
	o += dns_h + dns;
	memcpy(out + o, ip_header, ip_h);
	memcpy(out + o + ip_h, id->address->addr, ip);
	return (int)(o + ip_h + ip);
}

static int ca_cert(struct pv_ca *ca, WC_RNG *rng, time_t now)
{
	Cert *cert = new_cert();
	int rc = -EINVAL;
	if (!cert)
		return -ENOMEM;
	cert->sigType = CTC_SHA256wECDSA;
	cert->isCA = 1;
	// The CA signs sites' certificates only, never another CA.
	cert->pathLen = 0;
	cert->pathLenSet = 1;
	cert->selfSigned = 1;
	set_name(&cert->subject, "sealcall CA");
	if (set_serial(cert, rng) != 0 || set_validity(cert, now, PV_CA_YEARS) != 0 ||
	    wc_SetKeyUsage(cert, "keyCertSign,cRLSign") != 0 ||
	    wc_SetSubjectKeyIdFromPublicKey_ex(cert, ECC_TYPE, &ca->key) != 0)
		goto out;
	pv_text_init(&ca->cert_pem, false);
	rc = make_signed(cert, rng, &ca->key, &ca->key, true, &ca->cert_pem, &ca->cert_der,
			 &ca->cert_der_len);
out:
	free_cert(cert);
	return rc;
}

int pv_ca_create(struct pv_ca *ca, WC_RNG *rng, time_t now, struct pv_text *key_pem)
{
	memset(ca, 0, sizeof(*ca));
	int rc = pv_key_generate(rng, &ca->key);
	if (rc != 0)
		return rc;
	ca->has_key = true;
	rc = pv_key_to_pem(&ca->key, key_pem);
	if (rc == 0)
		rc = ca_cert(ca, rng, now);
	if (rc != 0)
		pv_ca_free(ca);
	return rc;
}

static bool contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t len)
{
	return len > 0 && memmem(hay, hay_len, needle, len) != NULL;
}

int pv_ca_load(struct pv_ca *ca, WC_RNG *rng, time_t now, const char *key_pem, size_t key_len,
	       const char *cert_pem, size_t cert_len)
{
	memset(ca, 0, sizeof(*ca));
	int rc = pv_key_from_pem(key_pem, key_len, &ca->key);
	if (rc != 0)
		return rc;
	ca->has_key = true;
	if (wc_ecc_set_rng(&ca->key, rng) != 0) {
		rc = -EIO;
		goto out;
	}
	if (!cert_pem) {
		rc = ca_cert(ca, rng, now);
		goto out;
	}
	ca->cert_der = malloc(DER_MAX);
	if (!ca->cert_der) {
		rc = -ENOMEM;
		goto out;
	}
	int n = wc_CertPemToDer((const unsigned char *)cert_pem, (int)cert_len, ca->cert_der, DER_MAX,
				CERT_TYPE);
	if (n <= 0) {
		rc = -EINVAL;
		goto out;
	}
	ca->cert_der_len = (size_t)n;
	uint8_t spki[256];
	int spki_len = spki_der(&ca->key, spki, sizeof(spki));
	if (spki_len < 0 || !contains(ca->cert_der, ca->cert_der_len, spki, (size_t)spki_len)) {
		rc = -EXDEV;
		goto out;
	}
	pv_text_init(&ca->cert_pem, false);
	pv_text_append(&ca->cert_pem, cert_pem, cert_len);
	rc = ca->cert_pem.failed ? -ENOMEM : 0;
out:
	if (rc != 0)
		pv_ca_free(ca);
	return rc;
}

void pv_ca_free(struct pv_ca *ca)
{
	if (ca->has_key)
		wc_ecc_free(&ca->key);
	free(ca->cert_der);
	pv_text_free(&ca->cert_pem);
	memset(ca, 0, sizeof(*ca));
}

int pv_cert_issue(struct pv_ca *ca, WC_RNG *rng, time_t now, ecc_key *subject,
		  const struct pv_identity *id, struct pv_text *pem)
{
	Cert *cert = new_cert();
	int rc = -EINVAL;
	if (!cert)
		return -ENOMEM;
	cert->sigType = CTC_SHA256wECDSA;
	cert->isCA = 0;
	cert->basicConstSet = 1; // CA:FALSE said explicitly
	cert->selfSigned = 0;
	set_name(&cert->subject, id->name);
	int n = alt_names(id, cert->altNames, sizeof(cert->altNames));
	if (n < 0)
		goto out;
	cert->altNamesSz = n;
	if (set_serial(cert, rng) != 0 || set_validity(cert, now, PV_LEAF_YEARS) != 0 ||
	    wc_SetIssuerBuffer(cert, ca->cert_der, (int)ca->cert_der_len) != 0 ||
	    wc_SetKeyUsage(cert, "digitalSignature") != 0 ||
	    wc_SetExtKeyUsage(cert, "serverAuth,clientAuth") != 0 ||
	    wc_SetSubjectKeyIdFromPublicKey_ex(cert, ECC_TYPE, subject) != 0 ||
	    wc_SetAuthKeyIdFromPublicKey_ex(cert, ECC_TYPE, &ca->key) != 0)
		goto out;
	rc = make_signed(cert, rng, subject, &ca->key, false, pem, NULL, NULL);
out:
	free_cert(cert);
	return rc;
}

static bool chains_to(struct pv_ca *ca, const uint8_t *der, size_t len)
{
	WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
	if (!cm)
		return false;
	bool ok = wolfSSL_CertManagerLoadCABuffer(cm, ca->cert_der, (long)ca->cert_der_len,
						 WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS &&
		  wolfSSL_CertManagerVerifyBuffer(cm, der, (long)len, WOLFSSL_FILETYPE_ASN1) ==
			  WOLFSSL_SUCCESS;
	wolfSSL_CertManagerFree(cm);
	return ok;
}

static bool valid_long_enough(const uint8_t *der, size_t len, time_t now)
{
	Cert *cert = new_cert();
	struct tm before, after;
	bool ok = cert && wc_SetDatesBuffer(cert, der, (int)len) == 0 &&
		  wc_GetCertDates(cert, &before, &after) == 0 &&
		  timegm(&after) - now > (time_t)PV_RENEW_BEFORE_DAYS * DAY;
	free_cert(cert);
	return ok;
}

bool pv_cert_still_good(struct pv_ca *ca, time_t now, const char *cert_pem, size_t len,
			ecc_key *subject, const struct pv_identity *id)
{
	uint8_t *der = malloc(DER_MAX), spki[256], names[512];
	bool good = false;
	if (!der)
		return false;
	int n = wc_CertPemToDer((const unsigned char *)cert_pem, (int)len, der, DER_MAX, CERT_TYPE);
	int spki_len = spki_der(subject, spki, sizeof(spki));
	int names_len = alt_names(id, names, sizeof(names));
	if (n <= 0 || spki_len < 0 || names_len < 0)
		goto out;
	// Issued for this key and exactly these names (the SAN encoding is ours, byte for byte).
	good = contains(der, (size_t)n, spki, (size_t)spki_len) &&
	       contains(der, (size_t)n, names, (size_t)names_len) && chains_to(ca, der, (size_t)n) &&
	       valid_long_enough(der, (size_t)n, now);
out:
	free(der);
	return good;
}
