// SPDX-License-Identifier: GPL-3.0-or-later
// Every refusal of the schema, each checked for its key, its line and the words of its
// message. Line numbers refer to base_policy in policy_test.h after the edit shown.
#include "policy_test.h"

static void test_base_is_valid(void)
{
	sc_policy_free(load_ok("base.yaml", base_policy));
}

static void test_unknown_keys(void)
{
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.1/24\n  listen_prot: 51820\n",
			  "tunnel.listen_prot", 6, "unknown key 'listen_prot'; did you mean 'listen_port'?");
	expect_edit_error("  ca: ca.crt\n", "  ca: ca.crt\n  colour: blue\n", "sip.colour", 14,
			  "unknown key 'colour'; the keys here are: transport, port, tls_min_version");
	expect_edit_error("    address: 10.77.0.2\n", "    address: 10.77.0.2\nsipp:\n  port: 5061\n",
			  "sipp", 18, "did you mean 'sip'?");
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n",
			  "      allowed_ips: [10.77.0.2/32]\n      Endpoint: 192.0.2.1:51820\n",
			  "tunnel.peers[0].Endpoint", 10, "did you mean 'endpoint'?");
	// A key in the wrong section is unknown there.
	expect_edit_error("  ca: ca.crt\n", "  ca: ca.crt\n  mtu: 1400\n", "sip.mtu", 14, "unknown key 'mtu'");
}

static void test_wrong_types(void)
{
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", "      allowed_ips: 10.77.0.2/32\n",
			  "tunnel.peers[0].allowed_ips", 9, "expected a list of addresses, got a single value");
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: [10.77.0.1/24]\n", "tunnel.address", 5,
			  "expected a single value, got a list");
	expect_edit_error("sip:\n  certificate: site.crt\n  private_key: site.key\n  ca: ca.crt\n", "sip: tls\n",
			  "sip", 10, "expected a mapping with the keys transport, port");
	expect_edit_error("directory:\n  - name: lyon\n    uri: sips:lyon@lyon.sealcall.internal\n    address: 10.77.0.2\n",
			  "directory:\n  name: lyon\n", "directory", 15, "expected a list of sites, got a mapping");
	expect_edit_error("    - name: lyon\n", "    - name: {first: lyon}\n", "tunnel.peers[0].name", 7,
			  "expected a single value, got a mapping");
	expect_error("- site\n- tunnel\n", "", 1, "expected a mapping with the keys site, tunnel");
	expect_edit_error("site:\n  name: paris\n", "site:\n  ? [a, b]\n  : x\n  name: paris\n", "site", 2,
			  "a key must be a plain name");
}

static void test_missing_values(void)
{
	expect_edit_error("  address: 10.77.0.1/24\n", "  address:\n", "tunnel.address", 5, "has no value");
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: ~\n", "tunnel.address", 5, "has no value");
	expect_edit_error("  private_key_file: wg.key\n", "  private_key_file: ''\n", "tunnel.private_key_file", 4,
			  "is an empty path");
}

static void test_missing_required(void)
{
	expect_edit_error("site:\n  name: paris\n", "site: {}\n", "site.name", 1,
			  "missing required key 'name'; add it, e.g. 'name: paris'");
	expect_edit_error("  address: 10.77.0.1/24\n", "", "tunnel.address", 4,
			  "missing required key 'address'; add it, e.g. 'address: 10.77.0.1/24'");
	expect_edit_error("  ca: ca.crt\n", "", "sip.ca", 11, "missing required key 'ca'");
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", "", "tunnel.peers[0].allowed_ips", 7,
			  "missing required key 'allowed_ips'");
	expect_edit_error("directory:\n  - name: lyon\n    uri: sips:lyon@lyon.sealcall.internal\n    address: 10.77.0.2\n",
			  "", "directory", 1, "missing required key 'directory'");
	expect_edit_error("site:\n  name: paris\n", "", "site", 1, "missing required key 'site'");
	expect_edit_error("directory:\n  - name", "directory: []\nx:\n  - name", "directory", 14,
			  "lists 0 sites, at least 1 needed");
}

static void test_out_of_range(void)
{
	const char *after = "  address: 10.77.0.1/24\n";
	expect_edit_error(after, "  address: 10.77.0.1/24\n  listen_port: 70000\n", "tunnel.listen_port", 6,
			  "70000 is out of range; use a whole number from 1 to 65535");
	expect_edit_error(after, "  address: 10.77.0.1/24\n  listen_port: 5l820\n", "tunnel.listen_port", 6,
			  "'5l820' is not a whole number");
	expect_edit_error(after, "  address: 10.77.0.1/24\n  listen_port: -1\n", "tunnel.listen_port", 6,
			  "not a whole number");
	expect_edit_error(after, "  address: 10.77.0.1/24\n  stale_after: 5\n", "tunnel.stale_after", 6,
			  "from 10 to 600");
	expect_edit_error(after, "  address: 10.77.0.1/24\n  mtu: 1000\n", "tunnel.mtu", 6,
			  "write auto (the underlay's MTU minus 80) or a number from 1280 to 9000");
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n",
			  "      allowed_ips: [10.77.0.2/32]\n      persistent_keepalive: 4000\n",
			  "tunnel.peers[0].persistent_keepalive", 10, "from 0 to 3600");
	const char *end = "    address: 10.77.0.2\n";
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  volume: 101\n", "audio.volume", 19, "from 0 to 100");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  buttons:\n    long_press_ms: 100\n",
			  "audio.buttons.long_press_ms", 20, "from 300 to 10000");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  ptime: 30\n", "media.ptime", 19, "use 10 or 20");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  rtp_port_min: 16385\n", "media.rtp_port_min", 19,
			  "16385 is odd");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  rtp_port_min: 80\n", "media.rtp_port_min", 19,
			  "from 1024 to 65534");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  rtp_port_min: 20000\n  rtp_port_max: 19000\n",
			  "media.rtp_port_max", 20, "rtp_port_max (19000) must be above rtp_port_min (20000)");
	expect_edit_error(after, "  address: 10.77.0.1/24\n  listen_port: 16400\n", "tunnel.listen_port", 6,
			  "WireGuard's UDP port 16400 lies inside the RTP range 16384-16583");
}

static void test_wrong_words(void)
{
	const char *end = "    address: 10.77.0.2\n";
	expect_edit_error(end, "    address: 10.77.0.2\nrules:\n  auto_answer: yes\n", "rules.auto_answer", 19,
			  "'yes' is not a boolean; write true or false");
	expect_edit_error(end, "    address: 10.77.0.2\nrules:\n  on_cache_mismatch: ignore\n",
			  "rules.on_cache_mismatch", 19, "use hangup or warn");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  on_unplug: pause\n", "audio.on_unplug", 19,
			  "use continue or hangup");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  device: my headset\n", "audio.device", 19,
			  "is not an ALSA device name");
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.1/24\n  backend: wireguard\n",
			  "tunnel.backend", 6, "use auto, kernel or userspace");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  codecs: [g729]\n", "media.codecs[0]", 19,
			  "use opus, pcmu or pcma");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  codecs: [opus, pcmu, opus]\n", "media.codecs[2]", 19,
			  "'opus' is listed twice");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  codecs: []\n", "media.codecs", 19, "at least 1 needed");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  zrtp:\n    key_agreements: [dh2k]\n",
			  "media.zrtp.key_agreements[0]", 20, "use dh3k, ec25 or x255");
	expect_edit_error(end, "    address: 10.77.0.2\nmedia:\n  zrtp:\n    sas_types: b32\n", "media.zrtp.sas_types", 20,
			  "expected a list of names");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  buttons:\n    call: [KEY_PLAYPAUS]\n",
			  "audio.buttons.call[0]", 20, "unknown key name 'KEY_PLAYPAUS'; did you mean KEY_PLAYPAUSE?");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  buttons:\n    call: [KEY_LAUNCH_ROCKET]\n",
			  "audio.buttons.call[0]", 20, "use an evdev name as 'evtest' prints it");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  buttons:\n    call: [KEY_PHONE, KEY_MUTE]\n    mute: [KEY_MUTE]\n",
			  "audio.buttons.mute[0]", 21, "KEY_MUTE is bound to both call and mute");
	expect_edit_error(end, "    address: 10.77.0.2\naudio:\n  buttons:\n    call: []\n", "audio.buttons.call", 20,
			  "at least 1 needed");
}

static void test_names_and_keys(void)
{
	expect_edit_error("  name: paris\n", "  name: Paris\n", "site.name", 2, "'Paris' is not a valid name");
	expect_edit_error("  name: paris\n", "  name: 9paris\n", "site.name", 2, "starting with a letter");
	expect_edit_error("  name: paris\n", "  name: abcdefghijabcdefghijabcdefghijabc\n", "site.name", 2,
			  "use 1 to 32 lowercase letters");
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.1/24\n  interface: --help\n",
			  "tunnel.interface", 6, "is not a valid interface name");
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.1/24\n  interface: sealcall-tunnel0\n",
			  "tunnel.interface", 6, "use 1 to 15 letters");
	expect_edit_error(lyon_key, "notakey", "tunnel.peers[0].public_key", 8,
			  "'notakey' is not a WireGuard key; expected 44 characters of base64");
	expect_edit_error(lyon_key, "AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTy*=", "tunnel.peers[0].public_key", 8,
			  "is not a WireGuard key");
	// 32 bytes need 43 characters and one '='; two '=' are 31 bytes.
	expect_edit_error(lyon_key, "AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTw==", "tunnel.peers[0].public_key", 8,
			  "is not a WireGuard key");
	expect_edit_error("    address: 10.77.0.2\n", "    address: 10.77.0.2\n    tls_pin: sha1//abc\n",
			  "directory[0].tls_pin", 18, "is not a pin; write sha256//");
	expect_edit_error("    - name: lyon\n", "    - name: paris\n", "tunnel.peers[0].name", 7,
			  "peer 'paris' has this site's own name");
}

static void test_duplicates(void)
{
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.1/24\n  address: 10.77.0.9/24\n",
			  "tunnel.address", 6, "key 'address' appears twice in this mapping (first at line 5)");
	char second_peer[256];
	snprintf(second_peer, sizeof(second_peer),
		 "      allowed_ips: [10.77.0.2/32]\n    - name: lyon\n      public_key: %s\n      allowed_ips: [10.77.0.3/32]\n",
		 nice_key);
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", second_peer, "tunnel.peers[1].name", 10,
			  "peer name 'lyon' is already used by tunnel.peers[0] (line 7)");
	snprintf(second_peer, sizeof(second_peer),
		 "      allowed_ips: [10.77.0.2/32]\n    - name: nice\n      public_key: %s\n      allowed_ips: [10.77.0.3/32]\n",
		 lyon_key);
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", second_peer, "tunnel.peers[1].public_key", 11,
			  "this public key is already peer 'lyon''s");
	const char *end = "    address: 10.77.0.2\n";
	expect_edit_error(end, "    address: 10.77.0.2\n  - name: lyon\n    uri: sips:lyon@lyon2.sealcall.internal\n    address: 10.77.0.3\n",
			  "directory[1].name", 18, "'lyon' is already the name of directory[0] (line 15)");
	expect_edit_error(end, "    address: 10.77.0.2\n  - name: lyon2\n    uri: sips:lyon2@lyon.sealcall.internal\n    address: 10.77.0.2/32\n",
			  "directory[1].address", 20, "10.77.0.2/32 is already the address of 'lyon'");
	char *two = edit(base_policy, "[10.77.0.2/32]", "[10.77.0.2/32, 10.77.0.3/32]");
	char *yaml = edit(two, end,
			  "    address: 10.77.0.2\n    hotline: true\n  - name: nice\n    uri: sips:nice@nice.sealcall.internal\n"
			  "    address: 10.77.0.3\n    hotline: true\n");
	expect_error(yaml, "directory[1].hotline", 22, "more than one hotline ('lyon' at line 15 already is)");
	free(yaml);
	free(two);
}

static void test_overlaps_and_reach(void)
{
	char peer[256];
	snprintf(peer, sizeof(peer),
		 "      allowed_ips: [10.77.0.2/32]\n    - name: nice\n      public_key: %s\n      allowed_ips: [10.77.1.0/24, 10.77.0.0/24]\n",
		 nice_key);
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", peer, "tunnel.peers[1].allowed_ips[1]", 12,
			  "10.77.0.0/24 overlaps 10.77.0.2/32 of peer 'lyon' (tunnel.peers[0].allowed_ips[0], line 9)");
	snprintf(peer, sizeof(peer),
		 "      allowed_ips: [fd00::/8]\n    - name: nice\n      public_key: %s\n      allowed_ips:\n        - fd77::2\n",
		 nice_key);
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", peer, "tunnel.peers[1].allowed_ips[0]", 13,
			  "fd77::2/128 overlaps fd00::/8 of peer 'lyon'");
	snprintf(peer, sizeof(peer),
		 "      allowed_ips: [10.77.0.2/32]\n    - name: nice\n      public_key: %s\n      allowed_ips: [10.77.0.2]\n",
		 nice_key);
	expect_edit_error("      allowed_ips: [10.77.0.2/32]\n", peer, "tunnel.peers[1].allowed_ips[0]", 12,
			  "10.77.0.2/32 overlaps 10.77.0.2/32 of peer 'lyon'");
	expect_edit_error("[10.77.0.2/32]", "[10.77.0.2/24]", "tunnel.peers[0].allowed_ips[0]", 9,
			  "has bits set beyond its /24 prefix; write the subnet 10.77.0.0/24, or /32 for one address");
	expect_edit_error("[10.77.0.2/32]", "[0.0.0.0/0]", "tunnel.peers[0].allowed_ips[0]", 9,
			  "would route every address");
	expect_edit_error("[10.77.0.2/32]", "[10.77.0.300/32]", "tunnel.peers[0].allowed_ips[0]", 9,
			  "is not an IPv4 or IPv6 address");
	expect_edit_error("[10.77.0.2/32]", "[10.77.0.2/33]", "tunnel.peers[0].allowed_ips[0]", 9,
			  "prefix length outside /0../32");
	expect_edit_error("    address: 10.77.0.2\n", "    address: 10.77.0.9\n", "directory[0].address", 17,
			  "10.77.0.9/32 is outside every peer's allowed_ips, so calls to this site would leave the tunnel");
	expect_edit_error("  ca: ca.crt\n",
			  "  ca: ca.crt\n  registrar:\n    uri: sips:hub.sealcall.internal\n    address: 10.77.0.254\n    password_file: reg.pw\n",
			  "sip.registrar.address", 16, "10.77.0.254/32 is outside every peer's allowed_ips");
	expect_edit_error("    address: 10.77.0.2\n", "    address: 10.77.0.0/24\n", "directory[0].address", 17,
			  "must be one address (/32 or /128), not a subnet");
}

static void test_addresses_and_endpoints(void)
{
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.1\n", "tunnel.address", 5,
			  "needs a prefix length");
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: 10.77.0.0/24\n", "tunnel.address", 5,
			  "is the subnet itself");
	const char *at = "      allowed_ips: [10.77.0.2/32]\n";
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: 2001:db8::7:51820\n",
			  "tunnel.peers[0].endpoint", 10, "has an IPv6 address without brackets");
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: 198.51.100.7\n",
			  "tunnel.peers[0].endpoint", 10, "needs a port");
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: 198.51.100.7:0\n",
			  "tunnel.peers[0].endpoint", 10, "port that is not a number from 1 to 65535");
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: under_score.example:51820\n",
			  "tunnel.peers[0].endpoint", 10, "neither an IP address nor a valid DNS name");
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: 10.77.0.300:51820\n",
			  "tunnel.peers[0].endpoint", 10, "neither an IP address nor a valid DNS name");
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: \"[2001:db8::zz]:51820\"\n",
			  "tunnel.peers[0].endpoint", 10, "invalid IPv6 address");
	// Unquoted, YAML reads [2001:db8::7] as a list and the rest as a syntax error.
	expect_edit_error(at, "      allowed_ips: [10.77.0.2/32]\n      endpoint: [2001:db8::7]:51820\n",
			  "tunnel.peers[0]", 10, "YAML syntax error");
}

static void test_unencrypted_signaling(void)
{
	const char *ca = "  ca: ca.crt\n";
	expect_edit_error(ca, "  ca: ca.crt\n  transport: udp\n", "sip.transport", 14,
			  "sealcall refuses unencrypted signaling: SIP over UDP exposes who calls whom");
	expect_edit_error(ca, "  ca: ca.crt\n  transport: tcp\n", "sip.transport", 14,
			  "sealcall refuses unencrypted signaling: SIP over TCP");
	expect_edit_error(ca, "  ca: ca.crt\n  transport: ws\n", "sip.transport", 14,
			  "sealcall refuses unencrypted signaling: transport 'ws' is not TLS");
	expect_edit_error(ca, "  ca: ca.crt\n  transport: tcp\n", "sip.transport", 14, "use transport: tls");
	expect_edit_error(ca, "  ca: ca.crt\n  tls_min_version: \"1.1\"\n", "sip.tls_min_version", 14,
			  "sealcall refuses unencrypted signaling: '1.1' allows SSL 3.0 or TLS 1.0/1.1");
	expect_edit_error(ca, "  ca: ca.crt\n  tls_min_version: 1.0\n", "sip.tls_min_version", 14,
			  "sealcall refuses unencrypted signaling");
	expect_edit_error(ca, "  ca: ca.crt\n  tls_min_version: none\n", "sip.tls_min_version", 14,
			  "sealcall refuses unencrypted signaling");
	expect_edit_error(ca, "  ca: ca.crt\n  tls_min_version: \"2\"\n", "sip.tls_min_version", 14,
			  "'2' is not a TLS version");
	expect_edit_error("sips:lyon@", "sip:lyon@", "directory[0].uri", 16,
			  "sealcall refuses unencrypted signaling: 'sip:lyon@lyon.sealcall.internal' uses the sip: scheme");
	expect_edit_error("sealcall.internal\n    address", "sealcall.internal;transport=tcp\n    address",
			  "directory[0].uri", 16, "sealcall refuses unencrypted signaling");
	expect_edit_error("sealcall.internal\n    address", "sealcall.internal;transport=tls\n    address",
			  "directory[0].uri", 16, "has URI parameters or headers");
#define REGISTRAR(uri) "  ca: ca.crt\n  registrar:\n    uri: " uri "\n    address: 10.77.0.2\n    password_file: pw\n"
	expect_edit_error(ca, REGISTRAR("sip:hub.sealcall.internal:5060"), "sip.registrar.uri", 15,
			  "sealcall refuses unencrypted signaling: 'sip:hub.sealcall.internal:5060' uses the sip: scheme");
	expect_edit_error(ca, REGISTRAR("sips:hub.sealcall.internal;transport=udp"), "sip.registrar.uri", 15,
			  "sealcall refuses unencrypted signaling");
	expect_edit_error(ca, REGISTRAR("https://hub.sealcall.internal"), "sip.registrar.uri", 15,
			  "is not a sips: URI");
#undef REGISTRAR
}

static void test_uris_and_registrar(void)
{
	expect_edit_error("sips:lyon@lyon.sealcall.internal", "sips:lyon.sealcall.internal", "directory[0].uri", 16,
			  "has no user part");
	expect_edit_error("sips:lyon@lyon.sealcall.internal", "sips:ly on@lyon.sealcall.internal", "directory[0].uri", 16,
			  "has a user part that is not");
	expect_edit_error("sips:lyon@lyon.sealcall.internal", "sips:lyon@lyon.sealcall.internal:99999",
			  "directory[0].uri", 16, "port that is not a number");
	const char *ca = "  ca: ca.crt\n";
	expect_edit_error(ca, "  ca: ca.crt\n  registrar:\n    uri: sips:hub\n    address: 10.77.0.2\n    password_file: pw\n    expires: 10\n",
			  "sip.registrar.expires", 18, "from 60 to 86400");
	expect_edit_error(ca, "  ca: ca.crt\n  registrar:\n    uri: sips:hub\n    address: 10.77.0.2\n    password_file: pw\n    username: a b\n",
			  "sip.registrar.username", 18, "is not a valid SIP user name");
	expect_edit_error(ca, "  ca: ca.crt\n  registrar:\n    uri: sips:hub\n    address: 10.77.0.2\n",
			  "sip.registrar.password_file", 15, "missing required key 'password_file'");
}

static void test_yaml_refusals(void)
{
	expect_edit_error("  address: 10.77.0.1/24\n", "  address: &addr 10.77.0.1/24\n", "tunnel.address", 5,
			  "YAML anchors (&addr) are refused");
	expect_edit_error("    address: 10.77.0.2\n", "    address: *lyon\n", "directory[0].address", 17,
			  "YAML aliases (*lyon) are refused");
	expect_edit_error("  name: paris\n", "  name: !!str paris\n", "site.name", 2,
			  "YAML tags (tag:yaml.org,2002:str) are refused");
	expect_edit_error("  name: paris\n", "  name: \"par\\0is\"\n", "site.name", 2, "contains a NUL character");
	// An alias bomb is refused at its first anchor, without expanding anything.
	expect_error("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
		     "a", 1, "YAML anchors (&a) are refused");
	expect_edit_error("site:\n  name: paris\n", "site:\n\tname: paris\n", "", 2, "YAML syntax error");
	expect_edit_error("    address: 10.77.0.2\n", "    address: 10.77.0.2\n---\nsite: {name: x}\n", "", 18,
			  "a second YAML document starts here");
	expect_error("", "", 1, "the policy is empty");
	expect_error("# only a comment\n", "", 1, "the policy is empty");
	expect_edit_error("  name: paris\n", "  name: [[[[[[[[[[[[[[[[[[[[paris]]]]]]]]]]]]]]]]]]]]\n", "site.name", 2,
			  "nested deeper than 16 levels");
}

static void test_limits(void)
{
	// Over 1 MiB: refused before parsing.
	size_t big = 1024 * 1024 + 1;
	char *yaml = malloc(big + 1);
	if (!yaml)
		return;
	memset(yaml, '#', big);
	yaml[big] = '\0';
	expect_error(yaml, "", 0, "over the 1048576 byte (1 MiB) limit");
	free(yaml);

	char path[400] = "  private_key_file: /";
	memset(path + strlen(path), 'k', 300);
	path[21 + 300] = '\n';
	path[21 + 301] = '\0';
	expect_edit_error("  private_key_file: wg.key\n", path, "tunnel.private_key_file", 4,
			  "resolves to a path longer than 255 characters");

	// 1025 peers, 65 allowed IPs, 1025 directory entries: over the limits.
	size_t cap = 1100 * 32 + 1024;
	char *list = malloc(cap);
	if (!list)
		return;
	size_t used = (size_t)snprintf(list, cap, "      allowed_ips: [10.77.0.2/32]\n");
	for (int i = 0; i < 1024; i++)
		used += (size_t)snprintf(list + used, cap - used, "    - {name: p%d}\n", i);
	yaml = edit(base_policy, "      allowed_ips: [10.77.0.2/32]\n", list);
	expect_error(yaml, "tunnel.peers", 7, "lists 1025 peers, at most 1024 allowed; remove 1");
	free(yaml);
	used = (size_t)snprintf(list, cap, "[10.77.0.2/32");
	for (int i = 0; i < 64; i++)
		used += (size_t)snprintf(list + used, cap - used, ", 10.78.%d.0/24", i);
	snprintf(list + used, cap - used, "]");
	yaml = edit(base_policy, "[10.77.0.2/32]", list);
	expect_error(yaml, "tunnel.peers[0].allowed_ips", 9, "lists 65 addresses, at most 64 allowed");
	free(yaml);
	free(list);
}

static void test_collects_every_error(void)
{
	// Three independent mistakes in three sections: all three are reported in one run.
	char *a = edit(base_policy, "  name: paris\n", "  name: Paris\n");
	char *b = edit(a, "  ca: ca.crt\n", "  ca: ca.crt\n  transport: udp\n");
	char *yaml = edit(b, "    address: 10.77.0.2\n", "    address: 10.77.0.2\nmedia:\n  ptime: 15\n");
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	CHECK_EQ_INT(sc_policy_load_buffer("multi.yaml", yaml, strlen(yaml), false, &p, &errors), -EINVAL);
	CHECK_EQ_INT(errors.count, 3);
	CHECK(find_error(&errors, "site.name", "not a valid name") != NULL);
	CHECK(find_error(&errors, "sip.transport", "refuses unencrypted signaling") != NULL);
	CHECK(find_error(&errors, "media.ptime", "use 10 or 20") != NULL);
	sc_policy_errors_free(&errors);
	free(yaml);
	free(b);
	free(a);

	// A flood of mistakes is capped, and the last entry says so.
	size_t cap = 80 * 32;
	char *many = malloc(cap);
	if (!many)
		return;
	size_t used = (size_t)snprintf(many, cap, "  name: paris\n");
	for (int i = 0; i < 80; i++)
		used += (size_t)snprintf(many + used, cap - used, "  bogus%d: 1\n", i);
	yaml = edit(base_policy, "  name: paris\n", many);
	CHECK_EQ_INT(sc_policy_load_buffer("many.yaml", yaml, strlen(yaml), false, &p, &errors), -EINVAL);
	CHECK_EQ_INT(errors.count, 50);
	if (errors.count == 50) {
		CHECK_STR_CONTAINS(errors.items[0].message, "unknown key 'bogus0'");
		CHECK_EQ_INT(errors.items[0].line, 3);
		CHECK_STR_CONTAINS(errors.items[49].message, "too many errors");
	}
	sc_policy_errors_free(&errors);
	free(yaml);
	free(many);
}

int main(void)
{
	test_base_is_valid();
	test_unknown_keys();
	test_wrong_types();
	test_missing_values();
	test_missing_required();
	test_out_of_range();
	test_wrong_words();
	test_names_and_keys();
	test_duplicates();
	test_overlaps_and_reach();
	test_addresses_and_endpoints();
	test_unencrypted_signaling();
	test_uris_and_registrar();
	test_yaml_refusals();
	test_limits();
	test_collects_every_error();
	return check_done();
}
