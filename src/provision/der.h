// SPDX-License-Identifier: GPL-3.0-or-later
// Just enough DER to make the one change wolfSSL's certificate generation cannot: it writes
// basicConstraints without the critical flag that RFC 5280 §4.2.1.9 asks of a CA.
#ifndef SC_PROVISION_DER_H
#define SC_PROVISION_DER_H

#include <stddef.h>
#include <stdint.h>

// OID 2.5.29.19, as its DER contents.
extern const uint8_t pv_oid_basic_constraints[3];

// In the TBSCertificate TBS[0..LEN) (as wc_MakeCert leaves it, before signing), marks the
// extension OID critical. The result replaces TBS (at most CAP bytes); *NEW_LEN gets its
// length. Returns 0, -ENOENT when the extension is absent, -EINVAL for DER it cannot
// follow, -ENOBUFS when CAP is too small. An extension already critical is left alone.
int pv_der_make_critical(uint8_t *tbs, size_t len, size_t cap, const uint8_t *oid,
			 size_t oid_len, size_t *new_len);

#endif
