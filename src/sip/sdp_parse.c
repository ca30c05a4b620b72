// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/sdp.h"

#include "sip/text.h"
#include "sip/uri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct parser {
	struct sc_sdp *sdp;
	struct sc_sdp_media *media; // the current m= section, NULL at session level
	unsigned line_no;
	char *why;
	size_t why_len;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->why && p->why_len && p->line_no)
		snprintf(p->why, p->why_len, "SDP line %u: %s", p->line_no, what);
	else if (p->why && p->why_len)
		snprintf(p->why, p->why_len, "SDP: %s", what);
	return -EBADMSG;
}

// Splits on single spaces; returns the number of fields or -1 on an empty field or too many.
static int split(struct sc_sip_str s, struct sc_sip_str *f, int max)
{
	int n = 0;
	size_t b = 0;
	for (size_t i = 0; i <= s.len; i++) {
		if (i < s.len && s.p[i] != ' ')
			continue;
		if (i == b || n == max)
			return -1;
		f[n++] = (struct sc_sip_str){ s.p + b, i - b };
		b = i + 1;
	}
	return n;
}

static bool parse_addr(struct sc_sip_str nettype, struct sc_sip_str addrtype, struct sc_sip_str a,
		       struct sc_sdp_addr *out)
{
	if (!sc_sip_str_eq(nettype, "IN") || sc_sip_str_copy(a, out->addr, sizeof(out->addr)) != 0)
		return false;
	int want;
	if (sc_sip_str_eq(addrtype, "IP4"))
		want = AF_INET;
	else if (sc_sip_str_eq(addrtype, "IP6"))
		want = AF_INET6;
	else
		return false;
	int family = sc_sip_ip_family(a);
	if (family == want) {
		out->family = family;
		return true;
	}
	// a domain name is valid SDP; the media layer resolves nothing, so it stays family 0
	out->family = 0;
	return family == 0 && sc_sip_host_valid(a);
}

static int parse_origin(struct parser *p, struct sc_sip_str v)
{
	struct sc_sip_str f[6];
	if (split(v, f, 6) != 6 || sc_sip_str_copy(f[0], p->sdp->origin_user, sizeof(p->sdp->origin_user)) ||
	    !sc_sip_parse_uint(f[1], UINT64_MAX, &p->sdp->session_id) ||
	    !sc_sip_parse_uint(f[2], UINT64_MAX, &p->sdp->session_version) ||
	    !parse_addr(f[3], f[4], f[5], &p->sdp->origin))
		return fail(p, "malformed o= line");
	return 0;
}

static int parse_connection(struct parser *p, struct sc_sip_str v)
{
	struct sc_sip_str f[3];
	struct sc_sdp_addr *a = p->media ? &p->media->connection : &p->sdp->connection;
	if (split(v, f, 3) != 3 || !parse_addr(f[0], f[1], f[2], a))
		return fail(p, "malformed c= line (unicast IN IP4 or IN IP6 address expected)");
	if (p->media)
		p->media->has_connection = true;
	else
		p->sdp->has_connection = true;
	return 0;
}

static void init_static_format(struct sc_sdp_format *f, uint8_t pt)
{
	memset(f, 0, sizeof(*f));
	f->pt = pt;
	f->channels = 1;
	if (pt == SC_SDP_PT_PCMU || pt == SC_SDP_PT_PCMA) {
		strcpy(f->encoding, pt == SC_SDP_PT_PCMU ? "PCMU" : "PCMA");
		f->clock_rate = 8000;
	}
}

static int parse_media(struct parser *p, struct sc_sip_str v)
{
	struct sc_sdp *sdp = p->sdp;
	if (sdp->n_media == SC_SDP_MAX_MEDIA)
		return fail(p, "more than %d m= lines", SC_SDP_MAX_MEDIA);
	struct sc_sdp_media *m = &sdp->media[sdp->n_media++];
	memset(m, 0, offsetof(struct sc_sdp_media, formats));
	m->n_formats = 0;
	memset(&m->has_connection, 0, sizeof(*m) - offsetof(struct sc_sdp_media, has_connection));
	p->media = m;
	struct sc_sip_str f[3 + 64];
	int n = split(v, f, 3 + 64);
	if (n < 4 || !sc_sip_str_all(f[0], SC_SIP_C_TOKEN) ||
	    sc_sip_str_copy(f[0], m->type, sizeof(m->type)) ||
	    sc_sip_str_copy(f[2], m->proto, sizeof(m->proto)))
		return fail(p, "malformed m= line");
	// port, or port/number-of-ports
	const char *slash = memchr(f[1].p, '/', f[1].len);
	struct sc_sip_str port = { f[1].p, slash ? (size_t)(slash - f[1].p) : f[1].len };
	uint64_t v64;
	if (!sc_sip_parse_uint(port, 65535, &v64))
		return fail(p, "malformed port in m= line");
	m->port = (uint16_t)v64;
	bool rtp = strncmp(m->proto, "RTP/", 4) == 0;
	size_t list = 0;
	for (int k = 3; k < n; k++) {
		if (list + f[k].len + 2 < sizeof(m->fmt_list)) {
			if (list)
				m->fmt_list[list++] = ' ';
			memcpy(m->fmt_list + list, f[k].p, f[k].len);
			list += f[k].len;
			m->fmt_list[list] = '\0';
		}
		if (!rtp)
			continue;
		if (!sc_sip_parse_uint(f[k], 127, &v64))
			return fail(p, "payload type in m= line is not a number from 0 to 127");
		if (m->n_formats < SC_SDP_MAX_FORMATS)
			init_static_format(&m->formats[m->n_formats++], (uint8_t)v64);
	}
	return 0;
}

static struct sc_sdp_format *format_for(struct sc_sdp_media *m, struct sc_sip_str pt_text)
{
	uint64_t pt;
	if (!m || !sc_sip_parse_uint(pt_text, 127, &pt))
		return NULL;
	for (size_t i = 0; i < m->n_formats; i++)
		if (m->formats[i].pt == pt)
			return &m->formats[i];
	return NULL;
}

static bool is_hex(struct sc_sip_str s)
{
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static int parse_rtpmap(struct parser *p, struct sc_sip_str v)
{
	const char *sp = memchr(v.p, ' ', v.len);
	if (!sp)
		return fail(p, "malformed a=rtpmap");
	struct sc_sdp_format *f = format_for(p->media, (struct sc_sip_str){ v.p, (size_t)(sp - v.p) });
	struct sc_sip_str rest = { sp + 1, v.len - (size_t)(sp - v.p) - 1 }, part[3];
	int n = 0;
	size_t b = 0;
	for (size_t i = 0; i <= rest.len && n < 3; i++) {
		if (i < rest.len && rest.p[i] != '/')
			continue;
		part[n++] = (struct sc_sip_str){ rest.p + b, i - b };
		b = i + 1;
	}
	uint64_t clock, channels = 1;
	if (n < 2 || b <= rest.len || !sc_sip_str_all(part[0], SC_SIP_C_TOKEN) ||
	    !sc_sip_parse_uint(part[1], UINT32_MAX, &clock) || clock == 0 ||
	    (n == 3 && (!sc_sip_parse_uint(part[2], 255, &channels) || channels == 0)))
		return fail(p, "malformed a=rtpmap");
	if (!f)
		return 0; // a map for a payload type the m= line does not list: ignored
	if (sc_sip_str_copy(part[0], f->encoding, sizeof(f->encoding)))
		return fail(p, "encoding name too long in a=rtpmap");
	f->has_rtpmap = true;
	f->clock_rate = (uint32_t)clock;
	f->channels = (uint8_t)channels;
	return 0;
}

static int parse_attribute(struct parser *p, struct sc_sip_str v)
{
	const char *colon = memchr(v.p, ':', v.len);
	struct sc_sip_str name = { v.p, colon ? (size_t)(colon - v.p) : v.len };
	struct sc_sip_str value = colon ? (struct sc_sip_str){ colon + 1, v.len - name.len - 1 }
					: SC_SIP_STR_NULL;
	struct sc_sdp_media *m = p->media;
	static const char *const dirs[] = { "sendrecv", "sendonly", "recvonly", "inactive" };
	for (int d = 0; d < 4; d++) {
		if (!colon && sc_sip_str_eq(name, dirs[d])) {
			if (m) {
				m->has_direction = true;
				m->direction = (enum sc_sdp_direction)d;
			} else {
				p->sdp->has_direction = true;
				p->sdp->direction = (enum sc_sdp_direction)d;
			}
			return 0;
		}
	}
	if (!colon && sc_sip_str_eq(name, "rtcp-mux")) {
		if (m)
			m->rtcp_mux = true;
		return 0;
	}
	if (sc_sip_str_eq(name, "crypto")) {
		if (m)
			m->has_crypto = true;
		else
			p->sdp->has_crypto = true;
		return 0;
	}
	if (!colon)
		return 0;
	if (sc_sip_str_eq(name, "rtpmap"))
		return parse_rtpmap(p, value);
	if (sc_sip_str_eq(name, "fmtp")) {
		const char *sp = memchr(value.p, ' ', value.len);
		if (!sp)
			return fail(p, "malformed a=fmtp");
		struct sc_sdp_format *f = format_for(m, (struct sc_sip_str){ value.p, (size_t)(sp - value.p) });
		struct sc_sip_str params = { sp + 1, value.len - (size_t)(sp - value.p) - 1 };
		if (f && sc_sip_str_copy(params, f->fmtp, sizeof(f->fmtp)))
			return fail(p, "a=fmtp longer than %zu bytes", sizeof(f->fmtp) - 1);
		return 0;
	}
	if (sc_sip_str_eq(name, "ptime")) {
		uint64_t ms;
		size_t digits = 0;
		while (digits < value.len && value.p[digits] >= '0' && value.p[digits] <= '9')
			digits++;
		// RFC 4566 allows a fraction ("20.0"); only the whole milliseconds matter here
		if (!sc_sip_parse_uint((struct sc_sip_str){ value.p, digits }, 10000, &ms) ||
		    (digits < value.len && value.p[digits] != '.'))
			return fail(p, "malformed a=ptime");
		if (m)
			m->ptime = (uint32_t)ms;
		return 0;
	}
	if (sc_sip_str_eq(name, "rtcp")) {
		// "a=rtcp:PORT [IN IP4 ADDR]": only the port is used; RTCP goes to the RTP address
		uint64_t port;
		size_t digits = 0;
		while (digits < value.len && value.p[digits] >= '0' && value.p[digits] <= '9')
			digits++;
		if (!sc_sip_parse_uint((struct sc_sip_str){ value.p, digits }, 65535, &port) || port == 0 ||
		    (digits < value.len && value.p[digits] != ' '))
			return fail(p, "malformed a=rtcp (a port 1..65535 expected)");
		if (m)
			m->rtcp_port = (uint16_t)port;
		return 0;
	}
	if (sc_sip_str_eq(name, "zrtp-hash")) {
		struct sc_sip_str f[2];
		struct sc_sdp_zrtp_hash *list = m ? m->zrtp_hash : p->sdp->zrtp_hash;
		size_t *n = m ? &m->n_zrtp_hash : &p->sdp->n_zrtp_hash;
		if (split(value, f, 2) != 2 || f[1].len != 64 || !is_hex(f[1]) ||
		    !sc_sip_str_all(f[0], SC_SIP_C_TOKEN) || f[0].len >= sizeof(list->version))
			return fail(p, "malformed a=zrtp-hash (version and 64 hex digits expected)");
		if (*n == SC_SDP_MAX_ZRTP_HASH)
			return fail(p, "more than %d a=zrtp-hash lines", SC_SDP_MAX_ZRTP_HASH);
		sc_sip_str_copy(f[0], list[*n].version, sizeof(list->version));
		sc_sip_str_copy(f[1], list[*n].hash, sizeof(list->hash));
		(*n)++;
		return 0;
	}
	return 0;
}

static int parse_line(struct parser *p, char type, struct sc_sip_str v, unsigned *seen)
{
	switch (type) {
	case 'v':
		if (!sc_sip_str_eq(v, "0"))
			return fail(p, "unsupported SDP version (v=0 expected)");
		*seen |= 1;
		return 0;
	case 'o':
		*seen |= 2;
		return p->media ? fail(p, "o= inside a media section") : parse_origin(p, v);
	case 's':
		*seen |= 4;
		sc_sip_str_copy((struct sc_sip_str){ v.p, v.len < 63 ? v.len : 63 }, p->sdp->session_name,
				sizeof(p->sdp->session_name));
		return 0;
	case 't':
		*seen |= 8;
		return 0;
	case 'c':
		return parse_connection(p, v);
	case 'm':
		return parse_media(p, v);
	case 'a':
		return parse_attribute(p, v);
	default:
		return 0; // i= u= e= p= b= z= k= r=: nothing the appliance uses
	}
}

int sc_sdp_parse(const char *text, size_t len, struct sc_sdp *out, char *why, size_t why_len)
{
	// media sections (most of the struct) are cleared as they are used, formats as listed
	memset(out, 0, offsetof(struct sc_sdp, media));
	out->n_media = 0;
	if (why && why_len)
		why[0] = '\0';
	struct parser p = { .sdp = out, .why = why, .why_len = why_len };
	unsigned seen = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		size_t next = nl ? e + 1 : len;
		if (e > i && text[e - 1] == '\r' && nl)
			e--;
		p.line_no++;
		if (p.line_no > SC_SDP_MAX_LINES)
			return fail(&p, "more than %d lines", SC_SDP_MAX_LINES);
		if (e - i > SC_SDP_MAX_LINE)
			return fail(&p, "line longer than %d bytes", SC_SDP_MAX_LINE);
		struct sc_sip_str line = { text + i, e - i };
		i = next;
		if (line.len == 0)
			continue;
		for (size_t k = 0; k < line.len; k++) {
			unsigned char c = (unsigned char)line.p[k];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return fail(&p, "control character");
		}
		if (line.len < 2 || line.p[1] != '=' || line.p[0] < 'a' || line.p[0] > 'z')
			return fail(&p, "not a type=value line");
		if (p.line_no == 1 && line.p[0] != 'v')
			return fail(&p, "SDP must start with v=0");
		int rc = parse_line(&p, line.p[0], (struct sc_sip_str){ line.p + 2, line.len - 2 }, &seen);
		if (rc)
			return rc;
	}
	if ((seen & 15) != 15)
		return fail(&p, "missing %s line", !(seen & 1) ? "v=" : !(seen & 2) ? "o=" : !(seen & 4) ? "s=" : "t=");
	for (size_t k = 0; k < out->n_media; k++) {
		if (out->media[k].port && !out->media[k].has_connection && !out->has_connection) {
			p.line_no = 0;
			return fail(&p, "m=%s has no c= address", out->media[k].type);
		}
	}
	return 0;
}

int sc_sdp_fmtp_u32(const char *fmtp, const char *name, uint32_t *value)
{
	size_t name_len = strlen(name);
	const char *p = fmtp;
	while (*p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *key_end = eq ? eq : end;
		while (key_end > p && key_end[-1] == ' ')
			key_end--;
		if ((size_t)(key_end - p) == name_len && strncasecmp(p, name, name_len) == 0) {
			if (!eq)
				return -EINVAL;
			const char *v = eq + 1;
			while (v < end && *v == ' ')
				v++;
			const char *v_end = end;
			while (v_end > v && v_end[-1] == ' ')
				v_end--;
			uint64_t n = 0;
			if (v == v_end || v_end - v > 10)
				return -EINVAL;
			for (const char *d = v; d < v_end; d++) {
				if (*d < '0' || *d > '9')
					return -EINVAL;
				n = n * 10 + (uint64_t)(*d - '0');
			}
			if (n > UINT32_MAX)
				return -EINVAL;
			*value = (uint32_t)n;
			return 0;
		}
		p = end;
	}
	return -ENOENT;
}
