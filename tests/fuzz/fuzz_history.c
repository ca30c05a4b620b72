// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the call-history file as sealcalld reads it back at start: whatever the file holds,
// loading never crashes and keeps at most the bound; every line the parser accepts is
// exactly the line the writer makes of what was parsed (so nothing is half-read or read
// differently than it was written); and both renderings of what was loaded stay well-formed.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "core/outbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lines(const char *data, size_t size)
{
	char line[SC_HISTORY_LINE_MAX], why[128];
	for (size_t pos = 0; pos < size;) {
		const char *p = data + pos;
		const char *nl = memchr(p, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - p) : size - pos;
		pos += n + 1;
		struct sc_history_entry e, again;
		if (sc_history_parse_line(p, n, &e, why, sizeof(why)) != 0) {
			if (!why[0] || strlen(why) >= sizeof(why))
				abort();
			continue;
		}
		if (sc_history_format_line(&e, line, sizeof(line)) != 0)
			abort();
		if (strlen(line) != n + 1 || memcmp(line, p, n) != 0 || line[n] != '\n')
			abort();
		if (sc_history_parse_line(line, n, &again, why, sizeof(why)) != 0)
			abort();
	}
}

static void check_rendering(const struct sc_history *h)
{
	struct sc_outbuf b;
	sc_outbuf_init(&b, 4u << 20);
	if (sc_history_render_text(h, SC_HISTORY_MAX_ENTRIES, &b) != 0)
		abort();
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort(); // a control character would reach the operator's terminal
	}
	sc_outbuf_reset(&b);
	if (sc_history_render_json(h, SC_HISTORY_MAX_ENTRIES, &b) != 0)
		abort();
	sc_outbuf_free(&b);
	for (size_t i = 0; i < sc_history_count(h); i++) {
		char summary[1024];
		sc_history_summary(sc_history_newest(h, i), summary, sizeof(summary));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_history h;
	if (size > SC_HISTORY_FILE_MAX || sc_history_init(&h, "") != 0)
		return 0;
	sc_history_load_buffer(&h, "fuzz", (const char *)data, size, NULL, NULL);
	if (sc_history_count(&h) > SC_HISTORY_MAX_ENTRIES)
		abort();
	check_lines((const char *)data, size);
	check_rendering(&h);
	sc_history_free(&h);
	return 0;
}
