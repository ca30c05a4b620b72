// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/control.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	enum sc_control_op op;
	size_t min_args, max_args;
	// Checks the arguments beyond their count; writes the reason on refusal.
	bool (*args_ok)(const struct sc_control_request *req, char *err, size_t errlen);
	const char *usage;
};

static bool status_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	if (req->argc == 1 && strcmp(req->argv[0], "json") != 0) {
		snprintf(err, errlen, "unknown argument '%.32s' (usage: status [json])", req->argv[0]);
		return false;
	}
	return true;
}

// A directory name or a URI: the daemon looks it up; here only its size is bounded.
static bool call_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	if (strlen(req->argv[0]) > 200) {
		snprintf(err, errlen, "destination longer than 200 characters (usage: call NAME|URI)");
		return false;
	}
	return true;
}

static bool name_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	if (strlen(req->argv[0]) > 64) {
		snprintf(err, errlen, "site name or ZID longer than 64 characters");
		return false;
	}
	return true;
}

static bool mute_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	if (req->argc == 1 && strcmp(req->argv[0], "on") != 0 && strcmp(req->argv[0], "off") != 0) {
		snprintf(err, errlen, "unknown argument '%.32s' (usage: mute [on|off])", req->argv[0]);
		return false;
	}
	return true;
}

static bool volume_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	const char *v = req->argv[0];
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 3;
	for (size_t i = 0; ok && i < n; i++)
		ok = v[i] >= '0' && v[i] <= '9';
	if (!ok || atoi(v) > 100) {
		snprintf(err, errlen, "volume '%.32s' is not a number from 0 to 100", v);
		return false;
	}
	return true;
}

// 1..200, without a sign or leading zero
static bool count_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 3 || v[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return atoi(v) <= SC_CONTROL_HISTORY_MAX;
}

// history, history json, history N, history json N
static bool history_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	size_t i = 0;
	if (i < req->argc && strcmp(req->argv[i], "json") == 0)
		i++;
	if (i < req->argc && count_ok(req->argv[i]))
		i++;
	if (i == req->argc)
		return true;
	if (count_ok(req->argv[i]) || strcmp(req->argv[i], "json") == 0)
		snprintf(err, errlen, "'%.32s' out of place (usage: history [json] [N])", req->argv[i]);
	else
		snprintf(err, errlen, "unknown argument '%.32s' (usage: history [json] [N], N from 1 "
			 "to %d)", req->argv[i], SC_CONTROL_HISTORY_MAX);
	return false;
}

// DTMF keys, 1..32 of them (media/dtmf.h says the same for the call; sc_core cannot link
// the media layer, so the check is repeated here and the refusal happens before the call).
#define DTMF_KEYS "0123456789*#ABCDabcd"
#define DTMF_MAX 32

static bool dtmf_args_ok(const struct sc_control_request *req, char *err, size_t errlen)
{
	const char *v = req->argv[0];
	size_t ok = strspn(v, DTMF_KEYS);
	if (v[ok]) {
		snprintf(err, errlen, "'%c' (character %zu) is not a DTMF digit: use 0-9 * # A-D "
			 "(usage: dtmf DIGITS)", v[ok], ok + 1);
		return false;
	}
	if (ok > DTMF_MAX) {
		snprintf(err, errlen, "%zu digits: at most %d a request (usage: dtmf DIGITS)", ok,
			 DTMF_MAX);
		return false;
	}
	return true;
}

static const struct command commands[] = {
	{ "status", SC_CONTROL_STATUS, 0, 1, status_args_ok, "status [json]" },
	{ "call", SC_CONTROL_CALL, 1, 1, call_args_ok, "call NAME|URI" },
	{ "answer", SC_CONTROL_ANSWER, 0, 0, NULL, "answer" },
	{ "hangup", SC_CONTROL_HANGUP, 0, 0, NULL, "hangup" },
	{ "verify", SC_CONTROL_VERIFY, 0, 0, NULL, "verify" },
	{ "unverify", SC_CONTROL_UNVERIFY, 1, 1, name_args_ok, "unverify NAME|ZID" },
	{ "forget", SC_CONTROL_FORGET, 1, 1, name_args_ok, "forget NAME|ZID" },
	{ "mute", SC_CONTROL_MUTE, 0, 1, mute_args_ok, "mute [on|off]" },
	{ "volume", SC_CONTROL_VOLUME, 1, 1, volume_args_ok, "volume 0..100" },
	{ "history", SC_CONTROL_HISTORY, 0, 2, history_args_ok, "history [json] [N]" },
	{ "dtmf", SC_CONTROL_DTMF, 1, 1, dtmf_args_ok, "dtmf DIGITS" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void list_commands(char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		// names only, so the answer stays one short line; usages: sealcall --help
		int n = snprintf(out + used, len - used, "%s%s", i ? ", " : "", commands[i].name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

static int refuse(char *err, size_t errlen, const char *reason)
{
	snprintf(err, errlen, "%s", reason);
	return -EINVAL;
}

int sc_control_parse(const char *data, size_t len, struct sc_control_request *req, char *err,
		     size_t errlen)
{
	memset(req, 0, sizeof(*req));
	if (len == 0)
		return refuse(err, errlen, "empty request");
	if (len > SC_CONTROL_REQUEST_MAX)
		return refuse(err, errlen, "request longer than 256 bytes");
	const char *newline = memchr(data, '\n', len);
	if (!newline)
		return refuse(err, errlen, "request must end with a newline");
	if ((size_t)(newline - data) != len - 1)
		return refuse(err, errlen, "one request line per connection");
	size_t line_len = len - 1;
	for (size_t i = 0; i < line_len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c < 0x20 || c > 0x7e) {
			snprintf(err, errlen, "non-printable character 0x%02x at byte %zu", c, i + 1);
			return -EINVAL;
		}
	}
	memcpy(req->words, data, line_len);
	req->words[line_len] = '\0';

	const char *word[SC_CONTROL_WORDS_MAX];
	size_t n_words = 0;
	char *p = req->words;
	while (*p) {
		if (*p == ' ') {
			*p++ = '\0';
			continue;
		}
		if (n_words == SC_CONTROL_WORDS_MAX)
			return refuse(err, errlen, "too many words in request");
		word[n_words++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (n_words == 0)
		return refuse(err, errlen, "empty request");

	const struct command *cmd = find_command(word[0]);
	if (!cmd) {
		char known[96];
		list_commands(known, sizeof(known));
		snprintf(err, errlen, "unknown command '%.32s' (commands: %s)", word[0], known);
		return -EINVAL;
	}
	req->op = cmd->op;
	req->command = cmd->name;
	req->argc = n_words - 1;
	for (size_t i = 1; i < n_words; i++)
		req->argv[i - 1] = word[i];
	if (req->argc < cmd->min_args || req->argc > cmd->max_args) {
		snprintf(err, errlen, "wrong number of arguments for %s (usage: %s)", cmd->name,
			 cmd->usage);
		return -EINVAL;
	}
	if (cmd->args_ok && !cmd->args_ok(req, err, errlen))
		return -EINVAL;
	return 0;
}

int sc_control_wants_json(const struct sc_control_request *req)
{
	return req->argc >= 1 && strcmp(req->argv[req->argc - 1], "json") == 0;
}

void sc_control_history_args(const struct sc_control_request *req, bool *json, size_t *n)
{
	*json = false;
	*n = SC_CONTROL_HISTORY_DEFAULT;
	for (size_t i = 0; i < req->argc; i++) {
		if (strcmp(req->argv[i], "json") == 0)
			*json = true;
		else if (count_ok(req->argv[i]))
			*n = (size_t)atoi(req->argv[i]);
	}
}
