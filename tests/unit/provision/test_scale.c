// SPDX-License-Identifier: GPL-3.0-or-later
// 200 sites, as a mesh and behind a hub: every bundle is made (and passes the policy check
// inside the run), a second run changes nothing, and the processor time stays in seconds.
// The times are printed; the bound is loose enough for a sanitizer build on a busy machine.
#include <time.h>

#include "policy/policy.h"
#include "provision/provision.h"
#include "pv_test.h"

// Sanitizers make the policy loads of a 200-site mesh ten times slower: half as many sites
// keep that build's run within its time limit on a loaded machine.
#if defined(__SANITIZE_ADDRESS__)
#define SITES 100
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SITES 100
#endif
#endif
#ifndef SITES
#define SITES 200
#endif
#define CPU_BOUND_S 60.0

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_sites(const char *path, bool hub)
{
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "topology: %s\ntunnel_subnet: 10.80.0.0/22\nzrtp_cache_file: zrtp-cache\n", hub ? "hub" : "mesh");
	if (hub)
		fprintf(f, "hub: {endpoint: 203.0.113.1:51820}\n");
	fprintf(f, "sites:\n");
	for (int i = 0; i < SITES; i++)
		fprintf(f, "  - {name: site%d, endpoint: 192.0.%d.%d:51820%s}\n", i, i / 250, i % 250 + 1,
			i == 0 ? ", hotline: site1" : "");
	fclose(f);
}

static void scale(bool hub)
{
	char dir[PATH_MAX], sites[PATH_MAX + 16], out[PATH_MAX + 16], policy[PATH_MAX + 64];
	scratch_make(dir, sizeof(dir), hub ? "scale-hub" : "scale-mesh");
	snprintf(sites, sizeof(sites), "%s/sites.yaml", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	write_sites(sites, hub);
	struct sc_provision_result r;
	double cpu = cpu_seconds(), wall = wall_seconds();
	CHECK_EQ_INT(sc_provision_run(sites, out, NULL, &r), 0);
	cpu = cpu_seconds() - cpu;
	wall = wall_seconds() - wall;
	CHECK_EQ_INT(r.created, SITES + (hub ? 1 : 0));
	CHECK_EQ_INT(r.certs_issued, SITES + (hub ? 1 : 0));
	printf("%d sites (%s), first run: %.2f s processor, %.2f s wall\n", SITES, hub ? "hub" : "mesh", cpu, wall);
	CHECK(cpu < CPU_BOUND_S);

	double cpu2 = cpu_seconds(), wall2 = wall_seconds();
	CHECK_EQ_INT(sc_provision_run(sites, out, NULL, &r), 0);
	cpu2 = cpu_seconds() - cpu2;
	wall2 = wall_seconds() - wall2;
	CHECK_EQ_INT(r.unchanged, SITES + (hub ? 1 : 0));
	CHECK_EQ_INT(r.keys_generated + r.certs_issued + r.updated, 0);
	printf("%d sites (%s), second run: %.2f s processor, %.2f s wall\n", SITES, hub ? "hub" : "mesh", cpu2, wall2);
	CHECK(cpu2 < CPU_BOUND_S);

	// The last site's bundle, checked from outside the run too.
	snprintf(policy, sizeof(policy), "%s/sites/site%d/sealcall.yaml", out, SITES - 1);
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	CHECK_EQ_INT(sc_policy_load(policy, true, &p, &errors), 0);
	if (p) {
		CHECK_EQ_INT(p->tunnel.n_peers, hub ? 1 : SITES - 1);
		CHECK_EQ_INT(p->n_directory, SITES - 1);
	}
	sc_policy_free(p);
	sc_policy_errors_free(&errors);
	scratch_remove(dir);
}

int main(void)
{
	scale(false);
	scale(true);
	return check_done();
}
