// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 32

struct sc_loop_watch {
	struct sc_loop *loop;
	int fd;
	sc_loop_fd_cb cb;
	void *arg;
	bool dead;
	struct sc_loop_watch *prev, *next; // live list; next also chains the garbage list
};

struct sc_loop_timer {
	struct sc_loop *loop;
	sc_loop_timer_cb cb;
	void *arg;
	uint64_t deadline_ms, period_ms, seq;
	bool armed, dead;
	struct sc_loop_timer *prev, *next;         // armed list, sorted by (deadline, seq)
	struct sc_loop_timer *all_prev, *all_next; // every live timer, armed or not
	struct sc_loop_timer *gc_next;
};

struct sc_loop {
	int epfd, timerfd, sigfd;
	struct sc_loop_watch *timer_watch, *signal_watch;
	struct sc_loop_watch *watches, *dead_watches;
	struct sc_loop_timer *armed, *timers, *dead_timers;
	uint64_t next_seq;
	uint64_t timerfd_deadline_ms; // what the timerfd is set to; 0: disarmed
	int dispatching;
	bool quit;
	int exit_code;
	sc_loop_signal_cb signal_cb;
	void *signal_arg;
};

static const int handled_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };

uint64_t sc_loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void collect_garbage(struct sc_loop *loop)
{
	while (loop->dead_watches) {
		struct sc_loop_watch *w = loop->dead_watches;
		loop->dead_watches = w->next;
		free(w);
	}
	while (loop->dead_timers) {
		struct sc_loop_timer *t = loop->dead_timers;
		loop->dead_timers = t->gc_next;
		free(t);
	}
}

static void update_timerfd(struct sc_loop *loop)
{
	uint64_t want = loop->armed ? loop->armed->deadline_ms : 0;
	if (want == loop->timerfd_deadline_ms)
		return;
	struct itimerspec its = { 0 };
	if (want) {
		its.it_value.tv_sec = (time_t)(want / 1000u);
		its.it_value.tv_nsec = (long)(want % 1000u) * 1000000L;
	}
	// Cannot fail with a valid fd and a normalised time; a failure would show as a timer that
	// never fires, so keep the cached value unchanged to retry on the next change.
	if (timerfd_settime(loop->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		loop->timerfd_deadline_ms = want;
}

static void unlink_armed(struct sc_loop_timer *t)
{
	struct sc_loop *loop = t->loop;
	if (!t->armed)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		loop->armed = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
	t->armed = false;
}

static void insert_armed(struct sc_loop_timer *t, uint64_t deadline_ms)
{
	struct sc_loop *loop = t->loop;
	t->deadline_ms = deadline_ms;
	t->seq = loop->next_seq++;
	struct sc_loop_timer *prev = NULL, *cur = loop->armed;
	// Equal deadlines keep arming order: a new timer goes after every one already due then.
	while (cur && cur->deadline_ms <= deadline_ms) {
		prev = cur;
		cur = cur->next;
	}
	t->prev = prev;
	t->next = cur;
	if (prev)
		prev->next = t;
	else
		loop->armed = t;
	if (cur)
		cur->prev = t;
	t->armed = true;
}

static void fire_timers(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)arg;
	uint64_t expirations;
	// Nonblocking: EAGAIN after a timer was re-armed since the wake-up is harmless.
	if (read(fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	uint64_t now = sc_loop_now_ms();
	// Timers armed by callbacks in this round wait for the next one, even with a 0 delay, so a
	// timer re-arming itself cannot starve the other events.
	uint64_t round_end = loop->next_seq;
	while (loop->armed && loop->armed->deadline_ms <= now && loop->armed->seq < round_end) {
		struct sc_loop_timer *t = loop->armed;
		unlink_armed(t);
		if (t->period_ms) {
			uint64_t next = t->deadline_ms + t->period_ms;
			// After a long stall, skip the missed periods rather than firing them in a burst.
			if (next <= now)
				next = now + t->period_ms;
			insert_armed(t, next);
		}
		t->cb(loop, t, t->arg);
	}
	loop->timerfd_deadline_ms = 0; // the expiration consumed it
	update_timerfd(loop);
}

static void read_signals(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)arg;
	struct signalfd_siginfo si;
	// Bounded: at most one pending instance per signal number is queued for standard signals.
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si))
			return;
		if (loop->signal_cb)
			loop->signal_cb(loop, &si, loop->signal_arg);
	}
}

int sc_loop_new(struct sc_loop **out)
{
	int r;
	struct sc_loop *loop = calloc(1, sizeof(*loop));
	if (!loop)
		return -ENOMEM;
	loop->sigfd = -1;
	loop->next_seq = 1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->epfd < 0 || loop->timerfd < 0) {
		r = -errno;
		goto fail;
	}
	r = sc_loop_watch_new(loop, loop->timerfd, EPOLLIN, fire_timers, NULL, &loop->timer_watch);
	if (r < 0)
		goto fail;
	*out = loop;
	return 0;
fail:
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->timerfd >= 0)
		close(loop->timerfd);
	free(loop);
	return r;
}

void sc_loop_free(struct sc_loop *loop)
{
	if (!loop)
		return;
	while (loop->watches)
		sc_loop_watch_free(loop->watches);
	while (loop->timers)
		sc_loop_timer_free(loop->timers);
	collect_garbage(loop);
	close(loop->timerfd);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	free(loop);
}

int sc_loop_watch_new(struct sc_loop *loop, int fd, uint32_t events, sc_loop_fd_cb cb, void *arg,
		      struct sc_loop_watch **out)
{
	struct sc_loop_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct sc_loop_watch){ .loop = loop, .fd = fd, .cb = cb, .arg = arg };
	struct epoll_event ev = { .events = events, .data.ptr = w };
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int r = -errno;
		free(w);
		return r;
	}
	w->next = loop->watches;
	if (loop->watches)
		loop->watches->prev = w;
	loop->watches = w;
	if (out)
		*out = w;
	return 0;
}

int sc_loop_watch_set_events(struct sc_loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	if (w->dead)
		return -EINVAL;
	return epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void sc_loop_watch_free(struct sc_loop_watch *w)
{
	if (!w || w->dead)
		return;
	struct sc_loop *loop = w->loop;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	if (w->prev)
		w->prev->next = w->next;
	else
		loop->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->dead = true;
	// Events for W may still sit in the batch being dispatched: keep the memory until then.
	w->prev = NULL;
	w->next = loop->dead_watches;
	loop->dead_watches = w;
	if (!loop->dispatching)
		collect_garbage(loop);
}

int sc_loop_timer_new(struct sc_loop *loop, sc_loop_timer_cb cb, void *arg,
		      struct sc_loop_timer **out)
{
	struct sc_loop_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->loop = loop;
	t->cb = cb;
	t->arg = arg;
	t->all_next = loop->timers;
	if (loop->timers)
		loop->timers->all_prev = t;
	loop->timers = t;
	*out = t;
	return 0;
}

void sc_loop_timer_arm(struct sc_loop_timer *t, uint64_t delay_ms, uint64_t period_ms)
{
	if (t->dead)
		return;
	unlink_armed(t);
	t->period_ms = period_ms;
	insert_armed(t, sc_loop_now_ms() + delay_ms);
	update_timerfd(t->loop);
}

void sc_loop_timer_stop(struct sc_loop_timer *t)
{
	if (!t || !t->armed)
		return;
	unlink_armed(t);
	update_timerfd(t->loop);
}

bool sc_loop_timer_armed(const struct sc_loop_timer *t)
{
	return t->armed;
}

void sc_loop_timer_free(struct sc_loop_timer *t)
{
	if (!t || t->dead)
		return;
	struct sc_loop *loop = t->loop;
	sc_loop_timer_stop(t);
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		loop->timers = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	t->dead = true;
	t->gc_next = loop->dead_timers;
	loop->dead_timers = t;
	if (!loop->dispatching)
		collect_garbage(loop);
}

static void handled_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(handled_signals) / sizeof(handled_signals[0]); i++)
		sigaddset(set, handled_signals[i]);
}

int sc_loop_block_signals(void)
{
	sigset_t set;
	handled_set(&set);
	int r = pthread_sigmask(SIG_BLOCK, &set, NULL);
	return r ? -r : 0;
}

int sc_loop_handle_signals(struct sc_loop *loop, sc_loop_signal_cb cb, void *arg)
{
	if (loop->sigfd >= 0)
		return -EBUSY;
	sigset_t set;
	handled_set(&set);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = sc_loop_watch_new(loop, fd, EPOLLIN, read_signals, NULL, &loop->signal_watch);
	if (r < 0) {
		close(fd);
		return r;
	}
	loop->sigfd = fd;
	loop->signal_cb = cb;
	loop->signal_arg = arg;
	return 0;
}

int sc_loop_run_once(struct sc_loop *loop, int timeout_ms)
{
	struct epoll_event events[MAX_EVENTS];
	int n = epoll_wait(loop->epfd, events, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	int ran = 0;
	loop->dispatching++;
	for (int i = 0; i < n; i++) {
		struct sc_loop_watch *w = events[i].data.ptr;
		if (w->dead)
			continue;
		w->cb(loop, w->fd, events[i].events, w->arg);
		ran++;
	}
	loop->dispatching--;
	if (!loop->dispatching)
		collect_garbage(loop);
	return ran;
}

int sc_loop_run(struct sc_loop *loop)
{
	loop->quit = false;
	while (!loop->quit) {
		int r = sc_loop_run_once(loop, -1);
		if (r < 0)
			return r;
	}
	return loop->exit_code;
}

void sc_loop_quit(struct sc_loop *loop, int code)
{
	loop->quit = true;
	loop->exit_code = code;
}
