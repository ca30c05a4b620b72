// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>
#include <string.h>

#include "check.h"
#include "wav.h"

int main(void)
{
	uint8_t buf[128];
	struct vh_wav w;
	const char *why = NULL;

	vh_wav_header(buf, 1, 48000, 9600);
	CHECK_EQ_INT(vh_wav_parse(buf, 44, 44 + 9600, &w, &why), 0);
	CHECK_EQ_INT(w.channels, 1);
	CHECK_EQ_INT(w.rate, 48000);
	CHECK_EQ_INT(w.bits, 16);
	CHECK_EQ_INT(w.data_offset, 44);
	CHECK_EQ_INT(w.data_bytes, 9600);
	CHECK(memcmp(buf, "RIFF", 4) == 0 && buf[4] == (36 + 9600) % 256);

	// A size of 0 (writer killed before it finished the header): up to the end of file.
	vh_wav_header(buf, 2, 8000, 0);
	CHECK_EQ_INT(vh_wav_parse(buf, 44, 44 + 1000, &w, &why), 0);
	CHECK_EQ_INT(w.data_bytes, 1000);
	// A size larger than the file is cut to the file.
	vh_wav_header(buf, 2, 8000, 5000);
	CHECK_EQ_INT(vh_wav_parse(buf, 44, 44 + 1000, &w, &why), 0);
	CHECK_EQ_INT(w.data_bytes, 1000);

	// A LIST chunk before data (as sox and others write) is skipped.
	uint8_t list[128];
	vh_wav_header(buf, 1, 16000, 320);
	memcpy(list, buf, 36);
	memcpy(list + 36, "LIST\x05\x00\x00\x00hello\x00", 14); // odd size, padded
	memcpy(list + 50, buf + 36, 8);
	CHECK_EQ_INT(vh_wav_parse(list, 58, 58 + 320, &w, &why), 0);
	CHECK_EQ_INT(w.data_offset, 58);
	CHECK_EQ_INT(w.rate, 16000);

	// Refusals name the problem.
	CHECK_EQ_INT(vh_wav_parse((const uint8_t *)"RIFX....WAVE", 12, 12, &w, &why), -EINVAL);
	CHECK_STR_CONTAINS(why, "RIFF");
	vh_wav_header(buf, 1, 8000, 100);
	buf[34] = 8; // 8-bit samples
	CHECK_EQ_INT(vh_wav_parse(buf, 44, 144, &w, &why), -EINVAL);
	CHECK_STR_CONTAINS(why, "16-bit");
	vh_wav_header(buf, 1, 8000, 100);
	buf[20] = 3; // IEEE float
	CHECK_EQ_INT(vh_wav_parse(buf, 44, 144, &w, &why), -EINVAL);
	CHECK_STR_CONTAINS(why, "PCM");
	vh_wav_header(buf, 1, 8000, 100);
	CHECK_EQ_INT(vh_wav_parse(buf, 36, 36, &w, &why), -EINVAL);
	CHECK_STR_CONTAINS(why, "no data");
	return check_done();
}
