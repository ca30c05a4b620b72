// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sc_wipe(void *p, size_t len)
{
	if (p && len)
		explicit_bzero(p, len);
}

void sc_secret_free(void *p, size_t len)
{
	if (!p)
		return;
	sc_wipe(p, len);
	free(p);
}

int sc_ct_memcmp(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t diff = 0;
	for (size_t i = 0; i < len; i++)
		diff |= x[i] ^ y[i];
	return diff != 0;
}

static int check_stat(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_mode & 077)
		return -EPERM;
	return 0;
}

int sc_check_secret_file_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	return check_stat(&st);
}

int sc_read_secret_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	int rc = 0;
	uint8_t *buf = NULL;
	size_t used = 0;
	// O_NOFOLLOW is not used: operators legitimately point at symlinked key stores; the
	// mode check below is on the file actually opened.
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	rc = check_stat(&st);
	if (rc != 0)
		goto out;
	if ((size_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	buf = malloc(max + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf + used, max + 1 - used);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > max) {
			rc = -EFBIG;
			goto out;
		}
	}
	*out = buf;
	*len = used;
	buf = NULL;
out:
	sc_secret_free(buf, max + 1);
	close(fd);
	return rc;
}
