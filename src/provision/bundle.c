// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/secret.h"
#include "policy/policy.h"
#include "provision/files.h"
#include "provision/sites_internal.h"

// Everything provisioning writes into a bundle: removing a site removes these and nothing
// the operator may have added.
static const char *const site_files[] = { "sealcall.yaml", "wireguard.key", "wireguard.pub",
					  "site.key", "site.crt", "ca.crt", "registrar.password",
					  "authorized_keys" };
static const char *const hub_files[] = { "wg0.conf", "wireguard.key", "wireguard.pub", "hub.key",
					 "hub.crt", "ca.crt", "kamailio.cfg", "tls.cfg",
					 "db/subscriber", "db/version", "db" };

static int folder(const struct pv_run *run, const char *kind, const char *name, char *out, size_t len)
{
	char base[PATH_MAX];
	int rc = pv_join(base, sizeof(base), run->outdir, kind);
	if (rc == 0)
		rc = name ? pv_join(out, len, base, name) : pv_join(out, len, run->outdir, kind);
	if (rc != 0)
		sc_err("the output folder's path is too long: %s", run->outdir);
	return rc;
}

static int make_folder(const char *dir)
{
	int rc = pv_make_dir(dir);
	if (rc != 0)
		sc_err("cannot create %s: %s; check the permissions of its parent", dir, strerror(-rc));
	return rc;
}

int pv_bundles_dir(struct pv_run *run)
{
	char dir[PATH_MAX];
	int rc = folder(run, "sites", NULL, dir, sizeof(dir));
	return rc ? rc : make_folder(dir);
}

void pv_remove_leftovers(struct pv_run *run)
{
	static const char *const fixed[] = { "", "ca", "hub", "hub/db" };
	char dir[PATH_MAX], sites[PATH_MAX];
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (pv_join(dir, sizeof(dir), run->outdir, fixed[i]) == 0)
			pv_remove_temporaries(dir);
	if (folder(run, "sites", NULL, sites, sizeof(sites)) != 0)
		return;
	DIR *d = opendir(sites);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && pv_join(dir, sizeof(dir), sites, de->d_name) == 0)
			pv_remove_temporaries(dir);
	closedir(d);
}

static int remove_file(struct pv_run *run, const char *dir, const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	if (pv_join(path, sizeof(path), dir, name) != 0)
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.provision-tmp", path);
	unlink(tmp);
	if (unlink(path) == 0) {
		run->written++;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	// A folder of ours (the hub's db); anything else in it stays, and so does the folder.
	if (errno == EISDIR && (rmdir(path) == 0 || errno == ENOTEMPTY || errno == EEXIST))
		return 0;
	int rc = -errno;
	sc_err("cannot remove %s: %s; remove it yourself and run again", path, strerror(errno));
	return rc;
}

// The keys and certificate a site or the hub holds in DIR; fills M's public key and pin.
static int identity_materials(struct pv_run *run, const char *dir, const char *key_file,
			      const char *cert_file, struct pv_member *m, struct pv_wg_keypair *kp)
{
	const struct sc_sites *s = run->sites;
	char dns[SC_HOST_MAX + 1];
	ecc_key key;
	int rc = pv_wg_key_in(run, dir, kp);
	if (rc != 0)
		return rc;
	memcpy(m->wg_public, kp->public_key, PV_WG_KEY_LEN);
	if ((rc = pv_tls_key_in(run, dir, key_file, &key)) != 0)
		return rc;
	snprintf(dns, sizeof(dns), "%s.%s", m->name, s->domain);
	struct pv_identity id = { m->name, dns, &m->address };
	rc = pv_spki_pin(&key, m->pin);
	if (rc == 0)
		rc = pv_cert_in(run, dir, cert_file, &key, &id);
	if (rc == 0)
		rc = pv_put(run, dir, "ca.crt", run->ca.cert_pem.data, run->ca.cert_pem.len, PV_MODE_PUBLIC);
	wc_ecc_free(&key);
	return rc;
}

// DIR/authorized_keys, the administrators' public keys: the appliance's bundle import turns
// SSH on with them, and off when a bundle comes without the file.
static int ssh_keys_in(struct pv_run *run, const char *dir, const struct sc_site *site)
{
	char path[PATH_MAX];
	if (site->ssh_keys != SC_SSH_KEYS_NONE) {
		const struct sc_ssh_keys_file *f = &run->sites->ssh_keys_files[site->ssh_keys];
		return pv_put(run, dir, "authorized_keys", f->data, f->len, PV_MODE_PUBLIC);
	}
	if (pv_join(path, sizeof(path), dir, "authorized_keys") == 0 && pv_exists(path))
		sc_notice("site %s: removing %s: the sites file gives this site no ssh_authorized_keys, so SSH turns off at its next bundle import",
			  site->name, path);
	return remove_file(run, dir, "authorized_keys");
}

int pv_site_materials(struct pv_run *run, struct pv_plan *plan, size_t index, bool *created)
{
	const struct sc_site *site = &run->sites->sites[index];
	struct pv_member *m = &plan->members[index];
	struct pv_wg_keypair kp;
	char dir[PATH_MAX];
	int rc = folder(run, "sites", site->name, dir, sizeof(dir));
	if (rc != 0)
		return rc;
	*created = !pv_exists(dir);
	if ((rc = make_folder(dir)) != 0)
		return rc;
	rc = identity_materials(run, dir, "site.key", "site.crt", m, &kp);
	sc_wipe(&kp, sizeof(kp));
	if (rc == 0)
		rc = ssh_keys_in(run, dir, site);
	if (rc != 0)
		return rc;
	if (run->sites->topology == SC_TOPOLOGY_HUB)
		return pv_password_in(run, dir, m->password);
	// Left from a time this deployment had a hub; a mesh site registers nowhere.
	return remove_file(run, dir, "registrar.password");
}

int pv_site_policy_file(struct pv_run *run, const struct pv_plan *plan, size_t index)
{
	char dir[PATH_MAX];
	struct pv_text policy;
	int rc = folder(run, "sites", run->sites->sites[index].name, dir, sizeof(dir));
	if (rc != 0)
		return rc;
	pv_text_init(&policy, false);
	pv_write_site_policy(plan, index, &policy);
	rc = policy.failed ? -ENOMEM : pv_put(run, dir, "sealcall.yaml", policy.data, policy.len, PV_MODE_PUBLIC);
	pv_text_free(&policy);
	return rc;
}

int pv_hub_materials(struct pv_run *run, struct pv_plan *plan, uint8_t private_key[PV_WG_KEY_LEN],
		     bool *created)
{
	struct pv_wg_keypair kp;
	char dir[PATH_MAX];
	int rc = folder(run, "hub", NULL, dir, sizeof(dir));
	if (rc != 0)
		return rc;
	*created = !pv_exists(dir);
	if ((rc = make_folder(dir)) != 0)
		return rc;
	rc = identity_materials(run, dir, "hub.key", "hub.crt", &plan->hub, &kp);
	memcpy(private_key, kp.private_key, PV_WG_KEY_LEN);
	sc_wipe(&kp, sizeof(kp));
	return rc;
}

static int put_text(struct pv_run *run, const char *dir, const char *name, struct pv_text *t,
		    mode_t mode)
{
	int rc = t->failed ? -ENOMEM : pv_put(run, dir, name, t->data, t->len, mode);
	pv_text_free(t);
	return rc;
}

int pv_hub_files(struct pv_run *run, const struct pv_plan *plan,
		 const uint8_t private_key[PV_WG_KEY_LEN])
{
	char dir[PATH_MAX], db[PATH_MAX];
	struct pv_text t;
	int rc = folder(run, "hub", NULL, dir, sizeof(dir));
	if (rc == 0)
		rc = pv_join(db, sizeof(db), dir, "db");
	if (rc != 0 || (rc = make_folder(db)) != 0)
		return rc;
	pv_text_init(&t, true);
	pv_write_hub_wg_conf(plan, private_key, &t);
	if ((rc = put_text(run, dir, "wg0.conf", &t, PV_MODE_SECRET)) != 0)
		return rc;
	pv_text_init(&t, false);
	pv_write_kamailio_cfg(plan, &t);
	if ((rc = put_text(run, dir, "kamailio.cfg", &t, PV_MODE_PUBLIC)) != 0)
		return rc;
	pv_text_init(&t, false);
	pv_write_kamailio_tls_cfg(&t);
	if ((rc = put_text(run, dir, "tls.cfg", &t, PV_MODE_PUBLIC)) != 0)
		return rc;
	pv_text_init(&t, true);
	if ((rc = pv_write_kamailio_subscribers(plan, &t)) != 0) {
		pv_text_free(&t);
		sc_err("cannot compute the digest hashes for Kamailio");
		return rc;
	}
	if ((rc = put_text(run, db, "subscriber", &t, PV_MODE_SECRET)) != 0)
		return rc;
	pv_text_init(&t, false);
	pv_write_kamailio_versions(&t);
	return put_text(run, db, "version", &t, PV_MODE_PUBLIC);
}

// Removes FILES from DIR, then DIR itself unless something else is left in it.
static int remove_bundle(struct pv_run *run, const char *dir, const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = remove_file(run, dir, files[i]);
		if (rc != 0)
			return rc;
	}
	if (rmdir(dir) != 0) {
		if (errno != ENOTEMPTY && errno != EEXIST) {
			sc_err("cannot remove %s: %s; remove it yourself and run again", dir, strerror(errno));
			return -errno;
		}
		sc_warn("kept %s: it holds files 'sealcall provision' did not write; remove it yourself", dir);
	}
	return 0;
}

int pv_remove_hub(struct pv_run *run)
{
	char dir[PATH_MAX];
	int rc = folder(run, "hub", NULL, dir, sizeof(dir));
	if (rc != 0 || !pv_exists(dir))
		return rc;
	sc_notice("the deployment is a mesh now: removing the hub's files from %s", dir);
	return remove_bundle(run, dir, hub_files, sizeof(hub_files) / sizeof(hub_files[0]));
}

int pv_remove_stale_bundles(struct pv_run *run, FILE *out)
{
	char sites_dir[PATH_MAX], dir[PATH_MAX], policy[PATH_MAX];
	int rc = folder(run, "sites", NULL, sites_dir, sizeof(sites_dir));
	if (rc != 0)
		return rc;
	DIR *d = opendir(sites_dir);
	if (!d) {
		rc = -errno;
		sc_err("cannot list %s: %s; check its permissions", sites_dir, strerror(errno));
		return rc;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		// Only what looks like one of our bundles: a site name holding a policy.
		if (!sp_valid_name(de->d_name) || sc_sites_find(run->sites, de->d_name))
			continue;
		if (pv_join(dir, sizeof(dir), sites_dir, de->d_name) != 0 ||
		    pv_join(policy, sizeof(policy), dir, "sealcall.yaml") != 0 || !pv_exists(policy))
			continue;
		if ((rc = remove_bundle(run, dir, site_files, sizeof(site_files) / sizeof(site_files[0]))) != 0)
			break;
		run->result->removed++;
		if (out)
			fprintf(out, "site %s: removed (no longer in the sites file)\n", de->d_name);
	}
	closedir(d);
	return rc;
}

// The bundle's ZRTP cache lives on the appliance (/var/lib/sealcall by default); that its
// folder is absent on the operator's machine says nothing about the bundle.
static bool only_cache_folder_missing(const struct sc_policy_errors *errors, const char *cache)
{
	char dir[SC_PATH_MAX];
	const char *slash = strrchr(cache, '/');
	if (cache[0] != '/' || !slash)
		return false;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - cache), cache);
	struct stat st;
	if (dir[0] && stat(dir, &st) == 0)
		return false;
	for (size_t i = 0; i < errors->count; i++)
		if (strcmp(errors->items[i].key, "media.zrtp.cache_file") != 0 ||
		    !strstr(errors->items[i].message, "does not exist"))
			return false;
	return errors->count > 0;
}

int pv_verify_bundles(struct pv_run *run)
{
	char dir[PATH_MAX], path[PATH_MAX];
	for (size_t i = 0; i < run->sites->n_sites; i++) {
		struct sc_policy *policy = NULL;
		struct sc_policy_errors errors = { 0 };
		int rc = folder(run, "sites", run->sites->sites[i].name, dir, sizeof(dir));
		if (rc == 0)
			rc = pv_join(path, sizeof(path), dir, "sealcall.yaml");
		if (rc != 0)
			return rc;
		rc = sc_policy_load(path, true, &policy, &errors);
		if (rc != 0 && only_cache_folder_missing(&errors, run->sites->zrtp_cache_file))
			rc = 0;
		if (rc != 0) {
			sc_err("the bundle %s does not pass the appliance's own policy check; this is a bug in 'sealcall provision', please report it with these lines:",
			       dir);
			sc_policy_errors_print(&errors, stderr);
		}
		sc_policy_free(policy);
		sc_policy_errors_free(&errors);
		if (rc != 0)
			return rc == -EINVAL ? -EPROTO : rc;
	}
	return 0;
}
