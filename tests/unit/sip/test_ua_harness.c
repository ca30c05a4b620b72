// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_ua_harness.h"

#include "sip_test_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

uint64_t h_now = 1000;

static const struct {
	const char *name, *key;
	int index;
} sites[] = {
	{ "paris", "iL5fpL7yRGtRxE3ptxO7eaNcjsCoRleVvr21+xKuTxk=", 1 },
	{ "lyon", "XfYDVrp/dajlZew57DsG3dgQR7cYf0H0mRfQKNaLXkY=", 2 },
	{ "nice", "NHAIqOeT/P1JboBemi+fyD/xmf/Qer+jXi6BX5oC2kE=", 3 },
};

const char *h_policy_text(const char *site)
{
	static char text[8192];
	size_t o = 0;
	int me = 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(sites[i].name, site) == 0)
			me = sites[i].index;
	o += (size_t)snprintf(text + o, sizeof(text) - o,
			      "site:\n  name: %s\n"
			      "tunnel:\n  interface: sc0\n  private_key_file: wg.key\n"
			      "  address: 10.77.0.%d/24\n  peers:\n",
			      site, me);
	for (int i = 0; i < 3; i++) {
		if (sites[i].index == me)
			continue;
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "    - name: %s\n      public_key: %s\n"
				      "      allowed_ips: [10.77.0.%d/32%s]\n",
				      sites[i].name, sites[i].key, sites[i].index,
				      sites[i].index == 3 ? ", 10.77.0.254/32" : "");
	}
	o += (size_t)snprintf(text + o, sizeof(text) - o,
			      "sip:\n  certificate: site.crt\n  private_key: site.key\n  ca: ca.crt\n"
			      "directory:\n");
	for (int i = 0; i < 3; i++) {
		if (sites[i].index == me)
			continue;
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "  - name: %s\n    uri: sips:%s@%s.sealcall.test\n"
				      "    address: 10.77.0.%d\n",
				      sites[i].name, sites[i].name, sites[i].name, sites[i].index);
	}
	snprintf(text + o, sizeof(text) - o,
		 "media:\n  codecs: [opus, pcmu, pcma]\n"
		 "rules:\n  require_tunnel: true\n  auto_answer: false\n");
	return text;
}

const char *h_edit(const char *text, const char *old, const char *replacement)
{
	static char out[2][8192];
	static int which;
	char *o = out[which ^= 1];
	const char *at = strstr(text, old);
	if (!at) {
		fprintf(stderr, "test bug: '%s' not in the policy text\n", old);
		abort();
	}
	snprintf(o, sizeof(out[0]), "%.*s%s%s", (int)(at - text), text, replacement, at + strlen(old));
	return o;
}

// Distinct, reproducible bytes.
static int counting_rng(void *ctx, uint8_t *buf, size_t len)
{
	uint32_t *state = ctx;
	for (size_t i = 0; i < len; i++) {
		*state = *state * 1103515245u + 12345u;
		buf[i] = (uint8_t)(*state >> 16);
	}
	return 0;
}

static uint32_t rng_state = 7;

static int media_prepare(void *ctx, const struct sc_sip_ua_media_call *call, uint16_t *port,
			 char *hash, size_t hash_len)
{
	struct h_node *n = ctx;
	n->media.outgoing = call->outgoing;
	snprintf(n->media.peer, sizeof(n->media.peer), "%s", call->peer);
	if (call->family != AF_INET || memcmp(call->local_addr, n->policy->tunnel.address.addr, 4) != 0)
		abort(); // media must bind on the tunnel address of the connection
	if (n->media.fail_prepare)
		return n->media.fail_prepare;
	n->media.prepared++;
	*port = n->media.port;
	snprintf(hash, hash_len, "%s", n->media.hash);
	return 0;
}

static int media_start(void *ctx, const struct sc_sdp_result *r)
{
	struct h_node *n = ctx;
	if (n->media.fail_start)
		return n->media.fail_start;
	n->media.started++;
	n->media.last = *r;
	return 0;
}

static void media_release(void *ctx)
{
	struct h_node *n = ctx;
	n->media.released++;
}

static bool peer_up(void *ctx, int family, const uint8_t *addr, char *why, size_t len)
{
	struct h_node *n = ctx;
	(void)family;
	(void)addr;
	if (!n->tunnel_up)
		snprintf(why, len, "handshake 200 s old");
	return n->tunnel_up;
}

void h_node_init(struct h_node *n, const char *site, const char *yaml)
{
	memset(n, 0, sizeof(*n));
	n->name = site;
	n->tunnel_up = true;
	struct sc_policy_errors errs = { 0 };
	if (sc_policy_load_buffer("/etc/sealcall/sealcall.yaml", yaml, strlen(yaml), false, &n->policy,
				  &errs) < 0) {
		sc_policy_errors_print(&errs, stderr);
		abort();
	}
	sc_policy_errors_free(&errs);
	int index = 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(sites[i].name, site) == 0)
			index = sites[i].index;
	n->media.port = (uint16_t)(16384 + 2 * index);
	snprintf(n->media.hash, sizeof(n->media.hash), "1.10 %064d", index);
	char uri[SC_URI_MAX], cert[64];
	snprintf(cert, sizeof(cert), "%s.sealcall.test", site);
	if (sc_sip_ua_local_uri(n->policy, cert, uri, sizeof(uri)) < 0)
		abort();
	static const uint8_t password[] = "secret";
	struct sc_sip_ua_config cfg = {
		.policy = n->policy,
		.local_uri = uri,
		.user_agent = "sealcall/test",
		.registrar_password = password,
		.registrar_password_len = n->policy->sip.has_registrar ? 6 : 0,
		.rng = counting_rng,
		.rng_ctx = &rng_state,
		.media = { n, media_prepare, media_start, media_release },
		.env = { n, peer_up },
	};
	if (sc_sip_ua_new(&cfg, &n->ua) < 0)
		abort();
}

void h_node_free(struct h_node *n)
{
	sc_sip_ua_free(n->ua);
	sc_policy_free(n->policy);
	n->ua = NULL;
	n->policy = NULL;
}

struct sc_sip_identity h_identity_of(const struct h_node *n, const char *site)
{
	struct sc_sip_identity id = { .kind = SC_SIP_PEER_SITE, .authenticated = true, .family = AF_INET };
	id.entry = sc_policy_directory_find(n->policy, site);
	if (!id.entry)
		abort();
	snprintf(id.san, sizeof(id.san), "%s.sealcall.test", site);
	memcpy(id.addr, id.entry->address.addr, 4);
	id.port = 5061;
	return id;
}

struct sc_sip_identity h_identity_registrar(const struct h_node *n)
{
	struct sc_sip_identity id = { .kind = SC_SIP_PEER_REGISTRAR, .authenticated = true,
				      .family = AF_INET, .port = 5061 };
	snprintf(id.san, sizeof(id.san), "%s", n->policy->sip.registrar.host);
	memcpy(id.addr, n->policy->sip.registrar.address.addr, 4);
	return id;
}

void h_flow_up(struct h_node *n, uint64_t flow, struct sc_sip_identity id, bool incoming)
{
	struct sc_sip_ua_flow f = { .peer = id, .local_family = AF_INET, .incoming = incoming };
	memcpy(f.local_addr, n->policy->tunnel.address.addr, 4);
	sc_sip_ua_flow_up(n->ua, flow, &f, h_now);
}

void h_link(struct h_node *a, struct h_node *b, uint64_t flow)
{
	a->peer = b;
	b->peer = a;
	a->link_flow = b->link_flow = flow;
	a->auto_connect = b->auto_connect = true;
}

static void record_send(struct h_node *n, uint64_t flow, const char *data, size_t len)
{
	if (n->n_sent == H_MAX_SENT) {
		memmove(n->sent, n->sent + 1, sizeof(n->sent[0]) * (H_MAX_SENT - 1));
		n->n_sent--;
	}
	struct h_sent *s = &n->sent[n->n_sent++];
	s->flow = flow;
	s->len = len < H_TEXT - 1 ? len : H_TEXT - 1;
	memcpy(s->text, data, s->len);
	s->text[s->len] = '\0';
}

static bool drain(struct h_node *n)
{
	struct sc_sip_ua_action a;
	bool any = false;
	// Bounded: a UA queues a finite amount per input.
	for (int i = 0; i < 1000 && sc_sip_ua_pop(n->ua, &a); i++) {
		any = true;
		switch (a.type) {
		case SC_SIP_UA_SEND:
			record_send(n, a.flow, a.data, a.len);
			if (n->peer && a.flow == n->link_flow) {
				// the peer may answer at once; copy first: A's data is ours until our next call
				char *copy = malloc(a.len);
				memcpy(copy, a.data, a.len);
				sc_sip_ua_receive(n->peer->ua, a.flow, copy, a.len, h_now);
				free(copy);
			}
			break;
		case SC_SIP_UA_CONNECT:
			n->n_connects++;
			n->last_connect = a.site;
			n->connect_registrar = a.site == NULL;
			if (n->auto_connect && n->peer && a.site) {
				h_flow_up(n->peer, n->link_flow, h_identity_of(n->peer, n->name), true);
				h_flow_up(n, n->link_flow, h_identity_of(n, n->peer->name), false);
			}
			break;
		case SC_SIP_UA_EVENT:
			if (n->n_events < H_MAX_EVENTS)
				n->events[n->n_events++] = a.event;
			break;
		}
	}
	return any;
}

void h_pump(struct h_node *a, struct h_node *b)
{
	for (int i = 0; i < 100; i++) {
		bool any = drain(a);
		if (b)
			any |= drain(b);
		if (!any)
			return;
	}
	fprintf(stderr, "h_pump: the UAs never went quiet\n");
	abort();
}

void h_inject(struct h_node *n, uint64_t flow, const char *text)
{
	static char buf[H_TEXT];
	size_t len = crlf(text, buf, sizeof(buf));
	sc_sip_ua_receive(n->ua, flow, buf, len, h_now);
	h_pump(n, NULL);
}

const char *h_sent_back(const struct h_node *n, size_t back)
{
	return back < n->n_sent ? n->sent[n->n_sent - 1 - back].text : NULL;
}

const char *h_sent_find(const struct h_node *n, const char *prefix)
{
	for (size_t i = n->n_sent; i-- > 0;)
		if (strncmp(n->sent[i].text, prefix, strlen(prefix)) == 0)
			return n->sent[i].text;
	return NULL;
}

size_t h_sent_count(const struct h_node *n, const char *prefix)
{
	size_t k = 0;
	for (size_t i = 0; i < n->n_sent; i++)
		k += strncmp(n->sent[i].text, prefix, strlen(prefix)) == 0;
	return k;
}

unsigned h_status(const char *msg)
{
	unsigned code = 0;
	if (msg && sscanf(msg, "SIP/2.0 %u", &code) == 1)
		return code;
	return 0;
}

const char *h_header(const char *msg, const char *name)
{
	static char value[2048];
	value[0] = '\0';
	size_t nl = strlen(name);
	// Bounded by the message: each round moves past one line, the blank line ends it.
	for (const char *p = msg; p && *p;) {
		const char *e = strstr(p, "\r\n");
		if (!e || e == p)
			break;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t len = (size_t)(e - v);
			if (len >= sizeof(value))
				len = sizeof(value) - 1;
			memcpy(value, v, len);
			value[len] = '\0';
			return value;
		}
		p = e + 2;
	}
	return value;
}

const char *h_body(const char *msg)
{
	const char *b = msg ? strstr(msg, "\r\n\r\n") : NULL;
	return b ? b + 4 : "";
}

const struct sc_sip_ua_event *h_last_event(const struct h_node *n, enum sc_sip_ua_event_type t)
{
	for (size_t i = n->n_events; i-- > 0;)
		if (n->events[i].type == t)
			return &n->events[i];
	return NULL;
}

const struct sc_sip_ua_event *h_last_state(const struct h_node *n)
{
	return h_last_event(n, SC_SIP_UA_EV_STATE);
}

enum sc_sip_ua_call_state h_state(const struct h_node *n)
{
	struct sc_sip_ua_call_info info;
	sc_sip_ua_call_info(n->ua, &info);
	return info.state;
}

void h_advance(struct h_node *a, struct h_node *b, uint64_t ms)
{
	h_now += ms;
	sc_sip_ua_tick(a->ua, h_now);
	if (b)
		sc_sip_ua_tick(b->ua, h_now);
	h_pump(a, b);
}

const char *h_offer(const char *attrs)
{
	static char sdp[2048];
	snprintf(sdp, sizeof(sdp),
		 "v=0\n"
		 "o=lyon 1 1 IN IP4 10.77.0.2\n"
		 "s=-\n"
		 "c=IN IP4 10.77.0.2\n"
		 "t=0 0\n"
		 "m=audio 40000 RTP/AVP 0 8 101\n"
		 "a=rtpmap:101 telephone-event/8000\n"
		 "a=ptime:20\n"
		 "%s",
		 attrs);
	return sdp;
}
