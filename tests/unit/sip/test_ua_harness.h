// SPDX-License-Identifier: GPL-3.0-or-later
// A bench for the UA: sites with real policies, a fake media seam, a fake tunnel, a
// counting RNG and a clock the test moves. Two UAs can be linked so that what one sends the
// other receives; a UA can also face a scripted peer whose messages the test writes.
#ifndef SC_TEST_UA_HARNESS_H
#define SC_TEST_UA_HARNESS_H

#include "policy/policy.h"
#include "sip/ua.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H_MAX_SENT 96
#define H_MAX_EVENTS 96
#define H_TEXT 16384

extern uint64_t h_now;

struct h_sent {
	uint64_t flow;
	char text[H_TEXT];
	size_t len;
};

struct h_media {
	int prepared, started, released;
	int fail_prepare, fail_start; // negative errno to return
	uint16_t port;
	char hash[80];
	bool outgoing;    // what the last prepare was told
	char peer[64];
	struct sc_sdp_result last;
};

struct h_node {
	const char *name;
	struct sc_policy *policy;
	struct sc_sip_ua *ua;
	struct h_media media;
	bool tunnel_up;
	struct sc_sip_ua_event events[H_MAX_EVENTS];
	size_t n_events;
	struct h_sent sent[H_MAX_SENT];
	size_t n_sent;
	size_t n_connects;
	const struct sc_directory_entry *last_connect; // NULL: the registrar
	bool connect_registrar;
	// Linked delivery: SENDs on LINK_FLOW go to PEER; CONNECTs are answered by linking.
	struct h_node *peer;
	uint64_t link_flow;
	bool auto_connect;
};

// Sites: "paris" 10.77.0.1, "lyon" 10.77.0.2, "nice" 10.77.0.3, each peering with the other
// two (nice also carries the hub, 10.77.0.254). h_policy_text gives SITE's policy (a static
// buffer), h_edit replaces text in it, h_node_init loads YAML and makes the UA.
const char *h_policy_text(const char *site);
const char *h_edit(const char *text, const char *old, const char *replacement);
void h_node_init(struct h_node *n, const char *site, const char *yaml);
void h_node_free(struct h_node *n);

// What SITE's identity looks like from N: a directory site, authenticated.
struct sc_sip_identity h_identity_of(const struct h_node *n, const char *site);
struct sc_sip_identity h_identity_registrar(const struct h_node *n);
void h_flow_up(struct h_node *n, uint64_t flow, struct sc_sip_identity id, bool incoming);

// A and B share FLOW (A opened it), and CONNECTs between them are served by linking.
void h_link(struct h_node *a, struct h_node *b, uint64_t flow);
// Drains every node's queue, delivering linked messages, until all are quiet.
void h_pump(struct h_node *a, struct h_node *b);

// Sends TEXT ("\n" line ends, "$CL" the body length) to N on FLOW as the scripted peer.
void h_inject(struct h_node *n, uint64_t flow, const char *text);
// The Nth message N sent counting from the end (0: the last); NULL when none.
const char *h_sent_back(const struct h_node *n, size_t back);
// The last message N sent whose first line starts with PREFIX ("SIP/2.0 488", "BYE").
const char *h_sent_find(const struct h_node *n, const char *prefix);
size_t h_sent_count(const struct h_node *n, const char *prefix);
// Status code of a response text, 0 for a request.
unsigned h_status(const char *msg);
// The value of header NAME in MSG ("" when absent), copied into a static buffer.
const char *h_header(const char *msg, const char *name);
const char *h_body(const char *msg);
// The last STATE event of N; NULL when none.
const struct sc_sip_ua_event *h_last_state(const struct h_node *n);
const struct sc_sip_ua_event *h_last_event(const struct h_node *n, enum sc_sip_ua_event_type t);
enum sc_sip_ua_call_state h_state(const struct h_node *n);
void h_advance(struct h_node *a, struct h_node *b, uint64_t ms);

// An SDP offer from 10.77.0.2 with the given extra lines (e.g. the zrtp-hash line).
const char *h_offer(const char *attrs);

#endif
