// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/systemd.h"
#include "check.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

// A stand-in for systemd's notification socket; returns its fd.
static int listener(const char *name, bool abstract)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	memcpy(sa.sun_path, name, len);
	if (abstract)
		sa.sun_path[0] = '\0';
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + !abstract);
	CHECK_EQ_INT(bind(fd, (struct sockaddr *)&sa, salen), 0);
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char got[256];
	ssize_t n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
	CHECK(n >= 0);
	got[n < 0 ? 0 : n] = '\0';
	CHECK(strcmp(got, want) == 0);
}

static void test_notify(void)
{
	char dir[] = "/tmp/sc-notify-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof(path), "%s/notify", dir);
	int fd = listener(path, false);
	CHECK_EQ_INT(sc_sd_notify_to(path, "READY=1"), 0);
	expect_datagram(fd, "READY=1");

	setenv("NOTIFY_SOCKET", path, 1);
	CHECK_EQ_INT(sc_sd_notify("STATUS=state: ready (all 2 peers up)"), 0);
	expect_datagram(fd, "STATUS=state: ready (all 2 peers up)");
	close(fd);
	unlink(path);
	rmdir(dir);

	// Abstract namespace: '@' stands for the leading NUL, and the name is not terminated.
	char abstract[64];
	snprintf(abstract, sizeof(abstract), "@sealcall-test-%d", (int)getpid());
	fd = listener(abstract, true);
	setenv("NOTIFY_SOCKET", abstract, 1);
	CHECK_EQ_INT(sc_sd_notify("WATCHDOG=1"), 0);
	expect_datagram(fd, "WATCHDOG=1");
	close(fd);

	unsetenv("NOTIFY_SOCKET");
	CHECK_EQ_INT(sc_sd_notify("READY=1"), 0); // not under systemd: nothing to do
	CHECK_EQ_INT(sc_sd_notify_to("relative/path", "READY=1"), -EINVAL);
	CHECK_EQ_INT(sc_sd_notify_to("/nonexistent/sealcall/notify", "READY=1"), -ENOENT);
}

static void test_watchdog(void)
{
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "30000000", 1);
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 30000000);
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 30000000);
	// Meant for another process (our parent, say): not ours to feed.
	snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "0", 1);
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "12x", 1);
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "-5", 1);
	CHECK_EQ_INT(sc_sd_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
}

static void test_journal(void)
{
	struct stat st;
	CHECK_EQ_INT(fstat(STDERR_FILENO, &st), 0);
	char v[64];
	unsetenv("JOURNAL_STREAM");
	CHECK(!sc_sd_stderr_is_journal());
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
	CHECK(sc_sd_stderr_is_journal());
	// Inherited from a parent whose stderr was the journal, while ours was redirected.
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino + 1);
	setenv("JOURNAL_STREAM", v, 1);
	CHECK(!sc_sd_stderr_is_journal());
	setenv("JOURNAL_STREAM", "garbage", 1);
	CHECK(!sc_sd_stderr_is_journal());
	snprintf(v, sizeof(v), "%ju:%jux", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
	CHECK(!sc_sd_stderr_is_journal());
	unsetenv("JOURNAL_STREAM");
}

int main(void)
{
	test_notify();
	test_watchdog();
	test_journal();
	return check_done();
}
