// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/secret.h"

int pv_join(char *out, size_t outsz, const char *a, const char *b)
{
	int n = snprintf(out, outsz, "%s/%s", a, b);
	return n < 0 || (size_t)n >= outsz ? -ENAMETOOLONG : 0;
}

bool pv_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

void pv_free_file(char *data, size_t len, bool secret)
{
	if (secret)
		sc_secret_free(data, len + 1);
	else
		free(data);
}

int pv_read_file(const char *path, size_t max, bool secret, char **out, size_t *len)
{
	// Never through a symbolic link: provisioning reads back what it wrote into the output
	// folder, and a link planted there could make it read, and copy, something else.
	unsigned flags = SC_READ_NOFOLLOW | (secret ? SC_READ_SECRET : 0);
	int rc = sc_read_file(path, max, flags, out, len);
	return rc == -EINVAL ? -EISDIR : rc; // not a regular file, as this file's callers expect
}

static bool same_content(const char *path, const void *data, size_t len, mode_t mode)
{
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode ||
	    (size_t)st.st_size != len)
		return false;
	char *old;
	size_t old_len;
	bool secret = (mode & 077) == 0;
	if (pv_read_file(path, len, secret, &old, &old_len) != 0)
		return false;
	bool same = old_len == len && memcmp(old, data, len) == 0;
	pv_free_file(old, len, secret);
	return same;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

void pv_writes_init(struct pv_writes *w)
{
	memset(w, 0, sizeof(*w));
}

static int temp_name(const char *path, char *tmp, size_t len)
{
	int n = snprintf(tmp, len, "%s.provision-tmp", path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool is_pending(const struct pv_writes *w, const char *path)
{
	for (size_t i = 0; i < w->count; i++)
		if (strcmp(w->items[i].path, path) == 0)
			return true;
	return false;
}

int pv_writes_add(struct pv_writes *w, const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int rc = temp_name(path, tmp, sizeof(tmp));
	if (rc != 0)
		return rc;
	if (same_content(path, data, len, mode) && !is_pending(w, path))
		return 0;
	// The secret's mode is set by open itself, so no moment exists when others could read it.
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	bool again = false;
	if (fd < 0 && errno == EEXIST) {
		// Left by an interrupted run (runs hold the output lock, so never a live one), or
		// staged earlier in this run: the newer content wins.
		again = is_pending(w, path);
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	}
	if (fd < 0)
		return -errno;
	// The umask may have taken bits away from a public file's mode; give them back.
	if (fchmod(fd, mode) != 0 || (rc = write_all(fd, data, len)) != 0) {
		if (!rc)
			rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	if (close(fd) != 0) {
		rc = -errno;
		unlink(tmp);
		return rc;
	}
	if (again)
		return 1;
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct pv_pending *grown = realloc(w->items, cap * sizeof(*grown));
		if (!grown) {
			unlink(tmp);
			return -ENOMEM;
		}
		w->items = grown;
		w->cap = cap;
	}
	w->items[w->count].path = strdup(path);
	if (!w->items[w->count].path) {
		unlink(tmp);
		return -ENOMEM;
	}
	w->count++;
	return 1;
}

// Makes every staged temporary durable: one syncfs, or an fsync each where syncfs fails.
static int sync_all(const struct pv_writes *w, int root_fd)
{
	if (syncfs(root_fd) == 0)
		return 0;
	char tmp[PATH_MAX];
	for (size_t i = 0; i < w->count; i++) {
		if (temp_name(w->items[i].path, tmp, sizeof(tmp)) != 0)
			return -ENAMETOOLONG;
		int fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return -errno;
		int rc = fsync(fd) == 0 ? 0 : -errno;
		close(fd);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int pv_writes_commit(struct pv_writes *w, const char *root)
{
	char tmp[PATH_MAX];
	int rc = 0;
	if (w->count == 0)
		return 0;
	int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	if ((rc = sync_all(w, root_fd)) != 0)
		goto out;
	for (size_t i = 0; i < w->count; i++) {
		if ((rc = temp_name(w->items[i].path, tmp, sizeof(tmp))) != 0)
			goto out;
		if (rename(tmp, w->items[i].path) != 0) {
			rc = -errno;
			goto out;
		}
		free(w->items[i].path);
		w->items[i].path = NULL;
	}
	// The renames themselves: syncfs covers every folder touched.
	if (syncfs(root_fd) != 0)
		rc = -errno;
out:
	close(root_fd);
	return rc;
}

void pv_writes_abort(struct pv_writes *w)
{
	char tmp[PATH_MAX];
	for (size_t i = 0; i < w->count; i++) {
		if (w->items[i].path && temp_name(w->items[i].path, tmp, sizeof(tmp)) == 0)
			unlink(tmp);
		free(w->items[i].path);
	}
	free(w->items);
	pv_writes_init(w);
}

void pv_remove_temporaries(const char *dir)
{
	static const char suffix[] = ".provision-tmp";
	char path[PATH_MAX];
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > sizeof(suffix) - 1 && strcmp(de->d_name + n - (sizeof(suffix) - 1), suffix) == 0 &&
		    pv_join(path, sizeof(path), dir, de->d_name) == 0)
			unlink(path);
	}
	closedir(d);
}

int pv_make_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	struct stat st;
	if (stat(dir, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
