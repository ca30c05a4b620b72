// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/strutil.h"

static unsigned max_len(int family)
{
	return family == AF_INET ? 32 : 128;
}

const char *net_parse_prefix(const char *text, enum net_prefix_form form, struct sc_prefix *out)
{
	char addr[INET6_ADDRSTRLEN + 8];
	if (sc_strcpy(addr, sizeof(addr), text) != 0)
		return "is too long to be an IP address";
	char *slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	struct sc_prefix p = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET };
	if (inet_pton(p.family, addr, p.addr) != 1)
		return "is not an IPv4 or IPv6 address";
	uint32_t len = max_len(p.family);
	if (slash && sc_parse_u32(slash + 1, 0, max_len(p.family), &len) != 0)
		return p.family == AF_INET ? "has a prefix length outside /0../32"
					   : "has a prefix length outside /0../128";
	if (form == NET_PREFIX_REQUIRED && !slash)
		return "needs a prefix length, e.g. /24 or /64";
	if (form == NET_HOST_ONLY && len != max_len(p.family))
		return "must be one address (/32 or /128), not a subnet";
	p.prefix_len = (uint8_t)len;
	*out = p;
	return NULL;
}

bool sc_prefix_contains(const struct sc_prefix *net, int family, const uint8_t *addr)
{
	if (!net || !addr || net->family != family)
		return false;
	unsigned bits = net->prefix_len, whole = bits / 8, rest = bits % 8;
	if (bits > max_len(family))
		return false;
	if (memcmp(net->addr, addr, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (net->addr[whole] & mask) == (addr[whole] & mask);
}

void net_prefix_network(const struct sc_prefix *p, struct sc_prefix *out)
{
	*out = *p;
	unsigned total = max_len(p->family) / 8;
	for (unsigned i = 0; i < total; i++) {
		unsigned first_bit = i * 8;
		if (first_bit >= p->prefix_len)
			out->addr[i] = 0;
		else if (first_bit + 8 > p->prefix_len)
			out->addr[i] &= (uint8_t)(0xff << (8 - (p->prefix_len - first_bit)));
	}
}

bool net_prefix_is_network(const struct sc_prefix *p)
{
	struct sc_prefix net;
	net_prefix_network(p, &net);
	return memcmp(net.addr, p->addr, sizeof(net.addr)) == 0;
}

bool net_prefixes_overlap(const struct sc_prefix *a, const struct sc_prefix *b)
{
	if (a->family != b->family)
		return false;
	// Prefixes are nested or disjoint: they overlap when the shorter contains the other.
	return a->prefix_len <= b->prefix_len ? sc_prefix_contains(a, b->family, b->addr)
					      : sc_prefix_contains(b, a->family, a->addr);
}

int net_prefix_compare(const struct sc_prefix *a, const struct sc_prefix *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	struct sc_prefix na, nb;
	net_prefix_network(a, &na);
	net_prefix_network(b, &nb);
	int c = memcmp(na.addr, nb.addr, sizeof(na.addr));
	if (c)
		return c;
	return a->prefix_len < b->prefix_len ? -1 : a->prefix_len > b->prefix_len;
}

const char *sc_prefix_format(const struct sc_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	if (!p || !buf || len == 0)
		return "";
	if ((p->family != AF_INET && p->family != AF_INET6) ||
	    !inet_ntop(p->family, p->addr, addr, sizeof(addr))) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%s/%u", addr, p->prefix_len);
	return buf;
}

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

bool net_valid_dns_name(const char *host)
{
	size_t n = strlen(host);
	if (n == 0 || n > SC_HOST_MAX)
		return false;
	const char *label = host;
	bool last_all_digits = true;
	for (;;) {
		const char *end = strchr(label, '.');
		size_t len = end ? (size_t)(end - label) : strlen(label);
		if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
			return false;
		last_all_digits = true;
		for (size_t i = 0; i < len; i++) {
			if (!is_alnum(label[i]) && label[i] != '-')
				return false;
			if (label[i] < '0' || label[i] > '9')
				last_all_digits = false;
		}
		if (!end)
			break;
		label = end + 1;
	}
	// A numeric last label is a mistyped IPv4 address (10.77.0.300), not a name.
	return !last_all_digits;
}

static const char *parse_port(const char *text, uint16_t *port)
{
	uint32_t v;
	if (!text[0])
		return "needs a port after the colon";
	if (sc_parse_u32(text, 1, 65535, &v) != 0)
		return "has a port that is not a number from 1 to 65535";
	*port = (uint16_t)v;
	return NULL;
}

// HOSTPORT is "host", "host:port", "[v6]" or "[v6]:port"; PORT stays 0 when absent.
static const char *parse_hostport(const char *hostport, bool need_port, char host[SC_HOST_MAX + 1],
				  uint16_t *port)
{
	char buf[SC_HOST_MAX + 16];
	const char *port_text = NULL;
	uint8_t scratch[16];
	if (sc_strcpy(buf, sizeof(buf), hostport) != 0)
		return "has a host name longer than 253 characters";
	*port = 0;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return "has '[' without the closing ']'";
		*close = '\0';
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			return "has text after ']' that is not ':port'";
		if (inet_pton(AF_INET6, buf + 1, scratch) != 1)
			return "has an invalid IPv6 address between [ and ]";
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else {
		char *colon = strchr(buf, ':');
		if (colon && strchr(colon + 1, ':'))
			return "has an IPv6 address without brackets; write it as [2001:db8::7]:port";
		if (colon) {
			*colon = '\0';
			port_text = colon + 1;
		}
		if (inet_pton(AF_INET, buf, scratch) != 1 && !net_valid_dns_name(buf))
			return "has a host that is neither an IP address nor a valid DNS name";
	}
	if (port_text) {
		const char *why = parse_port(port_text, port);
		if (why)
			return why;
	} else if (need_port) {
		return "needs a port, e.g. :51820";
	}
	sc_strcpy(host, SC_HOST_MAX + 1, buf);
	return NULL;
}

const char *net_parse_endpoint(const char *text, char host[SC_HOST_MAX + 1], uint16_t *port)
{
	return parse_hostport(text, true, host, port);
}

bool net_valid_sip_user(const char *user)
{
	size_t n = strlen(user);
	if (n == 0 || n > SC_NAME_MAX * 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(user[i]) && !strchr("-_.~+", user[i]))
			return false;
	return true;
}

// Finds transport=udp|tcp among ";params" so a downgrade hidden in a parameter is named.
static bool params_ask_plaintext(const char *params)
{
	const char *p = params;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		if (strncasecmp(p, "transport=", 10) == 0) {
			const char *v = p + 10;
			size_t len = strcspn(v, ";?");
			if (!(len == 3 && strncasecmp(v, "tls", 3) == 0))
				return true;
		}
	}
	return false;
}

const char *net_parse_sips_uri(const char *text, bool need_user, struct net_sip_uri *out,
			       bool *plaintext)
{
	*plaintext = false;
	memset(out, 0, sizeof(*out));
	if (strncasecmp(text, "sip:", 4) == 0) {
		*plaintext = true;
		return "uses the sip: scheme";
	}
	if (strncasecmp(text, "sips:", 5) != 0)
		return "is not a sips: URI";
	const char *rest = text + 5;
	const char *params = strpbrk(rest, ";?");
	if (params) {
		if (params_ask_plaintext(params)) {
			*plaintext = true;
			return "asks for a plaintext transport";
		}
		return "has URI parameters or headers (;... or ?...), which the policy does not use; remove them";
	}
	const char *at = strchr(rest, '@');
	if (at) {
		char user[SC_NAME_MAX * 2 + 2];
		size_t len = (size_t)(at - rest);
		static const char bad_user[] = "has a user part that is not 1 to 64 letters, digits or - _ . ~ +";
		if (len >= sizeof(user))
			return bad_user;
		memcpy(user, rest, len);
		user[len] = '\0';
		if (!net_valid_sip_user(user))
			return bad_user;
		sc_strcpy(out->user, sizeof(out->user), user);
		rest = at + 1;
	} else if (need_user) {
		return "has no user part; write sips:NAME@HOST";
	}
	return parse_hostport(rest, false, out->host, &out->port);
}
