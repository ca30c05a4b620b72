// SPDX-License-Identifier: GPL-3.0-or-later
// Keys, certificates and passwords: what exists is kept (a site's identity never changes by
// itself), what is missing is made. A secret file that others may read is refused rather
// than used: it has to be treated as exposed.
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "base/log.h"
#include "base/secret.h"
#include "provision/files.h"
#include "provision/run.h"

#define KEY_FILE_MAX 16384

static void report_read_error(const char *path, int rc, const char *what)
{
	if (rc == -EPERM)
		sc_err("%s holds %s but group or others may read it; if nobody else could have read it, run chmod 600 %s, otherwise remove it to have a new one made",
		       path, what, path);
	else if (rc == -EINVAL)
		sc_err("%s does not hold %s; restore it from a backup, or remove it to have a new one made (every bundle that names it is updated)",
		       path, what);
	else
		sc_err("cannot read %s (%s): %s; check the file and its folder", path, what, strerror(-rc));
}

int pv_put(struct pv_run *run, const char *dir, const char *name, const void *data, size_t len,
	   mode_t mode)
{
	char path[PATH_MAX];
	int rc = pv_join(path, sizeof(path), dir, name);
	if (rc == 0)
		rc = pv_writes_add(&run->writes, path, data, len, mode);
	if (rc < 0) {
		sc_err("cannot write %s/%s: %s; check the free space and permissions of %s", dir, name,
		       strerror(-rc), dir);
		return rc;
	}
	run->written += (size_t)rc;
	return 0;
}

static int put_text(struct pv_run *run, const char *dir, const char *name, const struct pv_text *t,
		    mode_t mode)
{
	if (t->failed) {
		sc_err("out of memory while writing %s/%s", dir, name);
		return -ENOMEM;
	}
	return pv_put(run, dir, name, t->data, t->len, mode);
}

int pv_ca_setup(struct pv_run *run)
{
	char dir[PATH_MAX], key_path[PATH_MAX], cert_path[PATH_MAX];
	char *key = NULL, *cert = NULL;
	size_t key_len = 0, cert_len = 0;
	struct pv_text key_pem;
	pv_text_init(&key_pem, true);
	int rc = pv_join(dir, sizeof(dir), run->outdir, "ca");
	if (rc == 0)
		rc = pv_join(key_path, sizeof(key_path), dir, "ca.key");
	if (rc == 0)
		rc = pv_join(cert_path, sizeof(cert_path), dir, "ca.crt");
	if (rc != 0) {
		sc_err("the output folder's path is too long: %s", run->outdir);
		goto out;
	}
	if ((rc = pv_make_dir(dir)) != 0) {
		sc_err("cannot create %s: %s", dir, strerror(-rc));
		goto out;
	}
	int key_rc = pv_read_file(key_path, KEY_FILE_MAX, true, &key, &key_len);
	int cert_rc = pv_read_file(cert_path, KEY_FILE_MAX, false, &cert, &cert_len);
	if (key_rc == -ENOENT && cert_rc == 0) {
		sc_err("%s exists but its key %s is missing: every site's certificate depends on it; restore ca.key from your backup, or remove %s to start a new CA (every site then needs its new bundle)",
		       cert_path, key_path, dir);
		rc = -ENOENT;
		goto out;
	}
	if (key_rc == -ENOENT) {
		rc = pv_ca_create(&run->ca, &run->rng, run->now, &key_pem);
		if (rc == 0)
			rc = put_text(run, dir, "ca.key", &key_pem, PV_MODE_SECRET);
		if (rc != 0)
			goto out;
		run->result->keys_generated++;
		sc_notice("made a new CA in %s; keep ca.key offline and backed up: it signs every site's certificate",
			  dir);
	} else if (key_rc != 0) {
		report_read_error(key_path, key_rc, "the CA key");
		rc = key_rc;
		goto out;
	} else {
		if (cert_rc != 0 && cert_rc != -ENOENT) {
			report_read_error(cert_path, cert_rc, "the CA certificate");
			rc = cert_rc;
			goto out;
		}
		rc = pv_ca_load(&run->ca, &run->rng, run->now, key, key_len, cert_rc == 0 ? cert : NULL,
				cert_len);
		if (rc == -EXDEV) {
			sc_err("%s is not the certificate of %s; restore the pair from your backup", cert_path,
			       key_path);
			goto out;
		}
		if (rc != 0) {
			report_read_error(rc == -EINVAL && cert_rc == 0 ? cert_path : key_path, -EINVAL,
					  "the CA's P-256 key and certificate (PEM)");
			goto out;
		}
		if (cert_rc == -ENOENT)
			sc_warn("%s was missing: made a new certificate for the existing CA key", cert_path);
	}
	rc = put_text(run, dir, "ca.crt", &run->ca.cert_pem, PV_MODE_PUBLIC);
out:
	pv_free_file(key, key_len, true);
	pv_free_file(cert, cert_len, false);
	pv_text_free(&key_pem);
	return rc;
}

int pv_wg_key_in(struct pv_run *run, const char *dir, struct pv_wg_keypair *kp)
{
	char path[PATH_MAX], *data = NULL, b64[PV_WG_KEY_B64 + 1];
	size_t len = 0;
	uint8_t raw[PV_WG_KEY_LEN];
	int rc = pv_join(path, sizeof(path), dir, "wireguard.key");
	if (rc != 0)
		return rc;
	rc = pv_read_file(path, KEY_FILE_MAX, true, &data, &len);
	if (rc == 0) {
		rc = pv_wg_key_parse(data, len, raw);
		if (rc == 0)
			rc = pv_wg_derive(raw, kp);
		if (rc != 0) {
			report_read_error(path, -EINVAL, "a WireGuard private key (wg genkey)");
			goto out;
		}
	} else if (rc == -ENOENT) {
		if ((rc = pv_wg_generate(&run->rng, kp)) != 0) {
			sc_err("cannot make a WireGuard key for %s", dir);
			goto out;
		}
		run->result->keys_generated++;
		pv_wg_key_base64(kp->private_key, b64);
		strcat(b64, "\n");
		if ((rc = pv_put(run, dir, "wireguard.key", b64, strlen(b64), PV_MODE_SECRET)) != 0)
			goto out;
	} else {
		report_read_error(path, rc, "a WireGuard private key");
		goto out;
	}
	pv_wg_key_base64(kp->public_key, b64);
	strcat(b64, "\n");
	rc = pv_put(run, dir, "wireguard.pub", b64, strlen(b64), PV_MODE_PUBLIC);
out:
	sc_wipe(raw, sizeof(raw));
	sc_wipe(b64, sizeof(b64));
	pv_free_file(data, len, true);
	return rc;
}

int pv_tls_key_in(struct pv_run *run, const char *dir, const char *file, ecc_key *key)
{
	char path[PATH_MAX], *data = NULL;
	size_t len = 0;
	struct pv_text pem;
	pv_text_init(&pem, true);
	int rc = pv_join(path, sizeof(path), dir, file);
	if (rc != 0)
		goto out;
	rc = pv_read_file(path, KEY_FILE_MAX, true, &data, &len);
	if (rc == 0) {
		rc = pv_key_from_pem(data, len, key);
		if (rc != 0) {
			report_read_error(path, -EINVAL, "a P-256 private key (PEM)");
			goto out;
		}
		if ((rc = wc_ecc_set_rng(key, &run->rng)) != 0) {
			wc_ecc_free(key);
			rc = -EIO;
		}
		goto out;
	}
	if (rc != -ENOENT) {
		report_read_error(path, rc, "a TLS private key");
		goto out;
	}
	if ((rc = pv_key_generate(&run->rng, key)) != 0) {
		sc_err("cannot make a TLS key for %s", dir);
		goto out;
	}
	run->result->keys_generated++;
	rc = pv_key_to_pem(key, &pem);
	if (rc == 0)
		rc = put_text(run, dir, file, &pem, PV_MODE_SECRET);
	if (rc != 0)
		wc_ecc_free(key);
out:
	pv_text_free(&pem);
	pv_free_file(data, len, true);
	return rc;
}

int pv_cert_in(struct pv_run *run, const char *dir, const char *file, ecc_key *key,
	       const struct pv_identity *id)
{
	char path[PATH_MAX], *data = NULL;
	size_t len = 0;
	struct pv_text pem;
	pv_text_init(&pem, false);
	int rc = pv_join(path, sizeof(path), dir, file);
	if (rc != 0)
		goto out;
	if (pv_read_file(path, KEY_FILE_MAX, false, &data, &len) == 0 &&
	    pv_cert_still_good(&run->ca, run->now, data, len, key, id))
		goto out;
	rc = pv_cert_issue(&run->ca, &run->rng, run->now, key, id, &pem);
	if (rc != 0) {
		sc_err("cannot issue the certificate %s: %s", path, strerror(-rc));
		goto out;
	}
	run->result->certs_issued++;
	rc = put_text(run, dir, file, &pem, PV_MODE_PUBLIC);
out:
	pv_text_free(&pem);
	pv_free_file(data, len, false);
	return rc;
}

static bool password_usable(const char *p, size_t len)
{
	if (len < 16 || len > 128)
		return false;
	for (size_t i = 0; i < len; i++)
		if (p[i] <= ' ' || p[i] > '~')
			return false;
	return true;
}

static int make_password(WC_RNG *rng, char out[PV_PASSWORD_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = 0;
	uint8_t byte;
	while (n < PV_PASSWORD_LEN) {
		if (wc_RNG_GenerateBlock(rng, &byte, 1) != 0)
			return -EIO;
		// 248 = 4 * 62: rejecting the rest keeps every character equally likely.
		if (byte < 248)
			out[n++] = alphabet[byte % 62];
	}
	out[n] = '\0';
	sc_wipe(&byte, sizeof(byte));
	return 0;
}

int pv_password_in(struct pv_run *run, const char *dir, char out[PV_PASSWORD_LEN + 1])
{
	char path[PATH_MAX], *data = NULL, line[PV_PASSWORD_LEN + 2];
	size_t len = 0;
	int rc = pv_join(path, sizeof(path), dir, "registrar.password");
	if (rc != 0)
		return rc;
	rc = pv_read_file(path, 4096, true, &data, &len);
	if (rc == 0) {
		size_t n = len;
		while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		// Only what this tool makes fits the hub's table; anything else is made again.
		if (!password_usable(data, n) || n != PV_PASSWORD_LEN) {
			report_read_error(path, -EINVAL, "a registrar password of 32 letters and digits");
			rc = -EINVAL;
			goto out;
		}
		memcpy(out, data, n);
		out[n] = '\0';
		goto out;
	}
	if (rc != -ENOENT) {
		report_read_error(path, rc, "the registrar password");
		goto out;
	}
	if ((rc = make_password(&run->rng, out)) != 0)
		goto out;
	snprintf(line, sizeof(line), "%s\n", out);
	rc = pv_put(run, dir, "registrar.password", line, strlen(line), PV_MODE_SECRET);
out:
	sc_wipe(line, sizeof(line));
	pv_free_file(data, len, true);
	return rc;
}
