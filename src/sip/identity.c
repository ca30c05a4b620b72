// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/identity.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/secret.h"
#include "sip/text.h"

__attribute__((format(printf, 3, 4)))
static int refuse(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;
	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EACCES;
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool prefix_is(const struct sc_prefix *p, int family, const uint8_t *addr)
{
	return p->family == family && memcmp(p->addr, addr, addr_len(family)) == 0;
}

static const char *format_addr(int family, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(family, addr, buf, (socklen_t)len))
		snprintf(buf, len, "(address family %d)", family);
	return buf;
}

int sc_sip_identity_expect_incoming(const struct sc_policy *p, int family, const uint8_t *addr,
				    uint16_t port, struct sc_sip_identity *out, char *why,
				    size_t why_len)
{
	char text[INET6_ADDRSTRLEN];
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->addr, addr, addr_len(family));
	out->port = port;
	if (family != AF_INET && family != AF_INET6)
		return refuse(why, why_len, "source: not an IP address");
	for (size_t i = 0; i < p->n_directory; i++) {
		if (prefix_is(&p->directory[i].address, family, addr)) {
			out->kind = SC_SIP_PEER_SITE;
			out->entry = &p->directory[i];
			return 0;
		}
	}
	if (p->sip.has_registrar && prefix_is(&p->sip.registrar.address, family, addr)) {
		out->kind = SC_SIP_PEER_REGISTRAR;
		return 0;
	}
	format_addr(family, addr, text, sizeof(text));
	if (!sc_policy_peer_for_address(p, family, addr))
		return refuse(why, why_len,
			      "source %s lies outside every peer's allowed_ips (only sites inside the "
			      "tunnel may connect)", text);
	if (p->rules.accept_unknown_callers) {
		out->kind = SC_SIP_PEER_UNKNOWN;
		return 0;
	}
	return refuse(why, why_len,
		      "no directory entry has the address %s (add the site to the directory, or "
		      "set rules.accept_unknown_callers)", text);
}

int sc_sip_identity_uri_host(const char *uri, char *host, size_t host_len)
{
	struct sc_sip_uri u;
	if (!uri || sc_sip_uri_parse(sc_sip_str_from(uri), &u) != 0)
		return -EINVAL;
	if (u.scheme != SC_SIP_SCHEME_SIP && u.scheme != SC_SIP_SCHEME_SIPS)
		return -EINVAL;
	struct sc_sip_str h = u.host;
	if (h.len >= 2 && h.p[0] == '[') {
		h.p++;
		h.len -= 2;
	}
	if (h.len == 0 || h.len >= host_len)
		return -EINVAL;
	for (size_t i = 0; i < h.len; i++) {
		char c = h.p[i];
		host[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	host[h.len] = '\0';
	return 0;
}

int sc_sip_identity_expected_name(const struct sc_sip_identity *id, const struct sc_policy *p,
				  char *name, size_t name_len)
{
	switch (id->kind) {
	case SC_SIP_PEER_SITE:
		return id->entry ? sc_sip_identity_uri_host(id->entry->uri, name, name_len) : -EINVAL;
	case SC_SIP_PEER_REGISTRAR:
		if (!p->sip.has_registrar)
			return -EINVAL;
		return sc_sip_identity_uri_host(p->sip.registrar.uri, name, name_len);
	case SC_SIP_PEER_UNKNOWN:
		if (name_len == 0)
			return -EINVAL;
		name[0] = '\0';
		return 0;
	case SC_SIP_PEER_NONE:
		break;
	}
	return -EINVAL;
}

static const char *peer_label(const struct sc_sip_identity *id)
{
	switch (id->kind) {
	case SC_SIP_PEER_SITE:
		return id->entry ? id->entry->name : "site";
	case SC_SIP_PEER_REGISTRAR:
		return "the registrar";
	case SC_SIP_PEER_UNKNOWN:
		return "an unknown site";
	case SC_SIP_PEER_NONE:
		break;
	}
	return "nobody";
}

int sc_sip_identity_match_names(struct sc_sip_identity *id, const struct sc_policy *p,
				const char *const *dns_names, size_t n_names, char *why,
				size_t why_len)
{
	char expected[SC_HOST_MAX + 1];
	if (sc_sip_identity_expected_name(id, p, expected, sizeof(expected)) != 0)
		return refuse(why, why_len, "no certificate name is known for %s", peer_label(id));
	if (n_names == 0)
		return refuse(why, why_len,
			      "the certificate has no DNS subjectAltName (expected %s; reissue it "
			      "with sealcall provision)", expected[0] ? expected : "one");
	if (!expected[0]) {
		// An unknown site is vouched for by the CA alone; keep its first name for From checks.
		if (strlen(dns_names[0]) > SC_HOST_MAX)
			return refuse(why, why_len, "the certificate's DNS name is too long");
		strcpy(id->san, dns_names[0]);
		return 0;
	}
	for (size_t i = 0; i < n_names; i++) {
		if (dns_names[i] && strcasecmp(dns_names[i], expected) == 0) {
			strcpy(id->san, expected);
			return 0;
		}
	}
	return refuse(why, why_len,
		      "the certificate names %s, not %s (the name in the directory URI of that "
		      "address)", dns_names[0], expected);
}

int sc_sip_identity_check_pin(const struct sc_directory_entry *entry,
			      const uint8_t spki_sha256[32], char *why, size_t why_len)
{
	if (!entry || !entry->has_pin)
		return 0;
	if (sc_ct_memcmp(entry->spki_sha256, spki_sha256, 32) == 0)
		return 0;
	return refuse(why, why_len,
		      "the certificate's public key does not match the tls_pin of %s (a new key "
		      "needs a new pin in the directory)", entry->name);
}

// Compares two URI user parts after %-decoding: "alice" and "%61lice" are the same user.
static bool user_equal(struct sc_sip_str a, struct sc_sip_str b)
{
	char da[SC_URI_MAX], db[SC_URI_MAX];
	if (!sc_sip_str_present(a) || !sc_sip_str_present(b))
		return !sc_sip_str_present(a) && !sc_sip_str_present(b);
	if (sc_sip_unescape(a, da, sizeof(da)) < 0 || sc_sip_unescape(b, db, sizeof(db)) < 0)
		return false;
	return strcmp(da, db) == 0;
}

// For messages only: a URI too long for the buffer is shown cut, ending in "...".
static void copy_str(struct sc_sip_str s, char *dst, size_t len)
{
	size_t n = s.p ? (s.len < len - 1 ? s.len : len - 1) : 0;
	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
	if (s.p && n < s.len && len > 4)
		strcpy(dst + len - 4, "...");
}

int sc_sip_identity_check_from(const struct sc_sip_identity *id, const struct sc_sip_uri *from,
			       char *why, size_t why_len)
{
	char got[SC_URI_MAX];
	copy_str(from->raw, got, sizeof(got));
	if (!id->authenticated)
		return refuse(why, why_len, "From %s arrived on an unauthenticated connection", got);
	if (from->scheme != SC_SIP_SCHEME_SIP && from->scheme != SC_SIP_SCHEME_SIPS)
		return refuse(why, why_len, "From %s is not a SIP URI", got);
	switch (id->kind) {
	case SC_SIP_PEER_REGISTRAR:
		return 0;
	case SC_SIP_PEER_UNKNOWN: {
		if (!sc_sip_str_caseeq(from->host, id->san))
			return refuse(why, why_len, "From %s does not match the caller's certificate (%s)",
				      got, id->san);
		return 0;
	}
	case SC_SIP_PEER_SITE: {
		struct sc_sip_uri want;
		if (!id->entry || sc_sip_uri_parse(sc_sip_str_from(id->entry->uri), &want) != 0)
			return refuse(why, why_len, "From %s: the directory URI is unusable", got);
		if (from->scheme != want.scheme || !sc_sip_str_caseequal(from->host, want.host) ||
		    !user_equal(from->user, want.user))
			return refuse(why, why_len, "From %s is not %s, the site this connection "
				      "authenticated as", got, id->entry->uri);
		return 0;
	}
	case SC_SIP_PEER_NONE:
		break;
	}
	return refuse(why, why_len, "From %s: the connection has no identity", got);
}
