// SPDX-License-Identifier: GPL-3.0-or-later
#include "impair.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t imp_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 2685821657736338717ull;
}

// Uniform in [0, 1).
static double unit(uint64_t *state)
{
	return (double)(imp_random(state) >> 11) / (double)(1ull << 53);
}

int imp_init(struct imp *im, const struct imp_config *cfg)
{
	memset(im, 0, sizeof(*im));
	if (cfg->queue_max == 0 || cfg->loss_pct < 0 || cfg->loss_pct > 100)
		return -EINVAL;
	im->cfg = *cfg;
	// xorshift must not start at 0; mix the seed so that small seeds differ at once
	im->rng = cfg->seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
	if (!im->rng)
		im->rng = 1;
	im->slots = calloc(cfg->queue_max, sizeof(*im->slots));
	im->heap = calloc(cfg->queue_max, sizeof(*im->heap));
	im->free_slots = calloc(cfg->queue_max, sizeof(*im->free_slots));
	if (!im->slots || !im->heap || !im->free_slots) {
		imp_free(im);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < cfg->queue_max; i++)
		im->free_slots[i] = cfg->queue_max - 1 - i;
	im->n_free = cfg->queue_max;
	return 0;
}

void imp_free(struct imp *im)
{
	free(im->slots);
	free(im->heap);
	free(im->free_slots);
	memset(im, 0, sizeof(*im));
}

// Earlier release first; equal times keep arrival order, so a jitter of 0 never reorders.
static bool before(const struct imp *im, uint32_t a, uint32_t b)
{
	const struct imp_packet *pa = &im->slots[a], *pb = &im->slots[b];
	if (pa->release_us != pb->release_us)
		return pa->release_us < pb->release_us;
	if (pa->dir != pb->dir)
		return pa->dir < pb->dir;
	return pa->order < pb->order;
}

static void swap(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;
	*a = *b;
	*b = t;
}

int imp_push(struct imp *im, int dir, const uint8_t *data, size_t len, uint64_t now_us)
{
	struct imp_stats *st = &im->stats[dir];
	uint64_t order = im->next_order[dir]++;
	st->received++;
	// Both draws are made for every packet, so one packet's fate never shifts another's.
	bool lose = unit(&im->rng) * 100.0 < im->cfg.loss_pct;
	// whole microseconds, uniform over [0, jitter]
	uint64_t extra_us = (uint64_t)(unit(&im->rng) * ((double)im->cfg.jitter_ms * 1000.0 + 1.0));
	if (lose) {
		st->lost++;
		return 0;
	}
	if (im->n_free == 0 || len > IMP_MAX_PACKET) {
		st->overflow++;
		return 0;
	}
	uint32_t slot = im->free_slots[--im->n_free];
	struct imp_packet *p = &im->slots[slot];
	p->release_us = now_us + (uint64_t)im->cfg.delay_ms * 1000 + extra_us;
	p->order = order;
	p->dir = dir;
	p->len = len;
	memcpy(p->data, data, len);
	uint32_t i = im->n++;
	im->heap[i] = slot;
	while (i > 0 && before(im, im->heap[i], im->heap[(i - 1) / 2])) {
		swap(&im->heap[i], &im->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return 1;
}

bool imp_next_due(const struct imp *im, uint64_t *when_us)
{
	if (!im->n)
		return false;
	*when_us = im->slots[im->heap[0]].release_us;
	return true;
}

const struct imp_packet *imp_pop(struct imp *im, uint64_t now_us)
{
	if (!im->n || im->slots[im->heap[0]].release_us > now_us)
		return NULL;
	uint32_t slot = im->heap[0];
	im->heap[0] = im->heap[--im->n];
	for (uint32_t i = 0;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < im->n && before(im, im->heap[l], im->heap[m]))
			m = l;
		if (r < im->n && before(im, im->heap[r], im->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&im->heap[i], &im->heap[m]);
		i = m;
	}
	im->free_slots[im->n_free++] = slot;
	struct imp_packet *p = &im->slots[slot];
	struct imp_stats *st = &im->stats[p->dir];
	st->forwarded++;
	if (p->order + 1 < im->max_sent_order[p->dir])
		st->reordered++; // a later arrival already went out
	else
		im->max_sent_order[p->dir] = p->order + 1;
	return p;
}
