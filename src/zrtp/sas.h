// SPDX-License-Identifier: GPL-3.0-or-later
// Short Authentication String rendering, RFC 6189 §5.1.6.
#ifndef SC_ZRTP_SAS_H
#define SC_ZRTP_SAS_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#define SC_ZRTP_SAS_TEXT_MAX 32

// B32: the leftmost 20 bits of SASVALUE as 4 z-base-32 characters ("ybnd").
// B256: the leftmost 16 bits as two PGP words, even list then odd list, "word:word" as
// Linphone (bzrtp) shows it.
int sc_zrtp_sas_render(enum sc_zrtp_sas type, uint32_t sas_value, char *out, size_t len);

extern const char *const sc_zrtp_pgp_even_words[256];
extern const char *const sc_zrtp_pgp_odd_words[256];

#endif
