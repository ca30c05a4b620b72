// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the ZRTP packet parser and the Confirm decoder, on any bytes. Seeds in
// corpus/fuzz_zrtp/ are real engine output (every message type the engine sends, for each
// key agreement), made with fuzz_zrtp_engine.c built with -DFUZZ_ZRTP_SEEDGEN.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zrtp/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_zrtp_packet p;
	if (sc_zrtp_packet_parse(data, size, &p) != 0)
		return 0;
	// What the parser returns must lie inside the input.
	if (p.msg < data || p.msg + p.msg_len > data + size)
		abort();
	if (p.type == SC_ZRTP_MSG_DHPART1 || p.type == SC_ZRTP_MSG_DHPART2) {
		if (p.u.dhpart.pv < p.msg || p.u.dhpart.pv + p.u.dhpart.pv_len > p.msg + p.msg_len)
			abort();
	}
	if (p.type == SC_ZRTP_MSG_CONFIRM1 || p.type == SC_ZRTP_MSG_CONFIRM2) {
		struct sc_zrtp_confirm_plain plain;
		if (p.u.confirm.encrypted + p.u.confirm.encrypted_len > p.msg + p.msg_len)
			abort();
		// The plaintext layout, as if this were the decrypted part.
		(void)sc_zrtp_confirm_plain_decode(p.u.confirm.encrypted, p.u.confirm.encrypted_len, &plain);
	}
	// A parsed message framed again must parse to the same type.
	uint8_t again[SC_ZRTP_PACKET_MAX];
	struct sc_zrtp_packet q;
	int n = sc_zrtp_frame(again, sizeof(again), p.seq, p.ssrc, p.msg, p.msg_len);
	if (n < 0 || sc_zrtp_packet_parse(again, (size_t)n, &q) != 0 || !q.crc_ok || q.type != p.type)
		abort();
	return 0;
}
