// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/framer.h"

#include "sip/msg.h"
#include "sip/text.h"

#include <string.h>

static enum sc_sip_frame_kind frame(struct sc_sip_frame *out, enum sc_sip_frame_kind kind,
				    size_t len, const char *what)
{
	out->kind = kind;
	out->len = len;
	out->what = what;
	return kind;
}

static enum sc_sip_frame_kind keepalive(const char *buf, size_t len, bool awaiting_pong,
					struct sc_sip_frame *out)
{
	if (len < 2)
		return frame(out, SC_SIP_FRAME_NEED_MORE, 0, NULL);
	if (buf[1] != '\n')
		return frame(out, SC_SIP_FRAME_ERROR, 0, "bare CR between messages");
	if (len == 2)
		return awaiting_pong ? frame(out, SC_SIP_FRAME_PONG, 2, NULL)
				     : frame(out, SC_SIP_FRAME_NEED_MORE, 0, NULL);
	if (buf[2] != '\r')
		return frame(out, SC_SIP_FRAME_PONG, 2, NULL);
	if (len == 3)
		return frame(out, SC_SIP_FRAME_NEED_MORE, 0, NULL);
	if (buf[3] != '\n')
		return frame(out, SC_SIP_FRAME_ERROR, 0, "bare CR between messages");
	return frame(out, SC_SIP_FRAME_PING, 4, NULL);
}

static const char *find_headers_end(const char *buf, size_t len)
{
	for (const char *p = buf; (p = memchr(p, '\r', (size_t)(buf + len - p)));) {
		if ((size_t)(buf + len - p) < 4)
			return NULL;
		if (p[1] == '\n' && p[2] == '\r' && p[3] == '\n')
			return p;
		p++;
	}
	return NULL;
}

// Finds Content-Length (or its compact form "l") among the header lines in BUF[0..end).
// Returns 1 with *cl, 0 when absent, -1 when malformed or repeated.
static int content_length(const char *buf, size_t end, size_t *cl)
{
	int found = 0;
	const char *first = memchr(buf, '\r', end);
	size_t i = first ? (size_t)(first - buf) + 2 : end; // the start line is no header
	while (i < end) {
		const char *cr = memchr(buf + i, '\r', end - i);
		size_t e = cr ? (size_t)(cr - buf) : end;
		size_t n = i;
		while (n < e && sc_sip_is((unsigned char)buf[n], SC_SIP_C_TOKEN))
			n++;
		struct sc_sip_str name = { buf + i, n - i };
		if (n > i && (sc_sip_str_caseeq(name, "Content-Length") || sc_sip_str_caseeq(name, "l"))) {
			while (n < e && (buf[n] == ' ' || buf[n] == '\t'))
				n++;
			if (n >= e || buf[n] != ':')
				return -1;
			// the value may be folded onto the following lines
			size_t ve = e;
			while (ve + 2 < end && (buf[ve + 2] == ' ' || buf[ve + 2] == '\t')) {
				const char *next = memchr(buf + ve + 2, '\r', end - ve - 2);
				ve = next ? (size_t)(next - buf) : end;
			}
			uint64_t v;
			struct sc_sip_str value = sc_sip_trim((struct sc_sip_str){ buf + n + 1, ve - n - 1 });
			if (found || !sc_sip_parse_uint(value, SC_SIP_MAX_MESSAGE, &v))
				return -1;
			*cl = (size_t)v;
			found = 1;
			e = ve;
		}
		i = e + 2;
	}
	return found;
}

enum sc_sip_frame_kind sc_sip_frame_next(const char *buf, size_t len, bool awaiting_pong,
					 struct sc_sip_frame *out)
{
	if (len == 0)
		return frame(out, SC_SIP_FRAME_NEED_MORE, 0, NULL);
	if (buf[0] == '\r')
		return keepalive(buf, len, awaiting_pong, out);
	size_t window = len < SC_SIP_MAX_MESSAGE ? len : SC_SIP_MAX_MESSAGE;
	const char *hend = find_headers_end(buf, window);
	if (!hend)
		return len >= SC_SIP_MAX_MESSAGE
			       ? frame(out, SC_SIP_FRAME_ERROR, 0, "headers larger than 64 KiB")
			       : frame(out, SC_SIP_FRAME_NEED_MORE, 0, NULL);
	size_t header_len = (size_t)(hend - buf) + 4, cl = 0;
	int rc = content_length(buf, header_len - 2, &cl);
	if (rc < 0)
		return frame(out, SC_SIP_FRAME_ERROR, 0, "malformed or repeated Content-Length header");
	if (rc == 0)
		return frame(out, SC_SIP_FRAME_ERROR, 0, "missing Content-Length header (mandatory over TLS)");
	if (header_len + cl > SC_SIP_MAX_MESSAGE)
		return frame(out, SC_SIP_FRAME_ERROR, 0, "message larger than 64 KiB");
	if (len < header_len + cl)
		return frame(out, SC_SIP_FRAME_NEED_MORE, 0, NULL);
	return frame(out, SC_SIP_FRAME_MESSAGE, header_len + cl, NULL);
}
