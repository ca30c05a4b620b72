// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/file.h"

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
	char *data = NULL;
	*out = NULL;
	*len = 0;
	// Symbolic links are followed: operators legitimately point at symlinked key stores; the
	// mode check is on the file actually opened.
	int rc = sc_read_file(path, max, SC_READ_SECRET, &data, len);
	if (rc == -EISDIR)
		rc = -EINVAL; // any file that is not a regular one, as check_stat says
	if (rc == 0)
		*out = (uint8_t *)data;
	return rc;
}
