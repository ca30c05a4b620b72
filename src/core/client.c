// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/control.h"
#include "core/loop.h"

static int wait_for(int fd, short events, uint64_t deadline_ms)
{
	for (;;) {
		uint64_t now = sc_loop_now_ms();
		if (now >= deadline_ms)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = fd, .events = events };
		int n = poll(&pfd, 1, (int)(deadline_ms - now));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0)
			return 0;
	}
}

int sc_control_request(const char *socket_path, const char *request, unsigned timeout_ms,
		       struct sc_outbuf *response)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[SC_CONTROL_REQUEST_MAX + 1];
	size_t plen = strlen(socket_path), rlen = strlen(request);
	if (plen == 0 || plen >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (rlen + 1 > SC_CONTROL_REQUEST_MAX)
		return -E2BIG;
	memcpy(sa.sun_path, socket_path, plen + 1);
	memcpy(line, request, rlen);
	line[rlen] = '\n';

	uint64_t deadline = sc_loop_now_ms() + timeout_ms;
	int r = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto out;
	}
	size_t sent = 0;
	while (sent < rlen + 1) {
		ssize_t n = send(fd, line + sent, rlen + 1 - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			r = wait_for(fd, POLLOUT, deadline);
			if (r < 0)
				goto out;
			continue;
		}
		if (n < 0) {
			// closed before it read the request: no answer is coming
			r = errno == EPIPE || errno == ECONNRESET ? -ECONNABORTED : -errno;
			goto out;
		}
		sent += (size_t)n;
	}
	for (;;) {
		char chunk[4096];
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			r = wait_for(fd, POLLIN, deadline);
			if (r < 0)
				goto out;
			continue;
		}
		// The daemon closes after its answer; a reset after data only means it did not read
		// everything we sent, which the answer itself explains, and one before any data is
		// a close without an answer.
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			break;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		r = sc_outbuf_append(response, chunk, (size_t)n);
		if (r < 0)
			goto out;
	}
	bool ok;
	const char *body;
	size_t body_len;
	// Nothing at all is not a foreign protocol: the daemon closed without answering.
	r = response->len ? sc_control_response_split(response, &ok, &body, &body_len) : -ECONNABORTED;
out:
	close(fd);
	return r;
}

int sc_control_response_split(const struct sc_outbuf *response, bool *ok, const char **body,
			      size_t *body_len)
{
	if (!response->data)
		return -EPROTO;
	if (response->len >= 3 && memcmp(response->data, "ok\n", 3) == 0) {
		*ok = true;
		*body = response->data + 3;
		*body_len = response->len - 3;
		return 0;
	}
	const char *newline = memchr(response->data, '\n', response->len);
	if (response->len >= 7 && memcmp(response->data, "error ", 6) == 0 &&
	    newline == response->data + response->len - 1) {
		*ok = false;
		*body = response->data + 6;
		*body_len = response->len - 7;
		return 0;
	}
	return -EPROTO;
}
