// SPDX-License-Identifier: GPL-3.0-or-later
// Parser for `wg show IF dump`: a pure function over the text, so malformed output from
// any wg version is a tested case rather than a surprise in the field.
#ifndef SC_VPN_WG_DUMP_H
#define SC_VPN_WG_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

struct sc_wg_dump_peer {
	uint8_t public_key[SC_WG_KEY_LEN];
	char endpoint[64];          // "" when "(none)"
	int64_t latest_handshake;   // unix seconds, 0 = never
	uint64_t rx_bytes, tx_bytes;
	uint32_t persistent_keepalive_s; // 0 = off
};

// Parses DUMP (LEN bytes). The first line describes the interface (private key, public
// key, port, fwmark) and is checked for shape only: nothing of it is kept. Each further line
// is a peer (8 tab-separated fields). Fills up to MAX peers into PEERS and *N. Returns 0, or
// -EBADMSG with *BAD_LINE (1-based) at the first malformed line, or -E2BIG for more than
// MAX peers.
int sc_wg_dump_parse(const char *dump, size_t len, struct sc_wg_dump_peer *peers, size_t max,
		     size_t *n, unsigned *bad_line);

#endif
