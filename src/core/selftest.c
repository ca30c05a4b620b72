// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/selftest.h"

#include <errno.h>
#include <stddef.h>

#include "base/log.h"

struct selftest {
	const char *name;
	// Returns 0, or a negative errno with a one-line reason in WHY.
	int (*run)(char *why, size_t len);
};

// THE PLACE FOR SELF-TESTS. The ZRTP and SRTP layers add their known-answer tests here as
// they land (ZRTP KDF and SAS rendering from RFC 6189 vectors, X25519/DH3k agreement, AES-CM
// with HMAC-SHA1 from RFC 3711 appendix B), one line each, e.g.
//   { "zrtp-kdf", sc_zrtp_selftest_kdf },
// The sentinel keeps the table valid C while it is empty.
static const struct selftest selftests[] = {
	{ NULL, NULL },
};

int sc_selftests_run(void)
{
	int failed = 0, ran = 0;
	for (size_t i = 0; selftests[i].name; i++) {
		char why[160] = "";
		int r = selftests[i].run(why, sizeof(why));
		ran++;
		if (r < 0) {
			sc_err("self-test %s failed: %s; the cryptographic library is broken or was "
			       "replaced: reinstall sealcall and its libraries", selftests[i].name,
			       why[0] ? why : "wrong result");
			failed++;
		}
	}
	if (ran)
		sc_info("%d cryptographic self-test%s passed", ran - failed, ran - failed == 1 ? "" : "s");
	else
		sc_debug("no cryptographic self-tests registered yet");
	return failed ? -EIO : 0;
}
