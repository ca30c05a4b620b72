// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/daemon_args.h"
#include "check.h"

#include <errno.h>
#include <stdarg.h>

static int parse(struct sc_daemon_args *a, char *err, int argc, ...)
{
	char *argv[16];
	va_list ap;
	va_start(ap, argc);
	argv[0] = "sealcalld";
	for (int i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return sc_daemon_args_parse(argc, argv, a, err, 256);
}

static void test_defaults_and_options(void)
{
	struct sc_daemon_args a;
	char err[256];
	CHECK_EQ_INT(parse(&a, err, 1), 0);
	CHECK_EQ_INT(a.mode, SC_DAEMON_RUN);
	CHECK(strcmp(a.config, "/etc/sealcall/sealcall.yaml") == 0);
	CHECK(strcmp(a.runtime_dir, "/run/sealcall") == 0);
	CHECK_EQ_INT(a.log_level, SC_LOG_INFO);

	CHECK_EQ_INT(parse(&a, err, 7, "--config", "/tmp/p.yaml", "--runtime-dir", "/tmp/rt",
			   "--log-level", "debug"), 0);
	CHECK(strcmp(a.config, "/tmp/p.yaml") == 0);
	CHECK(strcmp(a.runtime_dir, "/tmp/rt") == 0);
	CHECK_EQ_INT(a.log_level, SC_LOG_DEBUG);

	CHECK_EQ_INT(parse(&a, err, 3, "--config=/x.yaml", "--log-level=err"), 0);
	CHECK(strcmp(a.config, "/x.yaml") == 0);
	CHECK_EQ_INT(a.log_level, SC_LOG_ERR);

	CHECK_EQ_INT(parse(&a, err, 3, "--check-config", "site.yaml"), 0);
	CHECK_EQ_INT(a.mode, SC_DAEMON_CHECK_CONFIG);
	CHECK(strcmp(a.config, "site.yaml") == 0);
	CHECK_EQ_INT(parse(&a, err, 4, "--check-config", "site.yaml", "--log-level=warn"), 0);
	CHECK_EQ_INT(a.log_level, SC_LOG_WARN);

	CHECK_EQ_INT(parse(&a, err, 4, "--config", "x", "--help"), 0);
	CHECK_EQ_INT(a.mode, SC_DAEMON_HELP);
	CHECK_EQ_INT(parse(&a, err, 2, "--version"), 0);
	CHECK_EQ_INT(a.mode, SC_DAEMON_VERSION);
	CHECK_STR_CONTAINS(sc_daemon_usage(), "--check-config FILE");
}

static void test_mistakes(void)
{
	struct sc_daemon_args a;
	char err[256];
	CHECK_EQ_INT(parse(&a, err, 2, "--config"), -EINVAL);
	CHECK_STR_CONTAINS(err, "--config needs a value");
	CHECK_EQ_INT(parse(&a, err, 2, "--config="), -EINVAL);
	CHECK_STR_CONTAINS(err, "non-empty");
	CHECK_EQ_INT(parse(&a, err, 3, "--log-level", "verbose"), -EINVAL);
	CHECK_STR_CONTAINS(err, "unknown log level 'verbose': use err, warn, info or debug");
	CHECK_EQ_INT(parse(&a, err, 2, "--frobnicate"), -EINVAL);
	CHECK_STR_CONTAINS(err, "unknown argument '--frobnicate'");
	CHECK_EQ_INT(parse(&a, err, 2, "site.yaml"), -EINVAL);
	CHECK_STR_CONTAINS(err, "unknown argument 'site.yaml'");
	CHECK_EQ_INT(parse(&a, err, 2, "--configx=1"), -EINVAL);
	CHECK_EQ_INT(parse(&a, err, 5, "--check-config", "a.yaml", "--config", "b.yaml"), -EINVAL);
	CHECK_STR_CONTAINS(err, "drop --config");
	CHECK_EQ_INT(parse(&a, err, 5, "--check-config", "a.yaml", "--runtime-dir", "/x"), -EINVAL);
	CHECK_STR_CONTAINS(err, "drop --runtime-dir");
}

int main(void)
{
	test_defaults_and_options();
	test_mistakes();
	return check_done();
}
