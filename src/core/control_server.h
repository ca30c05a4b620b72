// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's control socket: a UNIX stream socket served from the event loop. Each client
// gets one request and one answer (core/control.h), within a deadline, from a bounded buffer,
// so a slow or hostile local client can neither block the loop nor grow its memory.
#ifndef SC_CORE_CONTROL_SERVER_H
#define SC_CORE_CONTROL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/outbuf.h"
#include "core/control.h"
#include "core/loop.h"
#include "core/peercred.h"

// Fills BODY for a parsed request and returns 0, or returns a negative errno with a one-line
// reason in ERR (sent as "error <reason>").
typedef int (*sc_control_handler)(void *arg, const struct sc_control_request *req,
				  const struct sc_peer_identity *who, struct sc_outbuf *body,
				  char *err, size_t errlen);

struct sc_control_server_options {
	const char *path;
	mode_t mode;                 // 0660
	bool have_group;             // the socket's group, and the group allowed besides root
	gid_t group;
	unsigned read_timeout_ms;    // a complete request must arrive within this (2000)
	unsigned write_timeout_ms;   // the client must read the whole answer within this (5000)
	size_t max_clients;          // connections served at once; more get "error busy" (16)
	size_t max_response;         // bytes (1 MiB)
	sc_control_handler handler;
	void *handler_arg;
};

struct sc_control_server;

// Checks what is at PATH: 1 when a live server answers there, 0 when nothing does (no file,
// or a stale socket), or a negative errno (-ENOTSOCK when PATH is not a socket).
int sc_control_socket_probe(const char *path);

// Removes a stale socket file, refuses a live one (-EADDRINUSE), then binds and listens with
// the given mode and group. Failures are logged with their cause and fix.
int sc_control_server_open(struct sc_loop *loop, const struct sc_control_server_options *opts,
			   struct sc_control_server **out);
// Drops every client and removes the socket file. Safe with NULL.
void sc_control_server_close(struct sc_control_server *srv);
size_t sc_control_server_client_count(const struct sc_control_server *srv);

#endif
