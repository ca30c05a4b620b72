// SPDX-License-Identifier: GPL-3.0-or-later
// sealcalld: the appliance daemon. The tunnel comes first; the control socket (and later the
// SIP and media sockets) only once it is up; a bad policy stops everything before the
// network is touched.
#ifndef SC_CORE_DAEMON_H
#define SC_CORE_DAEMON_H

// Exit codes: 0 stopped cleanly, 1 bad policy or startup failure, 2 usage error.
int sc_daemon_main(int argc, char **argv);

#endif
