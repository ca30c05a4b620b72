// SPDX-License-Identifier: GPL-3.0-or-later
// Valid policies: what the struct holds after loading, defaults, path resolution, lookups.
#include <arpa/inet.h>
#include <linux/input-event-codes.h>
#include <limits.h>
#include <unistd.h>

#include "base/strutil.h"
#include "policy_test.h"

static char data_dir[PATH_MAX];

static struct sc_policy *load_fixture(const char *name)
{
	char path[PATH_MAX + 64];
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	int rc = sc_policy_load(path, false, &p, &errors);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		print_errors(&errors);
	sc_policy_errors_free(&errors);
	return p;
}

static void path_in_data(char *out, size_t outsz, const char *rel)
{
	snprintf(out, outsz, "%s/%s", data_dir, rel);
}

static void test_minimal_defaults(void)
{
	struct sc_policy *p = load_fixture("minimal.yaml");
	if (!p)
		return;
	char expect[PATH_MAX + 64], buf[64];
	CHECK(strcmp(p->site_name, "paris") == 0);
	path_in_data(expect, sizeof(expect), "minimal.yaml");
	CHECK(strcmp(p->source_file, expect) == 0);
	// tunnel defaults
	CHECK(strcmp(p->tunnel.interface, "sc0") == 0);
	CHECK_EQ_INT(p->tunnel.backend, SC_BACKEND_AUTO);
	CHECK_EQ_INT(p->tunnel.listen_port, 51820);
	CHECK_EQ_INT(p->tunnel.mtu, 0);
	CHECK_EQ_INT(p->tunnel.stale_after_s, 180);
	CHECK(strcmp(sc_prefix_format(&p->tunnel.address, buf, sizeof(buf)), "10.77.0.1/24") == 0);
	CHECK_EQ_INT(p->tunnel.n_peers, 1);
	CHECK(strcmp(p->tunnel.peers[0].name, "lyon") == 0);
	CHECK(!p->tunnel.peers[0].has_endpoint);
	CHECK_EQ_INT(p->tunnel.peers[0].persistent_keepalive_s, 25);
	CHECK(p->tunnel.peers[0].preshared_key_file[0] == '\0');
	CHECK_EQ_INT(p->tunnel.peers[0].n_allowed_ips, 1);
	CHECK(strcmp(sc_prefix_format(&p->tunnel.peers[0].allowed_ips[0], buf, sizeof(buf)),
		     "10.77.0.2/32") == 0);
	CHECK_EQ_INT(p->tunnel.peers[0].public_key[0], 0x01); // "AcOy" decodes to 01 c3 b2
	CHECK_EQ_INT(p->tunnel.peers[0].public_key[1], 0xc3);
	// relative paths resolved against the policy's directory
	path_in_data(expect, sizeof(expect), "wireguard.key");
	CHECK(strcmp(p->tunnel.private_key_file, expect) == 0);
	path_in_data(expect, sizeof(expect), "ca.crt");
	CHECK(strcmp(p->sip.ca, expect) == 0);
	// sip defaults
	CHECK_EQ_INT(p->sip.port, 5061);
	CHECK_EQ_INT(p->sip.tls_min_version, SC_TLS_1_2);
	CHECK(!p->sip.has_registrar);
	// directory
	CHECK_EQ_INT(p->n_directory, 1);
	CHECK(strcmp(p->directory[0].uri, "sips:lyon@lyon.sealcall.internal") == 0);
	CHECK(!p->directory[0].hotline);
	CHECK(!p->directory[0].has_pin);
	CHECK(strcmp(sc_prefix_format(&p->directory[0].address, buf, sizeof(buf)), "10.77.0.2/32") == 0);
	CHECK(sc_policy_hotline(p) == NULL);
	// media defaults
	CHECK_EQ_INT(p->media.n_codecs, 3);
	CHECK_EQ_INT(p->media.codecs[0], SC_CODEC_OPUS);
	CHECK_EQ_INT(p->media.codecs[1], SC_CODEC_PCMU);
	CHECK_EQ_INT(p->media.codecs[2], SC_CODEC_PCMA);
	CHECK_EQ_INT(p->media.rtp_port_min, 16384);
	CHECK_EQ_INT(p->media.rtp_port_max, 16583);
	CHECK_EQ_INT(p->media.ptime_ms, 20);
	CHECK(!p->media.allow_sdes);
	CHECK_EQ_INT(p->media.zrtp.n_key_agreements, 3);
	CHECK_EQ_INT(p->media.zrtp.key_agreements[0], SC_ZRTP_X255);
	CHECK_EQ_INT(p->media.zrtp.key_agreements[2], SC_ZRTP_DH3K);
	CHECK_EQ_INT(p->media.zrtp.n_hashes, 2);
	CHECK_EQ_INT(p->media.zrtp.hashes[0], SC_ZRTP_S256);
	CHECK_EQ_INT(p->media.zrtp.n_ciphers, 2);
	CHECK_EQ_INT(p->media.zrtp.ciphers[0], SC_ZRTP_AES1);
	CHECK_EQ_INT(p->media.zrtp.n_auth_tags, 2);
	CHECK_EQ_INT(p->media.zrtp.auth_tags[0], SC_ZRTP_HS80);
	CHECK_EQ_INT(p->media.zrtp.n_sas_types, 2);
	CHECK_EQ_INT(p->media.zrtp.sas_types[0], SC_ZRTP_B32);
	CHECK(strcmp(p->media.zrtp.cache_file, "/var/lib/sealcall/zrtp-cache") == 0);
	// rules and audio defaults
	CHECK(p->rules.require_tunnel);
	CHECK(!p->rules.require_verified_sas);
	CHECK_EQ_INT(p->rules.on_cache_mismatch, SC_MISMATCH_HANGUP);
	CHECK(!p->rules.accept_unknown_callers);
	CHECK(!p->rules.auto_answer);
	CHECK(strcmp(p->audio.device, "auto") == 0);
	CHECK(p->audio.input_device[0] == '\0');
	CHECK_EQ_INT(p->audio.on_unplug, SC_UNPLUG_CONTINUE);
	CHECK_EQ_INT(p->audio.volume_percent, 80);
	CHECK_EQ_INT(p->audio.buttons.n_call, 2);
	CHECK_EQ_INT(p->audio.buttons.call[0], KEY_PLAYPAUSE);
	CHECK_EQ_INT(p->audio.buttons.call[1], KEY_PHONE);
	CHECK_EQ_INT(p->audio.buttons.n_mute, 1);
	CHECK_EQ_INT(p->audio.buttons.mute[0], KEY_MICMUTE);
	CHECK_EQ_INT(p->audio.buttons.long_press_ms, 1500);
	sc_policy_free(p);
}

static void test_full(void)
{
	struct sc_policy *p = load_fixture("full.yaml");
	if (!p)
		return;
	char expect[PATH_MAX + 64], buf[64];
	CHECK(strcmp(p->site_name, "paris-2") == 0);
	CHECK(strcmp(p->tunnel.interface, "wg-paris") == 0);
	CHECK_EQ_INT(p->tunnel.backend, SC_BACKEND_USERSPACE);
	CHECK_EQ_INT(p->tunnel.listen_port, 51999);
	CHECK_EQ_INT(p->tunnel.mtu, 1380);
	CHECK_EQ_INT(p->tunnel.stale_after_s, 120);
	path_in_data(expect, sizeof(expect), "keys/wireguard.key");
	CHECK(strcmp(p->tunnel.private_key_file, expect) == 0);
	CHECK_EQ_INT(p->tunnel.n_peers, 2);
	const struct sc_peer *hub = &p->tunnel.peers[0], *lyon = &p->tunnel.peers[1];
	CHECK(hub->has_endpoint);
	CHECK(strcmp(hub->endpoint_host, "hub.example.net") == 0);
	CHECK_EQ_INT(hub->endpoint_port, 51820);
	CHECK_EQ_INT(hub->n_allowed_ips, 2);
	CHECK(strcmp(sc_prefix_format(&hub->allowed_ips[1], buf, sizeof(buf)), "10.77.1.0/24") == 0);
	CHECK_EQ_INT(hub->persistent_keepalive_s, 15);
	path_in_data(expect, sizeof(expect), "keys/hub.psk");
	CHECK(strcmp(hub->preshared_key_file, expect) == 0);
	CHECK(strcmp(lyon->endpoint_host, "198.51.100.7") == 0);
	CHECK_EQ_INT(lyon->persistent_keepalive_s, 0);
	CHECK_EQ_INT(lyon->n_allowed_ips, 1);

	CHECK_EQ_INT(p->sip.port, 5062);
	CHECK_EQ_INT(p->sip.tls_min_version, SC_TLS_1_3);
	path_in_data(expect, sizeof(expect), "tls/site.key"); // "./tls/../tls/site.key" normalised
	CHECK(strcmp(p->sip.private_key, expect) == 0);
	CHECK(strcmp(p->sip.ca, "/etc/sealcall/ca.crt") == 0);
	CHECK(p->sip.has_registrar);
	CHECK(strcmp(p->sip.registrar.uri, "sips:hub.sealcall.internal:5070") == 0);
	CHECK(strcmp(p->sip.registrar.host, "hub.sealcall.internal") == 0);
	CHECK_EQ_INT(p->sip.registrar.port, 5070);
	CHECK(strcmp(sc_prefix_format(&p->sip.registrar.address, buf, sizeof(buf)), "10.77.0.126/32") == 0);
	CHECK(strcmp(p->sip.registrar.username, "paris.site") == 0);
	path_in_data(expect, sizeof(expect), "registrar.password");
	CHECK(strcmp(p->sip.registrar.password_file, expect) == 0);
	CHECK_EQ_INT(p->sip.registrar.expires_s, 3600);

	CHECK_EQ_INT(p->n_directory, 2);
	CHECK(p->directory[0].has_pin);
	CHECK_EQ_INT(p->directory[0].spki_sha256[0], 0x1a); // "GrKN" decodes to 1a b2 8d
	CHECK_EQ_INT(p->directory[0].spki_sha256[1], 0xb2);
	const struct sc_directory_entry *hot = sc_policy_hotline(p);
	CHECK(hot && strcmp(hot->name, "nice") == 0);
	CHECK(sc_policy_directory_find(p, "lyon") == &p->directory[0]);
	CHECK(sc_policy_directory_find(p, "nowhere") == NULL);

	CHECK_EQ_INT(p->media.n_codecs, 2);
	CHECK_EQ_INT(p->media.codecs[0], SC_CODEC_PCMA);
	CHECK_EQ_INT(p->media.codecs[1], SC_CODEC_PCMU);
	CHECK_EQ_INT(p->media.rtp_port_min, 20000);
	CHECK_EQ_INT(p->media.rtp_port_max, 20099);
	CHECK_EQ_INT(p->media.ptime_ms, 10);
	CHECK(p->media.allow_sdes);
	CHECK_EQ_INT(p->media.zrtp.n_key_agreements, 1);
	CHECK_EQ_INT(p->media.zrtp.key_agreements[0], SC_ZRTP_DH3K);
	CHECK_EQ_INT(p->media.zrtp.hashes[0], SC_ZRTP_S384);
	CHECK_EQ_INT(p->media.zrtp.n_ciphers, 1);
	CHECK_EQ_INT(p->media.zrtp.ciphers[0], SC_ZRTP_AES3);
	CHECK_EQ_INT(p->media.zrtp.auth_tags[0], SC_ZRTP_HS32);
	CHECK_EQ_INT(p->media.zrtp.sas_types[0], SC_ZRTP_B256);
	CHECK_EQ_INT(p->media.zrtp.n_sas_types, 1);
	path_in_data(expect, sizeof(expect), "state/zrtp-cache");
	CHECK(strcmp(p->media.zrtp.cache_file, expect) == 0);

	CHECK(!p->rules.require_tunnel);
	CHECK(p->rules.require_verified_sas);
	CHECK_EQ_INT(p->rules.on_cache_mismatch, SC_MISMATCH_WARN);
	CHECK(p->rules.accept_unknown_callers);
	CHECK(p->rules.auto_answer);

	CHECK(strcmp(p->audio.device, "hw:CARD=Headset,DEV=0") == 0);
	CHECK(strcmp(p->audio.input_device, "/dev/input/by-id/usb-headset-event-if03") == 0);
	CHECK_EQ_INT(p->audio.on_unplug, SC_UNPLUG_HANGUP);
	CHECK_EQ_INT(p->audio.volume_percent, 55);
	CHECK_EQ_INT(p->audio.buttons.n_call, 2);
	CHECK_EQ_INT(p->audio.buttons.call[0], KEY_PICKUP_PHONE);
	CHECK_EQ_INT(p->audio.buttons.call[1], BTN_0);
	CHECK_EQ_INT(p->audio.buttons.n_mute, 0);
	CHECK_EQ_INT(p->audio.buttons.long_press_ms, 2500);

	// Lookups across the peers: most specific prefix, nothing outside.
	uint8_t a[4];
	inet_pton(AF_INET, "10.77.1.3", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET, a) == hub);
	inet_pton(AF_INET, "10.77.0.200", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET, a) == lyon);
	inet_pton(AF_INET, "10.77.0.128", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET, a) == NULL);
	inet_pton(AF_INET, "10.77.0.127", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET, a) == hub);
	CHECK(sc_policy_peer_for_address(p, AF_INET6, a) == NULL);
	sc_policy_free(p);
}

static void test_ipv6(void)
{
	struct sc_policy *p = load_fixture("ipv6.yaml");
	if (!p)
		return;
	char buf[64];
	CHECK_EQ_INT(p->tunnel.address.family, AF_INET6);
	CHECK(strcmp(sc_prefix_format(&p->tunnel.address, buf, sizeof(buf)), "fd77::1/64") == 0);
	const struct sc_peer *lyon = &p->tunnel.peers[0], *nice = &p->tunnel.peers[1];
	CHECK(strcmp(lyon->endpoint_host, "2001:db8::7") == 0); // brackets removed
	CHECK_EQ_INT(lyon->endpoint_port, 51820);
	CHECK(strcmp(sc_prefix_format(&lyon->allowed_ips[1], buf, sizeof(buf)), "fd78::/48") == 0);
	CHECK_EQ_INT(nice->allowed_ips[1].family, AF_INET);
	CHECK(strcmp(sc_prefix_format(&p->directory[1].address, buf, sizeof(buf)), "fd77::3/128") == 0);
	CHECK(strcmp(p->directory[0].uri, "sips:lyon@[fd77::2]:5061") == 0);
	uint8_t a[16];
	inet_pton(AF_INET6, "fd78:0:0:ffff::1", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET6, a) == lyon);
	inet_pton(AF_INET6, "fd78:1::1", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET6, a) == NULL);
	inet_pton(AF_INET6, "fd77::3", a);
	CHECK(sc_policy_peer_for_address(p, AF_INET6, a) == nice);
	CHECK(strcmp(sc_policy_hotline(p)->name, "lyon") == 0);
	sc_policy_free(p);
}

static void test_prefix_helpers(void)
{
	struct sc_prefix net = { .family = AF_INET, .prefix_len = 25 };
	uint8_t a[16] = { 0 };
	char buf[64];
	inet_pton(AF_INET, "192.0.2.0", net.addr);
	inet_pton(AF_INET, "192.0.2.127", a);
	CHECK(sc_prefix_contains(&net, AF_INET, a));
	inet_pton(AF_INET, "192.0.2.128", a);
	CHECK(!sc_prefix_contains(&net, AF_INET, a));
	CHECK(!sc_prefix_contains(&net, AF_INET6, a));
	net.prefix_len = 0;
	CHECK(sc_prefix_contains(&net, AF_INET, a));
	net.prefix_len = 32;
	CHECK(!sc_prefix_contains(&net, AF_INET, a));
	CHECK(strcmp(sc_prefix_format(&net, buf, sizeof(buf)), "192.0.2.0/32") == 0);
	struct sc_prefix v6 = { .family = AF_INET6, .prefix_len = 127 };
	inet_pton(AF_INET6, "2001:db8::", v6.addr);
	inet_pton(AF_INET6, "2001:db8::1", a);
	CHECK(sc_prefix_contains(&v6, AF_INET6, a));
	inet_pton(AF_INET6, "2001:db8::2", a);
	CHECK(!sc_prefix_contains(&v6, AF_INET6, a));
	CHECK(strcmp(sc_prefix_format(&v6, buf, sizeof(buf)), "2001:db8::/127") == 0);
	CHECK(sc_policy_peer_for_address(NULL, AF_INET, a) == NULL);
	CHECK(sc_policy_hotline(NULL) == NULL);
}

static void test_key_names(void)
{
	CHECK(strcmp(sc_policy_key_name(KEY_PLAYPAUSE), "KEY_PLAYPAUSE") == 0);
	CHECK(strcmp(sc_policy_key_name(KEY_MICMUTE), "KEY_MICMUTE") == 0);
	CHECK(strcmp(sc_policy_key_name(BTN_0), "BTN_0") == 0);
	CHECK(sc_policy_key_name(KEY_A) == NULL);
	// Every name the documentation promises is accepted, with its kernel code.
	char *yaml = edit(base_policy, "    address: 10.77.0.2\n",
			  "    address: 10.77.0.2\naudio:\n  buttons:\n"
			  "    call: [KEY_PHONE, KEY_MEDIA, KEY_PLAYCD, KEY_PAUSECD, KEY_NEXTSONG, KEY_PREVIOUSSONG, KEY_STOPCD, BTN_9]\n"
			  "    mute: [KEY_MUTE, KEY_VOLUMEUP, KEY_VOLUMEDOWN, KEY_MICMUTE]\n");
	struct sc_policy *p = load_ok("keys.yaml", yaml);
	if (p) {
		CHECK_EQ_INT(p->audio.buttons.n_call, 8);
		CHECK_EQ_INT(p->audio.buttons.call[1], KEY_MEDIA);
		CHECK_EQ_INT(p->audio.buttons.call[5], KEY_PREVIOUSSONG);
		CHECK_EQ_INT(p->audio.buttons.call[7], BTN_9);
		CHECK_EQ_INT(p->audio.buttons.mute[2], KEY_VOLUMEDOWN);
	}
	sc_policy_free(p);
	free(yaml);
}

static void test_buffer_name_resolution(void)
{
	char cwd[PATH_MAX], expect[PATH_MAX + 64];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	struct sc_policy *p = load_ok("bundle/paris/sealcall.yaml", base_policy);
	if (!p)
		return;
	snprintf(expect, sizeof(expect), "%s/bundle/paris/wg.key", cwd);
	CHECK(strcmp(p->tunnel.private_key_file, expect) == 0);
	snprintf(expect, sizeof(expect), "%s/bundle/paris/sealcall.yaml", cwd);
	CHECK(strcmp(p->source_file, expect) == 0);
	sc_policy_free(p);
	p = load_ok("/srv/site/../bundle/policy.yaml", base_policy);
	if (p)
		CHECK(strcmp(p->sip.certificate, "/srv/bundle/site.crt") == 0);
	sc_policy_free(p);
}

static void test_yaml_forms(void)
{
	// Flow mappings, quoted scalars, comments, a document marker and a BOM are all plain YAML.
	const char *yaml =
		"\xef\xbb\xbf---\n"
		"# comment\n"
		"site: {name: 'paris'}\n"
		"tunnel: {private_key_file: \"wg.key\", address: 10.77.0.1/24, listen_port: '51821',\n"
		"  peers: [{name: lyon, public_key: AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=, allowed_ips: [10.77.0.2]}]}\n"
		"sip: {certificate: a.crt, private_key: a.key, ca: ca.crt, tls_min_version: 1.2}\n"
		"directory: [{name: lyon, uri: 'sips:lyon@10.77.0.2', address: 10.77.0.2, hotline: True}]\n"
		"...\n";
	struct sc_policy *p = load_ok("/x/flow.yaml", yaml);
	if (p) {
		CHECK_EQ_INT(p->tunnel.listen_port, 51821);
		CHECK_EQ_INT(p->tunnel.peers[0].allowed_ips[0].prefix_len, 32);
		CHECK_EQ_INT(p->sip.tls_min_version, SC_TLS_1_2);
		CHECK(p->directory[0].hotline);
	}
	sc_policy_free(p);
}

static void test_errors_print(void)
{
	char *yaml = edit(base_policy, "  address: 10.77.0.1/24\n", "  address: 10.77.0.1/24\n  mtuu: 1400\n");
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	CHECK_EQ_INT(sc_policy_load_buffer("print.yaml", yaml, strlen(yaml), false, &p, &errors), -EINVAL);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	CHECK(mem != NULL);
	if (mem) {
		sc_policy_errors_print(&errors, mem);
		fclose(mem);
		CHECK(text && strcmp(text, "print.yaml:6:3: tunnel.mtuu: unknown key 'mtuu'; did you mean 'mtu'?\n") == 0);
		if (text)
			fprintf(stderr, "printed: %s", text);
	}
	free(text);
	sc_policy_errors_free(&errors);
	free(yaml);
	// Errors may be ignored by passing NULL.
	CHECK_EQ_INT(sc_policy_load_buffer("x.yaml", "site: 1", 7, false, &p, NULL), -EINVAL);
	CHECK(p == NULL);
}

// A hub-sized policy at the limits: 1024 peers with 64 host routes each and 1024 sites.
// EXTRA is appended to the last peer's allowed_ips.
static char *big_policy(const char *extra)
{
	size_t cap = 1024 * 1100 + 1024 * 120 + 512;
	char *yaml = malloc(cap);
	if (!yaml)
		return NULL;
	size_t used = (size_t)snprintf(yaml, cap,
				       "site: {name: hub}\ntunnel:\n  private_key_file: k\n  address: 10.255.0.1/16\n  peers:\n");
	for (unsigned i = 0; i < 1024; i++) {
		uint8_t raw[32] = { (uint8_t)(i >> 8), (uint8_t)i, 0x5c };
		char key[48];
		sc_base64_encode(raw, sizeof(raw), key, sizeof(key));
		used += (size_t)snprintf(yaml + used, cap - used, "    - {name: site%u, public_key: %s, allowed_ips: [", i, key);
		// The last peer gives its 64th slot to EXTRA, staying at the limit.
		unsigned hosts = i == 1023 && extra ? 63 : 64;
		for (unsigned k = 0; k < hosts; k++) {
			unsigned host = i * 64 + k;
			used += (size_t)snprintf(yaml + used, cap - used, "%s10.0.%u.%u", k ? "," : "", host >> 8, host & 255);
		}
		used += (size_t)snprintf(yaml + used, cap - used, "%s%s]}\n", i == 1023 && extra ? "," : "",
					 i == 1023 && extra ? extra : "");
	}
	used += (size_t)snprintf(yaml + used, cap - used, "sip: {certificate: c, private_key: k, ca: ca}\ndirectory:\n");
	for (unsigned i = 0; i < 1024; i++)
		used += (size_t)snprintf(yaml + used, cap - used,
					 "  - {name: site%u, uri: 'sips:site%u@site%u.example', address: 10.0.%u.%u}\n", i, i,
					 i, (i * 64) >> 8, (i * 64) & 255);
	CHECK(used < cap);
	return yaml;
}

static void test_scale(void)
{
	char *yaml = big_policy(NULL);
	struct sc_policy *p = yaml ? load_ok("big.yaml", yaml) : NULL;
	if (p) {
		CHECK_EQ_INT(p->tunnel.n_peers, 1024);
		CHECK_EQ_INT(p->n_directory, 1024);
		uint8_t a[4] = { 10, 0, 255, 255 };
		const struct sc_peer *peer = sc_policy_peer_for_address(p, AF_INET, a);
		CHECK(peer && strcmp(peer->name, "site1023") == 0);
	}
	sc_policy_free(p);
	free(yaml);
	// One overlapping route among 65537 is found and named.
	yaml = big_policy("10.0.0.0/30");
	struct sc_policy_errors errors = { 0 };
	p = NULL;
	if (yaml) {
		CHECK_EQ_INT(sc_policy_load_buffer("big.yaml", yaml, strlen(yaml), false, &p, &errors), -EINVAL);
		CHECK_EQ_INT(errors.count, 4);
		CHECK(find_error(&errors, "tunnel.peers[1023].allowed_ips[63]",
				 "10.0.0.0/30 overlaps 10.0.0.0/32 of peer 'site0'") != NULL);
		CHECK(find_error(&errors, "tunnel.peers[1023].allowed_ips[63]",
				 "10.0.0.0/30 overlaps 10.0.0.3/32 of peer 'site0'") != NULL);
	}
	sc_policy_errors_free(&errors);
	free(yaml);
}

int main(void)
{
	const char *data = getenv("SC_TEST_DATA");
	snprintf(data_dir, sizeof(data_dir), "%s/policy", data ? data : "../../data");
	test_minimal_defaults();
	test_full();
	test_ipv6();
	test_prefix_helpers();
	test_key_names();
	test_buffer_name_resolution();
	test_yaml_forms();
	test_errors_print();
	test_scale();
	return check_done();
}
