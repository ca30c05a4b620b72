// SPDX-License-Identifier: GPL-3.0-or-later
// Caller identity on hostile input: the From URI of a request and the DNS names of a
// certificate both come from the other end. Input: one byte choosing the connection's
// identity (site, registrar, unknown caller), then lines: the From URI, then DNS names.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "policy/policy.h"
#include "sip/identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char policy_text[] =
	"site:\n  name: paris\n"
	"tunnel:\n  private_key_file: wg.key\n  address: 10.77.0.1/24\n  peers:\n"
	"    - name: lyon\n      public_key: AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=\n"
	"      allowed_ips: [10.77.0.2/32, 10.77.1.0/24]\n"
	"sip:\n  certificate: site.crt\n  private_key: site.key\n  ca: ca.crt\n"
	"  registrar:\n    uri: sips:hub.sealcall.internal\n    address: 10.77.1.254\n"
	"    username: paris\n    password_file: registrar.password\n"
	"directory:\n"
	"  - name: lyon\n    uri: sips:lyon@lyon.sealcall.internal\n    address: 10.77.0.2\n"
	"rules:\n  accept_unknown_callers: true\n";

static struct sc_policy *policy(void)
{
	static struct sc_policy *p;
	if (!p) {
		struct sc_policy_errors errors = { 0 };
		if (sc_policy_load_buffer("fuzz.yaml", policy_text, sizeof(policy_text) - 1, false, &p,
					  &errors) != 0)
			abort();
	}
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sources[3][4] = { { 10, 77, 0, 2 }, { 10, 77, 1, 254 }, { 10, 77, 1, 9 } };
	struct sc_policy *p = policy();
	struct sc_sip_identity id;
	char why[512], host[SC_HOST_MAX + 1];
	if (size < 1 || size > 8192)
		return 0;
	uint8_t addr[16] = { 0 };
	memcpy(addr, sources[data[0] % 3], 4);
	if (sc_sip_identity_expect_incoming(p, AF_INET, addr, 5061, &id, why, sizeof(why)) != 0)
		abort(); // every source above is allowed
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	const char *names[16];
	size_t n = 0;
	char *from = text, *line = strchr(text, '\n');
	if (line) {
		*line++ = '\0';
		while (line && n < 16) {
			names[n++] = line;
			line = strchr(line, '\n');
			if (line)
				*line++ = '\0';
		}
	}
	sc_sip_identity_uri_host(from, host, sizeof(host));
	if (sc_sip_identity_match_names(&id, p, names, n, why, sizeof(why)) == 0) {
		id.authenticated = true;
		struct sc_sip_uri uri;
		if (sc_sip_uri_parse(sc_sip_str_from(from), &uri) == 0 &&
		    sc_sip_identity_check_from(&id, &uri, why, sizeof(why)) == 0 &&
		    id.kind == SC_SIP_PEER_SITE && strcasecmp(id.san, "lyon.sealcall.internal") != 0)
			abort(); // a site is only ever authenticated under its own name
	}
	free(text);
	return 0;
}
