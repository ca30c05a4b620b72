// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/wg_config.h"

#include "base/log.h"
#include "base/secret.h"
#include "base/strutil.h"

#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETCONF_TIMEOUT_MS 15000 // wg resolves DNS endpoints itself

int sc_wg_policy_path(const struct sc_policy *p, const char *path, char *out, size_t len)
{
	if (path[0] == '/' || p->source_file[0] == '\0')
		return sc_strcpy(out, len, path);
	const char *slash = strrchr(p->source_file, '/');
	if (!slash)
		return sc_strcpy(out, len, path);
	int n = snprintf(out, len, "%.*s/%s", (int)(slash - p->source_file), p->source_file, path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sc_wg_read_key_file(const char *path, uint8_t key[SC_WG_KEY_LEN])
{
	uint8_t *raw = NULL;
	size_t len = 0;
	char text[64];
	int rc = sc_read_secret_file(path, 128, &raw, &len);
	if (rc != 0)
		return rc == -EFBIG ? -EINVAL : rc;
	while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r' || raw[len - 1] == ' '))
		len--;
	rc = -EINVAL;
	if (len == 0 || len >= sizeof(text))
		goto out;
	memcpy(text, raw, len);
	text[len] = '\0';
	if (sc_base64_decode(text, key, SC_WG_KEY_LEN) == SC_WG_KEY_LEN)
		rc = 0;
out:
	sc_wipe(text, sizeof(text));
	sc_secret_free(raw, 129);
	return rc;
}

static int load_one(const struct sc_policy *p, const char *what, const char *file,
		    uint8_t key[SC_WG_KEY_LEN])
{
	char path[SC_PATH_MAX * 2];
	int rc = sc_wg_policy_path(p, file, path, sizeof(path));
	if (rc == 0)
		rc = sc_wg_read_key_file(path, key);
	switch (rc) {
	case 0:
		break;
	case -EPERM:
		sc_err("%s %s can be read by group or others: run chmod 600 %s", what, path, path);
		break;
	case -EINVAL:
		sc_err("%s %s does not hold one base64 WireGuard key: make it with `wg genkey` "
		       "(or `wg genpsk` for a preshared key)", what, path);
		break;
	case -ENOENT:
		sc_err("%s %s does not exist: create it (umask 077; wg genkey > %s) or fix the "
		       "path in the policy", what, path, path);
		break;
	default:
		sc_err("cannot read %s %s: %s", what, path, strerror(-rc));
		break;
	}
	return rc;
}

int sc_wg_keys_load(const struct sc_policy *p, struct sc_wg_keys *keys)
{
	const struct sc_tunnel *t = &p->tunnel;
	memset(keys, 0, sizeof(*keys));
	int rc = -ENOMEM;
	keys->psk = calloc(t->n_peers ? t->n_peers : 1, sizeof(*keys->psk));
	keys->has_psk = calloc(t->n_peers ? t->n_peers : 1, sizeof(*keys->has_psk));
	if (!keys->psk || !keys->has_psk)
		goto out;
	keys->n_peers = t->n_peers;
	rc = load_one(p, "WireGuard private key file", t->private_key_file, keys->private_key);
	for (size_t i = 0; rc == 0 && i < t->n_peers; i++) {
		if (t->peers[i].preshared_key_file[0] == '\0')
			continue;
		rc = load_one(p, "preshared key file", t->peers[i].preshared_key_file, keys->psk[i]);
		keys->has_psk[i] = rc == 0;
	}
out:
	if (rc != 0)
		sc_wg_keys_free(keys);
	return rc;
}

void sc_wg_keys_free(struct sc_wg_keys *keys)
{
	sc_wipe(keys->private_key, sizeof(keys->private_key));
	if (keys->psk)
		sc_secret_free(keys->psk, keys->n_peers * sizeof(*keys->psk));
	free(keys->has_psk);
	keys->psk = NULL;
	keys->has_psk = NULL;
	keys->n_peers = 0;
}

int sc_wg_format_endpoint(const char *host, uint16_t port, char *out, size_t len)
{
	bool v6 = strchr(host, ':') != NULL;
	int n = snprintf(out, len, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int append_key(struct sc_buf *out, const char *name, const uint8_t key[SC_WG_KEY_LEN])
{
	char b64[48];
	int rc = sc_base64_encode(key, SC_WG_KEY_LEN, b64, sizeof(b64));
	if (rc >= 0)
		rc = sc_buf_printf(out, "%s = %s\n", name, b64);
	sc_wipe(b64, sizeof(b64));
	return rc < 0 ? rc : 0;
}

static int append_prefix(struct sc_buf *out, const struct sc_prefix *pfx, bool first)
{
	char addr[INET6_ADDRSTRLEN];
	if (!inet_ntop(pfx->family, pfx->addr, addr, sizeof(addr)))
		return -EINVAL;
	return sc_buf_printf(out, "%s%s/%u", first ? "" : ", ", addr, (unsigned)pfx->prefix_len);
}

int sc_wg_config_text(const struct sc_tunnel *t, const struct sc_wg_keys *keys, struct sc_buf *out)
{
	int rc = sc_buf_printf(out, "[Interface]\n");
	if (rc == 0)
		rc = append_key(out, "PrivateKey", keys->private_key);
	if (rc == 0)
		rc = sc_buf_printf(out, "ListenPort = %u\n", (unsigned)t->listen_port);
	for (size_t i = 0; rc == 0 && i < t->n_peers; i++) {
		const struct sc_peer *peer = &t->peers[i];
		rc = sc_buf_printf(out, "\n# %s\n[Peer]\n", peer->name);
		if (rc == 0)
			rc = append_key(out, "PublicKey", peer->public_key);
		if (rc == 0 && i < keys->n_peers && keys->has_psk[i])
			rc = append_key(out, "PresharedKey", keys->psk[i]);
		if (rc == 0 && peer->has_endpoint) {
			char ep[SC_HOST_MAX + 16];
			rc = sc_wg_format_endpoint(peer->endpoint_host, peer->endpoint_port, ep, sizeof(ep));
			if (rc == 0)
				rc = sc_buf_printf(out, "Endpoint = %s\n", ep);
		}
		if (rc == 0 && peer->n_allowed_ips)
			rc = sc_buf_printf(out, "AllowedIPs = ");
		for (size_t k = 0; rc == 0 && k < peer->n_allowed_ips; k++)
			rc = append_prefix(out, &peer->allowed_ips[k], k == 0);
		if (rc == 0 && peer->n_allowed_ips)
			rc = sc_buf_printf(out, "\n");
		if (rc == 0 && peer->persistent_keepalive_s)
			rc = sc_buf_printf(out, "PersistentKeepalive = %u\n",
					   (unsigned)peer->persistent_keepalive_s);
	}
	return rc;
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

void sc_wg_redact_keys(char *text)
{
	for (char *p = text; *p;) {
		if (!is_b64(*p)) {
			p++;
			continue;
		}
		char *start = p;
		while (*p && is_b64(*p))
			p++;
		if (p - start >= 40)
			memset(start, '*', (size_t)(p - start));
	}
}

void sc_wg_log_tool_error(const char *what, int status, struct sc_buf *err)
{
	char why[96];
	if (err->data) {
		// `wg` quotes the offending line, which may be a key: never log one.
		sc_wg_redact_keys(err->data);
		err->data[strcspn(err->data, "\n")] = '\0';
	}
	sc_err("%s failed (%s): %s", what, sc_spawn_describe_status(status, why, sizeof(why)),
	       err->data && err->data[0] ? err->data : "no message");
}

int sc_wg_setconf(const char *wg_path, const char *ifname, const struct sc_buf *text)
{
	const char *argv[] = { wg_path, "setconf", ifname, "/dev/stdin", NULL };
	struct sc_buf err;
	int status = 0;
	sc_buf_init(&err, 64 * 1024);
	int rc = sc_spawn_run(argv, sc_spawn_base_env, text->data, text->len, NULL, &err,
			      SETCONF_TIMEOUT_MS, &status);
	if (rc == -ENOENT)
		sc_err("%s not found: apt-get install wireguard-tools", wg_path);
	else if (rc == -ETIMEDOUT)
		sc_err("wg setconf %s did not finish within %d s: an endpoint's DNS name may not "
		       "resolve; use IP addresses or fix DNS", ifname, SETCONF_TIMEOUT_MS / 1000);
	else if (rc != 0)
		sc_err("cannot run %s: %s", wg_path, strerror(-rc));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		sc_wg_log_tool_error("wg setconf", status, &err);
		sc_err("check tunnel.listen_port (another program may use it) and the peers' "
		       "endpoints in the policy");
		rc = -EIO;
	}
	sc_buf_free(&err);
	return rc;
}
