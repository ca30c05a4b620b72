// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/control.h"
#include "check.h"

#include <errno.h>
#include <stdbool.h>

static int parse(const char *data, size_t len, struct sc_control_request *req, char *err)
{
	err[0] = '\0';
	return sc_control_parse(data, len, req, err, SC_CONTROL_ERROR_MAX);
}

#define PARSE_S(s, req, err) parse((s), sizeof(s) - 1, (req), (err))

static bool printable_line(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void expect_refused(const char *data, size_t len, const char *why)
{
	struct sc_control_request req;
	char err[SC_CONTROL_ERROR_MAX];
	CHECK_EQ_INT(parse(data, len, &req, err), -EINVAL);
	CHECK_STR_CONTAINS(err, why);
	CHECK(printable_line(err));
}

#define REFUSED_S(s, why) expect_refused((s), sizeof(s) - 1, (why))

static void test_good_requests(void)
{
	struct sc_control_request req;
	char err[SC_CONTROL_ERROR_MAX];
	CHECK_EQ_INT(PARSE_S("status\n", &req, err), 0);
	CHECK_EQ_INT(req.op, SC_CONTROL_STATUS);
	CHECK(strcmp(req.command, "status") == 0);
	CHECK_EQ_INT(req.argc, 0);
	CHECK(!sc_control_wants_json(&req));

	CHECK_EQ_INT(PARSE_S("status json\n", &req, err), 0);
	CHECK_EQ_INT(req.argc, 1);
	CHECK(strcmp(req.argv[0], "json") == 0);
	CHECK(sc_control_wants_json(&req));

	// Runs of spaces separate words like one space does.
	CHECK_EQ_INT(PARSE_S("  status   json \n", &req, err), 0);
	CHECK(sc_control_wants_json(&req));

	// Exactly 256 bytes with the newline is the largest request.
	char big[SC_CONTROL_REQUEST_MAX];
	memset(big, ' ', sizeof(big));
	memcpy(big, "status", 6);
	big[sizeof(big) - 1] = '\n';
	CHECK_EQ_INT(parse(big, sizeof(big), &req, err), 0);
	CHECK(strcmp(req.command, "status") == 0);
	CHECK(req.op != SC_CONTROL_DTMF);

	CHECK_EQ_INT(PARSE_S("dtmf 159#*0ABCDabcd\n", &req, err), 0);
	CHECK(req.op == SC_CONTROL_DTMF);
	CHECK(strcmp(req.argv[0], "159#*0ABCDabcd") == 0);
	CHECK_EQ_INT(PARSE_S("dtmf 12345678901234567890123456789012\n", &req, err), 0);
	CHECK_EQ_INT(PARSE_S("call lyon\n", &req, err), 0);
	CHECK(req.op != SC_CONTROL_DTMF);
}

static void test_framing_refused(void)
{
	REFUSED_S("", "empty request");
	REFUSED_S("\n", "empty request");
	REFUSED_S("     \n", "empty request");
	REFUSED_S("status", "must end with a newline");
	REFUSED_S("status\nstatus\n", "one request line per connection");
	REFUSED_S("status\n\n", "one request line per connection");

	char big[SC_CONTROL_REQUEST_MAX + 1];
	memset(big, ' ', sizeof(big));
	memcpy(big, "status", 6);
	big[sizeof(big) - 1] = '\n';
	expect_refused(big, sizeof(big), "longer than 256 bytes");
	// Without any newline the length is what is wrong.
	memset(big, 'a', sizeof(big));
	expect_refused(big, sizeof(big), "longer than 256 bytes");
}

static void test_bytes_refused(void)
{
	REFUSED_S("status\r\n", "non-printable character 0x0d at byte 7");
	REFUSED_S("sta\ttus\n", "non-printable character 0x09 at byte 4");
	REFUSED_S("sta\0tus\n", "non-printable character 0x00 at byte 4");
	REFUSED_S("status \x7f\n", "0x7f");
	REFUSED_S("status \xc3\xa9\n", "0xc3 at byte 8");
	REFUSED_S("\x1b[2Jstatus\n", "0x1b at byte 1");
}

static void test_commands_refused(void)
{
	REFUSED_S("foo\n", "unknown command 'foo' (commands: status, call, answer, hangup, verify, unverify, forget, mute, volume, history, dtmf)");
	REFUSED_S("dtmf\n", "wrong number of arguments for dtmf (usage: dtmf DIGITS)");
	REFUSED_S("dtmf 12 3\n", "wrong number of arguments for dtmf");
	REFUSED_S("dtmf 12x3\n", "'x' (character 3) is not a DTMF digit: use 0-9 * # A-D");
	REFUSED_S("dtmf 1,\n", "',' (character 2)");
	REFUSED_S("dtmf 123456789012345678901234567890123\n", "33 digits: at most 32");
	REFUSED_S("STATUS\n", "unknown command 'STATUS'");
	REFUSED_S("status json extra\n", "wrong number of arguments for status (usage: status [json])");
	REFUSED_S("status xml\n", "unknown argument 'xml' (usage: status [json])");
	REFUSED_S("status json json\n", "wrong number of arguments");
	REFUSED_S("a b c d e f g h i\n", "too many words");

	// A long unknown word is cut in the answer, which stays one short line.
	char line[200];
	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	struct sc_control_request req;
	char err[SC_CONTROL_ERROR_MAX];
	CHECK_EQ_INT(parse(line, sizeof(line), &req, err), -EINVAL);
	CHECK(strlen(err) < SC_CONTROL_ERROR_MAX - 1);
	CHECK_STR_CONTAINS(err, "unknown command 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'");
}

int main(void)
{
	test_good_requests();
	test_framing_refused();
	test_bytes_refused();
	test_commands_refused();
	return check_done();
}
