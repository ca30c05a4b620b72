// SPDX-License-Identifier: GPL-3.0-or-later
// The operator's handle on the ZRTP cache that call media keys from:
//
//   sealcall zrtp-cache [--file FILE] list [--json]
//   sealcall zrtp-cache [--file FILE] verify|unverify|forget SITE|ZID
//
// verify marks a site's SAS as compared (later calls are announced as verified); forget
// drops a site's retained secrets, the deliberate way out of a cache mismatch after the far
// site was reinstalled. Nothing here shows a secret.
//
// The daemon keeps the cache in memory and rewrites the file after each call, so a change
// made to the file while it runs would be undone: a running daemon should run these
// commands on its own open cache (sc_call_zrtp_cache_command, e.g. behind the control
// socket); the file form is for a stopped daemon, and says so after every change.
#ifndef SC_MEDIA_CALL_CACHE_CLI_H
#define SC_MEDIA_CALL_CACHE_CLI_H

#include <stdio.h>

#include "zrtp/cache.h"

#define SC_ZRTP_CACHE_DEFAULT_FILE "/var/lib/sealcall/zrtp-cache"

// Runs one command (ARGV[0] is "list", "verify", "unverify" or "forget") on CACHE, writing
// the answer to OUT and problems, each with the fix, to ERR. Returns 0, 1 when the command
// failed (unknown site, write error), 2 on a usage error.
int sc_call_zrtp_cache_command(struct sc_zrtp_cache *cache, int argc, char **argv, FILE *out,
			       FILE *err);

// `sealcall zrtp-cache ...` (ARGV[0] is "zrtp-cache"): opens the file (never creates one),
// runs the command, returns the exit status as above.
int sc_call_zrtp_cache_main(int argc, char **argv);

#endif
