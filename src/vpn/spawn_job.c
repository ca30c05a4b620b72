// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/spawn_job.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct sc_spawn_job {
	pthread_t thread;
	int done_fd;
	int timeout_ms;
	char **argv, **envp;
	struct sc_buf out, err;
	int rc, status;
};

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char **copy_strv(const char *const v[])
{
	size_t n = 0;
	while (v[n])
		n++;
	char **copy = calloc(n + 1, sizeof(*copy));
	for (size_t i = 0; copy && i < n; i++) {
		if (!(copy[i] = strdup(v[i]))) {
			free_strv(copy);
			return NULL;
		}
	}
	return copy;
}

static void *run_job(void *arg)
{
	struct sc_spawn_job *job = arg;
	job->rc = sc_spawn_run((const char *const *)job->argv, (const char *const *)job->envp,
			       NULL, 0, &job->out, &job->err, job->timeout_ms, &job->status);
	uint64_t one = 1;
	// An eventfd write of 1 cannot block or fail short of a counter overflow.
	(void)!write(job->done_fd, &one, sizeof(one));
	return NULL;
}

static void job_free(struct sc_spawn_job *job)
{
	if (job->done_fd >= 0)
		close(job->done_fd);
	free_strv(job->argv);
	free_strv(job->envp);
	sc_buf_free(&job->out);
	sc_buf_free(&job->err);
	free(job);
}

int sc_spawn_job_start(const char *const argv[], const char *const envp[], size_t out_max,
		       size_t err_max, int timeout_ms, struct sc_spawn_job **out)
{
	int rc;
	struct sc_spawn_job *job = calloc(1, sizeof(*job));
	*out = NULL;
	if (!job)
		return -ENOMEM;
	job->timeout_ms = timeout_ms;
	sc_buf_init(&job->out, out_max);
	sc_buf_init(&job->err, err_max);
	job->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (job->done_fd < 0) {
		rc = -errno;
		goto fail;
	}
	job->argv = copy_strv(argv);
	job->envp = copy_strv(envp);
	if (!job->argv || !job->envp) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = -pthread_create(&job->thread, NULL, run_job, job);
	if (rc != 0)
		goto fail;
	*out = job;
	return 0;
fail:
	job_free(job);
	return rc;
}

int sc_spawn_job_fd(const struct sc_spawn_job *job)
{
	return job->done_fd;
}

int sc_spawn_job_finish(struct sc_spawn_job *job, struct sc_buf *out, struct sc_buf *err,
			int *status)
{
	pthread_join(job->thread, NULL);
	int rc = job->rc;
	*status = job->status;
	if (out) {
		*out = job->out;
		sc_buf_init(&job->out, 0);
	}
	if (err) {
		*err = job->err;
		sc_buf_init(&job->err, 0);
	}
	job_free(job);
	return rc;
}
