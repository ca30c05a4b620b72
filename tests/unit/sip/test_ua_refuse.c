// SPDX-License-Identifier: GPL-3.0-or-later
// Every refusal of the UA, each with its code and stated reason: requests written by hand
// as a hostile or careless peer would send them, answers that lack the keying, and calls
// the UA refuses locally without sending a byte.
#include "check.h"
#include "test_ua_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FLOW 9
#define HASH_LINE "a=zrtp-hash:1.10 abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"
#define CRYPTO_LINE "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n"

static struct h_node paris;
static unsigned seq;

static void setup_with(const char *yaml)
{
	h_node_init(&paris, "paris", yaml);
	h_flow_up(&paris, FLOW, h_identity_of(&paris, "lyon"), true);
}

static void setup(void)
{
	setup_with(h_policy_text("paris"));
}

struct req {
	const char *method, *ruri, *from, *headers, *ctype, *body, *max_forwards;
};

// An INVITE from lyon unless the fields say otherwise; returns the response paris sent last.
static const char *send_req(struct req r)
{
	static char msg[8192];
	seq++;
	const char *method = r.method ? r.method : "INVITE";
	const char *body = r.body ? r.body : h_offer(HASH_LINE);
	snprintf(msg, sizeof(msg),
		 "%s %s SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKr%u\n"
		 "Max-Forwards: %s\n"
		 "From: %s;tag=L%u\n"
		 "To: <sips:paris@paris.sealcall.test>\n"
		 "Call-ID: refuse%u@lyon\n"
		 "CSeq: 1 %s\n"
		 "Contact: <sips:lyon@10.77.0.2:5061>\n"
		 "%s"
		 "%s%s%s"
		 "Content-Length: $CL\n\n%s",
		 method, r.ruri ? r.ruri : "sips:paris@paris.sealcall.test", seq,
		 r.max_forwards ? r.max_forwards : "70", r.from ? r.from : "<sips:lyon@lyon.sealcall.test>", seq, seq, method,
		 r.headers ? r.headers : "", *body ? "Content-Type: " : "",
		 *body ? (r.ctype ? r.ctype : "application/sdp") : "", *body ? "\n" : "", body);
	size_t before = paris.n_sent;
	h_inject(&paris, FLOW, msg);
	return paris.n_sent > before ? h_sent_back(&paris, 0) : NULL;
}

static void expect(const char *what, const char *resp, unsigned code, const char *warning)
{
	if (h_status(resp) != code || (warning && !strstr(h_header(resp, "Warning"), warning))) {
		fprintf(stderr, "%s: expected %u (%s), got:\n%s\n", what, code, warning ? warning : "",
			resp ? resp : "(nothing)");
		check_failed++;
		return;
	}
	check_passed++;
}

static void test_baseline_rings(void)
{
	setup();
	const char *r = send_req((struct req){ 0 });
	expect("a good INVITE", r, 180, NULL);
	CHECK_EQ_INT(h_sent_count(&paris, "SIP/2.0 100"), 1);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_RINGING_IN);
	CHECK_STR_CONTAINS(h_header(r, "To"), ";tag=");
	h_node_free(&paris);
}

static void test_keying_refusals(void)
{
	setup();
	expect("no zrtp-hash", send_req((struct req){ .body = h_offer("") }), 488,
	       "the offer has no a=zrtp-hash: this site keys media with ZRTP only");
	expect("SDES", send_req((struct req){ .body = h_offer(HASH_LINE CRYPTO_LINE) }), 488,
	       "SDES keys (a=crypto), refused by policy");
	expect("SDES only", send_req((struct req){ .body = h_offer(CRYPTO_LINE) }), 488, "a=crypto");
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(paris.media.prepared, 3);
	CHECK_EQ_INT(paris.media.released, 3); // every refusal released its port
	CHECK_EQ_INT(paris.media.started, 0);
	const struct sc_sip_ua_event *ev = h_last_event(&paris, SC_SIP_UA_EV_REFUSED);
	CHECK(ev && ev->code == 488);
	h_node_free(&paris);

	// allow_sdes lets a=crypto through next to a=zrtp-hash (ZRTP still keys the call)
	setup_with(h_edit(h_policy_text("paris"), "media:\n", "media:\n  allow_sdes: true\n"));
	expect("SDES allowed", send_req((struct req){ .body = h_offer(HASH_LINE CRYPTO_LINE) }), 180, NULL);
	h_node_free(&paris);
}

static void test_scheme_and_identity(void)
{
	setup();
	expect("sip: Request-URI", send_req((struct req){ .ruri = "sip:paris@paris.sealcall.test" }),
	       416, "sealcall demands sips:");
	expect("tel: Request-URI", send_req((struct req){ .ruri = "tel:+33123456789" }), 416, NULL);
	expect("other scheme", send_req((struct req){ .ruri = "http:paris" }), 416, NULL);
	expect("From of another site",
	       send_req((struct req){ .from = "<sips:nice@nice.sealcall.test>" }), 403,
	       "is not sips:lyon@lyon.sealcall.test");
	expect("From as sip:", send_req((struct req){ .from = "<sip:lyon@lyon.sealcall.test>" }), 403, NULL);
	expect("another user", send_req((struct req){ .ruri = "sips:bob@paris.sealcall.test" }), 404,
	       "no such user");
	CHECK_EQ_INT(paris.media.prepared, 0); // nothing was opened for any of them
	h_node_free(&paris);

	// a caller the CA vouches for but the directory does not list
	for (int accept = 0; accept < 2; accept++) {
		setup_with(accept ? h_edit(h_policy_text("paris"), "  auto_answer: false\n",
					  "  auto_answer: false\n  accept_unknown_callers: true\n")
				  : h_policy_text("paris"));
		struct sc_sip_identity id = { .kind = SC_SIP_PEER_UNKNOWN, .authenticated = true,
					      .family = AF_INET, .port = 40000 };
		snprintf(id.san, sizeof(id.san), "laptop.sealcall.test");
		inet_pton(AF_INET, "10.77.0.3", id.addr);
		h_flow_up(&paris, FLOW, id, true);
		const char *r = send_req((struct req){ .from = "<sips:anne@laptop.sealcall.test>" });
		if (accept)
			expect("unknown caller accepted", r, 180, NULL);
		else
			expect("unknown caller", r, 403, "is not in the directory");
		h_node_free(&paris);
	}
}

static void test_state_refusals(void)
{
	setup();
	paris.tunnel_up = false;
	expect("stale tunnel", send_req((struct req){ 0 }), 480,
	       "the tunnel to lyon is not up (handshake 200 s old)");
	paris.tunnel_up = true;
	sc_sip_ua_set_headset(paris.ua, false);
	expect("no headset", send_req((struct req){ 0 }), 480, "no headset");
	sc_sip_ua_set_headset(paris.ua, true);
	expect("ringing", send_req((struct req){ 0 }), 180, NULL);
	expect("busy", send_req((struct req){ 0 }), 486, "already in a call");
	char why[200];
	CHECK_EQ_INT(sc_sip_ua_hangup(paris.ua, h_now, why, sizeof(why)), 0); // 603
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_status(h_sent_back(&paris, 0)), 603);
	paris.media.fail_prepare = -EADDRINUSE;
	expect("no RTP port", send_req((struct req){ 0 }), 500, "cannot prepare the call's media");
	h_node_free(&paris);
}

static void test_body_refusals(void)
{
	setup();
	expect("no offer", send_req((struct req){ .body = "" }), 488, "without an SDP offer");
	expect("text body", send_req((struct req){ .ctype = "text/plain", .body = "hello\n" }), 415, NULL);
	CHECK_STR_CONTAINS(h_header(h_sent_back(&paris, 0), "Accept"), "application/sdp");
	expect("bad SDP", send_req((struct req){ .body = "v=0\nbogus\n" }), 400, "malformed SDP");
	const char *g722 = "v=0\no=lyon 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
			   "m=audio 40000 RTP/AVP 9\n" HASH_LINE;
	expect("no common codec", send_req((struct req){ .body = g722 }), 488, "no common audio codec");
	h_node_free(&paris);
}

static void test_method_refusals(void)
{
	setup();
	expect("Require", send_req((struct req){ .headers = "Require: 100rel\n" }), 420, NULL);
	CHECK_STR_CONTAINS(h_header(h_sent_back(&paris, 0), "Unsupported"), "100rel");
	expect("Max-Forwards 0", send_req((struct req){ .max_forwards = "0" }), 483, NULL);
	expect("MESSAGE", send_req((struct req){ .method = "MESSAGE", .body = "" }), 405, NULL);
	CHECK_STR_CONTAINS(h_header(h_sent_back(&paris, 0), "Allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS");
	expect("REGISTER", send_req((struct req){ .method = "REGISTER", .body = "" }), 405, NULL);
	expect("unknown method", send_req((struct req){ .method = "FROBNICATE", .body = "" }), 501, NULL);
	expect("BYE outside a call", send_req((struct req){ .method = "BYE", .body = "" }), 481, NULL);
	expect("CANCEL of nothing", send_req((struct req){ .method = "CANCEL", .body = "" }), 481, NULL);
	CHECK(send_req((struct req){ .method = "ACK", .body = "" }) == NULL); // never answered
	h_node_free(&paris);
}

static void test_malformed(void)
{
	setup();
	h_inject(&paris, FLOW,
		 "INVITE sips:paris@paris.sealcall.test SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKm1\n"
		 "From: <sips:lyon@lyon.sealcall.test>;tag=1\n"
		 "To: <sips:paris@paris.sealcall.test>\nCall-ID: m1\nCSeq: 1 OPTIONS\n"
		 "Content-Length: 0\n\n");
	const char *r = h_sent_back(&paris, 0);
	CHECK_EQ_INT(h_status(r), 400);
	CHECK_STR_CONTAINS(r, "SIP/2.0 400 Bad Request - CSeq method does not match the request method\r\n");
	// broken where the answer would copy it (From): no answer nobody could parse
	size_t n = paris.n_sent;
	h_inject(&paris, FLOW,
		 "INVITE sips:paris@paris.sealcall.test SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKm1b\n"
		 "From: lyon <<sips:lyon@lyon.sealcall.test>>;tag=1\n"
		 "To: <sips:paris@paris.sealcall.test>\nCall-ID: m1b\nCSeq: 1 INVITE\n"
		 "Content-Length: 0\n\n");
	CHECK_EQ_INT(paris.n_sent, n);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	h_inject(&paris, FLOW,
		 "OPTIONS sips:paris@paris.sealcall.test SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=old-style-1\n"
		 "From: <sips:lyon@lyon.sealcall.test>;tag=1\n"
		 "To: <sips:paris@paris.sealcall.test>\nCall-ID: m2\nCSeq: 1 OPTIONS\n"
		 "Content-Length: 0\n\n");
	CHECK_EQ_INT(h_status(h_sent_back(&paris, 0)), 400);
	CHECK_STR_CONTAINS(h_header(h_sent_back(&paris, 0), "Warning"), "magic cookie");
	h_inject(&paris, FLOW,
		 "OPTIONS sips:paris@paris.sealcall.test SIP/3.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKm3\n"
		 "From: <sips:lyon@lyon.sealcall.test>;tag=1\n"
		 "To: <sips:paris@paris.sealcall.test>\nCall-ID: m3\nCSeq: 1 OPTIONS\n"
		 "Content-Length: 0\n\n");
	CHECK_EQ_INT(h_status(h_sent_back(&paris, 0)), 505);
	n = paris.n_sent;
	h_inject(&paris, 77, "OPTIONS sips:paris SIP/2.0\n\n"); // an unknown connection: dropped
	CHECK_EQ_INT(paris.n_sent, n);
	h_node_free(&paris);
}

// ---- answers to our INVITE ----

// A response to the last INVITE paris sent, as lyon would write it.
static void answer_invite(unsigned code, const char *reason, const char *body)
{
	static char msg[8192];
	const char *inv = h_sent_find(&paris, "INVITE ");
	char via[256], from[256], to[256], callid[128], cseq[64];
	snprintf(via, sizeof(via), "%s", h_header(inv, "Via"));
	snprintf(from, sizeof(from), "%s", h_header(inv, "From"));
	snprintf(to, sizeof(to), "%s", h_header(inv, "To"));
	snprintf(callid, sizeof(callid), "%s", h_header(inv, "Call-ID"));
	snprintf(cseq, sizeof(cseq), "%s", h_header(inv, "CSeq"));
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 %u %s\nVia: %s\nFrom: %s\nTo: %s;tag=lyon1\nCall-ID: %s\nCSeq: %s\n"
		 "Contact: <sips:lyon@10.77.0.2:5061>\n%sContent-Length: $CL\n\n%s",
		 code, reason, via, from, to, callid, cseq, *body ? "Content-Type: application/sdp\n" : "",
		 body);
	h_inject(&paris, FLOW, msg);
}

static void place_call(void)
{
	char why[200];
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	CHECK(h_sent_find(&paris, "INVITE ") != NULL);
}

static void test_answer_refusals(void)
{
	// h_offer returns one static buffer: each description is copied out
	static char no_hash[2048], sdes[2048];
	snprintf(no_hash, sizeof(no_hash), "%s", h_offer(""));
	snprintf(sdes, sizeof(sdes), "%s", h_offer(HASH_LINE CRYPTO_LINE));
	struct {
		const char *body, *why;
	} bad[] = {
		{ "", "answered without an SDP answer" },
		{ no_hash, "the answer has no a=zrtp-hash" },
		{ sdes, "the answer carries SDES keys" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup();
		place_call();
		answer_invite(180, "Ringing", "");
		CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_RINGING_OUT);
		char body[2048];
		snprintf(body, sizeof(body), "%s", bad[i].body);
		answer_invite(200, "OK", body);
		// ACKed (the dialog exists), then ended with a BYE stating why
		CHECK_EQ_INT(h_sent_count(&paris, "ACK "), 1);
		const char *bye = h_sent_find(&paris, "BYE sips:lyon@10.77.0.2:5061");
		CHECK(bye != NULL);
		CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_ENDING);
		CHECK_STR_CONTAINS(h_last_state(&paris)->reason, bad[i].why);
		CHECK_EQ_INT(h_last_state(&paris)->code, 488);
		CHECK_EQ_INT(paris.media.started, 0);
		// lyon's 200 to the BYE ends it
		// built header by header: h_header shares one buffer
		char ok[2048], parts[5][256];
		const char *names[] = { "Via", "From", "To", "Call-ID", "CSeq" };
		for (int k = 0; k < 5; k++)
			snprintf(parts[k], sizeof(parts[k]), "%s", h_header(bye, names[k]));
		snprintf(ok, sizeof(ok),
			 "SIP/2.0 200 OK\nVia: %s\nFrom: %s\nTo: %s\nCall-ID: %s\nCSeq: %s\nContent-Length: 0\n\n",
			 parts[0], parts[1], parts[2], parts[3], parts[4]);
		h_inject(&paris, FLOW, ok);
		CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
		CHECK_STR_CONTAINS(h_last_state(&paris)->reason, bad[i].why);
		CHECK_EQ_INT(paris.media.released, 1);
		h_node_free(&paris);
	}

	// a refusal from the far end ends the call with its code and Warning
	setup();
	place_call();
	answer_invite(488, "Not Acceptable Here\nWarning: 399 lyon \"offer without a=zrtp-hash\"", "");
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&paris)->code, 488);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason,
			   "lyon refused the call: 488 Not Acceptable Here (offer without a=zrtp-hash)");
	CHECK_EQ_INT(h_sent_count(&paris, "ACK "), 1);
	h_node_free(&paris);
}

// ---- refused locally: nothing is sent ----

static void expect_local(const char *dest, int err, const char *why_part)
{
	char why[256] = "";
	size_t sent = paris.n_sent, connects = paris.n_connects, events = paris.n_events;
	int r = sc_sip_ua_call(paris.ua, dest, h_now, why, sizeof(why));
	h_pump(&paris, NULL);
	CHECK_EQ_INT(r, err);
	CHECK_STR_CONTAINS(why, why_part);
	CHECK_EQ_INT(paris.n_sent, sent);
	CHECK_EQ_INT(paris.n_connects, connects);
	CHECK_EQ_INT(paris.n_events, events);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
}

static void test_local_refusals(void)
{
	setup();
	paris.tunnel_up = false;
	expect_local("lyon", -ENETDOWN, "the tunnel to lyon is not up (handshake 200 s old): the call was not placed");
	paris.tunnel_up = true;
	expect_local("marseille", -ENOENT, "'marseille' is not in the directory (known: lyon, nice)");
	expect_local("sips:bob@elsewhere.test", -ENOENT, "not in the directory");
	expect_local("sip:lyon@lyon.sealcall.test", -EPROTONOSUPPORT, "is not a sips: URI");
	expect_local("sips:lyon@", -EINVAL, "neither a directory name nor a valid URI");
	// a policy never lets a directory address leave the peers' allowed IPs; if one did
	// anyway, the UA would still refuse it before sending
	struct sc_directory_entry *e = (struct sc_directory_entry *)sc_policy_directory_find(paris.policy, "nice");
	inet_pton(AF_INET, "10.99.0.9", e->address.addr);
	expect_local("nice", -EHOSTUNREACH, "lies outside every peer's allowed IPs");
	// the directory URI works as well as the name
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "sips:lyon@LYON.sealcall.test", h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	CHECK_STR_CONTAINS(h_sent_back(&paris, 0), "INVITE sips:lyon@lyon.sealcall.test SIP/2.0");
	h_node_free(&paris);
}

int main(void)
{
	test_baseline_rings();
	test_keying_refusals();
	test_scheme_and_identity();
	test_state_refusals();
	test_body_refusals();
	test_method_refusals();
	test_malformed();
	test_answer_refusals();
	test_local_refusals();
	return check_done();
}
