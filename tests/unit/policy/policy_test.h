// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for the policy tests: load a YAML text, find an expected error, edit a base policy.
#ifndef SC_TEST_POLICY_TEST_H
#define SC_TEST_POLICY_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "policy/policy.h"

// Valid with check_files=false; line numbers below refer to this text.
static const char base_policy[] =
	"site:\n"                                                         // 1
	"  name: paris\n"                                                 // 2
	"tunnel:\n"                                                       // 3
	"  private_key_file: wg.key\n"                                    // 4
	"  address: 10.77.0.1/24\n"                                       // 5
	"  peers:\n"                                                      // 6
	"    - name: lyon\n"                                              // 7
	"      public_key: AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=\n" // 8
	"      allowed_ips: [10.77.0.2/32]\n"                             // 9
	"sip:\n"                                                          // 10
	"  certificate: site.crt\n"                                       // 11
	"  private_key: site.key\n"                                       // 12
	"  ca: ca.crt\n"                                                  // 13
	"directory:\n"                                                    // 14
	"  - name: lyon\n"                                                // 15
	"    uri: sips:lyon@lyon.sealcall.internal\n"                     // 16
	"    address: 10.77.0.2\n";                                       // 17

static const char lyon_key[] = "AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=";
static const char nice_key[] = "mkCSW76EVgBKGlr7DZuy3QPP+rIiNAlEr0lotL0tlGk=";

// BASE with the first occurrence of OLD replaced by NEW; the caller frees it.
static inline char *edit(const char *base, const char *old, const char *new_text)
{
	const char *at = strstr(base, old);
	if (!at) {
		fprintf(stderr, "test bug: '%s' not in the base policy\n", old);
		abort();
	}
	size_t head = (size_t)(at - base), olen = strlen(old), nlen = strlen(new_text);
	char *out = malloc(strlen(base) - olen + nlen + 1);
	if (!out)
		abort();
	memcpy(out, base, head);
	memcpy(out + head, new_text, nlen);
	strcpy(out + head + nlen, at + olen);
	return out;
}

static inline void print_errors(const struct sc_policy_errors *errors)
{
	sc_policy_errors_print(errors, stderr);
}

// The first error whose key contains KEY and message contains FRAGMENT, or NULL.
static inline const struct sc_policy_error *find_error(const struct sc_policy_errors *errors,
						const char *key, const char *fragment)
{
	for (size_t i = 0; i < errors->count; i++)
		if (strstr(errors->items[i].key, key) && strstr(errors->items[i].message, fragment))
			return &errors->items[i];
	return NULL;
}

// Loads YAML (check_files=false) and expects it refused with an error at LINE whose key
// contains KEY and whose message contains FRAGMENT. Returns the number of errors.
static inline size_t expect_error_at(const char *where, const char *yaml, const char *key, unsigned line,
			      const char *fragment)
{
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load_buffer("test.yaml", yaml, strlen(yaml), false, &p, &errors);
	CHECK_EQ_INT(rc, -EINVAL);
	CHECK(p == NULL);
	const struct sc_policy_error *e = find_error(&errors, key, fragment);
	CHECK(e != NULL);
	if (!e) {
		fprintf(stderr, "%s: no error with key '%s' and '%s'; got:\n", where, key, fragment);
		print_errors(&errors);
	} else if (e->line != line) {
		fprintf(stderr, "%s: error '%s' at line %u, expected %u\n", where, e->message, e->line, line);
		CHECK_EQ_INT(e->line, line);
	} else {
		CHECK_EQ_INT(e->line, line);
		CHECK_STR_CONTAINS(e->file, "test.yaml");
	}
	size_t count = errors.count;
	sc_policy_free(p);
	sc_policy_errors_free(&errors);
	return count;
}

#define expect_error(yaml, key, line, fragment) \
	expect_error_at(__func__, yaml, key, line, fragment)

// Replaces OLD by NEW in the base policy and expects the error.
static inline size_t expect_edit_error_at(const char *where, const char *old, const char *new_text,
				   const char *key, unsigned line, const char *fragment)
{
	char *yaml = edit(base_policy, old, new_text);
	size_t n = expect_error_at(where, yaml, key, line, fragment);
	free(yaml);
	return n;
}

#define expect_edit_error(old, new_text, key, line, fragment) \
	expect_edit_error_at(__func__, old, new_text, key, line, fragment)

// Loads YAML that must be valid; returns the policy (NULL after reporting the errors).
static inline struct sc_policy *load_ok(const char *name, const char *yaml)
{
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load_buffer(name, yaml, strlen(yaml), false, &p, &errors);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(errors.count, 0);
	if (rc != 0)
		print_errors(&errors);
	sc_policy_errors_free(&errors);
	return p;
}

#endif
