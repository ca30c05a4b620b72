// SPDX-License-Identifier: GPL-3.0-or-later
// What sc-impair does to each packet, without sockets or clocks: a seeded random stream
// decides loss and delay, and a bounded queue releases packets when their time comes, in
// the order of those times (so packets overtake each other, as real jitter makes them do).
#ifndef SC_TOOLS_IMPAIR_H
#define SC_TOOLS_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMP_MAX_PACKET 2048 // the underlay's MTU is 1500: a WireGuard packet always fits

struct imp_config {
	double loss_pct;    // 0..100: each packet is dropped with this probability
	uint32_t delay_ms;  // fixed one-way delay added to every packet
	uint32_t jitter_ms; // plus a uniform random delay in [0, jitter_ms]
	uint32_t queue_max; // packets held at most; more are dropped (counted as overflow)
	uint64_t seed;
};

struct imp_packet {
	uint64_t release_us;
	uint64_t order;     // arrival order within its direction
	int dir;            // 0 or 1: which leg it goes out of
	size_t len;
	uint8_t data[IMP_MAX_PACKET];
};

struct imp_stats {
	uint64_t received, lost, overflow, forwarded, reordered;
};

struct imp {
	struct imp_config cfg;
	uint64_t rng;
	struct imp_packet *slots; // queue_max of them
	uint32_t *heap;           // slot indices, a min-heap on release_us
	uint32_t n;
	uint32_t *free_slots;
	uint32_t n_free;
	uint64_t next_order[2];
	uint64_t max_sent_order[2]; // highest arrival order forwarded so far, +1 (0 = none)
	struct imp_stats stats[2];
};

int imp_init(struct imp *im, const struct imp_config *cfg);
void imp_free(struct imp *im);

// A packet arrived at NOW_US, to go out of leg DIR. Returns 1 when queued, 0 when the loss
// draw or a full queue dropped it.
int imp_push(struct imp *im, int dir, const uint8_t *data, size_t len, uint64_t now_us);

// When the next packet is due; false when the queue is empty.
bool imp_next_due(const struct imp *im, uint64_t *when_us);

// The next packet due at NOW_US or earlier, or NULL. The pointer is valid until the next
// push or pop.
const struct imp_packet *imp_pop(struct imp *im, uint64_t now_us);

// The random stream: xorshift64*, so a seed gives the same losses and delays on every
// machine.
uint64_t imp_random(uint64_t *state);

#endif
