// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/loop.h"
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

struct record {
	int order[16];
	int n;
};

struct timer_case {
	struct record *rec;
	int id;
	struct sc_loop_timer *self;
	struct sc_loop_timer *victim; // stopped or freed by this timer's callback
	bool free_victim;
	int fired;
};

static void on_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct timer_case *tc = arg;
	tc->fired++;
	if (tc->rec->n < 16)
		tc->rec->order[tc->rec->n++] = tc->id;
	if (tc->victim) {
		if (tc->free_victim)
			sc_loop_timer_free(tc->victim);
		else
			sc_loop_timer_stop(tc->victim);
		tc->victim = NULL;
	}
}

// Runs the loop until COND holds or BUDGET_MS pass.
#define RUN_UNTIL(loop, cond, budget_ms)                                                  \
	do {                                                                              \
		uint64_t until_ = sc_loop_now_ms() + (budget_ms);                         \
		while (!(cond) && sc_loop_now_ms() < until_)                              \
			sc_loop_run_once((loop), 20);                                     \
	} while (0)

static void test_timers_fire_in_deadline_order(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct record rec = { 0 };
	struct timer_case tc[4] = {
		{ .rec = &rec, .id = 1 }, { .rec = &rec, .id = 2 }, { .rec = &rec, .id = 3 },
		{ .rec = &rec, .id = 4 },
	};
	for (int i = 0; i < 4; i++)
		CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &tc[i], &tc[i].self), 0);
	// Armed out of order; 2 and 4 share a deadline and must keep their arming order.
	sc_loop_timer_arm(tc[2].self, 90, 0);
	sc_loop_timer_arm(tc[1].self, 30, 0);
	sc_loop_timer_arm(tc[3].self, 60, 0);
	sc_loop_timer_arm(tc[0].self, 10, 0);
	uint64_t start = sc_loop_now_ms();
	RUN_UNTIL(loop, rec.n == 4, 2000);
	uint64_t took = sc_loop_now_ms() - start;
	CHECK_EQ_INT(rec.n, 4);
	CHECK_EQ_INT(rec.order[0], 1);
	CHECK_EQ_INT(rec.order[1], 2);
	CHECK_EQ_INT(rec.order[2], 4);
	CHECK_EQ_INT(rec.order[3], 3);
	CHECK(took >= 89);
	for (int i = 0; i < 4; i++)
		CHECK(!sc_loop_timer_armed(tc[i].self));
	sc_loop_free(loop);
}

static void test_same_deadline_keeps_arming_order(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct record rec = { 0 };
	struct timer_case tc[5];
	for (int i = 0; i < 5; i++) {
		tc[i] = (struct timer_case){ .rec = &rec, .id = i + 1 };
		CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &tc[i], &tc[i].self), 0);
	}
	// A zero delay in the past of a sleeping loop: all are due together when it wakes.
	for (int i = 0; i < 5; i++)
		sc_loop_timer_arm(tc[i].self, 0, 0);
	RUN_UNTIL(loop, rec.n == 5, 1000);
	CHECK_EQ_INT(rec.n, 5);
	for (int i = 0; i < 5; i++)
		CHECK_EQ_INT(rec.order[i], i + 1);
	sc_loop_free(loop);
}

static void test_periodic_and_rearm(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct record rec = { 0 };
	struct timer_case periodic = { .rec = &rec, .id = 7 };
	CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &periodic, &periodic.self), 0);
	sc_loop_timer_arm(periodic.self, 10, 10);
	RUN_UNTIL(loop, periodic.fired >= 5, 2000);
	CHECK(periodic.fired >= 5);
	CHECK(sc_loop_timer_armed(periodic.self));
	sc_loop_timer_stop(periodic.self);
	int fired = periodic.fired;
	uint64_t until = sc_loop_now_ms() + 60;
	while (sc_loop_now_ms() < until)
		sc_loop_run_once(loop, 20);
	CHECK_EQ_INT(periodic.fired, fired);

	// Re-arming replaces the deadline instead of adding a second one.
	sc_loop_timer_arm(periodic.self, 500, 0);
	sc_loop_timer_arm(periodic.self, 10, 0);
	RUN_UNTIL(loop, periodic.fired > fired, 1000);
	CHECK_EQ_INT(periodic.fired, fired + 1);
	until = sc_loop_now_ms() + 60;
	while (sc_loop_now_ms() < until)
		sc_loop_run_once(loop, 20);
	CHECK_EQ_INT(periodic.fired, fired + 1);
	sc_loop_free(loop);
}

static void test_timer_removed_during_callback(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct record rec = { 0 };
	struct timer_case a = { .rec = &rec, .id = 1 }, b = { .rec = &rec, .id = 2 },
			  c = { .rec = &rec, .id = 3 }, d = { .rec = &rec, .id = 4 };
	CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &a, &a.self), 0);
	CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &b, &b.self), 0);
	CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &c, &c.self), 0);
	CHECK_EQ_INT(sc_loop_timer_new(loop, on_timer, &d, &d.self), 0);
	// a frees b and c stops d while all four are due in the same round.
	a.victim = b.self;
	a.free_victim = true;
	c.victim = d.self;
	sc_loop_timer_arm(a.self, 0, 0);
	sc_loop_timer_arm(b.self, 0, 0);
	sc_loop_timer_arm(c.self, 0, 0);
	sc_loop_timer_arm(d.self, 0, 0);
	uint64_t until = sc_loop_now_ms() + 100;
	while (sc_loop_now_ms() < until)
		sc_loop_run_once(loop, 20);
	CHECK_EQ_INT(a.fired, 1);
	CHECK_EQ_INT(b.fired, 0);
	CHECK_EQ_INT(c.fired, 1);
	CHECK_EQ_INT(d.fired, 0);
	CHECK(!sc_loop_timer_armed(d.self));
	sc_loop_free(loop); // frees a, c and d; b is already gone (ASan checks both)
}

struct pipe_case {
	int fds[2];
	struct sc_loop_watch *watch;
	struct pipe_case *victim; // its watch freed and fds closed from our callback
	int calls;
	char last;
};

static void on_readable(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	struct pipe_case *pc = arg;
	pc->calls++;
	if (events & EPOLLIN) {
		char c;
		if (read(fd, &c, 1) == 1)
			pc->last = c;
	}
	if (pc->victim) {
		sc_loop_watch_free(pc->victim->watch);
		pc->victim->watch = NULL;
		close(pc->victim->fds[0]);
		close(pc->victim->fds[1]);
		pc->victim->fds[0] = pc->victim->fds[1] = -1;
		pc->victim = NULL;
	}
}

static void test_fd_readiness_and_removal(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct pipe_case p1 = { 0 }, p2 = { 0 };
	CHECK_EQ_INT(pipe(p1.fds), 0);
	CHECK_EQ_INT(pipe(p2.fds), 0);
	CHECK_EQ_INT(sc_loop_watch_new(loop, p1.fds[0], EPOLLIN, on_readable, &p1, &p1.watch), 0);
	CHECK_EQ_INT(sc_loop_watch_new(loop, p2.fds[0], EPOLLIN, on_readable, &p2, &p2.watch), 0);

	// Nothing written: nothing runs.
	CHECK_EQ_INT(sc_loop_run_once(loop, 30), 0);
	CHECK_EQ_INT(p1.calls + p2.calls, 0);

	CHECK_EQ_INT(write(p1.fds[1], "x", 1), 1);
	CHECK_EQ_INT(sc_loop_run_once(loop, 500), 1);
	CHECK_EQ_INT(p1.calls, 1);
	CHECK_EQ_INT(p1.last, 'x');
	CHECK_EQ_INT(p2.calls, 0);

	// Both ready in one batch; whichever runs first removes the other, which must then not run.
	p1.victim = &p2;
	p2.victim = &p1;
	CHECK_EQ_INT(write(p1.fds[1], "a", 1), 1);
	CHECK_EQ_INT(write(p2.fds[1], "b", 1), 1);
	int calls_before = p1.calls + p2.calls;
	CHECK_EQ_INT(sc_loop_run_once(loop, 500), 1);
	CHECK_EQ_INT(p1.calls + p2.calls, calls_before + 1);
	struct pipe_case *alive = p1.watch ? &p1 : &p2;
	CHECK(alive->watch != NULL);
	CHECK((p1.watch == NULL) != (p2.watch == NULL));

	// Events can be changed: a pipe's write end is writable at once.
	struct pipe_case w = { 0 };
	CHECK_EQ_INT(pipe(w.fds), 0);
	CHECK_EQ_INT(sc_loop_watch_new(loop, w.fds[1], 0, on_readable, &w, &w.watch), 0);
	CHECK_EQ_INT(sc_loop_run_once(loop, 30), 0);
	CHECK_EQ_INT(sc_loop_watch_set_events(w.watch, EPOLLOUT), 0);
	CHECK_EQ_INT(sc_loop_run_once(loop, 500), 1);
	CHECK_EQ_INT(w.calls, 1);

	sc_loop_watch_free(w.watch);
	sc_loop_watch_free(alive->watch);
	close(w.fds[0]);
	close(w.fds[1]);
	close(alive->fds[0]);
	close(alive->fds[1]);
	sc_loop_free(loop);
}

static void on_self_free(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	struct pipe_case *pc = arg;
	pc->calls++;
	sc_loop_watch_free(pc->watch);
	pc->watch = NULL;
}

static void test_watch_frees_itself(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct pipe_case pc = { 0 };
	CHECK_EQ_INT(pipe(pc.fds), 0);
	CHECK_EQ_INT(sc_loop_watch_new(loop, pc.fds[0], EPOLLIN, on_self_free, &pc, &pc.watch), 0);
	CHECK_EQ_INT(write(pc.fds[1], "z", 1), 1);
	CHECK_EQ_INT(sc_loop_run_once(loop, 500), 1);
	CHECK_EQ_INT(sc_loop_run_once(loop, 30), 0); // still readable, but no longer watched
	CHECK_EQ_INT(pc.calls, 1);
	CHECK_EQ_INT(sc_loop_watch_new(loop, 12345, EPOLLIN, on_self_free, &pc, &pc.watch), -EBADF);
	close(pc.fds[0]);
	close(pc.fds[1]);
	sc_loop_free(loop);
}

struct signal_case {
	int got[4];
	int n;
};

static void on_signal(struct sc_loop *loop, const struct signalfd_siginfo *si, void *arg)
{
	struct signal_case *sc = arg;
	if (sc->n < 4)
		sc->got[sc->n++] = (int)si->ssi_signo;
	if (si->ssi_signo == SIGTERM)
		sc_loop_quit(loop, 42);
}

static void on_quit_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	sc_loop_quit(loop, 99);
}

static void test_signals_arrive_as_events(void)
{
	struct sc_loop *loop;
	CHECK_EQ_INT(sc_loop_block_signals(), 0);
	CHECK_EQ_INT(sc_loop_new(&loop), 0);
	struct signal_case sc = { 0 };
	CHECK_EQ_INT(sc_loop_handle_signals(loop, on_signal, &sc), 0);
	CHECK_EQ_INT(sc_loop_handle_signals(loop, on_signal, &sc), -EBUSY);
	// A safety net so that a lost signal fails the test instead of hanging it.
	struct sc_loop_timer *guard;
	CHECK_EQ_INT(sc_loop_timer_new(loop, on_quit_timer, NULL, &guard), 0);
	sc_loop_timer_arm(guard, 2000, 0);
	CHECK_EQ_INT(kill(getpid(), SIGHUP), 0);
	CHECK_EQ_INT(kill(getpid(), SIGTERM), 0);
	CHECK_EQ_INT(sc_loop_run(loop), 42);
	CHECK_EQ_INT(sc.n, 2);
	CHECK(sc.got[0] == SIGHUP || sc.got[1] == SIGHUP);
	CHECK(sc.got[0] == SIGTERM || sc.got[1] == SIGTERM);
	sc_loop_free(loop);
}

int main(void)
{
	test_timers_fire_in_deadline_order();
	test_same_deadline_keeps_arming_order();
	test_periodic_and_rearm();
	test_timer_removed_during_callback();
	test_fd_readiness_and_removal();
	test_watch_frees_itself();
	test_signals_arrive_as_events();
	return check_done();
}
