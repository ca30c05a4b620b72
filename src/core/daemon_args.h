// SPDX-License-Identifier: GPL-3.0-or-later
// sealcalld's command line, parsed by a pure function so every mistake an operator can make
// is tested to give a message that says what to type instead.
#ifndef SC_CORE_DAEMON_ARGS_H
#define SC_CORE_DAEMON_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/log.h"

#define SC_DEFAULT_CONFIG "/etc/sealcall/sealcall.yaml"
#define SC_DEFAULT_RUNTIME_DIR "/run/sealcall"

enum sc_daemon_mode { SC_DAEMON_RUN, SC_DAEMON_CHECK_CONFIG, SC_DAEMON_HELP, SC_DAEMON_VERSION };

struct sc_daemon_args {
	enum sc_daemon_mode mode;
	const char *config;       // points into argv or at the default
	const char *runtime_dir;
	enum sc_log_level log_level;
};

// Returns 0, or -EINVAL with the reason in ERR.
int sc_daemon_args_parse(int argc, char *const argv[], struct sc_daemon_args *args, char *err,
			 size_t errlen);
const char *sc_daemon_usage(void);

#endif
