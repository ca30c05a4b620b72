// SPDX-License-Identifier: GPL-3.0-or-later
// Logging to standard error, which journald captures with the priority prefix.
// Never pass key material, passwords or SRTP/ZRTP secrets to these functions.
#ifndef SC_BASE_LOG_H
#define SC_BASE_LOG_H

enum sc_log_level { SC_LOG_ERR = 3, SC_LOG_WARN = 4, SC_LOG_NOTICE = 5, SC_LOG_INFO = 6, SC_LOG_DEBUG = 7 };

void sc_log_set_level(enum sc_log_level max_level);
// With systemd's journal the "<N>" prefix sets the priority; on a terminal a word does.
void sc_log_use_journal_prefix(int enabled);
void sc_log(enum sc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define sc_err(...) sc_log(SC_LOG_ERR, __VA_ARGS__)
#define sc_warn(...) sc_log(SC_LOG_WARN, __VA_ARGS__)
#define sc_notice(...) sc_log(SC_LOG_NOTICE, __VA_ARGS__)
#define sc_info(...) sc_log(SC_LOG_INFO, __VA_ARGS__)
#define sc_debug(...) sc_log(SC_LOG_DEBUG, __VA_ARGS__)

#endif
