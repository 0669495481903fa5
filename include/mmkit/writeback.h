/*
 * writeback.h - dirty page limits and the flusher (mm/page-writeback.c,
 * mm/backing-dev.c, fs/fs-writeback.c; Linux include/linux/writeback.h,
 * backing-dev-defs.h).
 *
 * Each device under a host mount has a backing_dev_info with one
 * bdi_writeback: the dirty inodes of its file systems in the order they were
 * first dirtied (b_dirty, with dirtied_when), and the flusher: a delayed work
 * item (wb_workfn, Linux's "kworker/u:N+flush-X") that runs
 * dirty_writeback_centisecs after an inode becomes dirty and then every
 * dirty_writeback_centisecs while dirty inodes remain.  It writes back the
 * inodes dirtied more than dirty_expire_centisecs ago (kupdate), everything
 * over dirty_background_ratio (background), and what sync asks.  Writers
 * that dirty pages call balance_dirty_pages_ratelimited: over the
 * background threshold it starts background writeback; over the dirty
 * threshold the writer sleeps (simulated time) while the flusher writes.
 *
 * Locks: wb->list_lock (a leaf under the page lock) guards the lists and
 * i_state/dirtied_when; the flusher runs with no lock held (kernel/time).
 */
#ifndef MMKIT_WRITEBACK_H
#define MMKIT_WRITEBACK_H

#include "mmkit/fs.h"
#include "mmkit/timer.h"

enum writeback_sync_modes { WB_SYNC_NONE, WB_SYNC_ALL };

enum wb_reason {
	WB_REASON_BACKGROUND,
	WB_REASON_VMSCAN,
	WB_REASON_SYNC,
	WB_REASON_PERIODIC,
	WB_REASON_LAPTOP_TIMER,
	WB_REASON_FS_FREE_SPACE,
	WB_REASON_FORKER_THREAD,
	WB_REASON_FOREIGN_FLUSH,
	WB_REASON_MAX
};

struct writeback_control {
	long nr_to_write; /* pages to write; decremented */
	long pages_skipped;
	loff_t range_start, range_end; /* bytes, inclusive */
	enum writeback_sync_modes sync_mode;
	bool for_kupdate, for_background, for_sync, range_cyclic;
};

/* A request to the flusher (Linux struct wb_writeback_work). */
struct wb_writeback_work {
	long nr_pages;
	struct super_block *sb; /* NULL: every sb of the bdi */
	enum writeback_sync_modes sync_mode;
	bool for_kupdate, range_cyclic, for_background, for_sync;
	enum wb_reason reason;
	struct list_head list; /* on wb->work_list */
	bool auto_free;	       /* kfree when done */
};

struct backing_dev_info;
struct bdi_writeback {
	struct backing_dev_info *bdi;
	spinlock_t list_lock;	      /* the lists, inodes' i_state, work_list */
	struct list_head b_dirty;     /* dirty inodes, oldest dirtied_when first */
	struct list_head b_io;	      /* picked for this round */
	struct list_head b_more_io;   /* parked for the next round */
	unsigned long last_old_flush; /* jiffies of the last kupdate run */
	struct delayed_work dwork;    /* the flusher */
	struct list_head work_list;
	bool registered;
	unsigned long written; /* pages written back (stat) */
};

struct backing_dev_info {
	struct list_head bdi_list; /* all bdis, under bdi_lock */
	char name[32];
	unsigned long ra_pages; /* readahead window (pages): read_ahead_kb / 4 */
	unsigned long io_pages; /* the device's largest request: max_sectors_kb / 4 */
	bool can_writeback;	/* noop_backing_dev_info: false */
	struct bdi_writeback wb;
};
extern struct backing_dev_info noop_backing_dev_info;

/* ---- the vm.dirty_* sysctls (mm/page-writeback.c), as /proc/sys/vm ---- */
extern int dirty_background_ratio;	      /* 10 */
extern unsigned long dirty_background_bytes;  /* 0 */
extern int vm_dirty_ratio;		      /* 20 */
extern unsigned long vm_dirty_bytes;	      /* 0 */
extern unsigned int dirty_writeback_interval; /* centisecs, 500 */
extern unsigned int dirty_expire_interval;    /* centisecs, 3000 */

/* ---- mm/backing-dev.c ---- */
/* A bdi for a device (kernel memory, fault site bdi_alloc) whose flusher
 * runs flusher (fs/fs-writeback.c's wb_workfn).  NULL on -ENOMEM. */
struct backing_dev_info *bdi_alloc(const char *name, work_func_t flusher);
/* Stop the flusher (after writing everything back) and free. */
void bdi_put(struct backing_dev_info *bdi);
/* Every registered bdi in turn (NULL: the first).  Caller holds bdi_lock. */
extern spinlock_t bdi_lock;
extern struct list_head bdi_list;
bool wb_has_dirty_io(struct bdi_writeback *wb);

/* ---- mm/page-writeback.c ---- */
/* The background and dirty thresholds in pages (global_dirty_limits). */
void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty);
/* A task dirtied pages of m: throttle it if it is over the limits.  Caller
 * holds no page lock and no spinlock (it may sleep and run the flusher). */
void balance_dirty_pages_ratelimited(struct address_space *m);
/* Write back dirty pages of m that wbc selects (a_ops->writepages). */
int do_writepages(struct address_space *m, struct writeback_control *wbc);
/* The generic writepages loop: for each dirty page of the range, lock it,
 * clear it for I/O and call writepage(page, wbc, data), which writes it and
 * ends writeback.  Returns the first error. */
typedef int (*writepage_t)(struct page *page, struct writeback_control *wbc, void *data);
int write_cache_pages(struct address_space *m, struct writeback_control *wbc, writepage_t writepage,
		      void *data);
/* Pages the dirty limits count: NR_FILE_DIRTY + NR_WRITEBACK. */
unsigned long global_dirty_pages(void);

/* ---- fs/fs-writeback.c ---- */
/* The inode got dirty pages (I_DIRTY_PAGES): onto its bdi's b_dirty, and the
 * flusher armed if it was idle. */
void __mark_inode_dirty(struct inode *inode, int flags);
/* Take inode off its bdi's lists (eviction). */
void inode_io_list_del(struct inode *inode);
/* Kick background writeback on wb (balance_dirty_pages). */
void wb_start_background_writeback(struct bdi_writeback *wb);
/* Write back every dirty inode of sb (or all, sb NULL) and wait (sync). */
void sync_inodes_sb(struct super_block *sb);
void wakeup_flusher_threads(enum wb_reason reason);
/* The flusher's work function (mm/backing-dev.c arms it). */
void wb_workfn(struct work_struct *work);
/* Queue the flusher dirty_writeback_interval from now if idle. */
void wb_wakeup_delayed(struct bdi_writeback *wb);

#endif
