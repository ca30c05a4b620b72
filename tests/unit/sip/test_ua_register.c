// SPDX-License-Identifier: GPL-3.0-or-later
// Registration with a hub (Digest SHA-256 and MD5, refresh at 80 %, stale nonces, wrong
// credentials, 423, lost connections, removal at shutdown) and calls through the hub.
#include "check.h"
#include "test_ua_harness.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/md5.h>
#include <wolfssl/wolfcrypt/sha256.h>

#define HUB 3
#define REG_URI "sips:hub.sealcall.test:5061"

static struct h_node paris;

static const char *hub_policy(void)
{
	return h_edit(h_policy_text("paris"), "  ca: ca.crt\n",
		      "  ca: ca.crt\n"
		      "  registrar:\n"
		      "    uri: " REG_URI "\n"
		      "    address: 10.77.0.254\n"
		      "    username: paris\n"
		      "    password_file: registrar.password\n"
		      "    expires: 600\n");
}

static void setup(void)
{
	h_node_init(&paris, "paris", hub_policy());
	CHECK_EQ_INT(sc_sip_ua_start(paris.ua, h_now), 0);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(paris.n_connects, 1);
	CHECK(paris.connect_registrar);
	h_flow_up(&paris, HUB, h_identity_registrar(&paris), false);
	h_pump(&paris, NULL);
}

// Answers the last request paris sent with CODE and EXTRA header lines.
static void reply(unsigned code, const char *reason, const char *extra)
{
	const char *req = h_sent_back(&paris, 0);
	char parts[5][512], msg[4096];
	const char *names[] = { "Via", "From", "To", "Call-ID", "CSeq" };
	for (int k = 0; k < 5; k++)
		snprintf(parts[k], sizeof(parts[k]), "%s", h_header(req, names[k]));
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 %u %s\nVia: %s\nFrom: %s\nTo: %s;tag=hub\nCall-ID: %s\nCSeq: %s\n%s"
		 "Content-Length: 0\n\n",
		 code, reason, parts[0], parts[1], parts[2], parts[3], parts[4], extra);
	h_inject(&paris, HUB, msg);
}

// The value of PARAM in a Digest header value ("" when absent).
static const char *param(const char *value, const char *name)
{
	static char out[256];
	char key[64];
	snprintf(key, sizeof(key), "%s=", name);
	out[0] = '\0';
	for (const char *p = strstr(value, key); p; p = strstr(p + 1, key)) {
		if (p != value && p[-1] != ' ' && p[-1] != ',')
			continue;
		p += strlen(key);
		bool quoted = *p == '"';
		p += quoted;
		size_t n = strcspn(p, quoted ? "\"" : ", ");
		snprintf(out, sizeof(out), "%.*s", (int)n, p);
		break;
	}
	return out;
}

static void hex_hash(bool sha256, const char *text, char *hex)
{
	uint8_t d[32];
	size_t n;
	if (sha256) {
		wc_Sha256 s;
		wc_InitSha256(&s);
		wc_Sha256Update(&s, (const byte *)text, (word32)strlen(text));
		wc_Sha256Final(&s, d);
		n = 32;
	} else {
		wc_Md5 s;
		wc_InitMd5(&s);
		wc_Md5Update(&s, (const byte *)text, (word32)strlen(text));
		wc_Md5Final(&s, d);
		n = 16;
	}
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

// Recomputes the Digest response (RFC 7616 §3.4.1, qop=auth) from the header's own fields.
static void check_digest(const char *auth, const char *method, bool sha256, const char *nonce,
			 const char *nc)
{
	char cnonce[128], ha1[65], ha2[65], expect[65], text[1024];
	snprintf(cnonce, sizeof(cnonce), "%s", param(auth, "cnonce"));
	CHECK(strcmp(param(auth, "username"), "paris") == 0);
	CHECK(strcmp(param(auth, "realm"), "hub.sealcall.test") == 0);
	CHECK(strcmp(param(auth, "nonce"), nonce) == 0);
	CHECK(strcmp(param(auth, "uri"), REG_URI) == 0 || strcmp(method, "INVITE") == 0);
	CHECK(strcmp(param(auth, "algorithm"), sha256 ? "SHA-256" : "MD5") == 0);
	CHECK(strcmp(param(auth, "nc"), nc) == 0);
	CHECK(strlen(cnonce) >= 8);
	snprintf(text, sizeof(text), "paris:hub.sealcall.test:secret");
	hex_hash(sha256, text, ha1);
	char uri[256];
	snprintf(uri, sizeof(uri), "%s", param(auth, "uri"));
	snprintf(text, sizeof(text), "%s:%s", method, uri);
	hex_hash(sha256, text, ha2);
	snprintf(text, sizeof(text), "%s:%s:%s:%s:auth:%s", ha1, nonce, nc, cnonce, ha2);
	hex_hash(sha256, text, expect);
	CHECK(strcmp(param(auth, "response"), expect) == 0);
}

#define CHALLENGE_SHA256(nonce, extra)                                                         \
	"WWW-Authenticate: Digest realm=\"hub.sealcall.test\", nonce=\"" nonce                 \
	"\", qop=\"auth\", algorithm=MD5\n"                                                    \
	"WWW-Authenticate: Digest realm=\"hub.sealcall.test\", nonce=\"" nonce                 \
	"\", qop=\"auth\", algorithm=SHA-256" extra "\n"

static void test_register_sha256_and_refresh(void)
{
	setup();
	const char *reg = h_sent_back(&paris, 0);
	CHECK(strncmp(reg, "REGISTER " REG_URI " SIP/2.0\r\n", strlen("REGISTER " REG_URI " SIP/2.0\r\n")) == 0);
	CHECK_STR_CONTAINS(h_header(reg, "From"), "<sips:paris@hub.sealcall.test>;tag=");
	CHECK(strcmp(h_header(reg, "To"), "<sips:paris@hub.sealcall.test>") == 0);
	CHECK(strcmp(h_header(reg, "Contact"), "<sips:paris@10.77.0.1:5061>") == 0);
	CHECK(strcmp(h_header(reg, "Expires"), "600") == 0);
	CHECK(strcmp(h_header(reg, "Authorization"), "") == 0);

	reply(401, "Unauthorized", CHALLENGE_SHA256("n1", ""));
	reg = h_sent_back(&paris, 0);
	CHECK_STR_CONTAINS(h_header(reg, "CSeq"), "2 REGISTER");
	char auth[1024];
	snprintf(auth, sizeof(auth), "%s", h_header(reg, "Authorization"));
	check_digest(auth, "REGISTER", true, "n1", "00000001"); // the stronger of the two

	reply(200, "OK", "Contact: <sips:paris@10.77.0.1:5061>;expires=300\n");
	const struct sc_sip_ua_event *ev = h_last_event(&paris, SC_SIP_UA_EV_REGISTERED);
	CHECK(ev && ev->expires == 300);
	struct sc_sip_ua_registration info;
	sc_sip_ua_registration(paris.ua, &info);
	CHECK(info.configured && info.registered && info.expires == 300);
	uint64_t when = 0;
	CHECK(sc_sip_ua_next_deadline(paris.ua, &when) && when == h_now + 240000);

	size_t before = h_sent_count(&paris, "REGISTER ");
	h_advance(&paris, NULL, 239999);
	CHECK_EQ_INT(h_sent_count(&paris, "REGISTER "), before);
	h_advance(&paris, NULL, 1);
	CHECK_EQ_INT(h_sent_count(&paris, "REGISTER "), before + 1);
	reg = h_sent_back(&paris, 0);
	snprintf(auth, sizeof(auth), "%s", h_header(reg, "Authorization"));
	check_digest(auth, "REGISTER", true, "n1", "00000002"); // same nonce, next count

	// the nonce went stale: answered again with the new one, not a failure
	reply(401, "Unauthorized", CHALLENGE_SHA256("n2", ", stale=true"));
	reg = h_sent_back(&paris, 0);
	snprintf(auth, sizeof(auth), "%s", h_header(reg, "Authorization"));
	check_digest(auth, "REGISTER", true, "n2", "00000001");
	reply(200, "OK", "Expires: 120\n");
	sc_sip_ua_registration(paris.ua, &info);
	CHECK(info.registered && info.expires == 120);
	CHECK(h_last_event(&paris, SC_SIP_UA_EV_REGISTRATION_FAILED) == NULL);

	// shutdown removes the registration
	sc_sip_ua_shutdown(paris.ua, h_now);
	h_pump(&paris, NULL);
	reg = h_sent_back(&paris, 0);
	CHECK(strncmp(reg, "REGISTER ", 9) == 0);
	CHECK(strcmp(h_header(reg, "Expires"), "0") == 0);
	reply(200, "OK", "");
	sc_sip_ua_registration(paris.ua, &info);
	CHECK(!info.registered);
	h_node_free(&paris);
}

static void test_register_md5_wrong_password_and_retry(void)
{
	setup();
	reply(401, "Unauthorized",
	      "WWW-Authenticate: Digest realm=\"hub.sealcall.test\", nonce=\"m1\", qop=\"auth\"\n");
	char auth[1024];
	snprintf(auth, sizeof(auth), "%s", h_header(h_sent_back(&paris, 0), "Authorization"));
	check_digest(auth, "REGISTER", false, "m1", "00000001");
	// refused again with a fresh nonce: the credentials are wrong, no loop
	reply(401, "Unauthorized",
	      "WWW-Authenticate: Digest realm=\"hub.sealcall.test\", nonce=\"m2\", qop=\"auth\"\n");
	const struct sc_sip_ua_event *ev = h_last_event(&paris, SC_SIP_UA_EV_REGISTRATION_FAILED);
	CHECK(ev != NULL);
	CHECK_STR_CONTAINS(ev ? ev->reason : NULL, "refused the credentials of paris");
	size_t n = h_sent_count(&paris, "REGISTER ");
	CHECK_EQ_INT(n, 2);
	h_advance(&paris, NULL, SC_SIP_UA_REGISTER_RETRY_MS - 1);
	CHECK_EQ_INT(h_sent_count(&paris, "REGISTER "), n);
	h_advance(&paris, NULL, 1);
	CHECK_EQ_INT(h_sent_count(&paris, "REGISTER "), n + 1);

	// 423: asks again with the registrar's minimum
	reply(423, "Interval Too Brief", "Min-Expires: 900\n");
	CHECK(strcmp(h_header(h_sent_back(&paris, 0), "Expires"), "900") == 0);
	reply(200, "OK", "");
	struct sc_sip_ua_registration info;
	sc_sip_ua_registration(paris.ua, &info);
	CHECK(info.registered && info.expires == 900);

	// the connection drops: registered again over a new one
	n = h_sent_count(&paris, "REGISTER ");
	sc_sip_ua_flow_down(paris.ua, HUB, "keepalive unanswered", h_now);
	h_pump(&paris, NULL);
	sc_sip_ua_registration(paris.ua, &info);
	CHECK(!info.registered);
	h_advance(&paris, NULL, 2000);
	CHECK_EQ_INT(paris.n_connects, 2);
	h_flow_up(&paris, HUB + 1, h_identity_registrar(&paris), false);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_sent_count(&paris, "REGISTER "), n + 1);
	h_node_free(&paris);
}

static void test_register_unreachable(void)
{
	h_node_init(&paris, "paris", hub_policy());
	sc_sip_ua_start(paris.ua, h_now);
	h_pump(&paris, NULL);
	sc_sip_ua_connect_failed(paris.ua, NULL, "connection refused", h_now);
	h_pump(&paris, NULL);
	const struct sc_sip_ua_event *ev = h_last_event(&paris, SC_SIP_UA_EV_REGISTRATION_FAILED);
	CHECK_STR_CONTAINS(ev ? ev->reason : NULL, "cannot reach the registrar over TLS: connection refused");
	h_advance(&paris, NULL, SC_SIP_UA_REGISTER_RETRY_MS);
	CHECK_EQ_INT(paris.n_connects, 2);
	// no answer to REGISTER at all: Timer F
	h_flow_up(&paris, HUB, h_identity_registrar(&paris), false);
	h_pump(&paris, NULL);
	h_advance(&paris, NULL, 64 * 500);
	ev = h_last_event(&paris, SC_SIP_UA_EV_REGISTRATION_FAILED);
	CHECK_STR_CONTAINS(ev ? ev->reason : NULL, "no answer to REGISTER");
	h_node_free(&paris);
}

// An INVITE as the hub relays it from another site.
static const char *hub_invite(const char *from, int n)
{
	static char msg[4096];
	snprintf(msg, sizeof(msg),
		 "INVITE sips:paris@10.77.0.1:5061 SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.254:5061;branch=z9hG4bKhub%d\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKlyon%d\n"
		 "Record-Route: <sips:hub.sealcall.test:5061;lr>\n"
		 "Max-Forwards: 69\n"
		 "From: %s;tag=x1\n"
		 "To: <sips:paris@hub.sealcall.test>\n"
		 "Call-ID: hub%d@lyon\nCSeq: 1 INVITE\n"
		 "Contact: <sips:lyon@10.77.0.2:5061>\n"
		 "Content-Type: application/sdp\nContent-Length: $CL\n\n%s",
		 n, n, from, n,
		 h_offer("a=zrtp-hash:1.10 abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"));
	return msg;
}

static void test_calls_through_the_hub(void)
{
	setup();
	reply(200, "OK", "");
	char why[256];
	paris.tunnel_up = false;
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why)), -ENETDOWN);
	CHECK_STR_CONTAINS(why, "the tunnel to the registrar for lyon is not up");
	paris.tunnel_up = true;
	size_t connects = paris.n_connects;
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(paris.n_connects, connects); // the registrar's connection carries it
	const char *inv = h_sent_back(&paris, 0);
	CHECK(paris.sent[paris.n_sent - 1].flow == HUB);
	CHECK(strncmp(inv, "INVITE sips:lyon@lyon.sealcall.test SIP/2.0", 43) == 0);
	CHECK(strcmp(h_header(inv, "Route"), "<" REG_URI ";lr>") == 0);
	// the From is paris as lyon's directory knows it, so that lyon can tell who calls
	CHECK_STR_CONTAINS(h_header(inv, "From"), "<sips:paris@paris.sealcall.test>;tag=");
	// the hub wants proxy credentials: asked once more with them
	reply(407, "Proxy Authentication Required",
	      "Proxy-Authenticate: Digest realm=\"hub.sealcall.test\", nonce=\"p1\", qop=\"auth\", algorithm=SHA-256\n");
	inv = h_sent_back(&paris, 0);
	CHECK(strncmp(inv, "INVITE ", 7) == 0);
	CHECK_STR_CONTAINS(h_header(inv, "CSeq"), "2 INVITE");
	char auth[1024];
	snprintf(auth, sizeof(auth), "%s", h_header(inv, "Proxy-Authorization"));
	check_digest(auth, "INVITE", true, "p1", "00000001");
	CHECK_EQ_INT(h_sent_count(&paris, "ACK "), 1); // the 407 was ACKed
	// refused a second time: the call ends with the code
	reply(407, "Proxy Authentication Required",
	      "Proxy-Authenticate: Digest realm=\"hub.sealcall.test\", nonce=\"p2\", qop=\"auth\"\n");
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&paris)->code, 407);

	// calls arriving through the hub: From must be in the directory
	char msg[4096];
	h_inject(&paris, HUB, hub_invite("<sips:mallory@evil.test>", 1));
	CHECK_EQ_INT(h_status(h_sent_back(&paris, 0)), 403);
	CHECK_STR_CONTAINS(h_header(h_sent_back(&paris, 0), "Warning"), "not in the directory");
	h_inject(&paris, HUB, hub_invite("<sips:lyon@lyon.sealcall.test>", 2));
	CHECK_EQ_INT(h_status(h_sent_back(&paris, 0)), 180);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_RINGING_IN);
	CHECK(strcmp(h_last_state(&paris)->peer, "lyon") == 0);
	// the answer goes back through the hub, and the BYE follows the recorded route
	CHECK_EQ_INT(sc_sip_ua_answer(paris.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_status(h_sent_back(&paris, 0)), 200);
	CHECK_STR_CONTAINS(h_sent_back(&paris, 0), "Record-Route: <sips:hub.sealcall.test:5061;lr>");
	char to[256];
	snprintf(to, sizeof(to), "%s", h_header(h_sent_back(&paris, 0), "To"));
	CHECK_EQ_INT(sc_sip_ua_hangup(paris.ua, h_now, why, sizeof(why)), 0); // waits for the ACK
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_sent_count(&paris, "BYE "), 0);
	snprintf(msg, sizeof(msg),
		 "ACK sips:paris@10.77.0.1:5061 SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.254:5061;branch=z9hG4bKhub2\n"
		 "Max-Forwards: 69\nFrom: <sips:lyon@lyon.sealcall.test>;tag=x1\n"
		 "To: %s\nCall-ID: hub2@lyon\nCSeq: 1 ACK\nContent-Length: 0\n\n",
		 to);
	h_inject(&paris, HUB, msg);
	const char *bye = h_sent_find(&paris, "BYE sips:lyon@10.77.0.2:5061 SIP/2.0");
	CHECK(bye != NULL);
	CHECK(strcmp(h_header(bye, "Route"), "<sips:hub.sealcall.test:5061;lr>") == 0);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_ENDING);
	h_node_free(&paris);
}

int main(void)
{
	test_register_sha256_and_refresh();
	test_register_md5_wrong_password_and_retry();
	test_register_unreachable();
	test_calls_through_the_hub();
	return check_done();
}
