// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum sc_log_level max_level = SC_LOG_INFO;
static int journal_prefix;

void sc_log_set_level(enum sc_log_level level)
{
	max_level = level;
}

void sc_log_use_journal_prefix(int enabled)
{
	journal_prefix = enabled;
}

void sc_log(enum sc_log_level level, const char *fmt, ...)
{
	static const char *const words[] = {
		[SC_LOG_ERR] = "error", [SC_LOG_WARN] = "warning", [SC_LOG_NOTICE] = "notice",
		[SC_LOG_INFO] = "info", [SC_LOG_DEBUG] = "debug",
	};
	if (level > max_level)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	// One write per line so that lines from several processes in a test never interleave.
	if (journal_prefix)
		fprintf(stderr, "<%d>%s\n", (int)level, line);
	else
		fprintf(stderr, "sealcall %s: %s\n", words[level], line);
	fflush(stderr);
}
