// SPDX-License-Identifier: GPL-3.0-or-later
// The tunnel layer against a real kernel, in a network namespace private to this process:
// kill-switch routes and what they do to a send, undo after each kind of failure, crash
// recovery, wireguard-go dying, and a clean teardown. Needs root (exit 77 otherwise);
// the parts that need wireguard-go are skipped, and said so, when it is missing.
#include "base/strutil.h"
#include "capture.h"
#include "check.h"
#include "vpn/rtnl.h"
#include "vpn/vpn.h"
#include "vpn/wg_go.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PRIV_B64 "4LxFrVY1xOs7JQpD5zNkbgTr0FPYZ5ttUv4uoQeC0HE="
#define PUB_B64 "j61sp/QF9i7Qmhp1GuQIRvFTI7T/VKXAd8BKg5It0Ho="

static char tmpdir[] = "/tmp/sc-vpn-netns.XXXXXX";
static char ifname[IFNAMSIZ];
static int rtnl = -1;

static struct sc_prefix pfx(const char *addr, unsigned len)
{
	struct sc_prefix p = { 0 };
	p.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(p.family, addr, p.addr);
	p.prefix_len = (uint8_t)len;
	return p;
}

static int count(const char *addr, unsigned len, bool unreachable)
{
	struct sc_prefix p = pfx(addr, len);
	return sc_rtnl_count_routes(rtnl, &p, unreachable);
}

// What a UDP send to ADDR meets: 0 when it could leave, else the errno.
static int udp_connect_errno(const char *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
	inet_pton(AF_INET, addr, &sin.sin_addr);
	int rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 ? 0 : errno;
	close(fd);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void test_killswitch_routes(void)
{
	struct sc_prefix subnet = pfx("10.77.0.0", 24), host = pfx("10.77.0.2", 32);
	struct sc_prefix v6 = pfx("fd77::", 64), deflt = pfx("0.0.0.0", 0);
	int lo = (int)if_nametoindex("lo");
	// A default route makes the leak possible, as on a real site.
	CHECK_EQ_INT(sc_rtnl_route_dev(rtnl, true, &deflt, lo), 0);
	CHECK_EQ_INT(udp_connect_errno("10.77.0.5"), 0);

	CHECK_EQ_INT(sc_rtnl_route_unreachable(rtnl, true, &subnet), 0);
	CHECK_EQ_INT(sc_rtnl_route_unreachable(rtnl, true, &subnet), 0); // idempotent
	CHECK_EQ_INT(sc_rtnl_route_unreachable(rtnl, true, &host), 0);
	CHECK_EQ_INT(count("10.77.0.0", 24, true), 1);
	CHECK_EQ_INT(count("10.77.0.2", 32, true), 1);
	bool have_v6 = sc_rtnl_route_unreachable(rtnl, true, &v6) == 0;
	if (have_v6)
		CHECK_EQ_INT(count("fd77::", 64, true), 1);
	CHECK_EQ_INT(udp_connect_errno("10.77.0.5"), EHOSTUNREACH);
	CHECK_EQ_INT(udp_connect_errno("10.78.0.5"), 0);

	// Recovery keeps what the policy still has and removes the rest.
	CHECK_EQ_INT(sc_rtnl_flush_killswitch(rtnl, &subnet, 1), have_v6 ? 2 : 1);
	CHECK_EQ_INT(count("10.77.0.0", 24, true), 1);
	CHECK_EQ_INT(count("10.77.0.2", 32, true), 0);
	CHECK_EQ_INT(count("fd77::", 64, true), 0);
	CHECK_EQ_INT(sc_rtnl_flush_killswitch(rtnl, NULL, 0), 1);
	CHECK_EQ_INT(udp_connect_errno("10.77.0.5"), 0);
	CHECK_EQ_INT(sc_rtnl_route_unreachable(rtnl, false, &subnet), -ESRCH);

	unsigned mtu = 0;
	char dev[IFNAMSIZ] = "";
	CHECK_EQ_INT(sc_rtnl_route_mtu(rtnl, AF_INET, NULL, &mtu, dev), 0);
	CHECK_EQ_INT(mtu, 65536);
	CHECK(strcmp(dev, "lo") == 0);
	CHECK_EQ_INT(sc_rtnl_route_dev(rtnl, false, &deflt, lo), 0);
	struct sc_prefix any = pfx("10.9.9.9", 32);
	CHECK_EQ_INT(sc_rtnl_route_mtu(rtnl, AF_INET, any.addr, &mtu, dev), -ENETUNREACH);
	CHECK_EQ_INT(sc_rtnl_route_mtu(rtnl, AF_INET, NULL, &mtu, dev), -ENETUNREACH);
}

struct site {
	struct sc_policy policy;
	struct sc_peer peer;
	struct sc_prefix allowed;
	struct sc_vpn_options opts;
};

static void write_key(const char *text, mode_t mode)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/wireguard.key", tmpdir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static void site_init(struct site *s, enum sc_tunnel_backend backend, const char *wireguard_go)
{
	memset(s, 0, sizeof(*s));
	struct sc_tunnel *t = &s->policy.tunnel;
	snprintf(s->policy.source_file, sizeof(s->policy.source_file), "%s/sealcall.yaml", tmpdir);
	sc_strcpy(t->interface, sizeof(t->interface), ifname);
	t->backend = backend;
	sc_strcpy(t->private_key_file, sizeof(t->private_key_file), "wireguard.key");
	t->address = pfx("10.77.0.1", 24);
	t->listen_port = 51999;
	t->stale_after_s = 10;
	t->peers = &s->peer;
	t->n_peers = 1;
	sc_strcpy(s->peer.name, sizeof(s->peer.name), "lyon");
	sc_base64_decode(PUB_B64, s->peer.public_key, SC_WG_KEY_LEN);
	s->allowed = pfx("10.77.0.2", 32);
	s->peer.allowed_ips = &s->allowed;
	s->peer.n_allowed_ips = 1;
	s->opts.runtime_dir = tmpdir;
	s->opts.wireguard_go_path = wireguard_go;
	write_key(PRIV_B64 "\n", 0600);
}

static bool nothing_left(void)
{
	char pid_path[512];
	sc_wggo_pid_path(tmpdir, ifname, pid_path, sizeof(pid_path));
	return count("10.77.0.0", 24, true) == 0 && count("10.77.0.2", 32, true) == 0 &&
	       if_nametoindex(ifname) == 0 && access(pid_path, F_OK) != 0;
}

static void test_up_failures(bool kernel_module)
{
	struct site s;
	struct sc_vpn *vpn = (struct sc_vpn *)1;
	struct capture cap;
	const char *log;

	site_init(&s, SC_BACKEND_AUTO, NULL);
	write_key(PRIV_B64 "\n", 0640);
	capture_start(&cap);
	CHECK_EQ_INT(sc_vpn_up(&s.policy, &s.opts, &vpn), -EPERM);
	log = capture_end(&cap);
	CHECK(vpn == NULL);
	CHECK_STR_CONTAINS(log, "chmod 600");
	CHECK(nothing_left());

	if (!kernel_module) {
		site_init(&s, SC_BACKEND_KERNEL, NULL);
		capture_start(&cap);
		CHECK(sc_vpn_up(&s.policy, &s.opts, &vpn) < 0);
		log = capture_end(&cap);
		CHECK_STR_CONTAINS(log, "modprobe wireguard");
		CHECK_STR_CONTAINS(log, "everything made so far was undone");
		CHECK(nothing_left());
	}

	// A crash left a kill-switch route of an older policy and a PID file naming a process
	// that is long gone; recovery removes both even when bringing up fails later.
	site_init(&s, SC_BACKEND_USERSPACE, "/nonexistent/wireguard-go");
	struct sc_prefix old = pfx("10.99.0.0", 24);
	CHECK_EQ_INT(sc_rtnl_route_unreachable(rtnl, true, &old), 0);
	char pid_path[512];
	sc_wggo_pid_path(tmpdir, ifname, pid_path, sizeof(pid_path));
	FILE *f = fopen(pid_path, "w");
	if (f) {
		fprintf(f, "%d\n", 1); // init: alive, but not wireguard-go, so never signalled
		fclose(f);
	}
	capture_start(&cap);
	CHECK_EQ_INT(sc_vpn_up(&s.policy, &s.opts, &vpn), -ENOENT);
	log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "apt-get install wireguard-go");
	CHECK_STR_CONTAINS(log, "removed 1 leftover kill-switch route");
	CHECK(strstr(log, "stopping wireguard-go") == NULL);
	CHECK_EQ_INT(count("10.99.0.0", 24, true), 0);
	CHECK(nothing_left());
}

static bool wait_until_gone(const char *name, int ms)
{
	for (int waited = 0; waited < ms; waited += 20) {
		if (if_nametoindex(name) == 0)
			return true;
		sleep_ms(20);
	}
	return if_nametoindex(name) == 0;
}

static pid_t pid_file_pid(void)
{
	char pid_path[512];
	int pid = -1;
	sc_wggo_pid_path(tmpdir, ifname, pid_path, sizeof(pid_path));
	FILE *f = fopen(pid_path, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid;
}

// A daemon that died without tearing down: its wireguard-go, interface, PID file and kill
// switch stay. The test process is a subreaper so that the orphan is its child to reap.
static pid_t crash_a_daemon(void)
{
	pid_t child = fork();
	if (child == 0) {
		struct site s;
		struct sc_vpn *vpn;
		site_init(&s, SC_BACKEND_USERSPACE, NULL);
		_exit(sc_vpn_up(&s.policy, &s.opts, &vpn) == 0 ? 0 : 1);
	}
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return pid_file_pid();
}

static void test_recovery_and_lifecycle(void)
{
	struct site s;
	struct sc_vpn *vpn = NULL;
	struct capture cap;
	struct sc_vpn_peer_status st;
	bool changed = true;

	pid_t orphan = crash_a_daemon();
	CHECK(orphan > 0 && kill(orphan, 0) == 0);
	CHECK(if_nametoindex(ifname) != 0);
	CHECK_EQ_INT(count("10.77.0.0", 24, true), 1); // the kill switch outlives a crash

	site_init(&s, SC_BACKEND_AUTO, NULL);
	capture_start(&cap);
	int rc = sc_vpn_up(&s.policy, &s.opts, &vpn);
	const char *log = capture_end(&cap);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		return;
	char expect[128];
	snprintf(expect, sizeof(expect), "stopping wireguard-go (PID %d) left for %s", (int)orphan,
		 ifname);
	CHECK_STR_CONTAINS(log, expect);
	int status;
	CHECK_EQ_INT(waitpid(orphan, &status, WNOHANG), orphan);
	CHECK_STR_CONTAINS(log, "tunnel MTU 1420"); // no route anywhere: WireGuard's default
	CHECK(sc_vpn_is_up(vpn));
	CHECK(strcmp(sc_vpn_backend_name(vpn), "userspace") == 0);
	CHECK(strcmp(sc_vpn_interface(vpn), ifname) == 0);
	pid_t child = sc_vpn_child_pid(vpn);
	CHECK(child > 0 && child != orphan);
	CHECK_EQ_INT(pid_file_pid(), child);

	unsigned mtu = 0;
	char dev[IFNAMSIZ] = "";
	struct sc_prefix peer_addr = pfx("10.77.0.2", 32);
	CHECK_EQ_INT(sc_rtnl_route_mtu(rtnl, AF_INET, peer_addr.addr, &mtu, dev), 0);
	CHECK_EQ_INT(mtu, 1420);
	CHECK(strcmp(dev, ifname) == 0);
	CHECK_EQ_INT(count("10.77.0.2", 32, false), 1);
	CHECK_EQ_INT(count("10.77.0.2", 32, true), 1);
	CHECK_EQ_INT(count("10.77.0.0", 24, true), 1);
	CHECK_EQ_INT(udp_connect_errno("10.77.0.2"), 0); // through the tunnel interface

	CHECK_EQ_INT(sc_vpn_poll(vpn, 100, &changed), 0);
	CHECK(!changed);
	CHECK_EQ_INT(sc_vpn_peer_count(vpn), 1);
	CHECK_EQ_INT(sc_vpn_peer_status(vpn, 0, &st), 0);
	CHECK_EQ_INT(sc_vpn_peer_status(vpn, 1, &st), -ERANGE);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(!st.up);
	CHECK(strcmp(st.name, "lyon") == 0);
	CHECK(strcmp(st.reason, "no handshake yet") == 0);
	CHECK_EQ_INT(st.last_handshake_age_s, -1);
	CHECK(!sc_vpn_address_is_up(vpn, AF_INET, peer_addr.addr));

	// wireguard-go dies: the core reaps it and tells the tunnel layer.
	kill(child, SIGKILL);
	CHECK_EQ_INT(waitpid(child, &status, 0), child);
	capture_start(&cap);
	sc_vpn_child_exited(vpn, status);
	log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "killed by signal 9");
	CHECK(!sc_vpn_is_up(vpn));
	CHECK_EQ_INT(sc_vpn_child_pid(vpn), -1);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(strcmp(st.reason, "wireguard-go exited") == 0);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 101, &changed), -ENODEV);
	CHECK(wait_until_gone(ifname, 2000));
	// The tunnel's own routes left with the interface; the kill switch did not.
	CHECK_EQ_INT(count("10.77.0.2", 32, false), 0);
	CHECK_EQ_INT(count("10.77.0.2", 32, true), 1);
	CHECK_EQ_INT(udp_connect_errno("10.77.0.2"), EHOSTUNREACH);

	sc_vpn_down(vpn);
	CHECK(nothing_left());
	char sock[128];
	sc_wggo_socket_path(ifname, sock, sizeof(sock));
	CHECK(access(sock, F_OK) != 0);
}

// An interface of that name that nobody owns (a persistent tun here) is deleted first.
static void test_existing_interface(void)
{
	struct site s;
	struct sc_vpn *vpn = NULL;
	struct capture cap;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	struct ifreq ifr = { 0 };
	sc_strcpy(ifr.ifr_name, sizeof(ifr.ifr_name), ifname);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	bool made = fd >= 0 && ioctl(fd, TUNSETIFF, &ifr) == 0 && ioctl(fd, TUNSETPERSIST, 1) == 0;
	if (fd >= 0)
		close(fd);
	CHECK(made);
	if (!made)
		return;
	CHECK(if_nametoindex(ifname) != 0);
	site_init(&s, SC_BACKEND_USERSPACE, NULL);
	capture_start(&cap);
	int rc = sc_vpn_up(&s.policy, &s.opts, &vpn);
	const char *log = capture_end(&cap);
	CHECK_EQ_INT(rc, 0);
	CHECK_STR_CONTAINS(log, "already exists (left by a crash?): deleting it");
	CHECK(sc_vpn_is_up(vpn));
	sc_vpn_down(vpn);
	CHECK(nothing_left());
}

static void write_text(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void write_dump(long handshake, unsigned long rx, bool with_our_peer)
{
	char text[1024];
	// An interface line, a peer someone added by hand, then (maybe) ours.
	snprintf(text, sizeof(text),
		 PRIV_B64 "\t" PUB_B64 "\t51999\toff\n"
		 "OGhnL2Why/Tmfp2HCRbyPpYF9i4oHp6YNk+efo+SzDM=\t(none)\t(none)\t10.8.0.0/16\t0\t0\t0\toff\n"
		 "%s\t(none)\t198.18.2.2:51820\t10.77.0.2/32\t%ld\t%lu\t777\t2\n",
		 with_our_peer ? PUB_B64 : "Y3l3oH8ZlKWV7b0m0fSjzGrAYL07t9SFaoWc1E3C0hY=", handshake, rx);
	write_text("dump", text);
}

// Health as sc_vpn_poll computes it from `wg show dump`, with wg replaced by a script that
// prints a dump the test controls (wireguard-go is real, so the interface exists).
static void test_poll_with_fake_wg(void)
{
	struct site s;
	struct sc_vpn *vpn = NULL;
	struct sc_vpn_peer_status st;
	struct capture cap;
	char script[1024], wg[512];
	bool changed = false;
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "case \"$1\" in\n"
		 "setconf) cat >/dev/null ;;\n"
		 "show) [ -f %s/slow ] && sleep 0.3; cat %s/dump; exit $(cat %s/dump.rc) ;;\n"
		 "esac\n", tmpdir, tmpdir, tmpdir);
	write_text("wg", script);
	snprintf(wg, sizeof(wg), "%s/wg", tmpdir);
	chmod(wg, 0700);
	write_text("dump.rc", "0\n");
	site_init(&s, SC_BACKEND_USERSPACE, NULL);
	s.peer.persistent_keepalive_s = 2;
	s.policy.tunnel.stale_after_s = 180;
	s.opts.wg_path = wg;
	CHECK_EQ_INT(sc_vpn_up(&s.policy, &s.opts, &vpn), 0);
	if (!vpn)
		return;
	struct sc_prefix peer = pfx("10.77.0.2", 32), other = pfx("10.8.0.1", 32);

	write_dump((long)time(NULL) - 2, 100, true);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1000, &changed), 0);
	CHECK(changed);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(st.up);
	CHECK(strcmp(st.endpoint, "198.18.2.2:51820") == 0);
	CHECK(st.last_handshake_age_s >= 2 && st.last_handshake_age_s <= 4);
	CHECK_EQ_INT(st.rx_bytes, 100);
	CHECK_EQ_INT(st.tx_bytes, 777);
	CHECK(sc_vpn_address_is_up(vpn, AF_INET, peer.addr));
	CHECK(!sc_vpn_address_is_up(vpn, AF_INET, other.addr)); // not a policy peer's

	CHECK_EQ_INT(sc_vpn_poll(vpn, 1009, &changed), 0);
	CHECK(!changed);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1010, &changed), 0);
	CHECK(changed);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(!st.up);
	CHECK_STR_CONTAINS(st.reason, "nothing received for 10 s");
	CHECK(!sc_vpn_address_is_up(vpn, AF_INET, peer.addr));

	write_dump((long)time(NULL) - 2, 164, true);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1011, &changed), 0);
	CHECK(changed);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(st.up);

	write_dump((long)time(NULL) - 2, 200, false);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1012, &changed), 0);
	CHECK(changed);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(!st.up);
	CHECK_STR_CONTAINS(st.reason, "not configured on");

	// The daemon's way: the same poll in a worker thread, finished when its fd is readable.
	write_dump((long)time(NULL) - 2, 300, true);
	write_text("slow", "");
	CHECK_EQ_INT(sc_vpn_poll_fd(vpn), -1);
	CHECK_EQ_INT(sc_vpn_poll_finish(vpn, 1013, &changed), -EINVAL);
	CHECK_EQ_INT(sc_vpn_poll_start(vpn), 0);
	CHECK_EQ_INT(sc_vpn_poll_start(vpn), -EBUSY);
	struct pollfd pfd = { .fd = sc_vpn_poll_fd(vpn), .events = POLLIN };
	CHECK(pfd.fd >= 0);
	CHECK_EQ_INT(poll(&pfd, 1, 0), 0); // the tool sleeps 0.3 s: not done at once
	CHECK_EQ_INT(poll(&pfd, 1, 5000), 1);
	CHECK_EQ_INT(sc_vpn_poll_finish(vpn, 1013, &changed), 0);
	CHECK(changed);
	CHECK_EQ_INT(sc_vpn_poll_fd(vpn), -1);
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(st.up);
	CHECK_EQ_INT(st.rx_bytes, 300);
	char slow[512];
	snprintf(slow, sizeof(slow), "%s/slow", tmpdir);
	unlink(slow);
	write_text("dump", "interface: sc0\n  public key: x\n");
	capture_start(&cap);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1014, &changed), -EBADMSG);
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1015, &changed), -EBADMSG);
	const char *log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "(line 1)");
	CHECK(strstr(strstr(log, "(line 1)") + 1, "(line 1)") == NULL); // logged once
	sc_vpn_peer_status(vpn, 0, &st);
	CHECK(!st.up);
	CHECK(strcmp(st.reason, "cannot read WireGuard status") == 0);
	CHECK(sc_vpn_is_up(vpn));

	write_text("dump.rc", "1\n");
	CHECK_EQ_INT(sc_vpn_poll(vpn, 1016, &changed), -EIO);
	CHECK(sc_vpn_is_up(vpn)); // the interface is still there
	// Taken down with a poll still running: it waits for the tool, leaks nothing.
	write_text("slow", "");
	CHECK_EQ_INT(sc_vpn_poll_start(vpn), 0);
	sc_vpn_down(vpn);
	unlink(slow);
	CHECK(nothing_left());
	const char *names[] = { "wg", "dump", "dump.rc" };
	for (size_t i = 0; i < 3; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
}

static bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096], full[4200];
	if (!path || sc_strcpy(buf, sizeof(buf), path) != 0)
		return false;
	for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof(full), "%s/%s", dir, name);
		if (access(full, X_OK) == 0)
			return true;
	}
	return false;
}

int main(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		printf("skipped: needs root for a private network namespace\n");
		return 77;
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	// Unique machine-wide: wireguard-go's socket folder is shared by all namespaces.
	snprintf(ifname, sizeof(ifname), "scut%d", (int)(getpid() % 100000));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	rtnl = sc_rtnl_open();
	CHECK(rtnl >= 0);
	CHECK_EQ_INT(sc_rtnl_link_up(rtnl, (int)if_nametoindex("lo"), 0), 0);

	bool kernel_module = sc_rtnl_link_add_wireguard(rtnl, "scprobe0") == 0;
	if (kernel_module)
		sc_rtnl_link_del(rtnl, "scprobe0");

	test_killswitch_routes();
	test_up_failures(kernel_module);
	if (have_program("wireguard-go") && have_program("wg") && !kernel_module) {
		test_recovery_and_lifecycle();
		test_existing_interface();
		test_poll_with_fake_wg();
	} else {
		printf("not run: the wireguard-go lifecycle (needs wireguard-go and wg, and no kernel "
		       "module, which auto would prefer)\n");
	}
	sc_rtnl_close(rtnl);
	char path[512];
	snprintf(path, sizeof(path), "%s/wireguard.key", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return check_done();
}
