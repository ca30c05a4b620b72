// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall provision [--check] [--quiet] SITES.yaml OUTDIR`.
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "provision/provision.h"
#include "provision/sites.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--quiet] SITES.yaml OUTDIR\n"
		"       %s --check SITES.yaml\n"
		"\n"
		"Makes the deployment's private CA (OUTDIR/ca) and a bundle for every site\n"
		"(OUTDIR/sites/NAME: sealcall.yaml, WireGuard and TLS keys, certificates), plus the\n"
		"hub's WireGuard and Kamailio configuration (OUTDIR/hub) for topology: hub. Run it\n"
		"again after editing SITES.yaml: keys, addresses and the CA are kept, every bundle is\n"
		"brought up to date, and removed sites' bundles are deleted. See docs/provisioning.md.\n"
		"\n"
		"  --check   only check SITES.yaml; write nothing\n"
		"  --quiet   print nothing but problems\n"
		"\n"
		"exit status: 0 done, 1 refused or failed (the reason is on standard error), 2 usage\n",
		prog, prog);
}

static int check_only(const char *file)
{
	struct sc_sites *sites = NULL;
	struct sc_sites_errors errors = { 0 };
	int rc = sc_sites_load(file, &sites, &errors);
	if (rc == 0)
		printf("%s: sites OK (%zu sites, %s)\n", file, sites->n_sites,
		       sites->topology == SC_TOPOLOGY_HUB ? "hub" : "mesh");
	else if (errors.count)
		sc_sites_errors_print(&errors, stderr);
	else
		fprintf(stderr, "%s: cannot read it: %s; check the path\n", file, strerror(-rc));
	sc_sites_errors_free(&errors);
	sc_sites_free(sites);
	return rc == 0 ? 0 : EXIT_FAILED;
}

int sc_provision_main(int argc, char **argv)
{
	const char *prog = "sealcall provision";
	const char *positional[2] = { NULL, NULL };
	size_t n_positional = 0;
	bool check = false, quiet = false, options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!options_done && strcmp(arg, "--") == 0) {
			options_done = true;
		} else if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
			usage(stdout, prog);
			return 0;
		} else if (!options_done && strcmp(arg, "--check") == 0) {
			check = true;
		} else if (!options_done && (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)) {
			quiet = true;
		} else if (!options_done && arg[0] == '-' && arg[1]) {
			fprintf(stderr, "%s: unknown option '%s' (see %s --help)\n", prog, arg, prog);
			return EXIT_USAGE;
		} else if (n_positional < 2) {
			positional[n_positional++] = arg;
		} else {
			fprintf(stderr, "%s: too many arguments (usage: %s SITES.yaml OUTDIR)\n", prog, prog);
			return EXIT_USAGE;
		}
	}
	if (check) {
		if (n_positional != 1) {
			fprintf(stderr, "%s: --check takes the sites file only (usage: %s --check SITES.yaml)\n",
				prog, prog);
			return EXIT_USAGE;
		}
		return check_only(positional[0]);
	}
	if (n_positional != 2) {
		usage(stderr, prog);
		return EXIT_USAGE;
	}
	struct sc_provision_result result;
	int rc = sc_provision_run(positional[0], positional[1], quiet ? NULL : stdout, &result);
	return rc == 0 ? 0 : EXIT_FAILED;
}
