// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/selftest.h"

#include <errno.h>
#include <stddef.h>

#include "base/log.h"
#include "media/srtp_selftest.h"
#include "zrtp/engine.h"

struct selftest {
	const char *name;
	// Returns 0, or a negative errno with a one-line reason in WHY.
	int (*run)(char *why, size_t len);
};

// One line per layer's known-answer tests: ZRTP's primitives (SHA-2, HMAC, AES-CFB, X25519,
// P-256, DH3k, CRC-32C against published vectors) and SRTP as libsrtp2 on NSS runs it.
static const struct selftest selftests[] = {
	{ "zrtp", sc_zrtp_selftest },
	{ "srtp", sc_srtp_selftest },
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
