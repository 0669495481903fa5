/*
 * page_io.c - swap I/O (Linux 6.18 mm/page_io.c): a swap-cache page written
 * to its slot or read from it, through the block layer of the area's host
 * mount (block/blk-core.c: the same latency and bandwidth model, the same
 * fault injection as file I/O).  Slot s of an area is bytes [s * 4096,
 * (s + 1) * 4096) of its file: mmkit's swap files are one extent.
 *
 * A page that is all zeros is not written: its slot's bit in the area's
 * zeromap is set (swpout_zero), and reading it back fills zeros
 * (swpin_zero), as 6.12+ does.  Other writes count in pswpout, reads in
 * pswpin, in pages.
 *
 * Batching (Linux's block plug, which merges the bios of neighbouring
 * slots into one request): a caller may pass a swap_iocb plug; pages whose
 * slots follow each other in one area, in the same direction, join it (up
 * to BIO_MAX_VECS) and go out as one request when the plug is submitted or
 * a page does not fit.  Until then a written page stays under writeback
 * and a read one locked.
 *
 * Reads are asynchronous, as Linux's swap_read_folio_bdev_async: the
 * request is submitted (block/blk-core.c submit_bio: its time is charged
 * to the clock at submission) and its pages stay locked and not uptodate
 * until the completion, end_swap_bio_read, sets each uptodate (or logs the
 * error) and unlocks it.  The completion runs when somebody waits for one
 * of the pages (do_swap_page's lock_page: the faulting task sleeps on its
 * own page only, the disk finishing the batches before it) or when the
 * command ends.  Writes are synchronous: reclaim frees their pages at once.
 *
 * Errors lose nothing (Linux end_swap_bio_write / end_swap_bio_read): a
 * failed write logs "Write-error on swap-device (MAJ:MIN:SECTOR)" and leaves
 * the page dirty, so it stays in memory (and in the swap cache) and a later
 * reclaim writes it again; a failed read logs "Read-error on swap-device"
 * and leaves the page not uptodate, which the fault turns into SIGBUS with
 * the swap entry kept.  A request covers only its own slots, so a failed or
 * short one never touches another slot; the pages it did not fully move
 * are the failed ones.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/blkdev.h"
#include "mmkit/memory.h"
#include "mmkit/pagemap.h"
#include "mmkit/psi.h"
#include "mmkit/slab.h"
#include "mmkit/swap.h"
#include "mmkit/writeback.h"

struct swap_iocb {
	struct swap_info_struct *si;
	enum req_op op;
	unsigned long offset; /* the slot of pages[0] */
	int nr;
	struct page *pages[BIO_MAX_VECS];
};

/* Linux is_folio_zero_filled. */
static bool page_is_zero_filled(struct page *page)
{
	const unsigned long *p = page_address(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

/* The end of a write, per page: ok, or redirtied. */
static void swap_write_end(struct swap_info_struct *si, struct page *page, bool ok)
{
	if (!ok) {
		printk(KERN_ALERT "Write-error on swap-device (%u:%u:%llu)\n", si->bdev->bd_major,
		       si->bdev->bd_minor,
		       (unsigned long long)swp_offset(page_swap_entry(page)) << (PAGE_SHIFT - 9));
		SetPageDirty(page);
		ClearPageReclaim(page);
	}
	folio_end_writeback(page);
}

/* The end of a read, per page (Linux end_swap_bio_read): uptodate, or
 * logged and left not uptodate; unlocked (by the request, if async). */
static void swap_read_end(struct swap_info_struct *si, struct page *page, bool ok, bool async)
{
	if (ok)
		SetPageUptodate(page);
	else
		printk(KERN_ALERT "Read-error on swap-device (%u:%u:%llu)\n", si->bdev->bd_major,
		       si->bdev->bd_minor,
		       (unsigned long long)swp_offset(page_swap_entry(page)) << (PAGE_SHIFT - 9));
	if (async)
		unlock_page_io(page);
	else
		unlock_page(page);
}

static void swap_bio_init(struct bio *bio, struct swap_info_struct *si, enum req_op op,
			  unsigned long offset, struct page **pages, int nr)
{
	int i;

	bio->bi_bdev = si->bdev;
	bio->bi_op = op;
	bio->bi_hostfd = si->hostfd;
	bio->bi_pos = (long long)offset << PAGE_SHIFT;
	for (i = 0; i < nr; i++)
		bio_add_buf(bio, page_address(pages[i]), PAGE_SIZE);
}

/* Each page of a request ends as the bytes of its slot that moved say. */
static void swap_end_pages(struct swap_info_struct *si, enum req_op op, struct page **pages, int nr,
			   long done, bool async)
{
	int i;

	for (i = 0; i < nr; i++) {
		bool ok = done >= (long)((i + 1) * PAGE_SIZE);

		if (op == REQ_OP_WRITE)
			swap_write_end(si, pages[i], ok);
		else
			swap_read_end(si, pages[i], ok, async);
	}
}

/* One request for pages[0..nr) at slot offset, now. */
static void swap_submit_sync(struct swap_info_struct *si, enum req_op op, unsigned long offset,
			     struct page **pages, int nr)
{
	struct bio bio = { 0 };

	swap_bio_init(&bio, si, op, offset, pages, nr);
	swap_end_pages(si, op, pages, nr, submit_bio_wait(&bio), false);
}

/* A read in flight: its area and pages (Linux: the bios' folios). */
struct swap_rd {
	struct swap_info_struct *si;
	int nr;
	struct page *pages[];
};

/* Linux end_swap_bio_read, for a whole request. */
static void end_swap_bio_read(struct bio *bio)
{
	struct swap_rd *rd = bio->bi_private;

	swap_end_pages(rd->si, REQ_OP_READ, rd->pages, rd->nr, bio->bi_status, true);
	kfree(rd);
	bio_put(bio);
}

/*
 * One request for pages[0..nr) at slot offset.  A read goes out
 * asynchronously (Linux swap_read_folio_bdev_async): the pages stay locked
 * and not uptodate until its completion, which runs when somebody waits
 * for one of them (the fault's lock_page) or the command ends
 * (block/blk-core.c); now if the request cannot be had.  Writes are
 * synchronous (their pages are freed by the reclaim that wrote them).
 */
static void swap_submit(struct swap_info_struct *si, enum req_op op, unsigned long offset,
			struct page **pages, int nr)
{
	struct swap_rd *rd = NULL;
	struct bio *bio = NULL;
	int i;

	if (op == REQ_OP_READ) {
		rd = kmalloc(sizeof(*rd) + (size_t)nr * sizeof(struct page *), GFP_NOIO);
		bio = rd ? bio_alloc() : NULL;
	}
	if (!bio) {
		kfree(rd);
		swap_submit_sync(si, op, offset, pages, nr);
		return;
	}
	rd->si = si;
	rd->nr = nr;
	memcpy(rd->pages, pages, (size_t)nr * sizeof(struct page *));
	swap_bio_init(bio, si, op, offset, pages, nr);
	bio->bi_end_io = end_swap_bio_read;
	bio->bi_private = rd;
	for (i = 0; i < nr; i++)
		page_lock_handoff(pages[i]);
	submit_bio(bio);
}

static void swap_plug_submit(struct swap_iocb *plug)
{
	if (plug && plug->nr)
		swap_submit(plug->si, plug->op, plug->offset, plug->pages, plug->nr);
	if (plug)
		plug->nr = 0;
}

/* Queue page (slot offset of si) in *plug, or do it now without one. */
static void swap_queue(struct swap_info_struct *si, enum req_op op, struct page *page,
		       struct swap_iocb **plug)
{
	unsigned long offset = swp_offset(page_swap_entry(page));
	struct swap_iocb *p = plug ? *plug : NULL;

	if (plug && !p) {
		p = kmalloc(sizeof(*p), GFP_NOIO);
		if (p)
			p->nr = 0;
		*plug = p;
	}
	if (!p) {
		swap_submit(si, op, offset, &page, 1);
		return;
	}
	if (p->nr && (p->si != si || p->op != op || p->offset + (unsigned long)p->nr != offset ||
		      p->nr == BIO_MAX_VECS))
		swap_plug_submit(p);
	if (!p->nr) {
		p->si = si;
		p->op = op;
		p->offset = offset;
	}
	p->pages[p->nr++] = page;
}

int swap_writeout(struct page *page, struct swap_iocb **plug)
{
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si = swp_swap_info(entry);

	VM_BUG_ON(!PageLocked(page) || !PageSwapCache(page));
	if (folio_free_swap(page))
		goto out_unlock; /* nothing names the slot any more */
	if (page_is_zero_filled(page)) {
		swap_zeromap_set(entry, true);
		count_vm_event(SWPOUT_ZERO);
		goto out_unlock;
	}
	swap_zeromap_set(entry, false);
	count_vm_event(PSWPOUT);
	folio_start_writeback(page);
	unlock_page(page);
	swap_queue(si, REQ_OP_WRITE, page, plug);
	return 0;
out_unlock:
	unlock_page(page);
	return 0;
}

void swap_write_unplug(struct swap_iocb *plug)
{
	swap_plug_submit(plug);
	kfree(plug);
}

void swap_read_folio(struct page *page, struct swap_iocb **plug)
{
	swp_entry_t entry = page_swap_entry(page);
	bool workingset = PageWorkingset(page);
	unsigned long pflags;

	VM_BUG_ON(!PageLocked(page) || PageUptodate(page) || !PageSwapCache(page));
	if (workingset) /* a refault of the working set: thrashing (PSI) */
		psi_memstall_enter(&pflags);
	if (swap_zeromap_test(entry)) {
		memset(page_address(page), 0, PAGE_SIZE);
		SetPageUptodate(page);
		count_vm_event(SWPIN_ZERO);
		unlock_page(page);
	} else {
		count_vm_event(PSWPIN);
		swap_queue(swp_swap_info(entry), REQ_OP_READ, page, plug);
	}
	if (workingset)
		psi_memstall_leave(&pflags);
}

void swap_read_unplug(struct swap_iocb *plug)
{
	swap_plug_submit(plug);
	kfree(plug);
}
