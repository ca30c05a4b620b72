// SPDX-License-Identifier: GPL-3.0-or-later
// The SIP/TLS transport as a stream: framing, size limits, keepalives, timeouts, the send
// queue, callbacks that close, and the refusals that come before any socket.
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sip/msg.h"
#include "test_tls_util.h"

struct site {
	struct sc_policy *p;
	struct sc_sip_tls *t;
	struct tlsu_events r;
};

static struct tlsu_env env;
static struct sc_loop *loop;
static char path_crt[128], path_key[128], path_ca[128];

static int site_open_ev(struct site *s, const struct tlsu_site *opts,
			const struct sc_sip_tls_events *custom)
{
	struct sc_sip_tls_events ev;
	memset(s, 0, sizeof(*s));
	tlsu_events_init(&s->r, &ev);
	s->r.echo = true;
	s->p = tlsu_policy(&env, opts);
	CHECK(s->p != NULL);
	if (!s->p)
		return -1;
	int rc = sc_sip_tls_new(loop, s->p, "lo", custom ? custom : &ev, &s->t);
	CHECK_EQ_INT(rc, 0);
	return rc;
}

static int site_open(struct site *s, const char *name)
{
	return site_open_ev(s, &(struct tlsu_site){ .site = name }, NULL);
}

static void site_close(struct site *s)
{
	sc_sip_tls_free(s->t);
	sc_policy_free(s->p);
	s->t = NULL;
	s->p = NULL;
}

// A raw client with lyon's certificate, from lyon's address, sending DATA to paris.
static void lyon_client(struct tlsu_peer *p, const char *data, size_t len, int linger_ms)
{
	memset(p, 0, sizeof(*p));
	p->cert = path_crt;
	p->key = path_key;
	p->ca = path_ca;
	snprintf(p->src, sizeof(p->src), "127.77.0.2");
	snprintf(p->dst, sizeof(p->dst), "127.77.0.1");
	p->port = env.port;
	p->send = data;
	p->send_len = len;
	p->linger_ms = linger_ms;
	CHECK_EQ_INT(tlsu_peer_start(p), 0);
	tlsu_run_until(loop, &p->done, linger_ms + 8000);
	tlsu_peer_join(p);
}

static char *big_message(size_t body_len, size_t *len)
{
	static const char head[] = "MESSAGE sips:paris@paris.sealcall.test SIP/2.0\r\n"
				   "Via: SIP/2.0/TLS 127.77.0.2;branch=z9hG4bKbig\r\n"
				   "Max-Forwards: 70\r\nTo: <sips:paris@paris.sealcall.test>\r\n"
				   "From: <sips:lyon@lyon.sealcall.test>;tag=9\r\nCall-ID: big1\r\n"
				   "CSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n";
	char *m = malloc(sizeof(head) + 64 + body_len);
	if (!m)
		abort();
	int n = sprintf(m, "%sContent-Length: %zu\r\n\r\n", head, body_len);
	memset(m + n, 'x', body_len);
	*len = (size_t)n + body_len;
	return m;
}

static void test_messages_framed(void)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, "paris"))
		goto out;
	// Three requests and a keepalive ping in one write: three messages, in order, and a pong.
	char data[2048];
	int n = snprintf(data, sizeof(data), "%s%s\r\n\r\n%s", TLSU_MSG, TLSU_MSG, TLSU_MSG);
	lyon_client(&p, data, (size_t)n, 1000);
	CHECK_EQ_INT(p.handshake_rc, 0);
	CHECK_EQ_INT(paris.r.messages, 3);
	CHECK(strcmp(paris.r.last_message, TLSU_MSG) == 0);
	// Each request was answered, and the ping got its "\r\n" between the 2nd and 3rd answer.
	char want[512];
	n = snprintf(want, sizeof(want), "%s%s\r\n%s", TLSU_REPLY, TLSU_REPLY, TLSU_REPLY);
	CHECK_EQ_INT(p.got_len, n);
	CHECK(p.got_len == (size_t)n && memcmp(p.got, want, (size_t)n) == 0);

	// The largest message the parser takes arrives whole.
	size_t len = 0;
	char *m = big_message(SC_SIP_MAX_MESSAGE - 400, &len);
	CHECK(len <= SC_SIP_MAX_MESSAGE);
	lyon_client(&p, m, len, 1000);
	CHECK_EQ_INT(paris.r.messages, 4);
	CHECK_EQ_INT(paris.r.last_len, len);
	CHECK(paris.r.last_len == len && memcmp(paris.r.last_message, m, len) == 0);
	CHECK(memmem(p.got, p.got_len, "SIP/2.0 200 OK", 14) != NULL);
	free(m);
out:
	site_close(&paris);
}

static void test_ping_answered(void)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, "paris"))
		goto out;
	lyon_client(&p, "\r\n\r\n", 4, 800);
	CHECK_EQ_INT(p.handshake_rc, 0);
	CHECK_EQ_INT(p.got_len, 2);
	CHECK(p.got_len == 2 && memcmp(p.got, "\r\n", 2) == 0);
	CHECK(!p.peer_closed); // the connection stayed open while the client lingered
	CHECK_EQ_INT(paris.r.messages, 0);
	CHECK_EQ_INT(paris.r.established, 1);
out:
	site_close(&paris);
}

static void expect_cut_off(const char *data, size_t len, const char *log_needle)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, "paris"))
		goto out;
	tlsu_capture_begin();
	lyon_client(&p, data, len, 3000);
	tlsu_run_for(loop, 50);
	const char *log = tlsu_capture_end();
	CHECK_EQ_INT(p.handshake_rc, 0);
	CHECK(p.peer_closed);
	CHECK_EQ_INT(paris.r.messages, 0);
	CHECK_EQ_INT(paris.r.closed, 1);
	CHECK_EQ_INT(paris.r.closed_errno, EMSGSIZE);
	CHECK_STR_CONTAINS(log, log_needle);
	CHECK_STR_CONTAINS(log, "from lyon 127.77.0.2:");
	CHECK_EQ_INT(sc_sip_tls_conn_count(paris.t), 0);
out:
	site_close(&paris);
}

static void test_oversized(void)
{
	size_t len = 0;
	char *m = big_message(SC_SIP_MAX_MESSAGE, &len);
	fprintf(stderr, "-- Content-Length beyond 64 KiB\n");
	expect_cut_off(m, len, "message larger than 64 KiB");
	free(m);
	// Headers that never end: cut at 64 KiB, not buffered without bound.
	static const char start[] = "INVITE sips:paris@paris.sealcall.test SIP/2.0\r\n";
	static const char filler[] = "X-Filler: aaaaaaaaaaaaaaaaaaaa\r\n";
	size_t lines = (SC_SIP_MAX_MESSAGE + 8192) / (sizeof(filler) - 1);
	size_t hlen = sizeof(start) - 1 + lines * (sizeof(filler) - 1);
	char *h = malloc(hlen);
	if (!h)
		abort();
	memcpy(h, start, sizeof(start) - 1);
	for (size_t i = 0; i < lines; i++)
		memcpy(h + sizeof(start) - 1 + i * (sizeof(filler) - 1), filler, sizeof(filler) - 1);
	fprintf(stderr, "-- headers beyond 64 KiB\n");
	expect_cut_off(h, hlen, "headers larger than 64 KiB");
	free(h);
}

static void test_handshake_timeout(void)
{
	struct site paris;
	if (site_open(&paris, "paris"))
		goto out;
	sc_sip_tls_set_timers(paris.t, 300, 0, 0, 0);
	tlsu_capture_begin();
	int fd = tlsu_tcp_connect("127.77.0.2", "127.77.0.1", env.port);
	CHECK(fd >= 0);
	uint64_t start = sc_loop_now_ms(), closed_at = 0;
	while (fd >= 0 && sc_loop_now_ms() < start + 3000) {
		char c;
		sc_loop_run_once(loop, 10);
		if (recv(fd, &c, 1, MSG_DONTWAIT) == 0) {
			closed_at = sc_loop_now_ms();
			break;
		}
	}
	const char *log = tlsu_capture_end();
	CHECK(closed_at != 0);
	CHECK(closed_at >= start + 250 && closed_at < start + 2000);
	CHECK_STR_CONTAINS(log, "TLS handshake not finished within 300 ms");
	CHECK_STR_CONTAINS(log, "127.77.0.2");
	CHECK_EQ_INT(sc_sip_tls_conn_count(paris.t), 0);
	if (fd >= 0)
		close(fd);
out:
	site_close(&paris);
}

// A server that completes the handshake and then never answers anything, pings included.
static void test_keepalive(void)
{
	struct site paris, lyon;
	struct tlsu_peer p;
	struct sc_sip_conn *c = NULL;
	if (site_open(&paris, "paris"))
		goto out;
	sc_sip_tls_set_timers(paris.t, 0, 200, 300, 0);
	memset(&p, 0, sizeof(p));
	p.server = true;
	p.cert = path_crt;
	p.key = path_key;
	snprintf(p.src, sizeof(p.src), "127.77.0.2");
	p.port = env.port;
	p.linger_ms = 3000;
	CHECK_EQ_INT(tlsu_peer_start(&p), 0);
	CHECK(tlsu_run_until(loop, &p.listening, 3000));
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, sc_policy_directory_find(paris.p, "lyon"), &c), 0);
	uint64_t start = sc_loop_now_ms();
	CHECK(tlsu_run_until(loop, &paris.r.closed, 4000));
	uint64_t took = sc_loop_now_ms() - start;
	CHECK_EQ_INT(paris.r.established, 1);
	CHECK_EQ_INT(paris.r.closed_errno, ETIMEDOUT);
	CHECK_STR_CONTAINS(paris.r.closed_why, "keepalive ping not answered within 300 ms");
	CHECK(took >= 450 && took < 2500);
	tlsu_run_until(loop, &p.done, 5000);
	tlsu_peer_join(&p);
	CHECK(p.got_len >= 4 && memcmp(p.got, "\r\n\r\n", 4) == 0);

	// A sealcall peer answers, so the same timers keep the connection for many rounds.
	if (site_open(&lyon, "lyon"))
		goto out;
	int closed = paris.r.closed;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, sc_policy_directory_find(paris.p, "lyon"), &c), 0);
	tlsu_run_for(loop, 2000);
	CHECK_EQ_INT(paris.r.closed, closed);
	CHECK_EQ_INT(lyon.r.closed, 0);
	CHECK(sc_sip_conn_is_established(c));
	site_close(&lyon);
out:
	site_close(&paris);
}

static void test_idle_incoming(void)
{
	struct site paris;
	struct tlsu_peer p;
	if (site_open(&paris, "paris"))
		goto out;
	sc_sip_tls_set_timers(paris.t, 0, 0, 0, 400);
	lyon_client(&p, TLSU_MSG, strlen(TLSU_MSG), 2500);
	CHECK_EQ_INT(paris.r.messages, 1);
	CHECK(p.peer_closed);
	CHECK_EQ_INT(paris.r.closed, 1);
	CHECK_EQ_INT(paris.r.closed_errno, ETIMEDOUT);
out:
	site_close(&paris);
}

static void test_outside_tunnel(void)
{
	struct site paris;
	if (site_open(&paris, "paris"))
		goto out;
	struct sc_directory_entry far = { .name = "far", .uri = "sips:far@far.sealcall.test" };
	far.address.family = AF_INET;
	memcpy(far.address.addr, (uint8_t[]){ 192, 0, 2, 10 }, 4);
	far.address.prefix_len = 32;
	struct sc_sip_conn *c = (struct sc_sip_conn *)&far; // must be cleared
	int fds = tlsu_count_fds();
	uint64_t started = sc_sip_tls_connects_started(paris.t);
	tlsu_capture_begin();
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, &far, &c), -EHOSTUNREACH);
	const char *log = tlsu_capture_end();
	CHECK(c == NULL);
	CHECK_EQ_INT(tlsu_count_fds(), fds); // no socket was even created
	CHECK_EQ_INT(sc_sip_tls_connects_started(paris.t), started);
	CHECK_EQ_INT(sc_sip_tls_conn_count(paris.t), 0);
	CHECK_STR_CONTAINS(log, "refused to connect to far at 192.0.2.10:5061");
	CHECK_STR_CONTAINS(log, "outside every peer's allowed_ips");
	// An address inside the tunnel subnet but in no peer's allowed IPs is refused too.
	memcpy(far.address.addr, (uint8_t[]){ 127, 77, 0, 50 }, 4);
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, &far, &c), -EHOSTUNREACH);
	CHECK_EQ_INT(sc_sip_tls_connects_started(paris.t), started);
out:
	site_close(&paris);
}

static void test_listener_refusals(void)
{
	struct sc_sip_tls_events ev;
	struct tlsu_events r;
	struct sc_sip_tls *t = (struct sc_sip_tls *)&r;
	tlsu_events_init(&r, &ev);
	struct sc_policy *p = tlsu_policy(&env, &(struct tlsu_site){ .site = "paris" });
	struct sc_policy *elsewhere = tlsu_policy(
		&env, &(struct tlsu_site){ .site = "paris", .address = "192.0.2.1/24" });
	CHECK(p && elsewhere);
	if (!p || !elsewhere)
		goto out;
	int fds = tlsu_count_fds();
	tlsu_capture_begin();
	CHECK_EQ_INT(sc_sip_tls_new(loop, p, "sc-nonexist0", &ev, &t), -ENETDOWN);
	CHECK(t == NULL);
	CHECK_EQ_INT(sc_sip_tls_new(loop, elsewhere, "lo", &ev, &t), -EADDRNOTAVAIL);
	struct sc_sip_tls *first = NULL;
	CHECK_EQ_INT(sc_sip_tls_new(loop, p, "lo", &ev, &first), 0);
	CHECK_EQ_INT(sc_sip_tls_new(loop, p, "lo", &ev, &t), -EADDRINUSE);
	sc_sip_tls_free(first);
	const char *log = tlsu_capture_end();
	CHECK_EQ_INT(tlsu_count_fds(), fds);
	CHECK_STR_CONTAINS(log, "tunnel interface sc-nonexist0 does not exist");
	CHECK_STR_CONTAINS(log, "192.0.2.1:");
	CHECK_STR_CONTAINS(log, "not assigned on this host");
	CHECK_STR_CONTAINS(log, "already in use");
out:
	sc_policy_free(p);
	sc_policy_free(elsewhere);
}

// In a network namespace of its own the loopback interface starts down: the transport must
// refuse to open. Needs root (CLONE_NEWNET); skipped with a note otherwise.
static void test_interface_down(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "note: interface-down case skipped (needs root for a namespace)\n");
		return;
	}
	struct sc_policy *p = tlsu_policy(&env, &(struct tlsu_site){ .site = "paris" });
	CHECK(p != NULL);
	if (!p)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct sc_sip_tls_events ev = { 0 };
		struct sc_sip_tls *t = NULL;
		struct sc_loop *l = NULL;
		if (unshare(CLONE_NEWNET) != 0 || sc_loop_new(&l) != 0)
			_exit(2);
		int rc = sc_sip_tls_new(l, p, "lo", &ev, &t);
		_exit(rc == -ENETDOWN && t == NULL ? 0 : 1);
	}
	int status = -1;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
	sc_policy_free(p);
}

static int send_rc_in_close = 1;
static int closes_in_message;

static void close_in_message(void *arg, struct sc_sip_conn *c, const char *msg, size_t len)
{
	(void)arg;
	(void)msg;
	(void)len;
	closes_in_message++;
	sc_sip_conn_close(c);
}

static void send_in_closed(void *arg, struct sc_sip_conn *c, int err, const char *why)
{
	(void)arg;
	(void)err;
	(void)why;
	send_rc_in_close = sc_sip_conn_send(c, TLSU_MSG, strlen(TLSU_MSG));
}

static void test_callbacks_may_close(void)
{
	struct site paris;
	struct tlsu_peer p;
	struct sc_sip_tls_events ev = { .on_message = close_in_message, .on_closed = send_in_closed };
	if (site_open_ev(&paris, &(struct tlsu_site){ .site = "paris" }, &ev))
		goto out;
	char data[1024];
	int n = snprintf(data, sizeof(data), "%s%s", TLSU_MSG, TLSU_MSG);
	lyon_client(&p, data, (size_t)n, 1000);
	CHECK_EQ_INT(closes_in_message, 1); // the second message died with the connection
	CHECK(p.peer_closed);
	CHECK_EQ_INT(sc_sip_tls_conn_count(paris.t), 0);
	CHECK_EQ_INT(send_rc_in_close, 1); // no on_closed for the UA's own close
	site_close(&paris);

	// A failing outgoing connection: on_closed, where sending is refused.
	if (site_open_ev(&paris, &(struct tlsu_site){ .site = "paris" }, &ev))
		goto out;
	struct sc_sip_conn *c = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, sc_policy_directory_find(paris.p, "nice"), &c), 0);
	for (int i = 0; i < 300 && send_rc_in_close == 1; i++)
		sc_loop_run_once(loop, 10);
	CHECK_EQ_INT(send_rc_in_close, -EPIPE);
out:
	site_close(&paris);
}

static void test_send_queue(void)
{
	struct site paris;
	if (site_open(&paris, "paris"))
		goto out;
	struct sc_sip_conn *c = NULL;
	// Nobody listens at nice's address: the connection stays unusable while we queue.
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, sc_policy_directory_find(paris.p, "nice"), &c), 0);
	size_t len = 0;
	char *m = big_message(SC_SIP_MAX_MESSAGE, &len);
	CHECK_EQ_INT(sc_sip_conn_send(c, m, len), -EMSGSIZE);
	free(m);
	m = big_message(60000, &len);
	int rc = 0, sent = 0;
	while (rc == 0 && sent < 100) {
		rc = sc_sip_conn_send(c, m, len);
		sent += rc == 0;
	}
	CHECK_EQ_INT(rc, -ENOBUFS);
	CHECK_EQ_INT(sent, (int)((1u << 20) / len));
	free(m);
	CHECK(tlsu_run_until(loop, &paris.r.closed, 3000));
	CHECK_EQ_INT(paris.r.closed_errno, ECONNREFUSED);
	CHECK_STR_CONTAINS(paris.r.closed_why, "cannot connect");
out:
	site_close(&paris);
}

static int bulk_seen, bulk_bad;

static void bulk_message(void *arg, struct sc_sip_conn *c, const char *msg, size_t len)
{
	size_t want = 0;
	char *m = big_message(60000, &want);
	(void)arg;
	(void)c;
	// Every message carries its sequence number in its first body byte.
	m[want - 60000] = (char)('A' + bulk_seen);
	if (len != want || memcmp(msg, m, len) != 0)
		bulk_bad++;
	bulk_seen++;
	free(m);
}

// A full queue drains through a socket that is full again and again (wolfSSL's "want
// write" retries), and every message arrives whole and in order.
static void test_bulk_send(void)
{
	struct site paris, lyon;
	struct tlsu_events unused;
	struct sc_sip_tls_events bulk;
	tlsu_events_init(&unused, &bulk);
	bulk.on_message = bulk_message;
	if (site_open(&paris, "paris") ||
	    site_open_ev(&lyon, &(struct tlsu_site){ .site = "lyon" }, &bulk))
		goto out;
	struct sc_sip_conn *c = NULL;
	CHECK_EQ_INT(sc_sip_tls_connect(paris.t, sc_policy_directory_find(paris.p, "lyon"), &c), 0);
	size_t len = 0;
	char *m = big_message(60000, &len);
	int queued = 0;
	for (int i = 0; i < 17; i++) {
		m[len - 60000] = (char)('A' + i);
		queued += sc_sip_conn_send(c, m, len) == 0;
	}
	free(m);
	CHECK_EQ_INT(queued, 17);
	CHECK(tlsu_run_until_count(loop, &bulk_seen, 17, 10000));
	CHECK_EQ_INT(bulk_seen, 17);
	CHECK_EQ_INT(bulk_bad, 0);
	CHECK_EQ_INT(paris.r.closed, 0);
out:
	site_close(&paris);
	site_close(&lyon);
}

int main(void)
{
	CHECK_EQ_INT(sc_sip_tls_global_init(), 0);
	if (tlsu_env_init(&env) != 0) {
		CHECK(!"test certificates (is the openssl command installed?)");
		tlsu_env_cleanup(&env);
		return check_done();
	}
	tlsu_path(&env, "lyon.crt", path_crt, sizeof(path_crt));
	tlsu_path(&env, "lyon.key", path_key, sizeof(path_key));
	tlsu_path(&env, "ca.crt", path_ca, sizeof(path_ca));
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	test_messages_framed();
	test_ping_answered();
	test_oversized();
	test_handshake_timeout();
	test_keepalive();
	test_idle_incoming();
	test_outside_tunnel();
	test_listener_refusals();
	test_interface_down();
	test_callbacks_may_close();
	test_send_queue();
	test_bulk_send();
	sc_loop_free(loop);
	tlsu_env_cleanup(&env);
	sc_sip_tls_global_cleanup();
	return check_done();
}
