// SPDX-License-Identifier: GPL-3.0-or-later
// The sites file: what it accepts and its defaults, then every refusal with its key, line and
// the words of its fix.
#include <arpa/inet.h>

#include "pv_test.h"

static const char mesh[] =
	"topology: mesh\n"                        // 1
	"tunnel_subnet: 10.77.0.0/24\n"           // 2
	"listen_port: 51820\n"                    // 3
	"domain: sealcall.internal\n"             // 4
	"sites:\n"                                // 5
	"  - name: paris\n"                       // 6
	"    endpoint: 198.51.100.1:51820\n"      // 7
	"    hotline: lyon\n"                     // 8
	"  - name: lyon\n"                        // 9
	"    endpoint: 198.51.100.7:51820\n"      // 10
	"    address: 10.77.0.20\n"               // 11
	"  - name: nice\n"                        // 12
	"    endpoint: \"[2001:db8::9]:51821\"\n"; // 13

static const char hub[] =
	"topology: hub\n"                         // 1
	"hub:\n"                                  // 2
	"  endpoint: hub.example.net:51820\n"     // 3
	"sites:\n"                                // 4
	"  - name: paris\n"                       // 5
	"  - name: lyon\n"                        // 6
	"    endpoint: 198.51.100.7:51820\n";     // 7

static void test_mesh(void)
{
	struct sc_sites *s = sites_ok(mesh);
	if (!s)
		return;
	CHECK_EQ_INT(s->topology, SC_TOPOLOGY_MESH);
	CHECK_EQ_INT(s->n_sites, 3);
	CHECK_EQ_INT(s->listen_port, 51820);
	CHECK(strcmp(s->domain, "sealcall.internal") == 0);
	CHECK(strcmp(s->sites[0].name, "paris") == 0);
	CHECK(strcmp(s->sites[0].hotline, "lyon") == 0);
	CHECK(!s->sites[0].has_address);
	CHECK(s->sites[1].has_address);
	CHECK_EQ_INT(s->sites[1].address.addr[3], 20);
	CHECK(strcmp(s->sites[2].endpoint.host, "2001:db8::9") == 0);
	CHECK_EQ_INT(s->sites[2].endpoint.port, 51821);
	char ep[64];
	sc_endpoint_format(&s->sites[2].endpoint, ep, sizeof(ep));
	CHECK(strcmp(ep, "[2001:db8::9]:51821") == 0);
	CHECK(sc_sites_find(s, "nice") == &s->sites[2]);
	CHECK(sc_sites_find(s, "brest") == NULL);
	sc_sites_free(s);
}

static void test_defaults(void)
{
	struct sc_sites *s = sites_ok(hub);
	if (!s)
		return;
	CHECK_EQ_INT(s->topology, SC_TOPOLOGY_HUB);
	char net[64];
	CHECK(strcmp(sc_prefix_format(&s->subnet, net, sizeof(net)), "10.77.0.0/24") == 0);
	CHECK_EQ_INT(s->listen_port, 51820);
	CHECK(strcmp(s->domain, "sealcall.internal") == 0);
	CHECK(strcmp(s->zrtp_cache_file, "/var/lib/sealcall/zrtp-cache") == 0);
	CHECK(s->has_hub);
	CHECK(strcmp(s->hub.name, "hub") == 0);
	CHECK_EQ_INT(s->hub.sip_port, 5061);
	CHECK(!s->hub.has_address);
	CHECK(!s->sites[0].has_endpoint); // behind NAT: fine with a hub
	sc_sites_free(s);
	// Flow style, quotes and comments are ordinary YAML.
	s = sites_ok("# deployment\nsites: [{name: a, endpoint: '192.0.2.1:1'}, {name: b, endpoint: \"192.0.2.2:1\"}]\n");
	if (s)
		CHECK_EQ_INT(s->n_sites, 2);
	sc_sites_free(s);
	s = sites_ok("tunnel_subnet: fd77::/64\nsites:\n  - {name: a, endpoint: 192.0.2.1:1, address: \"fd77::a\"}\n"
		     "  - {name: b, endpoint: 192.0.2.2:1}\n");
	if (s)
		CHECK_EQ_INT(s->subnet.family, AF_INET6);
	sc_sites_free(s);
}

// Per-appliance settings: the WireGuard interface and the headset's ALSA device, with the
// deployment-wide audio_device as the default.
static void test_appliance_keys(void)
{
	struct sc_sites *s = sites_ok("audio_device: Headset\n"
				      "sites:\n"
				      "  - {name: a, endpoint: 192.0.2.1:1, interface: wg-sc.1}\n"
				      "  - {name: b, endpoint: 192.0.2.2:1, audio_device: \"plughw:CARD=USB,DEV=0\"}\n");
	if (!s)
		return;
	CHECK(strcmp(s->audio_device, "Headset") == 0);
	CHECK(strcmp(s->sites[0].interface, "wg-sc.1") == 0);
	CHECK(strcmp(s->sites[0].audio_device, "") == 0);
	CHECK(strcmp(s->sites[1].interface, "sc0") == 0);
	CHECK(strcmp(s->sites[1].audio_device, "plughw:CARD=USB,DEV=0") == 0);
	sc_sites_free(s);
	s = sites_ok(hub);
	if (s) {
		CHECK(strcmp(s->audio_device, "auto") == 0);
		CHECK(strcmp(s->sites[0].interface, "sc0") == 0);
	}
	sc_sites_free(s);
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, interface: -sc0}\n", "sites[0].interface", 2,
			   "'-sc0' is not a usable interface name; use 1 to 15 letters");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, interface: sealcall-tunnel0}\n",
			   "sites[0].interface", 2, "is not a usable interface name");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, interface: \"sc/0\"}\n", "sites[0].interface", 2,
			   "is not a usable interface name");
	expect_sites_error("audio_device: \"USB headset\"\nsites: []\n", "audio_device", 1,
			   "'USB headset' is not an ALSA device name; write auto");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, audio_device: \"a'b\"}\n",
			   "sites[0].audio_device", 2, "is not an ALSA device name");
}

static void test_structure_refusals(void)
{
	expect_sites_error("", "", 1, "the file is empty; start from config/sites.yaml");
	expect_sites_error("- paris\n- lyon\n", "", 1, "the top level must be a mapping of keys");
	expect_sites_error("topology: mesh\n", "", 1, "missing 'sites'; add it, e.g. sites:");
	expect_sites_error("sites: paris\n", "sites", 1, "expects a list of sites");
	expect_sites_error("sites:\n  - paris\n", "sites[0]", 2, "expects a mapping of keys (name, endpoint");
	expect_sites_error("sites:\n  - endpoint: 192.0.2.1:1\n  - name: b\n    endpoint: 192.0.2.2:1\n",
			   "sites[0]", 2, "missing 'name'; add it, e.g. name: lyon");
	expect_sites_error("topology: mesh\ntopologie: hub\nsites: []\n", "topologie", 2,
			   "unknown key 'topologie'; did you mean 'topology'?");
	expect_sites_error("colour: blue\nsites: []\n", "colour", 1,
			   "unknown key 'colour'; the keys here are: topology, tunnel_subnet");
	expect_sites_error("sites:\n  - name: a\n    endpiont: 192.0.2.1:1\n", "sites[0].endpiont", 3,
			   "did you mean 'endpoint'?");
	expect_sites_error("domain: a.example\ndomain: b.example\nsites: []\n", "domain", 2,
			   "given twice (first at line 1); keep one of them");
	expect_sites_error("topology: [mesh]\nsites: []\n", "topology", 1, "expects a single value, not a list");
	expect_sites_error("domain:\nsites: []\n", "domain", 1, "has no value");
	expect_sites_error("sites: &all []\n", "", 1, "anchors (&all) are not accepted");
	expect_sites_error("x: &a 1\nsites: *a\n", "", 2, "aliases (*a) are not accepted");
	expect_sites_error("topology: !!str mesh\nsites: []\n", "", 1, "tags (tag:yaml.org,2002:str) are not accepted");
	expect_sites_error("sites: []\n---\nsites: []\n", "", 2, "a second YAML document");
	expect_sites_error("sites:\n  - name: a\n   endpoint: x\n", "", 3, "YAML syntax error");
	expect_sites_error("sites: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]\n", "", 1, "nested more than 16 levels");
}

static void test_value_refusals(void)
{
	expect_sites_error("topology: star\nsites: []\n", "topology", 1, "'star' is not a topology; use mesh");
	expect_sites_error("tunnel_subnet: 10.77.0.1/24\nsites: []\n", "tunnel_subnet", 1,
			   "has host bits set; write the network itself: 10.77.0.0/24");
	expect_sites_error("tunnel_subnet: 10.77.0.0\nsites: []\n", "tunnel_subnet", 1, "needs a prefix length");
	expect_sites_error("tunnel_subnet: 10.0.0.0/31\nsites: []\n", "tunnel_subnet", 1,
			   "/31 is not a usable tunnel subnet; use /8 to /30");
	expect_sites_error("listen_port: 0\nsites: []\n", "listen_port", 1, "not a whole number from 1 to 65535");
	expect_sites_error("domain: Sealcall.Internal\nsites: []\n", "domain", 1, "is not a lowercase DNS name");
	expect_sites_error("zrtp_cache_file: \"a\\\"b\"\nsites: []\n", "zrtp_cache_file", 1, "is not a usable path");
	expect_sites_error("sites:\n  - name: Paris\n", "sites[0].name", 2,
			   "'Paris' is not a usable name: it becomes a DNS label");
	expect_sites_error("sites:\n  - name: lyon-\n", "sites[0].name", 2, "not ending with '-'");
	expect_sites_error("sites:\n  - name: a\n    endpoint: 198.51.100.7\n", "sites[0].endpoint", 3,
			   "needs a port, e.g. :51820; write the public address and WireGuard port");
	expect_sites_error("sites:\n  - name: a\n    endpoint: 2001:db8::1:51820\n", "sites[0].endpoint", 3,
			   "IPv6 address without brackets");
	expect_sites_error("sites:\n  - name: a\n    address: 10.77.0.0/24\n", "sites[0].address", 3,
			   "must be one address (/32 or /128), not a subnet");
	expect_sites_error("hub:\n  name: hub\nsites: []\n", "hub", 2, "missing 'endpoint'");
}

static void test_cross_refusals(void)
{
	// Duplicate names, with the first one's line.
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1}\n  - {name: a, endpoint: 192.0.2.2:1}\n",
			   "sites[1].name", 3, "site name 'a' is already used by sites[0] (line 2); give every site its own name");
	// Duplicate and overlapping addresses.
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, address: 10.77.0.5}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1, address: 10.77.0.5}\n",
			   "sites[1].address", 3, "address 10.77.0.5 is already the address of site 'a' (line 2)");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, address: 10.78.0.5}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "sites[0].address", 2, "address 10.78.0.5 is outside the tunnel subnet 10.77.0.0/24; pick one inside it");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, address: 10.77.0.0}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "sites[0].address", 2, "10.77.0.0 is the network address of 10.77.0.0/24");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, address: 10.77.0.255}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "sites[0].address", 2, "10.77.0.255 is the broadcast address");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, address: \"fd77::1\"}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "sites[0].address", 2, "is outside the tunnel subnet");
	// A mesh site without an endpoint.
	expect_sites_error("sites:\n  - name: a\n  - {name: b, endpoint: 192.0.2.2:1}\n", "a", 2,
			   "site 'a' (sites[0]) has no endpoint; in a mesh every site must be reachable");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1}\n  - {name: b, endpoint: 192.0.2.1:1}\n",
			   "sites[1].endpoint", 3, "endpoint 192.0.2.1:1 is already the endpoint of site 'a' (line 2)");
	// Hotlines.
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, hotline: c}\n  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "sites[0].hotline", 2, "hotline 'c' is not a site in this file");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1, hotline: a}\n  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "sites[0].hotline", 2, "names itself as its hotline");
	// Topology.
	expect_sites_error("topology: hub\nsites:\n  - {name: a}\n  - {name: b}\n", "topology", 1,
			   "topology: hub needs a hub: section");
	expect_sites_error("hub: {endpoint: 192.0.2.9:1}\nsites:\n  - {name: a, endpoint: 192.0.2.1:1}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n", "hub", 1, "only used with topology: hub");
	expect_sites_error("topology: hub\nhub: {endpoint: 192.0.2.9:1}\nsites:\n  - {name: hub}\n  - {name: b}\n",
			   "sites[0].name", 4, "is the hub's name");
	expect_sites_error("topology: hub\nhub: {endpoint: 192.0.2.9:1, address: 10.77.0.7}\nsites:\n"
			   "  - {name: a, address: 10.77.0.7}\n  - {name: b}\n",
			   "sites[0].address", 4, "is the hub's tunnel address (line 2)");
	expect_sites_error("sites:\n  - {name: a, endpoint: 192.0.2.1:1}\n", "sites", 2,
			   "1 site: a deployment needs at least two sites");
	expect_sites_error("listen_port: 16400\nsites:\n  - {name: a, endpoint: 192.0.2.1:1}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n",
			   "listen_port", 1, "lies inside the RTP port range 16384-16583");
	// Too many sites for the subnet: 2 usable addresses in a /30, 3 sites.
	expect_sites_error("tunnel_subnet: 10.77.0.0/30\nsites:\n  - {name: a, endpoint: 192.0.2.1:1}\n"
			   "  - {name: b, endpoint: 192.0.2.2:1}\n  - {name: c, endpoint: 192.0.2.3:1}\n",
			   "tunnel_subnet", 1, "10.77.0.0/30 has 2 usable addresses but 3 are needed (3 sites); use a larger tunnel_subnet, e.g. /29");
}

static void test_error_format(void)
{
	struct sc_sites *s = NULL;
	struct sc_sites_errors errors = { 0 };
	const char *text = "sites:\n  - {name: a, endpoint: 192.0.2.1:1, hotline: zz}\n  - {name: b, endpoint: 192.0.2.2:1}\n";
	CHECK_EQ_INT(sc_sites_load_buffer("deploy.yaml", text, strlen(text), &s, &errors), -EINVAL);
	char *printed = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&printed, &len);
	sc_sites_errors_print(&errors, f);
	fclose(f);
	CHECK_STR_CONTAINS(printed, "deploy.yaml:2:");
	CHECK_STR_CONTAINS(printed, ": sites[0].hotline: hotline 'zz' is not a site in this file; name one of the sites");
	free(printed);
	sc_sites_errors_free(&errors);
	// Errors come in file order, all of them in one run.
	text = "topology: star\nsites:\n  - {name: A}\n  - {name: b, endpoint: nope}\n";
	CHECK_EQ_INT(sc_sites_load_buffer("x.yaml", text, strlen(text), &s, &errors), -EINVAL);
	CHECK_EQ_INT(errors.count, 3);
	for (size_t i = 1; i < errors.count; i++)
		CHECK(errors.items[i - 1].line <= errors.items[i].line);
	sc_sites_errors_free(&errors);
	// A file that cannot be read is an errno, not a list of errors.
	CHECK_EQ_INT(sc_sites_load("/nonexistent/sites.yaml", &s, &errors), -ENOENT);
	CHECK_EQ_INT(errors.count, 0);
}

int main(void)
{
	test_mesh();
	test_defaults();
	test_appliance_keys();
	test_structure_refusals();
	test_value_refusals();
	test_cross_refusals();
	test_error_format();
	return check_done();
}
