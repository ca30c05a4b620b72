// SPDX-License-Identifier: GPL-3.0-or-later
// ssh_authorized_keys in SITES.yaml: the files it names, read once each (without following a
// symbolic link: the bundle must carry the file the operator named, not whatever a link
// points at by the time the run reads it) and checked before any bundle is written.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/strutil.h"
#include "provision/authorized_keys.h"
#include "provision/sites_internal.h"

static int resolve(const char *sites_file, const char *path, char *out, size_t len)
{
	const char *slash = strrchr(sites_file, '/');
	int n;
	if (path[0] == '/' || !slash)
		n = snprintf(out, len, "%s", path);
	else
		n = snprintf(out, len, "%.*s/%s", (int)(slash - sites_file), sites_file, path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sp_ssh_keys_file(struct sp_ctx *c, struct sc_sites *s, const char *text,
		     const struct sc_sites_place *at, const char *key)
{
	char path[SC_PATH_MAX];
	bool printable = text[0] != '\0';
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			printable = false;
	if (!printable) {
		sp_error(c, at, key,
			 "is not a usable file name (empty, or with control characters); name the file of the administrators' public keys, e.g. admins.pub, or write none");
		return SC_SSH_KEYS_INHERIT;
	}
	if (resolve(c->file, text, path, sizeof(path)) != 0) {
		sp_error(c, at, key,
			 "the path, read from the sites file's folder, is longer than %d characters; move the file closer",
			 SC_PATH_MAX - 1);
		return SC_SSH_KEYS_INHERIT;
	}
	for (size_t i = 0; i < s->n_ssh_keys_files; i++)
		if (strcmp(s->ssh_keys_files[i].path, path) == 0)
			return (int)i;
	struct sc_ssh_keys_file *grown =
		realloc(s->ssh_keys_files, (s->n_ssh_keys_files + 1) * sizeof(*grown));
	if (!grown) {
		c->oom = true;
		return SC_SSH_KEYS_INHERIT;
	}
	s->ssh_keys_files = grown;
	struct sc_ssh_keys_file *f = &grown[s->n_ssh_keys_files];
	memset(f, 0, sizeof(*f));
	sc_strcpy(f->path, sizeof(f->path), path);
	sc_strcpy(f->key, sizeof(f->key), key);
	f->at = *at;
	return (int)s->n_ssh_keys_files++;
}

struct report_ctx {
	struct sp_ctx *c;
	const struct sc_ssh_keys_file *f;
};

static void report_problem(void *ctx, unsigned line, unsigned column, const char *message)
{
	struct report_ctx *r = ctx;
	if (line == 0)
		sp_error(r->c, &r->f->at, r->f->key, "%s %s", r->f->path, message);
	else
		sp_error_in(r->c, r->f->path, line, column, r->f->key, "%s", message);
}

static void report_read_error(struct sp_ctx *c, const struct sc_ssh_keys_file *f, int rc)
{
	const char *p = f->path;
	switch (rc) {
	case -ENOENT:
		sp_error(c, &f->at, f->key,
			 "%s does not exist (a relative path is read from the sites file's folder); name the file of the administrators' public keys, or write none for no SSH access",
			 p);
		break;
	case -ELOOP:
		sp_error(c, &f->at, f->key,
			 "%s is a symbolic link, which is not followed (the bundle must carry the very file named here); name the file itself",
			 p);
		break;
	case -EISDIR:
		sp_error(c, &f->at, f->key, "%s is a folder; name the file of public keys in it", p);
		break;
	case -EINVAL:
		sp_error(c, &f->at, f->key, "%s is not a regular file; name a plain file of public keys", p);
		break;
	case -EFBIG:
		sp_error(c, &f->at, f->key,
			 "%s is larger than %d KiB, far more than a few public keys of under 1 KiB each; check that it is the right file",
			 p, PV_AUTHORIZED_KEYS_MAX / 1024);
		break;
	default:
		sp_error(c, &f->at, f->key, "cannot read %s: %s; check the path and its permissions", p,
			 strerror(-rc));
	}
}

void sp_load_ssh_keys(struct sp_ctx *c, struct sc_sites *s)
{
	for (size_t i = 0; i < s->n_sites; i++)
		if (s->sites[i].ssh_keys == SC_SSH_KEYS_INHERIT)
			s->sites[i].ssh_keys = s->ssh_keys;
	for (size_t i = 0; i < s->n_ssh_keys_files; i++) {
		struct sc_ssh_keys_file *f = &s->ssh_keys_files[i];
		char *data = NULL;
		size_t len = 0, keys = 0;
		int rc = sc_read_file(f->path, PV_AUTHORIZED_KEYS_MAX, SC_READ_NOFOLLOW, &data, &len);
		if (rc == -ENOMEM) {
			c->oom = true;
			return;
		}
		if (rc != 0) {
			report_read_error(c, f, rc);
			continue;
		}
		struct report_ctx r = { c, f };
		if (pv_authorized_keys_check(data, len, report_problem, &r, &keys) == 0) {
			f->data = data;
			f->len = len;
		} else {
			free(data);
		}
	}
}
