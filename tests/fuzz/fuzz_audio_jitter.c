// SPDX-License-Identifier: GPL-3.0-or-later
// The jitter buffer takes sequence numbers, timestamps and sizes straight from the network.
// The input is a script of operations on one buffer, with the clock only moving forward:
//   'P' seq(2) ts(4) dt_us(2) len(1)   a packet arrives dt_us after the previous event
//   other byte: dt_us(2)               the sound card asks for a frame
// After every step the counters must stay consistent with what was put and got.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audio/jitter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	// The first byte picks the configuration: G.711 at 10/20 ms or Opus at 20 ms.
	struct sc_jb_config cfg = { .clock_rate = 8000, .frame_ms = 20, .max_payload = 200 };
	if (data[0] % 3 == 1)
		cfg.frame_ms = 10;
	if (data[0] % 3 == 2)
		cfg.clock_rate = 48000;
	struct sc_jb *jb;
	if (sc_jb_new(&cfg, &jb) != 0)
		abort();
	int64_t now = 0;
	uint64_t puts = 0, gets = 0, frames = 0;
	uint8_t payload[256];
	memset(payload, 0xA5, sizeof(payload));
	size_t off = 1;
	while (off < size) {
		if (data[off] == 'P' && size - off >= 10) {
			uint16_t seq = (uint16_t)be(data + off + 1, 2);
			uint32_t ts = be(data + off + 3, 4);
			now += be(data + off + 7, 2);
			size_t len = data[off + 9];
			off += 10;
			int rc = sc_jb_put(jb, seq, ts, now, payload, len);
			if (len > cfg.max_payload ? rc != -EMSGSIZE : rc < 0)
				abort();
			if (rc >= 0)
				puts++;
		} else if (size - off >= 3) {
			now += be(data + off + 1, 2);
			off += 3;
			struct sc_jb_frame f;
			sc_jb_get(jb, now, &f);
			gets++;
			if (f.kind == SC_JB_FRAME) {
				frames++;
				if (f.len > cfg.max_payload || (f.len && f.payload[0] != 0xA5))
					abort();
			}
			// What peek shows is what the next get may play: a stored payload.
			struct sc_jb_frame next;
			if (sc_jb_peek(jb, &next) &&
			    (next.kind != SC_JB_FRAME || next.len > cfg.max_payload ||
			     (next.len && next.payload[0] != 0xA5)))
				abort();
		} else {
			break;
		}
		struct sc_jb_stats st;
		sc_jb_get_stats(jb, &st);
		if (st.received != puts || st.played != frames || st.played + st.concealed > gets ||
		    st.played > st.received || st.target_ms < 20 || st.target_ms > 200)
			abort();
	}
	sc_jb_free(jb);
	return 0;
}
