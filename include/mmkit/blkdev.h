/*
 * blkdev.h - the block layer (block/blk-core.c; Linux include/linux/blkdev.h,
 * bio.h at the level mmkit needs): the device under a host mount, and the
 * requests the page cache sends it.
 *
 * A block_device stands for the storage of one host mount: it has the
 * host's device number (so maps and stat show the real dev), a timing model
 * (a fixed latency per request plus size / bandwidth, both 0 by default =
 * instant) charged to the simulated clock, I/O statistics, and per-device
 * fault injection (fail the Nth read or write, or every request touching a
 * file-offset range), as a flaky disk or dm-flakey would.  A bio is one
 * request: a contiguous file range of a host file, in pages of simulated RAM.
 * host/ moves the bytes; submit_bio_wait completes the request
 * synchronously (the caller "waits": the clock advances by its time),
 * submit_bio leaves its completion for later (readahead).
 *
 * Locks: bd_lock guards the rules and the statistics, blk_pending_lock the
 * in-flight queue (leaves; completions run without them).
 */
#ifndef MMKIT_BLKDEV_H
#define MMKIT_BLKDEV_H

#include "mmkit/host.h"
#include "mmkit/list.h"
#include "mmkit/spinlock.h"

enum req_op { REQ_OP_READ = 0, REQ_OP_WRITE = 1 };

/* One injection rule per direction (read, write). */
struct blk_fault_rule {
	long nth;    /* fail the nth request from when it was armed (1-based); 0 off */
	bool sticky; /* and every one after it */
	long calls;  /* requests seen since armed */
	bool range;  /* fail every request overlapping [start, end) */
	long long start, end;
};

struct backing_dev_info;
struct block_device {
	struct list_head bd_list;	 /* all devices, under bdev_lock */
	unsigned int bd_major, bd_minor; /* the host's st_dev of the mounted tree */
	char bd_name[32];		 /* "hostfs0", ... */
	u64 latency_ns;			 /* per request */
	u64 bw_bytes;			 /* bytes per second; 0 = unlimited */
	/* solid-state (queue/rotational 0): swap uses per-CPU clusters and VMA readahead */
	bool nonrot;
	struct backing_dev_info *bd_bdi; /* its writeback (mm/backing-dev.c) */
	spinlock_t bd_lock;
	struct blk_fault_rule fail[2]; /* REQ_OP_READ, REQ_OP_WRITE */
	unsigned long ios[2], sectors[2], errors[2];
	u64 busy_ns; /* simulated time spent on requests */
};

#define BIO_MAX_VECS 256
_Static_assert(BIO_MAX_VECS <= HOST_IOV_MAX, "a bio goes to the host in one vector");
struct bio {
	struct block_device *bi_bdev;
	enum req_op bi_op;
	int bi_hostfd;	  /* the host file (hostfs inode) */
	long long bi_pos; /* file offset of the first byte */
	int bi_vcnt;
	struct host_iovec bi_io_vec[BIO_MAX_VECS];
	size_t bi_size; /* sum of the vector */
	/* submit_bio (asynchronous) only: */
	void (*bi_end_io)(struct bio *bio); /* the completion; it frees the bio */
	void *bi_private;
	long bi_status;		     /* what submit_bio_wait would have returned */
	struct list_head bi_pending; /* the in-flight queue, oldest first */
	u64 bi_plug;		     /* the batch it was submitted in */
};

/* Linux blk_plug: the requests a task submits between blk_start_plug and
 * blk_finish_plug (one readahead) reach the disk as one batch, and the disk
 * completes them together: whoever waits for one of them gets them all. */
struct blk_plug {
	u64 id;
};
void blk_start_plug(struct blk_plug *plug); /* nested: the outer one counts */
void blk_finish_plug(struct blk_plug *plug);

/* A device for a host mount (latency in ns, bw in bytes/s).  NULL on -ENOMEM. */
struct block_device *bdev_alloc(unsigned int major, unsigned int minor, u64 latency_ns,
				u64 bw_bytes);
void bdev_free(struct block_device *bdev);
/* Add len bytes at buf to the bio.  False if the vector is full. */
bool bio_add_buf(struct bio *bio, void *buf, size_t len);
/* Run the request now: charge its time to the clock, apply the fault rules,
 * move the bytes.  Returns the bytes transferred (a read may end early at
 * the host file's end) or -EIO (injected or host error), -ENOSPC, -EDQUOT,
 * ... as the host reported it.  Sleeps (the caller may hold page locks and
 * sleeping locks, no spinlock). */
long submit_bio_wait(struct bio *bio);
/*
 * submit_bio: the same request, asynchronously, as a disk completes it
 * after the submitter went on: the bytes move and the time is charged now,
 * but bi_end_io (with bi_status) runs later, in submission order -- when
 * somebody waits for it (blk_complete_one: a page lock that an in-flight
 * read holds; the whole plugged batch completes) or when the machine settles (blk_complete_all: between two
 * scenario commands, and at shutdown; the host's disk is done by then).
 * So a fault that waited for its own page may find the pages of a later
 * request still locked and not uptodate, as on Linux.  bio from bio_alloc.
 */
void submit_bio(struct bio *bio);
struct bio *bio_alloc(void); /* zeroed; NULL on -ENOMEM */
void bio_put(struct bio *bio);
bool blk_complete_one(void); /* the oldest batch in flight: false if none */
void blk_complete_all(void);
/* Arm or clear a rule: op REQ_OP_READ/WRITE; nth > 0 with sticky, or a range. */
void bdev_set_fault(struct block_device *bdev, enum req_op op, const struct blk_fault_rule *r);
void bdev_clear_faults(struct block_device *bdev);
/* Every device, for views. */
struct block_device *bdev_first(void);
struct block_device *bdev_next(struct block_device *bdev);

#endif
