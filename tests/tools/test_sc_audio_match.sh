#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# sc-audio-match's command line: what it prints and its exit codes, on WAVs made by sox from
# one of this build's spoken prompts.
set -u
tool=${1:?usage: test_sc_audio_match.sh PATH-TO-sc-audio-match}
command -v sox >/dev/null || { echo "SKIP: sox missing (apt-get install sox)"; exit 77; }
speech=${SC_BUILD_DIR:?}/src/audio/prompts/wav/3.wav
[[ -f $speech ]] || { echo "FAIL: $speech not built (make sc_audio_prompts)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect CODE REGEX ARGS...: the exit code is CODE and the output matches REGEX
expect() {
	local want=$1 regex=$2 out rc
	shift 2
	out=$("$tool" "$@" 2>&1)
	rc=$?
	if [[ $rc == "$want" && $out =~ $regex ]]; then
		passed=$((passed + 1))
		echo "ok: $* -> $out"
	else
		failed=$((failed + 1))
		echo "FAIL: $* gave exit $rc (want $want), output '$out' (want /$regex/)"
	fi
}

# the sentence at 48 kHz, 1.5 s into a recording, as the virtual headset records
sox "$speech" -r 48000 -c 1 -b 16 "$tmp/ref48.wav"
sox "$tmp/ref48.wav" "$tmp/delayed.wav" pad 1.5 2
sox "$tmp/delayed.wav" "$tmp/quiet.wav" vol 0.05
sox -n -r 48000 -c 1 -b 16 "$tmp/noise.wav" synth 6 whitenoise vol 0.3
sox "$tmp/ref48.wav" -c 2 "$tmp/stereo.wav" pad 0.25 0
echo "not a wav" >"$tmp/text.wav"

expect 0 '^ncc=(1\.000|0\.99[0-9]) offset_ms=1500$' "$speech" "$tmp/delayed.wav"
expect 0 '^ncc=(1\.000|0\.99[0-9]) offset_ms=1500$' "$speech" "$tmp/quiet.wav"
expect 0 '^ncc=(1\.000|0\.99[0-9]) offset_ms=250$' "$speech" "$tmp/stereo.wav"
expect 1 '^ncc=0\.0[0-9]+ offset_ms=-?[0-9]+$' "$speech" "$tmp/noise.wav"
# the threshold is the caller's: noise passes a bar set below its score
expect 0 '^ncc=' --min -1 "$speech" "$tmp/noise.wav"
# bounded search: the speech starts at 1500 ms, so a 1000 ms bound cannot reach it
expect 1 '^ncc=0\.[0-4][0-9]* offset_ms=' --max-offset-ms 1000 "$speech" "$tmp/delayed.wav"
expect 0 'offset_ms=1500$' --max-offset-ms 1600 "$speech" "$tmp/delayed.wav"
# bad input: exit 2 and a message that names the problem
expect 2 'cannot open .*missing.wav' "$speech" "$tmp/missing.wav"
expect 2 'not a RIFF/WAVE file' "$tmp/text.wav" "$speech"
expect 2 'usage:' "$speech"
expect 2 'unknown option --frob' --frob "$speech" "$tmp/delayed.wav"
expect 2 '--min takes a number' --min lots "$speech" "$tmp/delayed.wav"
sox -D -n -r 8000 -c 1 -b 16 "$tmp/silence.wav" trim 0 1
expect 2 'silent' "$tmp/silence.wav" "$tmp/delayed.wav"
echo "$passed passed, $failed failed"
((failed == 0))
