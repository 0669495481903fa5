/*
 * backing-dev.c - a device's writeback state (Linux mm/backing-dev.c at the
 * level mmkit needs; include/mmkit/writeback.h): each host mount's device
 * has a backing_dev_info with its readahead window and one bdi_writeback
 * whose delayed work is the device's flusher (fs/fs-writeback.c).  Memory
 * file systems (tmpfs, shm) use noop_backing_dev_info: nothing to write
 * back, no readahead.  The bdi list is guarded by bdi_lock (a leaf).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/pagemap.h"
#include "mmkit/slab.h"
#include "mmkit/writeback.h"

static DEFINE_FAULT_SITE(bdi_alloc_fail, "bdi_alloc");
DEFINE_SPINLOCK(bdi_lock);
LIST_HEAD(bdi_list);
struct backing_dev_info noop_backing_dev_info = { .name = "noop" };

static void wb_init(struct bdi_writeback *wb, struct backing_dev_info *bdi, work_func_t flusher)
{
	wb->bdi = bdi;
	spin_lock_init(&wb->list_lock);
	INIT_LIST_HEAD(&wb->b_dirty);
	INIT_LIST_HEAD(&wb->b_io);
	INIT_LIST_HEAD(&wb->b_more_io);
	INIT_LIST_HEAD(&wb->work_list);
	INIT_DELAYED_WORK(&wb->dwork, flusher);
	wb->last_old_flush = jiffies;
	wb->registered = true;
}

struct backing_dev_info *bdi_alloc(const char *name, work_func_t flusher)
{
	struct backing_dev_info *bdi;

	if (should_fail(&bdi_alloc_fail))
		return NULL;
	bdi = kzalloc(sizeof(*bdi), GFP_KERNEL);
	if (!bdi)
		return NULL;
	snprintf(bdi->name, sizeof(bdi->name), "%s", name);
	bdi->ra_pages = VM_READAHEAD_PAGES;
	bdi->io_pages = VM_READAHEAD_PAGES;
	bdi->can_writeback = true;
	wb_init(&bdi->wb, bdi, flusher);
	spin_lock(&bdi_lock);
	list_add_tail(&bdi->bdi_list, &bdi_list);
	spin_unlock(&bdi_lock);
	return bdi;
}

void bdi_put(struct backing_dev_info *bdi)
{
	struct bdi_writeback *wb = &bdi->wb;

	spin_lock(&wb->list_lock);
	wb->registered = false;
	spin_unlock(&wb->list_lock);
	cancel_delayed_work_sync(&wb->dwork);
	WARN_ON(wb_has_dirty_io(wb));
	spin_lock(&bdi_lock);
	list_del(&bdi->bdi_list);
	spin_unlock(&bdi_lock);
	spin_lock_destroy(&wb->list_lock);
	kfree(bdi);
}

bool wb_has_dirty_io(struct bdi_writeback *wb)
{
	return !list_empty(&wb->b_dirty) || !list_empty(&wb->b_io) || !list_empty(&wb->b_more_io);
}
