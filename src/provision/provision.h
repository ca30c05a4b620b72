// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall provision SITES.yaml OUTDIR`: from one description of the deployment, the private
// CA and every site's bundle (policy, WireGuard keys, TLS key and certificate), plus the hub's
// WireGuard and Kamailio configuration for a hub topology. Running it again keeps the CA,
// every key and every address, and brings all bundles in line with the sites file.
#ifndef SC_PROVISION_PROVISION_H
#define SC_PROVISION_PROVISION_H

#include <stddef.h>
#include <stdio.h>

struct sc_provision_result {
	size_t sites;     // in the sites file
	size_t created;   // bundles that did not exist
	size_t updated;   // bundles with at least one file rewritten
	size_t unchanged; // bundles left exactly as they were
	size_t removed;   // bundles of sites no longer in the file
	size_t keys_generated; // WireGuard and TLS keys made this run (CA and hub included)
	size_t certs_issued;
};

// Provisions OUTDIR from SITES_FILE. Problems go to standard error (every error in the sites
// file with its line, or the file that could not be handled and the fix); OUT (NULL: none)
// gets a line per bundle made or changed and a summary. Returns 0, -EINVAL for a sites file
// that does not pass its check, -EBUSY when another run holds OUTDIR, or another -errno.
int sc_provision_run(const char *sites_file, const char *outdir, FILE *out,
		     struct sc_provision_result *result);

// The `sealcall provision` command; ARGV[0] is the command's name. Exit status 0 done,
// 1 refused or failed, 2 usage error.
int sc_provision_main(int argc, char **argv);

#endif
