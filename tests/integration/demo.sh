#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command, in CI: scripts/demo on this build (SC_BUILD_DIR), without its
# install and build step. Two sites with virtual headsets; the call placed with the hotline
# button and answered with the far button; the SAS found in both earpiece recordings and
# marked verified by a long press at each end; a sentence carried each way and matched with
# sc-audio-match; hung up with the button; the tunnels torn down. It passes only on the
# demo's own "verdict: OK" line and exit status.
# Measured on 2 shared cores: 52 s (gcc build, load average 5.6), 76 s (ASan build, load 9).
# The audio checks need the daemons to be served in real time: on a machine much busier
# than its cores they fail, and the demo's verdict says so (underruns and load).
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
sc_require_root_and_tools
for tool in python3 sox soxi espeak-ng ping; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (scripts/install-deps)" >&2; exit 77; }
done
[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
	sc_fail "the virtual headset plugin is not built in $SC_BUILD_DIR"

out=$(mktemp /tmp/sc-demo-test.XXXXXX) || sc_fail "mktemp"
trap 'rm -f "$out"' EXIT
"$here/../../scripts/demo" --no-build 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
verdict=$(grep '^verdict: ' "$out" | tail -n 1)
[[ $rc -eq 0 && $verdict == "verdict: OK: "* ]] || sc_fail "scripts/demo exited $rc: ${verdict:-no verdict}"
sc_pass "scripts/demo: ${verdict#verdict: OK: }"
