// SPDX-License-Identifier: GPL-3.0-or-later
// The administrators' SSH public keys a bundle may carry (OUTDIR/sites/NAME/authorized_keys),
// checked before anything is written: the appliance turns SSH on for root with them, so a
// file it would refuse at boot, or one that opens more than it seems to, is refused here.
#ifndef SC_PROVISION_AUTHORIZED_KEYS_H
#define SC_PROVISION_AUTHORIZED_KEYS_H

#include <stddef.h>

// A few public keys are well under a kilobyte each.
#define PV_AUTHORIZED_KEYS_MAX (64 * 1024)
// RSA keys below this many bits are refused (NIST SP 800-131A has disallowed them since 2014).
#define PV_RSA_MIN_BITS 2048

// Called once per problem: LINE and COLUMN (1-based) where it is, LINE 0 for the file as a
// whole; MESSAGE says what is wrong and the fix.
typedef void (*pv_ak_report)(void *ctx, unsigned line, unsigned column, const char *message);

// Checks TEXT (LEN bytes, need not be NUL-terminated) line by line. Accepted: blank lines,
// comments (#), and lines "TYPE BASE64 [comment]" as OpenSSH's .pub files hold them, with
// LF or CR LF ends. Refused: key options (see authorized_keys.c), unknown or weak key types,
// base64 that does not decode to a key of the line's type, RSA under PV_RSA_MIN_BITS, private
// keys, NUL bytes, and a file without any key. Returns the number of problems reported
// (0: acceptable); *KEYS gets the number of keys found.
size_t pv_authorized_keys_check(const char *text, size_t len, pv_ak_report report, void *ctx,
				size_t *keys);

#endif
