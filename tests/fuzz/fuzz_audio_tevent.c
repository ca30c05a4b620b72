// SPDX-License-Identifier: GPL-3.0-or-later
// Telephone-event packets as they come off the network: the input is a run of records
// (4-byte RTP timestamp, 1-byte length, payload) fed to one receiver.
#include <stdint.h>
#include <stdlib.h>

#include "audio/tevent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_tevent_rx rx;
	sc_tevent_rx_init(&rx);
	size_t off = 0;
	while (size - off >= 5) {
		uint32_t ts = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
			      (uint32_t)data[off + 2] << 8 | data[off + 3];
		size_t len = data[off + 4];
		off += 5;
		if (len > size - off)
			len = size - off;
		enum sc_tevent_rx_result res;
		struct sc_tevent ev;
		int rc = sc_tevent_rx_put(&rx, ts, data + off, len, &res, &ev);
		if (rc == 0) {
			uint8_t again[SC_TEVENT_PAYLOAD_LEN];
			// whatever parses must build back to the same bytes, reserved bit aside
			if (sc_tevent_build(&ev, again) != SC_TEVENT_PAYLOAD_LEN)
				abort();
			if (res != SC_TEVENT_RX_NONE && again[0] != data[off])
				abort();
		} else if (len == SC_TEVENT_PAYLOAD_LEN) {
			abort();
		}
		off += len;
	}
	return 0;
}
