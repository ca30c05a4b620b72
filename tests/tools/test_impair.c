// SPDX-License-Identifier: GPL-3.0-or-later
// sc-impair: the loss and delay draws and the queue on their own (exact, no clock), then the
// real relay on loopback, measured from outside as a site would see it.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "impair.h"

// Packets every 20 ms (an RTP stream) through an impairment; counts what comes out.
struct run {
	uint64_t lost, reordered, forwarded, overflow;
	double mean_delay_ms, max_delay_ms, min_delay_ms;
	uint8_t fate[20000]; // 0 lost, else 1 + delay in ms
};

static void simulate(const struct imp_config *cfg, int packets, struct run *r)
{
	struct imp im;
	memset(r, 0, sizeof(*r));
	CHECK_EQ_INT(imp_init(&im, cfg), 0);
	double sum = 0;
	r->min_delay_ms = 1e9;
	uint64_t t = 1000000;
	int sent = 0;
	for (uint64_t now = t; sent < packets || im.n; now += 100) {
		if (sent < packets && now >= t + (uint64_t)sent * 20000) {
			uint8_t data[8];
			uint64_t at = now;
			memcpy(data, &at, sizeof(at));
			int seq = sent++;
			if (imp_push(&im, 0, data, sizeof(data), now) == 0)
				r->fate[seq] = 0;
		}
		const struct imp_packet *p;
		while ((p = imp_pop(&im, now)) != NULL) {
			uint64_t at;
			memcpy(&at, p->data, sizeof(at));
			double d = (double)(now - at) / 1000.0;
			sum += d;
			if (d > r->max_delay_ms)
				r->max_delay_ms = d;
			if (d < r->min_delay_ms)
				r->min_delay_ms = d;
			r->fate[p->order] = (uint8_t)(1 + (int)d);
		}
	}
	r->lost = im.stats[0].lost;
	r->reordered = im.stats[0].reordered;
	r->forwarded = im.stats[0].forwarded;
	r->overflow = im.stats[0].overflow;
	r->mean_delay_ms = r->forwarded ? sum / (double)r->forwarded : 0;
	imp_free(&im);
}

static void test_draws(void)
{
	static struct run a, b, c;
	struct imp_config cfg = { .loss_pct = 5, .jitter_ms = 30, .queue_max = 512, .seed = 7 };
	simulate(&cfg, 20000, &a);
	printf("5%% loss, 30 ms jitter, 20000 packets 20 ms apart: lost %llu, reordered %llu, "
	       "delay %.1f..%.1f ms, mean %.1f\n", (unsigned long long)a.lost,
	       (unsigned long long)a.reordered, a.min_delay_ms, a.max_delay_ms, a.mean_delay_ms);
	// 1000 expected, sigma 31
	CHECK(a.lost >= 900 && a.lost <= 1100);
	CHECK_EQ_INT(a.forwarded + a.lost, 20000);
	// uniform 0..30 ms (whole-ms release steps of this simulation add up to 0.1 ms)
	CHECK(a.min_delay_ms >= 0 && a.max_delay_ms <= 30.1);
	CHECK(a.mean_delay_ms > 14.5 && a.mean_delay_ms < 15.6);
	// the next packet overtakes when its delay is 20 ms shorter: P = (10/30)^2 / 2 = 5.6 %
	CHECK(a.reordered > 20000 * 0.04 && a.reordered < 20000 * 0.07);

	simulate(&cfg, 20000, &b);
	CHECK(memcmp(a.fate, b.fate, sizeof(a.fate)) == 0); // the seed decides everything
	cfg.seed = 8;
	simulate(&cfg, 20000, &c);
	CHECK(memcmp(a.fate, c.fate, sizeof(a.fate)) != 0);

	// no jitter: a fixed delay never reorders
	struct imp_config fixed = { .delay_ms = 40, .queue_max = 512, .seed = 1 };
	simulate(&fixed, 500, &a);
	CHECK_EQ_INT(a.reordered, 0);
	CHECK_EQ_INT(a.lost, 0);
	CHECK(a.min_delay_ms >= 40 && a.max_delay_ms <= 40.1);
	// 100 % loss
	struct imp_config all = { .loss_pct = 100, .queue_max = 8, .seed = 1 };
	simulate(&all, 100, &a);
	CHECK_EQ_INT(a.lost, 100);
}

static void test_queue_bound(void)
{
	struct imp im;
	struct imp_config cfg = { .delay_ms = 100, .queue_max = 4, .seed = 3 };
	CHECK_EQ_INT(imp_init(&im, &cfg), 0);
	uint8_t d = 0;
	int queued = 0;
	for (int i = 0; i < 10; i++)
		queued += imp_push(&im, 1, &d, 1, 0);
	CHECK_EQ_INT(queued, 4);
	CHECK_EQ_INT(im.stats[1].overflow, 6);
	uint64_t due;
	CHECK(imp_next_due(&im, &due) && due == 100000);
	CHECK(imp_pop(&im, 99999) == NULL);
	int out = 0;
	while (imp_pop(&im, 100000))
		out++;
	CHECK_EQ_INT(out, 4);
	CHECK(!imp_next_due(&im, &due));
	uint8_t big[IMP_MAX_PACKET + 1] = { 0 };
	CHECK_EQ_INT(imp_push(&im, 0, big, sizeof(big), 0), 0); // larger than any underlay packet
	struct imp_config bad = { .loss_pct = 101, .queue_max = 4 };
	struct imp im2;
	CHECK(imp_init(&im2, &bad) < 0);
	imp_free(&im);
}

// ---- the relay itself ----

static int udp_socket(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static uint16_t free_port(void)
{
	uint16_t port = 0;
	int fd = udp_socket(&port);
	if (fd >= 0)
		close(fd);
	return port;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void send_to(int fd, uint16_t port, uint32_t seq)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint8_t msg[172] = { 0 }; // an RTP packet's size
	uint64_t t = now_us();
	memcpy(msg, &seq, sizeof(seq));
	memcpy(msg + 4, &t, sizeof(t));
	CHECK(sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&a, sizeof(a)) == sizeof(msg));
}

// Receives for up to MS milliseconds; records sequence numbers in order and delays.
static int receive(int fd, int ms, uint32_t *seqs, int max, double *max_delay, uint16_t *from_port)
{
	int n = 0;
	uint64_t end = now_us() + (uint64_t)ms * 1000;
	while (n < max && now_us() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t now = now_us();
		if (poll(&p, 1, now < end ? (int)((end - now + 999) / 1000) : 0) <= 0)
			continue;
		uint8_t msg[256];
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t got = recvfrom(fd, msg, sizeof(msg), 0, (struct sockaddr *)&from, &len);
		if (got < 12)
			continue;
		uint64_t t;
		memcpy(&seqs[n], msg, 4);
		memcpy(&t, msg + 4, 8);
		double d = (double)(now_us() - t) / 1000.0;
		if (d > *max_delay)
			*max_delay = d;
		*from_port = ntohs(from.sin_port);
		n++;
	}
	return n;
}

static void test_relay(void)
{
	uint16_t px, py, l1 = free_port(), l2 = free_port();
	int x = udp_socket(&px), y = udp_socket(&py), stranger_port_fd;
	uint16_t ps;
	stranger_port_fd = udp_socket(&ps);
	CHECK(x >= 0 && y >= 0 && l1 && l2);
	char leg1[64], leg2[64];
	snprintf(leg1, sizeof(leg1), "127.0.0.1:%u=127.0.0.1:%u", l1, px);
	snprintf(leg2, sizeof(leg2), "127.0.0.1:%u=127.0.0.1:%u", l2, py);
	pid_t pid = fork();
	if (pid == 0) {
		execl(SC_IMPAIR, SC_IMPAIR, "--leg", leg1, "--leg", leg2, "--loss", "5", "--jitter", "30",
		      "--seed", "11", "--seconds", "60", (char *)NULL);
		_exit(127);
	}
	// until the relay is up: probes from X until Y hears one (seq 0xFFFFFFFF)
	uint32_t seqs[1000];
	double max_delay = 0;
	uint16_t from = 0;
	int up = 0;
	for (int i = 0; i < 60 && !up; i++) {
		send_to(x, l1, 0xFFFFFFFFu);
		up = receive(y, 50, seqs, 1, &max_delay, &from);
	}
	CHECK(up);
	CHECK_EQ_INT(from, l2); // Y sees the relay's other leg as X: WireGuard roams to it
	receive(y, 100, seqs, 1000, &max_delay, &from); // late probes

	// 400 packets 5 ms apart, X to Y, received as they come
	max_delay = 0;
	int n = 0;
	for (uint32_t s = 0; s < 400; s++) {
		send_to(x, l1, s);
		n += receive(y, 5, seqs + n, 1000 - n, &max_delay, &from);
	}
	n += receive(y, 300, seqs + n, 1000 - n, &max_delay, &from);
	int reordered = 0;
	uint32_t highest = 0;
	for (int i = 0; i < n; i++) {
		if (seqs[i] < highest)
			reordered++;
		else
			highest = seqs[i];
	}
	printf("relay: 400 sent 5 ms apart, %d arrived (%.1f%% lost), %d overtaken, max delay %.1f ms\n",
	       n, 100.0 * (400 - n) / 400, reordered, max_delay);
	// 5 % of 400 is 20, sigma 4.4
	CHECK(n >= 400 - 40 && n <= 400 - 5);
	CHECK(reordered > 20); // 30 ms of jitter over 5 ms spacing reorders often
	// At least the jitter asked for; a starved relay adds its stall on top (165 ms seen at a
	// load of 9 on 2 cores), which the lower bound is not about.
	CHECK(max_delay >= 25 && max_delay < 30 + 250);

	// back the other way, and a stranger is ignored
	send_to(stranger_port_fd, l2, 7);
	for (uint32_t s = 0; s < 20; s++)
		send_to(y, l2, 5000 + s);
	n = receive(x, 300, seqs, 1000, &max_delay, &from);
	int strangers = 0;
	for (int i = 0; i < n; i++)
		strangers += seqs[i] == 7;
	CHECK(n >= 12 && n <= 20);
	CHECK_EQ_INT(strangers, 0);
	CHECK_EQ_INT(from, l1);

	kill(pid, SIGTERM);
	int status = 0;
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(x);
	close(y);
	close(stranger_port_fd);
}

static void test_usage(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", 1);
		dup2(devnull, 2);
		execl(SC_IMPAIR, SC_IMPAIR, "--leg", "127.0.0.1:1=nowhere", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}

int main(void)
{
	test_draws();
	test_queue_bound();
	test_relay();
	test_usage();
	return check_done();
}
