// SPDX-License-Identifier: GPL-3.0-or-later
// The folders of the output: OUTDIR/sites/NAME for each site, OUTDIR/hub for a hub topology.
#ifndef SC_PROVISION_BUNDLE_H
#define SC_PROVISION_BUNDLE_H

#include <stdio.h>

#include "provision/run.h"

// OUTDIR/sites.
int pv_bundles_dir(struct pv_run *run);
// Removes what an interrupted run left: temporary files in every folder provisioning writes.
void pv_remove_leftovers(struct pv_run *run);
// Site INDEX's keys, certificate, CA certificate and (hub) registrar password; fills its
// public key, pin and password in PLAN. *CREATED tells whether its folder is new.
int pv_site_materials(struct pv_run *run, struct pv_plan *plan, size_t index, bool *created);
// The site's sealcall.yaml, once every member of PLAN is known.
int pv_site_policy_file(struct pv_run *run, const struct pv_plan *plan, size_t index);
// The hub's keys and certificate; PRIVATE_KEY gets its WireGuard key for wg0.conf.
int pv_hub_materials(struct pv_run *run, struct pv_plan *plan, uint8_t private_key[PV_WG_KEY_LEN],
		     bool *created);
// wg0.conf, kamailio.cfg, tls.cfg and Kamailio's tables.
int pv_hub_files(struct pv_run *run, const struct pv_plan *plan,
		 const uint8_t private_key[PV_WG_KEY_LEN]);
// A mesh has no hub: its folder goes (only the files provisioning writes).
int pv_remove_hub(struct pv_run *run);
// Removes the bundles of sites no longer in the sites file.
int pv_remove_stale_bundles(struct pv_run *run, FILE *out);
// Loads every bundle's policy with sc_policy_load and its file checks, as the appliance will.
int pv_verify_bundles(struct pv_run *run);

#endif
