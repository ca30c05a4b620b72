// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the files of the TLS transport only (tls_*.c); the public API is tls_transport.h.
#ifndef SC_SIP_TLS_INTERNAL_H
#define SC_SIP_TLS_INTERNAL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "policy/policy.h"
#include "sip/identity.h"
#include "sip/tls_transport.h"

#define TLS_TX_MAX (1u << 20)   // queued bytes per connection before sends are refused
#define TLS_RX_INITIAL 4096u    // the receive buffer grows from here to SC_SIP_MAX_MESSAGE
#define TLS_READ_BUDGET (256u * 1024u) // per event, so one busy peer cannot starve the loop
#define TLS_ACCEPT_BATCH 16
#define TLS_DEFAULT_PORT 5061

enum tls_conn_state {
	TLS_CONN_CONNECTING, // non-blocking TCP connect in progress
	TLS_CONN_HANDSHAKE,
	TLS_CONN_ESTABLISHED,
	TLS_CONN_DEAD,       // torn down; memory released when no callback holds it
};

struct sc_sip_conn {
	struct sc_sip_tls *t;
	struct sc_sip_conn *prev, *next;
	enum tls_conn_state state;
	bool incoming;
	int fd;
	WOLFSSL *ssl;
	struct sc_loop_watch *watch;
	struct sc_loop_timer *timer;
	uint32_t watch_events;

	struct sc_sip_identity id;
	bool verified;                       // the verify callback accepted the leaf this handshake
	int refusal_errno;                   // set by the verify callback when it refused
	char refusal[320];

	char desc[SC_NAME_MAX + INET6_ADDRSTRLEN + 16];
	char version[16];
	char cipher[64];
	char curve[24];

	char *rx;
	size_t rx_len, rx_cap;
	char *tx;
	size_t tx_len, tx_cap;
	size_t tx_inflight; // length of a wolfSSL_write that must be repeated as it was

	bool awaiting_pong;
	uint64_t started_ms, last_rx_ms, ping_sent_ms;

	unsigned holds; // loop callbacks running on this connection
	void *user;
};

struct sc_sip_tls {
	struct sc_loop *loop;
	const struct sc_policy *p;
	struct sc_sip_tls_events ev;
	char ifname[IF_NAMESIZE];
	WOLFSSL_CTX *server_ctx, *client_ctx;
	int listen_fd;
	struct sc_loop_watch *listen_watch;
	struct sc_loop_timer *accept_pause; // re-enables accepting after EMFILE and the like
	struct sc_sip_conn *conns;
	size_t n_conns, max_conns;
	uint64_t connects_started;
	uint32_t handshake_ms, ping_ms, pong_ms, idle_ms;
};

// tls_context.c: a client or server context per the policy, with the verify callback that
// runs the identity checks on every handshake (its context pointer is the connection).
int tls_context_new(const struct sc_policy *p, bool server, WOLFSSL_CTX **out);
// The DNS subjectAltNames (up to MAX, each a malloc'd string) of X; returns how many.
size_t tls_cert_dns_names(WOLFSSL_X509 *x, char **names, size_t max);
int tls_cert_spki_sha256(WOLFSSL_X509 *x, uint8_t out[32]);

// tls_socket.c
// 0, or -ENETDOWN / -EADDRNOTAVAIL with the fix logged, when IFNAME is missing, down, or
// does not carry the tunnel address.
int tls_check_interface(const char *ifname, const struct sc_prefix *addr);
int tls_listen_socket(const char *ifname, const struct sc_prefix *addr, uint16_t port, int *fd);
// A non-blocking socket bound to IFNAME and the tunnel address, connecting to DST:PORT.
int tls_connect_socket(const char *ifname, const struct sc_prefix *src,
		       const struct sc_prefix *dst, uint16_t port, int *fd);
// "10.77.0.2:5061", "[fd00::2]:5061"
const char *tls_format_endpoint(int family, const uint8_t *addr, uint16_t port, char *buf,
				size_t len);
int tls_sockaddr_split(const struct sockaddr_storage *ss, int *family, uint8_t addr[16],
		       uint16_t *port);

// tls_conn.c
int tls_conn_new(struct sc_sip_tls *t, bool incoming, int fd, struct sc_sip_conn **out);
// Starts the connection's I/O: waits for the TCP connect (outgoing) or the ClientHello.
int tls_conn_start(struct sc_sip_conn *c, bool connecting);
// Tears C down without callbacks (sc_sip_conn_close, sc_sip_tls_free).
void tls_conn_destroy(struct sc_sip_conn *c);

#endif
