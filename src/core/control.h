// SPDX-License-Identifier: GPL-3.0-or-later
// The control protocol spoken on the daemon's UNIX socket (docs/control-protocol.md): one
// request a connection, a single line of printable ASCII words ending in "\n", at most
// SC_CONTROL_REQUEST_MAX bytes; the answer is "ok\n" and a body, or "error <reason>\n".
//
// The parser is a pure function over the bytes received, driven by a table of commands, so a
// new command is one table line plus its handler in the daemon.
#ifndef SC_CORE_CONTROL_H
#define SC_CORE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define SC_CONTROL_REQUEST_MAX 256 // bytes, newline included
#define SC_CONTROL_WORDS_MAX 8
#define SC_CONTROL_ERROR_MAX 160

enum sc_control_op {
	SC_CONTROL_STATUS,
	SC_CONTROL_CALL,   // call NAME|URI
	SC_CONTROL_ANSWER,
	SC_CONTROL_HANGUP, // also declines a ringing call and cancels one that rings out
	SC_CONTROL_VERIFY,   // the live call's SAS was compared: verified in the ZRTP cache
	SC_CONTROL_UNVERIFY, // unverify NAME|ZID
	SC_CONTROL_FORGET,   // forget NAME|ZID: drop the retained secrets
	SC_CONTROL_MUTE,     // mute [on|off]; without an argument it toggles
	SC_CONTROL_VOLUME,   // volume 0..100
	SC_CONTROL_HISTORY,  // history [json] [N]: the N newest calls (default 20, at most 200)
	SC_CONTROL_DTMF,     // dtmf DIGITS: 1..32 of 0-9 * # A-D (a-d), as RFC 4733 events in the call
};

#define SC_CONTROL_HISTORY_DEFAULT 20
#define SC_CONTROL_HISTORY_MAX 200

struct sc_control_request {
	enum sc_control_op op;
	const char *command;                      // the table's name for it
	size_t argc;                              // arguments after the command word
	const char *argv[SC_CONTROL_WORDS_MAX];   // point into words
	char words[SC_CONTROL_REQUEST_MAX];       // the request with spaces replaced by NULs
};

// Parses the LEN bytes a client sent (the newline included). Returns 0 and fills *REQ, or
// -EINVAL with a one-line reason in ERR (printable ASCII, without the "error " prefix).
int sc_control_parse(const char *data, size_t len, struct sc_control_request *req, char *err,
		     size_t errlen);

// True when the request asks for JSON ("status json").
int sc_control_wants_json(const struct sc_control_request *req);

// The arguments of a parsed history request: JSON or text, and how many calls.
void sc_control_history_args(const struct sc_control_request *req, bool *json, size_t *n);

#endif
