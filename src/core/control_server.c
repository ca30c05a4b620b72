// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/control_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"

#define ACCEPTS_PER_WAKEUP 16

struct client {
	struct sc_control_server *srv;
	int fd;
	struct sc_loop_watch *watch;
	struct sc_loop_timer *deadline;
	struct sc_peer_identity who;
	bool allowed;
	bool writing;
	char in[SC_CONTROL_REQUEST_MAX + 1]; // one byte more than allowed, to see an overlong line
	size_t in_len;
	struct sc_outbuf out;
	size_t out_sent;
	struct client *prev, *next;
};

struct sc_control_server {
	struct sc_loop *loop;
	struct sc_control_server_options opts;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	dev_t dev;
	ino_t ino;
	struct sc_loop_watch *watch;
	struct client *clients;
	size_t n_clients;
};

static int fill_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, len + 1);
	return 0;
}

int sc_control_socket_probe(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	struct sockaddr_un sa;
	int r = fill_addr(path, &sa);
	if (r < 0)
		return r;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	// A local connect either completes or fails at once; a full backlog of a live daemon
	// reports EAGAIN, which counts as live.
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		r = 1;
	else if (errno == ECONNREFUSED)
		r = 0;
	else if (errno == EAGAIN)
		r = 1;
	else
		r = -errno;
	close(fd);
	return r;
}

static void client_close(struct client *c)
{
	struct sc_control_server *srv = c->srv;
	sc_loop_watch_free(c->watch);
	sc_loop_timer_free(c->deadline);
	close(c->fd);
	sc_outbuf_free(&c->out);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->n_clients--;
	free(c);
}

static void client_flush(struct client *c)
{
	while (c->out_sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_sent, c->out.len - c->out_sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			sc_debug("control: client pid %d went away before its answer was sent",
				 (int)c->who.pid);
			client_close(c);
			return;
		}
		c->out_sent += (size_t)n;
	}
	client_close(c);
}

static void respond_error(struct client *c, const char *reason)
{
	sc_outbuf_reset(&c->out);
	sc_outbuf_printf(&c->out, "error %s\n", reason);
}

// Switches the client to writing what C->out holds, under the write deadline.
static void send_answer(struct client *c)
{
	if (c->out.err) {
		// Even the error line did not fit in memory: nothing sensible left to say.
		client_close(c);
		return;
	}
	c->writing = true;
	if (sc_loop_watch_set_events(c->watch, EPOLLOUT) < 0) {
		client_close(c);
		return;
	}
	sc_loop_timer_arm(c->deadline, c->srv->opts.write_timeout_ms, 0);
	client_flush(c);
}

static void answer(struct client *c)
{
	struct sc_control_server *srv = c->srv;
	char err[SC_CONTROL_ERROR_MAX] = "";
	const char *newline = memchr(c->in, '\n', c->in_len);
	size_t len = newline ? (size_t)(newline - c->in) + 1 : c->in_len;

	if (!c->allowed) {
		sc_warn("control: refused pid %d uid %u gid %u: only root and members of the "
			"sealcall group may use the control socket", (int)c->who.pid,
			(unsigned)c->who.uid, (unsigned)c->who.gid);
		respond_error(c, "permission denied");
	} else {
		struct sc_control_request req;
		if (sc_control_parse(c->in, len, &req, err, sizeof(err)) < 0) {
			sc_info("control: bad request from pid %d: %s", (int)c->who.pid, err);
			respond_error(c, err);
		} else {
			sc_outbuf_puts(&c->out, "ok\n");
			int r = srv->opts.handler(srv->opts.handler_arg, &req, &c->who, &c->out, err,
						  sizeof(err));
			if (r < 0 || c->out.err) {
				if (c->out.err == -E2BIG)
					snprintf(err, sizeof(err), "answer larger than %zu bytes",
						 srv->opts.max_response);
				else if (!err[0])
					snprintf(err, sizeof(err), "internal error (%s)",
						 strerror(r < 0 ? -r : -c->out.err));
				respond_error(c, err);
			}
		}
	}
	send_answer(c);
}

// Reads what the client has sent so far. True when that settled it: answered (a complete
// request, the client's end shut, the buffer full) or closed; false while more may come.
static bool read_request(struct client *c)
{
	for (;;) {
		size_t room = sizeof(c->in) - c->in_len;
		ssize_t n = recv(c->fd, c->in + c->in_len, room, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n < 0) {
			client_close(c);
			return true;
		}
		if (n == 0) {
			// The client shut down its side: judge what it sent (an empty or unterminated
			// request gets its error line).
			answer(c);
			return true;
		}
		bool complete = memchr(c->in + c->in_len, '\n', (size_t)n) != NULL;
		c->in_len += (size_t)n;
		if (complete || c->in_len == sizeof(c->in)) {
			answer(c);
			return true;
		}
	}
}

static void client_event(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	struct client *c = arg;
	if (c->writing)
		client_flush(c);
	else
		read_request(c);
}

static void client_timeout(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct client *c = arg;
	if (c->writing) {
		sc_info("control: client pid %d did not read its answer within %u ms; closed",
			(int)c->who.pid, c->srv->opts.write_timeout_ms);
		client_close(c);
		return;
	}
	// The loop may have been held past the deadline while the request already waited in
	// the socket (a slow first boot): judge the client by what it sent, not by the clock.
	if (read_request(c))
		return;
	sc_info("control: client pid %d sent no complete request within %u ms; answered with "
		"an error", (int)c->who.pid, c->srv->opts.read_timeout_ms);
	// Told why, a user of the command line sees a reason instead of a closed connection.
	char reason[64];
	snprintf(reason, sizeof(reason), "no complete request line within %u ms",
		 c->srv->opts.read_timeout_ms);
	respond_error(c, reason);
	send_answer(c);
}

static void refuse_busy(int fd)
{
	static const char busy[] = "error busy: too many control connections, try again\n";
	// Best effort on a fresh socket whose buffer is empty: it cannot block.
	ssize_t ignored = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)ignored;
	close(fd);
}

static int client_new(struct sc_control_server *srv, int fd)
{
	struct client *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->srv = srv;
	c->fd = fd;
	sc_outbuf_init(&c->out, srv->opts.max_response);
	int r = sc_peer_identity_read(fd, &c->who);
	if (r < 0) {
		free(c);
		return r;
	}
	c->allowed = sc_peer_allowed(&c->who, srv->opts.have_group, srv->opts.group);
	if (c->who.groups_truncated && !c->allowed)
		sc_warn("control: pid %d belongs to more than %d groups; only the first were checked",
			(int)c->who.pid, SC_PEER_GROUPS_MAX);
	r = sc_loop_timer_new(srv->loop, client_timeout, c, &c->deadline);
	if (r < 0) {
		free(c);
		return r;
	}
	r = sc_loop_watch_new(srv->loop, fd, EPOLLIN, client_event, c, &c->watch);
	if (r < 0) {
		sc_loop_timer_free(c->deadline);
		free(c);
		return r;
	}
	sc_loop_timer_arm(c->deadline, srv->opts.read_timeout_ms, 0);
	c->next = srv->clients;
	if (srv->clients)
		srv->clients->prev = c;
	srv->clients = c;
	srv->n_clients++;
	return 0;
}

static void accept_clients(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)events;
	struct sc_control_server *srv = arg;
	for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				sc_warn("control: accept failed: %s", strerror(errno));
			return;
		}
		if (srv->n_clients >= srv->opts.max_clients) {
			sc_warn("control: %zu connections already open; refusing another",
				srv->n_clients);
			refuse_busy(cfd);
			continue;
		}
		int r = client_new(srv, cfd);
		if (r < 0) {
			sc_warn("control: cannot serve a new client: %s", strerror(-r));
			close(cfd);
		}
	}
}

static int remove_stale_socket(const char *path)
{
	int live = sc_control_socket_probe(path);
	if (live == 1) {
		sc_err("another sealcalld is already running and answers on %s; stop it first "
		       "(systemctl stop sealcall) or give this one another --runtime-dir", path);
		return -EADDRINUSE;
	}
	if (live == -ENOTSOCK) {
		sc_err("%s exists and is not a socket; remove it, it is not sealcall's", path);
		return -EEXIST;
	}
	if (live < 0) {
		sc_err("cannot check %s for a running daemon: %s", path, strerror(-live));
		return live;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		int r = -errno;
		sc_err("cannot remove the stale control socket %s: %s", path, strerror(errno));
		return r;
	}
	return 0;
}

int sc_control_server_open(struct sc_loop *loop, const struct sc_control_server_options *opts,
			   struct sc_control_server **out)
{
	struct sockaddr_un sa;
	struct stat st;
	int r = fill_addr(opts->path, &sa);
	if (r < 0) {
		sc_err("control socket path %s is too long for a UNIX socket (max %zu bytes); "
		       "choose a shorter --runtime-dir", opts->path, sizeof(sa.sun_path) - 1);
		return r;
	}
	struct sc_control_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->loop = loop;
	srv->opts = *opts;
	srv->fd = -1;
	memcpy(srv->path, sa.sun_path, sizeof(srv->path));
	bool bound = false;

	r = remove_stale_socket(opts->path);
	if (r < 0)
		goto fail;
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0) {
		r = -errno;
		sc_err("cannot create the control socket: %s", strerror(errno));
		goto fail;
	}
	// Create the file owner-only, then widen it to the group: never more open than meant.
	mode_t old_umask = umask(0177);
	r = bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old_umask);
	if (r < 0) {
		sc_err("cannot bind the control socket %s: %s; check that the runtime directory "
		       "exists and is writable", opts->path, strerror(-r));
		goto fail;
	}
	bound = true;
	// Under the systemd unit the socket is born with the service's group already, and the
	// unit's system-call filter refuses chown(): only change what needs changing.
	if (opts->have_group && stat(opts->path, &st) == 0 && st.st_gid != opts->group &&
	    chown(opts->path, (uid_t)-1, opts->group) < 0) {
		r = -errno;
		sc_err("cannot give %s to the sealcall group: %s", opts->path, strerror(errno));
		goto fail;
	}
	if (chmod(opts->path, opts->mode) < 0 || stat(opts->path, &st) < 0) {
		r = -errno;
		sc_err("cannot set the mode of %s: %s", opts->path, strerror(errno));
		goto fail;
	}
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	if (listen(srv->fd, 16) < 0) {
		r = -errno;
		sc_err("cannot listen on %s: %s", opts->path, strerror(errno));
		goto fail;
	}
	r = sc_loop_watch_new(loop, srv->fd, EPOLLIN, accept_clients, srv, &srv->watch);
	if (r < 0)
		goto fail;
	*out = srv;
	return 0;
fail:
	if (bound)
		unlink(opts->path);
	if (srv->fd >= 0)
		close(srv->fd);
	free(srv);
	return r;
}

void sc_control_server_close(struct sc_control_server *srv)
{
	if (!srv)
		return;
	while (srv->clients)
		client_close(srv->clients);
	sc_loop_watch_free(srv->watch);
	close(srv->fd);
	// Remove the file only if it is still ours (not replaced by hand or by another daemon).
	struct stat st;
	if (stat(srv->path, &st) == 0 && st.st_dev == srv->dev && st.st_ino == srv->ino)
		unlink(srv->path);
	free(srv);
}

size_t sc_control_server_client_count(const struct sc_control_server *srv)
{
	return srv->n_clients;
}
