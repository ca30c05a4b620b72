// SPDX-License-Identifier: GPL-3.0-or-later
// Digest authentication against the published examples of RFC 7616 §3.9.1 (SHA-256 and
// MD5) and RFC 2617 §3.5 (MD5). Values for variants no RFC shows (-sess, no qop, userhash)
// were computed from the RFC 7616 formulas with an independent implementation (Python
// hashlib) and are marked so.
#include "check.h"
#include "sip/digest.h"
#include "sip_test_util.h"

#include <errno.h>

#define NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define OPAQUE "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
#define PASSWORD "Circle of Life"

static const char unauthorized[] = "SIP/2.0 401 Unauthorized\n"
				   "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKreg1\n"
				   "From: <sips:paris@hub.sealcall.internal>;tag=r1\n"
				   "To: <sips:paris@hub.sealcall.internal>;tag=h1\n"
				   "Call-ID: reg1@10.77.0.1\nCSeq: 1 REGISTER\n"
				   "WWW-Authenticate: Digest\n"
				   "    realm=\"http-auth@example.org\",\n"
				   "    qop=\"auth, auth-int\",\n"
				   "    algorithm=MD5,\n"
				   "    nonce=\"" NONCE "\",\n"
				   "    opaque=\"" OPAQUE "\"\n"
				   "WWW-Authenticate: Digest\n"
				   "    realm=\"http-auth@example.org\",\n"
				   "    qop=\"auth, auth-int\",\n"
				   "    algorithm=SHA-256,\n"
				   "    nonce=\"" NONCE "\",\n"
				   "    opaque=\"" OPAQUE "\"\n"
				   "WWW-Authenticate: Basic realm=\"nope\"\n"
				   "Content-Length: 0\n\n";

static void test_rfc7616(void)
{
	char buf[4096], auth[1024];
	struct sc_sip_msg msg;
	struct sc_sip_error err;
	size_t n = crlf(unauthorized, buf, sizeof(buf));
	CHECK_EQ_INT(sc_sip_msg_parse(buf, n, SC_SIP_STREAM, &msg, &err), 0);
	struct sc_sip_digest_challenge ch;
	CHECK_EQ_INT(sc_sip_digest_pick(&msg, &ch), 0);
	CHECK_EQ_INT(ch.alg, SC_SIP_DIGEST_ALG_SHA256); // RFC 8760: the stronger one
	CHECK(ch.qop_auth && ch.has_opaque && !ch.sess && !ch.stale);
	CHECK(strcmp(ch.realm, "http-auth@example.org") == 0 && strcmp(ch.nonce, NONCE) == 0);
	int len = sc_sip_digest_authorization(&ch, "Mufasa", (const uint8_t *)PASSWORD, strlen(PASSWORD), "GET",
					      "/dir/index.html", CNONCE, 1, auth, sizeof(auth));
	CHECK(len > 0 && (size_t)len == strlen(auth));
	CHECK_STR_CONTAINS(auth, "Digest username=\"Mufasa\", realm=\"http-auth@example.org\"");
	CHECK_STR_CONTAINS(auth, "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"");
	CHECK_STR_CONTAINS(auth, "algorithm=SHA-256");
	CHECK_STR_CONTAINS(auth, "qop=auth, nc=00000001");
	CHECK_STR_CONTAINS(auth, "cnonce=\"" CNONCE "\"");
	CHECK_STR_CONTAINS(auth, "opaque=\"" OPAQUE "\"");
	CHECK_STR_CONTAINS(auth, "uri=\"/dir/index.html\"");

	// the MD5 challenge of the same example
	const struct sc_sip_header *h = sc_sip_msg_find(&msg, SC_SIP_HDR_WWW_AUTHENTICATE, NULL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(h->value, &ch), 0);
	CHECK_EQ_INT(ch.alg, SC_SIP_DIGEST_ALG_MD5);
	CHECK(sc_sip_digest_authorization(&ch, "Mufasa", (const uint8_t *)PASSWORD, strlen(PASSWORD), "GET",
					  "/dir/index.html", CNONCE, 1, auth, sizeof(auth)) > 0);
	CHECK_STR_CONTAINS(auth, "response=\"8ca523f5e9506fed4657c9700eebdbec\"");
	CHECK_STR_CONTAINS(auth, "algorithm=MD5,");

	// the authorization value fits an Authorization header that the parser accepts
	CHECK_EQ_INT(sc_sip_digest_authorization(&ch, "Mufasa", (const uint8_t *)PASSWORD, strlen(PASSWORD),
						 "GET", "/dir/index.html", CNONCE, 1, auth, 64),
		     -ENOBUFS);
}

static void test_rfc2617_and_variants(void)
{
	char auth[1024];
	struct sc_sip_digest_challenge ch;
	// RFC 2617 §3.5 (no algorithm: MD5)
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(
			     sc_sip_str_from("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
					     "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
					     "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""),
			     &ch),
		     0);
	CHECK(sc_sip_digest_authorization(&ch, "Mufasa", (const uint8_t *)"Circle Of Life", 14, "GET",
					  "/dir/index.html", "0a4f113b", 1, auth, sizeof(auth)) > 0);
	CHECK_STR_CONTAINS(auth, "response=\"6629fae49393a05397450978507c4ef1\"");

	// computed independently: no qop (RFC 2069 compatibility) as an old registrar sends it
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("digest REALM=sealcall,nonce=\"abc123\""), &ch), 0);
	CHECK(!ch.has_qop && !ch.has_opaque);
	CHECK(sc_sip_digest_authorization(&ch, "paris", (const uint8_t *)"s3cret", 6, "REGISTER",
					  "sips:hub.sealcall.internal", "c1", 1, auth, sizeof(auth)) > 0);
	CHECK_STR_CONTAINS(auth, "response=\"24c12ca84f84049731b9c60d6a67fc61\"");
	CHECK(!strstr(auth, "qop=") && !strstr(auth, "cnonce="));

	// computed independently: SHA-256-sess, and userhash
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(
			     sc_sip_str_from("Digest realm=\"http-auth@example.org\", qop=auth, algorithm=SHA-256-sess, "
					     "nonce=\"" NONCE "\", userhash=true, stale=TRUE"),
			     &ch),
		     0);
	CHECK(ch.sess && ch.userhash && ch.stale);
	CHECK(sc_sip_digest_authorization(&ch, "Mufasa", (const uint8_t *)PASSWORD, strlen(PASSWORD), "GET",
					  "/dir/index.html", CNONCE, 1, auth, sizeof(auth)) > 0);
	CHECK_STR_CONTAINS(auth, "response=\"2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7\"");
	CHECK_STR_CONTAINS(auth, "username=\"a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6\"");
	CHECK_STR_CONTAINS(auth, "algorithm=SHA-256-sess");
	CHECK_STR_CONTAINS(auth, "userhash=true");

	// quotes and backslashes from the server are escaped again on the way back
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=\"a\\\"b\\\\c\", nonce=n1, qop=\"auth\""),
						   &ch),
		     0);
	CHECK(strcmp(ch.realm, "a\"b\\c") == 0);
	CHECK(sc_sip_digest_authorization(&ch, "u", (const uint8_t *)"p", 1, "INVITE", "sips:a@b", "c", 2,
					  auth, sizeof(auth)) > 0);
	CHECK_STR_CONTAINS(auth, "realm=\"a\\\"b\\\\c\"");
	CHECK_STR_CONTAINS(auth, "nc=00000002");
}

static void test_refused(void)
{
	struct sc_sip_digest_challenge ch;
	char auth[512];
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Basic realm=\"x\""), &ch), -ENOTSUP);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x, nonce=y, algorithm=SHA-512-256"), &ch),
		     -ENOTSUP);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x, nonce=y, qop=\"auth-int\""), &ch),
		     -ENOTSUP);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x"), &ch), -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest nonce=y"), &ch), -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x, nonce=y, nonce=z"), &ch), -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=\"x, nonce=y"), &ch), -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x nonce=y"), &ch), -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digestrealm=x"), &ch), -ENOTSUP);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from(""), &ch), -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=\"a\\\x01\", nonce=y"), &ch), -EINVAL);
	// unknown parameters are fine
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x, domain=\"sip:a sip:b\", nonce=y"), &ch),
		     0);
	// an injection attempt in the URI or a zero nonce count is refused
	CHECK_EQ_INT(sc_sip_digest_authorization(&ch, "u", (const uint8_t *)"p", 1, "INVITE", "sips:a\r\nX: y", "c", 1,
						 auth, sizeof(auth)),
		     -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_authorization(&ch, "u\x01", (const uint8_t *)"p", 1, "INVITE", "sips:a", "c", 1,
						 auth, sizeof(auth)),
		     -EINVAL);
	CHECK_EQ_INT(sc_sip_digest_parse_challenge(sc_sip_str_from("Digest realm=x, nonce=y, qop=auth"), &ch), 0);
	CHECK_EQ_INT(sc_sip_digest_authorization(&ch, "u", (const uint8_t *)"p", 1, "INVITE", "sips:a", "c", 0,
						 auth, sizeof(auth)),
		     -EINVAL);
	// a 407 is read from Proxy-Authenticate
	char buf[1024];
	struct sc_sip_msg msg;
	struct sc_sip_error err;
	size_t n = crlf("SIP/2.0 407 Proxy Authentication Required\n"
			"Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKp\n"
			"From: <sips:paris@hub>;tag=1\nTo: <sips:lyon@hub>;tag=2\nCall-ID: p\nCSeq: 1 INVITE\n"
			"WWW-Authenticate: Digest realm=wrong, nonce=n\n"
			"Proxy-Authenticate: Digest realm=hub, nonce=n2, algorithm=MD5\n"
			"Content-Length: 0\n\n", buf, sizeof(buf));
	CHECK_EQ_INT(sc_sip_msg_parse(buf, n, SC_SIP_STREAM, &msg, &err), 0);
	CHECK_EQ_INT(sc_sip_digest_pick(&msg, &ch), 0);
	CHECK(strcmp(ch.realm, "hub") == 0);
	msg.status = 401;
	CHECK_EQ_INT(sc_sip_digest_pick(&msg, &ch), 0);
	CHECK(strcmp(ch.realm, "wrong") == 0);
	n = crlf("SIP/2.0 401 Unauthorized\nVia: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKp\n"
		 "From: <sips:paris@hub>;tag=1\nTo: <sips:lyon@hub>;tag=2\nCall-ID: p\nCSeq: 1 INVITE\n"
		 "WWW-Authenticate: Basic realm=x\nContent-Length: 0\n\n", buf, sizeof(buf));
	CHECK_EQ_INT(sc_sip_msg_parse(buf, n, SC_SIP_STREAM, &msg, &err), 0);
	CHECK_EQ_INT(sc_sip_digest_pick(&msg, &ch), -ENOENT);
}

int main(void)
{
	test_rfc7616();
	test_rfc2617_and_variants();
	test_refused();
	return check_done();
}
