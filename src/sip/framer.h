// SPDX-License-Identifier: GPL-3.0-or-later
// Finds SIP message boundaries in a byte stream (TLS): end of headers plus Content-Length,
// and the RFC 5626 keepalives between messages ("\r\n\r\n" ping, "\r\n" pong).
// Stateless: the caller keeps the received bytes and drops the LEN consumed each time.
#ifndef SC_SIP_FRAMER_H
#define SC_SIP_FRAMER_H

#include <stdbool.h>
#include <stddef.h>

enum sc_sip_frame_kind {
	SC_SIP_FRAME_NEED_MORE, // read more bytes and call again
	SC_SIP_FRAME_MESSAGE,   // BUF[0..len) is one whole message: parse it, then consume it
	SC_SIP_FRAME_PING,      // a keepalive ping: consume len bytes and answer "\r\n"
	SC_SIP_FRAME_PONG,      // a pong (or a stray empty line): consume len bytes
	SC_SIP_FRAME_ERROR,     // the stream cannot be framed any more: close the connection
};

struct sc_sip_frame {
	enum sc_sip_frame_kind kind;
	size_t len;       // bytes to consume
	const char *what; // for SC_SIP_FRAME_ERROR: why (static text)
};

// AWAITING_PONG: we sent a ping, so a lone "\r\n" is its pong rather than the first half of
// a ping from the peer.
enum sc_sip_frame_kind sc_sip_frame_next(const char *buf, size_t len, bool awaiting_pong,
					 struct sc_sip_frame *out);

#endif
