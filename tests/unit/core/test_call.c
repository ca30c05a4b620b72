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
	CHECK(sc_call_apply(&c, &ev, 1000, line, sizeof(line)));
	CHECK(strcmp(line, "call: idle -> calling (to lyon): calling lyon") == 0);
	CHECK(!sc_call_apply(&c, &ev, 1000, line, sizeof(line))); // once
	ev = state_event(SC_SIP_UA_RINGING_OUT, SC_SIP_UA_CALLING, true, "lyon is ringing");
	CHECK(sc_call_apply(&c, &ev, 1200, line, sizeof(line)));
	ev = state_event(SC_SIP_UA_IN_CALL, SC_SIP_UA_RINGING_OUT, true, "lyon answered (PCMU)");
	CHECK(sc_call_apply(&c, &ev, 3000, line, sizeof(line)));
	CHECK(strcmp(line, "call: ringing-out -> in-call (to lyon): lyon answered (PCMU)") == 0);
	sc_call_status_fill(&c, 15500, &st);
	CHECK(strcmp(st.state, "in-call") == 0);
	CHECK(strcmp(st.peer, "lyon") == 0 && strcmp(st.direction, "outgoing") == 0);
	CHECK_EQ_INT(st.duration_s, 12);
	CHECK_EQ_INT(c.flow, 3);
	ev = state_event(SC_SIP_UA_ENDING, SC_SIP_UA_IN_CALL, true, "hung up the call with lyon");
	CHECK(sc_call_apply(&c, &ev, 16000, line, sizeof(line)));
	ev = state_event(SC_SIP_UA_IDLE, SC_SIP_UA_ENDING, true, "hung up the call with lyon");
	CHECK(sc_call_apply(&c, &ev, 16100, line, sizeof(line)));
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

	CHECK(sc_call_apply(&c, &ev, 10, line, sizeof(line)));
	CHECK(strcmp(line, "call: idle -> ringing-in (from lyon): lyon is calling (PCMU)") == 0);
	struct sc_call_status st;
	sc_call_status_fill(&c, 5000, &st);
	CHECK(strcmp(st.direction, "incoming") == 0 && st.duration_s == -1);
	// cancelled before an answer: no duration in the line, the code is kept
	ev = state_event(SC_SIP_UA_IDLE, SC_SIP_UA_RINGING_IN, false, "paris cancelled the call");
	ev.code = 487;
	CHECK(sc_call_apply(&c, &ev, 6000, line, sizeof(line)));
	CHECK(strcmp(line, "call: ringing-in -> idle (from lyon): paris cancelled the call") == 0);
	CHECK_EQ_INT(c.last_code, 487);
	// other events change nothing
	struct sc_sip_ua_event reg = { .type = SC_SIP_UA_EV_REGISTERED, .state = SC_SIP_UA_IN_CALL };
	CHECK(!sc_call_apply(&c, &reg, 7000, line, sizeof(line)));
	CHECK_EQ_INT(c.state, SC_SIP_UA_IDLE);
	// an unknown caller is shown by URI
	ev = state_event(SC_SIP_UA_RINGING_IN, SC_SIP_UA_IDLE, false, "");
	ev.peer[0] = '\0';
	CHECK(sc_call_apply(&c, &ev, 8000, line, sizeof(line)));
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
				   "\"last_end\":\"\",\"security\":null}}\n");
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
	CHECK_STR_CONTAINS(err, "(commands: status, call, answer, hangup, verify, unverify, forget, mute, volume)");
}

int main(void)
{
	test_control_commands();
	test_outgoing_call();
	test_incoming_refused_and_auto_answer();
	test_status_lines();
	return check_done();
}
