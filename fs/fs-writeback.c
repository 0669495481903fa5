/*
 * fs-writeback.c - the flusher: writing dirty inodes back (Linux
 * fs/fs-writeback.c at the level mmkit needs; include/mmkit/writeback.h).
 *
 * An inode that gets dirty pages goes to the tail of its device's b_dirty
 * list with dirtied_when = now, unless it is already there; a device whose
 * list was empty arms its flusher dirty_writeback_centisecs ahead.  The
 * flusher (wb_workfn, a delayed work item run by kernel/time at its time)
 * serves queued requests, then kupdate-style writeback: once every
 * dirty_writeback_centisecs, every inode dirtied more than
 * dirty_expire_centisecs ago is written back (all its dirty pages); then
 * background writeback while the system is over the background threshold.
 * It re-arms itself while dirty inodes remain.  sync writes every dirty
 * inode back at once, in the caller's context.
 *
 * An inode being written is held with a reference (so it cannot be evicted
 * meanwhile) and written without wb->list_lock; afterwards it leaves the
 * lists if it is clean, or goes back to b_dirty (it was redirtied: its
 * dirtied_when is kept if it was written whole, the kupdate rule) or to
 * b_more_io (its chunk ran out).
 */
#include <errno.h>
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/slab.h"
#include "mmkit/writeback.h"

#define MAX_WRITEBACK_PAGES 1024 /* a chunk of one inode */

static struct bdi_writeback *inode_to_wb(struct inode *inode)
{
	struct backing_dev_info *bdi = inode->i_sb->s_bdi;

	return bdi && bdi->can_writeback ? &bdi->wb : NULL;
}

void wb_wakeup_delayed(struct bdi_writeback *wb)
{
	unsigned long timeout = msecs_to_jiffies((unsigned long)dirty_writeback_interval * 10);

	if (wb->registered && dirty_writeback_interval)
		queue_delayed_work(system_wq, &wb->dwork, timeout);
}

void __mark_inode_dirty(struct inode *inode, int flags)
{
	struct bdi_writeback *wb = inode ? inode_to_wb(inode) : NULL;
	bool wakeup = false;

	if (!wb)
		return;
	spin_lock(&wb->list_lock);
	if ((inode->i_state & (unsigned long)flags) != (unsigned long)flags &&
	    !(inode->i_state & I_FREEING)) {
		bool was_dirty = inode->i_state & I_DIRTY_PAGES;

		inode->i_state |= (unsigned long)flags;
		if (!was_dirty && !(inode->i_state & I_SYNC)) {
			wakeup = !wb_has_dirty_io(wb);
			inode->dirtied_when = jiffies;
			list_move_tail(&inode->i_io_list, &wb->b_dirty);
		}
	}
	spin_unlock(&wb->list_lock);
	if (wakeup)
		wb_wakeup_delayed(wb);
}

void inode_io_list_del(struct inode *inode)
{
	struct bdi_writeback *wb = inode_to_wb(inode);

	if (!wb) {
		inode->i_state |= I_FREEING;
		return;
	}
	spin_lock(&wb->list_lock);
	inode->i_state |= I_FREEING;
	list_del_init(&inode->i_io_list);
	spin_unlock(&wb->list_lock);
}

/* A reference unless the inode is on its way out.  Caller holds list_lock. */
static bool igrab_live(struct inode *inode)
{
	int c = atomic_load(&inode->i_count);

	while (c > 0 && !(inode->i_state & I_FREEING))
		if (atomic_compare_exchange_weak(&inode->i_count, &c, c + 1))
			return true;
	return false;
}

/* After writing inode: off the lists if clean, else back in line.  Caller
 * holds list_lock. */
static void requeue_inode(struct inode *inode, struct bdi_writeback *wb,
			  struct writeback_control *wbc)
{
	lockdep_assert_held(&wb->list_lock);
	inode->i_state &= ~I_SYNC;
	if (inode->i_state & I_FREEING)
		return;
	if (!atomic_load(&inode->i_mapping->nrdirty)) {
		inode->i_state &= ~I_DIRTY_PAGES;
		list_del_init(&inode->i_io_list);
		return;
	}
	inode->i_state |= I_DIRTY_PAGES;
	if (wbc->nr_to_write <= 0) {
		list_move_tail(&inode->i_io_list, &wb->b_more_io);
		return;
	}
	/* redirtied while it was written: dirtied again now (redirty_tail) */
	inode->dirtied_when = jiffies;
	list_move_tail(&inode->i_io_list, &wb->b_dirty);
}

/* Write one inode's dirty pages.  Caller holds list_lock and a reference;
 * it is dropped and retaken around the I/O. */
static long writeback_single_inode(struct inode *inode, struct bdi_writeback *wb,
				   struct writeback_control *wbc)
{
	long before = wbc->nr_to_write;
	int err;

	lockdep_assert_held(&wb->list_lock);
	inode->i_state |= I_SYNC;
	inode->i_state &= ~I_DIRTY_PAGES;
	spin_unlock(&wb->list_lock);
	err = do_writepages(inode->i_mapping, wbc);
	(void)err; /* recorded in the mapping */
	spin_lock(&wb->list_lock);
	requeue_inode(inode, wb, wbc);
	return before - wbc->nr_to_write;
}

/* Move the inodes of b_dirty dirtied at or before older_than (all with
 * older_than == jiffies) to b_io, oldest first (queue_io). */
static void queue_io(struct bdi_writeback *wb, unsigned long older_than)
{
	struct inode *inode, *tmp;

	list_splice_tail_init(&wb->b_more_io, &wb->b_io);
	list_for_each_entry_safe(inode, tmp, &wb->b_dirty, i_io_list) {
		if (time_after(inode->dirtied_when, older_than))
			break;
		list_move_tail(&inode->i_io_list, &wb->b_io);
	}
}

static bool wb_over_bg_thresh(void)
{
	unsigned long bg, thresh;

	global_dirty_limits(&bg, &thresh);
	return global_node_page_state(NR_FILE_DIRTY) > bg;
}

/* Linux wb_writeback: rounds of queue_io + writing b_io until the work is
 * done, nothing progresses, or background work got under the threshold. */
static long wb_writeback(struct bdi_writeback *wb, struct wb_writeback_work *work)
{
	long written = 0;

	spin_lock(&wb->list_lock);
	for (;;) {
		unsigned long oldest = jiffies;
		long progress = 0;

		if (work->nr_pages <= 0 || (work->for_background && !wb_over_bg_thresh()))
			break;
		if (work->for_kupdate)
			oldest = jiffies -
				 msecs_to_jiffies((unsigned long)dirty_expire_interval * 10);
		if (list_empty(&wb->b_io))
			queue_io(wb, oldest);
		while (!list_empty(&wb->b_io) && work->nr_pages > 0) {
			struct inode *inode = list_first_entry(&wb->b_io, struct inode, i_io_list);
			struct writeback_control wbc = {
				.sync_mode = work->sync_mode,
				.for_kupdate = work->for_kupdate,
				.for_background = work->for_background,
				.for_sync = work->for_sync,
				.range_start = 0,
				.range_end = MAX_LFS_FILESIZE,
				.nr_to_write =
					work->sync_mode == WB_SYNC_ALL ?
						(long)(~0UL >> 1) :
						min(work->nr_pages, (long)MAX_WRITEBACK_PAGES),
			};
			long n;

			if (!igrab_live(inode)) {
				list_del_init(&inode->i_io_list);
				continue;
			}
			n = writeback_single_inode(inode, wb, &wbc);
			spin_unlock(&wb->list_lock);
			iput(inode);
			spin_lock(&wb->list_lock);
			progress += n;
			work->nr_pages -= n;
			if (work->for_background && !wb_over_bg_thresh())
				break;
		}
		written += progress;
		if (!progress && list_empty(&wb->b_io))
			break;
	}
	spin_unlock(&wb->list_lock);
	wb->written += (unsigned long)written;
	return written;
}

static long wb_check_old_data_flush(struct bdi_writeback *wb)
{
	unsigned long expired;
	struct wb_writeback_work work = { .sync_mode = WB_SYNC_NONE,
					  .for_kupdate = true,
					  .range_cyclic = true,
					  .reason = WB_REASON_PERIODIC };

	if (!dirty_writeback_interval)
		return 0;
	expired =
		wb->last_old_flush + msecs_to_jiffies((unsigned long)dirty_writeback_interval * 10);
	if (time_before(jiffies, expired))
		return 0;
	wb->last_old_flush = jiffies;
	work.nr_pages = (long)global_dirty_pages();
	return work.nr_pages ? wb_writeback(wb, &work) : 0;
}

static long wb_check_background_flush(struct bdi_writeback *wb)
{
	struct wb_writeback_work work = { .nr_pages = (long)(~0UL >> 1),
					  .sync_mode = WB_SYNC_NONE,
					  .for_background = true,
					  .range_cyclic = true,
					  .reason = WB_REASON_BACKGROUND };

	return wb_over_bg_thresh() ? wb_writeback(wb, &work) : 0;
}

static struct wb_writeback_work *get_next_work_item(struct bdi_writeback *wb)
{
	struct wb_writeback_work *work = NULL;

	spin_lock(&wb->list_lock);
	if (!list_empty(&wb->work_list)) {
		work = list_first_entry(&wb->work_list, struct wb_writeback_work, list);
		list_del_init(&work->list);
	}
	spin_unlock(&wb->list_lock);
	return work;
}

static long wb_do_writeback(struct bdi_writeback *wb)
{
	struct wb_writeback_work *work;
	long wrote = 0;

	while ((work = get_next_work_item(wb)) != NULL) {
		wrote += wb_writeback(wb, work);
		if (work->auto_free)
			kfree(work);
	}
	wrote += wb_check_old_data_flush(wb);
	wrote += wb_check_background_flush(wb);
	return wrote;
}

void wb_workfn(struct work_struct *w)
{
	struct bdi_writeback *wb = container_of(to_delayed_work(w), struct bdi_writeback, dwork);

	wb_do_writeback(wb);
	spin_lock(&wb->list_lock);
	if (!list_empty(&wb->work_list)) {
		spin_unlock(&wb->list_lock);
		mod_delayed_work(system_wq, &wb->dwork, 0);
		return;
	}
	if (wb_has_dirty_io(wb)) {
		spin_unlock(&wb->list_lock);
		wb_wakeup_delayed(wb);
		return;
	}
	spin_unlock(&wb->list_lock);
}

void wb_start_background_writeback(struct bdi_writeback *wb)
{
	/* wb_wakeup: the flusher runs now; it checks the threshold itself */
	if (wb->registered)
		mod_delayed_work(system_wq, &wb->dwork, 0);
}

void wakeup_flusher_threads(enum wb_reason reason)
{
	struct backing_dev_info *bdi;

	(void)reason;
	spin_lock(&bdi_lock);
	list_for_each_entry(bdi, &bdi_list, bdi_list)
		wb_start_background_writeback(&bdi->wb);
	spin_unlock(&bdi_lock);
}

static void sync_wb(struct bdi_writeback *wb)
{
	struct wb_writeback_work work = { .nr_pages = (long)(~0UL >> 1),
					  .sync_mode = WB_SYNC_ALL,
					  .for_sync = true,
					  .reason = WB_REASON_SYNC };

	wb_writeback(wb, &work);
}

void sync_inodes_sb(struct super_block *sb)
{
	struct backing_dev_info *bdi, *found[64];
	int n = 0, i;

	spin_lock(&bdi_lock);
	list_for_each_entry(bdi, &bdi_list, bdi_list)
		if ((!sb || sb->s_bdi == bdi) && n < (int)ARRAY_SIZE(found))
			found[n++] = bdi;
	spin_unlock(&bdi_lock);
	for (i = 0; i < n; i++)
		sync_wb(&found[i]->wb);
}
