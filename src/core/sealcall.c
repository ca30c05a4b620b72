// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall`: the operator's command line. Each subcommand is one line in the table below;
// those that talk to the daemon send one control request and print its answer.
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/client.h"
#include "core/control.h"
#include "media/call_cache_cli.h"
#include "media/dtmf.h"
#include "provision/provision.h"
#include "sip/parse_tool.h"
#include "zrtp/engine.h"

#define EXIT_USAGE 2
#define EXIT_NOT_RUNNING 3
#define REQUEST_TIMEOUT_MS 10000
#define RESPONSE_MAX (4u << 20)

struct cli {
	const char *socket_path;
	const char *prog;
};

struct subcommand {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;
	const char *summary;
};

static int cmd_status(struct cli *cli, int argc, char **argv);
static int cmd_call(struct cli *cli, int argc, char **argv);
static int cmd_answer(struct cli *cli, int argc, char **argv);
static int cmd_hangup(struct cli *cli, int argc, char **argv);
static int cmd_sip_parse(struct cli *cli, int argc, char **argv);
static int cmd_verify(struct cli *cli, int argc, char **argv);
static int cmd_unverify(struct cli *cli, int argc, char **argv);
static int cmd_forget(struct cli *cli, int argc, char **argv);
static int cmd_mute(struct cli *cli, int argc, char **argv);
static int cmd_volume(struct cli *cli, int argc, char **argv);
static int cmd_history(struct cli *cli, int argc, char **argv);
static int cmd_dtmf(struct cli *cli, int argc, char **argv);
static int cmd_zrtp_inspect(struct cli *cli, int argc, char **argv);
static int cmd_zrtp_cache(struct cli *cli, int argc, char **argv);
static int cmd_provision(struct cli *cli, int argc, char **argv);
static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct subcommand subcommands[] = {
	{ "status", cmd_status, "status [--json]", "tunnel, peer and call state, in words or as JSON" },
	{ "call", cmd_call, "call NAME|URI", "call a site of the directory (sealcall call lyon)" },
	{ "answer", cmd_answer, "answer", "answer the ringing call" },
	{ "hangup", cmd_hangup, "hangup", "hang up, or decline the ringing call" },
	{ "verify", cmd_verify, "verify", "the SAS of the live call was compared: remember it as verified" },
	{ "unverify", cmd_unverify, "unverify NAME", "withdraw the verification of a site's SAS" },
	{ "forget", cmd_forget, "forget NAME", "drop a site's ZRTP secrets (after its cache was lost: compare the SAS again)" },
	{ "mute", cmd_mute, "mute [on|off]", "mute the microphone (toggles without an argument)" },
	{ "volume", cmd_volume, "volume 0..100", "set the earpiece volume" },
	{ "dtmf", cmd_dtmf, "dtmf DIGITS", "send keys 0-9 * # A-D into the call (at most 32; quote * and #)" },
	{ "history", cmd_history, "history [--json] [-n N]",
	  "the N newest calls (default 20, at most 200), newest first" },
	{ "zrtp-inspect", cmd_zrtp_inspect, "zrtp-inspect FILE...", "decode ZRTP packets from files" },
	{ "zrtp-cache", cmd_zrtp_cache, "zrtp-cache [--file F] list|verify|unverify|forget",
	  "the ZRTP cache file of a stopped daemon" },
	{ "provision", cmd_provision, "provision SITES.yaml OUTDIR",
	  "make every site's bundle (keys, certificates, policy) from a list of sites" },
	{ "sip-parse", cmd_sip_parse, "sip-parse [--stream]", "check one SIP message read from standard input" },
	{ "help", cmd_help, "help", "this text" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: sealcall [--socket PATH] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-22s %s\n", subcommands[i].usage, subcommands[i].summary);
	fprintf(out, "\noptions:\n"
		     "  --socket PATH   the daemon's control socket (default $SEALCALL_SOCKET, else\n"
		     "                  " SC_CONTROL_DEFAULT_SOCKET ")\n"
		     "  --help, --version\n"
		     "\nexit status: 0 done, 1 the daemon refused or failed, 2 usage error,\n"
		     "3 the daemon is not running\n");
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

// Sends REQUEST and prints the body on success; maps failures to exit codes with a message
// that says what to do.
static int control_call(struct cli *cli, const char *request)
{
	struct sc_outbuf response;
	sc_outbuf_init(&response, RESPONSE_MAX);
	int status = 1;
	int r = sc_control_request(cli->socket_path, request, REQUEST_TIMEOUT_MS, &response);
	switch (r) {
	case 0:
		break;
	case -ENOENT:
	case -ECONNREFUSED:
		fprintf(stderr, "%s: sealcalld is not running (nothing answers on %s); start it with "
			"'systemctl start sealcall', or point --socket or SEALCALL_SOCKET at its "
			"control socket\n", cli->prog, cli->socket_path);
		status = EXIT_NOT_RUNNING;
		goto out;
	case -EACCES:
	case -EPERM:
		fprintf(stderr, "%s: permission denied on %s: run as root or as a member of the "
			"sealcall group\n", cli->prog, cli->socket_path);
		goto out;
	case -ETIMEDOUT:
		fprintf(stderr, "%s: sealcalld did not answer on %s within %d s; see "
			"'journalctl -u sealcall'\n", cli->prog, cli->socket_path,
			REQUEST_TIMEOUT_MS / 1000);
		goto out;
	case -ECONNABORTED:
		fprintf(stderr, "%s: sealcalld closed the connection on %s without an answer (it may "
			"be stopping, or be too busy to read the request in time); see 'journalctl -u "
			"sealcall'\n", cli->prog, cli->socket_path);
		goto out;
	case -EPROTO:
		fprintf(stderr, "%s: unexpected answer from %s; is it sealcalld's control socket?\n",
			cli->prog, cli->socket_path);
		goto out;
	default:
		fprintf(stderr, "%s: cannot talk to sealcalld on %s: %s\n", cli->prog,
			cli->socket_path, strerror(-r));
		goto out;
	}
	bool ok;
	const char *body;
	size_t body_len;
	sc_control_response_split(&response, &ok, &body, &body_len);
	if (ok) {
		fwrite(body, 1, body_len, stdout);
		status = fflush(stdout) == 0 ? 0 : 1;
	} else {
		fprintf(stderr, "%s: sealcalld refused: %.*s\n", cli->prog, (int)body_len, body);
		if (body_len == 17 && memcmp(body, "permission denied", 17) == 0)
			fprintf(stderr, "%s: run as root or as a member of the sealcall group\n",
				cli->prog);
	}
out:
	sc_outbuf_free(&response);
	return status;
}

static int cmd_status(struct cli *cli, int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			fprintf(stderr, "%s: status: unknown argument '%s' (usage: sealcall status "
				"[--json])\n", cli->prog, argv[i]);
			return EXIT_USAGE;
		}
	}
	return control_call(cli, json ? "status json" : "status");
}

// One word, no options: the daemon checks the destination against the directory.
static int cmd_call(struct cli *cli, int argc, char **argv)
{
	char request[SC_CONTROL_REQUEST_MAX];
	if (argc != 2 || argv[1][0] == '-' || !*argv[1]) {
		fprintf(stderr, "%s: usage: sealcall call NAME|URI (a site of the directory, e.g. "
			"'sealcall call lyon')\n", cli->prog);
		return EXIT_USAGE;
	}
	for (const char *p = argv[1]; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e) {
			fprintf(stderr, "%s: call: '%s' holds a space or a character that is not printable "
				"ASCII; give a directory name or a sips: URI\n", cli->prog, argv[1]);
			return EXIT_USAGE;
		}
	}
	int n = snprintf(request, sizeof(request), "call %s", argv[1]);
	if (n < 0 || (size_t)n >= sizeof(request) - 1) {
		fprintf(stderr, "%s: call: destination too long\n", cli->prog);
		return EXIT_USAGE;
	}
	return control_call(cli, request);
}

static int no_args(struct cli *cli, int argc, char **argv, const char *request)
{
	if (argc != 1) {
		fprintf(stderr, "%s: %s takes no arguments (usage: sealcall %s)\n", cli->prog, argv[0],
			argv[0]);
		return EXIT_USAGE;
	}
	return control_call(cli, request);
}

static int cmd_answer(struct cli *cli, int argc, char **argv)
{
	return no_args(cli, argc, argv, "answer");
}

static int cmd_hangup(struct cli *cli, int argc, char **argv)
{
	return no_args(cli, argc, argv, "hangup");
}

static int cmd_verify(struct cli *cli, int argc, char **argv)
{
	return no_args(cli, argc, argv, "verify");
}

static int one_word(struct cli *cli, int argc, char **argv, const char *usage, bool optional)
{
	char request[SC_CONTROL_REQUEST_MAX];
	if (argc > 2 || (!optional && argc != 2) || (argc == 2 && (!*argv[1] || argv[1][0] == '-' ||
								   strlen(argv[1]) > 64 ||
								   strpbrk(argv[1], " \t\n")))) {
		fprintf(stderr, "%s: usage: sealcall %s\n", cli->prog, usage);
		return EXIT_USAGE;
	}
	snprintf(request, sizeof(request), "%s%s%s", argv[0], argc == 2 ? " " : "",
		 argc == 2 ? argv[1] : "");
	return control_call(cli, request);
}

static int cmd_unverify(struct cli *cli, int argc, char **argv)
{
	return one_word(cli, argc, argv, "unverify NAME|ZID", false);
}

static int cmd_forget(struct cli *cli, int argc, char **argv)
{
	return one_word(cli, argc, argv, "forget NAME|ZID", false);
}

static int cmd_mute(struct cli *cli, int argc, char **argv)
{
	return one_word(cli, argc, argv, "mute [on|off]", true);
}

static int cmd_volume(struct cli *cli, int argc, char **argv)
{
	return one_word(cli, argc, argv, "volume 0..100", false);
}

// Checked here too, so a typo is a usage error even when the daemon is not running.
static int cmd_dtmf(struct cli *cli, int argc, char **argv)
{
	char why[160], request[SC_CONTROL_REQUEST_MAX];
	if (argc != 2) {
		fprintf(stderr, "%s: usage: sealcall dtmf DIGITS (0-9 * # A-D, at most %d; quote them: "
			"sealcall dtmf '159#')\n", cli->prog, SC_DTMF_MAX_DIGITS);
		return EXIT_USAGE;
	}
	if (sc_dtmf_check(argv[1], why, sizeof(why)) < 0) {
		fprintf(stderr, "%s: dtmf: %s\n", cli->prog, why);
		return EXIT_USAGE;
	}
	snprintf(request, sizeof(request), "dtmf %s", argv[1]);
	return control_call(cli, request);
}

static int history_usage(struct cli *cli, const char *what)
{
	fprintf(stderr, "%s: history: %s (usage: sealcall history [--json] [-n N], N from 1 to %d)\n",
		cli->prog, what, SC_CONTROL_HISTORY_MAX);
	return EXIT_USAGE;
}

static int cmd_history(struct cli *cli, int argc, char **argv)
{
	bool json = false;
	long n = SC_CONTROL_HISTORY_DEFAULT;
	for (int i = 1; i < argc; i++) {
		const char *count = NULL;
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			count = argv[++i];
		else if (strncmp(argv[i], "-n", 2) == 0 && argv[i][2])
			count = argv[i] + 2;
		else if (strcmp(argv[i], "-n") == 0)
			return history_usage(cli, "-n needs a number");
		else
			return history_usage(cli, "unknown argument");
		if (count) {
			char *end;
			errno = 0;
			n = strtol(count, &end, 10);
			if (errno || *end || end == count || count[0] == '-' || count[0] == '+' ||
			    n < 1 || n > SC_CONTROL_HISTORY_MAX)
				return history_usage(cli, "-n needs a whole number of calls");
		}
	}
	char request[64];
	snprintf(request, sizeof(request), "history%s %ld", json ? " json" : "", n);
	return control_call(cli, request);
}

// Offline: needs no daemon.
static int cmd_zrtp_inspect(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return sc_zrtp_inspect_main(argc, argv);
}

static int cmd_zrtp_cache(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return sc_call_zrtp_cache_main(argc, argv);
}

// Offline, on the operator's machine: needs no daemon.
static int cmd_provision(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return sc_provision_main(argc, argv);
}

// Offline: needs no daemon.
static int cmd_sip_parse(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return sc_sip_parse_main(argc, argv);
}

int main(int argc, char **argv)
{
	struct cli cli = { .prog = "sealcall" };
	cli.socket_path = getenv("SEALCALL_SOCKET");
	if (!cli.socket_path || !*cli.socket_path)
		cli.socket_path = SC_CONTROL_DEFAULT_SOCKET;

	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(arg, "--version") == 0) {
			printf("sealcall %s\n", SEALCALL_VERSION);
			return 0;
		}
		if (strcmp(arg, "--socket") == 0 && i + 1 < argc && argv[i + 1][0]) {
			cli.socket_path = argv[++i];
		} else if (strncmp(arg, "--socket=", 9) == 0 && arg[9]) {
			cli.socket_path = arg + 9;
		} else if (strcmp(arg, "--socket") == 0) {
			fprintf(stderr, "%s: --socket needs a path\n", cli.prog);
			return EXIT_USAGE;
		} else {
			fprintf(stderr, "%s: unknown option '%s' (see sealcall --help)\n", cli.prog, arg);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t k = 0; k < sizeof(subcommands) / sizeof(subcommands[0]); k++)
		if (strcmp(subcommands[k].name, argv[i]) == 0)
			return subcommands[k].run(&cli, argc - i, argv + i);
	fprintf(stderr, "%s: unknown command '%s' (see sealcall --help)\n", cli.prog, argv[i]);
	return EXIT_USAGE;
}
