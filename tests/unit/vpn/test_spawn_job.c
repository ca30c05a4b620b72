// SPDX-License-Identifier: GPL-3.0-or-later
// A tool run in a worker thread: the caller is not held up, the output and status arrive
// intact, and a missing or hung tool ends the job as sc_spawn_run would.
#include "check.h"
#include "vpn/spawn_job.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms);
}

static void test_output_and_status(void)
{
	char script[] = "sleep 0.3; echo out; echo err >&2; exit 3";
	const char *argv[] = { "sh", "-c", script, NULL };
	struct sc_spawn_job *job = NULL;
	long t0 = now_ms();
	CHECK_EQ_INT(sc_spawn_job_start(argv, sc_spawn_base_env, 4096, 4096, 5000, &job), 0);
	CHECK(now_ms() - t0 < 200); // the caller goes on while the tool sleeps
	memset(script, 'x', sizeof(script) - 1); // the job holds its own copy
	if (!job)
		return;
	CHECK_EQ_INT(wait_readable(sc_spawn_job_fd(job), 0), 0);
	CHECK_EQ_INT(wait_readable(sc_spawn_job_fd(job), 5000), 1);
	CHECK(now_ms() - t0 >= 250);
	struct sc_buf out, err;
	int status = 0;
	CHECK_EQ_INT(sc_spawn_job_finish(job, &out, &err, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK(out.data && strcmp(out.data, "out\n") == 0);
	CHECK(err.data && strcmp(err.data, "err\n") == 0);
	sc_buf_free(&out);
	sc_buf_free(&err);
}

static void test_finish_waits(void)
{
	const char *argv[] = { "sh", "-c", "sleep 0.2; echo late", NULL };
	struct sc_spawn_job *job = NULL;
	struct sc_buf out;
	int status = 0;
	CHECK_EQ_INT(sc_spawn_job_start(argv, sc_spawn_base_env, 4096, 4096, 5000, &job), 0);
	if (!job)
		return;
	CHECK_EQ_INT(sc_spawn_job_finish(job, &out, NULL, &status), 0);
	CHECK(out.data && strcmp(out.data, "late\n") == 0);
	sc_buf_free(&out);
}

static void test_missing_and_hung(void)
{
	const char *missing[] = { "/nonexistent/wg", "show", NULL };
	const char *hung[] = { "sleep", "30", NULL };
	struct sc_spawn_job *job = NULL;
	int status = 0;
	CHECK_EQ_INT(sc_spawn_job_start(missing, sc_spawn_base_env, 64, 64, 1000, &job), 0);
	if (job)
		CHECK_EQ_INT(sc_spawn_job_finish(job, NULL, NULL, &status), -ENOENT);
	long t0 = now_ms();
	CHECK_EQ_INT(sc_spawn_job_start(hung, sc_spawn_base_env, 64, 64, 300, &job), 0);
	if (job) {
		CHECK_EQ_INT(wait_readable(sc_spawn_job_fd(job), 5000), 1);
		CHECK_EQ_INT(sc_spawn_job_finish(job, NULL, NULL, &status), -ETIMEDOUT);
	}
	CHECK(now_ms() - t0 < 3000);
}

static void test_output_limit(void)
{
	const char *argv[] = { "sh", "-c", "head -c 10000 /dev/zero", NULL };
	struct sc_spawn_job *job = NULL;
	int status = 0;
	CHECK_EQ_INT(sc_spawn_job_start(argv, sc_spawn_base_env, 100, 100, 5000, &job), 0);
	if (job)
		CHECK_EQ_INT(sc_spawn_job_finish(job, NULL, NULL, &status), -EFBIG);
}

int main(void)
{
	test_output_and_status();
	test_finish_waits();
	test_missing_and_hung();
	test_output_limit();
	return check_done();
}
