// SPDX-License-Identifier: GPL-3.0-or-later
// Bringing the tunnel up, watching it, and taking it down again.
#include "vpn/vpn.h"

#include "base/log.h"
#include "base/strutil.h"
#include "vpn/health.h"
#include "vpn/rtnl.h"
#include "vpn/spawn.h"
#include "vpn/spawn_job.h"
#include "vpn/wg_config.h"
#include "vpn/wg_dump.h"
#include "vpn/wg_go.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#define CONFIG_TEXT_MAX (16u << 20) // 1024 peers × 64 prefixes fit many times over
#define DUMP_MAX (8u << 20)
#define SHOW_TIMEOUT_MS 5000
#define ERR_MAX (64u * 1024)
#define FALLBACK_MTU 1420           // WireGuard's own default when no route tells better
// WireGuard renews a session every 120 s (REKEY_AFTER_TIME) plus a few seconds of retries:
// a healthy peer's handshake gets this old, so a shorter stale_after makes peers flap.
#define HEALTHY_HANDSHAKE_MAX_S 135

struct vpn_peer {
	struct sc_vpn_peer_status status;
	struct sc_vpn_health health;
	uint8_t public_key[SC_WG_KEY_LEN];
	struct sc_prefix *allowed_ips;
	size_t n_allowed_ips;
	uint32_t keepalive_s;
};

struct sc_vpn {
	char ifname[SC_IFNAME_MAX + 1];
	char runtime_dir[SC_PATH_MAX];
	char wg_path[SC_PATH_MAX];
	int rtnl;
	bool kernel;
	bool link_made;       // we created the interface (or wireguard-go did for us)
	pid_t child;          // wireguard-go, -1 with the kernel backend
	bool child_reaped;
	bool up;
	bool poll_failing;    // the last poll could not read the interface: log once
	struct sc_spawn_job *poll_job; // sc_vpn_poll_start's `wg show dump`, until finished
	uint32_t stale_after_s;
	struct sc_prefix *killswitch; // prefixes that have an unreachable route
	size_t n_killswitch, cap_killswitch;
	struct vpn_peer *peers;
	size_t n_peers;
};

static const char *opt(const char *value, const char *fallback)
{
	return value && *value ? value : fallback;
}

static bool valid_ifname(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > SC_IFNAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' || *p == '\n')
			return false;
	return true;
}

static const char *prefix_text(const struct sc_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	inet_ntop(p->family, p->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, (unsigned)p->prefix_len);
	return buf;
}

static bool prefix_contains(const struct sc_prefix *net, int family, const uint8_t *addr)
{
	if (net->family != family)
		return false;
	unsigned bits = net->prefix_len;
	size_t full = bits / 8;
	if (memcmp(net->addr, addr, full) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

static bool same_network(const struct sc_prefix *a, const struct sc_prefix *b)
{
	return a->family == b->family && a->prefix_len == b->prefix_len &&
	       prefix_contains(a, b->family, b->addr);
}

static void mark_all_stale(struct sc_vpn *vpn, const char *reason, bool *changed)
{
	for (size_t i = 0; i < vpn->n_peers; i++) {
		struct sc_vpn_peer_status *st = &vpn->peers[i].status;
		if (st->up && changed)
			*changed = true;
		if (st->up || strcmp(st->reason, reason) != 0)
			sc_info("peer %s: stale (%s)", st->name, reason);
		st->up = false;
		sc_strcpy(st->reason, sizeof(st->reason), reason);
	}
}

static int copy_peers(struct sc_vpn *vpn, const struct sc_tunnel *t)
{
	vpn->peers = calloc(t->n_peers ? t->n_peers : 1, sizeof(*vpn->peers));
	if (!vpn->peers)
		return -ENOMEM;
	vpn->n_peers = t->n_peers;
	for (size_t i = 0; i < t->n_peers; i++) {
		struct vpn_peer *p = &vpn->peers[i];
		const struct sc_peer *src = &t->peers[i];
		sc_strcpy(p->status.name, sizeof(p->status.name), src->name);
		p->status.last_handshake_age_s = -1;
		sc_strcpy(p->status.reason, sizeof(p->status.reason), "tunnel not up yet");
		memcpy(p->public_key, src->public_key, SC_WG_KEY_LEN);
		p->keepalive_s = src->persistent_keepalive_s;
		p->allowed_ips = calloc(src->n_allowed_ips ? src->n_allowed_ips : 1,
					sizeof(*p->allowed_ips));
		if (!p->allowed_ips)
			return -ENOMEM;
		memcpy(p->allowed_ips, src->allowed_ips, src->n_allowed_ips * sizeof(*p->allowed_ips));
		p->n_allowed_ips = src->n_allowed_ips;
	}
	return 0;
}

static int add_killswitch(struct sc_vpn *vpn, const struct sc_prefix *p)
{
	char text[INET6_ADDRSTRLEN + 8];
	for (size_t i = 0; i < vpn->n_killswitch; i++)
		if (same_network(&vpn->killswitch[i], p))
			return 0;
	if (vpn->n_killswitch == vpn->cap_killswitch) {
		size_t cap = vpn->cap_killswitch ? vpn->cap_killswitch * 2 : 16;
		struct sc_prefix *grown = realloc(vpn->killswitch, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		vpn->killswitch = grown;
		vpn->cap_killswitch = cap;
	}
	int rc = sc_rtnl_route_unreachable(vpn->rtnl, true, p);
	if (rc != 0) {
		sc_err("cannot install the kill-switch route `unreachable %s metric %d`: %s; the "
		       "daemon needs CAP_NET_ADMIN", prefix_text(p, text, sizeof(text)),
		       SC_KILLSWITCH_METRIC, strerror(-rc));
		return rc;
	}
	vpn->killswitch[vpn->n_killswitch++] = *p;
	return 0;
}

// The kill switch goes in before anything else, so that there is no moment in which the
// tunnel's addresses are routed through the default route.
static int install_killswitch(struct sc_vpn *vpn, const struct sc_tunnel *t)
{
	int rc = add_killswitch(vpn, &t->address);
	for (size_t i = 0; rc == 0 && i < t->n_peers; i++)
		for (size_t k = 0; rc == 0 && k < t->peers[i].n_allowed_ips; k++)
			rc = add_killswitch(vpn, &t->peers[i].allowed_ips[k]);
	return rc;
}

// Cleans what a crashed run left: its wireguard-go, its interface, and kill-switch routes
// for prefixes the current policy no longer has (those it has were just re-installed).
static int recover(struct sc_vpn *vpn)
{
	sc_wggo_recover(vpn->runtime_dir, vpn->ifname);
	if (if_nametoindex(vpn->ifname) != 0) {
		sc_warn("interface %s already exists (left by a crash?): deleting it", vpn->ifname);
		int rc = sc_rtnl_link_del(vpn->rtnl, vpn->ifname);
		if (rc != 0 && rc != -ENODEV) {
			sc_err("cannot delete the existing interface %s: %s; delete it by hand "
			       "(ip link del %s) or choose another tunnel.interface",
			       vpn->ifname, strerror(-rc), vpn->ifname);
			return rc;
		}
	}
	int removed = sc_rtnl_flush_killswitch(vpn->rtnl, vpn->killswitch, vpn->n_killswitch);
	if (removed < 0) {
		sc_err("cannot list routes to remove leftover kill-switch routes: %s",
		       strerror(-removed));
		return removed;
	}
	if (removed > 0)
		sc_warn("removed %d leftover kill-switch route(s) of an earlier policy", removed);
	return 0;
}

static unsigned choose_mtu(struct sc_vpn *vpn, const struct sc_tunnel *t)
{
	if (t->mtu)
		return t->mtu;
	unsigned underlay = 0;
	char dev[IFNAMSIZ] = "", what[SC_HOST_MAX + 32] = "the default route";
	const struct sc_peer *first = NULL;
	for (size_t i = 0; i < t->n_peers && !first; i++)
		if (t->peers[i].has_endpoint)
			first = &t->peers[i];
	if (first) {
		struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res = NULL;
		if (getaddrinfo(first->endpoint_host, NULL, &hints, &res) == 0 && res) {
			const uint8_t *addr = res->ai_family == AF_INET6
				? ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr.s6_addr
				: (const uint8_t *)&((struct sockaddr_in *)res->ai_addr)->sin_addr;
			if (sc_rtnl_route_mtu(vpn->rtnl, res->ai_family, addr, &underlay, dev) == 0)
				snprintf(what, sizeof(what), "the route to %s", first->endpoint_host);
			freeaddrinfo(res);
		}
	}
	if (!underlay && sc_rtnl_route_mtu(vpn->rtnl, AF_INET, NULL, &underlay, dev) != 0) {
		sc_warn("no route to a peer endpoint nor a default route: tunnel MTU %d; set "
			"tunnel.mtu if the underlay needs smaller packets", FALLBACK_MTU);
		return FALLBACK_MTU;
	}
	unsigned mtu = sc_vpn_auto_mtu(underlay);
	sc_info("tunnel MTU %u: %s leaves through %s with MTU %u, minus 80 for WireGuard", mtu,
		what, dev, underlay);
	return mtu;
}

static int create_link(struct sc_vpn *vpn, const struct sc_tunnel *t, const char *wireguard_go)
{
	if (t->backend != SC_BACKEND_USERSPACE) {
		int rc = sc_rtnl_link_add_wireguard(vpn->rtnl, vpn->ifname);
		if (rc == 0) {
			vpn->kernel = true;
			vpn->link_made = true;
			return 0;
		}
		if (t->backend == SC_BACKEND_KERNEL) {
			sc_err("cannot create kernel WireGuard interface %s: %s; load the module "
			       "(modprobe wireguard) or set tunnel.backend: auto to fall back to "
			       "wireguard-go", vpn->ifname, strerror(-rc));
			return rc;
		}
		sc_info("kernel WireGuard unavailable (%s): using wireguard-go", strerror(-rc));
	}
	int rc = sc_wggo_start(wireguard_go, vpn->runtime_dir, vpn->ifname, &vpn->child);
	if (rc == 0)
		vpn->link_made = true;
	return rc;
}

static int address_and_routes(struct sc_vpn *vpn, const struct sc_tunnel *t, unsigned mtu)
{
	char text[INET6_ADDRSTRLEN + 8];
	int index = (int)if_nametoindex(vpn->ifname);
	if (index == 0) {
		sc_err("interface %s vanished while it was being configured", vpn->ifname);
		return -ENODEV;
	}
	int rc = sc_rtnl_addr_add(vpn->rtnl, index, &t->address);
	if (rc != 0) {
		sc_err("cannot add address %s to %s: %s", prefix_text(&t->address, text, sizeof(text)),
		       vpn->ifname, strerror(-rc));
		return rc;
	}
	rc = sc_rtnl_link_up(vpn->rtnl, index, mtu);
	if (rc != 0) {
		sc_err("cannot bring %s up with MTU %u: %s%s", vpn->ifname, mtu, strerror(-rc),
		       rc == -EINVAL ? "; set tunnel.mtu between 1280 and 9000" : "");
		return rc;
	}
	for (size_t i = 0; i < t->n_peers; i++) {
		for (size_t k = 0; k < t->peers[i].n_allowed_ips; k++) {
			const struct sc_prefix *p = &t->peers[i].allowed_ips[k];
			if (same_network(p, &t->address))
				continue; // the address already routes its subnet here
			rc = sc_rtnl_route_dev(vpn->rtnl, true, p, index);
			if (rc != 0) {
				sc_err("cannot route %s (peer %s) through %s: %s",
				       prefix_text(p, text, sizeof(text)), t->peers[i].name,
				       vpn->ifname, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int sc_vpn_up(const struct sc_policy *policy, const struct sc_vpn_options *opts,
	      struct sc_vpn **out)
{
	static const struct sc_vpn_options defaults = { 0 };
	const struct sc_tunnel *t = &policy->tunnel;
	struct sc_wg_keys keys = { 0 };
	struct sc_buf text;
	char addr_text[INET6_ADDRSTRLEN + 8];
	int rc;
	if (!opts)
		opts = &defaults;
	sc_buf_init(&text, CONFIG_TEXT_MAX);
	*out = NULL;
	if (!valid_ifname(t->interface)) {
		sc_err("tunnel.interface \"%s\" is not a valid interface name: use 1 to 15 "
		       "letters, digits, '-' or '_'", t->interface);
		return -EINVAL;
	}
	struct sc_vpn *vpn = calloc(1, sizeof(*vpn));
	if (!vpn)
		return -ENOMEM;
	vpn->rtnl = -1;
	vpn->child = -1;
	vpn->stale_after_s = t->stale_after_s ? t->stale_after_s : 180;
	sc_strcpy(vpn->ifname, sizeof(vpn->ifname), t->interface);
	rc = sc_strcpy(vpn->runtime_dir, sizeof(vpn->runtime_dir), opt(opts->runtime_dir, "/run/sealcall"));
	if (rc == 0)
		rc = sc_strcpy(vpn->wg_path, sizeof(vpn->wg_path), opt(opts->wg_path, "wg"));
	if (rc != 0) {
		sc_err("runtime directory or wg path too long");
		goto out;
	}
	rc = copy_peers(vpn, t);
	if (rc != 0)
		goto out;
	if (vpn->stale_after_s < HEALTHY_HANDSHAKE_MAX_S)
		sc_warn("tunnel.stale_after is %u s, but WireGuard renews handshakes only every "
			"120 s: healthy peers will turn stale for a while every 2 minutes; use %d or "
			"more (with persistent_keepalive a dead peer is still noticed within "
			"2 x keepalive + 5 s)", vpn->stale_after_s, HEALTHY_HANDSHAKE_MAX_S);
	// Keys first: a bad key file must stop us before the network is touched.
	rc = sc_wg_keys_load(policy, &keys);
	if (rc == 0)
		rc = sc_wg_config_text(t, &keys, &text);
	sc_wg_keys_free(&keys);
	if (rc != 0)
		goto out;
	vpn->rtnl = sc_rtnl_open();
	if (vpn->rtnl < 0) {
		rc = vpn->rtnl;
		sc_err("cannot open rtnetlink: %s", strerror(-rc));
		goto out;
	}
	rc = install_killswitch(vpn, t);
	if (rc == 0)
		rc = recover(vpn);
	if (rc != 0)
		goto out;
	unsigned mtu = choose_mtu(vpn, t);
	rc = create_link(vpn, t, opt(opts->wireguard_go_path, "wireguard-go"));
	if (rc == 0)
		rc = sc_wg_setconf(vpn->wg_path, vpn->ifname, &text);
	if (rc == 0)
		rc = address_and_routes(vpn, t, mtu);
	if (rc != 0)
		goto out;
	vpn->up = true;
	for (size_t i = 0; i < vpn->n_peers; i++)
		sc_strcpy(vpn->peers[i].status.reason, sizeof(vpn->peers[i].status.reason),
			  "no handshake yet");
	sc_info("tunnel %s (%s) up: %s, MTU %u, %zu peer(s), kill switch on %zu prefix(es)",
		vpn->ifname, sc_vpn_backend_name(vpn), prefix_text(&t->address, addr_text, sizeof(addr_text)),
		mtu, vpn->n_peers, vpn->n_killswitch);
	*out = vpn;
	vpn = NULL;
out:
	sc_buf_free(&text);
	if (vpn) {
		sc_err("tunnel %s not brought up; everything made so far was undone", t->interface);
		sc_vpn_down(vpn);
	}
	return rc;
}

void sc_vpn_down(struct sc_vpn *vpn)
{
	char text[INET6_ADDRSTRLEN + 8];
	if (!vpn)
		return;
	if (vpn->poll_job) {
		struct sc_buf dump;
		int status;
		(void)sc_spawn_job_finish(vpn->poll_job, &dump, NULL, &status);
		sc_buf_free(&dump);
	}
	if (vpn->child > 0)
		sc_wggo_stop(vpn->child, vpn->child_reaped, vpn->runtime_dir, vpn->ifname);
	if (vpn->link_made && vpn->rtnl >= 0) {
		int rc = sc_rtnl_link_del(vpn->rtnl, vpn->ifname);
		if (rc != 0 && rc != -ENODEV)
			sc_warn("cannot delete interface %s: %s", vpn->ifname, strerror(-rc));
	}
	for (size_t i = 0; vpn->rtnl >= 0 && i < vpn->n_killswitch; i++) {
		int rc = sc_rtnl_route_unreachable(vpn->rtnl, false, &vpn->killswitch[i]);
		if (rc != 0 && rc != -ESRCH)
			sc_warn("cannot remove kill-switch route %s: %s",
				prefix_text(&vpn->killswitch[i], text, sizeof(text)), strerror(-rc));
	}
	if (vpn->link_made)
		sc_info("tunnel %s down", vpn->ifname);
	sc_rtnl_close(vpn->rtnl);
	for (size_t i = 0; i < vpn->n_peers; i++)
		free(vpn->peers[i].allowed_ips);
	free(vpn->peers);
	free(vpn->killswitch);
	free(vpn);
}

static struct vpn_peer *peer_by_key(struct sc_vpn *vpn, const uint8_t *key)
{
	for (size_t i = 0; i < vpn->n_peers; i++)
		if (memcmp(vpn->peers[i].public_key, key, SC_WG_KEY_LEN) == 0)
			return &vpn->peers[i];
	return NULL;
}

static void apply_sample(struct sc_vpn *vpn, struct vpn_peer *p, const struct sc_wg_dump_peer *d,
			 uint64_t now_s, int64_t wall, bool *changed)
{
	struct sc_vpn_peer_status *st = &p->status;
	struct sc_vpn_health_sample s = {
		.mono_now_s = now_s, .wall_now_s = wall, .latest_handshake = d->latest_handshake,
		.rx_bytes = d->rx_bytes, .keepalive_s = p->keepalive_s,
		.stale_after_s = vpn->stale_after_s,
	};
	bool was_up = st->up;
	sc_strcpy(st->endpoint, sizeof(st->endpoint), d->endpoint);
	st->rx_bytes = d->rx_bytes;
	st->tx_bytes = d->tx_bytes;
	st->up = sc_vpn_health_eval(&p->health, &s, &st->last_handshake_age_s, st->reason,
				    sizeof(st->reason));
	if (st->up != was_up) {
		*changed = true;
		if (st->up)
			sc_info("peer %s: up (endpoint %s)", st->name, st->endpoint);
		else
			sc_info("peer %s: stale (%s)", st->name, st->reason);
	}
}

// What `wg show IFNAME dump` said (RC, STATUS, its output) turned into peer health.
static int apply_dump(struct sc_vpn *vpn, int rc, int status, struct sc_buf *dump,
		      struct sc_buf *err, uint64_t now_s, bool *changed)
{
	struct sc_wg_dump_peer *samples = NULL;
	size_t n = 0;
	unsigned bad_line = 0;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		if (if_nametoindex(vpn->ifname) == 0) {
			sc_err("tunnel interface %s is gone; restart sealcalld to recreate it",
			       vpn->ifname);
			vpn->up = false;
			mark_all_stale(vpn, "tunnel interface gone", changed);
			rc = -ENODEV;
			goto out;
		}
		if (!vpn->poll_failing)
			sc_wg_log_tool_error("wg show dump", status, err);
		rc = -EIO;
	} else if (rc != 0 && !vpn->poll_failing) {
		sc_err("cannot run %s show: %s", vpn->wg_path, strerror(-rc));
	}
	if (rc == 0) {
		// One entry a line: peers someone added by hand must not crowd out ours.
		size_t lines = 1;
		for (size_t i = 0; i < dump->len; i++)
			lines += dump->data[i] == '\n';
		samples = calloc(lines, sizeof(*samples));
		rc = samples ? sc_wg_dump_parse(dump->data ? dump->data : "", dump->len, samples,
						lines, &n, &bad_line)
			     : -ENOMEM;
		if (rc != 0 && !vpn->poll_failing)
			sc_err("cannot parse `wg show %s dump` (line %u): %s", vpn->ifname, bad_line,
			       strerror(-rc));
	}
	if (rc != 0) {
		// Unknown health is not good health: calls to these peers must be refused.
		vpn->poll_failing = true;
		mark_all_stale(vpn, "cannot read WireGuard status", changed);
		goto out;
	}
	vpn->poll_failing = false;
	int64_t wall = (int64_t)time(NULL);
	bool *found = calloc(vpn->n_peers + 1, sizeof(*found));
	if (!found) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		struct vpn_peer *p = peer_by_key(vpn, samples[k].public_key);
		if (!p)
			continue;
		found[p - vpn->peers] = true;
		apply_sample(vpn, p, &samples[k], now_s, wall, changed);
	}
	for (size_t i = 0; i < vpn->n_peers; i++) {
		struct sc_vpn_peer_status *st = &vpn->peers[i].status;
		if (found[i])
			continue;
		if (st->up)
			*changed = true;
		st->up = false;
		snprintf(st->reason, sizeof(st->reason), "not configured on %s", vpn->ifname);
	}
	free(found);
out:
	free(samples);
	return rc;
}


static const char *const *show_argv(const struct sc_vpn *vpn, const char *argv[5])
{
	argv[0] = vpn->wg_path;
	argv[1] = "show";
	argv[2] = vpn->ifname;
	argv[3] = "dump";
	argv[4] = NULL;
	return argv;
}

int sc_vpn_poll(struct sc_vpn *vpn, uint64_t now_s, bool *changed)
{
	const char *argv[5];
	struct sc_buf dump, err;
	int status = 0;
	bool ignored;
	if (!changed)
		changed = &ignored;
	*changed = false;
	if (!vpn->up)
		return -ENODEV;
	sc_buf_init(&dump, DUMP_MAX);
	sc_buf_init(&err, ERR_MAX);
	int rc = sc_spawn_run(show_argv(vpn, argv), sc_spawn_base_env, NULL, 0, &dump, &err,
			      SHOW_TIMEOUT_MS, &status);
	rc = apply_dump(vpn, rc, status, &dump, &err, now_s, changed);
	sc_buf_free(&dump); // the dump's first line holds the private key
	sc_buf_free(&err);
	return rc;
}

int sc_vpn_poll_start(struct sc_vpn *vpn)
{
	const char *argv[5];
	if (vpn->poll_job)
		return -EBUSY;
	if (!vpn->up)
		return -ENODEV;
	return sc_spawn_job_start(show_argv(vpn, argv), sc_spawn_base_env, DUMP_MAX, ERR_MAX,
				  SHOW_TIMEOUT_MS, &vpn->poll_job);
}

int sc_vpn_poll_fd(const struct sc_vpn *vpn)
{
	return vpn->poll_job ? sc_spawn_job_fd(vpn->poll_job) : -1;
}

int sc_vpn_poll_finish(struct sc_vpn *vpn, uint64_t now_s, bool *changed)
{
	struct sc_buf dump, err;
	int status = 0;
	bool ignored;
	if (!changed)
		changed = &ignored;
	*changed = false;
	if (!vpn->poll_job)
		return -EINVAL;
	int rc = sc_spawn_job_finish(vpn->poll_job, &dump, &err, &status);
	vpn->poll_job = NULL;
	// The interface may have been lost while the tool ran: its answer no longer counts.
	rc = vpn->up ? apply_dump(vpn, rc, status, &dump, &err, now_s, changed) : -ENODEV;
	sc_buf_free(&dump);
	sc_buf_free(&err);
	return rc;
}

const char *sc_vpn_backend_name(const struct sc_vpn *vpn)
{
	return vpn->kernel ? "kernel" : "userspace";
}

const char *sc_vpn_interface(const struct sc_vpn *vpn)
{
	return vpn->ifname;
}

size_t sc_vpn_peer_count(const struct sc_vpn *vpn)
{
	return vpn->n_peers;
}

int sc_vpn_peer_status(const struct sc_vpn *vpn, size_t index, struct sc_vpn_peer_status *out)
{
	if (index >= vpn->n_peers)
		return -ERANGE;
	*out = vpn->peers[index].status;
	return 0;
}

bool sc_vpn_address_is_up(const struct sc_vpn *vpn, int family, const uint8_t *addr)
{
	if (!vpn || !vpn->up)
		return false;
	for (size_t i = 0; i < vpn->n_peers; i++)
		for (size_t k = 0; k < vpn->peers[i].n_allowed_ips; k++)
			if (prefix_contains(&vpn->peers[i].allowed_ips[k], family, addr))
				return vpn->peers[i].status.up;
	return false;
}

pid_t sc_vpn_child_pid(const struct sc_vpn *vpn)
{
	return vpn && !vpn->child_reaped ? vpn->child : -1;
}

void sc_vpn_child_exited(struct sc_vpn *vpn, int wait_status)
{
	char why[96];
	if (!vpn || vpn->child <= 0 || vpn->child_reaped)
		return;
	vpn->child_reaped = true;
	vpn->up = false;
	sc_err("wireguard-go for %s exited (%s): the tunnel is down; the kill switch keeps "
	       "tunnel traffic off the physical interface; restart sealcalld",
	       vpn->ifname, sc_spawn_describe_status(wait_status, why, sizeof(why)));
	mark_all_stale(vpn, "wireguard-go exited", NULL);
}

bool sc_vpn_is_up(const struct sc_vpn *vpn)
{
	return vpn && vpn->up;
}
