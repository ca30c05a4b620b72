// SPDX-License-Identifier: GPL-3.0-or-later
// wolfSSL contexts for the SIP transport: versions, suites, curves, certificates, and the
// verify callback that binds a certificate to the site expected at the other end.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/tls_internal.h" // wolfssl/options.h before any other wolfSSL header

#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "base/log.h"
#include "base/secret.h"

// ECDHE key exchange and AEAD only; TLS 1.3 suites first so that 1.3 is what two sealcall
// sites speak.
static const char tls_ciphers[] =
	"TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:"
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

static int tls_groups[] = { WOLFSSL_ECC_X25519, WOLFSSL_ECC_SECP256R1, WOLFSSL_ECC_SECP384R1 };

#define TLS_KEY_FILE_MAX (64 * 1024)

int sc_sip_tls_global_init(void)
{
	return wolfSSL_Init() == WOLFSSL_SUCCESS ? 0 : -EIO;
}

void sc_sip_tls_global_cleanup(void)
{
	wolfSSL_Cleanup();
}

__attribute__((format(printf, 3, 4)))
static void refuse(struct sc_sip_conn *c, int err, const char *fmt, ...)
{
	va_list ap;
	// The first reason is the one the handshake failed for; later calls only repeat it.
	if (c->refusal_errno)
		return;
	c->refusal_errno = err;
	va_start(ap, fmt);
	vsnprintf(c->refusal, sizeof(c->refusal), fmt, ap);
	va_end(ap);
}

size_t tls_cert_dns_names(WOLFSSL_X509 *x, char **names, size_t max)
{
	size_t n = 0;
	WOLFSSL_STACK *sk = wolfSSL_X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (!sk)
		return 0;
	int count = wolfSSL_sk_GENERAL_NAME_num(sk);
	for (int i = 0; i < count && n < max; i++) {
		WOLFSSL_GENERAL_NAME *g = wolfSSL_sk_GENERAL_NAME_value(sk, i);
		if (!g || g->type != ASN_DNS_TYPE || !g->d.dNSName)
			continue;
		int len = wolfSSL_ASN1_STRING_length(g->d.dNSName);
		const unsigned char *data = wolfSSL_ASN1_STRING_data(g->d.dNSName);
		// A NUL inside a name would let "a.test\0.evil" pass as "a.test": skip such names.
		if (len <= 0 || len > SC_HOST_MAX || !data || memchr(data, '\0', (size_t)len))
			continue;
		char *copy = malloc((size_t)len + 1);
		if (!copy)
			break;
		memcpy(copy, data, (size_t)len);
		copy[len] = '\0';
		names[n++] = copy;
	}
	wolfSSL_GENERAL_NAMES_free(sk);
	return n;
}

int tls_cert_spki_sha256(WOLFSSL_X509 *x, uint8_t out[32])
{
	unsigned char spki[2048];
	int len = sizeof(spki);
	// wolfSSL hands out the DER SubjectPublicKeyInfo, the bytes RFC 7469 pins hash.
	if (wolfSSL_X509_get_pubkey_buffer(x, spki, &len) != WOLFSSL_SUCCESS || len <= 0)
		return -EINVAL;
	return wc_Sha256Hash(spki, (word32)len, out) == 0 ? 0 : -EIO;
}

static int check_leaf(struct sc_sip_conn *c, WOLFSSL_X509 *x)
{
	char why[256];
	char *names[16];
	uint8_t pin[32];
	const struct sc_policy *p = c->t->p;
	size_t n = tls_cert_dns_names(x, names, sizeof(names) / sizeof(names[0]));
	int rc = sc_sip_identity_match_names(&c->id, p, (const char *const *)names, n, why,
					     sizeof(why));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (rc != 0) {
		refuse(c, EACCES, "%s", why);
		return rc;
	}
	if (c->id.kind == SC_SIP_PEER_SITE && c->id.entry && c->id.entry->has_pin) {
		if (tls_cert_spki_sha256(x, pin) != 0) {
			refuse(c, EACCES, "cannot read the certificate's public key to check the tls_pin");
			return -EACCES;
		}
		rc = sc_sip_identity_check_pin(c->id.entry, pin, why, sizeof(why));
		if (rc != 0) {
			refuse(c, EACCES, "%s", why);
			return rc;
		}
	}
	return 0;
}

// Runs for every certificate of every handshake (WOLFSSL_ALWAYS_VERIFY_CB): chain errors
// refuse at once, the leaf is checked against the site expected on this connection.
static int verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct sc_sip_conn *c = store ? store->userCtx : NULL;
	if (!c)
		return 0;
	if (!preverify) {
		refuse(c, EACCES, "the certificate does not chain to the site CA (%s)",
		       wolfSSL_X509_verify_cert_error_string(store->error));
		return 0;
	}
	if (store->error_depth != 0)
		return 1;
	if (!store->current_cert) {
		refuse(c, EACCES, "no peer certificate to check");
		return 0;
	}
	if (check_leaf(c, store->current_cert) != 0)
		return 0;
	c->verified = true;
	return 1;
}

static int load_key(WOLFSSL_CTX *ctx, const char *path)
{
	uint8_t *key = NULL;
	size_t len = 0;
	int rc = sc_read_secret_file(path, TLS_KEY_FILE_MAX, &key, &len);
	if (rc == -EPERM) {
		sc_err("sip: TLS key %s is readable by others: chmod 600 %s", path, path);
		goto out;
	}
	if (rc != 0) {
		sc_err("sip: cannot read the TLS key %s: %s", path, strerror(-rc));
		goto out;
	}
	if (wolfSSL_CTX_use_PrivateKey_buffer(ctx, key, (long)len, WOLFSSL_FILETYPE_PEM) !=
	    WOLFSSL_SUCCESS) {
		sc_err("sip: %s is not a PEM private key wolfSSL can use (EC P-256/P-384 or RSA)", path);
		rc = -EINVAL;
		goto out;
	}
	if (wolfSSL_CTX_check_private_key(ctx) != WOLFSSL_SUCCESS) {
		sc_err("sip: the TLS key %s does not belong to the certificate: use the pair made "
		       "together by sealcall provision", path);
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
out:
	sc_secret_free(key, len);
	return rc;
}

static int load_credentials(WOLFSSL_CTX *ctx, const struct sc_sip *sip)
{
	if (wolfSSL_CTX_use_certificate_chain_file(ctx, sip->certificate) != WOLFSSL_SUCCESS) {
		sc_err("sip: cannot load the TLS certificate %s (a PEM certificate, optionally followed "
		       "by its intermediates, is needed)", sip->certificate);
		return -EINVAL;
	}
	int rc = load_key(ctx, sip->private_key);
	if (rc != 0)
		return rc;
	// The _ex form returns wolfSSL's reason, where the plain one only says it failed.
	int r = wolfSSL_CTX_load_verify_locations_ex(ctx, sip->ca, NULL,
						    WOLFSSL_LOAD_VERIFY_DEFAULT_FLAGS);
	if (r == ASN_BEFORE_DATE_E || r == ASN_AFTER_DATE_E) {
		// A Raspberry Pi has no battery clock: until timesyncd has set it, it believes it
		// is the image's build time, and a CA made later is "not yet valid". Say so rather
		// than blame the file (sealcall provision dates its CAs from 2020 for this reason).
		char now[32];
		time_t t = time(NULL);
		strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
		sc_err("sip: the site CA %s is %s at this system's time (%s): either the clock is "
		       "wrong (a Raspberry Pi has none until timesyncd sets it: timedatectl status; "
		       "sealcall restarts until then) or the CA really is (its dates: openssl x509 -in %s "
		       "-noout -dates)",
		       sip->ca, r == ASN_BEFORE_DATE_E ? "not yet valid" : "expired", now, sip->ca);
		return -EINVAL;
	}
	if (r != WOLFSSL_SUCCESS) {
		sc_err("sip: cannot load the site CA %s (a PEM CA certificate is needed)", sip->ca);
		return -EINVAL;
	}
	return 0;
}

static int configure(WOLFSSL_CTX *ctx, const struct sc_policy *p, bool server)
{
	int min = p->sip.tls_min_version == SC_TLS_1_3 ? WOLFSSL_TLSV1_3 : WOLFSSL_TLSV1_2;
	int n_groups = (int)(sizeof(tls_groups) / sizeof(tls_groups[0]));
	if (wolfSSL_CTX_SetMinVersion(ctx, min) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_cipher_list(ctx, tls_ciphers) != WOLFSSL_SUCCESS)
		return -EIO;
	// set_groups covers TLS 1.3 only; 1.2 takes its curves from the supported_groups list.
	if (wolfSSL_CTX_set_groups(ctx, tls_groups, n_groups) != WOLFSSL_SUCCESS)
		return -EIO;
	for (int i = 0; i < n_groups; i++)
		if (wolfSSL_CTX_UseSupportedCurve(ctx, (word16)tls_groups[i]) != WOLFSSL_SUCCESS)
			return -EIO;
	// A TLS 1.2 server otherwise takes any curve the client offers (P-521 was measured):
	// this list disables the others for the server's choice too.
	if (wolfSSL_CTX_set1_curves_list(ctx, "X25519:P-256:P-384") != WOLFSSL_SUCCESS)
		return -EIO;
	// No resumption of any kind: pins and names are checked on every full handshake.
	wolfSSL_CTX_set_session_cache_mode(ctx, WOLFSSL_SESS_CACHE_OFF);
	if (server) {
		wolfSSL_CTX_NoTicketTLSv12(ctx);
		wolfSSL_CTX_no_ticket_TLSv13(ctx);
	}
	wolfSSL_CTX_set_verify(ctx,
			       server ? WOLFSSL_VERIFY_PEER | WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT
				      : WOLFSSL_VERIFY_PEER,
			       verify_cb);
	return 0;
}

int tls_context_new(const struct sc_policy *p, bool server, WOLFSSL_CTX **out)
{
	WOLFSSL_METHOD *method = server ? wolfSSLv23_server_method() : wolfSSLv23_client_method();
	WOLFSSL_CTX *ctx = method ? wolfSSL_CTX_new(method) : NULL;
	int rc;
	if (!ctx) {
		sc_err("sip: wolfSSL cannot create a TLS context (out of memory?)");
		return -ENOMEM;
	}
	rc = configure(ctx, p, server);
	if (rc != 0) {
		sc_err("sip: wolfSSL refused the TLS settings (versions, suites or curves): this "
		       "libwolfssl lacks TLS 1.3, ECDHE, AES-GCM or ChaCha20-Poly1305");
		goto out;
	}
	rc = load_credentials(ctx, &p->sip);
out:
	if (rc != 0) {
		wolfSSL_CTX_free(ctx);
		ctx = NULL;
	}
	*out = ctx;
	return rc;
}
