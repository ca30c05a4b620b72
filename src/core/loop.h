// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's single event loop: epoll over file descriptors, one timerfd for all timers
// (CLOCK_MONOTONIC, so wall-clock jumps on a Pi without RTC do not fire or stall them) and a
// signalfd, so signals are ordinary events and no code runs in signal-handler context.
//
// Watches and timers belong to the loop and stay valid until their owner frees them. Freeing
// one from inside any callback is safe: the memory is released only after the current batch
// of events, and a freed or stopped watch or timer is never called again.
#ifndef SC_CORE_LOOP_H
#define SC_CORE_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

struct sc_loop;
struct sc_loop_watch;
struct sc_loop_timer;

typedef void (*sc_loop_fd_cb)(struct sc_loop *loop, int fd, uint32_t events, void *arg);
typedef void (*sc_loop_timer_cb)(struct sc_loop *loop, struct sc_loop_timer *timer, void *arg);
typedef void (*sc_loop_signal_cb)(struct sc_loop *loop, const struct signalfd_siginfo *si,
				  void *arg);

int sc_loop_new(struct sc_loop **out);
// Frees every watch and timer still registered (their fds are not closed: the owners do that).
void sc_loop_free(struct sc_loop *loop);

// CLOCK_MONOTONIC in milliseconds.
uint64_t sc_loop_now_ms(void);

// EVENTS are EPOLLIN/EPOLLOUT/...; the loop does not take ownership of FD.
int sc_loop_watch_new(struct sc_loop *loop, int fd, uint32_t events, sc_loop_fd_cb cb, void *arg,
		      struct sc_loop_watch **out);
int sc_loop_watch_set_events(struct sc_loop_watch *w, uint32_t events);
// Stops and frees; safe with NULL. Must be called before FD is closed.
void sc_loop_watch_free(struct sc_loop_watch *w);

int sc_loop_timer_new(struct sc_loop *loop, sc_loop_timer_cb cb, void *arg,
		      struct sc_loop_timer **out);
// Fires once after DELAY_MS, then every PERIOD_MS when PERIOD_MS > 0. Re-arming a running
// timer replaces its deadline. Timers due at the same moment fire in the order they were armed.
void sc_loop_timer_arm(struct sc_loop_timer *t, uint64_t delay_ms, uint64_t period_ms);
void sc_loop_timer_stop(struct sc_loop_timer *t);
bool sc_loop_timer_armed(const struct sc_loop_timer *t);
void sc_loop_timer_free(struct sc_loop_timer *t);

// Blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD in the calling thread. Call it first thing in
// main, before any thread exists, so that every thread inherits the mask and the signals are
// only ever delivered through the loop's signalfd. Children inherit the mask across exec:
// whoever spawns one should restore the default mask between fork and exec.
int sc_loop_block_signals(void);
// Delivers the signals blocked above to CB through a signalfd.
int sc_loop_handle_signals(struct sc_loop *loop, sc_loop_signal_cb cb, void *arg);

// Waits at most TIMEOUT_MS (-1: no limit) and dispatches one batch of events.
// Returns the number of callbacks run, or a negative errno.
int sc_loop_run_once(struct sc_loop *loop, int timeout_ms);
// Runs until sc_loop_quit; returns the code given to it.
int sc_loop_run(struct sc_loop *loop);
void sc_loop_quit(struct sc_loop *loop, int code);

#endif
