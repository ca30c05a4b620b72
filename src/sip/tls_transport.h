// SPDX-License-Identifier: GPL-3.0-or-later
// SIP over TLS (wolfSSL) inside the tunnel: the only SIP transport sealcall has.
//
// One listener on the policy's tunnel address and sip.port, bound to the tunnel interface,
// and outgoing connections whose source is the tunnel address too. Every connection is
// mutually authenticated against the policy's CA:
//   - incoming: the client certificate must chain to the CA and carry a DNS SAN equal to the
//     host of the directory entry whose tunnel address is the source address (or the
//     registrar's host when the source is the registrar); anything else fails the handshake
//     and is logged with the source address and the reason;
//   - outgoing: the server certificate must chain to the CA, carry a DNS SAN equal to the
//     host of the directory entry's URI (the registrar URI's host for the registrar), and
//     match the entry's SPKI pin when it has one.
// Checks run on every handshake: session resumption is off, so a pin is never skipped.
// TLS 1.3 preferred, 1.2 minimum (policy may raise it), ECDHE + AEAD suites only, curves
// X25519, P-256, P-384.
//
// The transport frames the TLS byte stream into SIP messages (sip/framer.h), answers
// RFC 5626 keepalive pings, pings on the connections it opened and closes a connection
// whose pong does not come. A connection is reused in both directions: sc_sip_tls_connect
// returns the open connection to that site whether it was accepted or opened.
//
// Everything runs on the caller's sc_loop; no call blocks. Callbacks are only ever made
// from the loop (never from inside an API call), so the UA may call any function of this
// header from them, except sc_sip_tls_free.
#ifndef SC_SIP_TLS_TRANSPORT_H
#define SC_SIP_TLS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "sip/identity.h"

struct sc_loop;
struct sc_sip_tls;
struct sc_sip_conn;

struct sc_sip_tls_events {
	void *arg;
	// One whole SIP message as framed from the stream (not yet parsed: give it to
	// sc_sip_msg_parse with SC_SIP_STREAM framing). MSG is valid during the call only.
	// Only established, authenticated connections deliver messages.
	void (*on_message)(void *arg, struct sc_sip_conn *c, const char *msg, size_t len);
	// The connection is gone (peer closed, handshake refused or timed out, framing error,
	// keepalive unanswered, I/O error). REASON_ERRNO is positive (ECONNRESET, ETIMEDOUT,
	// EACCES for an authentication refusal, EMSGSIZE, EPROTO, ...), WHY a sentence (already
	// logged). C is freed right after this returns. Called for the connections the UA
	// knows: those it opened, and incoming ones after on_established (an incoming one
	// refused in its handshake is only logged). Not called for sc_sip_conn_close.
	void (*on_closed)(void *arg, struct sc_sip_conn *c, int reason_errno, const char *why);
	// Optional (may be NULL): the handshake of C finished and the peer is authenticated.
	// Called for incoming and outgoing connections, before any on_message of C.
	void (*on_established)(void *arg, struct sc_sip_conn *c);
};

// Once per process around every use of the transport (wolfSSL_Init/Cleanup). Returns 0 or
// -EIO.
int sc_sip_tls_global_init(void);
void sc_sip_tls_global_cleanup(void);

// Loads certificate, key and CA from P's sip section, builds the server and client
// contexts and opens the listener on P's tunnel address and sip.port, bound with
// SO_BINDTODEVICE to TUNNEL_IFNAME (never the wildcard address). Refuses (-ENETDOWN) when
// the interface does not exist or is down, -EADDRNOTAVAIL when the tunnel address is not on
// it, -EADDRINUSE when the port is taken; bad certificate or key files give -EINVAL or the
// errno of the read. Every refusal is logged with its cause and the fix.
// P, EV (the struct is copied) and LOOP must outlive the transport.
int sc_sip_tls_new(struct sc_loop *loop, const struct sc_policy *p, const char *tunnel_ifname,
		   const struct sc_sip_tls_events *ev, struct sc_sip_tls **out);
// Closes every connection (close_notify, no on_closed callbacks) and the listener. Safe
// with NULL. Not from inside one of this transport's callbacks.
void sc_sip_tls_free(struct sc_sip_tls *t);

// Timers, for tests and tuning; 0 keeps the current value. Defaults: handshake 10 s, ping
// every 30 s on connections we opened, pong within 10 s, incoming connections closed after
// 15 min without a received byte.
void sc_sip_tls_set_timers(struct sc_sip_tls *t, uint32_t handshake_ms, uint32_t ping_ms,
			   uint32_t pong_ms, uint32_t idle_ms);

// A connection to the site TO (an entry of the policy given to sc_sip_tls_new; it must
// outlive the connection), to TO's tunnel address on the port of TO's URI (5061 when
// absent). Returns the existing connection to that site when one is open or being opened
// (established ones first), else starts a new one; messages sent before the handshake ends
// wait in its queue. Refuses with -EHOSTUNREACH, logged, when TO's address lies outside every
// peer's allowed IPs: no socket is created and no packet is sent.
int sc_sip_tls_connect(struct sc_sip_tls *t, const struct sc_directory_entry *to,
		       struct sc_sip_conn **out);
// The same for the policy's registrar (its address and URI port; SAN = URI host, no pin).
// -ENOENT when the policy has no registrar.
int sc_sip_tls_connect_registrar(struct sc_sip_tls *t, struct sc_sip_conn **out);

// The number of times a connection was started (socket created), for tests and status.
uint64_t sc_sip_tls_connects_started(const struct sc_sip_tls *t);
// Open connections (any state).
size_t sc_sip_tls_conn_count(const struct sc_sip_tls *t);

// Queues MSG[0..LEN) (one or more whole SIP messages, or keepalive bytes) for sending; never
// blocks. -EPIPE when the connection is closing, -ENOBUFS when 1 MiB is already queued,
// -EMSGSIZE when LEN is over the 64 KiB message limit.
int sc_sip_conn_send(struct sc_sip_conn *c, const char *msg, size_t len);
// Closes C at once (close_notify sent when possible); no on_closed callback; C is invalid
// afterwards.
void sc_sip_conn_close(struct sc_sip_conn *c);

bool sc_sip_conn_is_established(const struct sc_sip_conn *c);
bool sc_sip_conn_is_incoming(const struct sc_sip_conn *c);
// Who is at the other end. Until the handshake of an outgoing connection ends it names the
// site being called, with authenticated false.
const struct sc_sip_identity *sc_sip_conn_identity(const struct sc_sip_conn *c);
// "TLSv1.3", "TLSv1.2"; "" before the handshake ends.
const char *sc_sip_conn_tls_version(const struct sc_sip_conn *c);
// The negotiated suite as wolfSSL names it ("TLS13-AES128-GCM-SHA256"); "" before.
const char *sc_sip_conn_cipher(const struct sc_sip_conn *c);
// This end's address and port (the tunnel address), for Via, Contact and SDP c=/o=.
// PORT may be NULL. 0 or -ENOTCONN.
int sc_sip_conn_local_address(const struct sc_sip_conn *c, int *family, uint8_t addr[16],
			      uint16_t *port);
// "lyon 10.77.0.2:5061" for logs.
const char *sc_sip_conn_describe(const struct sc_sip_conn *c);
// A pointer the UA keeps with the connection (dialog, registration...); NULL at first.
void sc_sip_conn_set_user(struct sc_sip_conn *c, void *user);
void *sc_sip_conn_user(const struct sc_sip_conn *c);

#endif
