#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The helper's output is a configuration ALSA accepts and that opens the plugin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/make-asoundrc" --name vh1 --playback "$tmp/out.wav" --lib "$1" >"$tmp/asoundrc"
grep -q 'pcm.vh1 {' "$tmp/asoundrc"
grep -q "playback_file \"$tmp/out.wav\"" "$tmp/asoundrc"
# the test controls: a microphone switched on by a file, an unplug file, the events file
"$here/make-asoundrc" --name vh2 --playback "$tmp/out.wav" --lib "$1" --capture-start "$tmp/on" \
	--unplug-file "$tmp/pulled" --events "$tmp/events" >"$tmp/asoundrc2"
grep -q "capture_start_file \"$tmp/on\"" "$tmp/asoundrc2"
grep -q "unplug_file \"$tmp/pulled\"" "$tmp/asoundrc2"
grep -q "events_file \"$tmp/events\"" "$tmp/asoundrc2"
ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$tmp/asoundrc2" "$2" vh2
# a missing plugin is an error that says what to do
if "$here/make-asoundrc" --lib "$tmp/nope.so" 2>"$tmp/err"; then exit 1; fi
grep -q "build first" "$tmp/err"
# a bad name is refused
if "$here/make-asoundrc" --name 'a b' --lib "$1" 2>/dev/null; then exit 1; fi
# ALSA opens what it wrote: the probe opens "vh1" for playback and closes it
ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$tmp/asoundrc" "$2" vh1
test -s "$tmp/out.wav"
echo "1 passed, 0 failed"
