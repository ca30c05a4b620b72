// SPDX-License-Identifier: GPL-3.0-or-later
// The few systemd interfaces the daemon uses, spoken directly (no libsystemd): readiness and
// status notifications, the watchdog, and journal detection for log priorities.
#ifndef SC_CORE_SYSTEMD_H
#define SC_CORE_SYSTEMD_H

#include <stdbool.h>
#include <stdint.h>

// Sends MESSAGE ("READY=1", "STATUS=...") as one datagram to SOCKET_PATH, a filesystem path
// or an abstract name written with a leading '@'. Returns 0 or a negative errno.
int sc_sd_notify_to(const char *socket_path, const char *message);
// The same to $NOTIFY_SOCKET; 0 without doing anything when it is unset (not under systemd).
int sc_sd_notify(const char *message);

// The watchdog interval systemd asked for ($WATCHDOG_USEC, honouring $WATCHDOG_PID), or 0
// when none applies to this process.
uint64_t sc_sd_watchdog_usec(void);

// True when standard error is the journal stream named by $JOURNAL_STREAM ("dev:inode"), so
// "<N>" priority prefixes will be understood rather than printed.
bool sc_sd_stderr_is_journal(void);

#endif
