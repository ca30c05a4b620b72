// SPDX-License-Identifier: GPL-3.0-or-later
// sip: — SIP over TLS only. Every way a policy could ask for signaling in the clear is
// refused here with the same words, so an operator searching for them finds the reason.
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "policy/net.h"
#include "policy/paths.h"
#include "policy/sections.h"

#define REFUSAL "sealcall refuses unencrypted signaling"

static void read_transport(struct pc_ctx *c, const struct pt_node *node)
{
	const char *text = pc_scalar(c, node, "sip.transport");
	if (!text || strcasecmp(text, "tls") == 0)
		return;
	if (strcasecmp(text, "udp") == 0 || strcasecmp(text, "tcp") == 0)
		pc_error(c, node, "sip.transport",
			 REFUSAL ": SIP over %s exposes who calls whom and the media keys' commitments (a=zrtp-hash) to anyone on the path, and lets them be altered; use transport: tls",
			 strcasecmp(text, "udp") == 0 ? "UDP" : "TCP");
	else
		pc_error(c, node, "sip.transport",
			 REFUSAL ": transport '%.30s' is not TLS, and only TLS keeps who calls whom and the media keys' commitments from anyone on the path; use transport: tls",
			 text);
}

static void read_tls_version(struct pc_ctx *c, const struct pt_node *node, struct sc_sip *sip)
{
	static const char *const weak[] = {
		"0", "1", "1.0", "1.1", "ssl3", "sslv3", "ssl3.0", "3.0", "tls1", "tls1.0",
		"tls1.1", "tlsv1", "tlsv1.0", "tlsv1.1", "none", "off",
	};
	const char *text = pc_scalar(c, node, "sip.tls_min_version");
	if (!text)
		return;
	if (strcmp(text, "1.2") == 0) {
		sip->tls_min_version = SC_TLS_1_2;
		return;
	}
	if (strcmp(text, "1.3") == 0) {
		sip->tls_min_version = SC_TLS_1_3;
		return;
	}
	for (size_t i = 0; i < PC_COUNT(weak); i++) {
		if (strcasecmp(text, weak[i]) == 0) {
			pc_error(c, node, "sip.tls_min_version",
				 REFUSAL ": '%s' allows SSL 3.0 or TLS 1.0/1.1, whose CBC MAC-then-encrypt records and MD5/SHA-1 handshakes are broken, so signaling behind them cannot be trusted to stay private; use tls_min_version: \"1.2\" or \"1.3\"",
				 weak[i]);
			return;
		}
	}
	pc_error(c, node, "sip.tls_min_version", "'%.30s' is not a TLS version; use \"1.2\" or \"1.3\"",
		 text);
}

static void read_registrar_uri(struct pc_ctx *c, const struct pt_node *node,
			       struct sc_registrar *r)
{
	const char *path = "sip.registrar.uri";
	const char *text = pc_scalar(c, node, path);
	if (!text)
		return;
	struct net_sip_uri uri;
	bool plaintext;
	const char *why = net_parse_sips_uri(text, false, &uri, &plaintext);
	if (plaintext) {
		pc_error(c, node, path,
			 REFUSAL ": '%.60s' %s, which sends REGISTER and the calls routed through the hub over plain UDP or TCP, exposing who calls whom and the digest exchange; write it as sips:HOST:5061",
			 text, why);
		return;
	}
	if (why) {
		pc_error(c, node, path, "'%.60s' %s; write the registrar as sips:hub.example.net:5061", text, why);
		return;
	}
	if (sc_strcpy(r->uri, sizeof(r->uri), text) != 0) {
		pc_error(c, node, path, "is longer than %d characters; shorten it", SC_URI_MAX - 1);
		return;
	}
	sc_strcpy(r->host, sizeof(r->host), uri.host);
	r->port = uri.port ? uri.port : 5061;
}

static void read_registrar(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "uri", true, "uri: sips:hub.sealcall.internal:5061" },
		{ "address", true, "address: 10.77.0.254" },
		{ "username", false, NULL },
		{ "password_file", true, "password_file: /etc/sealcall/registrar.password" },
		{ "expires", false, NULL },
	};
	struct sc_registrar *r = &p->sip.registrar;
	const struct pt_node *v;
	uint32_t n;
	if (!pc_map(c, node, "sip.registrar", keys, PC_COUNT(keys)))
		return;
	p->sip.has_registrar = true;
	r->expires_s = 600;
	sc_strcpy(r->username, sizeof(r->username), p->site_name);
	if ((v = pc_get(node, "uri")))
		read_registrar_uri(c, v, r);
	const char *text;
	if ((v = pc_get(node, "address")) && (text = pc_scalar(c, v, "sip.registrar.address"))) {
		const char *why = net_parse_prefix(text, NET_HOST_ONLY, &r->address);
		if (why)
			pc_error(c, v, "sip.registrar.address",
				 "'%.60s' %s; give the registrar's tunnel address, e.g. 10.77.0.254", text, why);
	}
	if ((v = pc_get(node, "username")) && (text = pc_scalar(c, v, "sip.registrar.username"))) {
		if (!net_valid_sip_user(text))
			pc_error(c, v, "sip.registrar.username",
				 "'%.40s' is not a valid SIP user name; use 1 to 64 letters, digits or - _ . ~ +", text);
		else
			sc_strcpy(r->username, sizeof(r->username), text);
	}
	if ((v = pc_get(node, "password_file")) &&
	    pc_file_path(c, v, "sip.registrar.password_file", r->password_file))
		pc_check_file(c, v, "sip.registrar.password_file", r->password_file, PC_FILE_PASSWORD);
	if ((v = pc_get(node, "expires")) && pc_u32(c, v, "sip.registrar.expires", 60, 86400, &n))
		r->expires_s = n;
}

bool section_sip(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "transport", false, NULL },
		{ "port", false, NULL },
		{ "tls_min_version", false, NULL },
		{ "certificate", true, "certificate: /etc/sealcall/site.crt" },
		{ "private_key", true, "private_key: /etc/sealcall/site.key" },
		{ "ca", true, "ca: /etc/sealcall/ca.crt" },
		{ "registrar", false, NULL },
	};
	struct sc_sip *sip = &p->sip;
	const struct pt_node *v;
	uint32_t n;
	size_t before = pc_error_count(c);
	if (!pc_map(c, node, "sip", keys, PC_COUNT(keys)))
		return false;
	if ((v = pc_get(node, "transport")))
		read_transport(c, v);
	if ((v = pc_get(node, "port")) && pc_u32(c, v, "sip.port", 1, 65535, &n))
		sip->port = (uint16_t)n;
	if ((v = pc_get(node, "tls_min_version")))
		read_tls_version(c, v, sip);
	if ((v = pc_get(node, "certificate")) && pc_file_path(c, v, "sip.certificate", sip->certificate))
		pc_check_file(c, v, "sip.certificate", sip->certificate, PC_FILE_PUBLIC);
	if ((v = pc_get(node, "private_key")) && pc_file_path(c, v, "sip.private_key", sip->private_key))
		pc_check_file(c, v, "sip.private_key", sip->private_key, PC_FILE_SECRET);
	if ((v = pc_get(node, "ca")) && pc_file_path(c, v, "sip.ca", sip->ca))
		pc_check_file(c, v, "sip.ca", sip->ca, PC_FILE_PUBLIC);
	if ((v = pc_get(node, "registrar")))
		read_registrar(c, v, p);
	return pc_error_count(c) == before;
}
