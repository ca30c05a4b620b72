// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secret.h"
#include "base/strutil.h"

// Lexical only: symlinks are the operator's business and the files need not exist yet.
static int normalize(const char *in, char *out, size_t outsz)
{
	size_t used = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			// stays in place
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (used > 0 && out[used - 1] != '/')
				used--;
			if (used > 0)
				used--;
		} else {
			if (used + 1 + len + 1 > outsz)
				return -ENAMETOOLONG;
			out[used++] = '/';
			memcpy(out + used, p, len);
			used += len;
		}
		p = end;
	}
	if (used == 0) {
		if (outsz < 2)
			return -ENAMETOOLONG;
		out[used++] = '/';
	}
	out[used] = '\0';
	return 0;
}

int paths_resolve(const char *dir, const char *value, char *out, size_t outsz)
{
	char joined[2 * PATH_MAX];
	if (value[0] == '/')
		return normalize(value, out, outsz);
	int w = snprintf(joined, sizeof(joined), "%s/%s", dir, value);
	if (w < 0 || (size_t)w >= sizeof(joined))
		return -ENAMETOOLONG;
	return normalize(joined, out, outsz);
}

int paths_absolute(const char *file, char *out, size_t outsz)
{
	char cwd[PATH_MAX];
	if (file[0] == '/')
		return normalize(file, out, outsz);
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return paths_resolve(cwd, file, out, outsz);
}

void paths_dirname(const char *abs, char *out, size_t outsz)
{
	const char *slash = strrchr(abs, '/');
	size_t len = slash && slash != abs ? (size_t)(slash - abs) : 1;
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, slash ? abs : "/", len);
	out[len] = '\0';
}

bool pc_file_path(struct pc_ctx *c, const struct pt_node *node, const char *path,
		  char out[SC_PATH_MAX])
{
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return false;
	if (!text[0]) {
		pc_error(c, node, path, "is an empty path; give the file's path");
		return false;
	}
	if (strlen(text) >= PATH_MAX || paths_resolve(c->dir, text, out, SC_PATH_MAX) != 0) {
		pc_error(c, node, path,
			 "'%.60s' resolves to a path longer than %d characters; move the file to a shorter path",
			 text, SC_PATH_MAX - 1);
		return false;
	}
	return true;
}

static void create_hint(enum pc_file_kind kind, const char *file, char *out, size_t outsz)
{
	switch (kind) {
	case PC_FILE_WG_KEY:
		snprintf(out, outsz, "create it with '(umask 077; wg genkey > %.200s)'", file);
		return;
	case PC_FILE_WG_PSK:
		snprintf(out, outsz, "create it with '(umask 077; wg genpsk > %.200s)'", file);
		return;
	case PC_FILE_PASSWORD:
		snprintf(out, outsz, "write the registrar password into it and chmod 600 it");
		return;
	case PC_FILE_PUBLIC:
	case PC_FILE_SECRET:
	case PC_FILE_CACHE:
		break;
	}
	snprintf(out, outsz, "copy it from the site bundle");
}

// The content rules for files sealcalld reads itself (keys, passwords); TLS keys are left to
// the TLS library, which knows PEM and DER.
static void check_secret_content(struct pc_ctx *c, const struct pt_node *node, const char *path,
				 const char *file, enum pc_file_kind kind)
{
	uint8_t *data = NULL;
	size_t len = 0;
	const size_t max = 4096;
	int rc = sc_read_secret_file(file, max, &data, &len);
	if (rc == -EFBIG) {
		pc_error(c, node, path, "%.200s is larger than %zu bytes, too large for a key or password file; check the path",
			 file, max);
		return;
	}
	if (rc != 0) {
		pc_error(c, node, path, "cannot read %.200s: %s; check the path and its permissions",
			 file, strerror(-rc));
		return;
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' ' ||
			   data[len - 1] == '\t'))
		len--;
	if (kind == PC_FILE_PASSWORD) {
		if (len == 0)
			pc_error(c, node, path, "%.200s is empty; write the registrar password into it", file);
	} else {
		char text[48];
		uint8_t key[SC_WG_KEY_LEN + 4];
		bool ok = len == 44 && !memchr(data, '\0', len);
		if (ok) {
			memcpy(text, data, len);
			text[len] = '\0';
			ok = sc_base64_decode(text, key, sizeof(key)) == SC_WG_KEY_LEN;
		}
		sc_wipe(text, sizeof(text));
		sc_wipe(key, sizeof(key));
		if (!ok)
			pc_error(c, node, path,
				 "%.200s does not hold a WireGuard %s key (one line of 44 base64 characters); %s",
				 file, kind == PC_FILE_WG_KEY ? "private" : "preshared",
				 kind == PC_FILE_WG_KEY ? "regenerate it with 'wg genkey'" : "regenerate it with 'wg genpsk'");
	}
	sc_secret_free(data, max + 1);
}

static void check_cache(struct pc_ctx *c, const struct pt_node *node, const char *path,
			const char *file)
{
	struct stat st;
	if (stat(file, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			pc_error(c, node, path, "%.200s is not a regular file; point cache_file at a file", file);
		else if (st.st_mode & 077)
			pc_error(c, node, path,
				 "%.200s holds ZRTP retained secrets but group or others can access it (mode %04o); run chmod 600 %.200s",
				 file, (unsigned)(st.st_mode & 07777), file);
		return;
	}
	char dir[SC_PATH_MAX];
	paths_dirname(file, dir, sizeof(dir));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		pc_error(c, node, path,
			 "the directory %.200s for the ZRTP cache does not exist; create it with 'mkdir -p %.200s'",
			 dir, dir);
}

void pc_check_file(struct pc_ctx *c, const struct pt_node *node, const char *path,
		   const char *file, enum pc_file_kind kind)
{
	if (!c->check_files)
		return;
	if (kind == PC_FILE_CACHE) {
		check_cache(c, node, path, file);
		return;
	}
	struct stat st;
	if (stat(file, &st) != 0) {
		if (errno == ENOENT) {
			char hint[256];
			create_hint(kind, file, hint, sizeof(hint));
			pc_error(c, node, path, "%.200s does not exist; fix the path or %s", file, hint);
		} else {
			pc_error(c, node, path, "cannot reach %.200s: %s; check the path and its directories' permissions",
				 file, strerror(errno));
		}
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		pc_error(c, node, path, "%.200s is not a regular file; point to the file itself", file);
		return;
	}
	if (kind != PC_FILE_PUBLIC && (st.st_mode & 077)) {
		pc_error(c, node, path,
			 "%.200s holds a secret but group or others can access it (mode %04o); run chmod 600 %.200s",
			 file, (unsigned)(st.st_mode & 07777), file);
		return;
	}
	if (kind == PC_FILE_PUBLIC || kind == PC_FILE_SECRET) {
		int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			pc_error(c, node, path, "cannot read %.200s: %s; check its permissions", file,
				 strerror(errno));
		else
			close(fd);
		return;
	}
	check_secret_content(c, node, path, file, kind);
}
