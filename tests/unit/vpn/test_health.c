// SPDX-License-Identifier: GPL-3.0-or-later
#include "check.h"
#include "vpn/health.h"

#include <string.h>

#define WALL0 1700000000 // any unix time; the monotonic clock starts at 1000

struct peer_sim {
	struct sc_vpn_health h;
	struct sc_vpn_health_sample s;
	int64_t age;
	char reason[96];
};

static void sim_init(struct peer_sim *p, uint32_t keepalive, uint32_t stale_after)
{
	memset(p, 0, sizeof(*p));
	p->s.mono_now_s = 1000;
	p->s.wall_now_s = WALL0;
	p->s.keepalive_s = keepalive;
	p->s.stale_after_s = stale_after;
}

static void advance(struct peer_sim *p, uint64_t seconds)
{
	p->s.mono_now_s += seconds;
	p->s.wall_now_s += (int64_t)seconds;
}

static bool eval(struct peer_sim *p)
{
	return sc_vpn_health_eval(&p->h, &p->s, &p->age, p->reason, sizeof(p->reason));
}

static void test_no_handshake(void)
{
	struct peer_sim p;
	sim_init(&p, 2, 10);
	CHECK(!eval(&p));
	CHECK_EQ_INT(p.age, -1);
	CHECK(strcmp(p.reason, "no handshake yet") == 0);
	p.s.rx_bytes = 500; // bytes without a handshake (never in practice) do not make it up
	advance(&p, 1);
	CHECK(!eval(&p));
}

static void test_keepalive_rule(void)
{
	struct peer_sim p;
	sim_init(&p, 2, 180);
	p.s.latest_handshake = WALL0 - 3;
	p.s.rx_bytes = 180;
	CHECK(eval(&p));
	CHECK_EQ_INT(p.age, 3);
	CHECK(p.reason[0] == '\0');
	// Keepalives keep arriving: up.
	for (int i = 0; i < 5; i++) {
		advance(&p, 2);
		p.s.rx_bytes += 32;
		CHECK(eval(&p));
	}
	// The peer dies: the handshake still looks fresh, but nothing arrives. The window is
	// 2 × 2 + 5 = 9 s after the last growth.
	CHECK_EQ_INT(sc_vpn_rx_window_s(2), 9);
	advance(&p, 9);
	CHECK(eval(&p));
	advance(&p, 1);
	CHECK(!eval(&p));
	CHECK_STR_CONTAINS(p.reason, "nothing received for 10 s (keepalive 2 s)");
	CHECK(p.age < 180);
	// It comes back.
	p.s.rx_bytes += 92;
	p.s.latest_handshake = p.s.wall_now_s;
	CHECK(eval(&p));
	CHECK_EQ_INT(p.age, 0);
}

static void test_first_seen_gets_a_window(void)
{
	// A daemon that starts while a peer's counters are static must not call it stale at
	// once: the first poll starts the window.
	struct peer_sim p;
	sim_init(&p, 25, 180);
	p.s.latest_handshake = WALL0 - 100;
	p.s.rx_bytes = 4096;
	CHECK(eval(&p));
	advance(&p, 55);
	CHECK(eval(&p));
	advance(&p, 1);
	CHECK(!eval(&p));
}

static void test_handshake_age_without_keepalive(void)
{
	struct peer_sim p;
	sim_init(&p, 0, 180);
	p.s.latest_handshake = WALL0;
	p.s.rx_bytes = 100;
	CHECK(eval(&p));
	advance(&p, 179); // no bytes at all: without keepalives only the age counts
	CHECK(eval(&p));
	CHECK_EQ_INT(p.age, 179);
	advance(&p, 1);
	CHECK(!eval(&p));
	CHECK_STR_CONTAINS(p.reason, "handshake 180 s old (stale after 180 s)");
	// A new handshake makes it up again.
	p.s.latest_handshake = p.s.wall_now_s - 1;
	CHECK(eval(&p));
	CHECK_EQ_INT(p.age, 1);
}

static void test_old_handshake_at_first_poll(void)
{
	struct peer_sim p;
	sim_init(&p, 0, 10);
	p.s.mono_now_s = 3; // a monotonic clock younger than the handshake's age
	p.s.latest_handshake = WALL0 - 200;
	CHECK(!eval(&p));
	CHECK_EQ_INT(p.age, 200);
}

static void test_wall_clock_jump(void)
{
	// A Pi without RTC syncs its clock after the tunnel came up: handshakes made before the
	// jump must not all turn stale at once.
	struct peer_sim p;
	sim_init(&p, 2, 180);
	p.s.latest_handshake = WALL0;
	p.s.rx_bytes = 10;
	CHECK(eval(&p));
	p.s.wall_now_s += 86400 * 365;
	advance(&p, 2);
	p.s.rx_bytes += 32;
	CHECK(eval(&p));
	CHECK_EQ_INT(p.age, 2);
	// And a backwards jump does not make an age negative.
	p.s.wall_now_s -= 86400 * 730;
	p.s.latest_handshake = p.s.wall_now_s + 50;
	advance(&p, 1);
	p.s.rx_bytes += 32;
	CHECK(eval(&p));
	CHECK_EQ_INT(p.age, 0);
}

static void test_counter_reset(void)
{
	struct peer_sim p;
	sim_init(&p, 2, 180);
	p.s.latest_handshake = WALL0;
	p.s.rx_bytes = 5000;
	CHECK(eval(&p));
	advance(&p, 8);
	p.s.rx_bytes = 92; // interface recreated: counters restart
	CHECK(eval(&p));
	advance(&p, 9);
	CHECK(eval(&p));
	advance(&p, 1);
	CHECK(!eval(&p));
}

static void test_auto_mtu(void)
{
	CHECK_EQ_INT(sc_vpn_auto_mtu(1500), 1420);
	CHECK_EQ_INT(sc_vpn_auto_mtu(1400), 1320);
	CHECK_EQ_INT(sc_vpn_auto_mtu(9000), 8920);
	CHECK_EQ_INT(sc_vpn_auto_mtu(65536), 65456);
	CHECK_EQ_INT(sc_vpn_auto_mtu(656), 576);
	CHECK_EQ_INT(sc_vpn_auto_mtu(600), 576);
	CHECK_EQ_INT(sc_vpn_auto_mtu(0), 576);
}

int main(void)
{
	test_no_handshake();
	test_keepalive_rule();
	test_first_seen_gets_a_window();
	test_handshake_age_without_keepalive();
	test_old_handshake_at_first_poll();
	test_wall_clock_jump();
	test_counter_reset();
	test_auto_mtu();
	return check_done();
}
