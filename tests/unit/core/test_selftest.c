// SPDX-License-Identifier: GPL-3.0-or-later
// The start-up self-tests must pass with the libraries this build links: if they did not,
// sealcalld would refuse to start on this machine.
#include "check.h"
#include "core/selftest.h"
#include "media/srtp_glue.h"
#include "media/srtp_selftest.h"
#include "zrtp/engine.h"

int main(void)
{
	char why[160] = "";
	CHECK_EQ_INT(sc_zrtp_selftest(why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_srtp_selftest(why, sizeof(why)), 0);
	if (why[0])
		fprintf(stderr, "self-test said: %s\n", why);
	CHECK_EQ_INT(sc_selftests_run(), 0);
	sc_srtp_global_shutdown();
	return check_done();
}
