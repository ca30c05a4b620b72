// SPDX-License-Identifier: GPL-3.0-or-later
// Whole runs in a scratch folder: every bundle passes sc_policy_load with its file checks and
// says what the sites file says; secrets are 0600; a second run changes nothing; adding,
// removing a site and switching topology keep every key; damaged state is refused.
#include <sys/file.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/md5.h>

#include "base/strutil.h"
#include "policy/policy.h"
#include "provision/pki.h"
#include "provision/provision.h"
#include "provision/wgkey.h"
#include "pv_test.h"

static char scratch[PATH_MAX], sites_path[PATH_MAX + 16], out_dir[PATH_MAX + 16];

static char *path_of(const char *rel)
{
	static char buf[4][PATH_MAX * 2];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, PATH_MAX * 2, "%.4000s/%.4000s", out_dir, rel);
	return p;
}

static char *site_file(const char *site, const char *file)
{
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "sites/%.100s/%.100s", site, file);
	return path_of(rel);
}

// Runs provisioning with stderr captured into ERR (free it); returns its result.
static int run(struct sc_provision_result *r, char **err)
{
	char log[PATH_MAX + 16];
	snprintf(log, sizeof(log), "%s/stderr.log", scratch);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	close(fd);
	int rc = sc_provision_run(sites_path, out_dir, NULL, r);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char *text = read_text(log);
	if (err)
		*err = text;
	else
		free(text);
	return rc;
}

static int run_ok(struct sc_provision_result *r)
{
	char *err = NULL;
	int rc = run(r, &err);
	if (rc != 0)
		fprintf(stderr, "provisioning failed (%d):\n%s\n", rc, err ? err : "");
	CHECK_EQ_INT(rc, 0);
	free(err);
	return rc;
}

static void key_of(const char *path, uint8_t key[32])
{
	char *text = read_text(path);
	CHECK(text && pv_wg_key_parse(text, strlen(text), key) == 0);
	free(text);
}

static const char mesh_sites[] =
	"topology: mesh\n"
	"tunnel_subnet: 10.77.0.0/24\n"
	"domain: sealcall.internal\n"
	"zrtp_cache_file: zrtp-cache\n"
	"sites:\n"
	"  - name: paris\n"
	"    endpoint: 198.51.100.1:51820\n"
	"    hotline: lyon\n"
	"  - name: lyon\n"
	"    endpoint: 198.51.100.7:51820\n"
	"  - name: nice\n"
	"    endpoint: \"[2001:db8::9]:51820\"\n"
	"    address: 10.77.0.50\n";

static const char *const mesh_names[] = { "paris", "lyon", "nice" };
static const char *const mesh_addrs[] = { "10.77.0.1/24", "10.77.0.2/24", "10.77.0.50/24" };

static const struct sc_peer *peer_named(const struct sc_policy *p, const char *name)
{
	for (size_t i = 0; i < p->tunnel.n_peers; i++)
		if (strcmp(p->tunnel.peers[i].name, name) == 0)
			return &p->tunnel.peers[i];
	return NULL;
}

static struct sc_policy *load_bundle(const char *site)
{
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load(site_file(site, "sealcall.yaml"), true, &p, &errors);
	if (rc != 0) {
		fprintf(stderr, "bundle %s does not load:\n", site);
		sc_policy_errors_print(&errors, stderr);
	}
	CHECK_EQ_INT(rc, 0);
	sc_policy_errors_free(&errors);
	return p;
}

static bool chains(const char *ca_path, const char *cert_path)
{
	WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
	bool ok = cm && wolfSSL_CertManagerLoadCA(cm, ca_path, NULL) == WOLFSSL_SUCCESS &&
		  wolfSSL_CertManagerVerify(cm, cert_path, WOLFSSL_FILETYPE_PEM) == WOLFSSL_SUCCESS;
	wolfSSL_CertManagerFree(cm);
	return ok;
}

// Every mesh bundle: loads with file checks, names the others as peers (their real public
// keys, /32 routes, endpoints) and directory entries (URIs, pins of their real TLS keys).
static void check_mesh_bundles(const char *const *names, const char *const *addrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sc_policy *p = load_bundle(names[i]);
		if (!p)
			continue;
		char buf[64];
		CHECK(strcmp(p->site_name, names[i]) == 0);
		CHECK(strcmp(sc_prefix_format(&p->tunnel.address, buf, sizeof(buf)), addrs[i]) == 0);
		CHECK(strcmp(p->tunnel.private_key_file, site_file(names[i], "wireguard.key")) == 0);
		CHECK(strcmp(p->sip.certificate, site_file(names[i], "site.crt")) == 0);
		CHECK(!p->sip.has_registrar);
		CHECK_EQ_INT(p->tunnel.n_peers, n - 1);
		CHECK_EQ_INT(p->n_directory, n - 1);
		for (size_t k = 0; k < n; k++) {
			if (k == i)
				continue;
			const struct sc_peer *peer = peer_named(p, names[k]);
			CHECK(peer != NULL);
			if (!peer)
				continue;
			uint8_t pub[32];
			key_of(site_file(names[k], "wireguard.pub"), pub);
			CHECK(memcmp(peer->public_key, pub, 32) == 0);
			CHECK_EQ_INT(peer->n_allowed_ips, 1);
			char want[64];
			snprintf(want, sizeof(want), "%.*s/32", (int)strcspn(addrs[k], "/"), addrs[k]);
			CHECK(strcmp(sc_prefix_format(&peer->allowed_ips[0], buf, sizeof(buf)), want) == 0);
			CHECK(peer->has_endpoint);
			CHECK_EQ_INT(peer->persistent_keepalive_s, 25);
			const struct sc_directory_entry *e = sc_policy_directory_find(p, names[k]);
			CHECK(e != NULL);
			if (!e)
				continue;
			char uri[128];
			snprintf(uri, sizeof(uri), "sips:%s@%s.sealcall.internal", names[k], names[k]);
			CHECK(strcmp(e->uri, uri) == 0);
			CHECK(sc_policy_peer_for_address(p, e->address.family, e->address.addr) == peer);
			// The pin is that of the site's actual TLS key.
			CHECK(e->has_pin);
			char *key_pem = read_text(site_file(names[k], "site.key"));
			ecc_key key;
			char pin[PV_PIN_LEN];
			uint8_t digest[32];
			CHECK(key_pem && pv_key_from_pem(key_pem, strlen(key_pem), &key) == 0);
			CHECK_EQ_INT(pv_spki_pin(&key, pin), 0);
			CHECK_EQ_INT(sc_base64_decode(pin + 8, digest, sizeof(digest)), 32);
			CHECK(memcmp(digest, e->spki_sha256, 32) == 0);
			wc_ecc_free(&key);
			free(key_pem);
		}
		sc_policy_free(p);
		CHECK(chains(path_of("ca/ca.crt"), site_file(names[i], "site.crt")));
		// wireguard.pub is the public key of wireguard.key.
		uint8_t priv[32], pub[32];
		struct pv_wg_keypair kp;
		key_of(site_file(names[i], "wireguard.key"), priv);
		key_of(site_file(names[i], "wireguard.pub"), pub);
		CHECK(pv_wg_derive(priv, &kp) == 0 && memcmp(kp.public_key, pub, 32) == 0);
	}
}

static void check_modes(const char *const *names, size_t n, bool hub)
{
	CHECK_EQ_INT(file_mode(out_dir), 0700);
	CHECK_EQ_INT(file_mode(path_of("ca")), 0700);
	CHECK_EQ_INT(file_mode(path_of("ca/ca.key")), 0600);
	CHECK_EQ_INT(file_mode(path_of("ca/ca.crt")), 0644);
	for (size_t i = 0; i < n; i++) {
		CHECK_EQ_INT(file_mode(site_file(names[i], "")), 0700);
		CHECK_EQ_INT(file_mode(site_file(names[i], "wireguard.key")), 0600);
		CHECK_EQ_INT(file_mode(site_file(names[i], "site.key")), 0600);
		CHECK_EQ_INT(file_mode(site_file(names[i], "wireguard.pub")), 0644);
		CHECK_EQ_INT(file_mode(site_file(names[i], "site.crt")), 0644);
		CHECK_EQ_INT(file_mode(site_file(names[i], "ca.crt")), 0644);
		CHECK_EQ_INT(file_mode(site_file(names[i], "sealcall.yaml")), 0644);
		CHECK_EQ_INT(file_mode(site_file(names[i], "registrar.password")), hub ? 0600 : -1);
		CHECK(!file_exists(site_file(names[i], "sealcall.yaml.provision-tmp")));
	}
}

struct snapshot {
	char path[64][PATH_MAX];
	char *content[64];
	ino_t inode[64];
	size_t n;
};

static void snap_file(struct snapshot *s, const char *path)
{
	struct stat st;
	if (s->n == 64 || stat(path, &st) != 0)
		return;
	snprintf(s->path[s->n], PATH_MAX, "%.4000s", path);
	s->content[s->n] = read_text(path);
	s->inode[s->n] = st.st_ino;
	s->n++;
}

static void snap_all(struct snapshot *s, const char *const *names, size_t n)
{
	static const char *const files[] = { "sealcall.yaml", "wireguard.key", "wireguard.pub", "site.key",
					     "site.crt", "ca.crt" };
	s->n = 0;
	snap_file(s, path_of("ca/ca.key"));
	snap_file(s, path_of("ca/ca.crt"));
	snap_file(s, path_of("addresses"));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
			snap_file(s, site_file(names[i], files[k]));
}

static const char *snap_content(const struct snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->path[i], path) == 0)
			return s->content[i];
	return NULL;
}

static bool same_as_snap(const struct snapshot *s, const char *path)
{
	const char *before = snap_content(s, path);
	char *now = read_text(path);
	bool same = before && now && strcmp(before, now) == 0;
	free(now);
	return same;
}

static void snap_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->content[i]);
	s->n = 0;
}

static void test_mesh_first_and_second_run(struct snapshot *first)
{
	struct sc_provision_result r;
	write_text(sites_path, mesh_sites);
	if (run_ok(&r) != 0)
		return;
	CHECK_EQ_INT(r.sites, 3);
	CHECK_EQ_INT(r.created, 3);
	CHECK_EQ_INT(r.keys_generated, 7); // CA + 3 x (WireGuard + TLS)
	CHECK_EQ_INT(r.certs_issued, 3);
	check_mesh_bundles(mesh_names, mesh_addrs, 3);
	check_modes(mesh_names, 3, false);
	struct sc_policy *paris = load_bundle("paris");
	if (paris) {
		const struct sc_directory_entry *hot = sc_policy_hotline(paris);
		CHECK(hot && strcmp(hot->name, "lyon") == 0);
		CHECK(strcmp(paris->tunnel.peers[1].endpoint_host, "2001:db8::9") == 0);
		sc_policy_free(paris);
	}
	struct sc_policy *lyon = load_bundle("lyon");
	if (lyon) {
		CHECK(sc_policy_hotline(lyon) == NULL);
		sc_policy_free(lyon);
	}

	// The second run over the same file rewrites nothing: same bytes, same inodes.
	snap_all(first, mesh_names, 3);
	if (run_ok(&r) != 0)
		return;
	CHECK_EQ_INT(r.unchanged, 3);
	CHECK_EQ_INT(r.updated + r.created + r.removed + r.keys_generated + r.certs_issued, 0);
	for (size_t i = 0; i < first->n; i++) {
		struct stat st;
		CHECK(stat(first->path[i], &st) == 0 && st.st_ino == first->inode[i]);
		CHECK(same_as_snap(first, first->path[i]));
	}
}

static void test_add_and_remove(const struct snapshot *first)
{
	struct sc_provision_result r;
	// brest comes first in the file: the others keep their addresses, it takes the lowest free.
	char *with_brest = malloc(sizeof(mesh_sites) + 128);
	const char *at = strstr(mesh_sites, "  - name: paris");
	snprintf(with_brest, sizeof(mesh_sites) + 128, "%.*s  - name: brest\n    endpoint: brest.example.net:51820\n%s",
		 (int)(at - mesh_sites), mesh_sites, at);
	write_text(sites_path, with_brest);
	free(with_brest);
	if (run_ok(&r) != 0)
		return;
	CHECK_EQ_INT(r.created, 1);
	CHECK_EQ_INT(r.updated, 3);
	CHECK_EQ_INT(r.keys_generated, 2);
	CHECK_EQ_INT(r.certs_issued, 1);
	static const char *const four[] = { "brest", "paris", "lyon", "nice" };
	static const char *const four_addrs[] = { "10.77.0.3/24", "10.77.0.1/24", "10.77.0.2/24", "10.77.0.50/24" };
	check_mesh_bundles(four, four_addrs, 4);
	// Every existing key and certificate, and the CA, stayed as they were.
	for (size_t i = 0; i < 3; i++) {
		CHECK(same_as_snap(first, site_file(mesh_names[i], "wireguard.key")));
		CHECK(same_as_snap(first, site_file(mesh_names[i], "site.key")));
		CHECK(same_as_snap(first, site_file(mesh_names[i], "site.crt")));
		CHECK(!same_as_snap(first, site_file(mesh_names[i], "sealcall.yaml")));
	}
	CHECK(same_as_snap(first, path_of("ca/ca.key")));
	CHECK(same_as_snap(first, path_of("ca/ca.crt")));

	// lyon leaves: its bundle goes, and nobody lists it any more.
	char *without = read_text(sites_path);
	char *cut = strstr(without, "  - name: lyon\n");
	char *end = strstr(cut, "  - name: nice");
	memmove(cut, end, strlen(end) + 1);
	char *hot = strstr(without, "    hotline: lyon\n");
	memmove(hot, hot + strlen("    hotline: lyon\n"), strlen(hot + strlen("    hotline: lyon\n")) + 1);
	write_text(sites_path, without);
	free(without);
	if (run_ok(&r) != 0)
		return;
	CHECK_EQ_INT(r.removed, 1);
	CHECK(!file_exists(site_file("lyon", "")));
	static const char *const three[] = { "brest", "paris", "nice" };
	static const char *const three_addrs[] = { "10.77.0.3/24", "10.77.0.1/24", "10.77.0.50/24" };
	check_mesh_bundles(three, three_addrs, 3);
	char *policy = read_text(site_file("paris", "sealcall.yaml"));
	CHECK(policy && !strstr(policy, "lyon"));
	free(policy);
	char *record = read_text(path_of("addresses"));
	CHECK(record && !strstr(record, "lyon"));
	free(record);
}

static void test_hub_and_back(void)
{
	struct sc_provision_result r;
	struct snapshot *before = calloc(1, sizeof(*before));
	static const char *const three[] = { "brest", "paris", "nice" };
	snap_all(before, three, 3);
	write_text(sites_path,
		   "topology: hub\n"
		   "zrtp_cache_file: zrtp-cache\n"
		   "hub:\n"
		   "  name: central\n"
		   "  endpoint: 203.0.113.10:51000\n"
		   "sites:\n"
		   "  - name: brest\n"
		   "  - name: paris\n"
		   "    hotline: nice\n"
		   "  - name: nice\n"
		   "    endpoint: \"[2001:db8::9]:51820\"\n"
		   "    address: 10.77.0.50\n");
	if (run_ok(&r) != 0)
		goto out;
	CHECK_EQ_INT(r.created, 1); // the hub
	CHECK_EQ_INT(r.updated, 3);
	CHECK_EQ_INT(r.keys_generated, 2); // the hub's WireGuard and TLS keys, nothing else
	check_modes(three, 3, true);
	CHECK_EQ_INT(file_mode(path_of("hub")), 0700);
	CHECK_EQ_INT(file_mode(path_of("hub/wg0.conf")), 0600);
	CHECK_EQ_INT(file_mode(path_of("hub/wireguard.key")), 0600);
	CHECK_EQ_INT(file_mode(path_of("hub/hub.key")), 0600);
	CHECK_EQ_INT(file_mode(path_of("hub/db/subscriber")), 0600);
	CHECK_EQ_INT(file_mode(path_of("hub/hub.crt")), 0644);
	CHECK(chains(path_of("ca/ca.crt"), path_of("hub/hub.crt")));
	uint8_t hub_pub[32], hub_priv[32];
	key_of(path_of("hub/wireguard.pub"), hub_pub);
	key_of(path_of("hub/wireguard.key"), hub_priv);
	char hub_priv_b64[PV_WG_KEY_B64];
	pv_wg_key_base64(hub_priv, hub_priv_b64);
	char *wg = read_text(path_of("hub/wg0.conf"));
	CHECK_STR_CONTAINS(wg, hub_priv_b64);
	CHECK_STR_CONTAINS(wg, "Address = 10.77.0.254/24\nListenPort = 51000\n");
	// Forwarding from wg0 to wg0 without ICMP redirects for every media stream.
	CHECK_STR_CONTAINS(wg, "\nPostUp = sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 "
			       "net.ipv4.conf.%i.send_redirects=0\n");
	CHECK_STR_CONTAINS(wg, "# nice\nPublicKey = ");
	CHECK_STR_CONTAINS(wg, "AllowedIPs = 10.77.0.50/32\nEndpoint = [2001:db8::9]:51820\n");
	// Keepalives both ways: a site counts a hub that sends nothing for 2 x 25 + 5 s as dead.
	size_t keepalives = 0;
	for (const char *k = wg; k && (k = strstr(k, "\nPersistentKeepalive = 25\n")); k++)
		keepalives++;
	CHECK_EQ_INT(keepalives, 3);
	free(wg);
	char *kam = read_text(path_of("hub/kamailio.cfg"));
	CHECK_STR_CONTAINS(kam, "listen=tls:10.77.0.254:5061\n");
	CHECK(kam && !strstr(kam, "listen=udp") && !strstr(kam, "listen=tcp"));
	CHECK_STR_CONTAINS(kam, "www_authorize(\"sealcall.internal\", \"subscriber\")");
	// Several TLS readers share connections across processes, which Kamailio 5.6 with
	// OpenSSL 3 gets wrong under load (bench/hub_limits.sh): one reader.
	CHECK_STR_CONTAINS(kam, "\ntcp_children=1\n");
	free(kam);
	char *subscribers = read_text(path_of("hub/db/subscriber"));
	for (size_t i = 0; i < 3; i++) {
		struct sc_policy *p = load_bundle(three[i]);
		if (!p)
			continue;
		// One peer, the hub, routing the whole subnet; the registrar inside it.
		char buf[64];
		CHECK_EQ_INT(p->tunnel.n_peers, 1);
		CHECK(strcmp(p->tunnel.peers[0].name, "central") == 0);
		CHECK(memcmp(p->tunnel.peers[0].public_key, hub_pub, 32) == 0);
		CHECK(strcmp(sc_prefix_format(&p->tunnel.peers[0].allowed_ips[0], buf, sizeof(buf)), "10.77.0.0/24") == 0);
		CHECK(strcmp(p->tunnel.peers[0].endpoint_host, "203.0.113.10") == 0);
		CHECK_EQ_INT(p->tunnel.peers[0].persistent_keepalive_s, 25);
		CHECK(p->sip.has_registrar);
		CHECK(strcmp(p->sip.registrar.uri, "sips:central.sealcall.internal") == 0);
		CHECK(strcmp(sc_prefix_format(&p->sip.registrar.address, buf, sizeof(buf)), "10.77.0.254/32") == 0);
		CHECK(strcmp(p->sip.registrar.username, three[i]) == 0);
		CHECK_EQ_INT(p->n_directory, 2);
		CHECK(!p->directory[0].has_pin);
		// The hub checks the digest against MD5(user:realm:password) of this site's password.
		char *password = read_text(p->sip.registrar.password_file);
		CHECK(password && strlen(password) == 33 && password[32] == '\n');
		if (password) {
			char line[256], ha1[33];
			uint8_t digest[16];
			snprintf(line, sizeof(line), "%s:sealcall.internal:%.32s", three[i], password);
			wc_Md5Hash((const byte *)line, (word32)strlen(line), digest);
			sc_hex_encode(digest, 16, ha1);
			snprintf(line, sizeof(line), ":%s:sealcall.internal::%s:", three[i], ha1);
			CHECK_STR_CONTAINS(subscribers, line);
			CHECK(!strstr(subscribers, password)); // the hub never holds the password itself
		}
		free(password);
		// Keys survive the change of topology.
		CHECK(same_as_snap(before, site_file(three[i], "wireguard.key")));
		CHECK(same_as_snap(before, site_file(three[i], "site.key")));
		sc_policy_free(p);
	}
	free(subscribers);
	struct sc_policy *paris = load_bundle("paris");
	if (paris) {
		const struct sc_directory_entry *hot = sc_policy_hotline(paris);
		CHECK(hot && strcmp(hot->name, "nice") == 0);
		sc_policy_free(paris);
	}

	// Back to a mesh: the hub's folder and the registrar passwords go.
	write_text(sites_path, "zrtp_cache_file: zrtp-cache\nsites:\n"
			       "  - {name: brest, endpoint: brest.example.net:51820}\n"
			       "  - {name: paris, endpoint: 198.51.100.1:51820}\n"
			       "  - {name: nice, endpoint: \"[2001:db8::9]:51820\", address: 10.77.0.50}\n");
	if (run_ok(&r) != 0)
		goto out;
	CHECK(!file_exists(path_of("hub")));
	check_modes(three, 3, false);
	static const char *const three_addrs[] = { "10.77.0.3/24", "10.77.0.1/24", "10.77.0.50/24" };
	check_mesh_bundles(three, three_addrs, 3);
out:
	snap_free(before);
	free(before);
}

static void test_refusals(void)
{
	struct sc_provision_result r;
	char *err = NULL;
	// A site key others may read is refused, not used.
	chmod(site_file("paris", "wireguard.key"), 0644);
	CHECK(run(&r, &err) != 0);
	CHECK_STR_CONTAINS(err, "wireguard.key holds a WireGuard private key but group or others may read it");
	CHECK_STR_CONTAINS(err, "chmod 600");
	free(err);
	chmod(site_file("paris", "wireguard.key"), 0600);
	// A damaged key is refused with the way out.
	char *saved = read_text(site_file("brest", "wireguard.key"));
	write_text(site_file("brest", "wireguard.key"), "not a key\n");
	CHECK(run(&r, &err) != 0);
	CHECK_STR_CONTAINS(err, "does not hold a WireGuard private key");
	CHECK_STR_CONTAINS(err, "remove it to have a new one made");
	free(err);
	write_text(site_file("brest", "wireguard.key"), saved);
	free(saved);
	// A removed TLS key is made again with a new certificate; the WireGuard key stays.
	char *wg_before = read_text(site_file("nice", "wireguard.key"));
	char *crt_before = read_text(site_file("nice", "site.crt"));
	unlink(site_file("nice", "site.key"));
	if (run_ok(&r) == 0) {
		CHECK_EQ_INT(r.keys_generated, 1);
		CHECK_EQ_INT(r.certs_issued, 1);
		char *wg_after = read_text(site_file("nice", "wireguard.key"));
		char *crt_after = read_text(site_file("nice", "site.crt"));
		CHECK(wg_after && wg_before && strcmp(wg_after, wg_before) == 0);
		CHECK(crt_after && crt_before && strcmp(crt_after, crt_before) != 0);
		free(wg_after);
		free(crt_after);
	}
	free(wg_before);
	free(crt_before);
	// An interrupted run's temporary file (a secret, 0600) goes at the next run even where
	// the file it stood for is unchanged.
	char leftover[PATH_MAX * 2];
	snprintf(leftover, sizeof(leftover), "%s.provision-tmp", site_file("paris", "site.key"));
	int fd = open(leftover, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	if (run_ok(&r) == 0) {
		CHECK(!file_exists(leftover));
		CHECK_EQ_INT(r.updated + r.created, 0);
	}
	// Another run holds the folder.
	int lock = open(path_of(".lock"), O_RDWR);
	CHECK(lock >= 0 && flock(lock, LOCK_EX) == 0);
	CHECK_EQ_INT(run(&r, &err), -EBUSY);
	CHECK_STR_CONTAINS(err, "another 'sealcall provision' is working on");
	free(err);
	close(lock);
	// The CA certificate without its key: nothing can be signed.
	char ca_key[PATH_MAX * 2];
	snprintf(ca_key, sizeof(ca_key), "%s.moved", path_of("ca/ca.key"));
	rename(path_of("ca/ca.key"), ca_key);
	CHECK(run(&r, &err) != 0);
	CHECK_STR_CONTAINS(err, "ca.crt exists but its key");
	CHECK_STR_CONTAINS(err, "restore ca.key from your backup");
	free(err);
	rename(ca_key, path_of("ca/ca.key"));
	// A bad sites file changes nothing and says where.
	char *good = read_text(sites_path);
	write_text(sites_path, "sites:\n  - {name: a, endpoint: 192.0.2.1:1, hotline: nobody}\n  - {name: b, endpoint: 192.0.2.2:1}\n");
	CHECK_EQ_INT(run(&r, &err), -EINVAL);
	CHECK_STR_CONTAINS(err, "sites.yaml:2:");
	CHECK_STR_CONTAINS(err, "hotline 'nobody' is not a site in this file");
	free(err);
	CHECK(file_exists(site_file("paris", "sealcall.yaml")));
	// A folder in sites/ that is not a bundle of ours is left alone; a removed bundle with
	// the operator's own file in it keeps that file (and the folder).
	mkdir(site_file("notes", ""), 0700);
	write_text(site_file("notes", "todo.txt"), "call brest\n");
	write_text(site_file("brest", "photo.jpg"), "x");
	write_text(sites_path, good);
	free(good);
	char *no_brest = read_text(sites_path);
	char *cut = strstr(no_brest, "  - {name: brest");
	char *end = strstr(cut, "  - {name: paris");
	memmove(cut, end, strlen(end) + 1);
	write_text(sites_path, no_brest);
	free(no_brest);
	CHECK_EQ_INT(run(&r, &err), 0);
	CHECK_STR_CONTAINS(err, "it holds files 'sealcall provision' did not write");
	free(err);
	CHECK(file_exists(site_file("notes", "todo.txt")));
	CHECK(file_exists(site_file("brest", "photo.jpg")));
	CHECK(!file_exists(site_file("brest", "wireguard.key")));
	CHECK(!file_exists(site_file("brest", "sealcall.yaml")));
}

// With the default cache path (an appliance's /var/lib/sealcall), the operator's machine
// lacks the folder: that alone does not fail the run.
static void test_default_cache_path(void)
{
	struct sc_provision_result r;
	char dir[PATH_MAX];
	scratch_make(dir, sizeof(dir), "default-cache");
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
	write_text(sites_path, "sites:\n  - {name: a, endpoint: 192.0.2.1:1}\n  - {name: b, endpoint: 192.0.2.2:1}\n");
	CHECK_EQ_INT(run_ok(&r), 0);
	char *policy = read_text(site_file("a", "sealcall.yaml"));
	CHECK_STR_CONTAINS(policy, "cache_file: \"/var/lib/sealcall/zrtp-cache\"");
	free(policy);
	scratch_remove(dir);
}

// interface and audio_device reach each policy: the site's own, else the deployment's.
static void test_appliance_settings(void)
{
	struct sc_provision_result r;
	char dir[PATH_MAX];
	scratch_make(dir, sizeof(dir), "appliance");
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
	write_text(sites_path, "zrtp_cache_file: zrtp-cache\naudio_device: Headset\nsites:\n"
			       "  - {name: a, endpoint: 192.0.2.1:1, interface: wg7}\n"
			       "  - {name: b, endpoint: 192.0.2.2:1, audio_device: \"plughw:CARD=USB,DEV=0\"}\n"
			       "  - {name: c, endpoint: 192.0.2.3:1}\n");
	if (run_ok(&r) == 0) {
		static const char *const names[] = { "a", "b", "c" };
		static const char *const ifaces[] = { "wg7", "sc0", "sc0" };
		static const char *const devices[] = { "Headset", "plughw:CARD=USB,DEV=0", "Headset" };
		for (size_t i = 0; i < 3; i++) {
			struct sc_policy *p = load_bundle(names[i]);
			if (!p)
				continue;
			CHECK(strcmp(p->tunnel.interface, ifaces[i]) == 0);
			CHECK(strcmp(p->audio.device, devices[i]) == 0);
			sc_policy_free(p);
		}
	}
	scratch_remove(dir);
}

int main(void)
{
	scratch_make(scratch, sizeof(scratch), "run");
	snprintf(sites_path, sizeof(sites_path), "%s/sites.yaml", scratch);
	snprintf(out_dir, sizeof(out_dir), "%s/out", scratch);
	struct snapshot *first = calloc(1, sizeof(*first));
	test_mesh_first_and_second_run(first);
	test_add_and_remove(first);
	snap_free(first);
	free(first);
	test_hub_and_back();
	test_refusals();
	test_default_cache_path();
	test_appliance_settings();
	scratch_remove(scratch);
	return check_done();
}
