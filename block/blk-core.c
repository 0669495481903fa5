/*
 * blk-core.c - requests to the devices under host mounts (Linux
 * block/blk-core.c submit_bio, block/bio.c; include/mmkit/blkdev.h).
 *
 * A request costs latency + size / bandwidth of simulated time, charged to
 * the machine clock when it is submitted.  submit_bio_wait is synchronous;
 * submit_bio (readahead) moves the bytes at once too but leaves the
 * completion (bi_end_io: the pages become uptodate and unlocked) in an
 * in-flight queue, run when somebody waits on one of its pages (the oldest
 * plugged batch at a time), between two scenario commands, and at shutdown.
 * Fault injection (a device's `fail_io` rule, or the fault sites blk_read
 * and blk_write that the fail-Nth sweep arms) is checked before any byte
 * moves: an injected failure transfers nothing and returns -EIO, as a
 * failed bio does; host errors come back as the host gives them (EIO,
 * ENOSPC, EDQUOT).  Statistics follow /proc/diskstats' counters.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/blkdev.h"
#include "mmkit/clocksource.h"
#include "mmkit/fault_inject.h"
#include "mmkit/machine.h"
#include "mmkit/sched.h"
#include "mmkit/vmstat.h"

static DEFINE_FAULT_SITE(bdev_alloc_fail, "bdev_alloc");
/* Any request of the kind, on any device (the fail-Nth sweep's I/O errors;
 * `fail_io` arms one device). */
static DEFINE_FAULT_SITE(blk_read_fail, "blk_read");
static DEFINE_FAULT_SITE(blk_write_fail, "blk_write");
static DEFINE_SPINLOCK(bdev_lock);
static LIST_HEAD(bdev_list);
static int bdev_serial;

/* Host memory: a device is part of the machine, not a kernel object. */
struct block_device *bdev_alloc(unsigned int major, unsigned int minor, u64 latency_ns,
				u64 bw_bytes)
{
	struct block_device *b;

	if (should_fail(&bdev_alloc_fail))
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->bd_major = major;
	b->bd_minor = minor;
	b->latency_ns = latency_ns;
	b->bw_bytes = bw_bytes;
	spin_lock_init(&b->bd_lock);
	spin_lock(&bdev_lock);
	snprintf(b->bd_name, sizeof(b->bd_name), "hostfs%d", bdev_serial++);
	list_add_tail(&b->bd_list, &bdev_list);
	spin_unlock(&bdev_lock);
	return b;
}

void bdev_free(struct block_device *b)
{
	spin_lock(&bdev_lock);
	list_del(&b->bd_list);
	if (list_empty(&bdev_list))
		bdev_serial = 0;
	spin_unlock(&bdev_lock);
	spin_lock_destroy(&b->bd_lock);
	free(b);
}

struct block_device *bdev_first(void)
{
	return list_empty(&bdev_list) ? NULL :
					list_first_entry(&bdev_list, struct block_device, bd_list);
}

struct block_device *bdev_next(struct block_device *b)
{
	return b->bd_list.next == &bdev_list ?
		       NULL :
		       list_entry(b->bd_list.next, struct block_device, bd_list);
}

bool bio_add_buf(struct bio *bio, void *buf, size_t len)
{
	struct host_iovec *last = bio->bi_vcnt ? &bio->bi_io_vec[bio->bi_vcnt - 1] : NULL;

	if (last && (char *)last->base + last->len == (char *)buf) {
		last->len += len; /* physically contiguous: merge */
	} else {
		if (bio->bi_vcnt == BIO_MAX_VECS)
			return false;
		bio->bi_io_vec[bio->bi_vcnt++] = (struct host_iovec){ buf, len };
	}
	bio->bi_size += len;
	return true;
}

/* Does an armed rule fail this request?  Caller holds bd_lock. */
static bool blk_should_fail(struct blk_fault_rule *r, long long pos, size_t size)
{
	if (r->range && pos < r->end && pos + (long long)size > r->start)
		return true;
	if (!r->nth)
		return false;
	r->calls++;
	return r->calls == r->nth || (r->sticky && r->calls > r->nth);
}

static u64 bio_time_ns(const struct block_device *b, size_t size)
{
	u64 t = b->latency_ns;

	if (b->bw_bytes)
		t += (u64)((unsigned __int128)size * NSEC_PER_SEC / b->bw_bytes);
	return t;
}

long submit_bio_wait(struct bio *bio)
{
	struct block_device *b = bio->bi_bdev;
	int op = bio->bi_op;
	bool fail;
	long ret;
	u64 t;

	fail = should_fail(op == REQ_OP_WRITE ? &blk_write_fail : &blk_read_fail);
	spin_lock(&b->bd_lock);
	fail = blk_should_fail(&b->fail[op], bio->bi_pos, bio->bi_size) || fail;
	t = bio_time_ns(b, bio->bi_size);
	b->busy_ns += t;
	spin_unlock(&b->bd_lock);
	machine_clock_advance(t);
	if (fail)
		ret = -EIO;
	else if (op == REQ_OP_WRITE)
		ret = host_pwritev(bio->bi_hostfd, bio->bi_io_vec, bio->bi_vcnt, bio->bi_pos);
	else
		ret = host_preadv(bio->bi_hostfd, bio->bi_io_vec, bio->bi_vcnt, bio->bi_pos);
	spin_lock(&b->bd_lock);
	if (ret < 0) {
		b->errors[op]++;
	} else {
		b->ios[op]++;
		b->sectors[op] += (unsigned long)(ret + 511) / 512;
	}
	spin_unlock(&b->bd_lock);
	if (this_cpu()) /* submit_bio: pgpgin/pgpgout in sectors */
		count_vm_events(op == REQ_OP_WRITE ? PGPGOUT : PGPGIN, (bio->bi_size + 511) / 512);
	return ret;
}

/* ---------------------------------------------------------- async -- */

static DEFINE_FAULT_SITE(bio_alloc_fail, "bio_alloc");
static DEFINE_SPINLOCK(blk_pending_lock);
static LIST_HEAD(blk_pending);
static u64 blk_batch_seq; /* under blk_pending_lock */

/* Host memory, as the devices: a request in flight is the disk's.  The
 * vector is not cleared (bio_add_buf fills it, bi_vcnt counts what is
 * used), as Linux's bvec pool is not: only the fields around it are. */
struct bio *bio_alloc(void)
{
	struct bio *bio;

	/* the two memsets below leave out exactly the vector */
	_Static_assert(offsetof(struct bio, bi_size) ==
			       offsetof(struct bio, bi_io_vec) + sizeof(bio->bi_io_vec),
		       "struct bio: bi_size must follow bi_io_vec");

	if (should_fail(&bio_alloc_fail))
		return NULL;
	bio = malloc(sizeof(*bio));
	if (bio) {
		memset(bio, 0, offsetof(struct bio, bi_io_vec));
		memset(&bio->bi_size, 0, sizeof(*bio) - offsetof(struct bio, bi_size));
	}
	return bio;
}

void bio_put(struct bio *bio) { free(bio); }

static struct task_struct *plug_task(void) { return this_cpu() ? current : NULL; }

void blk_start_plug(struct blk_plug *plug)
{
	struct task_struct *t = plug_task();

	if (!t || t->plug)
		return;
	spin_lock(&blk_pending_lock);
	plug->id = ++blk_batch_seq;
	spin_unlock(&blk_pending_lock);
	t->plug = plug;
}

void blk_finish_plug(struct blk_plug *plug)
{
	struct task_struct *t = plug_task();

	if (t && t->plug == plug)
		t->plug = NULL;
}

void submit_bio(struct bio *bio)
{
	struct task_struct *t = plug_task();

	bio->bi_status = submit_bio_wait(bio);
	spin_lock(&blk_pending_lock);
	bio->bi_plug = t && t->plug ? t->plug->id : ++blk_batch_seq;
	list_add_tail(&bio->bi_pending, &blk_pending);
	spin_unlock(&blk_pending_lock);
}

/* The oldest request in flight and those submitted in its batch complete,
 * in submission order (their end_io runs without the lock). */
bool blk_complete_one(void)
{
	struct bio *bio, *next;
	LIST_HEAD(done);

	spin_lock(&blk_pending_lock);
	if (!list_empty(&blk_pending)) {
		u64 batch = list_first_entry(&blk_pending, struct bio, bi_pending)->bi_plug;

		list_for_each_entry_safe(bio, next, &blk_pending, bi_pending) {
			if (bio->bi_plug != batch)
				break;
			list_move_tail(&bio->bi_pending, &done);
		}
	}
	spin_unlock(&blk_pending_lock);
	if (list_empty(&done))
		return false;
	list_for_each_entry_safe(bio, next, &done, bi_pending) {
		list_del(&bio->bi_pending);
		bio->bi_end_io(bio);
	}
	return true;
}

void blk_complete_all(void)
{
	while (blk_complete_one())
		;
}

void bdev_set_fault(struct block_device *b, enum req_op op, const struct blk_fault_rule *r)
{
	spin_lock(&b->bd_lock);
	b->fail[op] = *r;
	b->fail[op].calls = 0;
	spin_unlock(&b->bd_lock);
}

void bdev_clear_faults(struct block_device *b)
{
	spin_lock(&b->bd_lock);
	b->fail[0] = b->fail[1] = (struct blk_fault_rule){ 0 };
	spin_unlock(&b->bd_lock);
}
