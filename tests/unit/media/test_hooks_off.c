// SPDX-License-Identifier: GPL-3.0-or-later
// The production build carries no test hook: src/core/call_rtp.c compiled without
// SEALCALL_TEST_HOOKS holds no trace of the environment variable that sets the first RTP
// sequence number (compiled with it, it does: the search can find it), and every cmake
// configure in packaging/build-deb (the .deb, and through it the image) turns the option off.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define HOOK_ENV "SEALCALL_TEST_RTP_FIRST_SEQ"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = realloc(buf, 2 * cap + 1);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= len; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

static void test_objects(void)
{
	size_t len = 0;
	char *hooked = slurp(HOOKED_OBJECT, &len);
	CHECK(hooked != NULL);
	if (hooked)
		CHECK(contains(hooked, len, HOOK_ENV));
	free(hooked);
	char *production = slurp(PRODUCTION_OBJECT, &len);
	CHECK(production != NULL && len > 1000);
	if (production)
		CHECK(!contains(production, len, HOOK_ENV) && !contains(production, len, "test hook"));
	free(production);
}

// Every "cmake -S" command in build-deb, with its continuation lines, says
// -DSEALCALL_TEST_HOOKS=OFF.
static void test_build_deb(void)
{
	size_t len = 0;
	char *text = slurp(BUILD_DEB, &len);
	CHECK(text != NULL);
	if (!text)
		return;
	int configures = 0, off = 0;
	for (char *p = strstr(text, "cmake -S"); p; p = strstr(p + 1, "cmake -S")) {
		char *end = p;
		// the command ends at a newline not preceded by a backslash
		while (*end && !(*end == '\n' && end[-1] != '\\'))
			end++;
		char saved = *end;
		*end = '\0';
		configures++;
		if (strstr(p, "-DSEALCALL_TEST_HOOKS=OFF"))
			off++;
		else
			fprintf(stderr, "build-deb configures without -DSEALCALL_TEST_HOOKS=OFF: %.80s\n", p);
		*end = saved;
	}
	CHECK(configures >= 2); // amd64 and arm64
	CHECK_EQ_INT(off, configures);
	free(text);
}

int main(void)
{
	test_objects();
	test_build_deb();
	return check_done();
}
