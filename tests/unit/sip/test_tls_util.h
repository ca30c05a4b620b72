// SPDX-License-Identifier: GPL-3.0-or-later
// Test bench for the SIP/TLS transport: certificates made with the openssl command line in a
// temporary folder, policies for sites on loopback addresses 127.77.0.N (the interface "lo"
// stands in for the tunnel), raw wolfSSL clients and servers in threads for the peers the
// transport itself would never be, and a capture of the log.
#ifndef SC_TEST_TLS_UTIL_H
#define SC_TEST_TLS_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/loop.h"
#include "policy/policy.h"
#include "sip/tls_transport.h"

// Sites and their loopback "tunnel" addresses: paris 127.77.0.1, lyon .2, nice .3, hub .4.
struct tlsu_env {
	char dir[64];
	uint16_t port; // every site's sip.port (each site has its own address)
};

// Makes the folder, the CA "ca", a second CA "evil", and for each site a certificate from
// "ca" with SAN DNS:SITE.sealcall.test. Returns 0 or -1 (after printing why).
int tlsu_env_init(struct tlsu_env *e);
void tlsu_env_cleanup(struct tlsu_env *e);
// Another key and certificate NAME.crt/NAME.key signed by CA with the DNS SAN (none when
// NULL); KEY_ALG "ec" (P-256) or "rsa".
int tlsu_make_cert(struct tlsu_env *e, const char *name, const char *ca, const char *san,
		   const char *key_alg);
// A self-signed CA NAME.crt/NAME.key valid from START to END (openssl's YYYYMMDDHHMMSSZ).
int tlsu_make_dated_ca(struct tlsu_env *e, const char *name, const char *start, const char *end);
// "sha256//BASE64" of NAME.crt's SubjectPublicKeyInfo, computed by openssl.
int tlsu_pin(struct tlsu_env *e, const char *name, char *out, size_t len);
// DIR/NAME
const char *tlsu_path(struct tlsu_env *e, const char *name, char *buf, size_t len);

struct tlsu_site {
	const char *site;        // paris, lyon, nice, hub
	const char *cert;        // file stem of certificate and key; default: the site's name
	const char *ca;          // default "ca"
	const char *min_version; // default "1.2"
	const char *pin_site;    // directory entry given PIN
	const char *pin;
	bool accept_unknown;
	bool registrar;          // the registrar is hub (127.77.0.4)
	const char *address;     // override the tunnel address (default 127.77.0.N/24)
};
struct sc_policy *tlsu_policy(struct tlsu_env *e, const struct tlsu_site *s);

// Events recorded by the transport callbacks.
struct tlsu_events {
	int messages, established, closed;
	char last_message[70000];
	size_t last_len;
	struct sc_sip_conn *last_conn, *closed_conn;
	struct sc_sip_identity last_identity; // of the connection of the last message
	char last_version[16], last_cipher[64];
	int closed_errno;
	char closed_why[512];
	bool echo; // answer every message with "SIP/2.0 200 OK" on the same connection
};
void tlsu_events_init(struct tlsu_events *r, struct sc_sip_tls_events *ev);

// Runs the loop until *FLAG is non-zero or MS pass; returns the flag.
int tlsu_run_until(struct sc_loop *loop, volatile int *flag, int ms);
void tlsu_run_for(struct sc_loop *loop, int ms);
// Runs the loop until *COUNTER reaches N or MS pass; true when it did.
bool tlsu_run_until_count(struct sc_loop *loop, volatile int *counter, int n, int ms);

// A raw TLS peer in a thread.
struct tlsu_peer {
	bool server;             // else a client
	const char *cert, *key;  // paths; NULL: none
	const char *ca;          // verify the other end with it; NULL: no verification
	int max_version;         // 0 any; 2 = TLS 1.2 only
	const char *ciphers;     // offered suites (wolfSSL names); NULL: wolfSSL's defaults
	int group;               // the only curve offered (WOLFSSL_ECC_*); 0: wolfSSL's defaults
	char src[32];            // client: source address; server: listen address
	char dst[32];            // client: where to connect
	uint16_t port;
	const char *send;        // sent after the handshake (client) or after accept (server)
	size_t send_len;
	int linger_ms;           // how long to keep reading after sending
	// results
	volatile int listening;  // server: accepting now
	volatile int done;
	int handshake_rc;        // 0 ok, else the wolfSSL error
	bool peer_closed;        // the other end closed (or sent an alert) before linger_ms
	char got[4096];
	size_t got_len;
	pthread_t thread;
};
int tlsu_peer_start(struct tlsu_peer *p);
void tlsu_peer_join(struct tlsu_peer *p);

// Sends stderr to a file until tlsu_capture_end, which returns what was logged (static).
void tlsu_capture_begin(void);
const char *tlsu_capture_end(void);

// A plain TCP connection from SRC to DST:PORT (blocking connect, then non-blocking).
int tlsu_tcp_connect(const char *src, const char *dst, uint16_t port);
// Open file descriptors of this process.
int tlsu_count_fds(void);
// The interface a socket of this process bound to ADDR:PORT is pinned to ("" when none);
// -1 when no such socket.
int tlsu_socket_device(const char *addr, uint16_t port, bool local, char *dev, size_t len);

#define TLSU_MSG "OPTIONS sips:lyon@lyon.sealcall.test SIP/2.0\r\n" \
	"Via: SIP/2.0/TLS 127.77.0.1;branch=z9hG4bK776asdhds\r\n" \
	"Max-Forwards: 70\r\nTo: <sips:lyon@lyon.sealcall.test>\r\n" \
	"From: <sips:paris@paris.sealcall.test>;tag=1928301774\r\nCall-ID: a84b4c76e66710\r\n" \
	"CSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n"
#define TLSU_REPLY "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"

#endif
