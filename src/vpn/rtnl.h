// SPDX-License-Identifier: GPL-3.0-or-later
// The few rtnetlink requests the tunnel needs, spoken directly so that each failure comes
// back as the kernel's own errno rather than as `ip`'s text.
#ifndef SC_VPN_RTNL_H
#define SC_VPN_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

// Routes sealcall installs carry this protocol number ("proto 77" in `ip route`), so a
// restart after a crash can find its own kill-switch routes and nobody else's.
#define SC_RTPROT_SEALCALL 77
// The kill switch's metric: higher than any real route to the tunnel, so it only decides
// when the tunnel's own routes are gone.
#define SC_KILLSWITCH_METRIC 4242

int sc_rtnl_open(void); // a netlink socket fd, or a negative errno
void sc_rtnl_close(int fd);

// Creates a kernel WireGuard interface; -EOPNOTSUPP when the module is missing.
int sc_rtnl_link_add_wireguard(int fd, const char *ifname);
// Deletes an interface by name; -ENODEV when there is none.
int sc_rtnl_link_del(int fd, const char *ifname);
// Sets the MTU (0: unchanged) and brings the interface up.
int sc_rtnl_link_up(int fd, int ifindex, unsigned mtu);
int sc_rtnl_addr_add(int fd, int ifindex, const struct sc_prefix *addr);

// Adds (or replaces) a route to DST through interface OIF with metric 0.
int sc_rtnl_route_dev(int fd, bool add, const struct sc_prefix *dst, int oif);
// Adds (or replaces) / deletes an `unreachable` route to DST with the kill-switch metric.
int sc_rtnl_route_unreachable(int fd, bool add, const struct sc_prefix *dst);
// Deletes every kill-switch route (unreachable, proto sealcall, main table) of both
// families except those for the N_KEEP prefixes in KEEP. Returns how many were removed, or
// a negative errno.
int sc_rtnl_flush_killswitch(int fd, const struct sc_prefix *keep, size_t n_keep);
// Counts routes in the main table of FAMILY whose destination is DST exactly and whose
// type is unreachable (UNREACHABLE true) or not. For checks after setup and in tests.
int sc_rtnl_count_routes(int fd, const struct sc_prefix *dst, bool unreachable);

// The MTU a packet to ADDR would leave with: the route's own mtu metric, else its output
// device's MTU. ADDR NULL: the IPv4 default route (then IPv6's). IFNAME (IFNAMSIZ) gets the
// device. -ENETUNREACH when there is no route.
int sc_rtnl_route_mtu(int fd, int family, const uint8_t *addr, unsigned *mtu, char *ifname);

#endif
