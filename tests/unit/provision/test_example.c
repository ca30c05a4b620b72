// SPDX-License-Identifier: GPL-3.0-or-later
// config/sites.yaml, the operator's starting point, must always pass: provisioned, every one
// of its bundles passes the appliance's policy check.
#include "policy/policy.h"
#include "provision/provision.h"
#include "pv_test.h"

int main(void)
{
	char example[PATH_MAX], dir[PATH_MAX], out[PATH_MAX + 16], policy[PATH_MAX + 64];
	const char *data = getenv("SC_TEST_DATA");
	snprintf(example, sizeof(example), "%s/../../config/sites.yaml", data ? data : "../../data");
	struct sc_sites *s = NULL;
	struct sc_sites_errors errors = { 0 };
	int rc = sc_sites_load(example, &s, &errors);
	sc_sites_errors_print(&errors, stderr);
	CHECK_EQ_INT(rc, 0);
	if (s) {
		CHECK_EQ_INT(s->n_sites, 3);
		CHECK_EQ_INT(s->topology, SC_TOPOLOGY_MESH);
	}
	sc_sites_free(s);
	sc_sites_errors_free(&errors);

	scratch_make(dir, sizeof(dir), "example");
	snprintf(out, sizeof(out), "%s/deployment", dir);
	struct sc_provision_result r;
	CHECK_EQ_INT(sc_provision_run(example, out, NULL, &r), 0);
	CHECK_EQ_INT(r.created, 3);
	static const char *const names[] = { "paris", "lyon", "nice" };
	for (size_t i = 0; i < 3; i++) {
		struct sc_policy *p = NULL;
		struct sc_policy_errors perr = { 0 };
		snprintf(policy, sizeof(policy), "%s/sites/%s/sealcall.yaml", out, names[i]);
		// The cache folder is the appliance's; everything else is checked on disk.
		sc_policy_load(policy, true, &p, &perr);
		for (size_t k = 0; k < perr.count; k++)
			CHECK(strcmp(perr.items[k].key, "media.zrtp.cache_file") == 0);
		sc_policy_free(p);
		sc_policy_errors_free(&perr);
		p = NULL;
		CHECK_EQ_INT(sc_policy_load(policy, false, &p, &perr), 0);
		if (p) {
			CHECK_EQ_INT(p->tunnel.n_peers, 2);
			CHECK((sc_policy_hotline(p) != NULL) == (i < 2)); // nice names no hotline
		}
		sc_policy_free(p);
		sc_policy_errors_free(&perr);
	}
	scratch_remove(dir);
	return check_done();
}
