// SPDX-License-Identifier: GPL-3.0-or-later
// A minimal test harness: CHECK records a failure and goes on, so one run shows every broken
// case; check_done() prints the tally and gives main's exit code.
#ifndef SC_TEST_CHECK_H
#define SC_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (cond) {                                                              \
			check_passed++;                                                  \
		} else {                                                                 \
			check_failed++;                                                  \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                        \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                               \
	do {                                                                             \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);          \
		if (check_a_ == check_b_) {                                              \
			check_passed++;                                                  \
		} else {                                                                 \
			check_failed++;                                                  \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, \
				__LINE__, #a, #b, check_a_, check_b_);                   \
		}                                                                        \
	} while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                             \
	do {                                                                             \
		const char *check_h_ = (haystack);                                       \
		if (check_h_ && strstr(check_h_, (needle))) {                            \
			check_passed++;                                                  \
		} else {                                                                 \
			check_failed++;                                                  \
			fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, \
				__LINE__, check_h_ ? check_h_ : "(null)", (needle));     \
		}                                                                        \
	} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
