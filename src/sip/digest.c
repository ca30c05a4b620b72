// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/digest.h"

#include "base/secret.h"
#include "base/strutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/md5.h>
#include <wolfssl/wolfcrypt/sha256.h>

#define MAX_DIGEST 32

struct hash {
	enum sc_sip_digest_alg alg;
	union {
		wc_Md5 md5;
		wc_Sha256 sha256;
	} ctx;
};

static int hash_init(struct hash *h, enum sc_sip_digest_alg alg)
{
	h->alg = alg;
	return alg == SC_SIP_DIGEST_ALG_MD5 ? wc_InitMd5(&h->ctx.md5) : wc_InitSha256(&h->ctx.sha256);
}

static int hash_update(struct hash *h, const void *data, size_t len)
{
	if (h->alg == SC_SIP_DIGEST_ALG_MD5)
		return wc_Md5Update(&h->ctx.md5, data, (word32)len);
	return wc_Sha256Update(&h->ctx.sha256, data, (word32)len);
}

static int hash_str(struct hash *h, const char *s)
{
	return hash_update(h, s, strlen(s));
}

// Finishes into lower-case hex (RFC 7616 §3.4.1) and wipes the context.
static int hash_final_hex(struct hash *h, char *hex /* 2*MAX_DIGEST+1 */)
{
	uint8_t digest[MAX_DIGEST];
	size_t n = h->alg == SC_SIP_DIGEST_ALG_MD5 ? WC_MD5_DIGEST_SIZE : WC_SHA256_DIGEST_SIZE;
	int rc = h->alg == SC_SIP_DIGEST_ALG_MD5 ? wc_Md5Final(&h->ctx.md5, digest)
						 : wc_Sha256Final(&h->ctx.sha256, digest);
	if (h->alg == SC_SIP_DIGEST_ALG_MD5)
		wc_Md5Free(&h->ctx.md5);
	else
		wc_Sha256Free(&h->ctx.sha256);
	if (rc == 0)
		sc_hex_encode(digest, n, hex);
	sc_wipe(digest, sizeof(digest));
	sc_wipe(&h->ctx, sizeof(h->ctx));
	return rc ? -EIO : 0;
}

// H(a:b:c...) of NUL-terminated parts.
static int hash_parts(enum sc_sip_digest_alg alg, char *hex, int n, ...)
{
	struct hash h;
	int rc = hash_init(&h, alg);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n && rc == 0; i++) {
		if (i > 0)
			rc = hash_update(&h, ":", 1);
		if (rc == 0)
			rc = hash_str(&h, va_arg(ap, const char *));
	}
	va_end(ap);
	if (rc) {
		sc_wipe(&h.ctx, sizeof(h.ctx));
		return -EIO;
	}
	return hash_final_hex(&h, hex);
}

static int set_string(struct sc_sip_str value, char *dst, size_t cap)
{
	if (value.len && value.p[0] == '"')
		return sc_sip_unquote(value, dst, cap) < 0 ? -EINVAL : 0;
	if (!sc_sip_str_all(value, SC_SIP_C_TOKEN))
		return -EINVAL;
	return sc_sip_str_copy(value, dst, cap) ? -EINVAL : 0;
}

static bool list_has_auth(const char *qop)
{
	struct sc_sip_str rest = sc_sip_str_from(qop), item;
	while (sc_sip_next_value(&rest, &item))
		if (sc_sip_str_caseeq(item, "auth"))
			return true;
	return false;
}

int sc_sip_digest_parse_challenge(struct sc_sip_str value, struct sc_sip_digest_challenge *out)
{
	memset(out, 0, sizeof(*out));
	struct sc_sip_str v = sc_sip_trim(value);
	size_t i = 0;
	while (i < v.len && sc_sip_is((unsigned char)v.p[i], SC_SIP_C_TOKEN))
		i++;
	if (!sc_sip_str_caseeq((struct sc_sip_str){ v.p, i }, "Digest"))
		return i ? -ENOTSUP : -EINVAL;
	if (i == v.len || !sc_sip_is_lws(v.p[i]))
		return -EINVAL;
	struct sc_sip_str rest = sc_sip_trim((struct sc_sip_str){ v.p + i, v.len - i }), param;
	char algorithm[32] = "MD5", qop[128] = "", stale[16] = "", userhash[16] = "";
	unsigned seen = 0;
	while (sc_sip_next_value(&rest, &param)) {
		size_t n = 0;
		while (n < param.len && sc_sip_is((unsigned char)param.p[n], SC_SIP_C_TOKEN))
			n++;
		struct sc_sip_str name = { param.p, n };
		size_t eq = sc_sip_skip_lws(param.p, n, param.len);
		if (n == 0 || eq >= param.len || param.p[eq] != '=')
			return -EINVAL;
		struct sc_sip_str val = sc_sip_trim((struct sc_sip_str){ param.p + eq + 1, param.len - eq - 1 });
		static const char *const known[] = { "realm", "nonce", "opaque", "algorithm", "qop", "stale",
						     "userhash" };
		int k = -1;
		for (int j = 0; j < 7; j++)
			if (sc_sip_str_caseeq(name, known[j]))
				k = j;
		if (k < 0) {
			// unknown auth-params (domain, charset, ...) are allowed; they must still parse
			if (val.len == 0 || (val.p[0] == '"' && sc_sip_scan_quoted(val.p, 0, val.len) != val.len))
				return -EINVAL;
			continue;
		}
		if (seen & (1u << k))
			return -EINVAL; // RFC 7616 §3.3: no parameter twice
		seen |= 1u << k;
		char *dst[] = { out->realm, out->nonce, out->opaque, algorithm, qop, stale, userhash };
		size_t cap[] = { sizeof(out->realm), sizeof(out->nonce), sizeof(out->opaque), sizeof(algorithm),
				 sizeof(qop), sizeof(stale), sizeof(userhash) };
		if (set_string(val, dst[k], cap[k]))
			return -EINVAL;
	}
	if (!(seen & 1) || !(seen & 2) || !out->nonce[0])
		return -EINVAL; // realm and nonce are mandatory
	out->has_opaque = seen & 4;
	out->stale = strcasecmp(stale, "true") == 0;
	out->userhash = strcasecmp(userhash, "true") == 0;
	if (strcasecmp(algorithm, "MD5") == 0 || strcasecmp(algorithm, "MD5-sess") == 0)
		out->alg = SC_SIP_DIGEST_ALG_MD5;
	else if (strcasecmp(algorithm, "SHA-256") == 0 || strcasecmp(algorithm, "SHA-256-sess") == 0)
		out->alg = SC_SIP_DIGEST_ALG_SHA256;
	else
		return -ENOTSUP;
	out->sess = strcasecmp(algorithm, "MD5-sess") == 0 || strcasecmp(algorithm, "SHA-256-sess") == 0;
	out->has_qop = seen & 16;
	out->qop_auth = out->has_qop && list_has_auth(qop);
	if (out->has_qop && !out->qop_auth)
		return -ENOTSUP; // only auth-int offered: it would need the body hashed
	return 0;
}

int sc_sip_digest_pick(const struct sc_sip_msg *response, struct sc_sip_digest_challenge *out)
{
	enum sc_sip_hdr id = response->status == 407 ? SC_SIP_HDR_PROXY_AUTHENTICATE
						     : SC_SIP_HDR_WWW_AUTHENTICATE;
	bool found = false;
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(response, id, h));) {
		struct sc_sip_digest_challenge c;
		if (sc_sip_digest_parse_challenge(h->value, &c) != 0)
			continue;
		if (!found || (c.alg == SC_SIP_DIGEST_ALG_SHA256 && out->alg != SC_SIP_DIGEST_ALG_SHA256))
			*out = c;
		found = true;
	}
	return found ? 0 : -ENOENT;
}

struct out {
	char *buf;
	size_t cap, len;
	int err;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->err)
		return;
	if (o->cap - o->len <= n) {
		o->err = -ENOBUFS;
		return;
	}
	memcpy(o->buf + o->len, s, n + 1);
	o->len += n;
}

// name="value" with '"' and '\' escaped; CR, LF and other controls cannot be sent.
static void put_quoted_sep(struct out *o, const char *sep, const char *name, const char *value)
{
	put(o, sep);
	put(o, name);
	put(o, "=\"");
	for (const char *c = value; *c && !o->err; c++) {
		char one[3] = { '\\', *c, 0 };
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			o->err = -EINVAL;
		else
			put(o, (*c == '"' || *c == '\\') ? one : one + 1);
	}
	put(o, "\"");
}

static void put_quoted(struct out *o, const char *name, const char *value)
{
	put_quoted_sep(o, ", ", name, value);
}

int sc_sip_digest_authorization(const struct sc_sip_digest_challenge *ch, const char *username,
				const uint8_t *password, size_t password_len, const char *method,
				const char *uri, const char *cnonce, uint32_t nc, char *out_buf, size_t cap)
{
	char ha1[2 * MAX_DIGEST + 1], ha2[2 * MAX_DIGEST + 1], response[2 * MAX_DIGEST + 1];
	char user_field[2 * MAX_DIGEST + 1], nc_text[9];
	int rc = -EIO;
	if (!sc_sip_str_all(sc_sip_str_from(method), SC_SIP_C_TOKEN) || !cnonce[0] ||
	    strpbrk(uri, "\r\n\"") || !uri[0] || (ch->qop_auth && nc == 0))
		return -EINVAL;
	snprintf(nc_text, sizeof(nc_text), "%08x", nc);

	// HA1 = H(username:realm:password), fed piecewise so the password is never copied
	struct hash h;
	if (hash_init(&h, ch->alg) || hash_str(&h, username) || hash_update(&h, ":", 1) ||
	    hash_str(&h, ch->realm) || hash_update(&h, ":", 1) || hash_update(&h, password, password_len)) {
		sc_wipe(&h.ctx, sizeof(h.ctx));
		goto out;
	}
	if (hash_final_hex(&h, ha1))
		goto out;
	if (ch->sess && hash_parts(ch->alg, ha1, 3, ha1, ch->nonce, cnonce))
		goto out;
	if (hash_parts(ch->alg, ha2, 2, method, uri))
		goto out;
	if (ch->qop_auth ? hash_parts(ch->alg, response, 6, ha1, ch->nonce, nc_text, cnonce, "auth", ha2)
			 : hash_parts(ch->alg, response, 3, ha1, ch->nonce, ha2))
		goto out;
	if (ch->userhash && hash_parts(ch->alg, user_field, 2, username, ch->realm))
		goto out;

	struct out o = { out_buf, cap, 0, cap ? 0 : -ENOBUFS };
	if (cap)
		out_buf[0] = '\0';
	put(&o, "Digest ");
	put_quoted_sep(&o, "", "username", ch->userhash ? user_field : username);
	put_quoted(&o, "realm", ch->realm);
	put_quoted(&o, "nonce", ch->nonce);
	put_quoted(&o, "uri", uri);
	put_quoted(&o, "response", response);
	put(&o, ch->alg == SC_SIP_DIGEST_ALG_MD5 ? (ch->sess ? ", algorithm=MD5-sess" : ", algorithm=MD5")
						 : (ch->sess ? ", algorithm=SHA-256-sess" : ", algorithm=SHA-256"));
	if (ch->qop_auth) {
		put_quoted(&o, "cnonce", cnonce);
		put(&o, ", qop=auth, nc=");
		put(&o, nc_text);
	}
	if (ch->has_opaque)
		put_quoted(&o, "opaque", ch->opaque);
	if (ch->userhash)
		put(&o, ", userhash=true");
	rc = o.err ? o.err : (int)o.len;
out:
	sc_wipe(ha1, sizeof(ha1));
	sc_wipe(ha2, sizeof(ha2));
	sc_wipe(response, sizeof(response));
	return rc;
}
