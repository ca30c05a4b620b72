#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Does a recording contain the speech of a reference WAV?

usage: audio_match.py REF.wav REC.wav [--min NCC] [--from-s S] [--to-s S] [--window-s W]

Prints "ncc=0.93 offset_ms=120 window_s=3.0" and exits 0 when the best match reaches --min
(default 0.8), 1 when it does not, 2 on bad input.

Why envelopes: the speech crossed G.711 (8 kHz), two resamplers, a jitter buffer and maybe
concealment, so samples never line up, but the loudness contour of words (20 ms frames) does.
Windows of the recording are slid over the reference (one loop of it: both players loop it),
and the normalised cross-correlation of the best alignment is the score. Different speech, or
noise, scores well under 0.6 here (tested in tests/interop/lib/audio_match_selftest.sh).

Reads WAVs whose header a killed recorder never finalised (data length 0 or too large): the
data runs to the end of the file.
"""
import array
import math
import operator
import struct
import sys

FRAME_S = 0.02


def read_wav(path):
    """Mono 16-bit samples and the rate; tolerates an unfinalised header."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a RIFF/WAVE file")
    pos, rate, channels, bits, pcm = 12, None, None, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = pos + 8
        if cid == b"fmt ":
            fmt, channels, rate = struct.unpack("<HHI", data[body:body + 8])
            bits = struct.unpack("<H", data[body + 14:body + 16])[0]
            if fmt not in (1, 0xFFFE) or bits != 16:
                raise ValueError(f"{path}: only 16-bit PCM is read (format {fmt}, {bits} bits)")
        elif cid == b"data":
            end = len(data) if size == 0 or body + size > len(data) else body + size
            pcm = data[body:end]
            break
        pos = body + size + (size & 1)
    if rate is None or pcm is None:
        raise ValueError(f"{path}: no fmt or data chunk")
    n = len(pcm) // (2 * channels)
    samples = array.array("h")
    samples.frombytes(pcm[:n * channels * 2])
    if sys.byteorder != "little":
        samples.byteswap()
    if channels > 1:
        samples = samples[::channels]
    return samples, rate


def envelope(samples, rate, start_s=0.0, end_s=None):
    """RMS of each 20 ms frame, on a log scale so that quiet words count as much as loud ones."""
    step = max(1, int(rate * FRAME_S))
    first = int(start_s * rate)
    last = len(samples) if end_s is None else min(len(samples), int(end_s * rate))
    env = []
    for i in range(first, last - step + 1, step):
        frame = samples[i:i + step]
        acc = sum(map(operator.mul, frame, frame))
        env.append(math.log10(1.0 + math.sqrt(acc / step)))
    return env


def best_match(ref, rec, window):
    """Best NCC of any WINDOW-frame slice of REC (stepped by a quarter window) against any
    position in REF, tiled once so that a slice across a loop boundary still fits."""
    tiled = ref + ref
    # Prefix sums give each reference slice's mean and energy in constant time.
    s1, s2 = [0.0], [0.0]
    for v in tiled:
        s1.append(s1[-1] + v)
        s2.append(s2[-1] + v * v)
    best, best_off = -1.0, 0
    step = max(1, window // 4)
    for start in range(0, len(rec) - window + 1, step):
        piece = rec[start:start + window]
        # A slice that is nearly all silence says nothing about what was heard.
        if sum(1 for v in piece if v > 1.0) < window // 4:
            continue
        mean = sum(piece) / window
        centred = [v - mean for v in piece]
        energy = sum(v * v for v in centred)
        if energy <= 1e-9:
            continue
        for lag in range(0, len(ref)):
            seg_sum = s1[lag + window] - s1[lag]
            seg_energy = s2[lag + window] - s2[lag] - seg_sum * seg_sum / window
            if seg_energy <= 1e-9:
                continue
            # centred sums to zero, so the reference slice need not be centred for the dot.
            dot = sum(map(operator.mul, centred, tiled[lag:lag + window]))
            score = dot / math.sqrt(energy * seg_energy)
            if score > best:
                best, best_off = score, start - lag
    return best, best_off


def main(argv):
    args = {"--min": "0.8", "--from-s": "0", "--to-s": "", "--window-s": "6"}
    files = []
    i = 0
    while i < len(argv):
        if argv[i] in args and i + 1 < len(argv):
            args[argv[i]] = argv[i + 1]
            i += 2
        elif argv[i].startswith("-"):
            print(__doc__.strip().splitlines()[2], file=sys.stderr)
            return 2
        else:
            files.append(argv[i])
            i += 1
    if len(files) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        ref_s, ref_rate = read_wav(files[0])
        rec_s, rec_rate = read_wav(files[1])
        minimum = float(args["--min"])
        start = float(args["--from-s"])
        end = float(args["--to-s"]) if args["--to-s"] else None
        window = int(float(args["--window-s"]) / FRAME_S)
    except (OSError, ValueError, struct.error) as e:
        print(f"audio_match: {e}", file=sys.stderr)
        return 2
    ref = envelope(ref_s, ref_rate)
    rec = envelope(rec_s, rec_rate, start, end)
    window = min(window, len(ref))
    if window < 25 or len(rec) < window:
        print(f"audio_match: too short: reference {len(ref) * FRAME_S:.1f} s, recording "
              f"{len(rec) * FRAME_S:.1f} s, window {window * FRAME_S:.1f} s", file=sys.stderr)
        print("ncc=0.00 offset_ms=0 window_s=0.0")
        return 1
    score, off = best_match(ref, rec, window)
    print(f"ncc={max(score, 0.0):.2f} offset_ms={int(off * FRAME_S * 1000)} "
          f"window_s={window * FRAME_S:.1f}")
    return 0 if score >= minimum else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
