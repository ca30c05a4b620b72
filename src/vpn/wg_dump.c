// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/wg_dump.h"

#include "base/secret.h"
#include "base/strutil.h"

#include <errno.h>
#include <string.h>

#define PEER_FIELDS 8
#define IFACE_FIELDS 4
#define FIELD_MAX 512 // one allowed-ips field holds up to 64 prefixes

// Splits LINE (not NUL-terminated, LEN bytes) at tabs into FIELDS copies. Returns the field
// count, or -1 when a field is too long or there are more than MAX fields.
static int split(const char *line, size_t len, char fields[][FIELD_MAX], int max)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t')
			continue;
		if (n == max || i - start >= FIELD_MAX)
			return -1;
		memcpy(fields[n], line + start, i - start);
		fields[n][i - start] = '\0';
		n++;
		start = i + 1;
	}
	return n;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	if (!*s || strlen(s) > 20)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		uint64_t d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool parse_key(const char *s, uint8_t key[SC_WG_KEY_LEN])
{
	return strlen(s) == 44 && sc_base64_decode(s, key, SC_WG_KEY_LEN) == SC_WG_KEY_LEN;
}

static bool key_or_none(const char *s)
{
	uint8_t scratch[SC_WG_KEY_LEN];
	bool ok = strcmp(s, "(none)") == 0 || parse_key(s, scratch);
	sc_wipe(scratch, sizeof(scratch));
	return ok;
}

static bool parse_peer(char f[][FIELD_MAX], struct sc_wg_dump_peer *p)
{
	uint64_t hs, keepalive;
	memset(p, 0, sizeof(*p));
	// f[1] is the preshared key: checked for shape, never kept.
	if (!parse_key(f[0], p->public_key) || !key_or_none(f[1]))
		return false;
	if (strcmp(f[2], "(none)") != 0) {
		// An endpoint is "a.b.c.d:port" or "[v6]:port"; anything else is not wg's output.
		const char *colon = strrchr(f[2], ':');
		uint64_t port;
		if (!colon || colon == f[2] || !parse_u64(colon + 1, &port) || port > 65535 ||
		    sc_strcpy(p->endpoint, sizeof(p->endpoint), f[2]) != 0)
			return false;
	}
	if (f[3][0] == '\0')
		return false; // "(none)" or a list
	if (!parse_u64(f[4], &hs) || hs > INT64_MAX || !parse_u64(f[5], &p->rx_bytes) ||
	    !parse_u64(f[6], &p->tx_bytes))
		return false;
	p->latest_handshake = (int64_t)hs;
	if (strcmp(f[7], "off") == 0)
		keepalive = 0;
	else if (!parse_u64(f[7], &keepalive) || keepalive > 65535)
		return false;
	p->persistent_keepalive_s = (uint32_t)keepalive;
	return true;
}

int sc_wg_dump_parse(const char *dump, size_t len, struct sc_wg_dump_peer *peers, size_t max,
		     size_t *n, unsigned *bad_line)
{
	char fields[PEER_FIELDS][FIELD_MAX];
	unsigned line_no = 0;
	int rc = 0;
	*n = 0;
	*bad_line = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *line = dump + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		pos += line_len + (nl ? 1 : 0);
		line_no++;
		if (memchr(line, '\0', line_len)) {
			rc = -EBADMSG;
			break;
		}
		int nf = split(line, line_len, fields, PEER_FIELDS);
		if (line_no == 1) {
			uint64_t port;
			if (nf != IFACE_FIELDS || !key_or_none(fields[0]) || !key_or_none(fields[1]) ||
			    !parse_u64(fields[2], &port) || port > 65535) {
				rc = -EBADMSG;
				break;
			}
			continue;
		}
		if (nf != PEER_FIELDS) {
			rc = -EBADMSG;
			break;
		}
		if (*n == max) {
			rc = -E2BIG;
			break;
		}
		if (!parse_peer(fields, &peers[*n])) {
			rc = -EBADMSG;
			break;
		}
		(*n)++;
	}
	if (rc == 0 && line_no == 0)
		rc = -EBADMSG; // not even the interface line: not a dump
	if (rc != 0)
		*bad_line = line_no;
	sc_wipe(fields, sizeof(fields));
	return rc;
}
