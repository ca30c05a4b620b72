// SPDX-License-Identifier: GPL-3.0-or-later
// Known-answer self-tests of the cryptography, run by sealcalld after the policy is loaded
// and before the tunnel or any socket exists: a broken primitive (a miscompiled or wrongly
// linked library) must stop the appliance rather than let it make calls that only look secure.
#ifndef SC_CORE_SELFTEST_H
#define SC_CORE_SELFTEST_H

// Runs every registered self-test; logs each failure with its name. Returns 0 or -EIO.
int sc_selftests_run(void);

#endif
