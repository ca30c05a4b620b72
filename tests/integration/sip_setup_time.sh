#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How long a call takes to set up between two sites over the tunnel: lyon answers by itself
# (rules.auto_answer), paris is told `call lyon` on its control socket, and the time runs
# until paris's status says in-call (INVITE, 100, 180, 200 with the SDP answer, ACK). The
# first call includes the TLS handshake; the 20 after it reuse the connection. Prints the
# first and the median of 20, and fails only when the median is absurd (over 2 s), so that
# a loaded or sanitized build still passes.
# timeout: 300
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init isetup
netsim_site paris 1 || sc_fail "site paris"
netsim_site lyon 2 || sc_fail "site lyon"
# The callee needs a headset, or it answers 480.
netsim_policy paris audio_device=vheadset codecs="pcmu, pcma" >/dev/null || sc_fail "policy for paris"
netsim_policy lyon audio_device=vheadset codecs="pcmu, pcma" auto_answer=true >/dev/null || sc_fail "policy for lyon"
netsim_headset paris || sc_fail "headset for paris"
netsim_headset lyon || sc_fail "headset for lyon"
netsim_start_daemon paris --log-level info || sc_fail "start paris"
netsim_start_daemon lyon --log-level info || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"

# One process talks to both control sockets (one request a connection), so that starting
# a client does not count in the times.
result=$(timeout 200 python3 - "$NETSIM_DIR/paris/run/control" "$NETSIM_DIR/lyon/run/control" <<'PY'
import json, socket, statistics, sys, time

def request(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall((line + "\n").encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    text = data.decode()
    if not text.startswith("ok\n"):
        raise SystemExit("%s: %s" % (line, text.strip()))
    return text[3:]

def call_state(path):
    return json.loads(request(path, "status json"))["call"]["state"]

def wait_state(path, want, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if call_state(path) == want:
            return time.monotonic()
        time.sleep(0.001)
    raise SystemExit("%s never reached %s" % (path, want))

paris, lyon = sys.argv[1], sys.argv[2]
times = []
for i in range(21):
    t0 = time.monotonic()
    request(paris, "call lyon")
    t1 = wait_state(paris, "in-call", 10)
    times.append((t1 - t0) * 1000.0)
    request(paris, "hangup")
    wait_state(paris, "idle", 10)
    wait_state(lyon, "idle", 10)
first, rest = times[0], times[1:]
print("first %.1f median %.1f min %.1f max %.1f" % (first, statistics.median(rest), min(rest), max(rest)))
PY
) || sc_fail "measurement failed: $result"
echo "call setup, 'call lyon' to in-call at paris, ms: $result"
median=$(awk '{print int($4)}' <<<"$result")
((median < 2000)) || sc_fail "median call setup $median ms"
grep -q 'answered by itself (rules.auto_answer)' "$NETSIM_DIR/lyon/sealcalld.log" ||
	sc_fail "lyon did not log its auto-answer"
sc_pass "median of 20 calls: $(awk '{print $4}' <<<"$result") ms (first, with the TLS handshake: $(awk '{print $2}' <<<"$result") ms)"
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
