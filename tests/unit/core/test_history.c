// SPDX-License-Identifier: GPL-3.0-or-later
// The call history: the line format (exact, round trip, every kind of damage refused), the
// bound on entries and on the file, the atomic write (mode, no temporary left, the old file
// kept when writing fails), reading back a damaged file, and both renderings.
#include "check.h"
#include "core/history.h"
#include "core/json.h"
#include "core/outbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct sc_history_entry secured_call(void)
{
	struct sc_history_entry e;
	sc_history_entry_init(&e);
	e.start = 1714564800; // 2024-05-01T12:00:00Z
	e.outgoing = true;
	snprintf(e.peer, sizeof(e.peer), "lyon");
	e.duration_ms = 42500;
	e.sip_ms = 812;
	e.zrtp_ms = 95;
	snprintf(e.codec, sizeof(e.codec), "PCMU");
	e.end = SC_HISTORY_END_LOCAL_HANGUP;
	snprintf(e.reason, sizeof(e.reason), "hung up the call with lyon");
	e.secured = true;
	snprintf(e.cipher, sizeof(e.cipher), "AES1");
	snprintf(e.key_agreement, sizeof(e.key_agreement), "X255");
	snprintf(e.hash, sizeof(e.hash), "S256");
	snprintf(e.auth_tag, sizeof(e.auth_tag), "HS80");
	snprintf(e.sas_type, sizeof(e.sas_type), "B32");
	e.sas_verified = true;
	snprintf(e.cache, sizeof(e.cache), "match");
	e.loss_pct10 = 12;
	e.jitter_ms10 = 34;
	e.rtt_ms10 = 5;
	e.jb_delay_ms = 40;
	e.lost = 3;
	e.late = 1;
	return e;
}

static const char *const good_line =
	"v1 start=2024-05-01T12:00:00Z dir=out peer=lyon duration_ms=42500 sip_ms=812 zrtp_ms=95 "
	"codec=PCMU end=local-hangup code=0 secured=yes cipher=AES1 ka=X255 hash=S256 auth=HS80 "
	"sas_type=B32 sas_verified=yes cache=match loss_pct=1.2 jitter_ms=3.4 rtt_ms=0.5 jb_ms=40 "
	"lost=3 late=1 reason=hung%20up%20the%20call%20with%20lyon";

static bool same(const struct sc_history_entry *a, const struct sc_history_entry *b)
{
	char la[SC_HISTORY_LINE_MAX], lb[SC_HISTORY_LINE_MAX];
	return sc_history_format_line(a, la, sizeof(la)) == 0 &&
	       sc_history_format_line(b, lb, sizeof(lb)) == 0 && strcmp(la, lb) == 0;
}

static void test_line_format(void)
{
	struct sc_history_entry e = secured_call(), back;
	char line[SC_HISTORY_LINE_MAX], why[128];
	CHECK_EQ_INT(sc_history_format_line(&e, line, sizeof(line)), 0);
	char want[SC_HISTORY_LINE_MAX];
	snprintf(want, sizeof(want), "%s\n", good_line);
	if (strcmp(line, want) != 0)
		fprintf(stderr, "got  %swant %s", line, want);
	CHECK(strcmp(line, want) == 0);
	CHECK_EQ_INT(sc_history_parse_line(line, strlen(line) - 1, &back, why, sizeof(why)), 0);
	CHECK(same(&e, &back));
	CHECK(back.start == e.start && back.lost == 3 && back.sas_verified && back.outgoing);

	// a call that was never answered: no security, nothing measured
	struct sc_history_entry r;
	sc_history_entry_init(&r);
	r.start = 0;
	snprintf(r.peer, sizeof(r.peer), "sips:someone@x y\x01%%");
	r.end = SC_HISTORY_END_REFUSED;
	r.code = 486;
	snprintf(r.reason, sizeof(r.reason), "INVITE from x: 486 (busy \"now\")");
	CHECK_EQ_INT(sc_history_format_line(&r, line, sizeof(line)), 0);
	CHECK_STR_CONTAINS(line, "v1 start=1970-01-01T00:00:00Z dir=in peer=sips:someone@x%20y%01%25 "
				 "duration_ms=-1 sip_ms=-1 zrtp_ms=-1 codec= end=refused code=486 secured=no "
				 "cipher= ka= hash= auth= sas_type= sas_verified=no cache= loss_pct=-1 "
				 "jitter_ms=-1 rtt_ms=-1 jb_ms=-1 lost=-1 late=-1 reason=INVITE%20from%20x:");
	CHECK_EQ_INT(sc_history_parse_line(line, strlen(line) - 1, &back, why, sizeof(why)), 0);
	CHECK(same(&r, &back));
	CHECK(strcmp(back.peer, r.peer) == 0 && strcmp(back.reason, r.reason) == 0);

	// what cannot be written is refused, not written half
	struct sc_history_entry bad = secured_call();
	bad.cipher[0] = '\0';
	CHECK_EQ_INT(sc_history_format_line(&bad, line, sizeof(line)), -EINVAL);
	bad = secured_call();
	bad.loss_pct10 = 1001;
	CHECK_EQ_INT(sc_history_format_line(&bad, line, sizeof(line)), -EINVAL);
	bad = secured_call();
	bad.peer[0] = '\0';
	CHECK_EQ_INT(sc_history_format_line(&bad, line, sizeof(line)), -EINVAL);
	CHECK_EQ_INT(sc_history_format_line(&e, line, 40), -ENOBUFS);

	// the longest entry still fits a line
	struct sc_history_entry big = secured_call();
	memset(big.peer, '\x7f', sizeof(big.peer) - 1);
	big.peer[sizeof(big.peer) - 1] = '\0';
	memset(big.reason, ' ', sizeof(big.reason) - 1);
	big.reason[sizeof(big.reason) - 1] = '\0';
	big.duration_ms = big.lost = big.late = 1LL << 40;
	CHECK_EQ_INT(sc_history_format_line(&big, line, sizeof(line)), 0);
	CHECK(strlen(line) < SC_HISTORY_LINE_MAX);
	CHECK_EQ_INT(sc_history_parse_line(line, strlen(line) - 1, &back, why, sizeof(why)), 0);
	CHECK(same(&big, &back));
}

// Each damaged line is refused with a reason; none of them may crash or be half-read.
static void test_bad_lines(void)
{
	struct {
		const char *from, *to, *why;
	} damage[] = {
		{ "v1 ", "v2 ", "another version" },
		{ "v1 ", "", "not a history line" },
		{ "start=2024-05-01T12:00:00Z", "start=2024-02-30T12:00:00Z", "start" },
		{ "start=2024-05-01T12:00:00Z", "start=2024-05-01 12:00:00Z", "" },
		{ "start=2024-05-01T12:00:00Z", "start=1969-12-31T23:59:59Z", "start" },
		{ "start=2024-05-01T12:00:00Z", "start=2024-05-01T24:00:00Z", "start" },
		{ "dir=out", "dir=up", "dir" },
		{ "peer=lyon", "peer=", "peer" },
		{ "peer=lyon", "peer=ly%6Fn", "peer" },       // an encoded printable character
		{ "peer=lyon", "peer=ly%0an", "peer" },       // lower-case hex
		{ "peer=lyon", "peer=ly%00n", "peer" },       // a NUL
		{ "peer=lyon", "peer=lyon%2", "peer" },       // cut escape
		{ "duration_ms=42500", "duration_ms=042500", "duration_ms" },
		{ "duration_ms=42500", "duration_ms=+42500", "duration_ms" },
		{ "duration_ms=42500", "duration_ms=-2", "duration_ms" },
		{ "duration_ms=42500", "duration_ms=99999999999999999999", "duration_ms" },
		{ "sip_ms=812", "sip_ms=86400001", "set-up" },
		{ "codec=PCMU", "codec=PCMU;x", "codec" },
		{ "codec=PCMU", "codec=LONGERTHAN8", "codec" },
		{ "end=local-hangup", "end=vanished", "end" },
		{ "code=0", "code=99", "code" },
		{ "code=0", "code=700", "code" },
		{ "secured=yes", "secured=true", "secured" },
		{ "secured=yes", "secured=no", "not secured" },
		{ "cache=match", "cache=maybe", "cache" },
		{ "loss_pct=1.2", "loss_pct=100.1", "loss_pct" },
		{ "loss_pct=1.2", "loss_pct=1.25", "loss_pct" },
		{ "loss_pct=1.2", "loss_pct=1", "loss_pct" },
		{ "loss_pct=1.2", "loss_pct=.5", "loss_pct" },
		{ "loss_pct=1.2", "loss_pct=-1.0", "loss_pct" },
		{ "jb_ms=40", "jb_ms=60001", "jb_ms" },
		{ "lost=3", "lost=1099511627777", "lost" },
		{ "late=1", "late=x", "late" },
		{ " reason=", "  reason=", "" },              // two spaces
		{ " reason=", "\treason=", "" },              // a tab
		{ "ka=X255 hash=S256", "hash=S256 ka=X255", "field" }, // another order
		{ " cache=match", "", "" },                    // a field missing
		{ "late=1 reason", "late=1 extra=1 reason", "" },
	};
	char line[SC_HISTORY_LINE_MAX + 64], why[128];
	struct sc_history_entry e;
	CHECK_EQ_INT(sc_history_parse_line(good_line, strlen(good_line), &e, why, sizeof(why)), 0);
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		const char *at = strstr(good_line, damage[i].from);
		CHECK(at != NULL);
		if (!at)
			continue;
		snprintf(line, sizeof(line), "%.*s%s%s", (int)(at - good_line), good_line, damage[i].to,
			 at + strlen(damage[i].from));
		why[0] = '\0';
		int r = sc_history_parse_line(line, strlen(line), &e, why, sizeof(why));
		if (r != -EINVAL)
			fprintf(stderr, "accepted: %s\n", line);
		CHECK_EQ_INT(r, -EINVAL);
		CHECK(why[0] != '\0');
		if (damage[i].why[0])
			CHECK_STR_CONTAINS(why, damage[i].why);
	}
	// a trailing space, a byte above 0x7e, a line longer than any written
	snprintf(line, sizeof(line), "%s ", good_line);
	CHECK_EQ_INT(sc_history_parse_line(line, strlen(line), &e, why, sizeof(why)), -EINVAL);
	snprintf(line, sizeof(line), "%s\xc3\xa9", good_line);
	CHECK_EQ_INT(sc_history_parse_line(line, strlen(line), &e, why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "control character or a byte above 0x7e");
	char *huge = malloc(SC_HISTORY_LINE_MAX + 10);
	memset(huge, 'a', SC_HISTORY_LINE_MAX + 10);
	CHECK_EQ_INT(sc_history_parse_line(huge, SC_HISTORY_LINE_MAX + 10, &e, why, sizeof(why)), -EINVAL);
	free(huge);
	CHECK_EQ_INT(sc_history_parse_line("", 0, &e, why, sizeof(why)), -EINVAL);
	// the line ends early: every prefix that stops before the last field is refused
	size_t last = (size_t)(strstr(good_line, " reason=") - good_line) + strlen(" reason=");
	int accepted = 0;
	for (size_t n = 0; n < last; n++)
		accepted += sc_history_parse_line(good_line, n, &e, why, sizeof(why)) == 0;
	CHECK_EQ_INT(accepted, 0);
}

struct warnings {
	int count;
	char last[512];
};

static void collect(void *ctx, const char *message)
{
	struct warnings *w = ctx;
	w->count++;
	snprintf(w->last, sizeof(w->last), "%s", message);
}

static void test_damaged_file(void)
{
	struct sc_history h;
	struct warnings w = { 0 };
	char buf[16384];
	CHECK_EQ_INT(sc_history_init(&h, ""), 0);
	snprintf(buf, sizeof(buf), "# comment\n%s\ngarbage\n\n%.100s\n%s\nv1 start=x\n%s", good_line,
		 good_line, good_line, good_line);
	// the last line has no newline: a write cut short, not a record
	sc_history_load_buffer(&h, "hist", buf, strlen(buf), collect, &w);
	CHECK_EQ_INT(sc_history_count(&h), 2);
	CHECK_EQ_INT(w.count, 5);
	CHECK_STR_CONTAINS(w.last, "hist:8: skipped a damaged call record (the last line has no newline");
	sc_history_free(&h);

	// many bad lines: a few warnings, then one count
	CHECK_EQ_INT(sc_history_init(&h, ""), 0);
	w.count = 0;
	size_t used = 0;
	for (int i = 0; i < 50; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "bad %d\n", i);
	sc_history_load_buffer(&h, "hist", buf, used, collect, &w);
	CHECK_EQ_INT(sc_history_count(&h), 0);
	CHECK_EQ_INT(w.count, 6);
	CHECK_STR_CONTAINS(w.last, "50 damaged call records skipped");
	// NUL bytes and binary junk
	static const char junk[] = "v1 \0\0\xff\xfe\n\0\n";
	sc_history_load_buffer(&h, "hist", junk, sizeof(junk) - 1, collect, &w);
	CHECK_EQ_INT(sc_history_count(&h), 0);
	sc_history_free(&h);
}

static void test_bound(void)
{
	struct sc_history h;
	CHECK_EQ_INT(sc_history_init(&h, ""), 0);
	CHECK(sc_history_newest(&h, 0) == NULL);
	for (int i = 0; i < SC_HISTORY_MAX_ENTRIES + 50; i++) {
		struct sc_history_entry e = secured_call();
		e.start = 1000 + i;
		sc_history_add(&h, &e);
	}
	CHECK_EQ_INT(sc_history_count(&h), SC_HISTORY_MAX_ENTRIES);
	CHECK_EQ_INT(sc_history_newest(&h, 0)->start, 1000 + SC_HISTORY_MAX_ENTRIES + 49);
	CHECK_EQ_INT(sc_history_newest(&h, SC_HISTORY_MAX_ENTRIES - 1)->start, 1050);
	CHECK(sc_history_newest(&h, SC_HISTORY_MAX_ENTRIES) == NULL);
	sc_history_free(&h);
}

static int count_files(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_atomic_write(void)
{
	char dir[] = "/tmp/sc-history-XXXXXX", path[64], why[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/history", dir);
	struct sc_history h;
	CHECK_EQ_INT(sc_history_init(&h, path), 0);
	CHECK_EQ_INT(sc_history_load(&h, NULL, NULL), 0); // no file yet: empty
	CHECK_EQ_INT(sc_history_count(&h), 0);
	umask(0);  // the file is 0600 whatever the umask
	for (int i = 0; i < SC_HISTORY_MAX_ENTRIES + 20; i++) {
		struct sc_history_entry e = secured_call();
		e.start = 5000 + i;
		memset(e.reason, '\n', sizeof(e.reason) - 1); // the widest encoding there is
		e.reason[sizeof(e.reason) - 1] = '\0';
		memset(e.peer, '%', sizeof(e.peer) - 1);
		e.peer[sizeof(e.peer) - 1] = '\0';
		sc_history_add(&h, &e);
	}
	umask(022);
	CHECK_EQ_INT(sc_history_save(&h, why, sizeof(why)), 0);
	struct stat st;
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK(st.st_size > 0 && (size_t)st.st_size <= SC_HISTORY_FILE_MAX);
	CHECK_EQ_INT(count_files(dir), 1); // no temporary file left behind
	ino_t first = st.st_ino;

	// it reads back as it was, newest last
	struct sc_history back;
	struct warnings w = { 0 };
	CHECK_EQ_INT(sc_history_init(&back, path), 0);
	CHECK_EQ_INT(sc_history_load(&back, collect, &w), 0);
	CHECK_EQ_INT(w.count, 0);
	CHECK_EQ_INT(sc_history_count(&back), SC_HISTORY_MAX_ENTRIES);
	CHECK(same(sc_history_newest(&back, 0), sc_history_newest(&h, 0)));
	CHECK_EQ_INT(sc_history_newest(&back, SC_HISTORY_MAX_ENTRIES - 1)->start, 5020);
	sc_history_free(&back);

	// a rewrite replaces the file by rename: a reader never sees it half written
	CHECK_EQ_INT(sc_history_save(&h, why, sizeof(why)), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK(st.st_ino != first);
	CHECK_EQ_INT(count_files(dir), 1);

	// a temporary file left by a crash is not the history
	char stale[96];
	snprintf(stale, sizeof(stale), "%s.Ab12Cd", path);
	FILE *f = fopen(stale, "w");
	fputs("v1 junk\n", f);
	fclose(f);
	CHECK_EQ_INT(sc_history_init(&back, path), 0);
	CHECK_EQ_INT(sc_history_load(&back, NULL, NULL), 0);
	CHECK_EQ_INT(sc_history_count(&back), SC_HISTORY_MAX_ENTRIES);
	sc_history_free(&back);
	unlink(stale);

	// a failed write leaves the old file as it was, and no temporary file
	char blocked[80];
	snprintf(blocked, sizeof(blocked), "%s/blocked", dir);
	CHECK_EQ_INT(mkdir(blocked, 0700), 0); // rename() cannot replace a folder
	struct sc_history hb;
	CHECK_EQ_INT(sc_history_init(&hb, blocked), 0);
	sc_history_add(&hb, sc_history_newest(&h, 0));
	CHECK(sc_history_save(&hb, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "cannot rename the new history onto");
	CHECK_EQ_INT(count_files(dir), 2); // history and the folder, nothing else
	CHECK_EQ_INT(stat(blocked, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	sc_history_free(&hb);
	rmdir(blocked);

	char missing[96];
	snprintf(missing, sizeof(missing), "%s/no/such/history", dir);
	CHECK_EQ_INT(sc_history_init(&hb, missing), 0);
	sc_history_add(&hb, sc_history_newest(&h, 0));
	CHECK_EQ_INT(sc_history_save(&hb, why, sizeof(why)), -ENOENT);
	CHECK_STR_CONTAINS(why, "cannot create a temporary file beside");
	sc_history_free(&hb);

	// a symbolic link is not followed; an oversized file is read only as far as the bound
	char link[96];
	snprintf(link, sizeof(link), "%s/link", dir);
	CHECK_EQ_INT(symlink(path, link), 0);
	CHECK_EQ_INT(sc_history_init(&hb, link), 0);
	w.count = 0;
	CHECK(sc_history_load(&hb, collect, &w) < 0);
	CHECK_EQ_INT(w.count, 1);
	CHECK_EQ_INT(sc_history_count(&hb), 0);
	sc_history_free(&hb);
	unlink(link);

	f = fopen(path, "w");
	for (size_t written = 0; written <= SC_HISTORY_FILE_MAX + 4096;)
		written += (size_t)fprintf(f, "%s\n", good_line);
	fclose(f);
	CHECK_EQ_INT(sc_history_init(&hb, path), 0);
	w.count = 0;
	CHECK_EQ_INT(sc_history_load(&hb, collect, &w), 0);
	CHECK_EQ_INT(sc_history_count(&hb), SC_HISTORY_MAX_ENTRIES);
	CHECK_EQ_INT(w.count, 1);
	CHECK_STR_CONTAINS(w.last, "larger than the");
	sc_history_free(&hb);

	sc_history_free(&h);
	unlink(path);
	CHECK_EQ_INT(rmdir(dir), 0);
}

static void test_render(void)
{
	struct sc_history h;
	struct sc_outbuf b;
	CHECK_EQ_INT(sc_history_init(&h, ""), 0);
	sc_outbuf_init(&b, 1 << 20);
	CHECK_EQ_INT(sc_history_render_text(&h, 20, &b), 0);
	CHECK(strcmp(b.data, "no calls yet\n") == 0);
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_history_render_json(&h, 20, &b), 0);
	CHECK(strcmp(b.data, "{\"calls\":[]}\n") == 0);

	struct sc_history_entry e = secured_call();
	sc_history_add(&h, &e);
	struct sc_history_entry r;
	sc_history_entry_init(&r);
	r.start = e.start + 60;
	snprintf(r.peer, sizeof(r.peer), "nice\x1b[2J");
	r.end = SC_HISTORY_END_REFUSED;
	r.code = 486;
	snprintf(r.reason, sizeof(r.reason), "nice refused the call: 486 Busy Here");
	sc_history_add(&h, &r);

	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_history_render_text(&h, 20, &b), 0);
	const char *want =
		"START (UTC)           DIR  PEER      LENGTH  SIP ms  ZRTP ms  SECURITY                          "
		"LOSS  JITTER ms  RTT ms  JB ms  END\n"
		"2024-05-01T12:01:00Z  in   nice?[2J  -       -       -        not secured (not answered)        "
		"-     -          -       -      refused 486: nice refused the call: 486 Busy Here\n"
		"2024-05-01T12:00:00Z  out  lyon      0:42    812     95       AES1/X255/S256/HS80 B32 verified  "
		"1.2%  3.4        0.5     40     local hang-up\n";
	if (strcmp(b.data, want) != 0)
		fprintf(stderr, "got:\n%swant:\n%s", b.data, want);
	CHECK(strcmp(b.data, want) == 0);
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_history_render_text(&h, 1, &b), 0);
	CHECK(strstr(b.data, "lyon") == NULL && strstr(b.data, "nice") != NULL);

	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_history_render_json(&h, 1, &b), 0);
	want = "{\"calls\":[{\"start\":\"2024-05-01T12:01:00Z\",\"peer\":\"nice\\u001b[2J\","
	       "\"direction\":\"in\",\"duration_ms\":-1,\"codec\":\"\",\"setup\":{\"sip_ms\":-1,"
	       "\"zrtp_ms\":-1,\"total_ms\":-1},\"security\":{\"secured\":false,\"cipher\":\"\","
	       "\"key_agreement\":\"\",\"hash\":\"\",\"auth_tag\":\"\",\"sas_type\":\"\","
	       "\"sas_verified\":false,\"cache\":\"\",\"not_secured_reason\":\"not answered\"},"
	       "\"quality\":{\"loss_pct\":-1,\"jitter_ms\":-1,\"rtt_ms\":-1,\"jitter_buffer_ms\":-1,"
	       "\"lost\":-1,\"late\":-1},\"end\":{\"kind\":\"refused\",\"code\":486,\"reason\":"
	       "\"nice refused the call: 486 Busy Here\"}}]}\n";
	if (strcmp(b.data, want) != 0)
		fprintf(stderr, "got:\n%swant:\n%s", b.data, want);
	CHECK(strcmp(b.data, want) == 0);
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_history_render_json(&h, 20, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"setup\":{\"sip_ms\":812,\"zrtp_ms\":95,\"total_ms\":907}");
	CHECK_STR_CONTAINS(b.data, "\"quality\":{\"loss_pct\":1.2,\"jitter_ms\":3.4,\"rtt_ms\":0.5,"
				   "\"jitter_buffer_ms\":40,\"lost\":3,\"late\":1}");
	CHECK_STR_CONTAINS(b.data, "\"sas_verified\":true,\"cache\":\"match\"");
	// the SAS itself is nowhere: the record has no field for it
	CHECK(strstr(b.data, "\"sas\"") == NULL);

	char summary[1024];
	sc_history_summary(&e, summary, sizeof(summary));
	CHECK(strcmp(summary, "2024-05-01T12:00:00Z to lyon length 0:42, AES1/X255/S256/HS80 B32 "
			      "verified, loss 1.2% jitter 3.4 ms rtt 0.5 ms jitter-buffer 40 ms, set-up "
			      "sip 812 ms zrtp 95 ms, local hang-up") == 0);
	if (strstr(summary, "local hang-up") == NULL || strncmp(summary, "2024", 4) != 0)
		fprintf(stderr, "summary: %s\n", summary);

	// too small an answer buffer is an error, not a cut table
	struct sc_outbuf small;
	sc_outbuf_init(&small, 64);
	CHECK(sc_history_render_text(&h, 20, &small) < 0);
	sc_outbuf_free(&small);
	sc_outbuf_free(&b);
	sc_history_free(&h);
}

int main(void)
{
	test_line_format();
	test_bad_lines();
	test_damaged_file();
	test_bound();
	test_atomic_write();
	test_render();
	return check_done();
}
