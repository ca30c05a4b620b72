// SPDX-License-Identifier: GPL-3.0-or-later
// Mutual authentication of the SIP/TLS transport: who is let in, who is refused and why,
// over loopback with certificates made for this run.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "check.h"
#include "test_tls_util.h"

struct site {
	struct sc_policy *p;
	struct sc_sip_tls *t;
	struct tlsu_events r;
};

static struct tlsu_env env;
static struct sc_loop *loop;

static int site_open(struct site *s, const struct tlsu_site *opts)
{
	struct sc_sip_tls_events ev;
	memset(s, 0, sizeof(*s));
	tlsu_events_init(&s->r, &ev);
	s->r.echo = true;
	s->p = tlsu_policy(&env, opts);
	CHECK(s->p != NULL);
	if (!s->p)
		return -1;
	int rc = sc_sip_tls_new(loop, s->p, "lo", &ev, &s->t);
	CHECK_EQ_INT(rc, 0);
	return rc;
}

static void site_close(struct site *s)
{
	sc_sip_tls_free(s->t);
	sc_policy_free(s->p);
	s->t = NULL;
	s->p = NULL;
}

static const struct sc_directory_entry *entry(struct site *s, const char *name)
{
	const struct sc_directory_entry *e = sc_policy_directory_find(s->p, name);
	if (!e) {
		fprintf(stderr, "test bug: no directory entry %s\n", name);
		abort();
	}
	return e;
}

static void peer_paths(struct tlsu_peer *p, const char *cert, char *crt, char *key)
{
	if (cert) {
		snprintf(crt, 128, "%s/%s.crt", env.dir, cert);
		snprintf(key, 128, "%s/%s.key", env.dir, cert);
		p->cert = crt;
		p->key = key;
	}
}

// What the next raw client offers besides its version (reset after each use).
static const char *offer_ciphers;
static int offer_group;

// A raw client from SRC presenting CERT (NULL: none) sends a request to paris and reads.
static void raw_client(struct site *paris, struct tlsu_peer *p, const char *src, const char *cert,
		       int max_version)
{
	static char crt[128], key[128], ca[128];
	memset(p, 0, sizeof(*p));
	p->ciphers = offer_ciphers;
	p->group = offer_group;
	offer_ciphers = NULL;
	offer_group = 0;
	peer_paths(p, cert, crt, key);
	snprintf(ca, sizeof(ca), "%s/ca.crt", env.dir);
	p->ca = ca;
	p->max_version = max_version;
	snprintf(p->src, sizeof(p->src), "%s", src);
	snprintf(p->dst, sizeof(p->dst), "127.77.0.1");
	p->port = env.port;
	p->send = TLSU_MSG;
	p->send_len = strlen(TLSU_MSG);
	p->linger_ms = 1500;
	CHECK_EQ_INT(tlsu_peer_start(p), 0);
	tlsu_run_until(loop, &p->done, 8000);
	tlsu_peer_join(p);
	(void)paris;
}

static void test_both_ways(void)
{
	struct site paris, lyon;
	char dev[32];
	if (site_open(&paris, &(struct tlsu_site){ .site = "paris" }) ||
	    site_open(&lyon, &(struct tlsu_site){ .site = "lyon" }))
		goto out;

	// The listener is pinned to the tunnel interface and its address, never the wildcard.
	CHECK_EQ_INT(tlsu_socket_device("127.77.0.2", env.port, true, dev, sizeof(dev)), 0);
	CHECK(strcmp(dev, "lo") == 0);
	CHECK_EQ_INT(tlsu_socket_device("0.0.0.0", env.port, true, dev, sizeof(dev)), -1);

	struct sc_sip_conn *c = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, entry(&paris, "lyon"), &c), 0);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK(!sc_sip_conn_is_established(c));
	CHECK_EQ_INT(sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG)), 0); // waits for the handshake
	CHECK(tlsu_run_until(loop, &lyon.r.messages, 5000));
	CHECK_EQ_INT(lyon.r.messages, 1);
	CHECK(lyon.r.last_len == strlen(TLSU_MSG) && strcmp(lyon.r.last_message, TLSU_MSG) == 0);
	CHECK(tlsu_run_until(loop, &paris.r.messages, 5000));
	CHECK_STR_CONTAINS(paris.r.last_message, "SIP/2.0 200 OK");
	CHECK_EQ_INT(paris.r.established, 1);
	CHECK_EQ_INT(lyon.r.established, 1);

	// The calling side: TLS 1.3 with one of the allowed suites, lyon authenticated by name.
	CHECK(sc_sip_conn_is_established(c));
	CHECK(!sc_sip_conn_is_incoming(c));
	CHECK_STR_CONTAINS(sc_sip_conn_tls_version(c), "TLSv1.3");
	CHECK_STR_CONTAINS(sc_sip_conn_cipher(c), "TLS13-");
	CHECK(strstr(sc_sip_conn_cipher(c), "GCM") || strstr(sc_sip_conn_cipher(c), "CHACHA20"));
	const struct sc_sip_identity *id = sc_sip_conn_identity(c);
	CHECK_EQ_INT(id->kind, SC_SIP_PEER_SITE);
	CHECK(id->authenticated);
	CHECK(id->entry && strcmp(id->entry->name, "lyon") == 0);
	CHECK_STR_CONTAINS(id->san, "lyon.sealcall.test");
	CHECK_STR_CONTAINS(sc_sip_conn_describe(c), "lyon 127.77.0.2:");
	int family = 0;
	uint8_t addr[16];
	uint16_t port = 0;
	CHECK_EQ_INT(sc_sip_conn_local_address(c, &family, addr, &port), 0);
	CHECK_EQ_INT(family, AF_INET);
	CHECK(memcmp(addr, (uint8_t[]){ 127, 77, 0, 1 }, 4) == 0); // the tunnel address
	CHECK(port != 0);
	// The outgoing socket is pinned to the tunnel interface too.
	CHECK_EQ_INT(tlsu_socket_device("127.77.0.2", env.port, false, dev, sizeof(dev)), 0);
	CHECK(strcmp(dev, "lo") == 0);

	// The called side: paris authenticated by its source address and certificate.
	struct sc_sip_conn *in = lyon.r.last_conn;
	CHECK(in != NULL);
	if (in) {
		id = sc_sip_conn_identity(in);
		CHECK(sc_sip_conn_is_incoming(in));
		CHECK_EQ_INT(id->kind, SC_SIP_PEER_SITE);
		CHECK(id->authenticated);
		CHECK(id->entry && strcmp(id->entry->name, "paris") == 0);
		CHECK_STR_CONTAINS(id->san, "paris.sealcall.test");
		CHECK_STR_CONTAINS(sc_sip_conn_tls_version(in), "TLSv1.3");
		// One connection for both directions: lyon's request to paris reuses it.
		struct sc_sip_conn *back = NULL;
		CHECK_EQ_INT(sc_sip_tls_connect(lyon.t, entry(&lyon, "paris"), &back), 0);
		CHECK(back == in);
		CHECK_EQ_INT(sc_sip_tls_connects_started(lyon.t), 0);
		int before = paris.r.messages;
		CHECK_EQ_INT(sc_sip_conn_send(back, TLSU_MSG, strlen(TLSU_MSG)), 0);
		CHECK(tlsu_run_until_count(loop, &paris.r.messages, before + 1, 5000));
		CHECK(paris.r.last_conn == c);
	}
	struct sc_sip_conn *again = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, entry(&paris, "lyon"), &again), 0);
	CHECK(again == c);
	CHECK_EQ_INT(sc_sip_tls_connects_started(paris.t), 1);

	// A close is seen by the other end.
	sc_sip_conn_close(c);
	CHECK(tlsu_run_until(loop, &lyon.r.closed, 3000));
	CHECK_EQ_INT(lyon.r.closed_errno, ECONNRESET);
	CHECK_EQ_INT(sc_sip_tls_conn_count(lyon.t), 0);
	CHECK_EQ_INT(sc_sip_tls_conn_count(paris.t), 0);
	CHECK_EQ_INT(paris.r.closed, 0); // no callback for the UA's own close
out:
	site_close(&paris);
	site_close(&lyon);
}

static void test_tls12_client(void)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, &(struct tlsu_site){ .site = "paris" }))
		goto out;
	raw_client(&paris, &p, "127.77.0.2", "lyon", 2);
	CHECK_EQ_INT(p.handshake_rc, 0);
	CHECK_EQ_INT(paris.r.messages, 1);
	CHECK(memmem(p.got, p.got_len, "SIP/2.0 200 OK", 14) != NULL);
	CHECK_STR_CONTAINS(paris.r.last_version, "TLSv1.2");
	CHECK_STR_CONTAINS(paris.r.last_cipher, "ECDHE-ECDSA-");
	CHECK(strstr(paris.r.last_cipher, "GCM") || strstr(paris.r.last_cipher, "CHACHA20"));
out:
	site_close(&paris);
}

// Runs a raw client that paris must refuse; LOG_NEEDLE is the reason in the log.
static void expect_refused_client(const struct tlsu_site *opts, const char *src, const char *cert,
				  int max_version, const char *log_needle)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, opts))
		goto out;
	tlsu_capture_begin();
	raw_client(&paris, &p, src, cert, max_version);
	tlsu_run_for(loop, 100);
	const char *log = tlsu_capture_end();
	CHECK_EQ_INT(paris.r.messages, 0);
	CHECK_EQ_INT(paris.r.established, 0);
	CHECK_EQ_INT(paris.r.closed, 0); // never shown to the UA, so never reported closed
	CHECK(p.peer_closed);
	CHECK(memmem(p.got, p.got_len, "SIP/2.0", 7) == NULL);
	CHECK_STR_CONTAINS(log, log_needle);
	CHECK_STR_CONTAINS(log, src);
	CHECK_EQ_INT(sc_sip_tls_conn_count(paris.t), 0);
out:
	site_close(&paris);
}

static void test_refused_clients(void)
{
	struct tlsu_site paris = { .site = "paris" };
	fprintf(stderr, "-- no client certificate\n");
	expect_refused_client(&paris, "127.77.0.2", NULL, 0, "sent no certificate");
	fprintf(stderr, "-- client certificate from another CA\n");
	expect_refused_client(&paris, "127.77.0.2", "evil-lyon", 0, "does not chain to the site CA");
	fprintf(stderr, "-- client certificate naming another site\n");
	expect_refused_client(&paris, "127.77.0.2", "nice", 0,
			      "names nice.sealcall.test, not lyon.sealcall.test");
	fprintf(stderr, "-- client certificate without a DNS name\n");
	expect_refused_client(&paris, "127.77.0.2", "nosan", 0, "no DNS subjectAltName");
	fprintf(stderr, "-- TLS 1.2 client, policy 1.3\n");
	expect_refused_client(&(struct tlsu_site){ .site = "paris", .min_version = "1.3" },
			      "127.77.0.2", "lyon", 2, "TLS version");
	fprintf(stderr, "-- TLS 1.2 client offering CBC suites only\n");
	offer_ciphers = "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA";
	expect_refused_client(&paris, "127.77.0.2", "lyon", 2, "no common cipher suite");
	fprintf(stderr, "-- TLS 1.3 client offering the P-521 curve only\n");
	offer_group = WOLFSSL_ECC_SECP521R1;
	expect_refused_client(&paris, "127.77.0.2", "lyon", 0, "TLS handshake failed");
	fprintf(stderr, "-- source address no directory entry has\n");
	expect_refused_client(&paris, "127.77.0.9", "lyon", 0,
			      "no directory entry has the address 127.77.0.9");
	fprintf(stderr, "-- source address outside the tunnel\n");
	expect_refused_client(&paris, "127.77.0.99", "lyon", 0,
			      "127.77.0.99 lies outside every peer's allowed_ips");
	fprintf(stderr, "-- unknown site, accept_unknown_callers, another CA\n");
	expect_refused_client(&(struct tlsu_site){ .site = "paris", .accept_unknown = true },
			      "127.77.0.9", "evil-lyon", 0, "does not chain to the site CA");
}

static void test_unknown_caller(void)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, &(struct tlsu_site){ .site = "paris", .accept_unknown = true }))
		goto out;
	raw_client(&paris, &p, "127.77.0.9", "stranger", 0);
	CHECK_EQ_INT(paris.r.messages, 1);
	CHECK(memmem(p.got, p.got_len, "SIP/2.0 200 OK", 14) != NULL);
	CHECK_EQ_INT(paris.r.last_identity.kind, SC_SIP_PEER_UNKNOWN);
	CHECK(paris.r.last_identity.authenticated);
	CHECK(paris.r.last_identity.entry == NULL);
	CHECK_STR_CONTAINS(paris.r.last_identity.san, "stranger.sealcall.test");
out:
	site_close(&paris);
}

// Outgoing: paris calls a lyon whose certificate is CERT; the handshake must fail.
static void expect_refused_server(const struct tlsu_site *paris_opts, const char *lyon_cert,
				  const char *why_needle)
{
	struct site paris, lyon;
	if (site_open(&paris, paris_opts) ||
	    site_open(&lyon, &(struct tlsu_site){ .site = "lyon", .cert = lyon_cert }))
		goto out;
	struct sc_sip_conn *c = NULL;
	tlsu_capture_begin();
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, entry(&paris, "lyon"), &c), 0);
	CHECK_EQ_INT(sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG)), 0);
	tlsu_run_until(loop, &paris.r.closed, 5000);
	tlsu_run_for(loop, 200);
	const char *log = tlsu_capture_end();
	CHECK_EQ_INT(paris.r.closed, 1);
	CHECK(paris.r.closed_conn == c);
	CHECK_EQ_INT(paris.r.closed_errno, EACCES);
	CHECK_STR_CONTAINS(paris.r.closed_why, why_needle);
	CHECK_STR_CONTAINS(log, "refused TLS to lyon 127.77.0.2:");
	CHECK_STR_CONTAINS(log, why_needle);
	CHECK_EQ_INT(paris.r.established, 0);
	CHECK_EQ_INT(lyon.r.messages, 0); // the request never left
out:
	site_close(&paris);
	site_close(&lyon);
}

static void test_refused_servers(void)
{
	char pin[80];
	fprintf(stderr, "-- server naming another site\n");
	expect_refused_server(&(struct tlsu_site){ .site = "paris" }, "nice",
			      "names nice.sealcall.test, not lyon.sealcall.test");
	fprintf(stderr, "-- server from another CA\n");
	expect_refused_server(&(struct tlsu_site){ .site = "paris" }, "evil-lyon",
			      "does not chain to the site CA");
	fprintf(stderr, "-- server key not the pinned one\n");
	CHECK_EQ_INT(tlsu_pin(&env, "lyon", pin, sizeof(pin)), 0);
	expect_refused_server(&(struct tlsu_site){ .site = "paris", .pin_site = "lyon", .pin = pin },
			      "lyon-alt", "does not match the tls_pin of lyon");
}

// The pin holds on every handshake: after a good connection to lyon, a lyon with another key
// (same name, same CA) is refused on reconnection, so no resumed session skips the check.
static void test_pin_every_handshake(void)
{
	char pin[80];
	struct site paris, lyon;
	struct sc_sip_conn *c = NULL;
	CHECK_EQ_INT(tlsu_pin(&env, "lyon", pin, sizeof(pin)), 0);
	if (site_open(&paris, &(struct tlsu_site){ .site = "paris", .pin_site = "lyon", .pin = pin }))
		return;
	if (site_open(&lyon, &(struct tlsu_site){ .site = "lyon" }))
		goto out;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, entry(&paris, "lyon"), &c), 0);
	sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG));
	CHECK(tlsu_run_until(loop, &paris.r.messages, 5000));
	CHECK_EQ_INT(paris.r.established, 1);
	sc_sip_conn_close(c);
	tlsu_run_for(loop, 100);
	site_close(&lyon);

	if (site_open(&lyon, &(struct tlsu_site){ .site = "lyon", .cert = "lyon-alt" }))
		goto out;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, entry(&paris, "lyon"), &c), 0);
	sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG));
	CHECK(tlsu_run_until(loop, &paris.r.closed, 5000));
	CHECK_EQ_INT(paris.r.closed_errno, EACCES);
	CHECK_STR_CONTAINS(paris.r.closed_why, "tls_pin");
	CHECK_EQ_INT(paris.r.established, 1);
	CHECK_EQ_INT(lyon.r.messages, 0);
out:
	site_close(&paris);
	site_close(&lyon);
}

static void test_rsa_server(void)
{
	struct site paris, lyon;
	if (site_open(&paris, &(struct tlsu_site){ .site = "paris" }) ||
	    site_open(&lyon, &(struct tlsu_site){ .site = "lyon", .cert = "lyon-rsa" }))
		goto out;
	struct sc_sip_conn *c = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, entry(&paris, "lyon"), &c), 0);
	sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG));
	CHECK(tlsu_run_until(loop, &paris.r.messages, 5000));
	CHECK_EQ_INT(lyon.r.messages, 1);
out:
	site_close(&paris);
	site_close(&lyon);
}

static void test_registrar(void)
{
	struct site paris, hub;
	if (site_open(&paris, &(struct tlsu_site){ .site = "paris", .registrar = true }) ||
	    site_open(&hub, &(struct tlsu_site){ .site = "hub" }))
		goto out;
	struct sc_sip_conn *c = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect_registrar(paris.t, &c), 0);
	sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG));
	CHECK(tlsu_run_until(loop, &paris.r.messages, 5000));
	CHECK_EQ_INT(sc_sip_conn_identity(c)->kind, SC_SIP_PEER_REGISTRAR);
	CHECK_STR_CONTAINS(sc_sip_conn_identity(c)->san, "hub.sealcall.test");
	CHECK_STR_CONTAINS(sc_sip_conn_describe(c), "registrar 127.77.0.4:");
	struct sc_sip_conn *again = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect_registrar(paris.t, &again), 0);
	CHECK(again == c);
	sc_sip_conn_close(c);
	tlsu_run_for(loop, 100);

	// The hub opening a connection to paris is the registrar there (paris's directory has no
	// entry for it).
	int before = paris.r.messages, hub_before = hub.r.messages;
	CHECK_EQ_INT(sc_sip_tls_connect(hub.t, entry(&hub, "paris"), &c), 0);
	sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG));
	CHECK(tlsu_run_until_count(loop, &hub.r.messages, hub_before + 1, 5000));
	CHECK_EQ_INT(paris.r.messages, before + 1);
	CHECK(paris.r.last_conn != NULL);
	if (paris.r.last_conn) {
		CHECK_EQ_INT(sc_sip_conn_identity(paris.r.last_conn)->kind, SC_SIP_PEER_REGISTRAR);
		struct sc_sip_conn *reuse = NULL;
		CHECK_EQ_INT(sc_sip_tls_connect_registrar(paris.t, &reuse), 0);
		CHECK(reuse == paris.r.last_conn);
	}
	struct sc_sip_conn *none = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect_registrar(hub.t, &none), -ENOENT);
out:
	site_close(&paris);
	site_close(&hub);
}

// A CA that is not valid at this machine's time (a Pi before timesyncd set its clock) is
// refused with a message naming the clock, not the file's format.
static void test_ca_outside_its_dates(void)
{
	struct sc_sip_tls_events ev;
	struct tlsu_events r;
	struct sc_sip_tls *t = NULL;
	tlsu_events_init(&r, &ev);
	struct sc_policy *p = tlsu_policy(&env, &(struct tlsu_site){ .site = "paris", .ca = "future" });
	CHECK(p != NULL);
	if (!p)
		return;
	tlsu_capture_begin();
	CHECK(sc_sip_tls_new(loop, p, "lo", &ev, &t) < 0);
	const char *log = tlsu_capture_end();
	CHECK_STR_CONTAINS(log, "is not yet valid at this system's time");
	CHECK_STR_CONTAINS(log, "timedatectl");
	sc_sip_tls_free(t);
	sc_policy_free(p);
	// A file that is no certificate at all keeps the message about the format.
	char path[128];
	FILE *f = fopen(tlsu_path(&env, "garbage.crt", path, sizeof(path)), "w");
	if (f) {
		fputs("not a certificate\n", f);
		fclose(f);
	}
	p = tlsu_policy(&env, &(struct tlsu_site){ .site = "paris", .ca = "garbage" });
	if (!p)
		return;
	tlsu_capture_begin();
	t = NULL;
	CHECK(sc_sip_tls_new(loop, p, "lo", &ev, &t) < 0);
	log = tlsu_capture_end();
	CHECK_STR_CONTAINS(log, "a PEM CA certificate is needed");
	sc_sip_tls_free(t);
	sc_policy_free(p);
}

int main(void)
{
	CHECK_EQ_INT(sc_sip_tls_global_init(), 0);
	if (tlsu_env_init(&env) != 0 ||
	    tlsu_make_cert(&env, "evil-lyon", "evil", "lyon.sealcall.test", "ec") != 0 ||
	    tlsu_make_cert(&env, "lyon-alt", "ca", "lyon.sealcall.test", "ec") != 0 ||
	    tlsu_make_cert(&env, "lyon-rsa", "ca", "lyon.sealcall.test", "rsa") != 0 ||
	    tlsu_make_cert(&env, "nosan", "ca", NULL, "ec") != 0 ||
	    tlsu_make_cert(&env, "stranger", "ca", "stranger.sealcall.test", "ec") != 0 ||
	    tlsu_make_dated_ca(&env, "future", "20990101000000Z", "21000101000000Z") != 0) {
		CHECK(!"test certificates (is the openssl command installed?)");
		tlsu_env_cleanup(&env);
		return check_done();
	}
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	test_both_ways();
	test_tls12_client();
	test_refused_clients();
	test_unknown_caller();
	test_refused_servers();
	test_pin_every_handshake();
	test_rsa_server();
	test_registrar();
	test_ca_outside_its_dates();
	sc_loop_free(loop);
	tlsu_env_cleanup(&env);
	sc_sip_tls_global_cleanup();
	return check_done();
}
