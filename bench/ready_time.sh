#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Time from starting sealcalld at two sites (together) to both reporting ready, and the
# daemon's resident memory once ready. Prints numbers, not verdicts.
#   sudo SC_BUILD_DIR=build bench/ready_time.sh [RUNS]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
export SC_BUILD_DIR=${SC_BUILD_DIR:-$here/build}
[[ $SC_BUILD_DIR == /* ]] || SC_BUILD_DIR=$here/$SC_BUILD_DIR
runs=${1:-5}
source "$here/tests/netsim/netsim.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
is_ready() { netsim_status "$1" 2>/dev/null | grep -q 'state: ready'; }

netsim_init bready
netsim_site paris 1 && netsim_site lyon 2 || exit 1
netsim_policy paris >/dev/null && netsim_policy lyon >/dev/null || exit 1
times=() rss=()
for ((i = 1; i <= runs; i++)); do
	t0=$(now_ms)
	netsim_start_daemon paris 2>/dev/null && netsim_start_daemon lyon 2>/dev/null || exit 1
	deadline=$((SECONDS + 60))
	until is_ready paris && is_ready lyon; do
		((SECONDS < deadline)) || { echo "run $i: not ready within 60 s" >&2; exit 1; }
		sleep 0.02
	done
	t1=$(now_ms)
	times+=($((t1 - t0)))
	rss+=("$(awk '/^VmRSS/ {print $2}' "/proc/${NETSIM_DAEMON_PID[paris]}/status")")
	echo "run $i: both ready after $((t1 - t0)) ms; paris sealcalld RSS ${rss[-1]} kB"
	netsim_stop_daemon paris && netsim_stop_daemon lyon || exit 1
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median start-to-ready: $(median "${times[@]}") ms over $runs runs"
echo "median RSS when ready: $(median "${rss[@]}") kB"
