// SPDX-License-Identifier: GPL-3.0-or-later
// Transactions under a fake clock: every state, timer, retransmission and stray message.
#include "check.h"
#include "sip/txn.h"
#include "sip/writer.h"
#include "sip_test_util.h"

#include <errno.h>
#include <stdio.h>

#define T1 500
#define T64 (64 * T1)
#define FLOW 7

static struct sc_sip_txn_table *t;
static struct sc_sip_txn_out out;
static uint64_t now;

// Messages are kept in numbered buffers so that several can be alive at once.
static char bufs[8][4096];
static size_t lens[8];
static struct sc_sip_msg msgs[8];

static const struct sc_sip_msg *make(int slot, const char *text)
{
	struct sc_sip_error err;
	lens[slot] = crlf(text, bufs[slot], sizeof(bufs[slot]));
	int rc = sc_sip_msg_parse(bufs[slot], lens[slot], SC_SIP_STREAM, &msgs[slot], &err);
	if (rc)
		fprintf(stderr, "test message %d does not parse: %s\n", slot, err.what);
	return &msgs[slot];
}

static char request_text[2048];

static const char *request(const char *method, const char *branch, unsigned cseq)
{
	snprintf(request_text, sizeof(request_text),
		 "%s sips:lyon@10.77.0.2 SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=%s\n"
		 "Route: <sips:10.77.0.254;lr>\n"
		 "Max-Forwards: 70\n"
		 "From: <sips:paris@paris.sealcall.internal>;tag=p1\n"
		 "To: <sips:lyon@lyon.sealcall.internal>\n"
		 "Call-ID: txn-test@10.77.0.1\n"
		 "CSeq: %u %s\n"
		 "Contact: <sips:paris@10.77.0.1:5061>\n"
		 "Content-Length: 0\n\n",
		 method, branch, cseq, method);
	return request_text;
}

static char response_text[2048];

static const char *response(unsigned code, const char *method, const char *branch, unsigned cseq)
{
	snprintf(response_text, sizeof(response_text),
		 "SIP/2.0 %u Whatever\n"
		 "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=%s;received=10.77.0.1\n"
		 "From: <sips:paris@paris.sealcall.internal>;tag=p1\n"
		 "To: <sips:lyon@lyon.sealcall.internal>;tag=l9\n"
		 "Call-ID: txn-test@10.77.0.1\n"
		 "CSeq: %u %s\n"
		 "Content-Length: 0\n\n",
		 code, branch, cseq, method);
	return response_text;
}

static int count(enum sc_sip_txn_action_kind kind)
{
	int n = 0;
	for (size_t i = 0; i < out.n; i++)
		n += out.a[i].kind == kind;
	return n;
}

static const struct sc_sip_txn_action *find(enum sc_sip_txn_action_kind kind)
{
	for (size_t i = 0; i < out.n; i++)
		if (out.a[i].kind == kind)
			return &out.a[i];
	return NULL;
}

static void setup(void)
{
	sc_sip_txn_table_free(t);
	t = sc_sip_txn_table_new(4, T1);
	now = 1000;
	out.n = 0;
}

static uint32_t start_client(const char *method, const char *branch, unsigned cseq)
{
	char data[2048];
	size_t n = crlf(request(method, branch, cseq), data, sizeof(data));
	uint32_t id = 0;
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_client_start(t, now, FLOW, data, n, &id, &out), 0);
	CHECK(id != 0);
	const struct sc_sip_txn_action *s = find(SC_SIP_ACT_SEND);
	CHECK(s && s->len == n && memcmp(s->data, data, n) == 0 && s->flow == FLOW);
	return id;
}

static void rx(const struct sc_sip_msg *m)
{
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_receive(t, now, FLOW, m, &out), 0);
}

static void tick_at(uint64_t when)
{
	now = when;
	out.n = 0;
	sc_sip_txn_tick(t, now, &out);
}

static void test_invite_client_2xx(void)
{
	setup();
	uint32_t id = start_client("INVITE", "z9hG4bKict1", 1);
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_CALLING);
	uint64_t when;
	CHECK(sc_sip_txn_next_deadline(t, &when) && when == now + T64); // Timer B

	rx(make(0, response(100, "INVITE", "z9hG4bKict1", 1)));
	CHECK_EQ_INT(count(SC_SIP_ACT_RESPONSE), 1);
	CHECK_EQ_INT(out.a[0].txn, id);
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_PROCEEDING);
	CHECK(!sc_sip_txn_next_deadline(t, &when)); // Timer B is for Calling only
	rx(make(0, response(180, "INVITE", "z9hG4bKict1", 1)));
	CHECK_EQ_INT(count(SC_SIP_ACT_RESPONSE), 1);

	now += 5000;
	rx(make(0, response(200, "INVITE", "z9hG4bKict1", 1)));
	CHECK_EQ_INT(count(SC_SIP_ACT_RESPONSE), 1);
	CHECK_EQ_INT(count(SC_SIP_ACT_SEND), 0); // the TU ACKs a 2xx, not the transaction
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_ACCEPTED);
	CHECK(sc_sip_txn_next_deadline(t, &when) && when == now + T64); // Timer M
	uint64_t accepted_at = now;
	// RFC 6026: a retransmitted 2xx goes to the TU, a late 1xx is absorbed
	rx(make(0, response(200, "INVITE", "z9hG4bKict1", 1)));
	CHECK_EQ_INT(count(SC_SIP_ACT_RESPONSE), 1);
	rx(make(0, response(183, "INVITE", "z9hG4bKict1", 1)));
	CHECK_EQ_INT(out.n, 0);

	tick_at(accepted_at + T64 - 1);
	CHECK_EQ_INT(out.n, 0);
	tick_at(accepted_at + T64);
	CHECK_EQ_INT(count(SC_SIP_ACT_ENDED), 1);
	CHECK_EQ_INT(count(SC_SIP_ACT_TIMEOUT), 0);
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_TERMINATED);
	// after the end, a retransmitted 2xx is stray: the dialog layer ACKs it
	rx(make(0, response(200, "INVITE", "z9hG4bKict1", 1)));
	const struct sc_sip_txn_action *s = find(SC_SIP_ACT_STRAY_RESPONSE);
	CHECK(s && s->txn == 0 && s->msg == &msgs[0] && s->flow == FLOW);
	CHECK_EQ_INT(sc_sip_txn_count(t), 0);
}

static void test_invite_client_failure(void)
{
	setup();
	uint32_t id = start_client("INVITE", "z9hG4bKict2", 5);
	rx(make(0, response(486, "INVITE", "z9hG4bKict2", 5)));
	CHECK_EQ_INT(out.n, 3);
	CHECK_EQ_INT(out.a[0].kind, SC_SIP_ACT_RESPONSE);
	CHECK_EQ_INT(out.a[1].kind, SC_SIP_ACT_SEND);
	CHECK_EQ_INT(out.a[2].kind, SC_SIP_ACT_ENDED);
	// the ACK (§17.1.1.3): same Request-URI, top Via, Route; To from the response
	struct sc_sip_msg ack;
	struct sc_sip_error err;
	CHECK_EQ_INT(sc_sip_msg_parse(out.a[1].data, out.a[1].len, SC_SIP_STREAM, &ack, &err), 0);
	CHECK_EQ_INT(ack.method_id, SC_SIP_METHOD_ACK);
	CHECK(sc_sip_str_eq(ack.request_uri.raw, "sips:lyon@10.77.0.2"));
	CHECK(sc_sip_str_eq(ack.via.branch, "z9hG4bKict2") && ack.n_via == 1);
	CHECK(ack.cseq.seq == 5 && sc_sip_str_eq(ack.cseq.method, "ACK"));
	CHECK(sc_sip_str_eq(ack.to.tag, "l9") && sc_sip_str_eq(ack.from.tag, "p1"));
	CHECK(sc_sip_msg_find(&ack, SC_SIP_HDR_ROUTE, NULL) != NULL);
	CHECK_EQ_INT(ack.content_length, 0);
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_TERMINATED); // Timer D = 0 over TLS
	// a second final response is stray and no second ACK goes out from here
	rx(make(0, response(486, "INVITE", "z9hG4bKict2", 5)));
	CHECK_EQ_INT(count(SC_SIP_ACT_STRAY_RESPONSE), 1);
	CHECK_EQ_INT(count(SC_SIP_ACT_SEND), 0);
}

static void test_client_timeouts(void)
{
	setup();
	uint32_t inv = start_client("INVITE", "z9hG4bKb", 1);
	now += 100;
	uint32_t opt = start_client("OPTIONS", "z9hG4bKf", 2);
	uint64_t when;
	CHECK(sc_sip_txn_next_deadline(t, &when) && when == 1000 + T64);
	tick_at(1000 + T64 - 1);
	CHECK_EQ_INT(out.n, 0);
	tick_at(1000 + T64); // Timer B
	CHECK_EQ_INT(out.n, 2);
	CHECK(out.a[0].kind == SC_SIP_ACT_TIMEOUT && out.a[0].txn == inv);
	CHECK(out.a[1].kind == SC_SIP_ACT_ENDED && out.a[1].txn == inv);
	CHECK_EQ_INT(sc_sip_txn_state(t, opt), SC_SIP_TXN_TRYING);
	// Timer F runs on through Proceeding
	rx(make(0, response(100, "OPTIONS", "z9hG4bKf", 2)));
	CHECK_EQ_INT(sc_sip_txn_state(t, opt), SC_SIP_TXN_PROCEEDING);
	tick_at(1100 + T64);
	CHECK(find(SC_SIP_ACT_TIMEOUT) && find(SC_SIP_ACT_TIMEOUT)->txn == opt);
	CHECK(!sc_sip_txn_next_deadline(t, &when));
}

static void test_non_invite_client(void)
{
	setup();
	uint32_t id = start_client("OPTIONS", "z9hG4bKn1", 3);
	// a response for another method with the same branch belongs to another transaction
	rx(make(0, response(200, "INVITE", "z9hG4bKn1", 3)));
	CHECK_EQ_INT(count(SC_SIP_ACT_STRAY_RESPONSE), 1);
	// nor does one with an RFC 2543 branch
	rx(make(0, response(200, "OPTIONS", "n1", 3)));
	CHECK_EQ_INT(count(SC_SIP_ACT_STRAY_RESPONSE), 1);
	rx(make(0, response(200, "OPTIONS", "z9hG4bKn1", 3)));
	CHECK_EQ_INT(out.n, 2);
	CHECK(out.a[0].kind == SC_SIP_ACT_RESPONSE && out.a[0].txn == id && out.a[0].msg == &msgs[0]);
	CHECK(out.a[1].kind == SC_SIP_ACT_ENDED); // Timer K = 0
	// refused starts
	char data[2048];
	size_t n = crlf(request("ACK", "z9hG4bKa1", 3), data, sizeof(data));
	uint32_t other;
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_client_start(t, now, FLOW, data, n, &other, &out), -EINVAL);
	n = crlf(request("OPTIONS", "oldstyle", 3), data, sizeof(data));
	CHECK_EQ_INT(sc_sip_txn_client_start(t, now, FLOW, data, n, &other, &out), -EINVAL);
	CHECK_EQ_INT(sc_sip_txn_client_start(t, now, FLOW, "garbage", 7, &other, &out), -EINVAL);
	start_client("OPTIONS", "z9hG4bKdup", 4);
	n = crlf(request("OPTIONS", "z9hG4bKdup", 4), data, sizeof(data));
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_client_start(t, now, FLOW, data, n, &other, &out), -EEXIST);
	CHECK_EQ_INT(out.n, 0);
}

static uint32_t server_invite(int slot, const char *branch)
{
	rx(make(slot, request("INVITE", branch, 1)));
	CHECK_EQ_INT(out.n, 2);
	CHECK_EQ_INT(out.a[0].kind, SC_SIP_ACT_SEND);
	CHECK_EQ_INT(out.a[1].kind, SC_SIP_ACT_NEW_REQUEST);
	struct sc_sip_msg trying;
	struct sc_sip_error err;
	CHECK_EQ_INT(sc_sip_msg_parse(out.a[0].data, out.a[0].len, SC_SIP_STREAM, &trying, &err), 0);
	CHECK(trying.status == 100 && sc_sip_str_eq(trying.via.branch, branch));
	CHECK(trying.to.tag.p == NULL);
	return out.a[1].txn;
}

static int respond(uint32_t id, unsigned code, const char *branch)
{
	char data[2048];
	size_t n = crlf(response(code, "INVITE", branch, 1), data, sizeof(data));
	out.n = 0;
	return sc_sip_txn_respond(t, now, id, data, n, &out);
}

static void test_invite_server_failure(void)
{
	setup();
	uint32_t id = server_invite(0, "z9hG4bKist1");
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_PROCEEDING);
	// a retransmitted INVITE gets the last provisional again
	rx(make(1, request("INVITE", "z9hG4bKist1", 1)));
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_SEND && out.a[0].txn == id);
	CHECK_EQ_INT(respond(id, 180, "z9hG4bKist1"), 0);
	CHECK_EQ_INT(count(SC_SIP_ACT_SEND), 1);
	rx(make(1, request("INVITE", "z9hG4bKist1", 1)));
	CHECK(out.n == 1 && strstr(out.a[0].data, "SIP/2.0 180") == out.a[0].data);
	CHECK_EQ_INT(respond(id, 486, "z9hG4bKist1"), 0);
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_COMPLETED);
	uint64_t when;
	CHECK(sc_sip_txn_next_deadline(t, &when) && when == now + T64); // Timer H
	rx(make(1, request("INVITE", "z9hG4bKist1", 1)));
	CHECK(out.n == 1 && strstr(out.a[0].data, "SIP/2.0 486") == out.a[0].data);
	CHECK_EQ_INT(respond(id, 200, "z9hG4bKist1"), -EINVAL); // too late
	rx(make(1, request("ACK", "z9hG4bKist1", 1)));
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_ENDED); // Confirmed, Timer I = 0
	CHECK_EQ_INT(respond(id, 486, "z9hG4bKist1"), -ENOENT);

	// Timer H: the ACK never comes
	id = server_invite(2, "z9hG4bKist2");
	CHECK_EQ_INT(respond(id, 603, "z9hG4bKist2"), 0);
	uint64_t sent = now;
	tick_at(sent + T64 - 1);
	CHECK_EQ_INT(out.n, 0);
	tick_at(sent + T64);
	CHECK(out.n == 2 && out.a[0].kind == SC_SIP_ACT_TIMEOUT && out.a[1].kind == SC_SIP_ACT_ENDED);
}

static void test_invite_server_2xx(void)
{
	setup();
	uint32_t id = server_invite(0, "z9hG4bKist3");
	CHECK_EQ_INT(respond(id, 200, "z9hG4bKist3"), 0);
	CHECK_EQ_INT(sc_sip_txn_state(t, id), SC_SIP_TXN_ACCEPTED);
	uint64_t accepted = now;
	// RFC 6026: retransmitted INVITE absorbed; the TU may resend its 2xx
	rx(make(1, request("INVITE", "z9hG4bKist3", 1)));
	CHECK_EQ_INT(out.n, 0);
	CHECK_EQ_INT(respond(id, 200, "z9hG4bKist3"), 0);
	CHECK_EQ_INT(count(SC_SIP_ACT_SEND), 1);
	CHECK_EQ_INT(respond(id, 486, "z9hG4bKist3"), -EINVAL);
	// an ACK for the 2xx has its own branch: it belongs to the dialog
	rx(make(1, request("ACK", "z9hG4bKack3", 1)));
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_ACK && out.a[0].txn == 0);
	// one reusing the INVITE's branch reaches the TU through the transaction
	rx(make(1, request("ACK", "z9hG4bKist3", 1)));
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_ACK && out.a[0].txn == id);
	tick_at(accepted + T64); // Timer L
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_ENDED);
	// after the end the same INVITE would be new: over TLS only a broken peer resends
	uint32_t again = server_invite(1, "z9hG4bKist3");
	CHECK(again != id);
}

static void test_non_invite_server_and_cancel(void)
{
	setup();
	uint32_t inv = server_invite(0, "z9hG4bKinv");
	rx(make(1, request("CANCEL", "z9hG4bKinv", 1)));
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_NEW_REQUEST);
	CHECK_EQ_INT(out.a[0].cancel_target, inv);
	uint32_t cancel = out.a[0].txn;
	CHECK(cancel != inv);
	CHECK_EQ_INT(sc_sip_txn_state(t, cancel), SC_SIP_TXN_TRYING);
	rx(make(1, request("CANCEL", "z9hG4bKinv", 1))); // retransmission in Trying: absorbed
	CHECK_EQ_INT(out.n, 0);
	char data[2048];
	size_t n = crlf(response(200, "CANCEL", "z9hG4bKinv", 1), data, sizeof(data));
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_respond(t, now, cancel, data, n, &out), 0);
	CHECK(out.n == 2 && out.a[0].kind == SC_SIP_ACT_SEND && out.a[1].kind == SC_SIP_ACT_ENDED);
	CHECK_EQ_INT(sc_sip_txn_state(t, inv), SC_SIP_TXN_PROCEEDING);
	// a CANCEL for nothing we know
	rx(make(2, request("CANCEL", "z9hG4bKnothing", 1)));
	CHECK(out.n == 1 && out.a[0].cancel_target == 0);

	// a BYE with a provisional, then its final
	setup();
	rx(make(0, request("BYE", "z9hG4bKbye", 2)));
	uint32_t bye = out.a[0].txn;
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_NEW_REQUEST && out.a[0].msg == &msgs[0]);
	n = crlf(response(100, "BYE", "z9hG4bKbye", 2), data, sizeof(data));
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_respond(t, now, bye, data, n, &out), 0);
	CHECK_EQ_INT(sc_sip_txn_state(t, bye), SC_SIP_TXN_PROCEEDING);
	rx(make(1, request("BYE", "z9hG4bKbye", 2))); // retransmission: last response again
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_SEND);
	// same branch from another sent-by is another transaction
	make(2, request("BYE", "z9hG4bKbye", 2));
	msgs[2].via.port = 5062;
	rx(&msgs[2]);
	CHECK(out.n == 1 && out.a[0].kind == SC_SIP_ACT_NEW_REQUEST && out.a[0].txn != bye);
	// requests without the magic cookie are refused
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_receive(t, now, FLOW, make(3, request("BYE", "old", 2)), &out), -EPROTO);
	CHECK_EQ_INT(sc_sip_txn_receive(t, now, FLOW, make(3, request("BYE", "z9hG4bK", 2)), &out), -EPROTO);
	// the table is full at 4
	rx(make(3, request("OPTIONS", "z9hG4bKo1", 3)));
	rx(make(4, request("OPTIONS", "z9hG4bKo2", 3)));
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_receive(t, now, FLOW, make(5, request("OPTIONS", "z9hG4bKo3", 3)), &out),
		     -ENOSPC);
	CHECK_EQ_INT(sc_sip_txn_count(t), 4);
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_respond(t, now, 9999, data, n, &out), -ENOENT);
}

static void test_flow_failure(void)
{
	setup();
	uint32_t a = start_client("INVITE", "z9hG4bKfa", 1);
	char data[2048];
	size_t n = crlf(request("OPTIONS", "z9hG4bKfb", 2), data, sizeof(data));
	uint32_t b;
	out.n = 0;
	CHECK_EQ_INT(sc_sip_txn_client_start(t, now, FLOW + 1, data, n, &b, &out), 0);
	out.n = 0;
	sc_sip_txn_flow_failed(t, now, FLOW, &out);
	CHECK(out.n == 2 && out.a[0].kind == SC_SIP_ACT_TRANSPORT_ERROR && out.a[0].txn == a);
	CHECK_EQ_INT(sc_sip_txn_state(t, a), SC_SIP_TXN_TERMINATED);
	CHECK_EQ_INT(sc_sip_txn_state(t, b), SC_SIP_TXN_TRYING);
	// a full output is refused rather than overrun
	out.n = SC_SIP_TXN_OUT_MAX - 1;
	CHECK_EQ_INT(sc_sip_txn_receive(t, now, FLOW, make(0, response(200, "OPTIONS", "z9hG4bKfb", 2)), &out),
		     -ENOBUFS);
	sc_sip_txn_table_free(t);
	t = NULL;
}

int main(void)
{
	test_invite_client_2xx();
	test_invite_client_failure();
	test_client_timeouts();
	test_non_invite_client();
	test_invite_server_failure();
	test_invite_server_2xx();
	test_non_invite_server_and_cancel();
	test_flow_failure();
	return check_done();
}
