// SPDX-License-Identifier: GPL-3.0-or-later
// One provisioning run's working state, and the steps that keep or make each bundle's keys,
// certificate and password. Every step reports its own failure (the file and the fix).
#ifndef SC_PROVISION_RUN_H
#define SC_PROVISION_RUN_H

#include <sys/types.h>
#include <time.h>

#include "provision/files.h"
#include "provision/pki.h"
#include "provision/plan.h"
#include "provision/provision.h"
#include "provision/wgkey.h"

struct pv_run {
	const struct sc_sites *sites;
	const char *outdir;
	time_t now;
	WC_RNG rng;
	bool has_rng;
	struct pv_ca ca;
	struct pv_writes writes; // committed together at the end of the run
	size_t written; // files written into the current bundle
	struct sc_provision_result *result;
};

// Stages DIR/NAME for the run's commit (unchanged files are left alone) and counts it.
int pv_put(struct pv_run *run, const char *dir, const char *name, const void *data, size_t len,
	   mode_t mode);
// The CA in OUTDIR/ca: kept, or made on the first run.
int pv_ca_setup(struct pv_run *run);
// DIR/wireguard.key (kept or made) and DIR/wireguard.pub.
int pv_wg_key_in(struct pv_run *run, const char *dir, struct pv_wg_keypair *kp);
// DIR/FILE, a P-256 key: kept or made. KEY is initialised on success (wc_ecc_free it).
int pv_tls_key_in(struct pv_run *run, const char *dir, const char *file, ecc_key *key);
// DIR/FILE, KEY's certificate naming ID: kept while still right, else issued anew.
int pv_cert_in(struct pv_run *run, const char *dir, const char *file, ecc_key *key,
	       const struct pv_identity *id);
// DIR/registrar.password: kept or made.
int pv_password_in(struct pv_run *run, const char *dir, char out[PV_PASSWORD_LEN + 1]);

#endif
