// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/systemd.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int sc_sd_notify_to(const char *socket_path, const char *message)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t plen = strlen(socket_path);
	if (plen == 0 || (socket_path[0] != '/' && socket_path[0] != '@'))
		return -EINVAL;
	if (plen >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, socket_path, plen);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	// Abstract names are not NUL-terminated: the length says where the name ends.
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
				      (socket_path[0] == '/' ? 1 : 0));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int r = 0;
	size_t mlen = strlen(message);
	ssize_t sent = sendto(fd, message, mlen, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	if (sent < 0)
		r = -errno;
	else if ((size_t)sent != mlen)
		r = -EMSGSIZE;
	close(fd);
	return r;
}

int sc_sd_notify(const char *message)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (!path || !*path)
		return 0;
	return sc_sd_notify_to(path, message);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

uint64_t sc_sd_watchdog_usec(void)
{
	uint64_t usec, pid;
	if (!parse_u64(getenv("WATCHDOG_USEC"), &usec) || usec == 0)
		return 0;
	const char *pid_text = getenv("WATCHDOG_PID");
	if (pid_text && (!parse_u64(pid_text, &pid) || pid != (uint64_t)getpid()))
		return 0;
	return usec;
}

bool sc_sd_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	if (!e)
		return false;
	uintmax_t dev, ino;
	char tail;
	if (sscanf(e, "%ju:%ju%c", &dev, &ino, &tail) != 2)
		return false;
	struct stat st;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}
