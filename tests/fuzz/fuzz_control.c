// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the control-request parser with whatever a local client could send, and checks the
// promises the daemon relies on: a refusal is one short printable line, an accepted request
// is a known command with arguments inside the request, and status/JSON rendering of any
// bytes stays well-formed.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/control.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error_line(const char *err)
{
	size_t n = strlen(err);
	if (n == 0 || n >= SC_CONTROL_ERROR_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (err[i] < 0x20 || err[i] > 0x7e)
			abort();
}

static void check_request(const struct sc_control_request *req, size_t size)
{
	if (!req->command || size == 0 || size > SC_CONTROL_REQUEST_MAX)
		abort();
	if (req->op == SC_CONTROL_STATUS && strcmp(req->command, "status") != 0)
		abort();
	for (size_t i = 0; i < req->argc; i++) {
		const char *a = req->argv[i];
		if (a < req->words || a >= req->words + sizeof(req->words) || !*a)
			abort();
		if (strchr(a, ' '))
			abort();
	}
}

// Quoting must give a string that opens and closes with a quote and holds no raw control
// character or unescaped quote.
static void check_json_quote(const uint8_t *data, size_t size)
{
	struct sc_outbuf b;
	sc_outbuf_init(&b, 16 * size + 16);
	if (sc_json_quote(&b, (const char *)data, size) < 0)
		abort();
	if (b.len < 2 || b.data[0] != '"' || b.data[b.len - 1] != '"')
		abort();
	for (size_t i = 1; i + 1 < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == '\\') {
			i++; // the escaped character
			continue;
		}
		if (c == '"')
			abort();
	}
	sc_outbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_control_request req;
	char err[SC_CONTROL_ERROR_MAX];
	err[0] = '\0';
	int r = sc_control_parse((const char *)data, size, &req, err, sizeof(err));
	if (r == 0)
		check_request(&req, size);
	else if (r == -EINVAL)
		check_error_line(err);
	else
		abort();
	if (size <= 4096)
		check_json_quote(data, size);
	return 0;
}
