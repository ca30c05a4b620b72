// SPDX-License-Identifier: GPL-3.0-or-later
// SDP parsing and offer/answer on arbitrary bytes. Invariants checked (abort when broken):
// an answer has one m= line per offered one, what it writes parses again, and a
// description is keyed the same as itself.
#include "sip/sdp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sc_sdp offer, answer, again;
	static char text[65536];
	struct sc_sdp_result res;
	char why[200];
	if (sc_sdp_parse((const char *)data, size, &offer, why, sizeof(why)) != 0) {
		require(why[0] != '\0');
		return 0;
	}
	require(sc_sdp_keying_compare(&offer, &offer) == SC_SDP_KEYING_SAME);
	struct sc_sdp_local local = {
		.session_id = 7,
		.session_version = 1,
		.address = { AF_INET, "10.77.0.1" },
		.rtp_port = 16384,
		.codecs = { SC_CODEC_OPUS, SC_CODEC_PCMU, SC_CODEC_PCMA },
		.n_codecs = size % 3 + 1,
		.ptime_ms = 20,
		.telephone_event = size & 1,
		.direction = (enum sc_sdp_direction)(size % 4),
		.has_zrtp_hash = true,
		.zrtp_hash = { "1.10", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" },
	};
	require(sc_sdp_make_answer(&offer, &local, &answer, &res) == 0);
	require(answer.n_media == offer.n_media);
	int n = sc_sdp_write(&answer, text, sizeof(text));
	if (n > 0) {
		require(sc_sdp_parse(text, (size_t)n, &again, why, sizeof(why)) == 0);
		require(again.n_media == answer.n_media);
		require(sc_sdp_read_answer(&offer, &again, &res) == 0 || res.reason[0]);
	}
	// the offer re-written as it was understood parses again
	n = sc_sdp_write(&offer, text, sizeof(text));
	if (n > 0)
		require(sc_sdp_parse(text, (size_t)n, &again, why, sizeof(why)) == 0);
	return 0;
}
