// SPDX-License-Identifier: GPL-3.0-or-later
// The client side of the control protocol, for the `sealcall` command.
#ifndef SC_CORE_CLIENT_H
#define SC_CORE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/outbuf.h"

#define SC_CONTROL_DEFAULT_SOCKET "/run/sealcall/control"

// Sends REQUEST (one line, without the newline) to the daemon at SOCKET_PATH and reads the
// whole answer into RESPONSE within TIMEOUT_MS. Returns 0, or a negative errno: -ENOENT or
// -ECONNREFUSED when no daemon is running there, -EACCES when the socket is not ours to use,
// -ETIMEDOUT, -ECONNABORTED when the daemon closed without any answer, -EPROTO when the
// answer is not "ok"/"error" shaped.
int sc_control_request(const char *socket_path, const char *request, unsigned timeout_ms,
		       struct sc_outbuf *response);

// Splits an answer: *OK tells "ok" from "error"; *BODY and *BODY_LEN give the body after
// "ok\n", or the reason after "error " without its newline. Returns -EPROTO on anything else.
int sc_control_response_split(const struct sc_outbuf *response, bool *ok, const char **body,
			      size_t *body_len);

#endif
