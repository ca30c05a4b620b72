// SPDX-License-Identifier: GPL-3.0-or-later
// sealcalld: the appliance daemon. The tunnel comes first; the control socket (and later the
// SIP and media sockets) only once it is up; a bad policy stops everything before the
// network is touched.
#ifndef SC_CORE_DAEMON_H
#define SC_CORE_DAEMON_H

// Exit codes: 0 stopped on request; 1 the policy (or a cryptographic self-test) refused, which
// no restart can fix (sealcall.service has RestartPreventExitStatus=1); 2 usage error;
// 3 any other failure (tunnel, runtime directory, control socket), which a restart may fix.
int sc_daemon_main(int argc, char **argv);

#endif
