// SPDX-License-Identifier: GPL-3.0-or-later
// Caller identity without TLS: which site an address must be, which names a certificate must
// carry, pins, and the From check the UA makes per request.
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "sip/identity.h"

static const char policy_text[] =
	"site:\n  name: paris\n"
	"tunnel:\n  private_key_file: wg.key\n  address: 10.77.0.1/24\n  peers:\n"
	"    - name: lyon\n      public_key: AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=\n"
	"      allowed_ips: [10.77.0.2/32, 10.77.1.0/24]\n"
	"    - name: hub\n      public_key: mkCSW76EVgBKGlr7DZuy3QPP+rIiNAlEr0lotL0tlGk=\n"
	"      allowed_ips: [10.77.0.254/32]\n"
	"sip:\n  certificate: site.crt\n  private_key: site.key\n  ca: ca.crt\n"
	"  registrar:\n    uri: sips:Hub.Sealcall.Internal:5061\n    address: 10.77.0.254\n"
	"    username: paris\n    password_file: registrar.password\n"
	"directory:\n"
	"  - name: lyon\n    uri: sips:lyon@Lyon.sealcall.internal\n    address: 10.77.0.2\n"
	"    tls_pin: sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
	"  - name: marseille\n    uri: sips:marseille@marseille.sealcall.internal:5071\n"
	"    address: 10.77.1.7\n"
	"rules:\n  accept_unknown_callers: %s\n";

static struct sc_policy *load(bool accept_unknown)
{
	char yaml[2048];
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	snprintf(yaml, sizeof(yaml), policy_text, accept_unknown ? "true" : "false");
	int rc = sc_policy_load_buffer("test.yaml", yaml, strlen(yaml), false, &p, &errors);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		sc_policy_errors_print(&errors, stderr);
	sc_policy_errors_free(&errors);
	return p;
}

static const uint8_t *v4(const char *text)
{
	static uint8_t addr[16];
	memset(addr, 0, sizeof(addr));
	inet_pton(AF_INET, text, addr);
	return addr;
}

static void test_expect_incoming(struct sc_policy *p, struct sc_policy *open_p)
{
	struct sc_sip_identity id;
	char why[256];
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.2"), 40000, &id, why,
						     sizeof(why)), 0);
	CHECK_EQ_INT(id.kind, SC_SIP_PEER_SITE);
	CHECK(id.entry && strcmp(id.entry->name, "lyon") == 0);
	CHECK_EQ_INT(id.port, 40000);
	CHECK(!id.authenticated);
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.1.7"), 1, &id, why,
						     sizeof(why)), 0);
	CHECK(id.entry && strcmp(id.entry->name, "marseille") == 0);
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.254"), 1, &id, why,
						     sizeof(why)), 0);
	CHECK_EQ_INT(id.kind, SC_SIP_PEER_REGISTRAR);
	CHECK(id.entry == NULL);
	// Inside lyon's allowed IPs but nobody's directory address.
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.1.8"), 1, &id, why,
						     sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "no directory entry has the address 10.77.1.8");
	CHECK_STR_CONTAINS(why, "accept_unknown_callers");
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(open_p, AF_INET, v4("10.77.1.8"), 1, &id, why,
						     sizeof(why)), 0);
	CHECK_EQ_INT(id.kind, SC_SIP_PEER_UNKNOWN);
	// Outside the tunnel: refused even when unknown callers are accepted.
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(open_p, AF_INET, v4("192.0.2.1"), 1, &id, why,
						     sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "192.0.2.1 lies outside every peer's allowed_ips");
	uint8_t v6[16] = { 0xfd };
	CHECK_EQ_INT(sc_sip_identity_expect_incoming(p, AF_INET6, v6, 1, &id, why, sizeof(why)),
		     -EACCES);
}

static void test_uri_host(void)
{
	char host[64];
	CHECK_EQ_INT(sc_sip_identity_uri_host("sips:lyon@Lyon.Example.NET:5061", host, sizeof(host)), 0);
	CHECK(strcmp(host, "lyon.example.net") == 0);
	CHECK_EQ_INT(sc_sip_identity_uri_host("sips:hub.example.net", host, sizeof(host)), 0);
	CHECK(strcmp(host, "hub.example.net") == 0);
	CHECK_EQ_INT(sc_sip_identity_uri_host("sips:a@[fd00::1]:5061", host, sizeof(host)), 0);
	CHECK(strcmp(host, "fd00::1") == 0);
	CHECK_EQ_INT(sc_sip_identity_uri_host("tel:+331234", host, sizeof(host)), -EINVAL);
	CHECK_EQ_INT(sc_sip_identity_uri_host("not a uri", host, sizeof(host)), -EINVAL);
	CHECK_EQ_INT(sc_sip_identity_uri_host("sips:a@averyveryverylonghostname.example", host, 8),
		     -EINVAL);
}

static void test_names(struct sc_policy *p, struct sc_policy *open_p)
{
	struct sc_sip_identity id;
	char why[256];
	const char *good[] = { "other.example", "LYON.sealcall.internal" };
	const char *bad[] = { "paris.sealcall.internal", "*.sealcall.internal",
			      "lyon.sealcall.internal.evil" };
	sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.2"), 1, &id, why, sizeof(why));
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, p, good, 2, why, sizeof(why)), 0);
	CHECK(strcmp(id.san, "lyon.sealcall.internal") == 0);
	memset(id.san, 0, sizeof(id.san));
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, p, bad, 3, why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "names paris.sealcall.internal, not lyon.sealcall.internal");
	CHECK(id.san[0] == '\0');
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, p, NULL, 0, why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "no DNS subjectAltName (expected lyon.sealcall.internal");

	sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.254"), 1, &id, why, sizeof(why));
	const char *hub[] = { "hub.sealcall.internal" };
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, p, hub, 1, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, p, good, 2, why, sizeof(why)), -EACCES);

	sc_sip_identity_expect_incoming(open_p, AF_INET, v4("10.77.1.9"), 1, &id, why, sizeof(why));
	const char *stranger[] = { "stranger.example", "second.example" };
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, open_p, stranger, 2, why, sizeof(why)), 0);
	CHECK(strcmp(id.san, "stranger.example") == 0);
	CHECK_EQ_INT(sc_sip_identity_match_names(&id, open_p, NULL, 0, why, sizeof(why)), -EACCES);
}

static void test_pin(struct sc_policy *p)
{
	char why[256];
	uint8_t hash[32];
	for (int i = 0; i < 32; i++)
		hash[i] = (uint8_t)i; // the pin in the policy text
	const struct sc_directory_entry *lyon = sc_policy_directory_find(p, "lyon");
	const struct sc_directory_entry *marseille = sc_policy_directory_find(p, "marseille");
	CHECK(lyon && lyon->has_pin && marseille && !marseille->has_pin);
	if (!lyon || !marseille)
		return;
	CHECK_EQ_INT(sc_sip_identity_check_pin(lyon, hash, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_sip_identity_check_pin(marseille, hash, why, sizeof(why)), 0);
	hash[31] ^= 1;
	CHECK_EQ_INT(sc_sip_identity_check_pin(lyon, hash, why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "tls_pin of lyon");
}

static int from_check(const struct sc_sip_identity *id, const char *uri, char *why, size_t len)
{
	struct sc_sip_uri u;
	int rc = sc_sip_uri_parse(sc_sip_str_from(uri), &u);
	CHECK_EQ_INT(rc, 0);
	return rc ? rc : sc_sip_identity_check_from(id, &u, why, len);
}

static void test_from(struct sc_policy *p, struct sc_policy *open_p)
{
	struct sc_sip_identity id;
	char why[512];
	sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.2"), 1, &id, why, sizeof(why));
	// Not yet authenticated: nothing passes.
	CHECK_EQ_INT(from_check(&id, "sips:lyon@lyon.sealcall.internal", why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "unauthenticated");
	id.authenticated = true;
	CHECK_EQ_INT(from_check(&id, "sips:lyon@lyon.sealcall.internal", why, sizeof(why)), 0);
	CHECK_EQ_INT(from_check(&id, "sips:lyon@LYON.sealcall.internal:5061;transport=tls", why,
				sizeof(why)), 0);
	CHECK_EQ_INT(from_check(&id, "sips:%6cyon@lyon.sealcall.internal", why, sizeof(why)), 0);
	CHECK_EQ_INT(from_check(&id, "sips:paris@lyon.sealcall.internal", why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "From sips:paris@lyon.sealcall.internal is not "
				"sips:lyon@Lyon.sealcall.internal");
	CHECK_EQ_INT(from_check(&id, "sips:lyon@marseille.sealcall.internal", why, sizeof(why)),
		     -EACCES);
	CHECK_EQ_INT(from_check(&id, "sips:Lyon@lyon.sealcall.internal", why, sizeof(why)), -EACCES);
	CHECK_EQ_INT(from_check(&id, "sip:lyon@lyon.sealcall.internal", why, sizeof(why)), -EACCES);
	CHECK_EQ_INT(from_check(&id, "sips:lyon.sealcall.internal", why, sizeof(why)), -EACCES);
	CHECK_EQ_INT(from_check(&id, "tel:+33123456", why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "not a SIP URI");

	sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.254"), 1, &id, why, sizeof(why));
	id.authenticated = true;
	CHECK_EQ_INT(from_check(&id, "sips:nice@nice.sealcall.internal", why, sizeof(why)), 0);
	CHECK_EQ_INT(from_check(&id, "sip:laptop@hub.sealcall.internal", why, sizeof(why)), 0);
	CHECK_EQ_INT(from_check(&id, "tel:+33123456", why, sizeof(why)), -EACCES);

	sc_sip_identity_expect_incoming(open_p, AF_INET, v4("10.77.1.9"), 1, &id, why, sizeof(why));
	const char *names[] = { "stranger.example" };
	sc_sip_identity_match_names(&id, open_p, names, 1, why, sizeof(why));
	id.authenticated = true;
	CHECK_EQ_INT(from_check(&id, "sips:anyone@Stranger.example", why, sizeof(why)), 0);
	CHECK_EQ_INT(from_check(&id, "sips:lyon@lyon.sealcall.internal", why, sizeof(why)), -EACCES);
	CHECK_STR_CONTAINS(why, "does not match the caller's certificate (stranger.example)");

	struct sc_sip_identity none = { .authenticated = true };
	CHECK_EQ_INT(from_check(&none, "sips:lyon@lyon.sealcall.internal", why, sizeof(why)), -EACCES);
}

static void test_expected_name(struct sc_policy *p)
{
	struct sc_sip_identity id;
	char why[256], name[64];
	sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.1.7"), 1, &id, why, sizeof(why));
	CHECK_EQ_INT(sc_sip_identity_expected_name(&id, p, name, sizeof(name)), 0);
	CHECK(strcmp(name, "marseille.sealcall.internal") == 0);
	sc_sip_identity_expect_incoming(p, AF_INET, v4("10.77.0.254"), 1, &id, why, sizeof(why));
	CHECK_EQ_INT(sc_sip_identity_expected_name(&id, p, name, sizeof(name)), 0);
	CHECK(strcmp(name, "hub.sealcall.internal") == 0);
	struct sc_sip_identity none = { 0 };
	CHECK_EQ_INT(sc_sip_identity_expected_name(&none, p, name, sizeof(name)), -EINVAL);
}

int main(void)
{
	struct sc_policy *p = load(false), *open_p = load(true);
	if (p && open_p) {
		test_expect_incoming(p, open_p);
		test_uri_host();
		test_names(p, open_p);
		test_pin(p);
		test_from(p, open_p);
		test_expected_name(p);
	}
	sc_policy_free(p);
	sc_policy_free(open_p);
	return check_done();
}
