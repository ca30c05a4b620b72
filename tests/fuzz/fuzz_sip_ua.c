// SPDX-License-Identifier: GPL-3.0-or-later
// The user agent driven by arbitrary input: messages on a site's and on the registrar's
// connection, the clock, the operator's commands, connections coming and going. Beyond "no
// crash, no leak", it aborts when an invariant breaks:
//  - everything the UA sends is one well-formed SIP message (or keepalive-free bytes never
//    appear: every SEND parses over a stream);
//  - the media seam is prepared at most once per call and released exactly as often as it
//    was prepared, once the UA is freed;
//  - media starts only with a peer a=zrtp-hash in hand.
//
// Input: records of [op][len:2 little-endian][payload].
#include "policy/policy.h"
#include "sip/msg.h"
#include "sip/ua.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char policy_text[] =
	"site:\n  name: paris\n"
	"tunnel:\n  private_key_file: wg.key\n  address: 10.77.0.1/24\n  peers:\n"
	"    - name: lyon\n      public_key: XfYDVrp/dajlZew57DsG3dgQR7cYf0H0mRfQKNaLXkY=\n"
	"      allowed_ips: [10.77.0.2/32]\n"
	"    - name: nice\n      public_key: NHAIqOeT/P1JboBemi+fyD/xmf/Qer+jXi6BX5oC2kE=\n"
	"      allowed_ips: [10.77.0.3/32, 10.77.0.254/32]\n"
	"sip:\n  certificate: site.crt\n  private_key: site.key\n  ca: ca.crt\n"
	"  registrar:\n    uri: sips:hub.sealcall.test:5061\n    address: 10.77.0.254\n"
	"    username: paris\n    password_file: pw\n    expires: 600\n"
	"directory:\n"
	"  - name: lyon\n    uri: sips:lyon@lyon.sealcall.test\n    address: 10.77.0.2\n"
	"  - name: nice\n    uri: sips:nice@nice.sealcall.test\n    address: 10.77.0.3\n"
	"rules:\n  accept_unknown_callers: true\n";

static struct sc_policy *policy;
static int prepared, released, started;
static bool tunnel_up;

static void require(int cond)
{
	if (!cond)
		abort();
}

static int rng(void *ctx, uint8_t *buf, size_t len)
{
	uint32_t *s = ctx;
	for (size_t i = 0; i < len; i++) {
		*s = *s * 1103515245u + 12345u;
		buf[i] = (uint8_t)(*s >> 16);
	}
	return 0;
}

static int prepare(void *ctx, const struct sc_sip_ua_media_call *call, uint16_t *port, char *hash,
		   size_t len)
{
	(void)ctx;
	(void)call;
	require(prepared == released); // one call's media at a time
	prepared++;
	*port = 16384;
	snprintf(hash, len, "1.10 %064d", 7);
	return 0;
}

static int start(void *ctx, const struct sc_sdp_result *r)
{
	(void)ctx;
	require(prepared == released + 1);
	require(r->n_remote_zrtp_hash > 0);
	started++;
	return 0;
}

static void release(void *ctx)
{
	(void)ctx;
	released++;
	require(released <= prepared);
}

static bool peer_up(void *ctx, int family, const uint8_t *addr, char *why, size_t len)
{
	(void)ctx;
	(void)family;
	(void)addr;
	snprintf(why, len, "fuzzed");
	return tunnel_up;
}

static void flow_up(struct sc_sip_ua *ua, uint64_t flow, uint64_t now)
{
	struct sc_sip_ua_flow f = { .local_family = AF_INET, .incoming = flow == 1 };
	inet_pton(AF_INET, "10.77.0.1", f.local_addr);
	f.peer.authenticated = true;
	f.peer.family = AF_INET;
	if (flow == 2) {
		f.peer.kind = SC_SIP_PEER_REGISTRAR;
		snprintf(f.peer.san, sizeof(f.peer.san), "hub.sealcall.test");
		inet_pton(AF_INET, "10.77.0.254", f.peer.addr);
	} else if (flow == 3) {
		f.peer.kind = SC_SIP_PEER_UNKNOWN;
		snprintf(f.peer.san, sizeof(f.peer.san), "laptop.sealcall.test");
		inet_pton(AF_INET, "10.77.0.3", f.peer.addr);
	} else {
		f.peer.kind = SC_SIP_PEER_SITE;
		f.peer.entry = sc_policy_directory_find(policy, "lyon");
		snprintf(f.peer.san, sizeof(f.peer.san), "lyon.sealcall.test");
		inet_pton(AF_INET, "10.77.0.2", f.peer.addr);
	}
	f.peer.port = 5061;
	sc_sip_ua_flow_up(ua, flow, &f, now);
}

static void drain(struct sc_sip_ua *ua)
{
	static struct sc_sip_msg m;
	struct sc_sip_ua_action a;
	struct sc_sip_error err;
	for (int i = 0; i < 10000 && sc_sip_ua_pop(ua, &a); i++) {
		if (a.type == SC_SIP_UA_SEND)
			require(sc_sip_msg_parse(a.data, a.len, SC_SIP_STREAM, &m, &err) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t seed;
	if (!policy) {
		struct sc_policy_errors errs = { 0 };
		if (sc_policy_load_buffer("/etc/sealcall/sealcall.yaml", policy_text,
					  sizeof(policy_text) - 1, false, &policy, &errs) < 0)
			abort();
		sc_policy_errors_free(&errs);
	}
	seed = 1;
	prepared = released = started = 0;
	tunnel_up = true;
	static const uint8_t password[] = "secret";
	struct sc_sip_ua_config cfg = {
		.policy = policy, .local_uri = "sips:paris@hub.sealcall.test", .user_agent = "fuzz",
		.registrar_password = password, .registrar_password_len = 6, .rng = rng,
		.rng_ctx = &seed, .media = { NULL, prepare, start, release },
		.env = { NULL, peer_up },
	};
	struct sc_sip_ua *ua;
	if (sc_sip_ua_new(&cfg, &ua) < 0)
		abort();
	uint64_t now = 1000;
	char why[256], text[SC_SIP_MAX_MESSAGE + 1];
	sc_sip_ua_start(ua, now);
	drain(ua);
	flow_up(ua, 1, now);
	flow_up(ua, 2, now);
	drain(ua);
	size_t off = 0;
	// Bounded by the input: every record consumes at least three bytes.
	while (off + 3 <= size) {
		uint8_t op = data[off];
		size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;
		off += 3;
		if (len > size - off)
			len = size - off;
		const char *payload = (const char *)data + off;
		off += len;
		switch (op % 12) {
		case 0: // a message from lyon
		case 1: // from the hub
		case 2: // from a certificate the directory does not know
			sc_sip_ua_receive(ua, op % 12 + 1, payload, len, now);
			break;
		case 3:
			now += len ? (uint64_t)(unsigned char)payload[0] * 1000u : 32000u;
			sc_sip_ua_tick(ua, now);
			break;
		case 4:
			memcpy(text, payload, len < 200 ? len : 200);
			text[len < 200 ? len : 200] = '\0';
			sc_sip_ua_call(ua, len ? text : "lyon", now, why, sizeof(why));
			break;
		case 5:
			sc_sip_ua_answer(ua, now, why, sizeof(why));
			break;
		case 6:
			sc_sip_ua_hangup(ua, now, why, sizeof(why));
			break;
		case 7:
			sc_sip_ua_flow_down(ua, 1 + (len ? (unsigned char)payload[0] % 3 : 0), "fuzzed", now);
			break;
		case 8:
			flow_up(ua, 1 + (len ? (unsigned char)payload[0] % 3 : 0), now);
			break;
		case 9:
			sc_sip_ua_connect_failed(ua, len ? NULL : sc_policy_directory_find(policy, "lyon"),
						 "fuzzed", now);
			break;
		case 10:
			tunnel_up = !tunnel_up;
			sc_sip_ua_set_headset(ua, tunnel_up || len % 2);
			break;
		case 11:
			sc_sip_ua_shutdown(ua, now);
			break;
		}
		drain(ua);
		uint64_t when;
		if (sc_sip_ua_next_deadline(ua, &when) && when <= now) {
			sc_sip_ua_tick(ua, now);
			drain(ua);
		}
	}
	sc_sip_ua_free(ua);
	require(prepared == released);
	return 0;
}
