// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/txn.h"

#include "base/log.h"
#include "sip/writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct txn {
	uint32_t id;
	enum sc_sip_txn_kind kind;
	enum sc_sip_txn_state state;
	uint64_t flow;
	bool has_deadline;
	uint64_t deadline;
	// The request that opened the transaction; the key is kept as offsets into it.
	char *request;
	size_t request_len;
	size_t branch_off, branch_len, host_off, host_len, method_off, method_len;
	uint16_t port;
	enum sc_sip_method method_id;
	char *response; // server: the last response sent, resent on a retransmitted request
	size_t response_len;
	char *ack; // INVITE client: the ACK for a non-2xx final response
	size_t ack_len;
	bool dead; // terminated: freed at the start of the next call
};

struct sc_sip_txn_table {
	struct txn **slots;
	size_t capacity;
	uint32_t t1_ms;
	uint32_t next_id;
};

static struct sc_sip_str key_branch(const struct txn *x)
{
	return (struct sc_sip_str){ x->request + x->branch_off, x->branch_len };
}

static struct sc_sip_str key_host(const struct txn *x)
{
	return (struct sc_sip_str){ x->request + x->host_off, x->host_len };
}

static struct sc_sip_str key_method(const struct txn *x)
{
	return (struct sc_sip_str){ x->request + x->method_off, x->method_len };
}

static void txn_free(struct txn *x)
{
	if (!x)
		return;
	free(x->request);
	free(x->response);
	free(x->ack);
	free(x);
}

struct sc_sip_txn_table *sc_sip_txn_table_new(size_t capacity, uint32_t t1_ms)
{
	struct sc_sip_txn_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->slots = calloc(capacity ? capacity : 1, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	t->capacity = capacity;
	t->t1_ms = t1_ms ? t1_ms : SC_SIP_T1_MS;
	t->next_id = 1;
	return t;
}

void sc_sip_txn_table_free(struct sc_sip_txn_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->capacity; i++)
		txn_free(t->slots[i]);
	free(t->slots);
	free(t);
}

// Transactions that ended in the previous call stay until now, so that the data pointers
// of the actions they emitted remained valid for the caller.
static void reap(struct sc_sip_txn_table *t)
{
	for (size_t i = 0; i < t->capacity; i++) {
		if (t->slots[i] && t->slots[i]->dead) {
			txn_free(t->slots[i]);
			t->slots[i] = NULL;
		}
	}
}

static struct sc_sip_txn_action *emit(struct sc_sip_txn_out *out, enum sc_sip_txn_action_kind kind,
				      const struct txn *x)
{
	if (out->n >= SC_SIP_TXN_OUT_MAX) {
		// every entry point checks for room first; reaching this is a bug in this file
		sc_err("sip: transaction output full, action %d overwrites the last one", (int)kind);
		out->n = SC_SIP_TXN_OUT_MAX - 1;
	}
	struct sc_sip_txn_action *a = &out->a[out->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	if (x) {
		a->txn = x->id;
		a->flow = x->flow;
	}
	return a;
}

static void send_bytes(struct sc_sip_txn_out *out, const struct txn *x, const char *data, size_t len)
{
	struct sc_sip_txn_action *a = emit(out, SC_SIP_ACT_SEND, x);
	a->data = data;
	a->len = len;
}

static void terminate(struct txn *x, struct sc_sip_txn_out *out)
{
	x->state = SC_SIP_TXN_TERMINATED;
	x->has_deadline = false;
	x->dead = true;
	emit(out, SC_SIP_ACT_ENDED, x);
}

static void set_timer(struct sc_sip_txn_table *t, struct txn *x, uint64_t now)
{
	x->has_deadline = true;
	x->deadline = now + 64ull * t->t1_ms;
}

static struct txn *find_id(const struct sc_sip_txn_table *t, uint32_t id)
{
	for (size_t i = 0; i < t->capacity; i++)
		if (t->slots[i] && !t->slots[i]->dead && t->slots[i]->id == id)
			return t->slots[i];
	return NULL;
}

static struct txn **free_slot(struct sc_sip_txn_table *t)
{
	for (size_t i = 0; i < t->capacity; i++)
		if (!t->slots[i])
			return &t->slots[i];
	return NULL;
}

static bool is_server(const struct txn *x)
{
	return x->kind == SC_SIP_TXN_IST || x->kind == SC_SIP_TXN_NIST;
}

// §17.2.3: branch, sent-by and method; an ACK matches the INVITE it acknowledges.
static struct txn *match_server(const struct sc_sip_txn_table *t, const struct sc_sip_msg *m,
				bool as_invite)
{
	for (size_t i = 0; i < t->capacity; i++) {
		struct txn *x = t->slots[i];
		if (!x || x->dead || !is_server(x))
			continue;
		if (!sc_sip_str_equal(key_branch(x), m->via.branch) ||
		    !sc_sip_str_caseequal(key_host(x), m->via.host) || x->port != m->via.port)
			continue;
		if (as_invite ? x->method_id == SC_SIP_METHOD_INVITE
			      : sc_sip_str_equal(key_method(x), m->method))
			return x;
	}
	return NULL;
}

// §17.1.3: the branch of the top Via and the CSeq method.
static struct txn *match_client(const struct sc_sip_txn_table *t, struct sc_sip_str branch,
				struct sc_sip_str method)
{
	for (size_t i = 0; i < t->capacity; i++) {
		struct txn *x = t->slots[i];
		if (x && !x->dead && !is_server(x) && sc_sip_str_equal(key_branch(x), branch) &&
		    sc_sip_str_equal(key_method(x), method))
			return x;
	}
	return NULL;
}

// Each entry point emits at most this many actions outside of loops.
#define MAX_ACTIONS_PER_CALL 4

static bool room(const struct sc_sip_txn_out *out)
{
	return out->n + MAX_ACTIONS_PER_CALL <= SC_SIP_TXN_OUT_MAX;
}

static struct txn *txn_new(struct sc_sip_txn_table *t, enum sc_sip_txn_kind kind, uint64_t flow,
			   const char *data, size_t len, const struct sc_sip_msg *m)
{
	struct txn *x = calloc(1, sizeof(*x));
	if (!x || !(x->request = malloc(len ? len : 1))) {
		free(x);
		return NULL;
	}
	memcpy(x->request, data, len);
	x->request_len = len;
	x->kind = kind;
	x->flow = flow;
	x->id = t->next_id++;
	if (t->next_id == 0)
		t->next_id = 1;
	x->branch_off = (size_t)(m->via.branch.p - data);
	x->branch_len = m->via.branch.len;
	x->host_off = (size_t)(m->via.host.p - data);
	x->host_len = m->via.host.len;
	x->port = m->via.port;
	x->method_off = (size_t)(m->method.p - data);
	x->method_len = m->method.len;
	x->method_id = m->method_id;
	return x;
}

static void store(char **dst, size_t *dst_len, char *src, size_t len)
{
	free(*dst);
	*dst = src;
	*dst_len = len;
}

int sc_sip_txn_client_start(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
			    const char *data, size_t len, uint32_t *id, struct sc_sip_txn_out *out)
{
	reap(t);
	if (!room(out))
		return -ENOBUFS;
	struct sc_sip_msg m;
	struct sc_sip_error err;
	if (sc_sip_msg_parse(data, len, SC_SIP_STREAM, &m, &err) != 0 || !m.is_request ||
	    m.method_id == SC_SIP_METHOD_ACK || !sc_sip_branch_is_rfc3261(m.via.branch))
		return -EINVAL;
	if (match_client(t, m.via.branch, m.cseq.method))
		return -EEXIST;
	struct txn **slot = free_slot(t);
	if (!slot)
		return -ENOSPC;
	// the key offsets refer to DATA as parsed; the copy keeps the same layout
	struct txn *x = txn_new(t, m.method_id == SC_SIP_METHOD_INVITE ? SC_SIP_TXN_ICT : SC_SIP_TXN_NICT,
				flow, data, len, &m);
	if (!x)
		return -ENOMEM;
	*slot = x;
	x->state = x->kind == SC_SIP_TXN_ICT ? SC_SIP_TXN_CALLING : SC_SIP_TXN_TRYING;
	set_timer(t, x, now); // Timer B or F
	send_bytes(out, x, x->request, x->request_len);
	*id = x->id;
	return 0;
}

// §17.1.1.3: the ACK for a non-2xx final response is built by the transaction.
static int build_ack(struct txn *x, const struct sc_sip_msg *resp)
{
	struct sc_sip_msg req;
	struct sc_sip_error err;
	if (sc_sip_msg_parse(x->request, x->request_len, SC_SIP_STREAM, &req, &err) != 0)
		return -EINVAL;
	const struct sc_sip_header *to = sc_sip_msg_find(resp, SC_SIP_HDR_TO, NULL);
	size_t cap = x->request_len + (to ? to->value.len : 0) + 256;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, buf, cap);
	// the original Request-URI, and the top Via only
	sc_sip_write_request_line_str(&w, "ACK", req.request_uri.raw);
	const struct sc_sip_header *via = sc_sip_msg_find(&req, SC_SIP_HDR_VIA, NULL);
	struct sc_sip_str rest = via->value, top;
	sc_sip_next_value(&rest, &top);
	sc_sip_write_header_str(&w, "Via", top);
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(&req, SC_SIP_HDR_ROUTE, h));)
		sc_sip_write_header_str(&w, "Route", h->value);
	sc_sip_write_header(&w, "Max-Forwards", "70");
	sc_sip_write_header_str(&w, "From", sc_sip_msg_find(&req, SC_SIP_HDR_FROM, NULL)->value);
	sc_sip_write_header_str(&w, "To", to ? to->value : req.to.uri.raw);
	sc_sip_write_header_str(&w, "Call-ID", req.call_id);
	sc_sip_write_header(&w, "CSeq", "%u ACK", req.cseq.seq);
	int n = sc_sip_write_end(&w, NULL, NULL, 0);
	if (n < 0) {
		free(buf);
		return n;
	}
	store(&x->ack, &x->ack_len, buf, (size_t)n);
	return 0;
}

static void client_response(struct sc_sip_txn_table *t, uint64_t now, struct txn *x,
			    const struct sc_sip_msg *m, struct sc_sip_txn_out *out)
{
	unsigned code = m->status;
	struct sc_sip_txn_action *a;
	if (x->state == SC_SIP_TXN_ACCEPTED) {
		// RFC 6026: 2xx retransmissions and forks go to the TU, which ACKs them
		if (code >= 200 && code < 300) {
			a = emit(out, SC_SIP_ACT_RESPONSE, x);
			a->msg = m;
		}
		return;
	}
	a = emit(out, SC_SIP_ACT_RESPONSE, x);
	a->msg = m;
	if (code < 200) {
		x->state = SC_SIP_TXN_PROCEEDING;
		if (x->kind == SC_SIP_TXN_ICT)
			x->has_deadline = false; // Timer B guards the Calling state only
		return;
	}
	if (x->kind == SC_SIP_TXN_ICT && code < 300) {
		x->state = SC_SIP_TXN_ACCEPTED;
		set_timer(t, x, now); // Timer M
		return;
	}
	if (x->kind == SC_SIP_TXN_ICT) {
		if (build_ack(x, m) == 0)
			send_bytes(out, x, x->ack, x->ack_len);
		else
			sc_warn("sip: could not build the ACK for a %u response", code);
	}
	terminate(x, out); // Completed with Timer D or K = 0 over TLS
}

static int server_request(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
			  const struct sc_sip_msg *m, struct sc_sip_txn_out *out)
{
	struct sc_sip_txn_action *a;
	bool is_ack = m->method_id == SC_SIP_METHOD_ACK;
	struct txn *x = match_server(t, m, is_ack);
	if (x && is_ack) {
		if (x->state == SC_SIP_TXN_COMPLETED) {
			x->state = SC_SIP_TXN_CONFIRMED;
			terminate(x, out); // Timer I = 0
		} else if (x->state == SC_SIP_TXN_ACCEPTED) {
			a = emit(out, SC_SIP_ACT_ACK, x);
			a->msg = m;
		}
		return 0;
	}
	if (x) {
		// a retransmission: resend the last response where §17.2 says so
		bool resend = x->response &&
			      (x->state == SC_SIP_TXN_PROCEEDING || x->state == SC_SIP_TXN_COMPLETED);
		if (resend)
			send_bytes(out, x, x->response, x->response_len);
		return 0;
	}
	if (is_ack) {
		a = emit(out, SC_SIP_ACT_ACK, NULL);
		a->flow = flow;
		a->msg = m;
		return 0;
	}
	struct txn **slot = free_slot(t);
	if (!slot)
		return -ENOSPC;
	bool invite = m->method_id == SC_SIP_METHOD_INVITE;
	x = txn_new(t, invite ? SC_SIP_TXN_IST : SC_SIP_TXN_NIST, flow, m->raw.p, m->raw.len, m);
	if (!x)
		return -ENOMEM;
	*slot = x;
	if (invite) {
		// §17.2.1: 100 Trying at once, since the TU may take longer than 200 ms
		size_t cap = m->raw.len + 256;
		char *trying = malloc(cap);
		struct sc_sip_writer w;
		int n = -ENOMEM;
		if (trying) {
			sc_sip_writer_init(&w, trying, cap);
			sc_sip_write_response_start(&w, m, 100, "Trying", NULL);
			n = sc_sip_write_end(&w, NULL, NULL, 0);
		}
		if (n < 0) {
			free(trying);
		} else {
			store(&x->response, &x->response_len, trying, (size_t)n);
			send_bytes(out, x, x->response, x->response_len);
		}
		x->state = SC_SIP_TXN_PROCEEDING;
	} else {
		x->state = SC_SIP_TXN_TRYING;
	}
	a = emit(out, SC_SIP_ACT_NEW_REQUEST, x);
	a->msg = m;
	if (m->method_id == SC_SIP_METHOD_CANCEL) {
		struct txn *target = match_server(t, m, true);
		a->cancel_target = target ? target->id : 0;
	}
	(void)now;
	return 0;
}

int sc_sip_txn_receive(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
		       const struct sc_sip_msg *m, struct sc_sip_txn_out *out)
{
	reap(t);
	if (!room(out))
		return -ENOBUFS;
	if (!m->is_request) {
		struct txn *x = sc_sip_branch_is_rfc3261(m->via.branch)
					? match_client(t, m->via.branch, m->cseq.method)
					: NULL;
		if (!x) {
			struct sc_sip_txn_action *a = emit(out, SC_SIP_ACT_STRAY_RESPONSE, NULL);
			a->flow = flow;
			a->msg = m;
			return 0;
		}
		client_response(t, now, x, m, out);
		return 0;
	}
	if (!sc_sip_branch_is_rfc3261(m->via.branch))
		return -EPROTO;
	return server_request(t, now, flow, m, out);
}

int sc_sip_txn_respond(struct sc_sip_txn_table *t, uint64_t now, uint32_t id, const char *data,
		       size_t len, struct sc_sip_txn_out *out)
{
	reap(t);
	if (!room(out))
		return -ENOBUFS;
	struct txn *x = find_id(t, id);
	if (!x || !is_server(x))
		return -ENOENT;
	struct sc_sip_msg m;
	struct sc_sip_error err;
	if (sc_sip_msg_parse(data, len, SC_SIP_STREAM, &m, &err) != 0 || m.is_request)
		return -EINVAL;
	unsigned code = m.status;
	bool allowed = x->state == SC_SIP_TXN_TRYING || x->state == SC_SIP_TXN_PROCEEDING ||
		       (x->state == SC_SIP_TXN_ACCEPTED && code >= 200 && code < 300);
	if (!allowed)
		return -EINVAL;
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	store(&x->response, &x->response_len, copy, len);
	send_bytes(out, x, x->response, x->response_len);
	if (code < 200) {
		x->state = SC_SIP_TXN_PROCEEDING;
	} else if (x->kind == SC_SIP_TXN_NIST) {
		terminate(x, out); // Completed with Timer J = 0 over TLS
	} else if (code < 300) {
		if (x->state != SC_SIP_TXN_ACCEPTED) {
			x->state = SC_SIP_TXN_ACCEPTED;
			set_timer(t, x, now); // Timer L
		}
	} else {
		x->state = SC_SIP_TXN_COMPLETED;
		set_timer(t, x, now); // Timer H
	}
	return 0;
}

void sc_sip_txn_flow_failed(struct sc_sip_txn_table *t, uint64_t now, uint64_t flow,
			    struct sc_sip_txn_out *out)
{
	(void)now;
	reap(t);
	for (size_t i = 0; i < t->capacity && out->n + 2 <= SC_SIP_TXN_OUT_MAX; i++) {
		struct txn *x = t->slots[i];
		if (!x || x->dead || x->flow != flow)
			continue;
		emit(out, SC_SIP_ACT_TRANSPORT_ERROR, x);
		terminate(x, out);
	}
}

void sc_sip_txn_tick(struct sc_sip_txn_table *t, uint64_t now, struct sc_sip_txn_out *out)
{
	reap(t);
	for (size_t i = 0; i < t->capacity && out->n + 2 <= SC_SIP_TXN_OUT_MAX; i++) {
		struct txn *x = t->slots[i];
		if (!x || x->dead || !x->has_deadline || x->deadline > now)
			continue;
		// B, F and H mean the far end never finished; L and M only end the absorbing
		if (x->state != SC_SIP_TXN_ACCEPTED)
			emit(out, SC_SIP_ACT_TIMEOUT, x);
		terminate(x, out);
	}
}

bool sc_sip_txn_next_deadline(const struct sc_sip_txn_table *t, uint64_t *when)
{
	bool any = false;
	for (size_t i = 0; i < t->capacity; i++) {
		const struct txn *x = t->slots[i];
		if (!x || x->dead || !x->has_deadline)
			continue;
		if (!any || x->deadline < *when)
			*when = x->deadline;
		any = true;
	}
	return any;
}

enum sc_sip_txn_state sc_sip_txn_state(const struct sc_sip_txn_table *t, uint32_t id)
{
	const struct txn *x = find_id(t, id);
	return x ? x->state : SC_SIP_TXN_TERMINATED;
}

size_t sc_sip_txn_count(const struct sc_sip_txn_table *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->capacity; i++)
		if (t->slots[i] && !t->slots[i]->dead)
			n++;
	return n;
}
