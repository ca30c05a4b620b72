// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "core/appliance.h"
#include "core/call_service.h"
#include "core/control_server.h"
#include "core/daemon_args.h"
#include "core/loop.h"
#include "core/selftest.h"
#include "core/status.h"
#include "core/systemd.h"
#include "policy/policy.h"
#include "vpn/vpn.h"

#define EXIT_REFUSED 1 // the policy or a self-test: restarting cannot help
#define EXIT_USAGE 2
#define EXIT_FAILED 3  // anything else at startup or later: a restart may help
#define POLL_INTERVAL_MS 1000
#define CONTROL_GROUP "sealcall"
#define CONTROL_MAX_RESPONSE (1u << 20)

struct daemon {
	struct sc_daemon_args args;
	struct sc_policy *policy;
	struct sc_vpn *vpn;
	struct sc_loop *loop;
	struct sc_control_server *control;
	struct sc_call_service *calls; // SIP and the call manager, once the tunnel is up
	struct sc_loop_timer *poll_timer, *watchdog_timer;
	struct sc_loop_watch *poll_watch; // while `wg show dump` runs off the loop
	struct sc_appliance app;
	char control_path[SC_PATH_MAX + 16];
	char address[64];
	char tunnel_detail[96];
	bool tunnel_lost_logged;
	bool notified_ready;
	bool app_started;      // the state machine runs (a bad policy never gets this far)
	int lock_fd;
};

static void notify(const char *message)
{
	int r = sc_sd_notify(message);
	if (r < 0)
		sc_debug("sd_notify %s: %s", message, strerror(-r));
}

static void log_transition(struct daemon *d, const struct sc_appliance_transition *t)
{
	char line[SC_APPLIANCE_REASON_MAX + 64], status[sizeof(line) + 8];
	sc_appliance_transition_format(t, line, sizeof(line));
	if (t->to == SC_APPLIANCE_DEGRADED)
		sc_warn("%s", line);
	else
		sc_notice("%s", line);
	snprintf(status, sizeof(status), "STATUS=state: %s (%s)", sc_appliance_state_name(t->to),
		 t->reason);
	notify(status);
	if (t->from == SC_APPLIANCE_READY && t->to == SC_APPLIANCE_DEGRADED)
		sc_call_service_tunnel_down(d->calls, t->reason);
	if (!d->notified_ready && (t->to == SC_APPLIANCE_READY || t->to == SC_APPLIANCE_DEGRADED)) {
		d->notified_ready = true;
		notify("READY=1");
	}
}

// Feeds the latest tunnel facts to the state machine and logs what changed.
static void update_state(struct daemon *d)
{
	struct sc_appliance_inputs in = { .tunnel_up = sc_vpn_is_up(d->vpn) };
	char stale[SC_NAME_MAX + 128] = "";
	size_t n = sc_vpn_peer_count(d->vpn);
	in.peers_total = n;
	for (size_t i = 0; i < n; i++) {
		struct sc_vpn_peer_status ps;
		if (sc_vpn_peer_status(d->vpn, i, &ps) < 0)
			continue;
		if (ps.up)
			in.peers_up++;
		else if (!stale[0])
			snprintf(stale, sizeof(stale), "%s (%s)", ps.name, ps.reason);
	}
	in.stale_detail = stale[0] ? stale : NULL;
	in.tunnel_detail = d->tunnel_detail[0] ? d->tunnel_detail : NULL;
	struct sc_appliance_transition t;
	// Bounded: the machine moves at most starting -> tunnel-up -> ready in one go.
	for (int i = 0; i < 4 && sc_appliance_update(&d->app, &in, sc_loop_now_ms(), &t); i++)
		log_transition(d, &t);
}

static void tunnel_lost(struct daemon *d, const char *why)
{
	if (!d->tunnel_detail[0])
		snprintf(d->tunnel_detail, sizeof(d->tunnel_detail), "%s", why);
	if (!d->tunnel_lost_logged) {
		d->tunnel_lost_logged = true;
		// Recreating the tunnel in place would drop the kill switch for a moment; staying
		// down with it in place leaks nothing until the operator restarts the daemon.
		sc_err("tunnel lost (%s): calls are refused until sealcalld is restarted "
		       "(systemctl restart sealcall)", d->tunnel_detail);
	}
}

static void poll_done(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	struct daemon *d = arg;
	bool changed = false;
	sc_loop_watch_free(d->poll_watch);
	d->poll_watch = NULL;
	int r = sc_vpn_poll_finish(d->vpn, sc_loop_now_ms() / 1000u, &changed);
	if (r == -ENODEV)
		tunnel_lost(d, "interface gone");
	update_state(d);
}

// Each second: the peers' health from `wg show dump`, which runs in a worker thread because
// this loop also moves the headset's audio (docs/architecture.md, "One thread, one event loop").
static void poll_tunnel(struct sc_loop *loop, struct sc_loop_timer *timer, void *arg)
{
	(void)timer;
	struct daemon *d = arg;
	if (d->poll_watch) // the last one has not answered yet: it is bounded by its own timeout
		return;
	if (sc_vpn_is_up(d->vpn)) {
		int r = sc_vpn_poll_start(d->vpn);
		if (r == 0)
			r = sc_loop_watch_new(loop, sc_vpn_poll_fd(d->vpn), EPOLLIN, poll_done, d,
					      &d->poll_watch);
		if (r < 0) {
			// Unknown health is stale health: the synchronous poll marks it so.
			sc_warn("cannot poll the tunnel off the loop (%s); polling in place",
				strerror(-r));
			bool changed = false;
			if (sc_vpn_poll_fd(d->vpn) >= 0)
				r = sc_vpn_poll_finish(d->vpn, sc_loop_now_ms() / 1000u, &changed);
			else
				r = sc_vpn_poll(d->vpn, sc_loop_now_ms() / 1000u, &changed);
			if (r == -ENODEV)
				tunnel_lost(d, "interface gone");
		}
	}
	update_state(d);
}

static void feed_watchdog(struct sc_loop *loop, struct sc_loop_timer *timer, void *arg)
{
	(void)loop;
	(void)timer;
	(void)arg;
	notify("WATCHDOG=1");
}

// Only wireguard-go is waited for here: every other child is a tool that sc_spawn_run waits
// for itself, possibly in the tunnel poll's worker thread, whose waitpid a waitpid(-1) here
// would rob of its status.
static void reap_children(struct daemon *d)
{
	pid_t child = d->vpn ? sc_vpn_child_pid(d->vpn) : -1;
	int status;
	if (child <= 0 || waitpid(child, &status, WNOHANG) != child)
		return;
	sc_vpn_child_exited(d->vpn, status);
	char why[64];
	if (WIFEXITED(status))
		snprintf(why, sizeof(why), "wireguard-go exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "wireguard-go killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "wireguard-go ended");
	tunnel_lost(d, why);
	update_state(d);
}

static void recheck_policy(struct daemon *d)
{
	struct sc_policy *p = NULL;
	struct sc_policy_errors errs = { 0 };
	int r = sc_policy_load(d->args.config, true, &p, &errs);
	if (r == 0)
		sc_notice("SIGHUP: %s is valid; restart sealcalld to apply it (reloading in place "
			  "is not supported)", d->args.config);
	else
		sc_warn("SIGHUP: %s has %zu error(s) (sealcalld --check-config %s shows them); the "
			"running policy stays in force", d->args.config, errs.count, d->args.config);
	sc_policy_free(p);
	sc_policy_errors_free(&errs);
}

static void on_signal(struct sc_loop *loop, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	struct sc_appliance_transition t;
	switch (si->ssi_signo) {
	case SIGTERM:
	case SIGINT: {
		char why[64];
		snprintf(why, sizeof(why), "%s from PID %u", si->ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT",
			 si->ssi_pid);
		if (sc_appliance_stop(&d->app, why, sc_loop_now_ms(), &t)) {
			notify("STOPPING=1");
			log_transition(d, &t);
		}
		sc_loop_quit(loop, 0);
		break;
	}
	case SIGHUP:
		recheck_policy(d);
		break;
	case SIGCHLD:
		reap_children(d);
		break;
	default:
		break;
	}
}

static int peer_snapshot(struct daemon *d, struct sc_vpn_peer_status **out, size_t *n)
{
	*n = sc_vpn_peer_count(d->vpn);
	*out = calloc(*n ? *n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		int r = sc_vpn_peer_status(d->vpn, i, &(*out)[i]);
		if (r < 0) {
			free(*out);
			*out = NULL;
			return r;
		}
	}
	return 0;
}

static int handle_status(struct daemon *d, const struct sc_control_request *req,
			 struct sc_outbuf *body, char *err, size_t errlen)
{
	struct sc_vpn_peer_status *peers;
	size_t n;
	int r = peer_snapshot(d, &peers, &n);
	if (r < 0) {
		snprintf(err, errlen, "cannot read peer status: %s", strerror(-r));
		return r;
	}
	struct sc_status st = {
		.site = d->policy->site_name,
		.state = sc_appliance_state_name(d->app.state),
		.state_reason = d->app.reason,
		.interface = d->policy->tunnel.interface,
		.backend = sc_vpn_backend_name(d->vpn),
		.address = d->address,
		.peers = peers,
		.n_peers = n,
	};
	struct sc_call_status call;
	if (d->calls) {
		sc_call_service_status(d->calls, &call);
		st.call = &call;
	}
	r = sc_control_wants_json(req) ? sc_status_render_json(&st, body)
				       : sc_status_render_text(&st, body);
	free(peers);
	return r;
}

static int handle_request(void *arg, const struct sc_control_request *req,
			  const struct sc_peer_identity *who, struct sc_outbuf *body, char *err,
			  size_t errlen)
{
	struct daemon *d = arg;
	sc_debug("control: '%s' from pid %d uid %u", req->command, (int)who->pid, (unsigned)who->uid);
	switch (req->op) {
	case SC_CONTROL_STATUS:
		return handle_status(d, req, body, err, errlen);
	case SC_CONTROL_CALL:
	case SC_CONTROL_ANSWER:
	case SC_CONTROL_HANGUP:
	case SC_CONTROL_VERIFY:
	case SC_CONTROL_UNVERIFY:
	case SC_CONTROL_FORGET:
	case SC_CONTROL_MUTE:
	case SC_CONTROL_VOLUME:
	case SC_CONTROL_HISTORY:
	case SC_CONTROL_DTMF:
		if (!d->calls) {
			snprintf(err, errlen, "signaling is not running (the tunnel is not up yet)");
			return -EAGAIN;
		}
		return sc_call_service_command(d->calls, req, body, err, errlen);
	}
	snprintf(err, errlen, "%s is not implemented", req->command);
	return -ENOSYS;
}

static int check_config(const struct sc_daemon_args *args)
{
	struct sc_policy *p = NULL;
	struct sc_policy_errors errs = { 0 };
	int r = sc_policy_load(args->config, true, &p, &errs);
	if (r == 0) {
		printf("%s: policy OK\n", args->config);
	} else {
		sc_policy_errors_print(&errs, stderr);
		if (errs.count == 0)
			fprintf(stderr, "%s: cannot load the policy: %s\n", args->config, strerror(-r));
	}
	sc_policy_free(p);
	sc_policy_errors_free(&errs);
	return r == 0 ? 0 : EXIT_REFUSED;
}

static int load_policy(struct daemon *d)
{
	struct sc_policy_errors errs = { 0 };
	int r = sc_policy_load(d->args.config, true, &d->policy, &errs);
	if (r < 0) {
		sc_policy_errors_print(&errs, stderr);
		fflush(stderr);
		sc_err("%s: %zu error(s) in the policy; nothing was started (check it with "
		       "sealcalld --check-config %s)", d->args.config, errs.count ? errs.count : 1,
		       d->args.config);
	}
	sc_policy_errors_free(&errs);
	return r;
}

// Only one daemon may own a runtime directory: a lock held as long as the process lives, so
// that a crashed daemon never blocks its successor.
static int prepare_runtime_dir(struct daemon *d)
{
	const char *dir = d->args.runtime_dir;
	char lock_path[SC_PATH_MAX + 32];
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		sc_err("cannot create the runtime directory %s: %s; create it or pass another "
		       "--runtime-dir", dir, strerror(errno));
		return -errno;
	}
	int n = snprintf(d->control_path, sizeof(d->control_path), "%s/control", dir);
	if (n < 0 || (size_t)n >= sizeof(d->control_path)) {
		sc_err("runtime directory path %s is too long; choose a shorter --runtime-dir", dir);
		return -ENAMETOOLONG;
	}
	snprintf(lock_path, sizeof(lock_path), "%s/sealcalld.lock", dir);
	d->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (d->lock_fd < 0) {
		sc_err("cannot open %s: %s; check that %s is writable by sealcalld", lock_path,
		       strerror(errno), dir);
		return -errno;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;
		if (errno == EWOULDBLOCK)
			sc_err("another sealcalld is running with the runtime directory %s; stop it "
			       "first (systemctl stop sealcall) or give this one another --runtime-dir",
			       dir);
		else
			sc_err("cannot lock %s: %s", lock_path, strerror(errno));
		return r;
	}
	// A daemon of an older version (without the lock) may still answer on the socket.
	int live = sc_control_socket_probe(d->control_path);
	if (live == 1) {
		sc_err("another sealcalld answers on %s; stop it first (systemctl stop sealcall)",
		       d->control_path);
		return -EADDRINUSE;
	}
	return 0;
}

static int open_control(struct daemon *d)
{
	struct sc_control_server_options o = {
		.path = d->control_path,
		.mode = 0660,
		.read_timeout_ms = 2000,
		.write_timeout_ms = 5000,
		.max_clients = 16,
		.max_response = CONTROL_MAX_RESPONSE,
		.handler = handle_request,
		.handler_arg = d,
	};
	struct group *g = getgrnam(CONTROL_GROUP);
	if (g) {
		o.have_group = true;
		o.group = g->gr_gid;
	} else {
		sc_info("no '%s' group on this system: only root may use %s (groupadd --system "
			"%s to allow others)", CONTROL_GROUP, d->control_path, CONTROL_GROUP);
	}
	return sc_control_server_open(d->loop, &o, &d->control);
}

// Returns 0 or the exit code to stop with.
static int start(struct daemon *d)
{
	if (load_policy(d) < 0)
		return EXIT_REFUSED;
	sc_prefix_format(&d->policy->tunnel.address, d->address, sizeof(d->address));
	// The crypto the calls will rely on is checked before anything is exposed.
	if (sc_selftests_run() < 0)
		return EXIT_REFUSED;
	int r = prepare_runtime_dir(d);
	if (r < 0)
		return EXIT_FAILED;
	r = sc_loop_new(&d->loop);
	if (r == 0)
		r = sc_loop_handle_signals(d->loop, on_signal, d);
	if (r == 0)
		r = sc_loop_timer_new(d->loop, poll_tunnel, d, &d->poll_timer);
	if (r == 0)
		r = sc_loop_timer_new(d->loop, feed_watchdog, d, &d->watchdog_timer);
	if (r < 0) {
		sc_err("cannot set up the event loop: %s", strerror(-r));
		return EXIT_FAILED;
	}
	sc_appliance_init(&d->app, sc_loop_now_ms());
	d->app_started = true;
	notify("STATUS=state: starting (bringing the tunnel up)");

	// The tunnel first: no socket of ours exists until it is up.
	struct sc_vpn_options vo = { .runtime_dir = d->args.runtime_dir };
	r = sc_vpn_up(d->policy, &vo, &d->vpn);
	if (r < 0)
		return EXIT_FAILED;
	update_state(d);
	// SIP only now, on the tunnel address and interface.
	r = sc_call_service_start(d->loop, d->policy, d->vpn, &d->calls);
	if (r < 0)
		return EXIT_FAILED;
	r = open_control(d);
	if (r < 0)
		return EXIT_FAILED;
	sc_info("control socket %s ready", d->control_path);

	sc_loop_timer_arm(d->poll_timer, POLL_INTERVAL_MS, POLL_INTERVAL_MS);
	uint64_t wd_usec = sc_sd_watchdog_usec();
	if (wd_usec) {
		uint64_t every_ms = wd_usec / 2000u ? wd_usec / 2000u : 1;
		sc_loop_timer_arm(d->watchdog_timer, every_ms, every_ms);
		sc_debug("systemd watchdog: pinging every %llu ms", (unsigned long long)every_ms);
	}
	return 0;
}

// Undoes START in reverse order: the tunnel goes first, as the contract says, then the socket.
static void stop(struct daemon *d, const char *why)
{
	struct sc_appliance_transition t;
	if (d->app_started && sc_appliance_stop(&d->app, why, sc_loop_now_ms(), &t))
		log_transition(d, &t);
	// the call's BYE still needs the tunnel
	sc_call_service_stop(d->calls);
	d->calls = NULL;
	sc_loop_watch_free(d->poll_watch); // before sc_vpn_down closes its fd
	d->poll_watch = NULL;
	sc_vpn_down(d->vpn);
	d->vpn = NULL;
	sc_control_server_close(d->control);
	d->control = NULL;
	if (d->app_started &&
	    sc_appliance_stopped(&d->app, "tunnel down, control socket removed", sc_loop_now_ms(), &t))
		log_transition(d, &t);
	sc_loop_timer_free(d->poll_timer);
	sc_loop_timer_free(d->watchdog_timer);
	sc_loop_free(d->loop);
	sc_policy_free(d->policy);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
}

int sc_daemon_main(int argc, char **argv)
{
	// Before anything else, so that no thread or child ever sees these signals unblocked.
	if (sc_loop_block_signals() < 0) {
		fprintf(stderr, "sealcalld: cannot block signals\n");
		return EXIT_FAILED;
	}
	struct daemon d = { .lock_fd = -1 };
	char err[256];
	if (sc_daemon_args_parse(argc, argv, &d.args, err, sizeof(err)) < 0) {
		fprintf(stderr, "sealcalld: %s\n", err);
		return EXIT_USAGE;
	}
	if (d.args.mode == SC_DAEMON_HELP) {
		fputs(sc_daemon_usage(), stdout);
		return 0;
	}
	if (d.args.mode == SC_DAEMON_VERSION) {
		printf("sealcalld %s\n", SEALCALL_VERSION);
		return 0;
	}
	sc_log_set_level(d.args.log_level);
	if (d.args.mode == SC_DAEMON_CHECK_CONFIG)
		return check_config(&d.args);

	sc_log_use_journal_prefix(sc_sd_stderr_is_journal());
	sc_info("sealcalld %s starting with %s", SEALCALL_VERSION, d.args.config);
	const char *why = "startup failed";
	int code = start(&d);
	if (code == 0) {
		int r = sc_loop_run(d.loop);
		if (r < 0) {
			sc_err("event loop failed: %s", strerror(-r));
			why = "event loop failed";
			code = EXIT_FAILED;
		}
	}
	stop(&d, why);
	return code;
}
