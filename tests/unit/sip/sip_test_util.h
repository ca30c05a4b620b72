// SPDX-License-Identifier: GPL-3.0-or-later
// Test messages are written with "\n" line ends for readability and turned into CRLF here;
// "$CL" stands for the length of the body (the bytes after the first empty line).
#ifndef SC_SIP_TEST_UTIL_H
#define SC_SIP_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

static inline size_t crlf_n(const char *text, size_t n, char *out, size_t cap)
{
	char tmp[70000];
	size_t o = 0;
	for (size_t i = 0; i < n && o + 2 < sizeof(tmp); i++) {
		if (text[i] == '\n')
			tmp[o++] = '\r';
		tmp[o++] = text[i];
	}
	const char *blank = NULL;
	for (size_t i = 0; i + 3 < o; i++)
		if (memcmp(tmp + i, "\r\n\r\n", 4) == 0) {
			blank = tmp + i + 4;
			break;
		}
	size_t body = blank ? (size_t)(tmp + o - blank) : 0;
	size_t w = 0;
	for (size_t i = 0; i < o && w + 12 < cap; i++) {
		if (i + 3 <= o && memcmp(tmp + i, "$CL", 3) == 0) {
			w += (size_t)snprintf(out + w, cap - w, "%zu", body);
			i += 2;
			continue;
		}
		out[w++] = tmp[i];
	}
	out[w] = '\0';
	return w;
}

static inline size_t crlf(const char *text, char *out, size_t cap)
{
	return crlf_n(text, strlen(text), out, cap);
}

#endif
