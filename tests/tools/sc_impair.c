// SPDX-License-Identifier: GPL-3.0-or-later
// sc-impair: a UDP relay that loses and delays packets, for tests on a machine without netem.
//
//   sc-impair --leg LOCAL=SITE --leg LOCAL=SITE [--loss PCT] [--jitter MS] [--delay MS]
//             [--seed N] [--queue N] [--seconds N] [--stats FILE]
//
// Each leg is a UDP socket bound to LOCAL that faces one site: what that site sends to LOCAL
// goes out of the other leg to the other site, after the impairment. Point each site's
// WireGuard peer endpoint at its own leg's LOCAL: both then see the relay as the other
// site, and WireGuard's roaming keeps it so (the replies come from the same address).
// Packets from anyone else are ignored. Addresses are IPv4:port or [IPv6]:port.
//
// Loss: each packet independently with probability PCT/100. Delay: DELAY plus a uniform
// random [0, JITTER] ms, per packet; packets leave in order of their release times, so with
// packets 20 ms apart and 30 ms of jitter some overtake others, as on a real path (netem's
// "delay D J" without correlation does the same). A fixed seed gives the same draws, so a
// test can be rerun. At most --queue packets (default 512) wait; more are dropped and
// counted. SIGINT/SIGTERM, or --seconds (default 3600), end it; the counts per direction go
// to stdout and, every second, to --stats FILE.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "impair.h"

struct leg {
	struct sockaddr_storage local, site;
	socklen_t local_len, site_len;
	int fd;
	const char *text;
	uint64_t foreign; // packets from an address that is not the leg's site
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *end = strchr(text, ']');
		if (!end || end[1] != ':' || (size_t)(end - text - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, text + 1, (size_t)(end - text - 1));
		host[end - text - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof(host))
			return -EINVAL;
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		return -EINVAL;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int parse_leg(const char *text, struct leg *leg)
{
	char buf[256];
	const char *eq = strchr(text, '=');
	if (!eq || (size_t)(eq - text) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, (size_t)(eq - text));
	buf[eq - text] = '\0';
	leg->text = text;
	if (parse_addr(buf, &leg->local, &leg->local_len) < 0 ||
	    parse_addr(eq + 1, &leg->site, &leg->site_len) < 0)
		return -EINVAL;
	return 0;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static void print_stats(FILE *f, const struct imp *im, const struct leg *legs)
{
	for (int d = 0; d < 2; d++) {
		const struct imp_stats *s = &im->stats[d];
		fprintf(f, "leg%d->leg%d received %llu lost %llu overflow %llu forwarded %llu reordered %llu "
			"foreign %llu\n", 1 - d + 1, d + 1, (unsigned long long)s->received,
			(unsigned long long)s->lost, (unsigned long long)s->overflow,
			(unsigned long long)s->forwarded, (unsigned long long)s->reordered,
			(unsigned long long)legs[1 - d].foreign);
	}
}

static void write_stats(const char *path, const struct imp *im, const struct leg *legs)
{
	char tmp[4096];
	if (!path || snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	print_stats(f, im, legs);
	if (fclose(f) == 0)
		rename(tmp, path);
}

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "sc-impair: %s\n", msg);
	fprintf(stderr, "usage: sc-impair --leg LOCAL=SITE --leg LOCAL=SITE [--loss PCT] [--jitter MS]\n"
			"                 [--delay MS] [--seed N] [--queue N] [--seconds N] [--stats FILE]\n"
			"  addresses are IPv4:port or [IPv6]:port; see the head of sc_impair.c\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct imp_config cfg = { .queue_max = 512, .seed = 1 };
	struct leg legs[2];
	int n_legs = 0;
	uint32_t seconds = 3600, v;
	const char *stats_path = NULL;
	memset(legs, 0, sizeof(legs));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val)
			return usage("every option takes a value");
		i++;
		if (!strcmp(a, "--leg")) {
			if (n_legs == 2 || parse_leg(val, &legs[n_legs]) < 0)
				return usage("--leg LOCAL=SITE, twice, each an IPv4:port or [IPv6]:port");
			n_legs++;
		} else if (!strcmp(a, "--loss")) {
			char *end;
			cfg.loss_pct = strtod(val, &end);
			if (*end || end == val || cfg.loss_pct < 0 || cfg.loss_pct > 100)
				return usage("--loss takes a percentage from 0 to 100");
		} else if (!strcmp(a, "--jitter")) {
			if (parse_u32(val, 10000, &cfg.jitter_ms) < 0)
				return usage("--jitter takes milliseconds, 0 to 10000");
		} else if (!strcmp(a, "--delay")) {
			if (parse_u32(val, 10000, &cfg.delay_ms) < 0)
				return usage("--delay takes milliseconds, 0 to 10000");
		} else if (!strcmp(a, "--seed")) {
			if (parse_u32(val, UINT32_MAX, &v) < 0)
				return usage("--seed takes a number");
			cfg.seed = v;
		} else if (!strcmp(a, "--queue")) {
			if (parse_u32(val, 65536, &cfg.queue_max) < 0 || cfg.queue_max == 0)
				return usage("--queue takes a number of packets, 1 to 65536");
		} else if (!strcmp(a, "--seconds")) {
			if (parse_u32(val, 86400, &seconds) < 0)
				return usage("--seconds takes 0 to 86400");
		} else if (!strcmp(a, "--stats")) {
			stats_path = val;
		} else {
			fprintf(stderr, "sc-impair: unknown option %s\n", a);
			return usage(NULL);
		}
	}
	if (n_legs != 2)
		return usage("give two legs");

	struct imp im;
	int rc = 1;
	legs[0].fd = legs[1].fd = -1;
	if (imp_init(&im, &cfg) < 0) {
		fprintf(stderr, "sc-impair: out of memory for a queue of %u packets\n", cfg.queue_max);
		return 1;
	}
	for (int l = 0; l < 2; l++) {
		legs[l].fd = socket(legs[l].local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (legs[l].fd < 0 ||
		    bind(legs[l].fd, (struct sockaddr *)&legs[l].local, legs[l].local_len) < 0) {
			fprintf(stderr, "sc-impair: cannot bind leg %d (%s): %s; is the address on an "
				"interface of this namespace, and the port free?\n", l + 1, legs[l].text,
				strerror(errno));
			goto out;
		}
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "sc-impair: relaying, loss %.1f%%, delay %u ms + jitter 0..%u ms, seed %llu, "
		"queue %u\n", cfg.loss_pct, cfg.delay_ms, cfg.jitter_ms, (unsigned long long)cfg.seed,
		cfg.queue_max);
	uint64_t start = now_us(), last_stats = 0;
	static uint8_t buf[IMP_MAX_PACKET + 1];
	while (!stop && now_us() - start < (uint64_t)seconds * 1000000u) {
		uint64_t now = now_us(), due;
		int timeout = 1000;
		if (imp_next_due(&im, &due))
			timeout = due <= now ? 0 : (int)((due - now + 999) / 1000);
		if (timeout > 1000)
			timeout = 1000;
		struct pollfd pfd[2] = { { legs[0].fd, POLLIN, 0 }, { legs[1].fd, POLLIN, 0 } };
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR) {
			perror("sc-impair: poll");
			goto out;
		}
		now = now_us();
		for (int l = 0; l < 2; l++) {
			// at most 64 a wake-up per leg, so the other leg and the queue are served
			for (int k = 0; k < 64 && (pfd[l].revents & POLLIN); k++) {
				struct sockaddr_storage from;
				socklen_t from_len = sizeof(from);
				ssize_t n = recvfrom(legs[l].fd, buf, sizeof(buf), MSG_TRUNC,
						     (struct sockaddr *)&from, &from_len);
				if (n < 0)
					break;
				if (!same_addr(&from, &legs[l].site)) {
					legs[l].foreign++;
					continue;
				}
				// packets from leg L's site leave by the other leg: direction 1 - L
				imp_push(&im, 1 - l, buf, (size_t)n, now);
			}
		}
		const struct imp_packet *p;
		while ((p = imp_pop(&im, now_us())) != NULL) {
			struct leg *out = &legs[p->dir];
			if (sendto(out->fd, p->data, p->len, 0, (struct sockaddr *)&out->site, out->site_len) < 0 &&
			    errno != EAGAIN && errno != ECONNREFUSED && errno != EHOSTUNREACH && errno != ENETUNREACH)
				fprintf(stderr, "sc-impair: send on leg %d: %s\n", p->dir + 1, strerror(errno));
		}
		if (stats_path && now - last_stats >= 1000000) {
			write_stats(stats_path, &im, legs);
			last_stats = now;
		}
	}
	print_stats(stdout, &im, legs);
	write_stats(stats_path, &im, legs);
	rc = 0;
out:
	for (int l = 0; l < 2; l++)
		if (legs[l].fd >= 0)
			close(legs[l].fd);
	imp_free(&im);
	return rc;
}
