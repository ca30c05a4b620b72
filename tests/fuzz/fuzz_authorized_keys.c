// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as an authorized_keys file that a bundle would carry: no crash, leak or undefined
// behaviour; every refusal has a message and a place inside the file; and an accepted file
// never holds a private key, a NUL, key options or an unknown key type, and has one key per
// line that is not blank or a comment.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provision/authorized_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t reports;
	unsigned lines;
	bool whole_file;
};

static void on_problem(void *ctx, unsigned line, unsigned column, const char *message)
{
	struct seen *s = ctx;
	if (!message || !message[0] || line > s->lines || (line > 0 && column == 0))
		abort();
	if (line == 0)
		s->whole_file = true;
	s->reports++;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

// The first word of every key line must be one of these (written out again here, apart from
// the parser's own table, so that a change to one is caught by the other).
static bool accepted_type(const char *word, size_t n)
{
	static const char *const types[] = { "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
					     "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
					     "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-rsa" };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && memcmp(types[i], word, n) == 0)
			return true;
	return false;
}

static size_t key_lines_if_all_typed(const char *text, size_t size)
{
	size_t count = 0;
	for (size_t pos = 0; pos < size;) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - text) : size, i = pos;
		while (i < end && blank(text[i]))
			i++;
		size_t word = i;
		while (i < end && !blank(text[i]) && text[i] != '\r')
			i++;
		if (i > word && text[word] != '#') {
			if (!accepted_type(text + word, i - word))
				abort();
			count++;
		}
		pos = end + 1;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct seen s = { 0, 1, false };
	for (size_t i = 0; i < size; i++)
		s.lines += text[i] == '\n';
	size_t keys = 99;
	size_t problems = pv_authorized_keys_check(text, size, on_problem, &s, &keys);
	if (problems != s.reports || keys > s.lines)
		abort();
	if (s.whole_file && s.reports != 1)
		abort(); // "no key at all" stands alone
	bool private_key = memmem(text, size, "PRIVATE KEY", 11) || memmem(text, size, "-----BEGIN", 10);
	if (problems == 0) {
		if (keys == 0 || private_key || memchr(text, '\0', size))
			abort();
		if (key_lines_if_all_typed(text, size) != keys)
			abort();
	}
	return 0;
}
