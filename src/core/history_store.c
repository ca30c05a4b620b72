// SPDX-License-Identifier: GPL-3.0-or-later
// The calls kept in memory (a ring of the newest SC_HISTORY_MAX_ENTRIES) and their file:
// read back leniently line by line at start, written whole and atomically after each call.
#include "core/history.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// A damaged file warns about its first few bad lines one by one, then once with the count.
#define WARN_LINES_MAX 5

int sc_history_init(struct sc_history *h, const char *path)
{
	memset(h, 0, sizeof(*h));
	if (strlen(path) >= sizeof(h->path) - 8) // room for the temporary file's ".XXXXXX"
		return -ENAMETOOLONG;
	snprintf(h->path, sizeof(h->path), "%s", path);
	h->entries = calloc(SC_HISTORY_MAX_ENTRIES, sizeof(*h->entries));
	return h->entries ? 0 : -ENOMEM;
}

void sc_history_free(struct sc_history *h)
{
	free(h->entries);
	h->entries = NULL;
	h->count = h->first = 0;
}

size_t sc_history_count(const struct sc_history *h)
{
	return h->count;
}

const struct sc_history_entry *sc_history_newest(const struct sc_history *h, size_t i)
{
	if (i >= h->count)
		return NULL;
	return &h->entries[(h->first + h->count - 1 - i) % SC_HISTORY_MAX_ENTRIES];
}

void sc_history_add(struct sc_history *h, const struct sc_history_entry *e)
{
	if (!h->entries)
		return;
	if (h->count < SC_HISTORY_MAX_ENTRIES) {
		h->entries[(h->first + h->count) % SC_HISTORY_MAX_ENTRIES] = *e;
		h->count++;
	} else {
		h->entries[h->first] = *e;
		h->first = (h->first + 1) % SC_HISTORY_MAX_ENTRIES;
	}
}

static void warn(sc_history_warn_fn fn, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(sc_history_warn_fn fn, void *ctx, const char *fmt, ...)
{
	char msg[SC_HISTORY_REASON_MAX + 320];
	va_list ap;
	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(ctx, msg);
}

void sc_history_load_buffer(struct sc_history *h, const char *name, const char *data, size_t len,
			    sc_history_warn_fn wfn, void *ctx)
{
	size_t skipped = 0, lineno = 0;
	char why[128];
	// Bounded: each round consumes at least one byte.
	for (size_t pos = 0; pos < len;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n > 0 && line[0] == '#')
			continue;
		struct sc_history_entry e;
		int r = !nl ? (snprintf(why, sizeof(why), "the last line has no newline (cut short)"), -EINVAL)
			    : sc_history_parse_line(line, n, &e, why, sizeof(why));
		if (r == 0) {
			sc_history_add(h, &e);
			continue;
		}
		if (++skipped <= WARN_LINES_MAX)
			warn(wfn, ctx, "%s:%zu: skipped a damaged call record (%s)", name, lineno, why);
	}
	if (skipped > WARN_LINES_MAX)
		warn(wfn, ctx, "%s: %zu damaged call records skipped in all; the file is rewritten "
		     "without them after the next call", name, skipped);
}

int sc_history_load(struct sc_history *h, sc_history_warn_fn wfn, void *ctx)
{
	char *buf = NULL;
	int r = 0;
	if (!h->path[0])
		return 0;
	int fd = open(h->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		warn(wfn, ctx, "%s: cannot open the call history: %s; it starts empty and is "
		     "rewritten after the next call", h->path, strerror(errno));
		return r;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = -EINVAL;
		warn(wfn, ctx, "%s: not a regular file; the call history starts empty (remove it "
		     "so that sealcalld can write the history there)", h->path);
		goto out;
	}
	buf = malloc(SC_HISTORY_FILE_MAX + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	size_t len = 0;
	// Bounded by the buffer: a file larger than sealcall ever writes is read only so far.
	while (len <= SC_HISTORY_FILE_MAX) {
		ssize_t n = read(fd, buf + len, SC_HISTORY_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			warn(wfn, ctx, "%s: cannot read the call history: %s", h->path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > SC_HISTORY_FILE_MAX) {
		warn(wfn, ctx, "%s: larger than the %zu bytes sealcall ever writes: only its start "
		     "is read", h->path, (size_t)SC_HISTORY_FILE_MAX);
		len = SC_HISTORY_FILE_MAX;
		// the line cut in the middle is not a record
		while (len && buf[len - 1] != '\n')
			len--;
	}
	sc_history_load_buffer(h, h->path, buf, len, wfn, ctx);
out:
	free(buf);
	close(fd);
	return r;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fail(char *why, size_t len, const char *step, const char *path, int err)
{
	snprintf(why, len, "cannot %s %s: %s", step, path, strerror(err));
	return -err;
}

int sc_history_save(const struct sc_history *h, char *why, size_t why_len)
{
	char tmp[sizeof(h->path) + 8], dir[sizeof(h->path)];
	char *buf = NULL;
	int fd = -1, r;
	bool created = false, renamed = false;
	if (!h->path[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", h->path);
	buf = malloc(SC_HISTORY_FILE_MAX);
	if (!buf)
		return fail(why, why_len, "allocate a buffer for", h->path, ENOMEM);
	size_t used = strlen(SC_HISTORY_HEADER);
	memcpy(buf, SC_HISTORY_HEADER, used);
	for (size_t i = h->count; i-- > 0;) {
		const struct sc_history_entry *e = sc_history_newest(h, i);
		r = sc_history_format_line(e, buf + used, SC_HISTORY_FILE_MAX - used);
		if (r < 0)
			continue; // an entry that cannot be written is left out, not the history
		used += strlen(buf + used);
	}
	fd = mkstemp(tmp); // 0600 by construction, beside the file so that rename is atomic
	if (fd < 0) {
		r = fail(why, why_len, "create a temporary file beside", h->path, errno);
		goto out;
	}
	created = true;
	r = fchmod(fd, 0600) < 0 ? -errno : write_all(fd, buf, used);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0) {
		r = fail(why, why_len, "write", tmp, -r);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = fail(why, why_len, "write", tmp, errno);
		goto out;
	}
	fd = -1;
	if (rename(tmp, h->path) < 0) {
		r = fail(why, why_len, "rename the new history onto", h->path, errno);
		goto out;
	}
	renamed = true;
	// The rename lasts through a power cut only once the directory is on disk too.
	snprintf(dir, sizeof(dir), "%s", h->path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = 0;
	if (dfd < 0 || fsync(dfd) < 0)
		r = fail(why, why_len, "sync the folder of", h->path, errno);
	if (dfd >= 0)
		close(dfd);
out:
	if (fd >= 0)
		close(fd);
	if (created && !renamed)
		unlink(tmp);
	free(buf);
	return r;
}
