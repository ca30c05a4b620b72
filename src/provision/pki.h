// SPDX-License-Identifier: GPL-3.0-or-later
// The deployment's private CA and the certificates it issues to sites and the hub: ECDSA
// P-256 keys, SHA-256 signatures, made with wolfSSL's certificate generation.
#ifndef SC_PROVISION_PKI_H
#define SC_PROVISION_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>

#include "policy/policy.h"
#include "provision/text.h"

#define PV_CA_YEARS 30
#define PV_LEAF_YEARS 10
// A certificate with less than this left is issued again on the next run.
#define PV_RENEW_BEFORE_DAYS 365
// "sha256//" and 44 base64 characters, as the policy's tls_pin.
#define PV_PIN_LEN 53

struct pv_ca {
	ecc_key key; // secret
	bool has_key;
	uint8_t *cert_der;
	size_t cert_der_len;
	struct pv_text cert_pem;
};

// What a site's (or the hub's) certificate says about it.
struct pv_identity {
	const char *name;                // subject CN: the site name
	const char *dns_name;            // subjectAltName DNS: NAME.DOMAIN
	const struct sc_prefix *address; // subjectAltName IP: the tunnel address
};

// A new CA: key and self-signed certificate. KEY_PEM (secret) gets the key to store.
int pv_ca_create(struct pv_ca *ca, WC_RNG *rng, time_t now, struct pv_text *key_pem);
// The CA from its stored key and certificate. -EINVAL when either does not parse, -EXDEV
// when the certificate is not the key's. A NULL CERT_PEM makes a new certificate for the
// existing key (the CA keeps its identity: certificates it issued still verify).
int pv_ca_load(struct pv_ca *ca, WC_RNG *rng, time_t now, const char *key_pem, size_t key_len,
	       const char *cert_pem, size_t cert_len);
void pv_ca_free(struct pv_ca *ca);

// P-256 keys. Every key initialised by these is released with wc_ecc_free.
int pv_key_generate(WC_RNG *rng, ecc_key *key);
int pv_key_to_pem(ecc_key *key, struct pv_text *pem);
int pv_key_from_pem(const char *pem, size_t len, ecc_key *key);

// A certificate for SUBJECT's key naming ID, for TLS server and client use.
int pv_cert_issue(struct pv_ca *ca, WC_RNG *rng, time_t now, ecc_key *subject,
		  const struct pv_identity *id, struct pv_text *pem);
// Whether CERT_PEM is CA's certificate for SUBJECT's key with exactly ID's names, with more
// than PV_RENEW_BEFORE_DAYS left: then a run keeps it rather than issuing a new one.
bool pv_cert_still_good(struct pv_ca *ca, time_t now, const char *cert_pem, size_t len,
			ecc_key *subject, const struct pv_identity *id);

// "sha256//" + base64 of SHA-256 over the key's SubjectPublicKeyInfo (the policy's tls_pin).
int pv_spki_pin(ecc_key *key, char out[PV_PIN_LEN]);

#endif
