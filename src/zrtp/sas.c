// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/sas.h"

#include <errno.h>
#include <stdio.h>

// z-base-32, chosen by RFC 6189 §5.1.6 because its characters are easy to read aloud.
static const char zbase32[] = "ybndrfg8ejkmcpqxot1uwisza345h769";

int sc_zrtp_sas_render(enum sc_zrtp_sas type, uint32_t sas_value, char *out, size_t len)
{
	int n;
	if (type == SC_ZRTP_B256) {
		n = snprintf(out, len, "%s:%s", sc_zrtp_pgp_even_words[sas_value >> 24],
			     sc_zrtp_pgp_odd_words[(sas_value >> 16) & 0xff]);
	} else {
		char s[5];
		for (int i = 0; i < 4; i++)
			s[i] = zbase32[(sas_value >> (27 - 5 * i)) & 31];
		s[4] = '\0';
		n = snprintf(out, len, "%s", s);
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}
