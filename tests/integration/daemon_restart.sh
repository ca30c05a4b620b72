#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# After kill -9, sealcalld started again recovers what the crash left and comes back to ready.
# timeout: 120
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init irestart
sc_two_sites
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris not ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon not ready"

old_wg=$(sc_wg_go_pid paris)
pid=${NETSIM_DAEMON_PID[paris]}
kill -KILL "$pid"
wait "$pid" 2>/dev/null
unset "NETSIM_DAEMON_PID[paris]"
[[ -S $(netsim_dir paris)/run/control ]] || echo "note: the crash left no socket file"

netsim_start_daemon paris || sc_fail "restart paris"
netsim_wait_status paris 'state: ready' 40 || sc_fail "paris did not come back to ready after kill -9"
netsim_wait_status paris 'peer lyon: up' 5 || sc_fail "paris does not see lyon after restart"
new_wg=$(sc_wg_go_pid paris)
if [[ $(netsim_status paris) == *userspace* ]]; then
	[[ $new_wg != "$old_wg" ]] || sc_fail "the old wireguard-go was kept instead of recovered"
	# PID 1 of a test container may never reap the orphan: a zombie counts as gone.
	netsim_alive "$old_wg" && [[ $(cat "/proc/$old_wg/comm" 2>/dev/null) == wireguard-go ]] &&
		sc_fail "the crashed daemon's wireguard-go ($old_wg) is still running"
fi
# Exactly one interface and one kill-switch route set in paris.
n=$(netsim_exec paris ip -o link show type tun 2>/dev/null | wc -l)
((n <= 1)) || sc_fail "$n tun interfaces in paris after the restart"
sc_pass "restarted after kill -9 and came back to ready"
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
