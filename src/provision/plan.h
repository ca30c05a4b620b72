// SPDX-License-Identifier: GPL-3.0-or-later
// What a run has decided about every site and the hub before it writes any configuration:
// addresses, public keys and certificate pins, so each file is a pure function of the plan.
#ifndef SC_PROVISION_PLAN_H
#define SC_PROVISION_PLAN_H

#include <stdint.h>

#include "provision/pki.h"
#include "provision/sites.h"
#include "provision/text.h"
#include "provision/wgkey.h"

// Every tunnel peer's persistent_keepalive, both ways: each side's health check needs to keep
// receiving from the other.
#define PV_KEEPALIVE_S 25

// The registrar password: 32 characters of [A-Za-z0-9], about 190 bits.
#define PV_PASSWORD_LEN 32

struct pv_member {
	const char *name;
	struct sc_prefix address;           // host address (/32 or /128)
	uint8_t wg_public[PV_WG_KEY_LEN];
	char pin[PV_PIN_LEN];               // tls_pin of its certificate's key
	char password[PV_PASSWORD_LEN + 1]; // hub topology only; secret
};

struct pv_plan {
	const struct sc_sites *sites;
	struct pv_member *members; // parallel to sites->sites
	struct pv_member hub;      // topology hub only
};

// The policy (sealcall.yaml) of site INDEX.
void pv_write_site_policy(const struct pv_plan *plan, size_t index, struct pv_text *out);

// The hub's files (topology hub).
void pv_write_hub_wg_conf(const struct pv_plan *plan, const uint8_t private_key[PV_WG_KEY_LEN],
			  struct pv_text *out);
void pv_write_kamailio_cfg(const struct pv_plan *plan, struct pv_text *out);
void pv_write_kamailio_tls_cfg(struct pv_text *out);
// Kamailio's db_text tables: subscribers with their digest HA1 (secret), and the versions.
int pv_write_kamailio_subscribers(const struct pv_plan *plan, struct pv_text *out);
void pv_write_kamailio_versions(struct pv_text *out);

#endif
