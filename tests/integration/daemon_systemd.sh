#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# sealcalld as systemd and the operator see it, on the namespace test network: READY=1 once
# and only when the peers are up, STATUS= lines, watchdog pings, STOPPING=1; one daemon per
# runtime directory; the control socket's mode and permission check; a slow or oversized
# client does not disturb the daemon; SIGHUP re-checks the policy; SIGTERM stops cleanly.
# timeout: 150
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
command -v setpriv >/dev/null || { echo "SKIP: setpriv missing (util-linux)" >&2; exit 77; }

netsim_init icore
sc_two_sites
dir=$(netsim_dir paris)
notify_log=$NETSIM_DIR/notify.log
: >"$notify_log"

# systemd's side of sd_notify: a datagram socket that writes down every message.
netsim_spawn paris "$NETSIM_DIR/notify-listener.log" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode() + "\n")
' "$NETSIM_DIR/notify" "$notify_log"
netsim_wait_for 5 test -S "$NETSIM_DIR/notify" || sc_fail "notify listener did not start"

NOTIFY_SOCKET=$NETSIM_DIR/notify WATCHDOG_USEC=1000000 netsim_start_daemon paris || sc_fail "start paris"
sleep 3
grep -q '^READY=1$' "$notify_log" && sc_fail "READY=1 sent while lyon is not running: $(cat "$notify_log")"
grep -q '^STATUS=state: tunnel-up' "$notify_log" || sc_fail "no tunnel-up STATUS: $(cat "$notify_log")"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris not ready"
netsim_wait_for 5 grep -q '^READY=1$' "$notify_log" || sc_fail "no READY=1 after ready"
grep -q '^STATUS=state: ready (all 1 peer up)$' "$notify_log" || sc_fail "no ready STATUS: $(cat "$notify_log")"
pings_before=$(grep -c '^WATCHDOG=1$' "$notify_log")
sleep 2.2
pings=$(( $(grep -c '^WATCHDOG=1$' "$notify_log") - pings_before ))
((pings >= 3 && pings <= 6)) || sc_fail "$pings watchdog pings in 2.2 s with WATCHDOG_USEC=1 s (want 4 or so)"
sc_pass "sd_notify: STATUS, READY=1 only when ready, $pings watchdog pings in 2.2 s"

sock=$dir/run/control
[[ $(stat -c %a "$sock") == 660 ]] || sc_fail "control socket mode $(stat -c %a "$sock"), want 660"

# A second daemon on the same runtime directory refuses and leaves the first untouched.
out=$(netsim_exec paris "$SC_BUILD_DIR/src/core/sealcalld" --config "$dir/sealcall.yaml" \
	--runtime-dir "$dir/run" 2>&1)
rc=$?
[[ $rc -eq 3 ]] || sc_fail "second daemon exit $rc, want 3: $out"
[[ $out == *"another sealcalld is running"* ]] || sc_fail "second daemon says: $out"
netsim_wait_status paris 'peer lyon: up' 5 || sc_fail "the first daemon was disturbed"
[[ -S $sock ]] || sc_fail "the second daemon removed the first one's socket"
sc_pass "one daemon per runtime directory"

# Others: the socket's mode keeps them out, and behind a widened mode the daemon's own check.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SC_BUILD_DIR/src/core/sealcall" \
	--socket "$sock" status 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"permission denied"* ]] || sc_fail "nobody got rc $rc: $out"
chmod 0666 "$sock"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SC_BUILD_DIR/src/core/sealcall" \
	--socket "$sock" status 2>&1)
rc=$?
chmod 0660 "$sock"
[[ $rc -eq 1 && $out == *"sealcalld refused: permission denied"* ]] || sc_fail "nobody behind 0666 got rc $rc: $out"
grep -q "control: refused pid [0-9]* uid 65534" "$dir/sealcalld.log" || sc_fail "refusal not logged"
sc_pass "control socket: mode 660, others refused and logged"

# A client that connects and says nothing does not hold up anybody else, and is dropped.
netsim_spawn paris "$NETSIM_DIR/slow.log" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.send(b"sta")
t = time.monotonic()
s.settimeout(10)
data = s.recv(100)
print("closed after %.1f s with %r" % (time.monotonic() - t, data))
' "$sock"
slow_pid=$NETSIM_LAST_PID
sleep 0.3
start=$SECONDS
netsim_status paris >/dev/null || sc_fail "status failed while a slow client was connected"
((SECONDS - start <= 1)) || sc_fail "status took $((SECONDS - start)) s behind a slow client"
wait "$slow_pid"
grep -Eq "closed after (1\.[5-9]|2\.[0-9]) s with b'error no complete request line within 2000 ms\\\\n'" "$NETSIM_DIR/slow.log" ||
	sc_fail "slow client: $(cat "$NETSIM_DIR/slow.log")"
out=$(netsim_exec paris python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"status " + b"x" * 400 + b"\n")
data = b""
try:
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
except ConnectionResetError:
    pass
print(data.decode())
' "$sock")
[[ $out == "error request longer than 256 bytes" ]] || sc_fail "oversized request got: $out"
sc_pass "slow client told why and dropped after the read deadline; oversized request refused"

kill -HUP "${NETSIM_DAEMON_PID[paris]}"
netsim_wait_for 5 grep -q "SIGHUP: .* is valid" "$dir/sealcalld.log" || sc_fail "SIGHUP not handled"
netsim_wait_status paris 'state: ready' 3 || sc_fail "SIGHUP disturbed the daemon"
sc_pass "SIGHUP re-checks the policy and changes nothing"

netsim_stop_daemon paris || sc_fail "paris did not exit 0 on SIGTERM"
netsim_wait_for 3 grep -q '^STOPPING=1$' "$notify_log" || sc_fail "no STOPPING=1"
grep -q "state: stopping -> stopped" "$dir/sealcalld.log" || sc_fail "stopped not logged"
[[ -e $sock ]] && sc_fail "socket left behind"
netsim_exec paris ip link show "$(netsim_iface paris)" >/dev/null 2>&1 && sc_fail "interface left behind"
n=$(grep -c "state: " "$dir/sealcalld.log")
transitions=$(grep -E "state: [a-z-]+ -> [a-z-]+ \(" "$dir/sealcalld.log")
[[ $(sort <<<"$transitions" | uniq -d) == "" ]] || sc_fail "a transition was logged twice: $transitions"
sc_pass "SIGTERM: STOPPING=1, clean stop, $n state lines each logged once"
