// SPDX-License-Identifier: GPL-3.0-or-later
// One SIP/TLS connection on the loop: TCP connect, handshake with its deadline, framing of
// the received stream, the send queue, RFC 5626 keepalives, and the single way out.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/error-ssl.h>

#include "base/log.h"
#include "core/loop.h"
#include "sip/framer.h"
#include "sip/msg.h"
#include "sip/tls_internal.h"

static const char ping_bytes[] = "\r\n\r\n";
static const char pong_bytes[] = "\r\n";

static void conn_free_memory(struct sc_sip_conn *c)
{
	free(c->rx);
	free(c->tx);
	free(c);
}

static void hold(struct sc_sip_conn *c)
{
	c->holds++;
}

// Ends a loop callback's use of C; the memory of a connection torn down meanwhile goes now.
static void release(struct sc_sip_conn *c)
{
	if (--c->holds == 0 && c->state == TLS_CONN_DEAD)
		conn_free_memory(c);
}

static void unlink_conn(struct sc_sip_conn *c)
{
	struct sc_sip_tls *t = c->t;
	if (c->prev)
		c->prev->next = c->next;
	else if (t->conns == c)
		t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	t->n_conns--;
}

static void teardown(struct sc_sip_conn *c)
{
	if (c->state == TLS_CONN_DEAD)
		return;
	sc_loop_watch_free(c->watch);
	c->watch = NULL;
	sc_loop_timer_free(c->timer);
	c->timer = NULL;
	if (c->ssl) {
		// close_notify is a courtesy: one non-blocking attempt, never waited for.
		if (c->state == TLS_CONN_ESTABLISHED)
			wolfSSL_shutdown(c->ssl);
		wolfSSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = TLS_CONN_DEAD;
	unlink_conn(c);
}

void tls_conn_destroy(struct sc_sip_conn *c)
{
	if (c->state == TLS_CONN_DEAD)
		return;
	teardown(c);
	if (c->holds == 0)
		conn_free_memory(c);
}

// The one way a connection ends on its own: logged, torn down, reported to the UA.
__attribute__((format(printf, 3, 4)))
static void conn_fail(struct sc_sip_conn *c, int err, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	if (c->state == TLS_CONN_DEAD)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	bool authenticated = c->state == TLS_CONN_ESTABLISHED;
	// The UA knows the connections it opened and those it was told were established; an
	// incoming one refused during its handshake is only logged.
	bool known = authenticated || !c->incoming;
	if (err == EACCES)
		sc_warn("sip: refused TLS %s %s: %s", c->incoming ? "from" : "to", c->desc, why);
	else if (authenticated)
		sc_info("sip: TLS connection %s %s closed: %s", c->incoming ? "from" : "to", c->desc,
			why);
	else
		sc_warn("sip: TLS %s %s failed: %s", c->incoming ? "from" : "to", c->desc, why);
	teardown(c);
	struct sc_sip_tls *t = c->t;
	if (known && t->ev.on_closed) {
		hold(c);
		t->ev.on_closed(t->ev.arg, c, err, why);
		release(c);
	} else if (c->holds == 0) {
		conn_free_memory(c);
	}
}

static void set_events(struct sc_sip_conn *c, uint32_t events)
{
	if (c->state == TLS_CONN_DEAD || events == c->watch_events)
		return;
	if (sc_loop_watch_set_events(c->watch, events) == 0)
		c->watch_events = events;
}

static uint64_t deadline_of(const struct sc_sip_conn *c)
{
	const struct sc_sip_tls *t = c->t;
	if (c->state != TLS_CONN_ESTABLISHED)
		return c->started_ms + t->handshake_ms;
	if (c->incoming)
		return c->last_rx_ms + t->idle_ms;
	if (c->awaiting_pong)
		return c->ping_sent_ms + t->pong_ms;
	return c->last_rx_ms + t->ping_ms;
}

static void arm_timer(struct sc_sip_conn *c)
{
	if (c->state == TLS_CONN_DEAD)
		return;
	uint64_t now = sc_loop_now_ms(), when = deadline_of(c);
	sc_loop_timer_arm(c->timer, when > now ? when - now : 0, 0);
}

static int queue(struct sc_sip_conn *c, const char *data, size_t len)
{
	if (c->tx_len + len > TLS_TX_MAX)
		return -ENOBUFS;
	if (c->tx_len + len > c->tx_cap) {
		size_t cap = c->tx_cap ? c->tx_cap : 4096;
		while (cap < c->tx_len + len)
			cap *= 2;
		char *grown = realloc(c->tx, cap);
		if (!grown)
			return -ENOMEM;
		c->tx = grown;
		c->tx_cap = cap;
	}
	memcpy(c->tx + c->tx_len, data, len);
	c->tx_len += len;
	if (c->state == TLS_CONN_ESTABLISHED)
		set_events(c, EPOLLIN | EPOLLOUT);
	return 0;
}

static const char *ssl_error_text(WOLFSSL *ssl, int err, char *buf, size_t len)
{
	wolfSSL_ERR_error_string_n((unsigned long)err, buf, len);
	(void)ssl;
	return buf;
}

// Sends what is queued until the socket is full; 0, or -1 after conn_fail. The queue is
// compacted once at the end, not after every record.
static int flush(struct sc_sip_conn *c)
{
	char text[128];
	size_t off = 0;
	while (off < c->tx_len) {
		size_t left = c->tx_len - off;
		size_t chunk = c->tx_inflight ? c->tx_inflight : (left < 16384 ? left : 16384);
		int n = wolfSSL_write(c->ssl, c->tx + off, (int)chunk);
		if (n > 0) {
			off += (size_t)n;
			c->tx_inflight = 0;
			continue;
		}
		int err = wolfSSL_get_error(c->ssl, n);
		if (err == WOLFSSL_ERROR_WANT_WRITE || err == WOLFSSL_ERROR_WANT_READ) {
			// wolfSSL keeps the record it built: the retry must pass the same bytes.
			c->tx_inflight = chunk;
			set_events(c, err == WOLFSSL_ERROR_WANT_WRITE ? EPOLLIN | EPOLLOUT : EPOLLIN);
			goto out;
		}
		conn_fail(c, EIO, "send failed: %s", ssl_error_text(c->ssl, err, text, sizeof(text)));
		return -1;
	}
	set_events(c, EPOLLIN);
out:
	if (off > 0) {
		memmove(c->tx, c->tx + off, c->tx_len - off);
		c->tx_len -= off;
	}
	return 0;
}

// Hands whole messages to the UA and answers keepalives; -1 when C is gone.
static int deliver(struct sc_sip_conn *c)
{
	struct sc_sip_tls *t = c->t;
	size_t off = 0;
	while (c->state == TLS_CONN_ESTABLISHED && off < c->rx_len) {
		struct sc_sip_frame f;
		switch (sc_sip_frame_next(c->rx + off, c->rx_len - off, c->awaiting_pong, &f)) {
		case SC_SIP_FRAME_NEED_MORE:
			if (off == 0 && c->rx_len >= SC_SIP_MAX_MESSAGE) {
				conn_fail(c, EMSGSIZE, "message larger than 64 KiB");
				return -1;
			}
			goto done;
		case SC_SIP_FRAME_MESSAGE:
			if (t->ev.on_message)
				t->ev.on_message(t->ev.arg, c, c->rx + off, f.len);
			off += f.len;
			break;
		case SC_SIP_FRAME_PING:
			off += f.len;
			if (queue(c, pong_bytes, 2) != 0) {
				conn_fail(c, ENOBUFS, "send queue full (the peer does not read)");
				return -1;
			}
			break;
		case SC_SIP_FRAME_PONG:
			off += f.len;
			c->awaiting_pong = false;
			break;
		case SC_SIP_FRAME_ERROR:
			conn_fail(c, strstr(f.what, "larger") ? EMSGSIZE : EPROTO, "%s", f.what);
			return -1;
		}
	}
done:
	if (c->state != TLS_CONN_ESTABLISHED)
		return -1;
	if (off > 0) {
		memmove(c->rx, c->rx + off, c->rx_len - off);
		c->rx_len -= off;
	}
	return 0;
}

static int grow_rx(struct sc_sip_conn *c)
{
	if (c->rx_len < c->rx_cap)
		return 0;
	if (c->rx_cap >= SC_SIP_MAX_MESSAGE)
		return -EMSGSIZE;
	size_t cap = c->rx_cap ? c->rx_cap * 2 : TLS_RX_INITIAL;
	if (cap > SC_SIP_MAX_MESSAGE)
		cap = SC_SIP_MAX_MESSAGE;
	char *grown = realloc(c->rx, cap);
	if (!grown)
		return -ENOMEM;
	c->rx = grown;
	c->rx_cap = cap;
	return 0;
}

static void peer_closed(struct sc_sip_conn *c, int err)
{
	char text[128];
	if (err == WOLFSSL_ERROR_ZERO_RETURN || err == SOCKET_PEER_CLOSED_E)
		conn_fail(c, ECONNRESET, "the peer closed the connection");
	else if (err == SOCKET_ERROR_E)
		conn_fail(c, ECONNRESET, "connection reset");
	else
		conn_fail(c, EPROTO, "TLS error: %s", ssl_error_text(c->ssl, err, text, sizeof(text)));
}

static void read_established(struct sc_sip_conn *c)
{
	size_t budget = TLS_READ_BUDGET;
	while (c->state == TLS_CONN_ESTABLISHED) {
		int rc = grow_rx(c);
		if (rc != 0) {
			conn_fail(c, -rc, "%s", rc == -EMSGSIZE ? "message larger than 64 KiB"
							       : "out of memory");
			return;
		}
		int n = wolfSSL_read(c->ssl, c->rx + c->rx_len, (int)(c->rx_cap - c->rx_len));
		if (n > 0) {
			c->rx_len += (size_t)n;
			c->last_rx_ms = sc_loop_now_ms();
			if (deliver(c) != 0)
				return;
			budget = budget > (size_t)n ? budget - (size_t)n : 0;
			// Level-triggered epoll calls back for bytes still in the socket, but not
			// for a record wolfSSL has already taken in.
			if (budget == 0 && !wolfSSL_has_pending(c->ssl))
				break;
			continue;
		}
		int err = wolfSSL_get_error(c->ssl, n);
		if (err == WOLFSSL_ERROR_WANT_READ)
			break;
		if (err == WOLFSSL_ERROR_WANT_WRITE) {
			set_events(c, EPOLLIN | EPOLLOUT);
			break;
		}
		peer_closed(c, err);
		return;
	}
	if (c->state == TLS_CONN_ESTABLISHED && c->tx_len > 0)
		flush(c);
}

static void record_session(struct sc_sip_conn *c)
{
	const char *v = wolfSSL_get_version(c->ssl);
	const char *s = wolfSSL_get_cipher_name(c->ssl);
	const char *g = wolfSSL_get_curve_name(c->ssl);
	snprintf(c->version, sizeof(c->version), "%s", v ? v : "?");
	snprintf(c->cipher, sizeof(c->cipher), "%s", s ? s : "?");
	snprintf(c->curve, sizeof(c->curve), "%s", g ? g : "?");
}

static void handshake_failed(struct sc_sip_conn *c, int err)
{
	char text[128];
	WOLFSSL_ALERT_HISTORY h;
	if (c->refusal_errno) {
		conn_fail(c, c->refusal_errno, "%s", c->refusal);
		return;
	}
	ssl_error_text(c->ssl, err, text, sizeof(text));
	switch (err) {
	case NO_PEER_CERT:
		conn_fail(c, EACCES, "the client sent no certificate (every site needs one from the "
			  "site CA)");
		return;
	case VERSION_ERROR:
		conn_fail(c, EPROTO, "no common TLS version (sip.tls_min_version is %s here)",
			  c->t->p->sip.tls_min_version == SC_TLS_1_3 ? "1.3" : "1.2");
		return;
	case MATCH_SUITE_ERROR:
		conn_fail(c, EPROTO, "no common cipher suite (sealcall takes ECDHE with AES-GCM or "
			  "ChaCha20-Poly1305 only)");
		return;
	case WOLFSSL_ERROR_ZERO_RETURN:
	case SOCKET_PEER_CLOSED_E:
	case SOCKET_ERROR_E:
		conn_fail(c, ECONNRESET, "the peer closed the connection during the handshake");
		return;
	default:
		break;
	}
	if (wolfSSL_get_alert_history(c->ssl, &h) == WOLFSSL_SUCCESS && h.last_rx.code > 0 &&
	    h.last_rx.level == alert_fatal) {
		conn_fail(c, EACCES, "the peer refused the handshake (alert: %s)",
			  wolfSSL_alert_desc_string_long(h.last_rx.code));
		return;
	}
	conn_fail(c, EPROTO, "TLS handshake failed: %s (sealcall takes TLS 1.2 or 1.3 with ECDHE on "
		  "X25519, P-256 or P-384 and AES-GCM or ChaCha20-Poly1305)", text);
}

static bool curve_allowed(const char *name)
{
	static const char *const allowed[] = { "X25519", "SECP256R1", "SECP384R1" };
	for (size_t i = 0; name && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(name, allowed[i]) == 0)
			return true;
	return false;
}

static void established(struct sc_sip_conn *c)
{
	struct sc_sip_tls *t = c->t;
	// The verify callback must have accepted this very handshake: a resumed session
	// would skip it, and resumption is off, so this only guards against surprises.
	if (!c->verified || wolfSSL_session_reused(c->ssl)) {
		conn_fail(c, EACCES, "the peer's certificate was not checked in this handshake");
		return;
	}
	record_session(c);
	// The contexts offer only these curves, but which one a TLS 1.2 peer gets is wolfSSL's
	// choice: the policy is enforced on the outcome.
	if (!curve_allowed(wolfSSL_get_curve_name(c->ssl))) {
		conn_fail(c, EPROTO, "key exchange on curve %s: sealcall takes X25519, P-256 or "
			  "P-384 only", c->curve);
		return;
	}
	c->id.authenticated = true;
	c->state = TLS_CONN_ESTABLISHED;
	c->last_rx_ms = sc_loop_now_ms();
	sc_info("sip: TLS %s %s established (%s, %s, %s, %s)", c->incoming ? "from" : "to",
		c->desc, c->id.san, c->version, c->cipher, c->curve);
	arm_timer(c);
	if (t->ev.on_established)
		t->ev.on_established(t->ev.arg, c);
	if (c->state != TLS_CONN_ESTABLISHED)
		return;
	set_events(c, c->tx_len ? EPOLLIN | EPOLLOUT : EPOLLIN);
	// The peer's first message may have come in the handshake's last flight.
	read_established(c);
}

static void handshake(struct sc_sip_conn *c)
{
	int rc = c->incoming ? wolfSSL_accept(c->ssl) : wolfSSL_connect(c->ssl);
	if (rc == WOLFSSL_SUCCESS) {
		established(c);
		return;
	}
	int err = wolfSSL_get_error(c->ssl, rc);
	if (err == WOLFSSL_ERROR_WANT_READ)
		set_events(c, EPOLLIN);
	else if (err == WOLFSSL_ERROR_WANT_WRITE)
		set_events(c, EPOLLIN | EPOLLOUT);
	else
		handshake_failed(c, err);
}

static void tcp_connected(struct sc_sip_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (err != 0) {
		conn_fail(c, err, "cannot connect: %s", strerror(err));
		return;
	}
	c->state = TLS_CONN_HANDSHAKE;
	handshake(c);
}

static void on_fd(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	struct sc_sip_conn *c = arg;
	(void)loop;
	(void)fd;
	hold(c);
	switch (c->state) {
	case TLS_CONN_CONNECTING:
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			tcp_connected(c);
		break;
	case TLS_CONN_HANDSHAKE:
		handshake(c);
		break;
	case TLS_CONN_ESTABLISHED:
		if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			read_established(c);
		if (c->state == TLS_CONN_ESTABLISHED && (events & EPOLLOUT))
			flush(c);
		break;
	case TLS_CONN_DEAD:
		break;
	}
	release(c);
}

// "10 s" or "300 ms", for messages.
static const char *duration(uint32_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%u s", ms / 1000);
	else
		snprintf(buf, len, "%u ms", ms);
	return buf;
}

static void on_timer(struct sc_loop *loop, struct sc_loop_timer *timer, void *arg)
{
	char d[32];
	struct sc_sip_conn *c = arg;
	struct sc_sip_tls *t = c->t;
	uint64_t now = sc_loop_now_ms();
	(void)loop;
	(void)timer;
	hold(c);
	if (now < deadline_of(c)) {
		arm_timer(c); // traffic moved the deadline since the timer was armed
	} else if (c->state != TLS_CONN_ESTABLISHED) {
		conn_fail(c, ETIMEDOUT, "TLS handshake not finished within %s",
			  duration(t->handshake_ms, d, sizeof(d)));
	} else if (c->incoming) {
		conn_fail(c, ETIMEDOUT, "nothing received for %s", duration(t->idle_ms, d, sizeof(d)));
	} else if (c->awaiting_pong) {
		conn_fail(c, ETIMEDOUT, "keepalive ping not answered within %s",
			  duration(t->pong_ms, d, sizeof(d)));
	} else if (queue(c, ping_bytes, 4) != 0) {
		conn_fail(c, ENOBUFS, "send queue full (the peer does not read)");
	} else {
		c->awaiting_pong = true;
		c->ping_sent_ms = now;
		arm_timer(c);
	}
	release(c);
}

int tls_conn_new(struct sc_sip_tls *t, bool incoming, int fd, struct sc_sip_conn **out)
{
	struct sc_sip_conn *c = calloc(1, sizeof(*c));
	int rc = -ENOMEM;
	if (!c)
		goto out;
	c->t = t;
	c->incoming = incoming;
	c->fd = fd;
	c->state = TLS_CONN_HANDSHAKE;
	c->started_ms = sc_loop_now_ms();
	c->ssl = wolfSSL_new(incoming ? t->server_ctx : t->client_ctx);
	if (!c->ssl || wolfSSL_set_fd(c->ssl, fd) != WOLFSSL_SUCCESS)
		goto out;
	wolfSSL_SetCertCbCtx(c->ssl, c);
	rc = sc_loop_timer_new(t->loop, on_timer, c, &c->timer);
	if (rc != 0)
		goto out;
	c->next = t->conns;
	if (t->conns)
		t->conns->prev = c;
	t->conns = c;
	t->n_conns++;
	*out = c;
	return 0;
out:
	if (c) {
		if (c->ssl)
			wolfSSL_free(c->ssl);
		free(c);
	}
	return rc;
}

int tls_conn_start(struct sc_sip_conn *c, bool connecting)
{
	c->state = connecting ? TLS_CONN_CONNECTING : TLS_CONN_HANDSHAKE;
	c->watch_events = connecting ? EPOLLOUT : EPOLLIN;
	int rc = sc_loop_watch_new(c->t->loop, c->fd, c->watch_events, on_fd, c, &c->watch);
	if (rc != 0)
		return rc;
	arm_timer(c);
	return 0;
}

int sc_sip_conn_send(struct sc_sip_conn *c, const char *msg, size_t len)
{
	if (!c || c->state == TLS_CONN_DEAD)
		return -EPIPE;
	if (len > SC_SIP_MAX_MESSAGE)
		return -EMSGSIZE;
	return queue(c, msg, len);
}

void sc_sip_conn_close(struct sc_sip_conn *c)
{
	if (!c || c->state == TLS_CONN_DEAD)
		return;
	sc_info("sip: closing TLS connection %s %s", c->incoming ? "from" : "to", c->desc);
	// What the UA queued last (a BYE's 200, say) goes out if the socket takes it now; no
	// error is reported from here, the connection is going anyway.
	size_t off = 0;
	while (c->state == TLS_CONN_ESTABLISHED && c->tx_inflight == 0 && off < c->tx_len) {
		size_t chunk = c->tx_len - off < 16384 ? c->tx_len - off : 16384;
		int n = wolfSSL_write(c->ssl, c->tx + off, (int)chunk);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	tls_conn_destroy(c);
}
