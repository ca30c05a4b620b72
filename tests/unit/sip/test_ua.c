// SPDX-License-Identifier: GPL-3.0-or-later
// Two UAs, paris and lyon, talking to each other under a fake clock: call, ring, answer,
// hang up, decline, cancel, re-INVITE, busy, no headset, timers and lost connections.
#include "check.h"
#include "test_ua_harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOW 1
#define T64 (64u * 500u)

static struct h_node paris, lyon;

static void setup(void)
{
	h_node_init(&paris, "paris", h_policy_text("paris"));
	h_node_init(&lyon, "lyon", h_policy_text("lyon"));
	h_link(&paris, &lyon, FLOW);
}

static void teardown(void)
{
	h_node_free(&paris);
	h_node_free(&lyon);
}

static int call_lyon(void)
{
	char why[256];
	int r = sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why));
	h_pump(&paris, &lyon);
	return r;
}

static void answer_lyon(void)
{
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_answer(lyon.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, &lyon);
}

static void test_call_answer_hangup(void)
{
	setup();
	CHECK_EQ_INT(call_lyon(), 0);
	CHECK_EQ_INT(paris.n_connects, 1);
	CHECK(paris.last_connect == sc_policy_directory_find(paris.policy, "lyon"));

	// the INVITE, as lyon received it
	const char *inv = h_sent_find(&paris, "INVITE ");
	CHECK(inv != NULL);
	CHECK(strncmp(inv, "INVITE sips:lyon@lyon.sealcall.test SIP/2.0\r\n", 45) == 0);
	CHECK_STR_CONTAINS(h_header(inv, "Via"), "SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bK");
	CHECK_STR_CONTAINS(h_header(inv, "From"), "<sips:paris@paris.sealcall.test>;tag=");
	CHECK_STR_CONTAINS(h_header(inv, "Contact"), "<sips:paris@10.77.0.1:5061>");
	CHECK_STR_CONTAINS(h_header(inv, "Content-Type"), "application/sdp");
	const char *sdp = h_body(inv);
	CHECK_STR_CONTAINS(sdp, "o=sealcall ");
	CHECK_STR_CONTAINS(sdp, " IN IP4 10.77.0.1\r\n");
	CHECK_STR_CONTAINS(sdp, "c=IN IP4 10.77.0.1\r\n");
	// the policy's order: Opus first, then G.711; telephone events at both codec clocks
	CHECK_STR_CONTAINS(sdp, "m=audio 16386 RTP/AVP 96 0 8 101 102\r\n");
	CHECK_STR_CONTAINS(sdp, "a=rtpmap:102 telephone-event/48000\r\n");
	CHECK_STR_CONTAINS(sdp, "a=rtpmap:96 opus/48000/2\r\n");
	CHECK_STR_CONTAINS(sdp, "a=fmtp:96 maxaveragebitrate=48000; useinbandfec=1\r\n");
	CHECK_STR_CONTAINS(sdp, "a=rtpmap:101 telephone-event/8000\r\n");
	CHECK_STR_CONTAINS(sdp, "a=ptime:20\r\n");
	CHECK_STR_CONTAINS(sdp, "a=zrtp-hash:1.10 0000000000000000000000000000000000000000000000000000000000000001\r\n");
	CHECK_EQ_INT(paris.media.prepared, 1);
	CHECK(paris.media.outgoing && strcmp(paris.media.peer, "lyon") == 0);

	// lyon: 100 Trying, 180 Ringing; both sides say so
	CHECK_EQ_INT(h_sent_count(&lyon, "SIP/2.0 100"), 1);
	CHECK_EQ_INT(h_sent_count(&lyon, "SIP/2.0 180"), 1);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_RINGING_IN);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_RINGING_OUT);
	const struct sc_sip_ua_event *ev = h_last_state(&lyon);
	CHECK(ev && ev->state == SC_SIP_UA_RINGING_IN && !ev->outgoing);
	CHECK(ev && strcmp(ev->peer, "paris") == 0);
	CHECK_EQ_INT(lyon.media.started, 0); // not before the answer
	CHECK(!lyon.media.outgoing && strcmp(lyon.media.peer, "paris") == 0);

	answer_lyon();
	const char *ok = h_sent_find(&lyon, "SIP/2.0 200");
	CHECK(ok != NULL);
	CHECK_STR_CONTAINS(h_header(ok, "Contact"), "<sips:lyon@10.77.0.2:5061>");
	CHECK_STR_CONTAINS(h_body(ok), "c=IN IP4 10.77.0.2\r\n");
	// Opus is chosen: the answer keeps the events at Opus's clock (RFC 4733 §2.1)
	CHECK_STR_CONTAINS(h_body(ok), "m=audio 16388 RTP/AVP 96 0 8 102\r\n");
	CHECK_STR_CONTAINS(h_body(ok), "a=zrtp-hash:1.10 0000000000000000000000000000000000000000000000000000000000000002\r\n");
	CHECK_EQ_INT(h_sent_count(&paris, "ACK sips:lyon@10.77.0.2:5061 SIP/2.0"), 1);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IN_CALL);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IN_CALL);

	// each media seam got the other side's port, address and hash
	CHECK_EQ_INT(paris.media.started, 1);
	CHECK_EQ_INT(paris.media.last.remote_port, 16388);
	CHECK(strcmp(paris.media.last.remote_addr.addr, "10.77.0.2") == 0);
	CHECK(strcmp(paris.media.last.codec.encoding, "opus") == 0);
	CHECK_EQ_INT(paris.media.last.n_remote_zrtp_hash, 1);
	CHECK(strcmp(paris.media.last.remote_zrtp_hash[0].hash + 60, "0002") == 0);
	CHECK_EQ_INT(lyon.media.started, 1);
	CHECK_EQ_INT(lyon.media.last.remote_port, 16386);
	CHECK(strcmp(lyon.media.last.remote_zrtp_hash[0].hash + 60, "0001") == 0);

	struct sc_sip_ua_call_info info;
	sc_sip_ua_call_info(paris.ua, &info);
	CHECK(info.outgoing && strcmp(info.peer, "lyon") == 0 && strcmp(info.codec, "opus") == 0);
	CHECK(info.connected_at == h_now);

	// paris hangs up: BYE, 200, both idle, media released
	h_now += 5000;
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_hangup(paris.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, &lyon);
	const char *bye = h_sent_find(&paris, "BYE ");
	CHECK(bye != NULL);
	CHECK_STR_CONTAINS(h_header(bye, "CSeq"), "2 BYE");
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	ev = h_last_state(&lyon);
	CHECK(ev && ev->state == SC_SIP_UA_IDLE);
	CHECK_STR_CONTAINS(ev ? ev->reason : NULL, "paris hung up");
	CHECK_EQ_INT(paris.media.released, 1);
	CHECK_EQ_INT(lyon.media.released, 1);
	CHECK(!sc_sip_ua_next_deadline(paris.ua, &h_now) || 1);

	// the connection is reused for the next call: no new CONNECT
	CHECK_EQ_INT(call_lyon(), 0);
	CHECK_EQ_INT(paris.n_connects, 1);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_RINGING_IN);
	teardown();
}

static void test_callee_hangs_up(void)
{
	setup();
	call_lyon();
	answer_lyon();
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_hangup(lyon.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, &lyon);
	const char *bye = h_sent_find(&lyon, "BYE sips:paris@10.77.0.1:5061 SIP/2.0");
	CHECK(bye != NULL);
	CHECK_STR_CONTAINS(h_header(bye, "To"), "<sips:paris@paris.sealcall.test>;tag=");
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "lyon hung up");
	teardown();
}

static void test_decline(void)
{
	setup();
	call_lyon();
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_hangup(lyon.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, &lyon);
	CHECK_EQ_INT(h_sent_count(&lyon, "SIP/2.0 603 Decline"), 1);
	CHECK_EQ_INT(h_sent_count(&paris, "ACK "), 1); // the transaction ACKs the 603
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&paris)->code, 603);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "lyon refused the call: 603 Decline");
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(lyon.media.released, 1);
	CHECK_EQ_INT(paris.media.released, 1);
	teardown();
}

static void test_cancel(void)
{
	setup();
	call_lyon();
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_hangup(paris.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, &lyon);
	CHECK_EQ_INT(h_sent_count(&paris, "CANCEL sips:lyon@lyon.sealcall.test"), 1);
	CHECK_EQ_INT(h_sent_count(&lyon, "SIP/2.0 200"), 1); // to the CANCEL
	CHECK_EQ_INT(h_sent_count(&lyon, "SIP/2.0 487"), 1); // to the INVITE
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&lyon)->code, 487);
	CHECK_STR_CONTAINS(h_last_state(&lyon)->reason, "paris cancelled the call");
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "hung up before lyon answered");
	teardown();
}

// Hung up before any provisional response: the CANCEL waits for one (RFC 3261 §9.1).
static void test_cancel_before_provisional(void)
{
	setup();
	paris.peer = NULL; // hold what paris sends
	char why[256];
	h_flow_up(&paris, FLOW, h_identity_of(&paris, "lyon"), false);
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(sc_sip_ua_hangup(paris.ua, h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_sent_count(&paris, "CANCEL "), 0);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_ENDING);
	// lyon gets the INVITE late and answers 180: now the CANCEL goes
	h_flow_up(&lyon, FLOW, h_identity_of(&lyon, "paris"), true);
	const char *inv = h_sent_find(&paris, "INVITE ");
	sc_sip_ua_receive(lyon.ua, FLOW, inv, strlen(inv), h_now);
	paris.peer = &lyon;
	h_pump(&lyon, &paris);
	CHECK_EQ_INT(h_sent_count(&paris, "CANCEL "), 1);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	teardown();
}

static void test_no_headset(void)
{
	setup();
	sc_sip_ua_set_headset(lyon.ua, false);
	call_lyon();
	const char *r = h_sent_find(&lyon, "SIP/2.0 480");
	CHECK(r != NULL);
	CHECK_STR_CONTAINS(h_header(r, "Warning"), "no headset is plugged in at lyon");
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&paris)->code, 480);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "no headset");
	CHECK_EQ_INT(lyon.media.prepared, 0);
	const struct sc_sip_ua_event *ev = h_last_event(&lyon, SC_SIP_UA_EV_REFUSED);
	CHECK(ev && ev->code == 480);
	// and no call out without one either
	char why[256];
	sc_sip_ua_set_headset(paris.ua, false);
	size_t sent = paris.n_sent;
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why)), -ENODEV);
	h_pump(&paris, &lyon);
	CHECK_EQ_INT(paris.n_sent, sent);
	CHECK_STR_CONTAINS(why, "no headset");
	teardown();
}

static void test_busy(void)
{
	struct h_node nice;
	setup();
	h_node_init(&nice, "nice", h_policy_text("nice"));
	call_lyon();
	answer_lyon();
	// nice calls lyon while it talks to paris
	h_flow_up(&lyon, 2, h_identity_of(&lyon, "nice"), true);
	h_flow_up(&nice, 2, h_identity_of(&nice, "lyon"), false);
	nice.peer = &lyon;
	nice.link_flow = 2;
	lyon.peer = &nice;
	lyon.link_flow = 2;
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_call(nice.ua, "lyon", h_now, why, sizeof(why)), 0);
	h_pump(&nice, &lyon);
	CHECK_EQ_INT(h_sent_count(&lyon, "SIP/2.0 486 Busy Here"), 1);
	CHECK_EQ_INT(h_state(&nice), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&nice)->code, 486);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IN_CALL); // the call goes on
	CHECK(strcmp(h_last_state(&lyon)->peer, "paris") == 0);
	// and locally: one call at a time
	CHECK_EQ_INT(sc_sip_ua_call(lyon.ua, "nice", h_now, why, sizeof(why)), -EBUSY);
	CHECK_STR_CONTAINS(why, "already in a call with paris");
	h_node_free(&nice);
	teardown();
}

static const char *reinvite(struct h_node *from, const char *zrtp_line)
{
	// a re-INVITE from paris inside the established dialog, built from its ACK's dialog
	static char msg[4096], line[512];
	const char *ack = h_sent_find(from, "ACK ");
	char to[256], fromh[256], callid[128];
	snprintf(to, sizeof(to), "%s", h_header(ack, "To"));
	snprintf(fromh, sizeof(fromh), "%s", h_header(ack, "From"));
	snprintf(callid, sizeof(callid), "%s", h_header(ack, "Call-ID"));
	snprintf(line, sizeof(line), "%s", zrtp_line);
	snprintf(msg, sizeof(msg),
		 "INVITE sips:lyon@10.77.0.2:5061 SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKre%u\n"
		 "Max-Forwards: 70\n"
		 "From: %s\nTo: %s\nCall-ID: %s\nCSeq: %u INVITE\n"
		 "Contact: <sips:paris@10.77.0.1:5061>\n"
		 "Content-Type: application/sdp\nContent-Length: $CL\n\n"
		 "v=0\no=sealcall 5 6 IN IP4 10.77.0.1\ns=sealcall\nc=IN IP4 10.77.0.1\nt=0 0\n"
		 "m=audio 16386 RTP/AVP 0 8 101\na=rtpmap:101 telephone-event/8000\na=ptime:20\n%s",
		 (unsigned)h_now, fromh, to, callid, (unsigned)(10 + h_now % 1000), line);
	return msg;
}

static void test_reinvite(void)
{
	setup();
	call_lyon();
	answer_lyon();
	const char *same = "a=zrtp-hash:1.10 0000000000000000000000000000000000000000000000000000000000000001\n";
	h_now += 10;
	h_inject(&lyon, FLOW, reinvite(&paris, same));
	CHECK_EQ_INT(h_status(h_sent_back(&lyon, 0)), 200);
	CHECK_STR_CONTAINS(h_body(h_sent_back(&lyon, 0)), "a=zrtp-hash:1.10 ");
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IN_CALL);
	// its ACK
	char ack[2048];
	snprintf(ack, sizeof(ack),
		 "ACK sips:lyon@10.77.0.2:5061 SIP/2.0\nVia: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKack%u\n"
		 "Max-Forwards: 70\nFrom: %s\n",
		 (unsigned)h_now, h_header(h_sent_find(&paris, "ACK "), "From"));
	const char *last = h_sent_back(&lyon, 0);
	const char *names[] = { "To", "Call-ID" };
	for (size_t i = 0; i < 2; i++) {
		char line[512];
		snprintf(line, sizeof(line), "%s: %s\n", names[i], h_header(last, names[i]));
		strncat(ack, line, sizeof(ack) - strlen(ack) - 1);
	}
	char cseq[128];
	snprintf(cseq, sizeof(cseq), "CSeq: %u ACK\nContent-Length: 0\n\n",
		 (unsigned)strtoul(h_header(last, "CSeq"), NULL, 10));
	strncat(ack, cseq, sizeof(ack) - strlen(ack) - 1);
	h_inject(&lyon, FLOW, ack);

	struct {
		const char *lines, *what;
	} bad[] = {
		{ "a=zrtp-hash:1.10 9999999999999999999999999999999999999999999999999999999999999999\n",
		  "a=zrtp-hash changed" },
		{ "", "a=zrtp-hash removed" },
		{ "a=zrtp-hash:1.10 0000000000000000000000000000000000000000000000000000000000000001\n"
		  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n",
		  "a=crypto (SDES) added" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h_now += 10;
		h_inject(&lyon, FLOW, reinvite(&paris, bad[i].lines));
		const char *r = h_sent_back(&lyon, 0);
		CHECK_EQ_INT(h_status(r), 488);
		CHECK_STR_CONTAINS(h_header(r, "Warning"), bad[i].what);
		CHECK_STR_CONTAINS(h_header(r, "Warning"), "the call keeps its keys");
		CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IN_CALL);
	}
	CHECK_EQ_INT(lyon.media.started, 1); // never re-keyed
	CHECK_EQ_INT(lyon.media.released, 0);
	teardown();
}

static void test_options(void)
{
	setup();
	h_flow_up(&lyon, 5, h_identity_of(&lyon, "paris"), true);
	h_inject(&lyon, 5,
		 "OPTIONS sips:lyon@lyon.sealcall.test SIP/2.0\n"
		 "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKopt1\n"
		 "Max-Forwards: 70\n"
		 "From: <sips:paris@paris.sealcall.test>;tag=o1\n"
		 "To: <sips:lyon@lyon.sealcall.test>\n"
		 "Call-ID: opt1@paris\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n");
	const char *r = h_sent_back(&lyon, 0);
	CHECK_EQ_INT(h_status(r), 200);
	CHECK(strcmp(h_header(r, "Allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS") == 0);
	CHECK_STR_CONTAINS(h_header(r, "Accept"), "application/sdp");
	CHECK_STR_CONTAINS(h_header(r, "To"), ";tag=");
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	teardown();
}

static void test_ring_timeouts(void)
{
	setup();
	call_lyon();
	h_advance(&paris, &lyon, SC_SIP_UA_RING_TIMEOUT_MS - 1);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_RINGING_IN);
	uint64_t when = 0;
	CHECK(sc_sip_ua_next_deadline(lyon.ua, &when) && when == h_now + 1);
	h_advance(&paris, &lyon, 1);
	// both time out at the same moment; whichever acts first, both end idle and nobody rings
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK(h_sent_count(&lyon, "SIP/2.0 480") + h_sent_count(&lyon, "SIP/2.0 487") == 1);
	teardown();
}

static void test_outgoing_ring_timeout(void)
{
	setup();
	call_lyon();
	// lyon keeps ringing for longer (its own limit is not reached: a tick only for paris)
	h_now += SC_SIP_UA_RING_TIMEOUT_MS;
	sc_sip_ua_tick(paris.ua, h_now);
	h_pump(&paris, &lyon);
	CHECK_EQ_INT(h_sent_count(&paris, "CANCEL "), 1);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "lyon did not answer within 120 s");
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	teardown();
}

static void test_no_ack(void)
{
	setup();
	call_lyon();
	// the 200 from lyon is lost: paris never ACKs
	paris.peer = NULL;
	lyon.peer = NULL;
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_answer(lyon.ua, h_now, why, sizeof(why)), 0);
	h_pump(&lyon, NULL);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IN_CALL);
	h_advance(&lyon, NULL, T64 - 1);
	CHECK_EQ_INT(h_sent_count(&lyon, "BYE "), 0);
	h_advance(&lyon, NULL, 1);
	CHECK_EQ_INT(h_sent_count(&lyon, "BYE "), 1);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_ENDING);
	// no answer to the BYE either: over after Timer F
	h_advance(&lyon, NULL, T64);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	CHECK_STR_CONTAINS(h_last_state(&lyon)->reason, "no ACK from paris");
	teardown();
}

static void test_hangup_before_ack(void)
{
	setup();
	call_lyon();
	paris.peer = NULL;
	lyon.peer = NULL;
	char why[256];
	sc_sip_ua_answer(lyon.ua, h_now, why, sizeof(why));
	h_pump(&lyon, NULL);
	// the callee hangs up before the ACK: the BYE waits for it (RFC 3261 §15)
	CHECK_EQ_INT(sc_sip_ua_hangup(lyon.ua, h_now, why, sizeof(why)), 0);
	h_pump(&lyon, NULL);
	CHECK_EQ_INT(h_sent_count(&lyon, "BYE "), 0);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_ENDING);
	// paris gets the 200 now and ACKs it; then lyon's BYE goes
	h_flow_up(&paris, FLOW, h_identity_of(&paris, "lyon"), false);
	const char *ok = h_sent_find(&lyon, "SIP/2.0 200");
	sc_sip_ua_receive(paris.ua, FLOW, ok, strlen(ok), h_now);
	h_link(&paris, &lyon, FLOW);
	h_pump(&paris, &lyon);
	CHECK_EQ_INT(h_sent_count(&lyon, "BYE "), 1);
	CHECK_EQ_INT(h_state(&lyon), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	teardown();
}

static void test_invite_timeout_and_lost_connection(void)
{
	setup();
	paris.peer = NULL; // lyon never hears anything
	h_flow_up(&paris, FLOW, h_identity_of(&paris, "lyon"), false);
	char why[256];
	CHECK_EQ_INT(sc_sip_ua_call(paris.ua, "lyon", h_now, why, sizeof(why)), 0);
	h_pump(&paris, NULL);
	h_advance(&paris, NULL, T64);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_EQ_INT(h_last_state(&paris)->code, 408);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "lyon did not answer the INVITE");
	CHECK_EQ_INT(paris.media.released, 1);

	// in a call, the connection drops: the call ends with the reason
	h_link(&paris, &lyon, FLOW);
	h_flow_up(&lyon, FLOW, h_identity_of(&lyon, "paris"), true);
	call_lyon();
	answer_lyon();
	sc_sip_ua_flow_down(paris.ua, FLOW, "connection reset by peer", h_now);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "the connection to lyon was lost (connection reset by peer)");
	teardown();
}

static void test_connect_failed(void)
{
	setup();
	paris.auto_connect = false;
	CHECK_EQ_INT(call_lyon(), 0);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_CALLING);
	CHECK_EQ_INT(paris.n_sent, 0);
	sc_sip_ua_connect_failed(paris.ua, sc_policy_directory_find(paris.policy, "lyon"),
				 "TLS handshake refused: certificate name mismatch", h_now);
	h_pump(&paris, NULL);
	CHECK_EQ_INT(h_state(&paris), SC_SIP_UA_IDLE);
	CHECK_STR_CONTAINS(h_last_state(&paris)->reason, "cannot reach lyon over TLS: TLS handshake refused");
	CHECK_EQ_INT(paris.media.prepared, 0);
	teardown();
}

int main(void)
{
	test_call_answer_hangup();
	test_callee_hangs_up();
	test_decline();
	test_cancel();
	test_cancel_before_provisional();
	test_no_headset();
	test_busy();
	test_reinvite();
	test_options();
	test_ring_timeouts();
	test_outgoing_ring_timeout();
	test_no_ack();
	test_hangup_before_ack();
	test_invite_timeout_and_lost_connection();
	test_connect_failed();
	return check_done();
}
