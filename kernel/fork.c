/*
 * fork.c - mm_struct lifetime and fork's copy of an address space (Linux
 * kernel/fork.c mm_alloc, dup_mm, dup_mmap; mm/mmap.c exit_mmap): the
 * mm_users/mm_count pair (mmget/mmput, mmgrab/mmdrop) and the teardown of an
 * address space when its last user goes.
 *
 * dup_mmap copies the parent's VMAs in order: VM_DONTCOPY (MADV_DONTFORK)
 * ones are skipped (and not counted in the child's total_vm); VM_WIPEONFORK
 * ones get no anon_vma and no pages (the child reads zeros); the others get
 * anon_vma_fork (a child anon_vma whose parent is the VMA's) and
 * copy_page_range (COW: private writable PTEs write-protected in both).
 * The child does not inherit mlock (VM_LOCKED cleared, locked_vm 0).  When
 * everything is copied the parent's TLBs are flushed (flush_tlb_mm), before
 * its mmap_lock is released.  A failure leaves a partial child mm that the
 * caller drops with mmput (exit_mmap cleans up what was copied).
 *
 * exit_mmap zaps every page, frees every user page table (TLBs flushed
 * first), then removes the VMAs.  The last mmdrop frees the pgd and the
 * struct, so once all processes have exited every frame they used is free.
 *
 * Invariant: mm_count >= 1 while mm_users > 0 (the users hold one mm_count
 * reference together); every live mm is on init_mm.mmlist.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"

static DEFINE_FAULT_SITE(mm_alloc_fail, "mm_alloc");
static _Atomic unsigned long mm_serial;
static struct kmem_cache *mm_cachep;

/* The "mm_struct" cache (Linux mm_cache_init: SLAB_HWCACHE_ALIGN, SLAB_PANIC,
 * SLAB_ACCOUNT; mmkit's struct has no trailing cpumask to size). */
static int mm_cache_init(void)
{
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 0,
				      SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, NULL);
	return 0;
}

static void mm_cache_exit(void)
{
	kmem_cache_destroy(mm_cachep);
	mm_cachep = NULL;
}
mmk_initcall(INIT_MM, mm_cache_init, mm_cache_exit);

static int mm_alloc_pgd(struct mm_struct *mm) { return pgd_alloc(mm); }

/* A new, empty address space with mm_users = mm_count = 1, on the mmlist:
 * the struct from mm_cachep, the top-level table from pgd_alloc (arch/x86).
 * NULL on -ENOMEM. */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm;

	if (should_fail(&mm_alloc_fail))
		return NULL;
	mm = kmem_cache_zalloc(mm_cachep, GFP_KERNEL);
	if (!mm)
		return NULL;
	if (percpu_counter_init_many(mm->rss_stat, 0, NR_MM_COUNTERS))
		goto free_struct;
	if (mmap_init_lock(mm))
		goto free_rss;
	spin_lock_init(&mm->page_table_lock);
	vt_init(&mm->mm_mt);
	atomic_store(&mm->mm_users, 1);
	atomic_store(&mm->mm_count, 1);
	mm->task_size = mmk_task_size();
	/* Linux mm_init's default_dump_filter (no parent mm: the kernel starts
	 * the process) and exec's set_dumpable(mm, SUID_DUMP_USER) */
	mm->flags = MMF_DUMP_FILTER_DEFAULT | SUID_DUMP_USER;
	mm->mm_id = atomic_fetch_add(&mm_serial, 1) + 1;
	if (mm_alloc_pgd(mm))
		goto free_mm;
	spin_lock(&mmlist_lock);
	list_add_tail(&mm->mmlist, &init_mm.mmlist);
	spin_unlock(&mmlist_lock);
	return mm;
free_mm:
	spin_lock_destroy(&mm->page_table_lock);
	mmap_destroy_lock(mm);
free_rss:
	percpu_counter_destroy_many(mm->rss_stat, NR_MM_COUNTERS);
free_struct:
	kmem_cache_free(mm_cachep, mm);
	return NULL;
}

/* Every page was unmapped: the RSS counters must be back at 0 (Linux
 * check_mm). */
static void check_mm(struct mm_struct *mm)
{
	static const char *const names[NR_MM_COUNTERS] = {
		"MM_FILEPAGES",
		"MM_ANONPAGES",
		"MM_SWAPENTS",
		"MM_SHMEMPAGES",
	};
	int i;

	for (i = 0; i < NR_MM_COUNTERS; i++) {
		s64 x = percpu_counter_sum(&mm->rss_stat[i]);

		if (unlikely(x))
			printk("BUG: Bad rss-counter state mm:%lu type:%s val:%lld\n", mm->mm_id,
			       names[i], (long long)x);
	}
}

void __mmdrop(struct mm_struct *mm)
{
	BUG_ON(mm == &init_mm);
	check_mm(mm);
	pgd_free(mm);
	vt_destroy(&mm->mm_mt);
	mmap_destroy_lock(mm);
	spin_lock_destroy(&mm->page_table_lock);
	percpu_counter_destroy_many(mm->rss_stat, NR_MM_COUNTERS);
	kmem_cache_free(mm_cachep, mm);
}

/* Unmap every page, free every user page table, remove every VMA; the mm
 * is no longer used by any task.  Takes mmap_lock. */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	long nr_accounted = 0;

	mmap_write_lock(mm);
	exit_mmap_pages(mm);
	for_each_vma(mm, vma)
		if (vma->vm_flags & VM_ACCOUNT)
			nr_accounted += (long)vma_pages(vma);
	while (mm->mm_mt.first)
		vma_unlink_free(mm, mm->mm_mt.first);
	vm_unacct_memory(nr_accounted);
	if (mm->pgd)
		free_user_pgtables(mm);
	mm->total_vm = mm->data_vm = mm->exec_vm = mm->stack_vm = 0;
	mm->locked_vm = mm->locked_vm_dontunmap = mm->pinned_vm = 0;
	mmap_write_unlock(mm);
}

/* Drop a user; the last one tears the address space down and drops the
 * users' mm_count reference. */
void mmput(struct mm_struct *mm)
{
	int old = atomic_fetch_sub(&mm->mm_users, 1);

	BUG_ON(old <= 0);
	if (old != 1)
		return;
	exit_mmap(mm);
	spin_lock(&mmlist_lock);
	list_del_init(&mm->mmlist);
	spin_unlock(&mmlist_lock);
	mmdrop(mm);
}

/* ---------------------------------------------------------------- fork -- */

/* The layout fields a child inherits (dup_mm's memcpy, less what mm_init resets). */
static void dup_mm_fields(struct mm_struct *mm, const struct mm_struct *old)
{
	mm->flags = old->flags;
	mm->def_flags = old->def_flags & VM_NOHUGEPAGE; /* VM_INIT_DEF_MASK */
	mm->total_vm = old->total_vm;
	mm->data_vm = old->data_vm;
	mm->exec_vm = old->exec_vm;
	mm->stack_vm = old->stack_vm;
	mm->hiwater_vm = old->hiwater_vm;
	/* unmap_mapping_pages raises it without old's mmap_lock */
	mm->hiwater_rss = READ_ONCE(old->hiwater_rss);
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
	mm->mmap_legacy_base = old->mmap_legacy_base;
	mm->task_size = old->task_size;
	memcpy(mm->saved_auxv, old->saved_auxv, sizeof(mm->saved_auxv));
}

/* The child's copy of one parent VMA, linked into mm.  0 or -ENOMEM. */
static int dup_one_vma(struct mm_struct *mm, struct vm_area_struct *mpnt)
{
	long charge = (mpnt->vm_flags & VM_ACCOUNT) ? (long)vma_pages(mpnt) : 0;
	struct vm_area_struct *tmp;

	/* Linux dup_mmap: the child's copy of a private writable mapping is
	 * charged, against the parent's mm (ENOMEM in mode 2) */
	if (charge && __vm_enough_memory(mpnt->vm_mm, charge, capable(CAP_SYS_ADMIN)))
		return -ENOMEM;
	tmp = vm_area_dup(mpnt);
	if (!tmp) {
		vm_unacct_memory(charge);
		return -ENOMEM;
	}
	tmp->vm_mm = mm;
	tmp->vm_flags &= ~VM_LOCKED_MASK;
	if (!(tmp->vm_flags & VM_WIPEONFORK) && anon_vma_fork(tmp, mpnt))
		goto out_free;
	if (vma_link(mm, tmp))
		goto out_free;
	if (tmp->vm_flags & VM_WIPEONFORK)
		return 0;
	return copy_page_range(tmp, mpnt);
out_free:
	vma_free_detached(tmp);
	vm_unacct_memory(charge);
	return -ENOMEM;
}

static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt;
	int err = 0;

	mmap_write_lock(oldmm);
	mmap_write_lock(mm);
	dup_mm_fields(mm, oldmm);
	for_each_vma(oldmm, mpnt) {
		if (mpnt->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, mpnt->vm_flags, -(long)vma_pages(mpnt));
			continue;
		}
		err = dup_one_vma(mm, mpnt);
		if (err)
			break;
	}
	mmap_write_unlock(mm);
	flush_tlb_mm(oldmm);
	mmap_write_unlock(oldmm);
	return err;
}

/* fork's copy of oldmm (Linux dup_mm).  NULL on -ENOMEM (nothing leaks). */
struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm);
		return NULL;
	}
	return mm;
}
