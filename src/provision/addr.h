// SPDX-License-Identifier: GPL-3.0-or-later
// Host addresses inside the tunnel subnet, counted from the network address: the allocator
// hands out the lowest free ones, so the numbers stay small even in an IPv6 /64.
#ifndef SC_PROVISION_ADDR_H
#define SC_PROVISION_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

// Host addresses a site may take: all but the network address (and IPv4's broadcast);
// capped at 2^32, far beyond what provisioning needs.
uint64_t pv_subnet_usable(const struct sc_prefix *subnet);
// The longest prefix of FAMILY that still has NEED usable addresses.
unsigned pv_prefix_for(int family, uint64_t need);
// ADDR lies in SUBNET and is neither its network nor its broadcast address.
bool pv_addr_usable(const struct sc_prefix *subnet, const struct sc_prefix *addr);
// The host address OFFSET places after the network address, as a /32 or /128.
void pv_addr_at(const struct sc_prefix *subnet, uint64_t offset, struct sc_prefix *out);
// ADDR's distance from the network address; UINT64_MAX when it does not fit 64 bits.
uint64_t pv_addr_offset(const struct sc_prefix *subnet, const struct sc_prefix *addr);
// The highest usable address: the hub's default, away from the sites counted from the bottom.
void pv_addr_last(const struct sc_prefix *subnet, struct sc_prefix *out);
bool pv_addr_equal(const struct sc_prefix *a, const struct sc_prefix *b);
// "10.77.0.7" without the prefix length.
const char *pv_addr_format(const struct sc_prefix *addr, char *buf, size_t len);

#endif
