// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_tls_util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/ecc.h>

#include "base/strutil.h"

static const char *const sites[] = { "paris", "lyon", "nice", "hub" };
#define N_SITES 4

const char *tlsu_path(struct tlsu_env *e, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", e->dir, name);
	return buf;
}

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "test: command failed (%d): %s\n", rc, cmd);
	return rc == 0 ? 0 : -1;
}

int tlsu_make_cert(struct tlsu_env *e, const char *name, const char *ca, const char *san,
		   const char *key_alg)
{
	const char *d = e->dir;
	const char *newkey = strcmp(key_alg, "rsa") == 0 ? "-newkey rsa:2048"
							  : "-newkey ec -pkeyopt ec_paramgen_curve:P-256";
	if (sh("cd %s && umask 077 && openssl req -new %s -nodes -keyout %s.key -out %s.csr "
	       "-subj /CN=%s 2>/dev/null",
	       d, newkey, name, name, san ? san : name) != 0)
		return -1;
	FILE *f = fopen(tlsu_path(e, "ext.tmp", (char[128]){ 0 }, 128), "w");
	if (!f)
		return -1;
	if (san)
		fprintf(f, "subjectAltName=DNS:%s\n", san);
	fprintf(f, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
		   "extendedKeyUsage=serverAuth,clientAuth\n");
	fclose(f);
	return sh("cd %s && openssl x509 -req -in %s.csr -CA %s.crt -CAkey %s.key -set_serial %ld "
		  "-days 2 -extfile ext.tmp -out %s.crt 2>/dev/null && rm -f %s.csr ext.tmp",
		  d, name, ca, ca, (long)random() + 1, name, name);
}

static int make_ca(struct tlsu_env *e, const char *name)
{
	return sh("cd %s && umask 077 && openssl req -x509 -new -newkey ec -pkeyopt "
		  "ec_paramgen_curve:P-256 -nodes -keyout %s.key -out %s.crt -subj /CN=%s-test-ca "
		  "-days 2 -addext basicConstraints=critical,CA:TRUE -addext "
		  "keyUsage=critical,keyCertSign,cRLSign 2>/dev/null",
		  e->dir, name, name, name);
}

int tlsu_make_dated_ca(struct tlsu_env *e, const char *name, const char *start, const char *end)
{
	const char *d = e->dir;
	// OpenSSL 3.0's req and x509 cannot set a start date: `openssl ca -selfsign` can.
	if (sh("cd %s && umask 077 && printf '[ca]\\ndefault_ca = t\\n[t]\\ndatabase = %s.idx\\n"
	       "new_certs_dir = .\\nserial = %s.srl\\ndefault_md = sha256\\npolicy = p\\n"
	       "[p]\\ncommonName = supplied\\n' > %s.cnf && : > %s.idx && echo 01 > %s.srl && "
	       "printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign\\n' > %s.ext",
	       d, name, name, name, name, name, name) != 0)
		return -1;
	return sh("cd %s && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		  "-keyout %s.key -out %s.csr -subj /CN=%s 2>/dev/null && openssl ca -batch -notext "
		  "-selfsign -config %s.cnf -keyfile %s.key -startdate %s -enddate %s -extfile %s.ext "
		  "-in %s.csr -out %s.crt 2>/dev/null",
		  d, name, name, name, name, name, start, end, name, name, name);
}

// A port free on 127.77.0.1 now; every site listens on it at its own address.
static uint16_t free_port(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	socklen_t len = sizeof(in);
	uint16_t port = 0;
	inet_pton(AF_INET, "127.77.0.1", &in.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&in, sizeof(in)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&in, &len) == 0)
		port = ntohs(in.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

int tlsu_env_init(struct tlsu_env *e)
{
	char name[64];
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	snprintf(e->dir, sizeof(e->dir), "/tmp/sc-tls-test.XXXXXX");
	if (!mkdtemp(e->dir)) {
		perror("mkdtemp");
		return -1;
	}
	e->port = free_port();
	if (e->port == 0) {
		fprintf(stderr, "test: no free port on 127.77.0.1\n");
		return -1;
	}
	if (make_ca(e, "ca") != 0 || make_ca(e, "evil") != 0)
		return -1;
	for (size_t i = 0; i < N_SITES; i++) {
		snprintf(name, sizeof(name), "%s.sealcall.test", sites[i]);
		if (tlsu_make_cert(e, sites[i], "ca", name, "ec") != 0)
			return -1;
	}
	return 0;
}

void tlsu_env_cleanup(struct tlsu_env *e)
{
	if (e->dir[0] && strncmp(e->dir, "/tmp/sc-tls-test.", 17) == 0)
		sh("rm -rf %s", e->dir);
}

int tlsu_pin(struct tlsu_env *e, const char *name, char *out, size_t len)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl x509 -in %s.crt -pubkey -noout | openssl pkey -pubin -outform DER "
		 "| openssl dgst -sha256 -binary | base64",
		 e->dir, name);
	FILE *f = popen(cmd, "r");
	char b64[128] = "";
	if (!f)
		return -1;
	if (!fgets(b64, sizeof(b64), f))
		b64[0] = '\0';
	pclose(f);
	b64[strcspn(b64, "\n")] = '\0';
	if (strlen(b64) != 44)
		return -1;
	snprintf(out, len, "sha256//%s", b64);
	return 0;
}

static int site_index(const char *site)
{
	for (int i = 0; i < N_SITES; i++)
		if (strcmp(sites[i], site) == 0)
			return i + 1;
	return 0;
}

static void wg_key(int index, char *out, size_t len)
{
	uint8_t raw[32];
	memset(raw, 0x40 + index, sizeof(raw));
	sc_base64_encode(raw, sizeof(raw), out, len);
}

struct sc_policy *tlsu_policy(struct tlsu_env *e, const struct tlsu_site *s)
{
	char *yaml = malloc(16384), key[64];
	size_t o = 0, cap = 16384;
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int self = site_index(s->site);
	const char *cert = s->cert ? s->cert : s->site, *ca = s->ca ? s->ca : "ca";
#define Y(...) (o += (size_t)snprintf(yaml + o, cap - o, __VA_ARGS__))
	Y("site:\n  name: %s\ntunnel:\n  interface: lo\n  private_key_file: wg.key\n", s->site);
	if (s->address)
		Y("  address: %s\n", s->address);
	else
		Y("  address: 127.77.0.%d/24\n", self);
	Y("  peers:\n");
	for (int i = 1; i <= N_SITES; i++) {
		if (i == self)
			continue;
		wg_key(i, key, sizeof(key));
		Y("    - name: %s\n      public_key: %s\n      allowed_ips: [127.77.0.%d/32%s]\n",
		  sites[i - 1], key, i, i == 2 ? ", 127.77.0.8/29" : "");
	}
	Y("sip:\n  transport: tls\n  port: %u\n  tls_min_version: \"%s\"\n", e->port,
	  s->min_version ? s->min_version : "1.2");
	Y("  certificate: %s/%s.crt\n  private_key: %s/%s.key\n  ca: %s/%s.crt\n", e->dir, cert,
	  e->dir, cert, e->dir, ca);
	if (s->registrar && self != 4)
		Y("  registrar:\n    uri: sips:hub.sealcall.test:%u\n    address: 127.77.0.4\n"
		  "    username: %s\n    password_file: registrar.password\n", e->port, s->site);
	Y("directory:\n");
	for (int i = 1; i <= N_SITES; i++) {
		if (i == self || (i == 4 && s->registrar))
			continue;
		Y("  - name: %s\n    uri: sips:%s@%s.sealcall.test:%u\n    address: 127.77.0.%d\n",
		  sites[i - 1], sites[i - 1], sites[i - 1], e->port, i);
		if (s->pin_site && strcmp(s->pin_site, sites[i - 1]) == 0)
			Y("    tls_pin: %s\n", s->pin);
	}
	Y("rules:\n  accept_unknown_callers: %s\n", s->accept_unknown ? "true" : "false");
#undef Y
	if (sc_policy_load_buffer("test.yaml", yaml, strlen(yaml), false, &p, &errors) != 0) {
		fprintf(stderr, "test: policy for %s refused:\n%s\n", s->site, yaml);
		sc_policy_errors_print(&errors, stderr);
		sc_policy_errors_free(&errors);
		p = NULL;
	}
	free(yaml);
	return p;
}

static void ev_message(void *arg, struct sc_sip_conn *c, const char *msg, size_t len)
{
	struct tlsu_events *r = arg;
	r->messages++;
	r->last_conn = c;
	r->last_identity = *sc_sip_conn_identity(c);
	snprintf(r->last_version, sizeof(r->last_version), "%s", sc_sip_conn_tls_version(c));
	snprintf(r->last_cipher, sizeof(r->last_cipher), "%s", sc_sip_conn_cipher(c));
	r->last_len = len < sizeof(r->last_message) ? len : sizeof(r->last_message) - 1;
	memcpy(r->last_message, msg, r->last_len);
	r->last_message[r->last_len] = '\0';
	if (r->echo && strncmp(msg, "SIP/2.0 ", 8) != 0)
		sc_sip_conn_send(c, TLSU_REPLY, strlen(TLSU_REPLY));
}

static void ev_closed(void *arg, struct sc_sip_conn *c, int err, const char *why)
{
	struct tlsu_events *r = arg;
	r->closed++;
	r->closed_conn = c;
	r->closed_errno = err;
	snprintf(r->closed_why, sizeof(r->closed_why), "%s", why);
	if (r->last_conn == c)
		r->last_conn = NULL;
}

static void ev_established(void *arg, struct sc_sip_conn *c)
{
	struct tlsu_events *r = arg;
	r->established++;
	(void)c;
}

void tlsu_events_init(struct tlsu_events *r, struct sc_sip_tls_events *ev)
{
	memset(r, 0, sizeof(*r));
	*ev = (struct sc_sip_tls_events){ .arg = r, .on_message = ev_message,
					   .on_closed = ev_closed, .on_established = ev_established };
}

int tlsu_run_until(struct sc_loop *loop, volatile int *flag, int ms)
{
	uint64_t end = sc_loop_now_ms() + (uint64_t)ms;
	while (!*flag && sc_loop_now_ms() < end)
		sc_loop_run_once(loop, 10);
	return *flag;
}

bool tlsu_run_until_count(struct sc_loop *loop, volatile int *counter, int n, int ms)
{
	uint64_t end = sc_loop_now_ms() + (uint64_t)ms;
	while (*counter < n && sc_loop_now_ms() < end)
		sc_loop_run_once(loop, 10);
	return *counter >= n;
}

void tlsu_run_for(struct sc_loop *loop, int ms)
{
	uint64_t end = sc_loop_now_ms() + (uint64_t)ms;
	while (sc_loop_now_ms() < end)
		sc_loop_run_once(loop, 10);
}

static int fill_addr(const char *ip, uint16_t port, struct sockaddr_in *in)
{
	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	return inet_pton(AF_INET, ip, &in->sin_addr) == 1 ? 0 : -1;
}

static void set_timeouts(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int peer_socket(struct tlsu_peer *p)
{
	struct sockaddr_in in;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fill_addr(p->src, p->server ? p->port : 0, &in) != 0 ||
	    bind(fd, (struct sockaddr *)&in, sizeof(in)) != 0)
		goto fail;
	if (p->server) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (listen(fd, 4) != 0)
			goto fail;
		__atomic_store_n(&p->listening, 1, __ATOMIC_SEQ_CST);
		if (poll(&pfd, 1, 5000) != 1)
			goto fail;
		int c = accept(fd, NULL, NULL);
		close(fd);
		fd = c;
	} else if (fill_addr(p->dst, p->port, &in) != 0 ||
		   connect(fd, (struct sockaddr *)&in, sizeof(in)) != 0) {
		goto fail;
	}
	if (fd >= 0)
		set_timeouts(fd, 300);
	return fd;
fail:
	close(fd);
	return -1;
}

static WOLFSSL_METHOD *peer_method(const struct tlsu_peer *p)
{
	if (p->max_version == 2)
		return p->server ? wolfTLSv1_2_server_method() : wolfTLSv1_2_client_method();
	return p->server ? wolfSSLv23_server_method() : wolfSSLv23_client_method();
}

// Reads until the other end closes or nothing arrives for LINGER_MS.
static void peer_read(struct tlsu_peer *p, WOLFSSL *ssl)
{
	uint64_t end = sc_loop_now_ms() + (uint64_t)p->linger_ms;
	while (sc_loop_now_ms() < end) {
		char buf[1024];
		int n = wolfSSL_read(ssl, buf, sizeof(buf));
		if (n > 0) {
			size_t room = sizeof(p->got) - p->got_len;
			size_t take = (size_t)n < room ? (size_t)n : room;
			memcpy(p->got + p->got_len, buf, take);
			p->got_len += take;
			continue;
		}
		int err = wolfSSL_get_error(ssl, n);
		// SO_RCVTIMEO expired: wolfSSL reports it as "want read".
		if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE)
			continue;
		p->peer_closed = true;
		return;
	}
}

static void *peer_main(void *arg)
{
	struct tlsu_peer *p = arg;
	WOLFSSL_CTX *ctx = wolfSSL_CTX_new(peer_method(p));
	WOLFSSL *ssl = NULL;
	int fd = -1;
	p->handshake_rc = -1;
	if (!ctx)
		goto out;
	if (p->cert && (wolfSSL_CTX_use_certificate_file(ctx, p->cert, WOLFSSL_FILETYPE_PEM) != 1 ||
			wolfSSL_CTX_use_PrivateKey_file(ctx, p->key, WOLFSSL_FILETYPE_PEM) != 1))
		goto out;
	if (p->ciphers && wolfSSL_CTX_set_cipher_list(ctx, p->ciphers) != 1)
		goto out;
	if (p->group) {
		int groups[1] = { p->group };
		// set1_curves_list disables every other curve, so that none is offered silently.
		if (p->group != WOLFSSL_ECC_SECP521R1 ||
		    (p->max_version != 2 && wolfSSL_CTX_set1_curves_list(ctx, "P-521") != 1) ||
		    wolfSSL_CTX_UseSupportedCurve(ctx, (word16)p->group) != 1 ||
		    (p->max_version != 2 && wolfSSL_CTX_set_groups(ctx, groups, 1) != 1))
			goto out;
	}
	if (p->ca) {
		wolfSSL_CTX_load_verify_locations(ctx, p->ca, NULL);
		wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
	} else {
		wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_NONE, NULL);
	}
	fd = peer_socket(p);
	if (fd < 0)
		goto out;
	ssl = wolfSSL_new(ctx);
	if (!ssl || wolfSSL_set_fd(ssl, fd) != 1)
		goto out;
	uint64_t end = sc_loop_now_ms() + 5000;
	int rc, err = 0;
	do {
		rc = p->server ? wolfSSL_accept(ssl) : wolfSSL_connect(ssl);
		if (rc == 1)
			break;
		err = wolfSSL_get_error(ssl, rc);
	} while ((err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) &&
		 sc_loop_now_ms() < end);
	p->handshake_rc = rc == 1 ? 0 : err;
	if (rc != 1) {
		p->peer_closed = true;
		goto out;
	}
	if (p->send && p->send_len) {
		size_t off = 0;
		while (off < p->send_len) {
			size_t chunk = p->send_len - off < 16384 ? p->send_len - off : 16384;
			int n = wolfSSL_write(ssl, p->send + off, (int)chunk);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	peer_read(p, ssl);
out:
	if (ssl)
		wolfSSL_free(ssl);
	if (fd >= 0)
		close(fd);
	if (ctx)
		wolfSSL_CTX_free(ctx);
	// wolfSSL's fixed-point ECC cache is per thread; only the main thread's is freed by
	// wolfSSL_Cleanup.
	wc_ecc_fp_free();
	__atomic_store_n(&p->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int tlsu_peer_start(struct tlsu_peer *p)
{
	p->done = 0;
	p->listening = 0;
	p->got_len = 0;
	p->peer_closed = false;
	if (!p->linger_ms)
		p->linger_ms = 1500;
	return pthread_create(&p->thread, NULL, peer_main, p) == 0 ? 0 : -1;
}

void tlsu_peer_join(struct tlsu_peer *p)
{
	pthread_join(p->thread, NULL);
}

static int saved_stderr = -1;
static char capture_path[64];
static char captured[65536];

void tlsu_capture_begin(void)
{
	snprintf(capture_path, sizeof(capture_path), "/tmp/sc-tls-log.XXXXXX");
	int fd = mkstemp(capture_path);
	if (fd < 0)
		return;
	fflush(stderr);
	saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

const char *tlsu_capture_end(void)
{
	captured[0] = '\0';
	if (saved_stderr < 0)
		return captured;
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	FILE *f = fopen(capture_path, "r");
	if (f) {
		size_t n = fread(captured, 1, sizeof(captured) - 1, f);
		captured[n] = '\0';
		fclose(f);
	}
	unlink(capture_path);
	fputs(captured, stderr); // still visible in the test's own output
	return captured;
}

int tlsu_tcp_connect(const char *src, const char *dst, uint16_t port)
{
	struct sockaddr_in in;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (fill_addr(src, 0, &in) != 0 || bind(fd, (struct sockaddr *)&in, sizeof(in)) != 0 ||
	    fill_addr(dst, port, &in) != 0 || connect(fd, (struct sockaddr *)&in, sizeof(in)) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

int tlsu_count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int tlsu_socket_device(const char *addr, uint16_t port, bool local, char *dev, size_t len)
{
	struct sockaddr_in want;
	if (fill_addr(addr, port, &want) != 0)
		return -1;
	for (int fd = 0; fd < 1024; fd++) {
		struct sockaddr_in got;
		socklen_t glen = sizeof(got);
		int r = local ? getsockname(fd, (struct sockaddr *)&got, &glen)
			      : getpeername(fd, (struct sockaddr *)&got, &glen);
		if (r != 0 || got.sin_family != AF_INET || got.sin_addr.s_addr != want.sin_addr.s_addr ||
		    (port && got.sin_port != want.sin_port))
			continue;
		socklen_t dlen = (socklen_t)len;
		memset(dev, 0, len);
		if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &dlen) != 0)
			return -1;
		return 0;
	}
	return -1;
}
