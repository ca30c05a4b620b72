// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the tunnel layer alone, for the integration tests: brings the tunnel up from a
// policy given on the command line (or a YAML file once the policy layer is built), polls
// it every second as sealcalld does, prints each peer's status when it changes, and tears
// everything down on SIGTERM. Signals are read synchronously, as the daemon does with
// signalfd, so wireguard-go is spawned from a process that blocks them.
#include "base/log.h"
#include "base/strutil.h"
#include "vpn/vpn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#ifdef SC_HAVE_POLICY
#define POLICY_HELP "  --policy FILE           load a sealcall.yaml instead of the options below\n"
#else
#define POLICY_HELP ""
#endif

#define MAX_PEERS 16
#define MAX_ALLOWED 8

static void usage(void)
{
	fprintf(stderr,
		"usage: vpn_driver --runtime-dir DIR [options]\n" POLICY_HELP
		"  --interface IF  --private-key FILE  --address CIDR  --listen-port N\n"
		"  --backend auto|kernel|userspace  --mtu N  --stale-after S\n"
		"  --peer NAME,PUBKEY,ENDPOINT|-,CIDR[+CIDR...],KEEPALIVE[,PSKFILE]   (repeat)\n"
		"  --wg PATH  --wireguard-go PATH  --exit-after S\n");
}

static int parse_prefix(const char *text, struct sc_prefix *p)
{
	char buf[64];
	uint32_t len;
	if (sc_strcpy(buf, sizeof(buf), text) != 0)
		return -EINVAL;
	char *slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	memset(p, 0, sizeof(*p));
	p->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(p->family, buf, p->addr) != 1 ||
	    sc_parse_u32(slash + 1, 0, p->family == AF_INET ? 32 : 128, &len) != 0)
		return -EINVAL;
	p->prefix_len = (uint8_t)len;
	return 0;
}

// NAME,PUBKEY,ENDPOINT|-,CIDR[+CIDR...],KEEPALIVE[,PSKFILE]
static int parse_peer(char *spec, struct sc_peer *peer)
{
	char *field[6] = { 0 };
	int n = 0;
	for (char *save = NULL, *tok = strtok_r(spec, ",", &save); tok && n < 6;
	     tok = strtok_r(NULL, ",", &save))
		field[n++] = tok;
	uint32_t keepalive;
	if (n < 5 || sc_strcpy(peer->name, sizeof(peer->name), field[0]) != 0 ||
	    sc_base64_decode(field[1], peer->public_key, SC_WG_KEY_LEN) != SC_WG_KEY_LEN ||
	    sc_parse_u32(field[4], 0, 3600, &keepalive) != 0)
		return -EINVAL;
	peer->persistent_keepalive_s = (uint16_t)keepalive;
	if (strcmp(field[2], "-") != 0) {
		char *colon = strrchr(field[2], ':');
		uint32_t port;
		if (!colon || sc_parse_u32(colon + 1, 1, 65535, &port) != 0)
			return -EINVAL;
		*colon = '\0';
		char *host = field[2];
		if (host[0] == '[' && colon[-1] == ']') {
			colon[-1] = '\0';
			host++;
		}
		peer->has_endpoint = true;
		peer->endpoint_port = (uint16_t)port;
		if (sc_strcpy(peer->endpoint_host, sizeof(peer->endpoint_host), host) != 0)
			return -EINVAL;
	}
	peer->allowed_ips = calloc(MAX_ALLOWED, sizeof(*peer->allowed_ips));
	if (!peer->allowed_ips)
		return -ENOMEM;
	for (char *save = NULL, *tok = strtok_r(field[3], "+", &save); tok;
	     tok = strtok_r(NULL, "+", &save)) {
		if (peer->n_allowed_ips == MAX_ALLOWED ||
		    parse_prefix(tok, &peer->allowed_ips[peer->n_allowed_ips]) != 0)
			return -EINVAL;
		peer->n_allowed_ips++;
	}
	if (n == 6 && sc_strcpy(peer->preshared_key_file, sizeof(peer->preshared_key_file), field[5]) != 0)
		return -EINVAL;
	return 0;
}

static uint64_t monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static void print_peers(const struct sc_vpn *vpn)
{
	for (size_t i = 0; i < sc_vpn_peer_count(vpn); i++) {
		struct sc_vpn_peer_status st;
		if (sc_vpn_peer_status(vpn, i, &st) != 0)
			continue;
		printf("peer %s: %s endpoint %s handshake %llds ago rx %llu tx %llu%s%s%s\n", st.name,
		       st.up ? "up" : "stale", st.endpoint[0] ? st.endpoint : "(none)",
		       (long long)st.last_handshake_age_s, (unsigned long long)st.rx_bytes,
		       (unsigned long long)st.tx_bytes, st.up ? "" : " (", st.up ? "" : st.reason,
		       st.up ? "" : ")");
	}
	fflush(stdout);
}

struct options {
	struct sc_policy *policy;
	struct sc_vpn_options vpn;
	const char *policy_file;
	unsigned exit_after_s;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "private-key", required_argument, NULL, 'k' },
		{ "address", required_argument, NULL, 'a' },
		{ "listen-port", required_argument, NULL, 'l' },
		{ "backend", required_argument, NULL, 'b' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "stale-after", required_argument, NULL, 's' },
		{ "peer", required_argument, NULL, 'p' },
		{ "policy", required_argument, NULL, 'P' },
		{ "wg", required_argument, NULL, 'w' },
		{ "wireguard-go", required_argument, NULL, 'g' },
		{ "exit-after", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	struct sc_tunnel *t = &o->policy->tunnel;
	uint32_t v;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'r': o->vpn.runtime_dir = optarg; break;
		case 'i': rc = sc_strcpy(t->interface, sizeof(t->interface), optarg); break;
		case 'k': rc = sc_strcpy(t->private_key_file, sizeof(t->private_key_file), optarg); break;
		case 'a': rc = parse_prefix(optarg, &t->address); break;
		case 'l': rc = sc_parse_u32(optarg, 1, 65535, &v); t->listen_port = (uint16_t)v; break;
		case 'm': rc = sc_parse_u32(optarg, 576, 9000, &v); t->mtu = (uint16_t)v; break;
		case 's': rc = sc_parse_u32(optarg, 1, 3600, &t->stale_after_s); break;
		case 'x': rc = sc_parse_u32(optarg, 1, 3600, &o->exit_after_s); break;
		case 'P': o->policy_file = optarg; break;
		case 'w': o->vpn.wg_path = optarg; break;
		case 'g': o->vpn.wireguard_go_path = optarg; break;
		case 'b':
			if (strcmp(optarg, "auto") == 0)
				t->backend = SC_BACKEND_AUTO;
			else if (strcmp(optarg, "kernel") == 0)
				t->backend = SC_BACKEND_KERNEL;
			else if (strcmp(optarg, "userspace") == 0)
				t->backend = SC_BACKEND_USERSPACE;
			else
				rc = -EINVAL;
			break;
		case 'p':
			if (t->n_peers == MAX_PEERS)
				rc = -E2BIG;
			else
				rc = parse_peer(optarg, &t->peers[t->n_peers++]);
			break;
		default:
			rc = -EINVAL;
			break;
		}
		if (rc != 0) {
			fprintf(stderr, "vpn_driver: bad value for option %s\n", argv[optind - 1]);
			usage();
			return rc;
		}
	}
	if (!o->vpn.runtime_dir || (!o->policy_file && (!t->interface[0] || !t->private_key_file[0] ||
							 !t->address.family))) {
		usage();
		return -EINVAL;
	}
	return 0;
}

static void free_manual_policy(struct sc_policy *p)
{
	for (size_t i = 0; i < p->tunnel.n_peers; i++)
		free(p->tunnel.peers[i].allowed_ips);
	free(p->tunnel.peers);
	free(p);
}

static int load_policy_file(struct options *o, struct sc_policy **loaded)
{
#ifdef SC_HAVE_POLICY
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load(o->policy_file, true, loaded, &errors);
	if (rc != 0)
		sc_policy_errors_print(&errors, stderr);
	sc_policy_errors_free(&errors);
	return rc;
#else
	(void)loaded;
	fprintf(stderr, "vpn_driver: built without the policy layer; --policy %s unsupported\n",
		o->policy_file);
	return -ENOTSUP;
#endif
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct sc_policy *loaded = NULL;
	struct sc_vpn *vpn = NULL;
	int rc = 1;
	sigset_t sigs;
	sc_log_set_level(SC_LOG_DEBUG);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGCHLD);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	o.policy = calloc(1, sizeof(*o.policy));
	if (!o.policy || !(o.policy->tunnel.peers = calloc(MAX_PEERS, sizeof(struct sc_peer))))
		return 1;
	sc_strcpy(o.policy->tunnel.interface, sizeof(o.policy->tunnel.interface), "sc0");
	o.policy->tunnel.listen_port = 51820;
	o.policy->tunnel.stale_after_s = 180;
	if (parse_args(argc, argv, &o) != 0)
		goto out;
	if (o.policy_file && load_policy_file(&o, &loaded) != 0)
		goto out;
	if (sc_vpn_up(loaded ? loaded : o.policy, &o.vpn, &vpn) != 0)
		goto out;
	printf("tunnel %s (%s) up\n", sc_vpn_interface(vpn), sc_vpn_backend_name(vpn));
	print_peers(vpn);
	uint64_t started = monotonic_s();
	for (;;) {
		struct timespec second = { 1, 0 };
		int sig = sigtimedwait(&sigs, NULL, &second);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGCHLD) {
			int status;
			pid_t child = sc_vpn_child_pid(vpn);
			if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
				sc_vpn_child_exited(vpn, status);
				printf("wireguard-go exited\n");
				print_peers(vpn);
			}
			continue;
		}
		bool changed = false;
		int prc = sc_vpn_poll(vpn, monotonic_s(), &changed);
		if (changed)
			print_peers(vpn);
		(void)prc;
		if (o.exit_after_s && monotonic_s() - started >= o.exit_after_s)
			break;
	}
	sc_vpn_down(vpn);
	printf("tunnel down\n");
	fflush(stdout);
	rc = 0;
out:
#ifdef SC_HAVE_POLICY
	sc_policy_free(loaded);
#endif
	free_manual_policy(o.policy);
	return rc;
}
