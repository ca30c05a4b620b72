// SPDX-License-Identifier: GPL-3.0-or-later
// How the match is found (no FFT):
//  1. Both signals go to 8 kHz through one windowed-sinc low-pass (3.6 kHz), so a REF at
//     22.05 kHz and a REC at 48 kHz are compared in the same band, whatever their rates.
//  2. Coarse: the RMS envelope in 2 ms blocks. Every block lag is scored by the Pearson
//     correlation of the envelopes; speech's syllable rhythm makes the true lag stand out
//     and the envelope does not care about phase. The best few peaks are kept.
//  3. Fine: around each peak, the waveform NCC at every 8 kHz sample lag in +-8 ms.
//  4. Sub-sample: the best lag is refined in steps down to 1/16 sample by evaluating REC
//     straight from its own samples at the shifted times. Without it a half-sample error
//     alone would cost cos(pi*f/8000) at frequency f: 0.92 at 1 kHz, 0.38 at 3 kHz.
// The result is NCC = sum(ref*rec) / sqrt(sum(ref^2) * sum(rec^2)) over REF's length, with
// REC taken as silence outside its file, so a recording that lost part of the speech scores
// lower rather than being measured on what is left. It ignores gain (the far end's volume,
// the earpiece volume) but not noise, distortion, missing audio or a changed timeline.
#include "audio_match.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wav.h"

#define ZERO_CROSSINGS 12     // kernel half-width, in zero crossings of the sinc
#define TABLE_STEPS 64        // kernel table points per source sample (linear in between)
#define ENV_BLOCK 16          // 2 ms at 8 kHz
#define CANDIDATES 8
#define REFINE_BLOCKS 4       // +-8 ms around a coarse peak, and the peaks' spacing
#define MAX_FILE_BYTES (512u << 20)
#define REACQUIRE_MS 500
#define MOVE_GAIN 0.1

// ---- loading ----

static int read_file(const char *path, uint8_t **buf, size_t *len, char *why, size_t why_len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	int r = 0;
	*buf = NULL;
	if (!f) {
		r = -errno;
		snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
		return r;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "%s is not a regular file", path);
		r = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_FILE_BYTES) {
		snprintf(why, why_len, "%s is larger than %u MiB", path, MAX_FILE_BYTES >> 20);
		r = -EFBIG;
		goto out;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		r = -ENOMEM;
		snprintf(why, why_len, "out of memory reading %s", path);
		goto out;
	}
	// A recorder may still be appending: take what was there when we looked.
	*len = fread(*buf, 1, *len, f);
	if (ferror(f)) {
		snprintf(why, why_len, "cannot read %s", path);
		r = -EIO;
	}
out:
	fclose(f);
	if (r < 0) {
		free(*buf);
		*buf = NULL;
	}
	return r;
}

int am_wav_load(const char *path, struct am_signal *out, char *why, size_t why_len)
{
	uint8_t *buf;
	size_t len = 0;
	struct vh_wav w;
	const char *what = "";
	memset(out, 0, sizeof(*out));
	int r = read_file(path, &buf, &len, why, why_len);
	if (r < 0)
		return r;
	if (vh_wav_parse(buf, len, len, &w, &what) < 0) {
		snprintf(why, why_len, "%s: %s (give a 16-bit PCM WAV; sox IN -b 16 OUT.wav converts)",
			 path, what);
		r = -EINVAL;
		goto out;
	}
	if (w.rate < 8000 || w.rate > 192000) {
		snprintf(why, why_len, "%s: %u Hz is outside 8000..192000 Hz", path, w.rate);
		r = -EINVAL;
		goto out;
	}
	size_t frames = (size_t)(w.data_bytes / (2u * w.channels));
	out->s = malloc((frames ? frames : 1) * sizeof(float));
	if (!out->s) {
		snprintf(why, why_len, "out of memory for %s", path);
		r = -ENOMEM;
		goto out;
	}
	const uint8_t *p = buf + w.data_offset;
	for (size_t i = 0; i < frames; i++) {
		int32_t sum = 0;
		for (unsigned c = 0; c < w.channels; c++, p += 2)
			sum += (int16_t)(uint16_t)(p[0] | p[1] << 8);
		out->s[i] = (float)sum / (32768.0f * (float)w.channels);
	}
	out->n = frames;
	out->rate = w.rate;
out:
	free(buf);
	return r;
}

void am_signal_free(struct am_signal *sig)
{
	if (!sig)
		return;
	free(sig->s);
	memset(sig, 0, sizeof(*sig));
}

// ---- the low-pass interpolator: one kernel per source rate ----

struct kernel {
	float *table;      // h at x = i / TABLE_STEPS source samples, i = 0..len-1 (h is even)
	size_t len;
	double half_width; // in source samples
};

// A low-pass at CUTOFF Hz for a signal at SRC_RATE.
static int kernel_init(struct kernel *k, unsigned src_rate, double cutoff)
{
	double fc = cutoff / src_rate; // cycles per source sample
	k->half_width = ZERO_CROSSINGS / (2.0 * fc);
	k->len = (size_t)ceil(k->half_width * TABLE_STEPS) + 2;
	k->table = malloc(k->len * sizeof(float));
	if (!k->table)
		return -ENOMEM;
	for (size_t i = 0; i < k->len; i++) {
		double x = (double)i / TABLE_STEPS, u = x / k->half_width;
		double sinc = x == 0 ? 1.0 : sin(2 * M_PI * fc * x) / (2 * M_PI * fc * x);
		// Blackman window: side lobes below -58 dB, so out-of-band noise stays out
		double win = u >= 1 ? 0 : 0.42 + 0.5 * cos(M_PI * u) + 0.08 * cos(2 * M_PI * u);
		k->table[i] = (float)(2 * fc * sinc * win);
	}
	return 0;
}

static inline float kernel_at(const struct kernel *k, double x)
{
	double pos = fabs(x) * TABLE_STEPS;
	size_t i = (size_t)pos;
	if (i + 1 >= k->len)
		return 0;
	float frac = (float)(pos - (double)i);
	return k->table[i] + (k->table[i + 1] - k->table[i]) * frac;
}

// SIG filtered and evaluated at time T seconds; silence outside the signal.
static float sample_at(const struct am_signal *sig, const struct kernel *k, double t)
{
	double p = t * sig->rate;
	long lo = (long)ceil(p - k->half_width), hi = (long)floor(p + k->half_width);
	if (hi < 0 || lo >= (long)sig->n)
		return 0;
	if (lo < 0)
		lo = 0;
	if (hi >= (long)sig->n)
		hi = (long)sig->n - 1;
	float acc = 0;
	for (long i = lo; i <= hi; i++)
		acc += sig->s[i] * kernel_at(k, p - (double)i);
	return acc;
}

// N samples at RATE starting at time T0.
static void render(const struct am_signal *sig, const struct kernel *k, double t0, unsigned rate,
		   float *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = sample_at(sig, k, t0 + (double)i / rate);
}

static double cutoff_for(unsigned a, unsigned b)
{
	return 0.45 * (a < b ? a : b);
}

int am_resample(const struct am_signal *in, unsigned rate, struct am_signal *out)
{
	struct kernel k;
	memset(out, 0, sizeof(*out));
	if (in->rate < 8000 || in->rate > 192000 || rate < 8000 || rate > 192000)
		return -EINVAL;
	if (kernel_init(&k, in->rate, cutoff_for(in->rate, rate)) < 0)
		return -ENOMEM;
	size_t n = (size_t)((double)in->n * rate / in->rate);
	out->s = malloc((n ? n : 1) * sizeof(float));
	if (!out->s) {
		free(k.table);
		return -ENOMEM;
	}
	render(in, &k, 0, rate, out->s, n);
	out->n = n;
	out->rate = rate;
	free(k.table);
	return 0;
}

// ---- the search ----

static double energy(const float *s, size_t n)
{
	double e = 0;
	for (size_t i = 0; i < n; i++)
		e += (double)s[i] * s[i];
	return e;
}

// RMS of each ENV_BLOCK, with PAD zero blocks on each side.
static double *envelope(const struct am_signal *s, size_t pad, size_t *n_out)
{
	size_t blocks = s->n / ENV_BLOCK, n = blocks + 2 * pad;
	double *e = calloc(n ? n : 1, sizeof(double));
	if (!e)
		return NULL;
	for (size_t b = 0; b < blocks; b++)
		e[pad + b] = sqrt(energy(s->s + b * ENV_BLOCK, ENV_BLOCK) / ENV_BLOCK);
	*n_out = n;
	return e;
}

struct peak {
	long lag; // in blocks
	double score;
};

// Pearson correlation of REF's envelope with every window of REC's padded envelope.
static int coarse_search(const struct am_signal *ref, const struct am_signal *rec, long lo, long hi,
			 struct peak *peaks, size_t *n_peaks)
{
	size_t nr, nx;
	double *er = envelope(ref, 0, &nr);
	size_t pad = nr;
	double *ex = envelope(rec, pad, &nx);
	double *score = NULL, *c1 = NULL, *c2 = NULL;
	int r = -ENOMEM;
	*n_peaks = 0;
	if (!er || !ex)
		goto out;
	double mean = 0;
	for (size_t i = 0; i < nr; i++)
		mean += er[i];
	mean /= (double)(nr ? nr : 1);
	for (size_t i = 0; i < nr; i++)
		er[i] -= mean;
	// prefix sums of REC's envelope and its square: each window's variance in O(1)
	c1 = calloc(nx + 1, sizeof(double));
	c2 = calloc(nx + 1, sizeof(double));
	long n_lags = hi - lo + 1;
	score = calloc((size_t)(n_lags > 0 ? n_lags : 1), sizeof(double));
	if (!c1 || !c2 || !score)
		goto out;
	for (size_t i = 0; i < nx; i++) {
		c1[i + 1] = c1[i] + ex[i];
		c2[i + 1] = c2[i] + ex[i] * ex[i];
	}
	for (long d = lo; d <= hi; d++) {
		// window of REC blocks [pad + d, pad + d + nr)
		long start = (long)pad + d;
		double s = 0;
		if (start < 0 || start + (long)nr > (long)nx) {
			score[d - lo] = -2;
			continue;
		}
		for (size_t i = 0; i < nr; i++)
			s += er[i] * ex[start + (long)i];
		double sum = c1[start + nr] - c1[start], sq = c2[start + nr] - c2[start];
		double var = sq - sum * sum / (double)nr;
		score[d - lo] = var > 1e-12 ? s / sqrt(var) : 0;
	}
	// the best peaks, spaced so that their refinement windows tile without gaps
	for (size_t k = 0; k < CANDIDATES; k++) {
		long best = -1;
		for (long i = 0; i < n_lags; i++)
			if (score[i] > -1.5 && (best < 0 || score[i] > score[best]))
				best = i;
		if (best < 0)
			break;
		peaks[k].lag = best + lo;
		peaks[k].score = score[best];
		(*n_peaks)++;
		for (long i = best - REFINE_BLOCKS; i <= best + REFINE_BLOCKS; i++)
			if (i >= 0 && i < n_lags)
				score[i] = -2;
	}
	r = 0;
out:
	free(er);
	free(ex);
	free(c1);
	free(c2);
	free(score);
	return r;
}

// NCC of REF (at AM_RATE) against REC8 (at AM_RATE) at integer lag L; E_REF is sum(ref^2).
static double ncc_at(const struct am_signal *ref8, const struct am_signal *rec8, long lag, double e_ref)
{
	double cross = 0, e_rec = 0;
	for (size_t i = 0; i < ref8->n; i++) {
		long j = (long)i + lag;
		if (j < 0 || j >= (long)rec8->n)
			continue;
		float x = rec8->s[j];
		cross += (double)ref8->s[i] * x;
		e_rec += (double)x * x;
	}
	return e_rec > 0 ? cross / sqrt(e_ref * e_rec) : 0;
}

// NCC with REC evaluated from its own samples at (i + LAG) / AM_RATE, LAG fractional.
static double ncc_frac(const struct am_signal *ref8, const struct am_signal *rec, const struct kernel *k,
		       double lag, double e_ref, float *scratch)
{
	render(rec, k, lag / AM_RATE, AM_RATE, scratch, ref8->n);
	double cross = 0, e_rec = 0;
	for (size_t i = 0; i < ref8->n; i++) {
		cross += (double)ref8->s[i] * scratch[i];
		e_rec += (double)scratch[i] * scratch[i];
	}
	return e_rec > 0 ? cross / sqrt(e_ref * e_rec) : 0;
}

// The cross product and REC's energy for a piece of REF (LEN samples from START) at
// fractional LAG, REC rendered from its own samples.
static void piece_at(const float *ref, size_t start, size_t len, const struct am_signal *rec,
		     const struct kernel *k, double lag, float *buf, double *cross, double *e_rec)
{
	render(rec, k, ((double)start + lag) / AM_RATE, AM_RATE, buf, len);
	*cross = *e_rec = 0;
	for (size_t i = 0; i < len; i++) {
		*cross += (double)ref[start + i] * buf[i];
		*e_rec += (double)buf[i] * buf[i];
	}
}

struct piece {
	size_t start, len;
	double e_ref, lag, cross, e_rec;
};

// The best lag for piece P within W samples of CENTRE, to 1/16 sample; returns the piece's
// own NCC there.
static double search_piece(const struct am_signal *ref8, const struct am_signal *rec, const struct am_signal *rec8,
			   const struct kernel *k, long w, double centre, float *buf, const struct piece *p,
			   double *lag_out)
{
	const float *r = ref8->s + p->start;
	double best_v = -2, cross, e_rec;
	long c0 = lround(centre), best_l = c0;
	for (long l = c0 - w; l <= c0 + w; l++) {
		double c = 0, e = 0;
		for (size_t i = 0; i < p->len; i++) {
			long j = (long)(p->start + i) + l;
			if (j < 0 || j >= (long)rec8->n)
				continue;
			c += (double)r[i] * rec8->s[j];
			e += (double)rec8->s[j] * rec8->s[j];
		}
		double v = e > 0 ? c / sqrt(e) : 0;
		if (v > best_v) {
			best_v = v;
			best_l = l;
		}
	}
	double l_best = (double)best_l;
	piece_at(ref8->s, p->start, p->len, rec, k, l_best, buf, &cross, &e_rec);
	double v_best = e_rec > 0 ? cross / sqrt(e_rec) : 0;
	for (double step = 0.5; step >= 1.0 / 16; step /= 2) {
		double centre_f = l_best;
		for (int sgn = -1; sgn <= 1; sgn += 2) {
			double c, e, l = centre_f + sgn * step;
			piece_at(ref8->s, p->start, p->len, rec, k, l, buf, &c, &e);
			double v = e > 0 ? c / sqrt(e) : 0;
			if (v > v_best) {
				v_best = v;
				l_best = l;
			}
		}
	}
	*lag_out = l_best;
	return p->e_ref > 0 ? v_best / sqrt(p->e_ref) : 0;
}

// Aligns piece P within W samples of *LAG, moving *LAG when the piece is loud enough and
// matches clearly better elsewhere; a quiet or unlike piece keeps *LAG, so silence does not
// let the alignment wander off. A loud piece found nowhere near *LAG is looked for within
// REACQUIRE_MS (a stall, or several frames dropped at once, moves the timeline further
// than a slip); only a clear match (0.6; chance gives about 0.1 over that range) is taken.
static void align_piece(const struct am_signal *ref8, const struct am_signal *rec, const struct am_signal *rec8,
			const struct kernel *k, long w, double e_piece_mean, float *buf, struct piece *p,
			double *lag)
{
	double found, v = search_piece(ref8, rec, rec8, k, w, *lag, buf, p, &found);
	double c, e;
	piece_at(ref8->s, p->start, p->len, rec, k, *lag, buf, &c, &e);
	double here = e > 0 && p->e_ref > 0 ? c / sqrt(e * p->e_ref) : 0;
	bool loud = p->e_ref >= 0.05 * e_piece_mean;
	// Only a clear gain moves the lag: a codec that does not keep the waveform exactly
	// (Opus) lets a voiced piece match nearly as well one pitch period away, and following
	// such near-ties would let the alignment wander; a real slip leaves the old lag at
	// almost nothing.
	if (loud && v >= 0.5 && v - here >= MOVE_GAIN) {
		*lag = found;
	} else if (loud && here >= 0.5) {
		// stays
	} else if (p->e_ref >= 0.5 * e_piece_mean) {
		v = search_piece(ref8, rec, rec8, k, (long)(REACQUIRE_MS * AM_RATE / 1000), *lag, buf, p, &found);
		if (v >= 0.6)
			*lag = found;
	}
	p->lag = *lag;
	piece_at(ref8->s, p->start, p->len, rec, k, *lag, buf, &p->cross, &p->e_rec);
}

// REF in pieces, each aligned within SLIP_MS of its neighbour's lag. The tracking starts
// at the piece that matches best at the whole signal's lag LAG0 (there that lag is surely
// right) and runs from it to both ends, so the timeline may have moved any distance
// between REF's start and its end, a little at a time.
static int piecewise(const struct am_signal *ref8, const struct am_signal *rec, const struct am_signal *rec8,
		     const struct kernel *k, double lag0, double slip_ms, double e_ref, FILE *trace,
		     struct am_result *res)
{
	size_t piece = AM_RATE * AM_PIECE_MS / 1000, n = 0;
	long w = (long)(slip_ms * AM_RATE / 1000.0);
	float *buf = malloc((2 * piece + 1) * sizeof(float));
	struct piece *ps = calloc(ref8->n / piece + 1, sizeof(*ps));
	int r = -ENOMEM;
	if (!buf || !ps)
		goto out;
	for (size_t start = 0; start < ref8->n; n++) {
		size_t len = ref8->n - start < piece ? ref8->n - start : piece;
		if (ref8->n - start - len < piece / 2)
			len = ref8->n - start; // a short tail joins the last piece
		ps[n].start = start;
		ps[n].len = len;
		ps[n].e_ref = energy(ref8->s + start, len);
		start += len;
	}
	double e_piece_mean = e_ref * (double)piece / (double)ref8->n, best = -2;
	size_t anchor = 0;
	for (size_t i = 0; i < n; i++) {
		double c, e;
		if (ps[i].e_ref < 0.5 * e_piece_mean)
			continue;
		piece_at(ref8->s, ps[i].start, ps[i].len, rec, k, lag0, buf, &c, &e);
		double v = e > 0 ? c / sqrt(e * ps[i].e_ref) : 0;
		if (v > best) {
			best = v;
			anchor = i;
		}
	}
	double lag = lag0;
	for (size_t i = anchor; i < n; i++)
		align_piece(ref8, rec, rec8, k, w, e_piece_mean, buf, &ps[i], &lag);
	lag = ps[anchor].lag;
	for (size_t i = anchor; i-- > 0;)
		align_piece(ref8, rec, rec8, k, w, e_piece_mean, buf, &ps[i], &lag);
	double cross_sum = 0, erec_sum = 0;
	res->pieces = (unsigned)n;
	res->moves = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && fabs(ps[i].lag - ps[i - 1].lag) >= AM_RATE / 1000.0) // a millisecond or more
			res->moves++;
		cross_sum += ps[i].cross;
		erec_sum += ps[i].e_rec;
		if (trace)
			fprintf(trace, "piece at %6.0f ms: lag %8.1f ms, energy %5.1f%% of the mean, ncc %.3f%s\n",
				(double)ps[i].start * 1000.0 / AM_RATE, ps[i].lag * 1000.0 / AM_RATE,
				100.0 * ps[i].e_ref / e_piece_mean,
				ps[i].e_ref > 0 && ps[i].e_rec > 0 ? ps[i].cross / sqrt(ps[i].e_ref * ps[i].e_rec) : 0.0,
				i == anchor ? " (anchor)" : "");
	}
	double ncc = erec_sum > 0 ? cross_sum / sqrt(e_ref * erec_sum) : 0;
	if (ncc > res->ncc) {
		res->ncc = ncc;
		res->offset_ms = ps[0].lag * 1000.0 / AM_RATE; // where REF's start is heard
	}
	res->last_offset_ms = ps[n - 1].lag * 1000.0 / AM_RATE;
	r = 0;
out:
	free(buf);
	free(ps);
	return r;
}

int am_match(const struct am_signal *ref, const struct am_signal *rec, const struct am_options *opt,
	     struct am_result *res)
{
	struct am_signal ref8 = { 0 }, rec8 = { 0 };
	struct kernel k = { 0 };
	float *scratch = NULL;
	struct peak peaks[CANDIDATES];
	size_t n_peaks = 0;
	int r;
	memset(res, 0, sizeof(*res));
	if (!ref->n || rec->rate < 8000 || rec->rate > 192000)
		return -EINVAL;
	if ((r = am_resample(ref, AM_RATE, &ref8)) < 0 || (r = am_resample(rec, AM_RATE, &rec8)) < 0)
		goto out;
	double e_ref = energy(ref8.s, ref8.n);
	if (ref8.n < ENV_BLOCK || e_ref <= 0) {
		r = -EINVAL;
		goto out;
	}
	// the lags allowed, in AM_RATE samples: REF must overlap REC, and respect the bound
	long lag_lo = -(long)ref8.n + 1, lag_hi = (long)rec8.n - 1;
	if (opt && opt->bounded) {
		long b = (long)(opt->max_offset_ms * AM_RATE / 1000.0);
		if (-b > lag_lo)
			lag_lo = -b;
		if (b < lag_hi)
			lag_hi = b;
	}
	if (lag_hi < lag_lo) {
		r = 0; // nothing to compare: no match
		goto out;
	}
	long blo = lag_lo >= 0 ? lag_lo / ENV_BLOCK : -((-lag_lo + ENV_BLOCK - 1) / ENV_BLOCK);
	long bhi = lag_hi >= 0 ? (lag_hi + ENV_BLOCK - 1) / ENV_BLOCK : -(-lag_hi / ENV_BLOCK);
	r = coarse_search(&ref8, &rec8, blo, bhi, peaks, &n_peaks);
	if (r < 0)
		goto out;
	double best = -2;
	long best_lag = lag_lo;
	for (size_t p = 0; p < n_peaks; p++) {
		long centre = peaks[p].lag * ENV_BLOCK, span = REFINE_BLOCKS * ENV_BLOCK;
		for (long l = centre - span; l <= centre + span; l++) {
			if (l < lag_lo || l > lag_hi)
				continue;
			double v = ncc_at(&ref8, &rec8, l, e_ref);
			if (v > best) {
				best = v;
				best_lag = l;
			}
		}
	}
	if (best < -1.5) { // no candidate at all: REC silent everywhere REF may lie
		r = 0;
		goto out;
	}
	// sub-sample: +-1/2, then halving the step around the best so far, down to 1/16
	r = kernel_init(&k, rec->rate, cutoff_for(rec->rate, AM_RATE));
	scratch = malloc(ref8.n * sizeof(float));
	if (r < 0 || !scratch) {
		r = -ENOMEM;
		goto out;
	}
	double lag = (double)best_lag;
	for (double step = 0.5; step >= 1.0 / 16; step /= 2) {
		double centre = lag;
		for (int sgn = -1; sgn <= 1; sgn += 2) {
			double l = centre + sgn * step;
			if (l < (double)lag_lo || l > (double)lag_hi)
				continue;
			double v = ncc_frac(&ref8, rec, &k, l, e_ref, scratch);
			if (v > best) {
				best = v;
				lag = l;
			}
		}
	}
	res->ncc = res->strict_ncc = best;
	res->offset_ms = res->last_offset_ms = lag * 1000.0 / AM_RATE;
	r = 0;
	if (opt && opt->slip_ms > 0)
		r = piecewise(&ref8, rec, &rec8, &k, lag, opt->slip_ms, e_ref, opt->trace, res);
out:
	am_signal_free(&ref8);
	am_signal_free(&rec8);
	free(k.table);
	free(scratch);
	return r;
}
