// SPDX-License-Identifier: GPL-3.0-or-later
// The SIP/TLS transport: listener, outgoing connections and their reuse, and the refusal of
// destinations outside the tunnel before any socket exists.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/loop.h"
#include "sip/tls_internal.h"
#include "sip/uri.h"

#define TLS_MIN_CONNS 64
#define TLS_ACCEPT_PAUSE_MS 1000

static void describe(struct sc_sip_conn *c, const char *name)
{
	char where[INET6_ADDRSTRLEN + 16];
	tls_format_endpoint(c->id.family, c->id.addr, c->id.port, where, sizeof(where));
	if (name && name[0])
		snprintf(c->desc, sizeof(c->desc), "%s %s", name, where);
	else
		snprintf(c->desc, sizeof(c->desc), "%s", where);
}

static void resume_accepting(struct sc_loop *loop, struct sc_loop_timer *timer, void *arg)
{
	struct sc_sip_tls *t = arg;
	(void)loop;
	(void)timer;
	sc_loop_watch_set_events(t->listen_watch, EPOLLIN);
}

static void accept_one(struct sc_sip_tls *t, int fd, const struct sockaddr_storage *ss)
{
	struct sc_sip_identity id;
	struct sc_sip_conn *c = NULL;
	char why[320], where[INET6_ADDRSTRLEN + 16];
	uint8_t addr[16];
	uint16_t port;
	int family;
	int rc = tls_sockaddr_split(ss, &family, addr, &port);
	if (rc != 0) {
		sc_warn("sip: refused a TLS connection from an address of family %d", ss->ss_family);
		goto refuse;
	}
	tls_format_endpoint(family, addr, port, where, sizeof(where));
	rc = sc_sip_identity_expect_incoming(t->p, family, addr, port, &id, why, sizeof(why));
	if (rc != 0) {
		sc_warn("sip: refused TLS connection from %s: %s", where, why);
		goto refuse;
	}
	if (t->n_conns >= t->max_conns) {
		sc_warn("sip: refused TLS connection from %s: already %zu connections open", where,
			t->n_conns);
		goto refuse;
	}
	rc = tls_conn_new(t, true, fd, &c);
	if (rc != 0) {
		sc_warn("sip: refused TLS connection from %s: %s", where, strerror(-rc));
		goto refuse;
	}
	c->id = id;
	describe(c, id.kind == SC_SIP_PEER_SITE ? id.entry->name
		    : id.kind == SC_SIP_PEER_REGISTRAR ? "registrar" : NULL);
	rc = tls_conn_start(c, false);
	if (rc != 0) {
		sc_warn("sip: refused TLS connection from %s: %s", where, strerror(-rc));
		tls_conn_destroy(c); // closes FD
	}
	return;
refuse:
	close(fd);
}

static void on_listen(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	struct sc_sip_tls *t = arg;
	(void)events;
	for (int i = 0; i < TLS_ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0) {
			accept_one(t, cfd, &ss);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			// The pending connection stays in the backlog and epoll would report it
			// again at once: pause instead of spinning.
			sc_warn("sip: cannot accept TLS connections for now: %s", strerror(errno));
			sc_loop_watch_set_events(t->listen_watch, 0);
			sc_loop_timer_arm(t->accept_pause, TLS_ACCEPT_PAUSE_MS, 0);
		}
		break;
	}
	(void)loop;
}

void sc_sip_tls_set_timers(struct sc_sip_tls *t, uint32_t handshake_ms, uint32_t ping_ms,
			   uint32_t pong_ms, uint32_t idle_ms)
{
	if (handshake_ms)
		t->handshake_ms = handshake_ms;
	if (ping_ms)
		t->ping_ms = ping_ms;
	if (pong_ms)
		t->pong_ms = pong_ms;
	if (idle_ms)
		t->idle_ms = idle_ms;
}

int sc_sip_tls_new(struct sc_loop *loop, const struct sc_policy *p, const char *tunnel_ifname,
		   const struct sc_sip_tls_events *ev, struct sc_sip_tls **out)
{
	char where[INET6_ADDRSTRLEN + 16];
	struct sc_sip_tls *t = calloc(1, sizeof(*t));
	int rc = -ENOMEM;
	*out = NULL;
	if (!t)
		goto out;
	t->loop = loop;
	t->p = p;
	t->ev = *ev;
	t->listen_fd = -1;
	t->handshake_ms = 10000;
	t->ping_ms = 30000;
	t->pong_ms = 10000;
	t->idle_ms = 15 * 60 * 1000;
	t->max_conns = 2 * p->n_directory + 8;
	if (t->max_conns < TLS_MIN_CONNS)
		t->max_conns = TLS_MIN_CONNS;
	rc = -ENETDOWN;
	if (!tunnel_ifname || strlen(tunnel_ifname) >= sizeof(t->ifname)) {
		sc_err("sip: no valid tunnel interface name was given to the TLS transport");
		goto out;
	}
	strcpy(t->ifname, tunnel_ifname);
	// The tunnel comes first: no SIP socket exists while it is down.
	rc = tls_check_interface(t->ifname, &p->tunnel.address);
	if (rc != 0)
		goto out;
	rc = tls_context_new(p, true, &t->server_ctx);
	if (rc != 0)
		goto out;
	rc = tls_context_new(p, false, &t->client_ctx);
	if (rc != 0)
		goto out;
	rc = sc_loop_timer_new(loop, resume_accepting, t, &t->accept_pause);
	if (rc != 0)
		goto out;
	rc = tls_listen_socket(t->ifname, &p->tunnel.address, p->sip.port, &t->listen_fd);
	if (rc != 0)
		goto out;
	rc = sc_loop_watch_new(loop, t->listen_fd, EPOLLIN, on_listen, t, &t->listen_watch);
	if (rc != 0)
		goto out;
	sc_info("sip: listening for TLS on %s (%s only, TLS %s minimum)",
		tls_format_endpoint(p->tunnel.address.family, p->tunnel.address.addr, p->sip.port,
				    where, sizeof(where)),
		t->ifname, p->sip.tls_min_version == SC_TLS_1_3 ? "1.3" : "1.2");
	*out = t;
	t = NULL;
	rc = 0;
out:
	sc_sip_tls_free(t);
	return rc;
}

void sc_sip_tls_free(struct sc_sip_tls *t)
{
	if (!t)
		return;
	while (t->conns)
		tls_conn_destroy(t->conns);
	sc_loop_watch_free(t->listen_watch);
	sc_loop_timer_free(t->accept_pause);
	if (t->listen_fd >= 0)
		close(t->listen_fd);
	if (t->server_ctx)
		wolfSSL_CTX_free(t->server_ctx);
	if (t->client_ctx)
		wolfSSL_CTX_free(t->client_ctx);
	free(t);
}

static struct sc_sip_conn *find_conn(struct sc_sip_tls *t, enum sc_sip_peer_kind kind,
				     const struct sc_directory_entry *to)
{
	struct sc_sip_conn *pending = NULL;
	for (struct sc_sip_conn *c = t->conns; c; c = c->next) {
		if (c->id.kind != kind)
			continue;
		if (kind == SC_SIP_PEER_SITE &&
		    (!c->id.entry || (c->id.entry != to && strcmp(c->id.entry->name, to->name) != 0)))
			continue;
		if (c->state == TLS_CONN_ESTABLISHED)
			return c;
		// An incoming connection still in its handshake is not yet known to be that site.
		if (!c->incoming && !pending)
			pending = c;
	}
	return pending;
}

static uint16_t uri_port(const char *uri)
{
	struct sc_sip_uri u;
	if (sc_sip_uri_parse(sc_sip_str_from(uri), &u) == 0 && u.port)
		return u.port;
	return TLS_DEFAULT_PORT;
}

static int open_conn(struct sc_sip_tls *t, const char *name, const struct sc_prefix *dst,
		     uint16_t port, struct sc_sip_identity *id, struct sc_sip_conn **out)
{
	const struct sc_policy *p = t->p;
	char where[INET6_ADDRSTRLEN + 16];
	struct sc_sip_conn *c = NULL;
	int fd = -1, rc;
	tls_format_endpoint(dst->family, dst->addr, port, where, sizeof(where));
	bool is_registrar = p->sip.has_registrar && dst->family == p->sip.registrar.address.family &&
			    memcmp(dst->addr, p->sip.registrar.address.addr,
				   dst->family == AF_INET6 ? 16 : 4) == 0;
	// Checked before any socket exists: a destination outside the tunnel gets no packet.
	if (!sc_policy_peer_for_address(p, dst->family, dst->addr) && !is_registrar) {
		sc_warn("sip: refused to connect to %s at %s: the address lies outside every peer's "
			"allowed_ips, so the signaling would leave the tunnel (fix the directory "
			"address or the peer's allowed_ips)", name, where);
		return -EHOSTUNREACH;
	}
	if (dst->family != p->tunnel.address.family) {
		sc_warn("sip: refused to connect to %s at %s: the tunnel address is of another IP "
			"version", name, where);
		return -EAFNOSUPPORT;
	}
	if (t->n_conns >= t->max_conns) {
		sc_warn("sip: cannot connect to %s at %s: already %zu connections open", name, where,
			t->n_conns);
		return -EMFILE;
	}
	t->connects_started++;
	rc = tls_connect_socket(t->ifname, &p->tunnel.address, dst, port, &fd);
	if (rc != 0) {
		sc_warn("sip: cannot connect to %s at %s: %s", name, where, strerror(-rc));
		return rc;
	}
	rc = tls_conn_new(t, false, fd, &c);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	c->id = *id;
	describe(c, name);
	rc = tls_conn_start(c, true);
	if (rc != 0) {
		tls_conn_destroy(c);
		return rc;
	}
	sc_debug("sip: connecting to %s", c->desc);
	*out = c;
	return 0;
}

int sc_sip_tls_connect(struct sc_sip_tls *t, const struct sc_directory_entry *to,
		       struct sc_sip_conn **out)
{
	struct sc_sip_identity id = { .kind = SC_SIP_PEER_SITE, .entry = to };
	*out = NULL;
	if (!t || !to)
		return -EINVAL;
	struct sc_sip_conn *c = find_conn(t, SC_SIP_PEER_SITE, to);
	if (c) {
		*out = c;
		return 0;
	}
	uint16_t port = uri_port(to->uri);
	id.family = to->address.family;
	memcpy(id.addr, to->address.addr, sizeof(id.addr));
	id.port = port;
	return open_conn(t, to->name, &to->address, port, &id, out);
}

int sc_sip_tls_connect_registrar(struct sc_sip_tls *t, struct sc_sip_conn **out)
{
	const struct sc_registrar *r = &t->p->sip.registrar;
	struct sc_sip_identity id = { .kind = SC_SIP_PEER_REGISTRAR };
	*out = NULL;
	if (!t->p->sip.has_registrar)
		return -ENOENT;
	struct sc_sip_conn *c = find_conn(t, SC_SIP_PEER_REGISTRAR, NULL);
	if (c) {
		*out = c;
		return 0;
	}
	id.family = r->address.family;
	memcpy(id.addr, r->address.addr, sizeof(id.addr));
	id.port = r->port ? r->port : TLS_DEFAULT_PORT;
	return open_conn(t, "registrar", &r->address, id.port, &id, out);
}

uint64_t sc_sip_tls_connects_started(const struct sc_sip_tls *t)
{
	return t->connects_started;
}

size_t sc_sip_tls_conn_count(const struct sc_sip_tls *t)
{
	return t->n_conns;
}

bool sc_sip_conn_is_established(const struct sc_sip_conn *c)
{
	return c->state == TLS_CONN_ESTABLISHED;
}

bool sc_sip_conn_is_incoming(const struct sc_sip_conn *c)
{
	return c->incoming;
}

const struct sc_sip_identity *sc_sip_conn_identity(const struct sc_sip_conn *c)
{
	return &c->id;
}

const char *sc_sip_conn_tls_version(const struct sc_sip_conn *c)
{
	return c->version;
}

const char *sc_sip_conn_cipher(const struct sc_sip_conn *c)
{
	return c->cipher;
}

int sc_sip_conn_local_address(const struct sc_sip_conn *c, int *family, uint8_t addr[16],
			      uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint16_t p;
	int fam;
	if (c->fd < 0 || getsockname(c->fd, (struct sockaddr *)&ss, &len) < 0)
		return -ENOTCONN;
	if (tls_sockaddr_split(&ss, &fam, addr, &p) != 0)
		return -ENOTCONN;
	*family = fam;
	if (port)
		*port = p;
	return 0;
}

const char *sc_sip_conn_describe(const struct sc_sip_conn *c)
{
	return c->desc;
}

void sc_sip_conn_set_user(struct sc_sip_conn *c, void *user)
{
	c->user = user;
}

void *sc_sip_conn_user(const struct sc_sip_conn *c)
{
	return c->user;
}
