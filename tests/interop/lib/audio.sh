# SPDX-License-Identifier: GPL-3.0-or-later
# Speech for the interop peers' file sound cards, made at test time (nothing large is
# committed), and a measure of what they recorded.
#
#   interop_speech_wav FILE [TEXT] [RATE]   espeak-ng speech, resampled by sox to RATE (default
#                                    16000) mono 16-bit (48000 for a virtual headset)
#   interop_wav_rms FILE             RMS amplitude (0..1) of a WAV; reads files whose header a
#                                    killed recorder never finalised (sox --ignore-length)
#   interop_wav_seconds FILE         its length in seconds

interop_speech_wav() {
	local file=${1:?usage: interop_speech_wav FILE [TEXT]}
	local text=${2:-"This is the sealcall interop test. One, two, three, four, five. The quick brown fox jumps over the lazy dog."}
	local rate=${3:-16000}
	command -v espeak-ng >/dev/null || { interop_log "espeak-ng missing: apt-get install espeak-ng"; return 1; }
	command -v sox >/dev/null || { interop_log "sox missing: apt-get install sox"; return 1; }
	espeak-ng -s 150 -w "$file.raw.wav" "$text" || return 1
	sox "$file.raw.wav" -r "$rate" -c 1 -b 16 "$file" || return 1
	rm -f "$file.raw.wav"
}

interop_wav_rms() {
	local file=${1:?usage: interop_wav_rms FILE}
	sox --ignore-length "$file" -n stat 2>&1 | awk '/^RMS +amplitude:/ { print $3; found = 1 } END { exit !found }'
}

interop_wav_seconds() {
	local file=${1:?usage: interop_wav_seconds FILE}
	sox --ignore-length "$file" -n stat 2>&1 | awk '/^Length \(seconds\):/ { print $3; found = 1 } END { exit !found }'
}
