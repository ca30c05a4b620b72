// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the WireGuard tools with a fixed argv and no shell. What goes to the child's stdin
// (the configuration with the private key) travels only through a pipe, and the buffers
// that held output are wiped, because `wg show dump` prints keys too.
#ifndef SC_VPN_SPAWN_H
#define SC_VPN_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

// A growing byte buffer whose old copies are wiped when it grows and when it is freed.
struct sc_buf {
	char *data; // always NUL-terminated when non-NULL
	size_t len, cap;
	size_t max; // the most bytes it may hold (-EFBIG beyond)
};

void sc_buf_init(struct sc_buf *b, size_t max);
int sc_buf_append(struct sc_buf *b, const void *p, size_t n);
int sc_buf_printf(struct sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_buf_free(struct sc_buf *b);

// The environment every tool runs with: a fixed PATH and nothing of the daemon's.
extern const char *const sc_spawn_base_env[];

// Starts ARGV (argv[0] searched in PATH when it has no '/') with ENVP, stdin from
// /dev/null, stdout and stderr inherited, default signal dispositions and an empty signal
// mask (the daemon blocks the signals it reads through signalfd; a child must not inherit
// that). Returns 0 and *PID, or a negative errno (-ENOENT: program not found).
int sc_spawn_background(const char *const argv[], const char *const envp[], pid_t *pid);

// Runs ARGV to completion: writes IN to its stdin, collects stdout into OUT and stderr
// into ERR (either may be NULL: discarded), and kills it after TIMEOUT_MS. Returns 0 and
// the wait status in *STATUS, -ENOENT when the program is missing, -ETIMEDOUT, or another
// negative errno.
int sc_spawn_run(const char *const argv[], const char *const envp[], const void *in,
		 size_t in_len, struct sc_buf *out, struct sc_buf *err, int timeout_ms,
		 int *status);

// Describes a wait status for a message: "exit code 1", "killed by signal 9".
const char *sc_spawn_describe_status(int status, char *buf, size_t len);

#endif
