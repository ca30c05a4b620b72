// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/daemon_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *sc_daemon_usage(void)
{
	return "usage: sealcalld [--config FILE] [--runtime-dir DIR] [--log-level LEVEL]\n"
	       "       sealcalld --check-config FILE\n"
	       "\n"
	       "Brings the WireGuard tunnel up, then serves calls and the control socket\n"
	       "DIR/control in the foreground until SIGTERM.\n"
	       "\n"
	       "  --config FILE        policy file (default " SC_DEFAULT_CONFIG ")\n"
	       "  --runtime-dir DIR    control socket and PID files (default " SC_DEFAULT_RUNTIME_DIR ")\n"
	       "  --log-level LEVEL    err, warn, info (default) or debug\n"
	       "  --check-config FILE  validate FILE without touching the network; exit 0 or 1\n"
	       "  --help, --version\n";
}

static int parse_level(const char *s, enum sc_log_level *out)
{
	static const struct {
		const char *name;
		enum sc_log_level level;
	} levels[] = {
		{ "err", SC_LOG_ERR }, { "warn", SC_LOG_WARN }, { "info", SC_LOG_INFO },
		{ "debug", SC_LOG_DEBUG },
	};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcmp(s, levels[i].name) == 0) {
			*out = levels[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

// Accepts "--opt VALUE" and "--opt=VALUE"; *I is advanced past what was consumed.
static int option_value(int argc, char *const argv[], int *i, const char *name, const char **value,
			char *err, size_t errlen)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);
	if (arg[n] == '=') {
		*value = arg + n + 1;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		snprintf(err, errlen, "%s needs a value (see sealcalld --help)", name);
		return -EINVAL;
	}
	if (!**value) {
		snprintf(err, errlen, "%s needs a non-empty value", name);
		return -EINVAL;
	}
	return 0;
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int sc_daemon_args_parse(int argc, char *const argv[], struct sc_daemon_args *args, char *err,
			 size_t errlen)
{
	*args = (struct sc_daemon_args){
		.mode = SC_DAEMON_RUN,
		.config = SC_DEFAULT_CONFIG,
		.runtime_dir = SC_DEFAULT_RUNTIME_DIR,
		.log_level = SC_LOG_INFO,
	};
	bool have_config = false, have_check = false, have_runtime = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value;
		int r;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			args->mode = SC_DAEMON_HELP;
			return 0;
		}
		if (strcmp(arg, "--version") == 0) {
			args->mode = SC_DAEMON_VERSION;
			return 0;
		}
		if (is_option(arg, "--config")) {
			r = option_value(argc, argv, &i, "--config", &value, err, errlen);
			if (r < 0)
				return r;
			args->config = value;
			have_config = true;
		} else if (is_option(arg, "--check-config")) {
			r = option_value(argc, argv, &i, "--check-config", &value, err, errlen);
			if (r < 0)
				return r;
			args->config = value;
			have_check = true;
		} else if (is_option(arg, "--runtime-dir")) {
			r = option_value(argc, argv, &i, "--runtime-dir", &value, err, errlen);
			if (r < 0)
				return r;
			args->runtime_dir = value;
			have_runtime = true;
		} else if (is_option(arg, "--log-level")) {
			r = option_value(argc, argv, &i, "--log-level", &value, err, errlen);
			if (r < 0)
				return r;
			if (parse_level(value, &args->log_level) < 0) {
				snprintf(err, errlen, "unknown log level '%.32s': use err, warn, info or debug",
					 value);
				return -EINVAL;
			}
		} else {
			snprintf(err, errlen, "unknown argument '%.64s' (see sealcalld --help)", arg);
			return -EINVAL;
		}
	}
	if (have_check && have_config) {
		snprintf(err, errlen, "--check-config FILE already names the policy; drop --config");
		return -EINVAL;
	}
	if (have_check && have_runtime) {
		snprintf(err, errlen, "--check-config touches no runtime directory; drop --runtime-dir");
		return -EINVAL;
	}
	if (have_check)
		args->mode = SC_DAEMON_CHECK_CONFIG;
	return 0;
}
