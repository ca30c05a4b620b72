// SPDX-License-Identifier: GPL-3.0-or-later
// The call tracker (states, log lines, durations, the last call's end, auto-answer) and the
// call and SIP lines of `sealcall status`, in text and JSON.
#include "check.h"
#include "core/call.h"
#include "core/control.h"
#include "core/status.h"

#include <errno.h>

#include <stdio.h>
#include <string.h>

static struct sc_sip_ua_event state_event(enum sc_sip_ua_call_state to, enum sc_sip_ua_call_state from,
					  bool outgoing, const char *reason)
{
	struct sc_sip_ua_event ev = { .type = SC_SIP_UA_EV_STATE, .state = to, .previous = from,
				      .outgoing = outgoing, .flow = 3 };
	snprintf(ev.peer, sizeof(ev.peer), "lyon");
	snprintf(ev.peer_uri, sizeof(ev.peer_uri), "sips:lyon@lyon.sealcall.test");
	snprintf(ev.reason, sizeof(ev.reason), "%s", reason);
	return ev;
}

static void test_outgoing_call(void)
{
	struct sc_call c;
	char line[400];
	sc_call_init(&c, 1000);
	struct sc_call_status st;
	sc_call_status_fill(&c, 1000, &st);
	CHECK(strcmp(st.state, "idle") == 0 && strcmp(st.peer, "") == 0 && st.duration_s == -1);
	CHECK(strcmp(st.last_end, "") == 0);

	struct sc_sip_ua_event ev = state_event(SC_SIP_UA_CALLING, SC_SIP_UA_IDLE, true, "calling lyon");
	CHECK(sc_call_apply(&c, &ev, 1000, 0, line, sizeof(line)));
	CHECK(strcmp(line, "call: idle -> calling (to lyon): calling lyon") == 0);
	CHECK(!sc_call_apply(&c, &ev, 1000, 0, line, sizeof(line))); // once
	ev = state_event(SC_SIP_UA_RINGING_OUT, SC_SIP_UA_CALLING, true, "lyon is ringing");
	CHECK(sc_call_apply(&c, &ev, 1200, 0, line, sizeof(line)));
	ev = state_event(SC_SIP_UA_IN_CALL, SC_SIP_UA_RINGING_OUT, true, "lyon answered (PCMU)");
	CHECK(sc_call_apply(&c, &ev, 3000, 0, line, sizeof(line)));
	CHECK(strcmp(line, "call: ringing-out -> in-call (to lyon): lyon answered (PCMU)") == 0);
	sc_call_status_fill(&c, 15500, &st);
	CHECK(strcmp(st.state, "in-call") == 0);
	CHECK(strcmp(st.peer, "lyon") == 0 && strcmp(st.direction, "outgoing") == 0);
	CHECK_EQ_INT(st.duration_s, 12);
	CHECK_EQ_INT(c.flow, 3);
	ev = state_event(SC_SIP_UA_ENDING, SC_SIP_UA_IN_CALL, true, "hung up the call with lyon");
	CHECK(sc_call_apply(&c, &ev, 16000, 0, line, sizeof(line)));
	ev = state_event(SC_SIP_UA_IDLE, SC_SIP_UA_ENDING, true, "hung up the call with lyon");
	CHECK(sc_call_apply(&c, &ev, 16100, 0, line, sizeof(line)));
	CHECK(strcmp(line, "call: ending -> idle (to lyon) after 13 s: hung up the call with lyon") == 0);
	sc_call_status_fill(&c, 20000, &st);
	CHECK(strcmp(st.state, "idle") == 0 && st.duration_s == -1 && strcmp(st.peer, "") == 0);
	CHECK(strcmp(st.last_end, "hung up the call with lyon") == 0);
	CHECK_EQ_INT(c.calls, 1);
	CHECK_EQ_INT(c.flow, 0);
}

static void test_incoming_refused_and_auto_answer(void)
{
	struct sc_call c;
	char line[400];
	sc_call_init(&c, 0);
	struct sc_sip_ua_event ev = state_event(SC_SIP_UA_RINGING_IN, SC_SIP_UA_IDLE, false, "lyon is calling (PCMU)");
	struct sc_rules rules = { .auto_answer = false };
	CHECK(!sc_call_wants_auto_answer(&rules, &ev));
	rules.auto_answer = true;
	CHECK(sc_call_wants_auto_answer(&rules, &ev));
	struct sc_sip_ua_event other = state_event(SC_SIP_UA_CALLING, SC_SIP_UA_IDLE, true, "");
	CHECK(!sc_call_wants_auto_answer(&rules, &other));
	other.type = SC_SIP_UA_EV_REFUSED;
	CHECK(!sc_call_wants_auto_answer(&rules, &other));

	CHECK(sc_call_apply(&c, &ev, 10, 0, line, sizeof(line)));
	CHECK(strcmp(line, "call: idle -> ringing-in (from lyon): lyon is calling (PCMU)") == 0);
	struct sc_call_status st;
	sc_call_status_fill(&c, 5000, &st);
	CHECK(strcmp(st.direction, "incoming") == 0 && st.duration_s == -1);
	// cancelled before an answer: no duration in the line, the code is kept
	ev = state_event(SC_SIP_UA_IDLE, SC_SIP_UA_RINGING_IN, false, "paris cancelled the call");
	ev.code = 487;
	CHECK(sc_call_apply(&c, &ev, 6000, 0, line, sizeof(line)));
	CHECK(strcmp(line, "call: ringing-in -> idle (from lyon): paris cancelled the call") == 0);
	CHECK_EQ_INT(c.last_code, 487);
	// other events change nothing
	struct sc_sip_ua_event reg = { .type = SC_SIP_UA_EV_REGISTERED, .state = SC_SIP_UA_IN_CALL };
	CHECK(!sc_call_apply(&c, &reg, 7000, 0, line, sizeof(line)));
	CHECK_EQ_INT(c.state, SC_SIP_UA_IDLE);
	// an unknown caller is shown by URI
	ev = state_event(SC_SIP_UA_RINGING_IN, SC_SIP_UA_IDLE, false, "");
	ev.peer[0] = '\0';
	CHECK(sc_call_apply(&c, &ev, 8000, 0, line, sizeof(line)));
	CHECK_STR_CONTAINS(line, "(from sips:lyon@lyon.sealcall.test): no reason given");
	sc_call_status_fill(&c, 8000, &st);
	CHECK(strcmp(st.peer, "sips:lyon@lyon.sealcall.test") == 0);
}

static struct sc_status base_status(const struct sc_call_status *call)
{
	return (struct sc_status){
		.site = "paris", .state = "ready", .state_reason = "all 1 peers up",
		.interface = "sc0", .backend = "userspace", .address = "10.77.0.1/24",
		.peers = NULL, .n_peers = 0, .call = call,
	};
}

static void test_status_lines(void)
{
	struct sc_call_status cs = {
		.state = "in-call", .peer = "lyon", .direction = "outgoing", .duration_s = 42,
		.tls_version = "TLSv1.3", .tls_cipher = "TLS13-AES128-GCM-SHA256", .codec = "PCMU",
		.last_end = "", .sip = "listening on 10.77.0.1:5061", .registration = "",
	};
	struct sc_status st = base_status(&cs);
	struct sc_outbuf b;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "tunnel: sc0 (userspace) 10.77.0.1/24\n"
				   "sip: listening on 10.77.0.1:5061\n"
				   "call: in-call with lyon (outgoing) for 42s tls TLSv1.3 "
				   "TLS13-AES128-GCM-SHA256 codec PCMU\n");
	CHECK(strstr(b.data, "last call:") == NULL);
	CHECK(strstr(b.data, "registration:") == NULL);
	sc_outbuf_free(&b);

	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"peers\":[],\"sip\":{\"status\":\"listening on 10.77.0.1:5061\","
				   "\"registration\":\"\"},\"call\":{\"state\":\"in-call\",\"peer\":\"lyon\","
				   "\"direction\":\"outgoing\",\"duration_s\":42,\"tls_version\":\"TLSv1.3\","
				   "\"tls_cipher\":\"TLS13-AES128-GCM-SHA256\",\"codec\":\"PCMU\","
				   "\"last_end\":\"\",\"quality\":null,\"last_call\":null,\"security\":null}}\n");
	sc_outbuf_free(&b);

	// a secured call: what ZRTP agreed, the SAS and the cache, in both forms
	struct sc_call_status sec = cs;
	sec.media = "secure";
	sec.secure = true;
	sec.cipher = "AES1";
	sec.key_agreement = "X255";
	sec.hash = "S256";
	sec.auth_tag = "HS80";
	sec.sas_type = "B32";
	sec.sas = "ybnd";
	sec.verified = false;
	sec.cache = "match";
	sec.headset = "vheadset (48000 Hz)";
	sec.volume = 80;
	sec.muted = true;
	st = base_status(&sec);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "media: secure cipher AES1 key-agreement X255 hash S256 auth HS80\n"
				   "sas: ybnd (B32) not verified cache match\n"
				   "headset: vheadset (48000 Hz) volume 80 muted\n");
	sc_outbuf_free(&b);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"security\":{\"media\":\"secure\",\"secure\":true,\"cipher\":"
				   "\"AES1\",\"key_agreement\":\"X255\",\"hash\":\"S256\",\"auth_tag\":"
				   "\"HS80\",\"sas_type\":\"B32\",\"sas\":\"ybnd\",\"verified\":false,"
				   "\"cache\":\"match\"}},\"headset\":{\"device\":\"vheadset (48000 Hz)\","
				   "\"volume\":80,\"muted\":true}}\n");
	sc_outbuf_free(&b);
	st = base_status(&cs);

	// idle, after a refused call, with a registrar; a hostile reason stays on its line
	struct sc_call_status idle = {
		.state = "idle", .peer = "", .direction = "", .duration_s = -1, .tls_version = "",
		.tls_cipher = "", .codec = "", .last_end = "lyon refused the call: 486 Busy\nHere",
		.sip = "listening on 10.77.0.1:5061", .registration = "registered for 600 s",
	};
	st = base_status(&idle);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "sip: listening on 10.77.0.1:5061\nregistration: registered for 600 s\n"
				   "call: idle\nlast call: lyon refused the call: 486 Busy?Here\n");
	sc_outbuf_free(&b);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"duration_s\":-1");
	CHECK_STR_CONTAINS(b.data, "\"last_end\":\"lyon refused the call: 486 Busy\\nHere\"");
	sc_outbuf_free(&b);

	// no SIP section at all before signaling starts: the output stays as before
	st = base_status(NULL);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK(strstr(b.data, "call:") == NULL && strstr(b.data, "sip:") == NULL);
	sc_outbuf_free(&b);
}

static int parse(const char *line, struct sc_control_request *req, char *err)
{
	return sc_control_parse(line, strlen(line), req, err, SC_CONTROL_ERROR_MAX);
}

static void test_control_commands(void)
{
	struct sc_control_request req;
	char err[SC_CONTROL_ERROR_MAX];
	CHECK_EQ_INT(parse("call lyon\n", &req, err), 0);
	CHECK(req.op == SC_CONTROL_CALL && req.argc == 1 && strcmp(req.argv[0], "lyon") == 0);
	CHECK_EQ_INT(parse("call sips:lyon@lyon.sealcall.test\n", &req, err), 0);
	CHECK(strcmp(req.argv[0], "sips:lyon@lyon.sealcall.test") == 0);
	CHECK_EQ_INT(parse("answer\n", &req, err), 0);
	CHECK(req.op == SC_CONTROL_ANSWER);
	CHECK_EQ_INT(parse("hangup\n", &req, err), 0);
	CHECK(req.op == SC_CONTROL_HANGUP);
	CHECK_EQ_INT(parse("call\n", &req, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "wrong number of arguments for call (usage: call NAME|URI)");
	CHECK_EQ_INT(parse("call lyon nice\n", &req, err), -EINVAL);
	CHECK_EQ_INT(parse("answer now\n", &req, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "usage: answer");
	CHECK_EQ_INT(parse("hangup 1\n", &req, err), -EINVAL);
	char line[240] = "call ";
	memset(line + 5, 'a', 210);
	line[215] = '\n';
	line[216] = '\0';
	CHECK_EQ_INT(parse(line, &req, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "destination longer than 200 characters");
	CHECK_EQ_INT(parse("dial lyon\n", &req, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "(commands: status, call, answer, hangup, verify, unverify, forget, mute, volume, history, dtmf)");
}

// Moves C through STATES (each from the one before), at the times given.
static void walk(struct sc_call *c, bool outgoing, const enum sc_sip_ua_call_state *states,
		 const uint64_t *times, size_t n, unsigned last_code, const char *last_reason)
{
	char line[400];
	for (size_t i = 0; i < n; i++) {
		struct sc_sip_ua_event ev = state_event(states[i], c->state, outgoing,
							i + 1 == n ? last_reason : "on its way");
		if (i + 1 == n)
			ev.code = last_code;
		CHECK(sc_call_apply(c, &ev, times[i], 1714564800, line, sizeof(line)));
	}
}

static const enum sc_sip_ua_call_state to_idle[] = { SC_SIP_UA_IDLE };
static const enum sc_sip_ua_call_state to_ending_idle[] = { SC_SIP_UA_ENDING, SC_SIP_UA_IDLE };

static void end_at(struct sc_call *c, bool outgoing, uint64_t t, unsigned code, const char *reason)
{
	walk(c, outgoing, to_idle, &t, 1, code, reason);
}

static void test_history_records(void)
{
	struct sc_call c;
	struct sc_history_entry e;
	static const enum sc_sip_ua_call_state out_answered[] = {
		SC_SIP_UA_CALLING, SC_SIP_UA_RINGING_OUT, SC_SIP_UA_IN_CALL, SC_SIP_UA_ENDING, SC_SIP_UA_IDLE };
	static const uint64_t t_out[] = { 1000, 1100, 2000, 60000, 60050 };
	const uint64_t t_end2[] = { 3000, 3100 };

	// we call, they answer, ZRTP keys it, we hang up: every figure of the record
	sc_call_init(&c, 0);
	CHECK(!sc_call_take_record(&c, &e));
	walk(&c, true, out_answered, t_out, 2, 0, "");
	sc_call_note_invite_sent(&c, 1040);
	sc_call_note_invite_sent(&c, 1090); // a second INVITE (digest retry) does not move it
	walk(&c, true, out_answered + 2, t_out + 2, 1, 200, "lyon answered (PCMU)");
	sc_call_note_codec(&c, "PCMU");
	struct sc_call_security_names names = { "AES1", "X255", "S256", "HS80", "B32", "new", false };
	sc_call_note_secure(&c, &names, 2150);
	sc_call_note_verified(&c);
	struct sc_call_quality q = { .loss_pct = 2.04, .jitter_ms = 3.96, .rtt_ms = -1,
				     .jb_delay_ms = 60, .lost = 7, .late = 2 };
	sc_call_note_quality(&c, &q);
	sc_call_note_local_hangup(&c);
	CHECK(!sc_call_take_record(&c, &e)); // not before it ended
	walk(&c, true, out_answered + 3, t_out + 3, 2, 0, "hung up the call with lyon");
	CHECK(sc_call_take_record(&c, &e));
	CHECK(!sc_call_take_record(&c, &e)); // once
	CHECK_EQ_INT(e.start, 1714564800);
	CHECK(e.outgoing && strcmp(e.peer, "lyon") == 0 && strcmp(e.codec, "PCMU") == 0);
	CHECK_EQ_INT(e.duration_ms, 58050);
	CHECK_EQ_INT(e.sip_ms, 960);  // INVITE sent at 1040, 200 OK at 2000
	CHECK_EQ_INT(e.zrtp_ms, 150); // 200 OK at 2000, keyed at 2150
	CHECK(e.end == SC_HISTORY_END_LOCAL_HANGUP && e.code == 0);
	CHECK(e.secured && e.sas_verified && strcmp(e.cipher, "AES1") == 0 && strcmp(e.cache, "new") == 0);
	CHECK_EQ_INT(e.loss_pct10, 20);
	CHECK_EQ_INT(e.jitter_ms10, 40);
	CHECK_EQ_INT(e.rtt_ms10, -1);
	CHECK(e.jb_delay_ms == 60 && e.lost == 7 && e.late == 2);
	CHECK_STR_CONTAINS(e.reason, "hung up the call with lyon");
	char line[SC_HISTORY_LINE_MAX];
	CHECK_EQ_INT(sc_history_format_line(&e, line, sizeof(line)), 0);

	// they hang up; nothing was keyed: no security, no ZRTP time
	walk(&c, true, out_answered, t_out, 1, 0, "");
	sc_call_note_invite_sent(&c, 1000);
	walk(&c, true, out_answered + 2, t_out + 2, 1, 200, "answered");
	end_at(&c, true, 9000, 0, "lyon hung up");
	CHECK(sc_call_take_record(&c, &e));
	CHECK(e.end == SC_HISTORY_END_PEER_HANGUP && !e.secured && e.zrtp_ms == -1 && e.sip_ms == 1000);
	CHECK_EQ_INT(e.loss_pct10, -1);

	// refused by the far site with its code; our own ring timeout (487 without our CANCEL)
	walk(&c, true, out_answered, t_out, 2, 0, "");
	end_at(&c, true, 3000, 486, "lyon refused the call: 486 Busy Here");
	CHECK(sc_call_take_record(&c, &e));
	CHECK(e.end == SC_HISTORY_END_REFUSED && e.code == 486 && e.duration_ms == -1 && e.sip_ms == -1);
	walk(&c, true, out_answered, t_out, 2, 0, "");
	end_at(&c, true, 3000, 487, "lyon did not answer within 120 s");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_UNANSWERED);
	// we give up while it rings there
	walk(&c, true, out_answered, t_out, 2, 0, "");
	sc_call_note_local_hangup(&c);
	walk(&c, true, to_ending_idle, t_end2, 2, 487, "cancelled");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_CANCELLED && e.code == 487);
	// no TLS connection at all
	walk(&c, true, out_answered, t_out, 1, 0, "");
	end_at(&c, true, 3000, 0, "cannot reach lyon over TLS");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_FAILED);

	// incoming: the set-up time runs from their INVITE to their ACK
	static const enum sc_sip_ua_call_state in_answered[] = { SC_SIP_UA_RINGING_IN, SC_SIP_UA_IN_CALL };
	static const uint64_t t_in[] = { 500, 4500 };
	const uint64_t t_in_end[] = { 4700, 4800 };
	walk(&c, false, in_answered, t_in, 2, 200, "answered the call from lyon (PCMU)");
	sc_call_note_ack(&c, 4520);
	sc_call_note_ack(&c, 4900); // a retransmission does not move it
	sc_call_note_secure(&c, &names, 4600);
	sc_call_note_appliance_end(&c, SC_HISTORY_END_CACHE_MISMATCH);
	sc_call_note_appliance_end(&c, SC_HISTORY_END_UNPLUGGED); // the first reason stands
	sc_call_note_local_hangup(&c);
	walk(&c, false, to_ending_idle, t_in_end, 2, 0, "hung up");
	CHECK(sc_call_take_record(&c, &e));
	CHECK(!e.outgoing && e.end == SC_HISTORY_END_CACHE_MISMATCH);
	CHECK_EQ_INT(e.sip_ms, 4020);
	CHECK_EQ_INT(e.zrtp_ms, 100);
	CHECK_EQ_INT(e.duration_ms, 300);
	// declined here; cancelled by the caller; not answered here; the connection broke
	walk(&c, false, in_answered, t_in, 1, 0, "");
	sc_call_note_local_hangup(&c);
	end_at(&c, false, 900, 603, "declined the call from lyon");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_DECLINED && e.code == 603);
	walk(&c, false, in_answered, t_in, 1, 0, "");
	end_at(&c, false, 900, 487, "lyon cancelled the call");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_PEER_CANCELLED);
	walk(&c, false, in_answered, t_in, 1, 0, "");
	end_at(&c, false, 900, 480, "the call from lyon was not answered within 120 s");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_UNANSWERED && e.sip_ms == -1);
	walk(&c, false, in_answered, t_in, 2, 200, "answered");
	sc_call_note_flow_lost(&c);
	end_at(&c, false, 9000, 0, "the connection to lyon was lost");
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_FAILED && e.sip_ms == -1);

	// notes on an idle call change nothing; a call abandoned at shutdown is still recorded
	sc_call_note_local_hangup(&c);
	sc_call_note_appliance_end(&c, SC_HISTORY_END_SHUTDOWN);
	sc_call_abandon(&c, 10000, "stopped");
	CHECK(!sc_call_take_record(&c, &e));
	walk(&c, true, out_answered, t_out, 3, 200, "answered");
	sc_call_note_appliance_end(&c, SC_HISTORY_END_SHUTDOWN);
	sc_call_abandon(&c, 5000, "sealcalld stopped during the call");
	CHECK(c.state == SC_SIP_UA_IDLE);
	CHECK(sc_call_take_record(&c, &e) && e.end == SC_HISTORY_END_SHUTDOWN && e.duration_ms == 3000);
	CHECK_STR_CONTAINS(c.last_end, "sealcalld stopped");

	// names that a history line cannot hold are dropped, and then it is not "secured"
	walk(&c, true, out_answered, t_out, 3, 200, "answered");
	struct sc_call_security_names odd = { "AES 1", "X255", "S256", "HS80", "B32", "new", true };
	sc_call_note_secure(&c, &odd, 2100);
	end_at(&c, true, 9000, 0, "lyon hung up");
	CHECK(sc_call_take_record(&c, &e) && !e.secured && !e.sas_verified && e.cipher[0] == '\0');
	CHECK_EQ_INT(sc_history_format_line(&e, line, sizeof(line)), 0);

	sc_call_refused_record(1714564800, "nice", 486, "INVITE from nice: 486 (busy)", &e);
	CHECK(!e.outgoing && e.end == SC_HISTORY_END_REFUSED && e.code == 486 && strcmp(e.peer, "nice") == 0);
	CHECK_EQ_INT(sc_history_format_line(&e, line, sizeof(line)), 0);
	sc_call_refused_record(0, "", 0, "", &e);
	CHECK(strcmp(e.peer, "unknown") == 0);
	CHECK_EQ_INT(sc_history_format_line(&e, line, sizeof(line)), 0);
}

// While audio flows status shows its quality; afterwards the last call's summary.
static void test_status_quality(void)
{
	struct sc_call_status cs = {
		.state = "in-call", .peer = "lyon", .direction = "outgoing", .duration_s = 42,
		.tls_version = "", .tls_cipher = "", .codec = "PCMU", .last_end = "",
		.sip = "listening", .registration = "", .have_quality = true, .loss_pct10 = 15,
		.jitter_ms10 = 22, .rtt_ms10 = -1, .jb_delay_ms = 40, .jb_target_ms = 60, .lost = 3,
		.late = 1, .concealed = 4, .gaps = 2, .longest_gap_ms = 730,
	};
	struct sc_status st = base_status(&cs);
	struct sc_outbuf b;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "quality: loss 1.5% jitter 2.2 ms rtt - ms jitter-buffer 40 ms "
				   "(target 60 ms) late 1 lost 3 concealed 4 gaps 2 (longest 730 ms) "
				   "codec PCMU\n");
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"quality\":{\"codec\":\"PCMU\",\"loss_pct\":1.5,\"jitter_ms\":2.2,"
				   "\"rtt_ms\":-1,\"jitter_buffer_ms\":40,\"jitter_buffer_target_ms\":60,"
				   "\"late\":1,\"lost\":3,\"concealed\":4,\"gaps\":2,\"longest_gap_ms\":730},"
				   "\"last_call\":null");

	struct sc_history_entry last;
	sc_call_refused_record(1714564800, "nice", 486, "nice refused the call: 486 Busy Here", &last);
	last.outgoing = true;
	struct sc_call_status idle = {
		.state = "idle", .peer = "", .direction = "", .duration_s = -1, .tls_version = "",
		.tls_cipher = "", .codec = "", .last_end = "nice refused the call: 486 Busy Here",
		.sip = "listening", .registration = "", .last_call = &last,
	};
	st = base_status(&idle);
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK(strstr(b.data, "quality:") == NULL);
	CHECK_STR_CONTAINS(b.data, "last call: nice refused the call: 486 Busy Here\n"
				   "last call summary: 2024-05-01T12:00:00Z to nice length -, not secured "
				   "(not answered), no media, set-up sip - ms zrtp - ms, refused 486: nice "
				   "refused the call: 486 Busy Here\n");
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"quality\":null,\"last_call\":{\"start\":\"2024-05-01T12:00:00Z\","
				   "\"peer\":\"nice\",\"direction\":\"out\"");
	sc_outbuf_free(&b);
}

int main(void)
{
	test_history_records();
	test_status_quality();
	test_control_commands();
	test_outgoing_call();
	test_incoming_refused_and_auto_answer();
	test_status_lines();
	return check_done();
}
