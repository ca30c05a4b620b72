// SPDX-License-Identifier: GPL-3.0-or-later
// One run: check the sites file, lock the output folder, keep or make the CA, give addresses,
// keep or make every site's keys, then write every policy (each needs all sites' public keys),
// the hub's files, drop the bundles of removed sites, and prove each bundle passes the
// policy check the appliance itself runs at start.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "base/log.h"
#include "base/secret.h"
#include "provision/alloc.h"
#include "provision/bundle.h"
#include "provision/files.h"
#include "provision/run.h"

static int open_outdir(const char *outdir, int *lock_fd)
{
	char lock[PATH_MAX];
	int rc = pv_make_dir(outdir);
	if (rc != 0) {
		sc_err("cannot create the output folder %s: %s; check the path and that you may write its parent folder",
		       outdir, strerror(-rc));
		return rc;
	}
	struct stat st;
	if (stat(outdir, &st) == 0 && (st.st_mode & 077))
		sc_warn("%s may be read by group or others (mode %04o), yet it holds the CA key and every site's keys; run chmod 700 %s",
			outdir, (unsigned)(st.st_mode & 07777), outdir);
	if ((rc = pv_join(lock, sizeof(lock), outdir, ".lock")) != 0)
		return rc;
	*lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*lock_fd < 0) {
		rc = -errno;
		sc_err("cannot open %s: %s; check that you may write %s", lock, strerror(errno), outdir);
		return rc;
	}
	if (flock(*lock_fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		sc_err("another 'sealcall provision' is working on %s; wait for it to finish", outdir);
		return rc;
	}
	return 0;
}

static void count_bundle(struct pv_run *run, bool created, size_t written, const char *what,
			 const char *name, FILE *out)
{
	if (created) {
		run->result->created++;
		if (out)
			fprintf(out, "%s %s: new bundle\n", what, name);
	} else if (written) {
		run->result->updated++;
		if (out)
			fprintf(out, "%s %s: updated (%zu file%s)\n", what, name, written, written == 1 ? "" : "s");
	} else {
		run->result->unchanged++;
	}
}

static int provision(struct pv_run *run, struct pv_plan *plan, struct sc_prefix *addresses,
		     FILE *out)
{
	const struct sc_sites *s = run->sites;
	char path[PATH_MAX];
	struct pv_assignments previous = { 0 };
	struct pv_text record;
	uint8_t hub_private[PV_WG_KEY_LEN] = { 0 };
	bool *created = calloc(s->n_sites, sizeof(bool));
	size_t *written = calloc(s->n_sites, sizeof(size_t));
	pv_text_init(&record, false);
	int rc = created && written ? 0 : -ENOMEM;
	if (rc != 0)
		goto out;
	pv_remove_leftovers(run);
	if ((rc = pv_ca_setup(run)) != 0)
		goto out;
	if ((rc = pv_join(path, sizeof(path), run->outdir, "addresses")) != 0)
		goto out;
	if ((rc = pv_assignments_load(path, &previous)) != 0) {
		sc_err("cannot read %s: %s; fix its permissions (removing it gives every site a new address)",
		       path, strerror(-rc));
		goto out;
	}
	if ((rc = pv_allocate(s, &previous, addresses, &plan->hub.address)) != 0) {
		sc_err("the tunnel subnet has no free address left; use a larger tunnel_subnet");
		goto out;
	}
	pv_assignments_format(s, addresses, &record);
	run->written = 0;
	if ((rc = pv_put(run, run->outdir, "addresses", record.data, record.len, PV_MODE_PUBLIC)) != 0)
		goto out;
	if ((rc = pv_bundles_dir(run)) != 0)
		goto out;
	for (size_t i = 0; i < s->n_sites; i++) {
		plan->members[i].name = s->sites[i].name;
		plan->members[i].address = addresses[i];
		run->written = 0;
		if ((rc = pv_site_materials(run, plan, i, &created[i])) != 0)
			goto out;
		written[i] = run->written;
	}
	if (s->topology == SC_TOPOLOGY_HUB) {
		bool hub_created = false;
		run->written = 0;
		plan->hub.name = s->hub.name;
		if ((rc = pv_hub_materials(run, plan, hub_private, &hub_created)) != 0 ||
		    (rc = pv_hub_files(run, plan, hub_private)) != 0)
			goto out;
		count_bundle(run, hub_created, run->written, "hub", s->hub.name, out);
	} else if ((rc = pv_remove_hub(run)) != 0) {
		goto out;
	}
	for (size_t i = 0; i < s->n_sites; i++) {
		run->written = 0;
		if ((rc = pv_site_policy_file(run, plan, i)) != 0)
			goto out;
		count_bundle(run, created[i], written[i] + run->written, "site", s->sites[i].name, out);
	}
	if ((rc = pv_remove_stale_bundles(run, out)) != 0)
		goto out;
	if ((rc = pv_writes_commit(&run->writes, run->outdir)) != 0) {
		sc_err("cannot put the new files in place in %s: %s; check the free space and run again",
		       run->outdir, strerror(-rc));
		goto out;
	}
	rc = pv_verify_bundles(run);
out:
	sc_wipe(hub_private, sizeof(hub_private));
	pv_text_free(&record);
	pv_assignments_free(&previous);
	free(created);
	free(written);
	return rc;
}

int sc_provision_run(const char *sites_file, const char *outdir, FILE *out,
		     struct sc_provision_result *result)
{
	struct sc_sites *sites = NULL;
	struct sc_sites_errors errors = { 0 };
	struct pv_run run = { .outdir = outdir, .result = result };
	pv_writes_init(&run.writes);
	struct pv_plan plan = { 0 };
	struct sc_prefix *addresses = NULL;
	int lock_fd = -1;
	bool wolfssl_started = false;
	memset(result, 0, sizeof(*result));
	int rc = sc_sites_load(sites_file, &sites, &errors);
	if (rc != 0) {
		if (errors.count)
			sc_sites_errors_print(&errors, stderr);
		else
			sc_err("cannot read the sites file %s: %s; check the path", sites_file, strerror(-rc));
		goto out;
	}
	result->sites = sites->n_sites;
	run.sites = sites;
	plan.sites = sites;
	plan.members = calloc(sites->n_sites, sizeof(*plan.members));
	addresses = calloc(sites->n_sites, sizeof(*addresses));
	if (!plan.members || !addresses) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = open_outdir(outdir, &lock_fd)) != 0)
		goto out;
	if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
		sc_err("cannot start wolfSSL");
		rc = -EIO;
		goto out;
	}
	wolfssl_started = true;
	if (wc_InitRng(&run.rng) != 0) {
		sc_err("cannot start wolfSSL's random number generator");
		rc = -EIO;
		goto out;
	}
	run.has_rng = true;
	run.now = time(NULL);
	rc = provision(&run, &plan, addresses, out);
	if (rc == 0 && out) {
		char subnet[64];
		fprintf(out, "%zu sites (%s, %s) in %s: %zu new, %zu updated, %zu unchanged, %zu removed; %zu keys made, %zu certificates issued\n",
			sites->n_sites, sites->topology == SC_TOPOLOGY_HUB ? "hub" : "mesh",
			sc_prefix_format(&sites->subnet, subnet, sizeof(subnet)), outdir, result->created,
			result->updated, result->unchanged, result->removed, result->keys_generated,
			result->certs_issued);
	}
out:
	pv_writes_abort(&run.writes);
	pv_ca_free(&run.ca);
	if (run.has_rng)
		wc_FreeRng(&run.rng);
	if (wolfssl_started)
		wolfSSL_Cleanup();
	if (plan.members)
		sc_wipe(plan.members, sites->n_sites * sizeof(*plan.members));
	sc_wipe(&plan.hub, sizeof(plan.hub));
	free(plan.members);
	free(addresses);
	if (lock_fd >= 0)
		close(lock_fd);
	sc_sites_errors_free(&errors);
	sc_sites_free(sites);
	return rc;
}
