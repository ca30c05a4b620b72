// SPDX-License-Identifier: GPL-3.0-or-later
// One function per top-level section of the policy. Each fills its part of P from NODE (NULL
// when the section is absent: defaults stay) and returns true when it reported no error, so
// that checks across sections run only on sections that are themselves sound.
#ifndef SC_POLICY_SECTIONS_H
#define SC_POLICY_SECTIONS_H

#include <stdbool.h>

#include "policy/check.h"

#define SC_MAX_PEERS 1024
#define SC_MAX_ALLOWED_IPS 64
#define SC_MAX_DIRECTORY 1024

void policy_set_defaults(struct sc_policy *p);

bool section_site(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);
bool section_tunnel(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);
bool section_sip(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);
bool section_directory(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);
bool section_media(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);
bool section_rules(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);
bool section_audio(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p);

// No address may route to two peers. TUNNEL is the tunnel section's node.
void cross_check_allowed_ips(struct pc_ctx *c, const struct pt_node *tunnel,
			     const struct sc_policy *p);
// Every address sealcall will call or register with must lie inside the tunnel.
void cross_check_reachability(struct pc_ctx *c, const struct pt_node *root,
			      const struct sc_policy *p, bool sip_ok, bool directory_ok);
// Ports that would collide on the same address.
void cross_check_ports(struct pc_ctx *c, const struct pt_node *root, const struct sc_policy *p);

#endif
