// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secret.h"

static int check_opened(const struct stat *st, size_t max, unsigned flags)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if ((flags & SC_READ_SECRET) && (st->st_mode & 077))
		return -EPERM;
	if ((unsigned long long)st->st_size > max)
		return -EFBIG;
	return 0;
}

int sc_read_file(const char *path, size_t max, unsigned flags, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	char *buf = NULL;
	size_t cap = max + 1, used = 0;
	int rc = 0;
	// O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
	int open_flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	if (flags & SC_READ_NOFOLLOW)
		open_flags |= O_NOFOLLOW;
	int fd = open(path, open_flags);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if ((rc = check_opened(&st, max, flags)) != 0)
		goto out;
	buf = malloc(cap);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	// Reads until end of file rather than trusting st_size: a file that grew since fstat is
	// still cut off at MAX.
	for (;;) {
		ssize_t got = read(fd, buf + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto out;
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used == cap) {
			rc = -EFBIG;
			goto out;
		}
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL;
out:
	if (flags & SC_READ_SECRET)
		sc_secret_free(buf, cap);
	else
		free(buf);
	close(fd);
	return rc;
}
