// SPDX-License-Identifier: GPL-3.0-or-later
// Key options (`command=`, `from=`, `restrict`, `no-pty`, ...) are refused rather than
// carried: they decide what root may do over SSH on the appliance, a policy decision the
// operator should make and see on the device, not one that arrives silently in a bundle
// copied from a PC. A plain key line then means exactly one thing: this key may log in.
#include "provision/authorized_keys.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/strutil.h"

enum key_kind { KIND_ED25519, KIND_ECDSA, KIND_SK_ED25519, KIND_SK_ECDSA, KIND_RSA };

struct key_type {
	const char *name;
	enum key_kind kind;
	const char *curve;  // ECDSA: the curve named inside the key
	size_t public_len;  // Ed25519: the key; ECDSA: the uncompressed point
};

static const struct key_type key_types[] = {
	{ "ssh-ed25519", KIND_ED25519, NULL, 32 },
	{ "ecdsa-sha2-nistp256", KIND_ECDSA, "nistp256", 65 },
	{ "ecdsa-sha2-nistp384", KIND_ECDSA, "nistp384", 97 },
	{ "ecdsa-sha2-nistp521", KIND_ECDSA, "nistp521", 133 },
	{ "sk-ssh-ed25519@openssh.com", KIND_SK_ED25519, NULL, 32 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", KIND_SK_ECDSA, "nistp256", 65 },
	{ "ssh-rsa", KIND_RSA, NULL, 0 },
};

#define TYPES_ACCEPTED                                                                        \
	"ssh-ed25519, ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com, "             \
	"sk-ecdsa-sha2-nistp256@openssh.com or ssh-rsa"

// The longest key OpenSSH makes, 16384-bit RSA, is about 2 800 base64 characters.
#define B64_MAX 4096

struct span {
	const char *p;
	size_t n;
};

struct checker {
	pv_ak_report report;
	void *ctx;
	unsigned line;
	size_t problems;
};

__attribute__((format(printf, 3, 4))) static void refuse(struct checker *c, unsigned column,
							   const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	c->report(c->ctx, c->line, column, message);
	c->problems++;
}

// S for a message: at most 40 characters, anything unprintable shown as '?'.
static const char *shown(struct span s, char out[48])
{
	size_t n = s.n > 40 ? 40 : s.n, i;
	for (i = 0; i < n; i++)
		out[i] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? s.p[i] : '?';
	strcpy(out + i, s.n > n ? "..." : "");
	return out;
}

static bool span_is(struct span s, const char *text)
{
	return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

static struct span next_token(const char *line, size_t len, size_t *pos)
{
	while (*pos < len && (line[*pos] == ' ' || line[*pos] == '\t'))
		(*pos)++;
	size_t start = *pos;
	while (*pos < len && line[*pos] != ' ' && line[*pos] != '\t')
		(*pos)++;
	return (struct span){ line + start, *pos - start };
}

static const struct key_type *find_type(struct span s)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (span_is(s, key_types[i].name))
			return &key_types[i];
	return NULL;
}

// An SSH wire-format string (RFC 4251 §5): a 32-bit big-endian length, then the bytes.
static bool read_string(const uint8_t *blob, size_t len, size_t *off, struct span *out)
{
	if (len - *off < 4)
		return false;
	uint32_t n = (uint32_t)blob[*off] << 24 | (uint32_t)blob[*off + 1] << 16 |
		     (uint32_t)blob[*off + 2] << 8 | blob[*off + 3];
	*off += 4;
	if (n > len - *off)
		return false;
	out->p = (const char *)blob + *off;
	out->n = n;
	*off += n;
	return true;
}

// The size of an RSA modulus written as an SSH mpint (big-endian, maybe a leading zero).
static unsigned mpint_bits(struct span m)
{
	size_t i = 0;
	while (i < m.n && m.p[i] == 0)
		i++;
	if (i == m.n)
		return 0;
	unsigned bits = (unsigned)(m.n - i - 1) * 8;
	for (unsigned char top = (unsigned char)m.p[i]; top; top >>= 1)
		bits++;
	return bits;
}

static void check_blob(struct checker *c, unsigned column, const struct key_type *t,
		       const uint8_t *blob, size_t len)
{
	size_t off = 0;
	struct span type, a, b, application;
	char seen[48];
	if (!read_string(blob, len, &off, &type)) {
		refuse(c, column, "the key data is cut short; copy the whole line from the .pub file");
		return;
	}
	if (!span_is(type, t->name)) {
		refuse(c, column,
		       "the key data is of type '%s' but the line says %s; copy the line unchanged from the .pub file",
		       shown(type, seen), t->name);
		return;
	}
	bool whole = false;
	switch (t->kind) {
	case KIND_ED25519:
	case KIND_SK_ED25519:
		whole = read_string(blob, len, &off, &a) && a.n == t->public_len &&
			(t->kind == KIND_ED25519 || read_string(blob, len, &off, &application));
		break;
	case KIND_ECDSA:
	case KIND_SK_ECDSA:
		whole = read_string(blob, len, &off, &a) && span_is(a, t->curve) &&
			read_string(blob, len, &off, &b) && b.n == t->public_len && b.p[0] == 0x04 &&
			(t->kind == KIND_ECDSA || read_string(blob, len, &off, &application));
		break;
	case KIND_RSA:
		whole = read_string(blob, len, &off, &a) && read_string(blob, len, &off, &b);
		if (whole && mpint_bits(b) < PV_RSA_MIN_BITS) {
			refuse(c, column,
			       "this RSA key has %u bits, under the %d that guard root on the appliance; make an ed25519 key (ssh-keygen -t ed25519) or an RSA key of 3072 bits (ssh-keygen -t rsa -b 3072) and give its .pub file",
			       mpint_bits(b), PV_RSA_MIN_BITS);
			return;
		}
		break;
	}
	if (!whole)
		refuse(c, column, "the key data is not a whole %s key; copy the whole line from the .pub file",
		       t->name);
}

static void refuse_unknown_type(struct checker *c, const char *line, size_t len, struct span first)
{
	unsigned column = (unsigned)(first.p - line) + 1;
	char seen[48];
	size_t pos = (size_t)(first.p - line) + first.n;
	for (struct span t = next_token(line, len, &pos); t.n; t = next_token(line, len, &pos)) {
		if (find_type(t)) {
			struct span options = { first.p, (size_t)(t.p - first.p) };
			while (options.n && (options.p[options.n - 1] == ' ' || options.p[options.n - 1] == '\t'))
				options.n--;
			refuse(c, column,
			       "starts with key options (%s); a bundle carries plain keys only: what root may do over SSH (command=, from=, restrict) is for the operator to set on the appliance itself; remove everything before %s",
			       shown(options, seen), find_type(t)->name);
			return;
		}
	}
	if (first.n > 3 && memcmp(first.p, "\xef\xbb\xbf", 3) == 0)
		refuse(c, column,
		       "starts with a byte order mark (an editor saved it as \"UTF-8 with BOM\"), which sshd does not read; save it as plain UTF-8 or ASCII");
	else if (span_is(first, "ssh-dss"))
		refuse(c, column,
		       "DSA keys (ssh-dss) are too weak and OpenSSH no longer accepts them by default; make an ed25519 key (ssh-keygen -t ed25519) and give its .pub file");
	else
		refuse(c, column,
		       "'%s' is not a public key type a bundle accepts; give lines as the .pub files hold them, TYPE BASE64 [comment], with TYPE one of " TYPES_ACCEPTED,
		       shown(first, seen));
}

// Returns false after a private key: the rest of its file is the key's own lines.
static bool check_line(struct checker *c, const char *line, size_t len, size_t *keys)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (memmem(line, len, "PRIVATE KEY", 11) || memmem(line, len, "-----BEGIN", 10)) {
		refuse(c, 1,
		       "this is a private key: give the .pub file (the public half, e.g. ~/.ssh/id_ed25519.pub); a private key must never leave the administrator's PC");
		return false;
	}
	size_t pos = 0;
	struct span type = next_token(line, len, &pos);
	if (type.n == 0 || type.p[0] == '#')
		return true;
	const struct key_type *t = find_type(type);
	if (!t) {
		refuse_unknown_type(c, line, len, type);
		return true;
	}
	struct span b64 = next_token(line, len, &pos);
	unsigned column = (unsigned)(b64.p - line) + 1;
	if (b64.n == 0) {
		refuse(c, (unsigned)(type.p - line) + 1,
		       "has the key type %s but no key after it; copy the whole line from the .pub file", t->name);
		return true;
	}
	char text[B64_MAX + 1], seen[48];
	uint8_t blob[B64_MAX / 4 * 3];
	if (b64.n > B64_MAX) {
		refuse(c, column, "the key is longer than any public key (%d base64 characters); copy the line from the .pub file",
		       B64_MAX);
		return true;
	}
	memcpy(text, b64.p, b64.n);
	text[b64.n] = '\0';
	int n = sc_base64_decode(text, blob, sizeof(blob));
	if (n < 0) {
		refuse(c, column, "'%s' is not base64 key data; copy the whole line from the .pub file",
		       shown(b64, seen));
		return true;
	}
	size_t before = c->problems;
	check_blob(c, column, t, blob, (size_t)n);
	if (c->problems == before)
		(*keys)++;
	return true;
}

size_t pv_authorized_keys_check(const char *text, size_t len, pv_ak_report report, void *ctx,
				size_t *keys)
{
	struct checker c = { report, ctx, 0, 0 };
	*keys = 0;
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		const char *line_start = text;
		c.line = 1;
		for (const char *p = text; p < nul; p++)
			if (*p == '\n') {
				c.line++;
				line_start = p + 1;
			}
		refuse(&c, (unsigned)(nul - line_start) + 1,
		       "holds a NUL byte, so it is not a text file of public keys; give the .pub files' lines, one key per line");
		return c.problems;
	}
	for (size_t pos = 0; pos < len;) {
		const char *start = text + pos;
		const char *newline = memchr(start, '\n', len - pos);
		size_t n = newline ? (size_t)(newline - start) : len - pos;
		c.line++;
		if (!check_line(&c, start, n, keys))
			return c.problems;
		pos += n + (newline ? 1 : 0);
	}
	if (*keys == 0 && c.problems == 0) {
		c.line = 0;
		refuse(&c, 0,
		       "holds no public key, only blank lines and comments; put the administrators' public keys in it (their .pub files, one key per line)");
	}
	return c.problems;
}
