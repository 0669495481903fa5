/*
 * errseq.c - "error sequence" counters (Linux lib/errseq.c): how a file's
 * writeback errors reach every fsync that should see them, exactly once.
 *
 * An errseq_t is 32 bits: the last error (a -errno, low 12 bits), a SEEN
 * flag (bit 12) and a counter above it.  Setting an error records it and,
 * if the previous one had been seen, bumps the counter, so a sampler can
 * tell a new error from the one it saw.  Each open file samples the word at
 * open (an error nobody has seen yet samples as 0, so the new opener sees
 * it too); fsync compares, reports a difference once and moves its sample
 * to the current value with SEEN set.
 */
#include "mmkit/pagemap.h"

#define MAX_ERRNO 4095U
#define ERRSEQ_SHIFT 12
#define ERRSEQ_SEEN (1U << ERRSEQ_SHIFT)
#define ERRSEQ_CTR_INC (1U << (ERRSEQ_SHIFT + 1))

errseq_t errseq_set(_Atomic errseq_t *eseq, int err)
{
	errseq_t old = atomic_load(eseq), new;

	if (WARN_ON(err >= 0 || (unsigned int)-err > MAX_ERRNO))
		return old;
	for (;;) {
		new = (old & ~(MAX_ERRNO | ERRSEQ_SEEN)) | (errseq_t)-err;
		if (old & ERRSEQ_SEEN)
			new += ERRSEQ_CTR_INC;
		if (new == old || atomic_compare_exchange_strong(eseq, &old, new))
			return new;
		if (old == new) /* someone set the same value */
			return new;
	}
}

errseq_t errseq_sample(_Atomic errseq_t *eseq)
{
	errseq_t old = atomic_load(eseq);

	return (old & ERRSEQ_SEEN) ? old : 0;
}

int errseq_check(_Atomic errseq_t *eseq, errseq_t since)
{
	errseq_t cur = atomic_load(eseq);

	return cur == since ? 0 : -(int)(cur & MAX_ERRNO);
}

int errseq_check_and_advance(_Atomic errseq_t *eseq, errseq_t *since)
{
	errseq_t old = atomic_load(eseq), new;

	if (old == *since)
		return 0;
	new = old | ERRSEQ_SEEN;
	if (new != old)
		atomic_compare_exchange_strong(eseq, &old, new);
	*since = new;
	return -(int)(new &MAX_ERRNO);
}
