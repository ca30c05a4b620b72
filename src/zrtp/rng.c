// SPDX-License-Identifier: GPL-3.0-or-later
// The production random source: wolfSSL's Hash-DRBG, seeded by the kernel.
#include <errno.h>
#include <stdlib.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>

#include "base/secret.h"
#include "zrtp/engine.h"

void *sc_zrtp_system_rng_new(void)
{
	WC_RNG *rng = calloc(1, sizeof(*rng));
	if (rng && wc_InitRng(rng) != 0) {
		free(rng);
		rng = NULL;
	}
	return rng;
}

void sc_zrtp_system_rng_free(void *ctx)
{
	if (!ctx)
		return;
	wc_FreeRng(ctx);
	sc_secret_free(ctx, sizeof(WC_RNG));
}

int sc_zrtp_system_rng(void *ctx, uint8_t *buf, size_t len)
{
	if (!ctx)
		return -EINVAL;
	return wc_RNG_GenerateBlock(ctx, buf, (word32)len) == 0 ? 0 : -EIO;
}
