// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/spawn.h"

#include "base/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *const sc_spawn_base_env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					  "LC_ALL=C", NULL };

void sc_buf_init(struct sc_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static int buf_reserve(struct sc_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return -EFBIG;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	// Not realloc: the old block may hold key material and must be wiped, not just released.
	char *grown = malloc(cap);
	if (!grown)
		return -ENOMEM;
	if (b->data)
		memcpy(grown, b->data, b->len + 1);
	else
		grown[0] = '\0';
	sc_secret_free(b->data, b->cap);
	b->data = grown;
	b->cap = cap;
	return 0;
}

int sc_buf_append(struct sc_buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);
	if (rc != 0)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	int rc = buf_reserve(b, (size_t)n);
	if (rc != 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void sc_buf_free(struct sc_buf *b)
{
	sc_secret_free(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int spawn_with(const char *const argv[], const char *const envp[], int in_fd, int out_fd,
		      int err_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t empty, defaults;
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc != 0)
		return -rc;
	rc = posix_spawnattr_init(&attr);
	if (rc != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -rc;
	}
	sigemptyset(&empty);
	sigemptyset(&defaults);
	const int reset[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2 };
	for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		sigaddset(&defaults, reset[i]);
	if (in_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0 && out_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (rc == 0 && err_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	// The daemon's sockets must not outlive it in a tool that may hang around.
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&attr, &empty);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&attr, &defaults);
	if (rc == 0)
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv, (char *const *)envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return -rc;
}

int sc_spawn_background(const char *const argv[], const char *const envp[], pid_t *pid)
{
	return spawn_with(argv, envp, -1, -1, -1, pid);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int read_into(int *fd, struct sc_buf *b)
{
	char chunk[4096];
	ssize_t got = read(*fd, chunk, sizeof(chunk));
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (got == 0) {
		close_fd(fd);
		return 0;
	}
	int rc = b ? sc_buf_append(b, chunk, (size_t)got) : 0;
	sc_wipe(chunk, sizeof(chunk));
	return rc;
}

// Waits for PID until DEADLINE, then kills it: a hung tool must never hang the daemon.
static int reap(pid_t pid, int64_t deadline, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int sc_spawn_run(const char *const argv[], const char *const envp[], const void *in,
		 size_t in_len, struct sc_buf *out, struct sc_buf *err, int timeout_ms,
		 int *status)
{
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	pid_t pid = -1;
	int rc;
	int64_t deadline = now_ms() + timeout_ms;
	sigset_t pipe_set, old_mask;
	bool pipe_was_pending = false;

	// A tool that exits before reading its stdin would raise SIGPIPE in the daemon.
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
	sigset_t pending;
	if (sigpending(&pending) == 0)
		pipe_was_pending = sigismember(&pending, SIGPIPE) == 1;

	if ((in && pipe2(in_pipe, O_CLOEXEC) != 0) || pipe2(out_pipe, O_CLOEXEC) != 0 ||
	    pipe2(err_pipe, O_CLOEXEC) != 0) {
		rc = -errno;
		goto out;
	}
	rc = spawn_with(argv, envp, in ? in_pipe[0] : -1, out_pipe[1], err_pipe[1], &pid);
	close_fd(&in_pipe[0]);
	close_fd(&out_pipe[1]);
	close_fd(&err_pipe[1]);
	if (rc != 0) {
		pid = -1;
		goto out;
	}
	if (in_pipe[1] >= 0)
		fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
	size_t written = 0;
	if (in && in_len == 0)
		close_fd(&in_pipe[1]);
	while (out_pipe[0] >= 0 || err_pipe[0] >= 0 || in_pipe[1] >= 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			rc = -ETIMEDOUT;
			goto out;
		}
		struct pollfd fds[3] = {
			{ .fd = out_pipe[0], .events = POLLIN },
			{ .fd = err_pipe[0], .events = POLLIN },
			{ .fd = in_pipe[1], .events = POLLOUT },
		};
		int n = poll(fds, 3, (int)left);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		if (n <= 0)
			continue;
		if (fds[0].revents) {
			rc = read_into(&out_pipe[0], out);
			if (rc != 0)
				goto out;
		}
		if (fds[1].revents) {
			rc = read_into(&err_pipe[0], err);
			if (rc != 0)
				goto out;
		}
		if (fds[2].revents & (POLLERR | POLLHUP)) {
			close_fd(&in_pipe[1]);
		} else if (fds[2].revents & POLLOUT) {
			ssize_t w = write(in_pipe[1], (const char *)in + written, in_len - written);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				close_fd(&in_pipe[1]);
			else if (w > 0 && (written += (size_t)w) == in_len)
				close_fd(&in_pipe[1]);
		}
	}
	rc = reap(pid, deadline, status);
	pid = -1;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
	}
	close_fd(&in_pipe[0]);
	close_fd(&in_pipe[1]);
	close_fd(&out_pipe[0]);
	close_fd(&out_pipe[1]);
	close_fd(&err_pipe[0]);
	close_fd(&err_pipe[1]);
	if (!pipe_was_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	return rc;
}

const char *sc_spawn_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit code %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status %#x", (unsigned)status);
	return buf;
}
