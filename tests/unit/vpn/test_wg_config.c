// SPDX-License-Identifier: GPL-3.0-or-later
// The configuration text, key files, and the way keys reach `wg`: through the pipe only,
// never argv, the environment or the log. Tools are replaced by small scripts.
#include "base/strutil.h"
#include "capture.h"
#include "check.h"
#include "vpn/spawn.h"
#include "vpn/wg_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PRIV_B64 "4LxFrVY1xOs7JQpD5zNkbgTr0FPYZ5ttUv4uoQeC0HE="
#define PUB1_B64 "j61sp/QF9i7Qmhp1GuQIRvFTI7T/VKXAd8BKg5It0Ho="
#define PUB2_B64 "OGhnL2Why/Tmfp2HCRbyPpYF9i4oHp6YNk+efo+SzDM="
#define PSK_B64 "Y3l3oH8ZlKWV7b0m0fSjzGrAYL07t9SFaoWc1E3C0hY="

static char tmpdir[] = "/tmp/sc-vpn-test.XXXXXX";

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static char *read_file(const char *name)
{
	static char text[65536];
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	int fd = open(path, O_RDONLY);
	text[0] = '\0';
	if (fd < 0)
		return text;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
	return text;
}

static void prefix(struct sc_prefix *p, int family, const char *addr, unsigned len)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	inet_pton(family, addr, p->addr);
	p->prefix_len = (uint8_t)len;
}

// A site with three peers: IPv4 endpoint and two prefixes, IPv6 endpoint with a PSK, and a
// DNS endpoint without keepalive.
struct fixture {
	struct sc_policy policy;
	struct sc_peer peers[3];
	struct sc_prefix ips[4];
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	struct sc_tunnel *t = &f->policy.tunnel;
	snprintf(f->policy.source_file, sizeof(f->policy.source_file), "%s/sealcall.yaml", tmpdir);
	sc_strcpy(t->interface, sizeof(t->interface), "sc0");
	sc_strcpy(t->private_key_file, sizeof(t->private_key_file), "wireguard.key");
	prefix(&t->address, AF_INET, "10.77.0.1", 24);
	t->listen_port = 51820;
	t->peers = f->peers;
	t->n_peers = 3;
	prefix(&f->ips[0], AF_INET, "10.77.0.2", 32);
	prefix(&f->ips[1], AF_INET, "10.1.0.0", 16);
	prefix(&f->ips[2], AF_INET6, "fd77::3", 128);
	prefix(&f->ips[3], AF_INET, "10.77.0.4", 32);
	sc_strcpy(f->peers[0].name, sizeof(f->peers[0].name), "lyon");
	sc_base64_decode(PUB1_B64, f->peers[0].public_key, SC_WG_KEY_LEN);
	f->peers[0].has_endpoint = true;
	sc_strcpy(f->peers[0].endpoint_host, sizeof(f->peers[0].endpoint_host), "198.51.100.7");
	f->peers[0].endpoint_port = 51820;
	f->peers[0].allowed_ips = &f->ips[0];
	f->peers[0].n_allowed_ips = 2;
	f->peers[0].persistent_keepalive_s = 25;
	sc_strcpy(f->peers[1].name, sizeof(f->peers[1].name), "nice");
	sc_base64_decode(PUB2_B64, f->peers[1].public_key, SC_WG_KEY_LEN);
	f->peers[1].has_endpoint = true;
	sc_strcpy(f->peers[1].endpoint_host, sizeof(f->peers[1].endpoint_host), "2001:db8::7");
	f->peers[1].endpoint_port = 4500;
	f->peers[1].allowed_ips = &f->ips[2];
	f->peers[1].n_allowed_ips = 1;
	f->peers[1].persistent_keepalive_s = 2;
	sc_strcpy(f->peers[1].preshared_key_file, sizeof(f->peers[1].preshared_key_file), "nice.psk");
	sc_strcpy(f->peers[2].name, sizeof(f->peers[2].name), "hub");
	sc_base64_decode(PUB2_B64, f->peers[2].public_key, SC_WG_KEY_LEN);
	f->peers[2].has_endpoint = true;
	sc_strcpy(f->peers[2].endpoint_host, sizeof(f->peers[2].endpoint_host), "hub.sealcall.test");
	f->peers[2].endpoint_port = 51820;
	f->peers[2].allowed_ips = &f->ips[3];
	f->peers[2].n_allowed_ips = 1;
}

static void test_config_text(void)
{
	struct fixture f;
	struct sc_wg_keys keys;
	struct sc_buf text;
	fixture_init(&f);
	write_file("wireguard.key", PRIV_B64 "\n", 0600);
	write_file("nice.psk", PSK_B64, 0600);
	sc_buf_init(&text, 1 << 20);
	CHECK_EQ_INT(sc_wg_keys_load(&f.policy, &keys), 0);
	CHECK_EQ_INT(sc_wg_config_text(&f.policy.tunnel, &keys, &text), 0);
	sc_wg_keys_free(&keys);
	const char *expected =
		"[Interface]\n"
		"PrivateKey = " PRIV_B64 "\n"
		"ListenPort = 51820\n"
		"\n# lyon\n[Peer]\n"
		"PublicKey = " PUB1_B64 "\n"
		"Endpoint = 198.51.100.7:51820\n"
		"AllowedIPs = 10.77.0.2/32, 10.1.0.0/16\n"
		"PersistentKeepalive = 25\n"
		"\n# nice\n[Peer]\n"
		"PublicKey = " PUB2_B64 "\n"
		"PresharedKey = " PSK_B64 "\n"
		"Endpoint = [2001:db8::7]:4500\n"
		"AllowedIPs = fd77::3/128\n"
		"PersistentKeepalive = 2\n"
		"\n# hub\n[Peer]\n"
		"PublicKey = " PUB2_B64 "\n"
		"Endpoint = hub.sealcall.test:51820\n"
		"AllowedIPs = 10.77.0.4/32\n";
	CHECK(text.data && strcmp(text.data, expected) == 0);
	if (text.data && strcmp(text.data, expected) != 0)
		fprintf(stderr, "got:\n%s\n", text.data);
	sc_buf_free(&text);
	CHECK(text.data == NULL && text.len == 0);
}

static void test_key_files(void)
{
	struct fixture f;
	struct sc_wg_keys keys;
	struct capture cap;
	uint8_t key[SC_WG_KEY_LEN];
	char path[512];
	fixture_init(&f);
	snprintf(path, sizeof(path), "%s/k", tmpdir);

	write_file("k", PRIV_B64 "\r\n", 0600);
	CHECK_EQ_INT(sc_wg_read_key_file(path, key), 0);
	CHECK_EQ_INT(key[0], 0xe0);
	write_file("k", "bm90IGEga2V5\n", 0600);
	CHECK_EQ_INT(sc_wg_read_key_file(path, key), -EINVAL);
	write_file("k", "", 0600);
	CHECK_EQ_INT(sc_wg_read_key_file(path, key), -EINVAL);
	write_file("k", PRIV_B64 PRIV_B64 PRIV_B64, 0600);
	CHECK_EQ_INT(sc_wg_read_key_file(path, key), -EINVAL);

	// Readable by others: refused, and the message says how to fix it.
	write_file("wireguard.key", PRIV_B64 "\n", 0644);
	capture_start(&cap);
	CHECK_EQ_INT(sc_wg_keys_load(&f.policy, &keys), -EPERM);
	const char *log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "chmod 600");
	CHECK_STR_CONTAINS(log, "/wireguard.key");
	CHECK(strstr(log, PRIV_B64) == NULL);

	write_file("wireguard.key", PRIV_B64 "\n", 0600);
	sc_strcpy(f.peers[1].preshared_key_file, sizeof(f.peers[1].preshared_key_file), "missing.psk");
	capture_start(&cap);
	CHECK_EQ_INT(sc_wg_keys_load(&f.policy, &keys), -ENOENT);
	log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "missing.psk does not exist");
	CHECK(keys.psk == NULL); // freed (and wiped) on failure

	// Relative to the policy's folder, absolute as given.
	CHECK_EQ_INT(sc_wg_policy_path(&f.policy, "a.key", path, sizeof(path)), 0);
	CHECK(strncmp(path, tmpdir, strlen(tmpdir)) == 0 && strstr(path, "/a.key"));
	CHECK_EQ_INT(sc_wg_policy_path(&f.policy, "/etc/x.key", path, sizeof(path)), 0);
	CHECK(strcmp(path, "/etc/x.key") == 0);
}

static void test_redact(void)
{
	char text[] = "Key is not the correct length or format: `" PRIV_B64 "' (line 2, port 51820)";
	sc_wg_redact_keys(text);
	CHECK(strstr(text, PRIV_B64) == NULL);
	CHECK_STR_CONTAINS(text, "Key is not the correct length or format: `****");
	CHECK_STR_CONTAINS(text, "(line 2, port 51820)");
	char endpoint[64];
	CHECK_EQ_INT(sc_wg_format_endpoint("::1", 1, endpoint, sizeof(endpoint)), 0);
	CHECK(strcmp(endpoint, "[::1]:1") == 0);
	CHECK_EQ_INT(sc_wg_format_endpoint("a.example", 65535, endpoint, 8), -ENAMETOOLONG);
}

// A fake `wg` that records its argv, environment and stdin, then fails or succeeds.
static void make_fake_wg(bool fail)
{
	char script[2048];
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "printf '%%s\\n' \"$0\" \"$@\" > %s/argv\n"
		 "env > %s/env\n"
		 "cat > %s/stdin\n"
		 "%s",
		 tmpdir, tmpdir, tmpdir,
		 fail ? "echo \"Key is not the correct length or format: \\`$(sed -n 's/^PrivateKey = //p' "
			"\"$(dirname \"$0\")/stdin\")'\" >&2\nexit 1\n"
		      : "exit 0\n");
	write_file("wg", script, 0700);
}

static void test_setconf_keeps_key_in_pipe(void)
{
	struct fixture f;
	struct sc_wg_keys keys;
	struct sc_buf text;
	struct capture cap;
	char wg[512];
	fixture_init(&f);
	write_file("wireguard.key", PRIV_B64 "\n", 0600);
	write_file("nice.psk", PSK_B64 "\n", 0600);
	snprintf(wg, sizeof(wg), "%s/wg", tmpdir);
	sc_buf_init(&text, 1 << 20);
	CHECK_EQ_INT(sc_wg_keys_load(&f.policy, &keys), 0);
	CHECK_EQ_INT(sc_wg_config_text(&f.policy.tunnel, &keys, &text), 0);
	sc_wg_keys_free(&keys);

	make_fake_wg(false);
	capture_start(&cap);
	CHECK_EQ_INT(sc_wg_setconf(wg, "sc0", &text), 0);
	const char *log = capture_end(&cap);
	CHECK(strcmp(read_file("stdin"), text.data) == 0);
	CHECK(strstr(read_file("argv"), PRIV_B64) == NULL);
	CHECK_STR_CONTAINS(read_file("argv"), "setconf\nsc0\n/dev/stdin\n");
	const char *env = read_file("env");
	CHECK(strstr(env, PRIV_B64) == NULL && strstr(env, PSK_B64) == NULL);
	CHECK_STR_CONTAINS(env, "PATH=/usr/local/sbin:");
	CHECK(strstr(log, PRIV_B64) == NULL);

	// wg quoting the key in its error: the log shows the message, not the key.
	make_fake_wg(true);
	capture_start(&cap);
	CHECK_EQ_INT(sc_wg_setconf(wg, "sc0", &text), -EIO);
	log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "wg setconf failed (exit code 1): Key is not the correct length");
	CHECK_STR_CONTAINS(log, "****");
	CHECK(strstr(log, PRIV_B64) == NULL);
	CHECK(strstr(log, PSK_B64) == NULL);

	capture_start(&cap);
	CHECK_EQ_INT(sc_wg_setconf("/nonexistent/wg", "sc0", &text), -ENOENT);
	log = capture_end(&cap);
	CHECK_STR_CONTAINS(log, "apt-get install wireguard-tools");
	sc_buf_free(&text);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_spawn(void)
{
	struct sc_buf out;
	int status = 0;
	sc_buf_init(&out, 1 << 20);

	// A hung tool is killed at the deadline.
	const char *sleeper[] = { "sleep", "10", NULL };
	int64_t t0 = now_ms();
	CHECK_EQ_INT(sc_spawn_run(sleeper, sc_spawn_base_env, NULL, 0, NULL, NULL, 300, &status),
		     -ETIMEDOUT);
	CHECK(now_ms() - t0 < 3000);

	// A tool that exits without reading a large stdin: no SIGPIPE in the caller.
	static char big[1 << 20];
	memset(big, 'x', sizeof(big));
	const char *quitter[] = { "true", NULL };
	CHECK_EQ_INT(sc_spawn_run(quitter, sc_spawn_base_env, big, sizeof(big), NULL, NULL, 5000,
				  &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	// Large output in both directions at once does not deadlock.
	const char *cat[] = { "cat", NULL };
	CHECK_EQ_INT(sc_spawn_run(cat, sc_spawn_base_env, big, sizeof(big), &out, NULL, 10000,
				  &status), 0);
	CHECK_EQ_INT(out.len, sizeof(big));
	sc_buf_free(&out);

	// Output beyond the buffer's limit is an error, not a truncated success.
	struct sc_buf small;
	sc_buf_init(&small, 1000);
	CHECK_EQ_INT(sc_spawn_run(cat, sc_spawn_base_env, big, 5000, &small, NULL, 10000, &status),
		     -EFBIG);
	sc_buf_free(&small);

	// The daemon blocks the signals it reads with signalfd; children must not inherit
	// that, or wireguard-go would ignore SIGTERM.
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	const char *mask[] = { "grep", "^SigBlk", "/proc/self/status", NULL };
	sc_buf_init(&out, 4096);
	CHECK_EQ_INT(sc_spawn_run(mask, sc_spawn_base_env, NULL, 0, &out, NULL, 5000, &status), 0);
	CHECK_STR_CONTAINS(out.data, "SigBlk:\t0000000000000000");
	sc_buf_free(&out);
	sigprocmask(SIG_SETMASK, &old, NULL);

	const char *missing[] = { "/nonexistent/tool", NULL };
	CHECK_EQ_INT(sc_spawn_run(missing, sc_spawn_base_env, NULL, 0, NULL, NULL, 1000, &status),
		     -ENOENT);
	char why[96];
	CHECK_STR_CONTAINS(sc_spawn_describe_status(9, why, sizeof(why)), "killed by signal 9");
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_config_text();
	test_key_files();
	test_redact();
	test_setconf_keeps_key_in_pipe();
	test_spawn();
	const char *names[] = { "wireguard.key", "nice.psk", "k", "wg", "argv", "env", "stdin" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
	return check_done();
}
