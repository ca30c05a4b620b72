// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for the provisioning tests: sites files from text, expected errors, scratch folders
// that are removed afterwards, and small file checks.
#ifndef SC_TEST_PV_TEST_H
#define SC_TEST_PV_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "provision/sites.h"

static inline struct sc_sites *sites_ok(const char *text)
{
	struct sc_sites *s = NULL;
	struct sc_sites_errors errors = { 0 };
	int rc = sc_sites_load_buffer("sites.yaml", text, strlen(text), &s, &errors);
	if (rc != 0) {
		fprintf(stderr, "expected this sites file to load:\n%s\n", text);
		sc_sites_errors_print(&errors, stderr);
	}
	CHECK_EQ_INT(rc, 0);
	sc_sites_errors_free(&errors);
	return s;
}

// Loads TEXT, expects a refusal with an error at LINE (0: any) whose key is KEY and whose
// message contains FRAGMENT; prints the errors it got when not.
static inline void expect_sites_error(const char *text, const char *key, unsigned line,
				      const char *fragment)
{
	struct sc_sites *s = NULL;
	struct sc_sites_errors errors = { 0 };
	int rc = sc_sites_load_buffer("sites.yaml", text, strlen(text), &s, &errors);
	CHECK_EQ_INT(rc, -EINVAL);
	CHECK(s == NULL);
	bool found = false;
	for (size_t i = 0; i < errors.count; i++) {
		const struct sc_sites_error *e = &errors.items[i];
		if (strcmp(e->key, key) == 0 && (line == 0 || e->line == line) &&
		    strstr(e->message, fragment))
			found = true;
		CHECK(strcmp(e->file, "sites.yaml") == 0);
	}
	if (!found) {
		fprintf(stderr, "expected an error %s at line %u with \"%s\"; got:\n", key, line, fragment);
		sc_sites_errors_print(&errors, stderr);
	}
	CHECK(found);
	sc_sites_free(s);
	sc_sites_errors_free(&errors);
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

// A scratch folder under /tmp, removed by scratch_remove.
static inline void scratch_make(char *dir, size_t len, const char *what)
{
	snprintf(dir, len, "/tmp/sc-provision-%s-XXXXXX", what);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
}

static inline void scratch_remove(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		abort();
	}
	fputs(text, f);
	fclose(f);
}

// The whole file, NUL-terminated (free it), or NULL.
static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *grown = realloc(buf, cap);
			if (!grown)
				abort();
			buf = grown;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

static inline int file_mode(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static inline bool file_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

#endif
