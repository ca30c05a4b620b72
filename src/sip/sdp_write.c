// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/sdp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct out {
	char *buf;
	size_t cap, len;
	int err;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	if (o->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->err = -ENOBUFS;
		return;
	}
	o->len += (size_t)n;
}

static const char *addrtype(const struct sc_sdp_addr *a)
{
	return a->family == AF_INET6 ? "IP6" : "IP4";
}

// Refuses text that would end a line early.
static bool line_safe(const char *s)
{
	return !strpbrk(s, "\r\n");
}

static const char *const direction_names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

static void put_media(struct out *o, const struct sc_sdp_media *m)
{
	put(o, "m=%s %u %s", m->type, m->port, m->proto);
	if (m->n_formats) {
		for (size_t i = 0; i < m->n_formats; i++)
			put(o, " %u", m->formats[i].pt);
	} else {
		put(o, " %s", m->fmt_list[0] ? m->fmt_list : "0");
	}
	put(o, "\r\n");
	if (m->has_connection)
		put(o, "c=IN %s %s\r\n", addrtype(&m->connection), m->connection.addr);
	if (m->port == 0)
		return; // a rejected stream carries nothing more (RFC 3264 §6)
	for (size_t i = 0; i < m->n_formats; i++) {
		const struct sc_sdp_format *f = &m->formats[i];
		if (f->encoding[0] && f->channels > 1)
			put(o, "a=rtpmap:%u %s/%u/%u\r\n", f->pt, f->encoding, f->clock_rate, f->channels);
		else if (f->encoding[0])
			put(o, "a=rtpmap:%u %s/%u\r\n", f->pt, f->encoding, f->clock_rate);
		if (f->fmtp[0])
			put(o, "a=fmtp:%u %s\r\n", f->pt, f->fmtp);
	}
	if (m->ptime)
		put(o, "a=ptime:%u\r\n", m->ptime);
	if (m->rtcp_port)
		put(o, "a=rtcp:%u\r\n", m->rtcp_port);
	if (m->rtcp_mux)
		put(o, "a=rtcp-mux\r\n");
	for (size_t i = 0; i < m->n_zrtp_hash; i++)
		put(o, "a=zrtp-hash:%s %s\r\n", m->zrtp_hash[i].version, m->zrtp_hash[i].hash);
	if (m->has_direction)
		put(o, "a=%s\r\n", direction_names[m->direction]);
}

int sc_sdp_write(const struct sc_sdp *sdp, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0, cap ? 0 : -ENOBUFS };
	if (!line_safe(sdp->origin_user) || !line_safe(sdp->session_name) ||
	    !line_safe(sdp->origin.addr) || !line_safe(sdp->connection.addr) ||
	    strchr(sdp->origin_user, ' ') || !sdp->origin_user[0] || !sdp->origin.addr[0] ||
	    sdp->direction > SC_SDP_INACTIVE)
		return -EINVAL;
	for (size_t i = 0; i < sdp->n_media; i++) {
		const struct sc_sdp_media *m = &sdp->media[i];
		if (!line_safe(m->type) || !line_safe(m->proto) || !line_safe(m->fmt_list) ||
		    !line_safe(m->connection.addr) || m->direction > SC_SDP_INACTIVE)
			return -EINVAL;
		for (size_t k = 0; k < m->n_formats; k++)
			if (!line_safe(m->formats[k].encoding) || !line_safe(m->formats[k].fmtp))
				return -EINVAL;
	}
	put(&o, "v=0\r\n");
	put(&o, "o=%s %llu %llu IN %s %s\r\n", sdp->origin_user, (unsigned long long)sdp->session_id,
	    (unsigned long long)sdp->session_version, addrtype(&sdp->origin), sdp->origin.addr);
	put(&o, "s=%s\r\n", sdp->session_name[0] ? sdp->session_name : "-");
	if (sdp->has_connection)
		put(&o, "c=IN %s %s\r\n", addrtype(&sdp->connection), sdp->connection.addr);
	put(&o, "t=0 0\r\n");
	for (size_t i = 0; i < sdp->n_zrtp_hash; i++)
		put(&o, "a=zrtp-hash:%s %s\r\n", sdp->zrtp_hash[i].version, sdp->zrtp_hash[i].hash);
	if (sdp->has_direction)
		put(&o, "a=%s\r\n", direction_names[sdp->direction]);
	for (size_t i = 0; i < sdp->n_media; i++)
		put_media(&o, &sdp->media[i]);
	if (o.err)
		return o.err;
	// never emit what our own parser would refuse
	size_t lines = 0;
	for (size_t i = 0; i < o.len; i++)
		lines += o.buf[i] == '\n';
	return lines > SC_SDP_MAX_LINES ? -EMSGSIZE : (int)o.len;
}
