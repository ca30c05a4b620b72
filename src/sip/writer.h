// SPDX-License-Identifier: GPL-3.0-or-later
// Building SIP messages into a caller-supplied buffer: start line, headers, then
// Content-Length and body, which the writer always adds itself (mandatory over TLS).
// A header value holding CR, LF or NUL is refused, so that no caller can inject a header.
#ifndef SC_SIP_WRITER_H
#define SC_SIP_WRITER_H

#include "sip/msg.h"

#include <stddef.h>

struct sc_sip_writer {
	char *buf;
	size_t cap, len;
	int err; // first error: -ENOBUFS (too small) or -EINVAL (bad name or value)
};

void sc_sip_writer_init(struct sc_sip_writer *w, char *buf, size_t cap);
void sc_sip_write_request_line(struct sc_sip_writer *w, const char *method, const char *uri);
// The same with a URI taken from a parsed message.
void sc_sip_write_request_line_str(struct sc_sip_writer *w, const char *method, struct sc_sip_str uri);
void sc_sip_write_status_line(struct sc_sip_writer *w, unsigned code, const char *reason);
void sc_sip_write_header(struct sc_sip_writer *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
// Copies a value from a parsed message, joining folded lines.
void sc_sip_write_header_str(struct sc_sip_writer *w, const char *name, struct sc_sip_str value);
// Adds Content-Type (when BODY_LEN > 0 and CONTENT_TYPE is set), Content-Length, the blank
// line and the body. Returns the message length, or w->err.
int sc_sip_write_end(struct sc_sip_writer *w, const char *content_type, const void *body,
		     size_t body_len);

// Starts a response to REQ (RFC 3261 §8.2.6.2): status line, then Via (all), From, To (with
// TO_TAG added when REQ's To has no tag, CODE > 100 and TO_TAG is not NULL), Call-ID, CSeq
// copied from REQ. Works on a request that failed to parse, as far as its headers were read.
void sc_sip_write_response_start(struct sc_sip_writer *w, const struct sc_sip_msg *req,
				 unsigned code, const char *reason, const char *to_tag);

// Writes the CANCEL for INVITE (RFC 3261 §9.1), complete with its empty body.
int sc_sip_write_cancel(struct sc_sip_writer *w, const struct sc_sip_msg *invite);

// Re-emits a parsed message in canonical form: long header names, folded lines joined,
// Content-Length recomputed (a header too long to join keeps its folds). Parsing the result
// gives the same message. -EMSGSIZE when the canonical form exceeds SC_SIP_MAX_MESSAGE.
int sc_sip_msg_serialize(const struct sc_sip_msg *m, char *buf, size_t cap);

#endif
