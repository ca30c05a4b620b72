// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secret.h"
#include "base/strutil.h"

#define CACHE_MAGIC "sealcall-zrtp-cache 1"
#define LINE_MAX_LEN 512

struct entry {
	uint8_t zid[SC_ZRTP_ZID_LEN];
	struct sc_zrtp_retained secrets;
	int64_t expires;
};

struct sc_zrtp_cache {
	char path[SC_PATH_MAX];
	uint8_t zid[SC_ZRTP_ZID_LEN];
	struct entry *entries;
	size_t count, cap;
	int64_t (*now)(void *ctx);
	void *now_ctx;
};

static int64_t wall_clock(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL);
}

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static int parse_hex(const char *s, size_t n_chars, uint8_t *out)
{
	for (size_t i = 0; i < n_chars / 2; i++) {
		unsigned v;
		char pair[3] = { s[2 * i], s[2 * i + 1], 0 };
		char *end;
		v = (unsigned)strtoul(pair, &end, 16);
		if (*end || !((pair[0] >= '0' && pair[0] <= '9') || (pair[0] >= 'a' && pair[0] <= 'f')) ||
		    !((pair[1] >= '0' && pair[1] <= '9') || (pair[1] >= 'a' && pair[1] <= 'f')))
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SC_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int add_entry(struct sc_zrtp_cache *c, struct entry **out)
{
	if (c->count == c->cap) {
		if (c->cap >= SC_ZRTP_CACHE_MAX_PEERS)
			return -ENOSPC;
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct entry *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		if (c->entries)
			memcpy(grown, c->entries, c->count * sizeof(*grown));
		sc_secret_free(c->entries, c->cap * sizeof(*c->entries));
		c->entries = grown;
		c->cap = cap;
	}
	*out = &c->entries[c->count++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

// "peer ZID rs1=HEX|- rs2=HEX|- expires=UNIX|never verified=0|1 name=NAME|-"
static int parse_peer(struct sc_zrtp_cache *c, char *line)
{
	char zid[32], rs1[80], rs2[80], expires[24], name[48];
	int verified, used = 0;
	struct entry *e;
	if (sscanf(line, "peer %31s rs1=%79s rs2=%79s expires=%23s verified=%d name=%47s%n", zid, rs1,
		   rs2, expires, &verified, name, &used) != 6 || line[used] != '\0')
		return -EINVAL;
	if (c->count >= SC_ZRTP_CACHE_MAX_PEERS)
		return -ENOSPC;
	int rc = add_entry(c, &e);
	if (rc != 0)
		return rc;
	rc = -EINVAL;
	if (strlen(zid) != 2 * SC_ZRTP_ZID_LEN || parse_hex(zid, strlen(zid), e->zid) != 0)
		goto out;
	for (size_t i = 0; i + 1 < c->count; i++)
		if (memcmp(c->entries[i].zid, e->zid, SC_ZRTP_ZID_LEN) == 0)
			goto out;
	if (strcmp(rs1, "-") != 0) {
		if (strlen(rs1) != 64 || parse_hex(rs1, 64, e->secrets.rs1) != 0)
			goto out;
		e->secrets.has_rs1 = true;
	}
	if (strcmp(rs2, "-") != 0) {
		if (strlen(rs2) != 64 || parse_hex(rs2, 64, e->secrets.rs2) != 0)
			goto out;
		e->secrets.has_rs2 = true;
	}
	if (strcmp(expires, "never") == 0) {
		e->expires = 0;
	} else {
		uint32_t v;
		if (sc_parse_u32(expires, 1, UINT32_MAX, &v) != 0)
			goto out;
		e->expires = v;
	}
	if (verified != 0 && verified != 1)
		goto out;
	e->secrets.verified = verified;
	if (strcmp(name, "-") != 0) {
		if (!valid_name(name))
			goto out;
		sc_strcpy(e->secrets.peer_name, sizeof(e->secrets.peer_name), name);
	}
	rc = 0;
out:
	if (rc != 0) {
		sc_wipe(e, sizeof(*e));
		c->count--;
	}
	sc_wipe(rs1, sizeof(rs1));
	sc_wipe(rs2, sizeof(rs2));
	return rc;
}

static int load(struct sc_zrtp_cache *c, int fd, char *why, size_t why_len)
{
	FILE *f = fdopen(fd, "r");
	char line[LINE_MAX_LEN];
	unsigned lineno = 0;
	bool have_magic = false, have_zid = false;
	int rc = 0;
	if (!f) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			rc = -EINVAL;
			say(why, why_len, "%s:%u: line too long", c->path, lineno);
			goto out;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (!have_magic) {
			if (strcmp(line, CACHE_MAGIC) != 0) {
				rc = -EINVAL;
				say(why, why_len, "%s:%u: not a sealcall ZRTP cache (expected \"%s\")",
				    c->path, lineno, CACHE_MAGIC);
				goto out;
			}
			have_magic = true;
		} else if (strncmp(line, "zid ", 4) == 0 && !have_zid) {
			if (strlen(line + 4) != 2 * SC_ZRTP_ZID_LEN ||
			    parse_hex(line + 4, 2 * SC_ZRTP_ZID_LEN, c->zid) != 0) {
				rc = -EINVAL;
				say(why, why_len, "%s:%u: the zid must be 24 lowercase hex digits", c->path, lineno);
				goto out;
			}
			have_zid = true;
		} else if (strncmp(line, "peer ", 5) == 0 && have_zid) {
			rc = parse_peer(c, line);
			if (rc != 0) {
				say(why, why_len, "%s:%u: %s", c->path, lineno,
				    rc == -ENOSPC ? "too many peers" : "malformed or duplicate peer entry");
				rc = -EINVAL;
				goto out;
			}
		} else {
			rc = -EINVAL;
			say(why, why_len, "%s:%u: unexpected line", c->path, lineno);
			goto out;
		}
	}
	if (!have_zid) {
		rc = -EINVAL;
		say(why, why_len, "%s: no zid line: the file is truncated or not a ZRTP cache", c->path);
	}
out:
	sc_wipe(line, sizeof(line));
	fclose(f);
	if (rc == -EINVAL && why && why_len) {
		size_t used = strlen(why);
		snprintf(why + used, why_len - used,
			 "; the file was left untouched: restore it from a backup, or move it away to "
			 "start a new cache (every peer will then report a cache mismatch)");
	}
	return rc;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int save(struct sc_zrtp_cache *c)
{
	char tmp[SC_PATH_MAX + 8], dir[SC_PATH_MAX], line[LINE_MAX_LEN];
	char zid[2 * SC_ZRTP_ZID_LEN + 1], rs1[65], rs2[65];
	int fd = -1, rc = 0;
	bool renamed = false;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", c->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp); // 0600 by construction, in the cache's own directory
	if (fd < 0)
		return -errno;
	sc_hex_encode(c->zid, SC_ZRTP_ZID_LEN, zid);
	snprintf(line, sizeof(line),
		 "# sealcall ZRTP cache: retained secrets, keep private (mode 0600). See docs/zrtp.md.\n"
		 "%s\nzid %s\n", CACHE_MAGIC, zid);
	rc = write_all(fd, line, strlen(line));
	for (size_t i = 0; rc == 0 && i < c->count; i++) {
		const struct entry *e = &c->entries[i];
		char expires[24];
		sc_hex_encode(e->zid, SC_ZRTP_ZID_LEN, zid);
		if (e->secrets.has_rs1)
			sc_hex_encode(e->secrets.rs1, 32, rs1);
		else
			strcpy(rs1, "-");
		if (e->secrets.has_rs2)
			sc_hex_encode(e->secrets.rs2, 32, rs2);
		else
			strcpy(rs2, "-");
		if (e->expires)
			snprintf(expires, sizeof(expires), "%lld", (long long)e->expires);
		else
			strcpy(expires, "never");
		snprintf(line, sizeof(line), "peer %s rs1=%s rs2=%s expires=%s verified=%d name=%s\n", zid,
			 rs1, rs2, expires, e->secrets.verified ? 1 : 0,
			 e->secrets.peer_name[0] ? e->secrets.peer_name : "-");
		rc = write_all(fd, line, strlen(line));
	}
	sc_wipe(line, sizeof(line));
	sc_wipe(rs1, sizeof(rs1));
	sc_wipe(rs2, sizeof(rs2));
	if (rc != 0)
		goto out;
	if (fsync(fd) != 0) {
		rc = -errno;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = -errno;
		goto out;
	}
	fd = -1;
	if (rename(tmp, c->path) != 0) {
		rc = -errno;
		goto out;
	}
	renamed = true;
	// The rename is durable only once the directory entry is on disk.
	sc_strcpy(dir, sizeof(dir), c->path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = -errno;
		goto out;
	}
	if (fsync(dfd) != 0)
		rc = -errno;
	close(dfd);
out:
	if (fd >= 0)
		close(fd);
	if (!renamed)
		unlink(tmp);
	return rc;
}

int sc_zrtp_cache_open(const char *path, sc_zrtp_rng_fn rng, void *rng_ctx,
		       struct sc_zrtp_cache **out, char *why, size_t why_len)
{
	struct sc_zrtp_cache *c = calloc(1, sizeof(*c));
	struct stat st;
	int rc, fd = -1;
	say(why, why_len, "ok");
	if (!c)
		return -ENOMEM;
	c->now = wall_clock;
	if (sc_strcpy(c->path, sizeof(c->path), path) != 0) {
		rc = -ENAMETOOLONG;
		say(why, why_len, "%s: path too long for the ZRTP cache", path);
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		// First start: our ZID is made once and then kept for the appliance's life.
		rc = rng(rng_ctx, c->zid, sizeof(c->zid)) == 0 ? 0 : -EIO;
		if (rc == 0)
			rc = save(c);
		if (rc != 0)
			say(why, why_len, "%s: cannot create the ZRTP cache: %s (does its directory exist "
				       "and is it writable?)", path, strerror(-rc));
		goto out;
	}
	if (fd < 0) {
		rc = -errno;
		say(why, why_len, "%s: cannot open the ZRTP cache: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		say(why, why_len, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		say(why, why_len, "%s: the ZRTP cache must be a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		rc = -EPERM;
		say(why, why_len, "%s: the ZRTP cache holds retained secrets but others may read it "
			       "(mode %03o); run: chmod 600 %s", path, (unsigned)(st.st_mode & 0777), path);
		goto out;
	}
	rc = load(c, fd, why, why_len);
	fd = -1; // load closed it
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0) {
		sc_zrtp_cache_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void sc_zrtp_cache_free(struct sc_zrtp_cache *c)
{
	if (!c)
		return;
	sc_secret_free(c->entries, c->cap * sizeof(*c->entries));
	sc_secret_free(c, sizeof(*c));
}

const uint8_t *sc_zrtp_cache_zid(const struct sc_zrtp_cache *c)
{
	return c->zid;
}

void sc_zrtp_cache_set_clock(struct sc_zrtp_cache *c, int64_t (*now)(void *ctx), void *ctx)
{
	c->now = now ? now : wall_clock;
	c->now_ctx = ctx;
}

static struct entry *find_zid(struct sc_zrtp_cache *c, const uint8_t zid[SC_ZRTP_ZID_LEN])
{
	for (size_t i = 0; i < c->count; i++)
		if (memcmp(c->entries[i].zid, zid, SC_ZRTP_ZID_LEN) == 0)
			return &c->entries[i];
	return NULL;
}

static struct entry *find_who(struct sc_zrtp_cache *c, const char *who)
{
	uint8_t zid[SC_ZRTP_ZID_LEN];
	if (strlen(who) == 2 * SC_ZRTP_ZID_LEN && parse_hex(who, strlen(who), zid) == 0)
		return find_zid(c, zid);
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->entries[i].secrets.peer_name, who) == 0)
			return &c->entries[i];
	return NULL;
}

int sc_zrtp_cache_lookup(struct sc_zrtp_cache *c, const uint8_t zid[SC_ZRTP_ZID_LEN],
			 struct sc_zrtp_retained *out)
{
	struct entry *e = find_zid(c, zid);
	if (!e || (e->expires && e->expires <= c->now(c->now_ctx)))
		return -ENOENT;
	*out = e->secrets;
	return 0;
}

int sc_zrtp_cache_store(struct sc_zrtp_cache *c, const uint8_t zid[SC_ZRTP_ZID_LEN],
			const struct sc_zrtp_retained *in)
{
	struct entry *e = find_zid(c, zid);
	struct entry before;
	bool added = false;
	int rc;
	if (!e) {
		rc = add_entry(c, &e);
		if (rc != 0)
			return rc;
		memcpy(e->zid, zid, SC_ZRTP_ZID_LEN);
		added = true;
	}
	before = *e;
	e->secrets = *in;
	e->secrets.ttl_s = 0;
	e->expires = in->ttl_s == SC_ZRTP_TTL_FOREVER ? 0 : c->now(c->now_ctx) + (int64_t)in->ttl_s;
	rc = save(c);
	if (rc != 0) {
		// Memory and file must agree: undo what could not be written.
		if (added)
			c->count--;
		else
			*e = before;
	}
	sc_wipe(&before, sizeof(before));
	return rc;
}

static int set_verified(struct sc_zrtp_cache *c, const char *who, bool verified)
{
	struct entry *e = find_who(c, who);
	if (!e)
		return -ENOENT;
	bool before = e->secrets.verified;
	e->secrets.verified = verified;
	int rc = save(c);
	if (rc != 0)
		e->secrets.verified = before;
	return rc;
}

int sc_zrtp_cache_verify(struct sc_zrtp_cache *c, const char *who)
{
	return set_verified(c, who, true);
}

int sc_zrtp_cache_unverify(struct sc_zrtp_cache *c, const char *who)
{
	return set_verified(c, who, false);
}

int sc_zrtp_cache_forget(struct sc_zrtp_cache *c, const char *who)
{
	struct entry *e = find_who(c, who);
	if (!e)
		return -ENOENT;
	size_t index = (size_t)(e - c->entries);
	struct entry removed = *e;
	memmove(e, e + 1, (c->count - index - 1) * sizeof(*e));
	c->count--;
	sc_wipe(&c->entries[c->count], sizeof(*e));
	int rc = save(c);
	if (rc != 0) {
		memmove(&c->entries[index + 1], &c->entries[index], (c->count - index) * sizeof(*e));
		c->entries[index] = removed;
		c->count++;
	}
	sc_wipe(&removed, sizeof(removed));
	return rc;
}

size_t sc_zrtp_cache_count(const struct sc_zrtp_cache *c)
{
	return c->count;
}

int sc_zrtp_cache_info_at(const struct sc_zrtp_cache *c, size_t index, struct sc_zrtp_cache_info *out)
{
	if (index >= c->count)
		return -ENOENT;
	const struct entry *e = &c->entries[index];
	memset(out, 0, sizeof(*out));
	memcpy(out->zid, e->zid, SC_ZRTP_ZID_LEN);
	sc_strcpy(out->peer_name, sizeof(out->peer_name), e->secrets.peer_name);
	out->verified = e->secrets.verified;
	out->has_rs1 = e->secrets.has_rs1;
	out->has_rs2 = e->secrets.has_rs2;
	out->expires = e->expires;
	return 0;
}

static int ops_lookup(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], struct sc_zrtp_retained *out)
{
	return sc_zrtp_cache_lookup(ctx, zid, out);
}

static int ops_store(void *ctx, const uint8_t zid[SC_ZRTP_ZID_LEN], const struct sc_zrtp_retained *in)
{
	return sc_zrtp_cache_store(ctx, zid, in);
}

struct sc_zrtp_cache_ops sc_zrtp_cache_ops(struct sc_zrtp_cache *c)
{
	struct sc_zrtp_cache_ops ops = { c, ops_lookup, ops_store };
	return ops;
}
