#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The call history at both ends of two calls: paris calls lyon, lyon answers, ZRTP keys it
# and paris hangs up; then paris calls again and lyon declines. Each site's `sealcall
# history` (table and JSON) shows both calls, newest first, from its own side: direction,
# how it ended (with the SIP code), security, quality and the SIP/ZRTP set-up split. During
# the call, status shows its quality; after it, the last call's summary. The file is mode
# 0600, holds one line per call and not the SAS; after a restart of the daemon the history
# is the same.
# timeout: 200
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
sc_require_headset_tools

netsim_init ihistory
sc_two_sites audio_device=vheadset codecs="pcmu, pcma"
netsim_headset paris || sc_fail "headset for paris"
netsim_headset lyon || sc_fail "headset for lyon"
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status lyon 'headset: vheadset' 5 || sc_fail "lyon has no headset"

out=$(sc_cli paris history 2>&1) || sc_fail "sealcall history failed: $out"
[[ $out == "no calls yet" ]] || sc_fail "a new site has a history: $out"

# Call 1: answered, secured, hung up by paris.
out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon: $out"
netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring"
out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer: $out"
netsim_wait_status paris 'sas: [^ ]+ \(B' 15 || sc_fail "paris not secure"
netsim_wait_status lyon 'sas: [^ ]+ \(B' 15 || sc_fail "lyon not secure"
sas=$(sc_cli paris status | sed -n 's/^sas: \([^ ]*\) .*/\1/p')
[[ -n $sas ]] || sc_fail "no SAS at paris"
# Audio flows both ways (silence from the virtual microphones); RTCP reports after ~5 s.
netsim_wait_status paris 'quality: loss [0-9.]+% jitter [0-9.]+ ms rtt [-0-9.]+ ms jitter-buffer [0-9]+ ms \(target [0-9]+ ms\) late [0-9]+ lost [0-9]+ concealed [0-9]+ gaps [0-9]+( \(longest [0-9]+ ms\))? codec PCM[UA]' 10 ||
	sc_fail "no quality line during the call"
sc_cli lyon status --json | python3 -c '
import json, sys
q = json.load(sys.stdin)["call"]["quality"]
assert q is not None and q["codec"] in ("PCMU", "PCMA"), q
assert q["loss_pct"] >= 0 and q["jitter_ms"] >= 0 and q["jitter_buffer_ms"] >= 0, q
' || sc_fail "lyon's JSON status has no call quality: $(sc_cli lyon status --json)"
sc_pass "status shows the live call's quality (text and JSON)"
sleep 6
sc_cli paris hangup >/dev/null 2>&1 || sc_fail "hangup failed"
netsim_wait_status paris 'call: idle' 10 || sc_fail "paris not idle"
netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon not idle"
netsim_wait_status paris 'last call summary: [0-9T:-]+Z to lyon length [0-9]+:[0-9]{2}, AES' 5 ||
	sc_fail "no summary of the last call at paris"

# Call 2: lyon declines it.
out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon (2): $out"
netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring (2)"
out=$(sc_cli lyon hangup 2>&1) || sc_fail "lyon could not decline: $out"
netsim_wait_status paris 'call: idle' 10 || sc_fail "paris not idle after the decline"
netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon not idle after the decline"

# What each site must show, newest first: SITE DIRECTION PEER END1 CODE1 END2 CODE2
check_history() {
	local site=$1 json
	json=$(sc_cli "$site" history --json 2>&1) || sc_fail "$site: history --json: $json"
	HISTORY_JSON=$json python3 - "$@" <<'PY' || sc_fail "$site: history is wrong: $json"
import json, os, sys
site, direction, peer, end1, code1, end2, code2 = sys.argv[1:8]
calls = json.loads(os.environ["HISTORY_JSON"])["calls"]
assert len(calls) == 2, "%d calls" % len(calls)
new, old = calls
for c in calls:
    assert c["peer"] == peer and c["direction"] == direction, c
    assert c["start"].endswith("Z") and len(c["start"]) == 20, c["start"]
assert new["start"] >= old["start"]
# the declined call: never answered, never secured, with the SIP code
assert new["end"]["kind"] == end2 and new["end"]["code"] == int(code2), new["end"]
assert new["duration_ms"] == -1 and new["setup"]["zrtp_ms"] == -1, new
assert not new["security"]["secured"] and new["security"]["not_secured_reason"] == "not answered"
assert new["quality"]["loss_pct"] == -1
# the answered call: how long, how it was secured, how it sounded, how long the set-up took
assert old["end"]["kind"] == end1 and old["end"]["code"] == int(code1), old["end"]
assert 5000 <= old["duration_ms"] <= 30000, old["duration_ms"]
s = old["security"]
assert s["secured"] and s["cipher"] in ("AES1", "AES3") and s["key_agreement"] in ("X255", "EC25", "DH3k"), s
assert s["hash"] in ("S256", "S384") and s["sas_type"] in ("B32", "B256") and s["cache"] == "new", s
assert s["sas_verified"] is False and "sas" not in s
q = old["quality"]
assert 0 <= q["loss_pct"] <= 100 and q["jitter_ms"] >= 0 and q["jitter_buffer_ms"] >= 0, q
assert q["lost"] >= 0 and q["late"] >= 0, q
t = old["setup"]
assert 0 < t["sip_ms"] < 15000 and 0 <= t["zrtp_ms"] < 10000, t
assert t["total_ms"] == t["sip_ms"] + t["zrtp_ms"], t
assert old["codec"] in ("PCMU", "PCMA"), old["codec"]
print("%s: %s call %s after %d ms (sip %d ms, zrtp %d ms, %s %s, loss %s%%), then %s %d" % (
    site, direction, end1, old["duration_ms"], t["sip_ms"], t["zrtp_ms"], s["cipher"],
    s["key_agreement"], q["loss_pct"], end2, new["end"]["code"]))
PY
}
check_history paris out lyon local-hangup 0 refused 603
check_history lyon in paris peer-hangup 0 declined 603

table=$(sc_cli paris history) || sc_fail "history (text) failed"
echo "$table"
[[ $(sed -n 1p <<<"$table") == "START (UTC)"*"DIR"*"PEER"*"LENGTH"*"SIP ms"*"ZRTP ms"*"SECURITY"*"LOSS"*"END" ]] ||
	sc_fail "no table header"
[[ $(sed -n 2p <<<"$table") == *" out "*" lyon "*"not secured (not answered)"*"refused 603: lyon refused the call: 603"* ]] ||
	sc_fail "the newest row is not the declined call"
[[ $(sed -n 3p <<<"$table") == *" out "*" lyon "*" 0:"*" AES"*"not verified"*"local hang-up" ]] ||
	sc_fail "the second row is not the answered call"
[[ $(sc_cli paris history -n 1 | wc -l) == 2 ]] || sc_fail "history -n 1 shows more than one call"
sc_pass "both sites show both calls, newest first, from their own side"

# The file: beside the ZRTP cache, mode 0600, one line per call, no SAS.
for site in paris lyon; do
	file=$(netsim_dir "$site")/history
	[[ -f $file ]] || sc_fail "$site: no history file at $file"
	mode=$(stat -c %a "$file")
	[[ $mode == 600 ]] || sc_fail "$site: history file mode $mode, not 600"
	lines=$(grep -c '^v1 ' "$file")
	((lines == 2)) || sc_fail "$site: $lines call lines in the file"
	! grep -qw -- "$sas" "$file" || sc_fail "$site: the SAS '$sas' is in the history file"
	ls "$(netsim_dir "$site")" | grep -q '^history\.' && sc_fail "$site: a temporary history file was left"
done
sc_pass "history files are 0600, one line per call, without the SAS ($sas)"

# A restart keeps it.
before=$(sc_cli paris history --json)
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_start_daemon paris || sc_fail "restart paris"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris not ready after the restart"
after=$(sc_cli paris history --json) || sc_fail "history after the restart"
[[ $before == "$after" ]] || sc_fail "the history changed across the restart: before $before after $after"
grep -q 'history: 2 call(s) remembered' "$NETSIM_DIR/paris/sealcalld.log" ||
	sc_fail "paris did not say it read 2 calls back"
netsim_wait_status paris 'last call summary: .* to lyon .*refused 603' 5 ||
	sc_fail "the last call's summary did not survive the restart"
sc_pass "the history is the same after a restart"

netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
! grep -q 'damaged call record' "$NETSIM_DIR/paris/sealcalld.log" || sc_fail "paris found damaged records"
sc_pass "clean stop"
