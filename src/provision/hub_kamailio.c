// SPDX-License-Identifier: GPL-3.0-or-later
// Kamailio as the hub's SIP registrar and proxy: TLS only, on the hub's tunnel address, with
// mutual certificate authentication; sites register with digest credentials checked against
// HA1 hashes (db_text), and calls between registered sites are relayed over the callee's own
// TLS connection. Media never passes through it: ZRTP keys it end to end.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/md5.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "provision/addr.h"
#include "provision/plan.h"

// Mutual TLS 1.2+ with ECDHE and AEAD only, as the appliances themselves (TLS 1.3 suites are
// all AEAD with ephemeral keys).
static const char cipher_list[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305";

void pv_write_kamailio_tls_cfg(struct pv_text *out)
{
	pv_text_printf(out, "# TLS of the sealcall hub's Kamailio, made by 'sealcall provision'. Relative\n"
			    "# file names are taken from the folder of kamailio.cfg. Both directions need\n"
			    "# a certificate of the deployment CA: sites prove who they are before any SIP.\n");
	static const char *const roles[] = { "server", "client" };
	for (size_t i = 0; i < 2; i++)
		pv_text_printf(out,
			       "\n[%s:default]\n"
			       "method = TLSv1.2+\n"
			       "verify_certificate = yes\n"
			       "require_certificate = yes\n"
			       "certificate = hub.crt\n"
			       "private_key = hub.key\n"
			       "ca_list = ca.crt\n"
			       "cipher_list = %s\n",
			       roles[i], cipher_list);
}

static void write_globals(const struct pv_plan *plan, struct pv_text *t)
{
	const struct sc_sites *s = plan->sites;
	char addr[64];
	pv_addr_format(&plan->hub.address, addr, sizeof(addr));
	bool v6 = plan->hub.address.family == AF_INET6;
	pv_text_printf(t,
		       "#!KAMAILIO\n"
		       "#\n"
		       "# Kamailio of the sealcall hub '%s' (domain %s, %zu sites), made by\n"
		       "# 'sealcall provision': change the sites file and run it again rather than editing.\n"
		       "#\n"
		       "# SIP over TLS only, on the hub's tunnel address: no UDP or TCP listener exists.\n"
		       "# Every connection presents a certificate of the deployment CA (tls.cfg). A site\n"
		       "# registers its own name only, with digest authentication (HA1 hashes in\n"
		       "# db/subscriber, never the passwords) over a connection carrying its own certificate;\n"
		       "# requests from a site must come from its own name too. Calls between registered sites\n"
		       "# go back over the callee's own TLS connection. Media never passes through here.\n"
		       "#\n"
		       "# Install this folder as SEALCALL_DIR (below), owned by the user Kamailio runs as (its\n"
		       "# keys and tables are 0600), then:\n"
		       "#     kamailio -c -f SEALCALL_DIR/kamailio.cfg     # check\n"
		       "#     kamailio -DD -E -f SEALCALL_DIR/kamailio.cfg # run in the foreground\n"
		       "\n"
		       "#!substdef \"!SEALCALL_DIR!/etc/kamailio/sealcall!g\"\n"
		       "\n"
		       "debug=2\n"
		       "log_stderror=no\n"
		       "log_facility=LOG_LOCAL0\n"
		       "server_signature=no\n"
		       "sip_warning=0\n"
		       "auto_aliases=no\n"
		       "alias=\"%s.%s:%u\"\n"
		       "listen=tls:%s%s%s:%u\n"
		       "enable_tls=yes\n"
		       "# TLS runs on Kamailio's TCP layer; with no tcp: listener, no plain TCP is accepted.\n"
		       "disable_tcp=no\n"
		       "disable_sctp=yes\n"
		       "# One process reads every TLS connection: Kamailio 5.6 with OpenSSL 3 (Debian 12)\n"
		       "# dropped connections under load with several (\"protocol level error\"), as TLS\n"
		       "# state moved between its processes; one copes with far more calls than sites make.\n"
		       "tcp_children=1\n"
		       "# Registrations keep their connection open: calls to a site reuse it.\n"
		       "tcp_connection_lifetime=3605\n"
		       "tcp_accept_no_cl=yes\n"
		       "\n",
		       s->hub.name, s->domain, s->n_sites, s->hub.name, s->domain, s->hub.sip_port,
		       v6 ? "[" : "", addr, v6 ? "]" : "", s->hub.sip_port);
}

static void write_modules(const struct pv_plan *plan, struct pv_text *t)
{
	static const char *const modules[] = { "kex", "corex", "tm", "tmx", "sl", "rr", "pv",
					       "maxfwd", "textops", "siputils", "xlog", "usrloc",
					       "registrar", "nathelper", "tls", "db_text", "auth", "auth_db" };
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		pv_text_printf(t, "loadmodule \"%s.so\"\n", modules[i]);
	(void)plan;
	pv_text_printf(t,
		       "\n"
		       "modparam(\"tls\", \"config\", \"SEALCALL_DIR/tls.cfg\")\n"
		       "modparam(\"usrloc\", \"db_mode\", 0)\n"
		       "modparam(\"registrar\", \"min_expires\", 60)\n"
		       "modparam(\"registrar\", \"max_expires\", 3600)\n"
		       "# Where a registration came from (its TLS connection) is where its calls go.\n"
		       "modparam(\"registrar\", \"received_avp\", \"$avp(RECEIVED)\")\n"
		       "modparam(\"nathelper\", \"received_avp\", \"$avp(RECEIVED)\")\n"
		       "modparam(\"auth_db\", \"db_url\", \"text://SEALCALL_DIR/db\")\n"
		       "modparam(\"auth_db\", \"calculate_ha1\", 0)\n"
		       "modparam(\"auth_db\", \"password_column\", \"ha1\")\n"
		       "modparam(\"auth_db\", \"load_credentials\", \"\")\n"
		       "modparam(\"auth_db\", \"use_domain\", 0)\n"
		       "\n");
}

static void write_routes(const struct pv_plan *plan, struct pv_text *t)
{
	const char *realm = plan->sites->domain;
	pv_text_printf(t,
		       "request_route {\n"
		       "\tif (!mf_process_maxfwd_header(\"10\")) {\n"
		       "\t\tsl_send_reply(\"483\", \"Too Many Hops\");\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\t# tls.cfg already refuses connections without a CA certificate; say it twice.\n"
		       "\tif (proto != TLS || $tls_peer_verified != 1) {\n"
		       "\t\txlog(\"L_WARN\", \"refused $rm from $si:$sp: no verified certificate\\n\");\n"
		       "\t\tsl_send_reply(\"403\", \"Certificate required\");\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\tif (is_method(\"CANCEL\")) {\n"
		       "\t\tif (t_check_trans())\n"
		       "\t\t\troute(RELAY);\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\tif (has_totag()) {\n"
		       "\t\troute(WITHINDLG);\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\tt_check_trans();\n"
		       "\tif (is_method(\"REGISTER\")) {\n"
		       "\t\troute(REGISTRAR);\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\t# A site speaks as itself: the From user is the name in its certificate.\n"
		       "\tif ($fU != $tls_peer_subject_cn) {\n"
		       "\t\txlog(\"L_WARN\", \"refused $rm from $si:$sp: From user $fU is not the certificate's $tls_peer_subject_cn\\n\");\n"
		       "\t\tsl_send_reply(\"403\", \"From does not match the certificate\");\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\tremove_hf(\"Route\");\n"
		       "\tif (is_method(\"INVITE|SUBSCRIBE\"))\n"
		       "\t\trecord_route();\n"
		       "\t# Softphones (Linphone) accept no incoming TLS: reach them over their own connection.\n"
		       "\tset_contact_alias();\n"
		       "\tif (!lookup(\"location\")) {\n"
		       "\t\tsl_send_reply(\"404\", \"Not registered\");\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\troute(RELAY);\n"
		       "}\n"
		       "\n"
		       "route[RELAY] {\n"
		       "\tif (!t_relay())\n"
		       "\t\tsl_reply_error();\n"
		       "\texit;\n"
		       "}\n"
		       "\n"
		       "route[WITHINDLG] {\n"
		       "\tif (loose_route()) {\n"
		       "\t\thandle_ruri_alias();\n"
		       "\t\troute(RELAY);\n"
		       "\t}\n"
		       "\tif (is_method(\"ACK\")) {\n"
		       "\t\tif (t_check_trans())\n"
		       "\t\t\troute(RELAY);\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\tsl_send_reply(\"404\", \"Not here\");\n"
		       "\texit;\n"
		       "}\n"
		       "\n"
		       "route[REGISTRAR] {\n"
		       "\tif (!www_authorize(\"%s\", \"subscriber\")) {\n"
		       "\t\twww_challenge(\"%s\", \"1\");\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\t# Its own name only, over a connection with its own certificate.\n"
		       "\tif ($au != $tU || $au != $tls_peer_subject_cn) {\n"
		       "\t\txlog(\"L_WARN\", \"refused REGISTER of $tU by $au with certificate $tls_peer_subject_cn from $si:$sp\\n\");\n"
		       "\t\tsl_send_reply(\"403\", \"Forbidden\");\n"
		       "\t\texit;\n"
		       "\t}\n"
		       "\tconsume_credentials();\n"
		       "\tfix_nated_register();\n"
		       "\tif (!save(\"location\"))\n"
		       "\t\tsl_reply_error();\n"
		       "\texit;\n"
		       "}\n"
		       "\n"
		       // A 100 Trying has no Contact: set_contact_alias() would fail the script
		       // and Kamailio would close the callee's connection, killing the call.
		       "onreply_route {\n"
		       "\tif (status =~ \"^(1[0-9][0-9]|2[0-9][0-9])$\" && is_present_hf(\"Contact\"))\n"
		       "\t\tset_contact_alias();\n"
		       "}\n",
		       realm, realm);
}

void pv_write_kamailio_cfg(const struct pv_plan *plan, struct pv_text *out)
{
	write_globals(plan, out);
	write_modules(plan, out);
	write_routes(plan, out);
}

void pv_write_kamailio_versions(struct pv_text *out)
{
	pv_text_printf(out, "id(int,auto) table_name(string) table_version(int) \n"
			    "0:version:1\n"
			    "0:subscriber:7\n"
			    "0:location:9\n");
}

// HA1 = MD5(user:realm:password) in hex (RFC 2617), what Kamailio checks a digest against.
static int ha1(const char *user, const char *realm, const char *password, char out[33])
{
	wc_Md5 md5;
	uint8_t digest[WC_MD5_DIGEST_SIZE];
	int rc = -EIO;
	if (wc_InitMd5(&md5) != 0)
		return -EIO;
	if (wc_Md5Update(&md5, (const byte *)user, (word32)strlen(user)) == 0 &&
	    wc_Md5Update(&md5, (const byte *)":", 1) == 0 &&
	    wc_Md5Update(&md5, (const byte *)realm, (word32)strlen(realm)) == 0 &&
	    wc_Md5Update(&md5, (const byte *)":", 1) == 0 &&
	    wc_Md5Update(&md5, (const byte *)password, (word32)strlen(password)) == 0 &&
	    wc_Md5Final(&md5, digest) == 0) {
		sc_hex_encode(digest, sizeof(digest), out);
		rc = 0;
	}
	wc_Md5Free(&md5);
	sc_wipe(&md5, sizeof(md5));
	sc_wipe(digest, sizeof(digest));
	return rc;
}

int pv_write_kamailio_subscribers(const struct pv_plan *plan, struct pv_text *out)
{
	const struct sc_sites *s = plan->sites;
	char user_at[SC_NAME_MAX + SC_DOMAIN_MAX + 2], a[33], b[33];
	int rc = 0;
	// No password column content: Kamailio checks the HA1, so the hub never holds a password.
	pv_text_printf(out, "id(int,auto) username(string) domain(string) password(string,null) ha1(string) ha1b(string) \n");
	for (size_t i = 0; i < s->n_sites && rc == 0; i++) {
		const char *name = s->sites[i].name;
		snprintf(user_at, sizeof(user_at), "%s@%s", name, s->domain);
		// ha1b serves clients that send user@domain as their user name.
		rc = ha1(name, s->domain, plan->members[i].password, a);
		if (rc == 0)
			rc = ha1(user_at, s->domain, plan->members[i].password, b);
		if (rc == 0)
			pv_text_printf(out, "%zu:%s:%s::%s:%s\n", i + 1, name, s->domain, a, b);
	}
	sc_wipe(a, sizeof(a));
	sc_wipe(b, sizeof(b));
	return rc;
}
