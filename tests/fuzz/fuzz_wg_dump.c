// SPDX-License-Identifier: GPL-3.0-or-later
// The output of `wg show IF dump` is parsed every second; whatever a future or broken wg
// prints must never crash the daemon.
#include <stddef.h>
#include <stdint.h>

#include "vpn/wg_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_wg_dump_peer peers[4];
	size_t n = 0;
	unsigned bad_line = 0;
	sc_wg_dump_parse((const char *)data, size, peers, 4, &n, &bad_line);
	return 0;
}
