// SPDX-License-Identifier: GPL-3.0-or-later
// Just enough RIFF/WAVE for the virtual headset: 16-bit PCM in, 16-bit PCM out.
#ifndef VH_WAV_H
#define VH_WAV_H

#include <stddef.h>
#include <stdint.h>

#define VH_WAV_HEADER_LEN 44

struct vh_wav {
	uint16_t channels;
	uint32_t rate;
	uint16_t bits;
	uint64_t data_offset; // where the samples start in the file
	uint64_t data_bytes;  // how many bytes of samples follow (cut to the file's size)
};

// Parses the header at the start of a file of FILE_SIZE bytes, of which BUF holds the first
// LEN. Accepts PCM and WAVE_FORMAT_EXTENSIBLE/PCM; a data size of 0 or 0xFFFFFFFF (left by
// a writer that was killed) means "up to the end of the file". Returns 0, or -EINVAL with
// *WHY naming what is wrong.
int vh_wav_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct vh_wav *out,
		 const char **why);

// The canonical 44-byte header for 16-bit PCM with DATA_BYTES of samples.
void vh_wav_header(uint8_t out[VH_WAV_HEADER_LEN], uint16_t channels, uint32_t rate,
		   uint32_t data_bytes);

#endif
