// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/appliance.h"
#include "check.h"

// A fake clock: tests move it by hand, the machine never reads a real one.
static uint64_t now_ms = 1000000;

static struct sc_appliance_inputs facts(bool tunnel, size_t total, size_t up)
{
	return (struct sc_appliance_inputs){ .tunnel_up = tunnel, .peers_total = total,
					     .peers_up = up };
}

// Updates until the machine settles, returning how many transitions happened and the last.
static int settle(struct sc_appliance *a, const struct sc_appliance_inputs *in,
		  struct sc_appliance_transition *last, char *line, size_t len)
{
	int n = 0;
	struct sc_appliance_transition t;
	while (n < 10 && sc_appliance_update(a, in, now_ms, &t)) {
		*last = t;
		sc_appliance_transition_format(&t, line, len);
		n++;
	}
	return n;
}

static void test_start_to_ready(void)
{
	struct sc_appliance a;
	struct sc_appliance_transition t;
	char line[256];
	sc_appliance_init(&a, now_ms);
	CHECK_EQ_INT(a.state, SC_APPLIANCE_STARTING);
	struct sc_appliance_inputs in = facts(false, 2, 0);
	CHECK(!sc_appliance_update(&a, &in, now_ms, &t));

	in = facts(true, 2, 0);
	CHECK(sc_appliance_update(&a, &in, now_ms, &t));
	sc_appliance_transition_format(&t, line, sizeof(line));
	CHECK_EQ_INT(a.state, SC_APPLIANCE_TUNNEL_UP);
	CHECK_STR_CONTAINS(line, "state: starting -> tunnel-up (");
	CHECK_STR_CONTAINS(line, "waiting for 2 peers");
	// Logged once: the same facts again change nothing.
	CHECK(!sc_appliance_update(&a, &in, now_ms + 1000, &t));

	now_ms += 5000;
	in = facts(true, 2, 1);
	CHECK(!sc_appliance_update(&a, &in, now_ms, &t));
	now_ms += 1000;
	in = facts(true, 2, 2);
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 1);
	CHECK_EQ_INT(a.state, SC_APPLIANCE_READY);
	CHECK(a.in_service);
	CHECK(strcmp(line, "state: tunnel-up -> ready (all 2 peers up)") == 0);
	CHECK_EQ_INT(a.since_ms, now_ms);
}

static void test_starting_settles_in_two_steps(void)
{
	struct sc_appliance a;
	struct sc_appliance_transition t;
	char line[256];
	sc_appliance_init(&a, now_ms);
	struct sc_appliance_inputs in = facts(true, 1, 1);
	// starting -> tunnel-up -> ready, one transition a call.
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 2);
	CHECK_EQ_INT(a.state, SC_APPLIANCE_READY);
	CHECK(strcmp(line, "state: tunnel-up -> ready (all 1 peer up)") == 0);
}

static void test_grace_period_then_degraded(void)
{
	struct sc_appliance a;
	struct sc_appliance_transition t;
	char line[256];
	sc_appliance_init(&a, now_ms);
	struct sc_appliance_inputs in = facts(true, 3, 1);
	in.stale_detail = "lyon (no handshake yet)";
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 1);
	uint64_t up_at = now_ms;
	// 19.999 s: still waiting.
	CHECK(!sc_appliance_update(&a, &in, up_at + SC_APPLIANCE_PEER_GRACE_MS - 1, &t));
	CHECK_EQ_INT(a.state, SC_APPLIANCE_TUNNEL_UP);
	CHECK(!a.in_service);
	// A clock going backwards is not taken for an elapsed grace period.
	CHECK(!sc_appliance_update(&a, &in, up_at - 5, &t));
	// 20 s: degraded, with the counts and the first stale peer.
	CHECK(sc_appliance_update(&a, &in, up_at + SC_APPLIANCE_PEER_GRACE_MS, &t));
	sc_appliance_transition_format(&t, line, sizeof(line));
	CHECK_EQ_INT(a.state, SC_APPLIANCE_DEGRADED);
	CHECK(a.in_service);
	CHECK(strcmp(line, "state: tunnel-up -> degraded (1 of 3 peers up after 20 s; stale: "
			   "lyon (no handshake yet))") == 0);
	CHECK(!sc_appliance_update(&a, &in, up_at + 60000, &t));
	// Peers come: ready.
	in = facts(true, 3, 3);
	CHECK(sc_appliance_update(&a, &in, up_at + 61000, &t));
	CHECK_EQ_INT(t.from, SC_APPLIANCE_DEGRADED);
	CHECK_EQ_INT(t.to, SC_APPLIANCE_READY);
	CHECK(strcmp(t.reason, "all 3 peers up") == 0);
}

static void test_ready_degraded_flapping(void)
{
	struct sc_appliance a;
	struct sc_appliance_transition t;
	char line[256];
	sc_appliance_init(&a, now_ms);
	struct sc_appliance_inputs in = facts(true, 2, 2);
	settle(&a, &in, &t, line, sizeof(line));
	CHECK_EQ_INT(a.state, SC_APPLIANCE_READY);

	int transitions = 0;
	for (int i = 0; i < 6; i++) {
		now_ms += 1000;
		in = facts(true, 2, i % 2 ? 2 : 1);
		in.stale_detail = "nice (handshake 200 s old)";
		transitions += settle(&a, &in, &t, line, sizeof(line));
		CHECK_EQ_INT(a.state, i % 2 ? SC_APPLIANCE_READY : SC_APPLIANCE_DEGRADED);
		// The same facts a second time are not a second transition.
		transitions += settle(&a, &in, &t, line, sizeof(line));
	}
	CHECK_EQ_INT(transitions, 6);
	in = facts(true, 2, 1);
	in.stale_detail = "nice (handshake 200 s old)";
	settle(&a, &in, &t, line, sizeof(line));
	CHECK(strcmp(line, "state: ready -> degraded (1 of 2 peers up; stale: nice (handshake 200 "
			   "s old))") == 0);
}

static void test_tunnel_loss(void)
{
	struct sc_appliance a;
	struct sc_appliance_transition t;
	char line[256];
	sc_appliance_init(&a, now_ms);
	struct sc_appliance_inputs in = facts(true, 2, 0);
	settle(&a, &in, &t, line, sizeof(line));
	// Losing the tunnel while waiting for peers is degraded at once, without the grace period.
	in = facts(false, 2, 0);
	in.tunnel_detail = "wireguard-go exited with status 2";
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 1);
	CHECK(strcmp(line, "state: tunnel-up -> degraded (tunnel down: wireguard-go exited with "
			   "status 2)") == 0);
	// All peers "up" on a dead tunnel is not ready.
	in = facts(false, 2, 2);
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 0);
	in = facts(true, 2, 2);
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 1);
	CHECK_EQ_INT(a.state, SC_APPLIANCE_READY);
	in = facts(false, 2, 2);
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 1);
	CHECK(strcmp(line, "state: ready -> degraded (tunnel down)") == 0);
}

static void test_stopping(void)
{
	struct sc_appliance a;
	struct sc_appliance_transition t;
	char line[256];
	sc_appliance_init(&a, now_ms);
	// Stopped only after stopping.
	CHECK(!sc_appliance_stopped(&a, "x", now_ms, &t));
	struct sc_appliance_inputs in = facts(true, 1, 1);
	settle(&a, &in, &t, line, sizeof(line));
	CHECK(sc_appliance_stop(&a, "SIGTERM received", now_ms, &t));
	sc_appliance_transition_format(&t, line, sizeof(line));
	CHECK(strcmp(line, "state: ready -> stopping (SIGTERM received)") == 0);
	CHECK(!sc_appliance_stop(&a, "SIGINT received", now_ms, &t));
	// No facts move a stopping appliance.
	in = facts(false, 1, 0);
	CHECK_EQ_INT(settle(&a, &in, &t, line, sizeof(line)), 0);
	CHECK_EQ_INT(a.state, SC_APPLIANCE_STOPPING);
	CHECK(sc_appliance_stopped(&a, "tunnel down, control socket removed", now_ms, &t));
	CHECK_EQ_INT(a.state, SC_APPLIANCE_STOPPED);
	CHECK(!sc_appliance_stopped(&a, "again", now_ms, &t));
	CHECK(!sc_appliance_stop(&a, "again", now_ms, &t));
	CHECK(strcmp(sc_appliance_state_name(SC_APPLIANCE_STOPPED), "stopped") == 0);

	// A stop before the tunnel ever came up.
	sc_appliance_init(&a, now_ms);
	CHECK(sc_appliance_stop(&a, "SIGINT received", now_ms, &t));
	CHECK_EQ_INT(t.from, SC_APPLIANCE_STARTING);
}

int main(void)
{
	test_start_to_ready();
	test_starting_settles_in_two_steps();
	test_grace_period_then_degraded();
	test_ready_degraded_flapping();
	test_tunnel_loss();
	test_stopping();
	return check_done();
}
