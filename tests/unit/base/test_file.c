// SPDX-License-Identifier: GPL-3.0-or-later
// sc_read_file: every refusal on the file actually opened, the size limit at its edge, and the
// secret reader built on it keeping its own contract.
#include "base/file.h"
#include "base/secret.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/sc-file-XXXXXX";

static void path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	path_of(path, sizeof(path), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(fchmod(fd, mode) == 0);
	close(fd);
}

static int read_named(const char *name, size_t max, unsigned flags, char **buf, size_t *len)
{
	char path[256];
	path_of(path, sizeof(path), name);
	return sc_read_file(path, max, flags, buf, len);
}

static void test_reads_whole_file(void)
{
	char *buf = NULL;
	size_t len = 99;
	write_file("plain", "two\nlines\n", 0644);
	CHECK_EQ_INT(read_named("plain", 64, 0, &buf, &len), 0);
	CHECK_EQ_INT(len, 10);
	CHECK(buf && strcmp(buf, "two\nlines\n") == 0);
	free(buf);

	write_file("empty", "", 0644);
	CHECK_EQ_INT(read_named("empty", 64, 0, &buf, &len), 0);
	CHECK_EQ_INT(len, 0);
	CHECK(buf && buf[0] == '\0');
	free(buf);
}

static void test_size_limit_edge(void)
{
	char *buf = NULL;
	size_t len = 0;
	write_file("ten", "0123456789", 0644);
	CHECK_EQ_INT(read_named("ten", 10, 0, &buf, &len), 0);
	CHECK_EQ_INT(len, 10);
	free(buf);
	buf = (char *)1;
	CHECK_EQ_INT(read_named("ten", 9, 0, &buf, &len), -EFBIG);
	CHECK(buf == NULL);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(read_named("ten", 9, SC_READ_SECRET, &buf, &len), -EPERM); // 0644 first
}

static void test_not_regular(void)
{
	char *buf = NULL, path[256];
	size_t len = 0;
	CHECK_EQ_INT(read_named("absent", 64, 0, &buf, &len), -ENOENT);
	CHECK_EQ_INT(sc_read_file(dir, 64, 0, &buf, &len), -EISDIR);
	path_of(path, sizeof(path), "fifo");
	CHECK(mkfifo(path, 0600) == 0);
	// Would block forever in open() without a writer, were it not opened non-blocking.
	CHECK_EQ_INT(read_named("fifo", 64, 0, &buf, &len), -EINVAL);
	CHECK(buf == NULL);
}

static void test_symlinks(void)
{
	char *buf = NULL, target[256], link[256];
	size_t len = 0;
	write_file("target", "data", 0600);
	path_of(target, sizeof(target), "target");
	path_of(link, sizeof(link), "link");
	CHECK(symlink(target, link) == 0);
	CHECK_EQ_INT(read_named("link", 64, SC_READ_NOFOLLOW, &buf, &len), -ELOOP);
	CHECK_EQ_INT(read_named("link", 64, 0, &buf, &len), 0);
	CHECK(buf && strcmp(buf, "data") == 0);
	free(buf);
}

static void test_secret(void)
{
	char *buf = NULL, path[256];
	size_t len = 0;
	write_file("secret", "k3y", 0600);
	CHECK_EQ_INT(read_named("secret", 64, SC_READ_SECRET | SC_READ_NOFOLLOW, &buf, &len), 0);
	CHECK_EQ_INT(len, 3);
	CHECK(buf && strcmp(buf, "k3y") == 0);
	sc_secret_free(buf, 65);
	write_file("group", "k3y", 0640);
	CHECK_EQ_INT(read_named("group", 64, SC_READ_SECRET, &buf, &len), -EPERM);
	write_file("others-x", "k3y", 0601);
	CHECK_EQ_INT(read_named("others-x", 64, SC_READ_SECRET, &buf, &len), -EPERM);
	CHECK_EQ_INT(read_named("secret", 2, SC_READ_SECRET, &buf, &len), -EFBIG);
	CHECK(buf == NULL);

	// sc_read_secret_file keeps its own contract on top: -EINVAL for any non-regular file.
	uint8_t *raw = NULL;
	CHECK_EQ_INT(sc_read_secret_file(dir, 64, &raw, &len), -EINVAL);
	path_of(path, sizeof(path), "fifo");
	CHECK_EQ_INT(sc_read_secret_file(path, 64, &raw, &len), -EINVAL);
	path_of(path, sizeof(path), "link");
	CHECK_EQ_INT(sc_read_secret_file(path, 64, &raw, &len), 0); // key stores may be links
	CHECK(raw && memcmp(raw, "data", 4) == 0);
	sc_secret_free(raw, 65);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	umask(022);
	test_reads_whole_file();
	test_size_limit_edge();
	test_not_regular();
	test_symlinks();
	test_secret();
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return check_done();
}
