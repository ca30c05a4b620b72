// SPDX-License-Identifier: GPL-3.0-or-later
// Captures what the code under test logs (standard error) so tests can check messages,
// and that no key ever reaches them.
#ifndef SC_TEST_VPN_CAPTURE_H
#define SC_TEST_VPN_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct capture {
	int saved_fd;
	FILE *file;
	char text[16384];
};

static inline void capture_start(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	c->saved_fd = dup(2);
	if (c->file)
		dup2(fileno(c->file), 2);
	c->text[0] = '\0';
}

// Restores standard error, echoes what was captured (so failures stay readable) and
// returns it.
static inline const char *capture_end(struct capture *c)
{
	fflush(stderr);
	dup2(c->saved_fd, 2);
	close(c->saved_fd);
	if (!c->file)
		return c->text;
	rewind(c->file);
	size_t n = fread(c->text, 1, sizeof(c->text) - 1, c->file);
	c->text[n] = '\0';
	fclose(c->file);
	fputs(c->text, stderr);
	return c->text;
}

#endif
