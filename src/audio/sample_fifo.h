// SPDX-License-Identifier: GPL-3.0-or-later
// A bounded queue of 16-bit samples (mono, or interleaved frames counted in samples) between
// the device and the core: what was captured and not yet taken, what was given for playback
// and did not yet fit into the device.
#ifndef SC_AUDIO_SAMPLE_FIFO_H
#define SC_AUDIO_SAMPLE_FIFO_H

#include <stddef.h>
#include <stdint.h>

struct sc_sample_fifo {
	int16_t *buf;
	size_t cap, head, len; // head: index of the oldest sample
};

int sc_sample_fifo_init(struct sc_sample_fifo *f, size_t cap);
void sc_sample_fifo_free(struct sc_sample_fifo *f);
// Appends up to N samples; returns how many fitted.
size_t sc_sample_fifo_push(struct sc_sample_fifo *f, const int16_t *in, size_t n);
// Removes up to N of the oldest samples into OUT (or discards them when OUT is NULL).
size_t sc_sample_fifo_pop(struct sc_sample_fifo *f, int16_t *out, size_t n);
// Copies up to N of the oldest samples into OUT without removing them.
size_t sc_sample_fifo_peek(const struct sc_sample_fifo *f, int16_t *out, size_t n);
static inline size_t sc_sample_fifo_len(const struct sc_sample_fifo *f) { return f->len; }
static inline size_t sc_sample_fifo_room(const struct sc_sample_fifo *f) { return f->cap - f->len; }
static inline void sc_sample_fifo_clear(struct sc_sample_fifo *f) { f->head = f->len = 0; }

#endif
