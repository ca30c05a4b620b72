// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef SC_MEDIA_SRTP_SELFTEST_H
#define SC_MEDIA_SRTP_SELFTEST_H

#include <stddef.h>

// Initialises SRTP for the process (sc_srtp_global_init) and checks fixed SRTP packets for
// AES-CM-128 and -256 with HMAC-SHA1-80, and that a forgery is refused. 0, or a negative
// errno with the reason in WHY.
int sc_srtp_selftest(char *why, size_t len);

#endif
