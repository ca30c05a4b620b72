// SPDX-License-Identifier: GPL-3.0-or-later
// A tool run off the daemon's loop: sc_spawn_run in a worker thread, finished when an
// eventfd becomes readable. The loop also carries the headset's audio, which has about 40 ms
// of playback queued; `wg show dump` took 21-54 ms here at a load average of 4, so running it
// on the loop once a second starved the earpiece.
#ifndef SC_VPN_SPAWN_JOB_H
#define SC_VPN_SPAWN_JOB_H

#include "vpn/spawn.h"

struct sc_spawn_job;

// Copies ARGV and ENVP (the caller's may go away) and starts the thread, which collects
// stdout and stderr into buffers of at most OUT_MAX and ERR_MAX bytes. Nothing is written
// to the tool's stdin. Returns 0 or a negative errno.
int sc_spawn_job_start(const char *const argv[], const char *const envp[], size_t out_max,
		       size_t err_max, int timeout_ms, struct sc_spawn_job **out);

// Readable (EPOLLIN) once the tool has ended and the job can be finished without waiting.
int sc_spawn_job_fd(const struct sc_spawn_job *job);

// Joins the thread (waits if it is still running, at most the timeout given to start), hands
// over the output (OUT and ERR are initialised here; the caller frees them; either may be
// NULL: wiped and dropped) and frees the job. Returns what sc_spawn_run returned, with the
// wait status in *STATUS.
int sc_spawn_job_finish(struct sc_spawn_job *job, struct sc_buf *out, struct sc_buf *err,
			int *status);

#endif
