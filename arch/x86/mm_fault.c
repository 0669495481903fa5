/*
 * mm_fault.c - the mm side of the x86 page-fault handler (Linux
 * arch/x86/mm/fault.c handle_page_fault, do_user_addr_fault,
 * do_kern_addr_fault, access_error, bad_area*, do_sigbus; mm/memory.c
 * lock_mm_and_find_vma, expand_stack).  Registered with the fault entry
 * (set_page_fault_handler) at INIT_MM.
 *
 * A fault on a kernel address (>= TASK_SIZE_MAX) is spurious when the
 * tables now permit the access (a stale TLB entry: the MMU re-walks, so it
 * is simply retried), else a user access gets SIGSEGV SEGV_MAPERR and a
 * kernel access an oops.  A fault on a user address takes current->mm's
 * mmap_lock for read and finds the VMA; below a VM_GROWSDOWN VMA the lock
 * is retaken for write and the stack expanded (expand_downwards: the
 * 256-page stack_guard_gap, RLIMIT_STACK, RLIMIT_AS, mmap_min_addr).  No
 * VMA: SEGV_MAPERR.  access_error (a write to a VMA without VM_WRITE, a
 * protection fault of a read or fetch, any access to a VMA without
 * VM_READ|VM_WRITE|VM_EXEC): SEGV_ACCERR.  Then handle_mm_fault; its errors:
 *   VM_FAULT_SIGBUS   SIGBUS BUS_ADRERR at the address;
 *   VM_FAULT_SIGSEGV  SIGSEGV SEGV_MAPERR;
 *   VM_FAULT_OOM      pagefault_out_of_memory (mm/oom_kill.c: the OOM
 *                     killer itself runs from the allocator), then Linux
 *                     returns to user space and retries the fault; mmkit
 *                     retries it a bounded number of times and then ends in
 *                     SIGBUS BUS_ADRERR, each retry with the kernel's
 *                     "VM_FAULT_OOM leaked out" warning in the log.
 * A user-mode fault of a task with a fatal signal pending (an OOM victim,
 * maybe the one that faulted) ends in that SIGKILL (SI_KERNEL): Linux
 * delivers it on the return to user space, before the access is redone.
 * A kernel-mode access (kread, copy_from_user) is handled the same way on
 * user addresses; what stays unresolved oopses unless the access has an
 * exception fixup (the fault entry decides).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/oom.h"
#include "mmkit/sched.h"

#define OOM_RETRIES 3

static bool fault_in_kernel_space(unsigned long address) { return address >= TASK_SIZE_MAX; }

static int bad_area(struct mmu_fault *f, int si_code)
{
	if (f->mmu_idx == MMU_USER_IDX) {
		f->sig = SIGSEGV;
		f->si_code = si_code;
		f->sig_addr = f->address;
	}
	return -EFAULT;
}

static int do_sigbus(struct mmu_fault *f)
{
	if (f->mmu_idx == MMU_USER_IDX) {
		f->sig = SIGBUS;
		f->si_code = BUS_ADRERR;
		f->sig_addr = f->address;
	}
	return -EFAULT;
}

/* The return to user space of a task being killed (an OOM victim). */
static int do_sigkill(struct mmu_fault *f)
{
	f->sig = SIGKILL;
	f->si_code = SI_KERNEL;
	f->sig_addr = f->address;
	return -EFAULT;
}

/* Do the tables now permit the access (Linux spurious_kernel_fault)? */
static bool spurious_fault(struct mmu_fault *f)
{
	struct mmu_translation t;
	struct mmu_fault again;

	return mmu_translate(this_cpu(), f->address, f->access, f->mmu_idx, &t, &again) == 0;
}

static int do_kern_addr_fault(struct mmu_fault *f)
{
	if (spurious_fault(f))
		return 0;
	/* Linux: bad_area_nosemaphore -> SEGV_MAPERR for a user access. */
	return bad_area(f, SEGV_MAPERR);
}

/* Linux access_error (no protection keys, no shadow stacks). */
static bool access_error(unsigned long error_code, const struct vm_area_struct *vma)
{
	if (error_code & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & X86_PF_PROT)
		return true;
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

/*
 * Linux lock_mm_and_find_vma: the VMA containing address with mmap_lock
 * held for read (a stack expansion takes it for write and downgrades it),
 * or NULL with no lock held.
 */
static struct vm_area_struct *lock_mm_and_find_vma(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, address);
	if (vma && vma->vm_start <= address)
		return vma;
	if (!vma || !(vma->vm_flags & VM_GROWSDOWN)) { /* read under the lock */
		mmap_read_unlock(mm);
		return NULL;
	}
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	vma = find_vma(mm, address);
	if (vma && vma->vm_start > address &&
	    (!(vma->vm_flags & VM_GROWSDOWN) || expand_downwards(vma, address)))
		vma = NULL;
	if (!vma) {
		mmap_write_unlock(mm);
		return NULL;
	}
	mmap_write_downgrade(mm);
	return vma;
}

static unsigned int fault_flags(const struct mmu_fault *f)
{
	unsigned int flags = 0;

	if (f->error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (f->error_code & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	if (f->error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	return flags;
}

static vm_fault_t fault_locked(struct mm_struct *mm, struct mmu_fault *f, unsigned int flags,
			       int *si_code)
{
	struct vm_area_struct *vma;
	vm_fault_t ret;

	vma = lock_mm_and_find_vma(mm, f->address);
	if (!vma) {
		*si_code = SEGV_MAPERR;
		return VM_FAULT_SIGSEGV;
	}
	if (access_error(f->error_code, vma)) {
		*si_code = SEGV_ACCERR;
		ret = VM_FAULT_SIGSEGV;
	} else {
		ret = handle_mm_fault(vma, f->address, flags);
		*si_code = SEGV_MAPERR;
	}
	if (!(ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))) /* else the handler dropped it */
		mmap_read_unlock(mm);
	return ret;
}

/*
 * One fault, retried as Linux's do_user_addr_fault retries it: a handler
 * that waited for I/O returns VM_FAULT_RETRY with mmap_lock dropped and the
 * fault is redone with FAULT_FLAG_TRIED (a retried fault counts as major:
 * mm_account_fault).  But a user-mode fault's first attempt runs under the
 * VMA lock in Linux, and its retry is FAULT_FLAG_TRIED only if that attempt
 * was a major fault; a kernel-mode one (copy_from_user) takes mmap_lock
 * from the start.
 */
static vm_fault_t fault_retry(struct mm_struct *mm, struct mmu_fault *f, int *si_code)
{
	unsigned int flags = fault_flags(f) | FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
	vm_fault_t ret = fault_locked(mm, f, flags, si_code);

	if (!(ret & VM_FAULT_RETRY))
		return ret;
	if (!(flags & FAULT_FLAG_USER) || (ret & VM_FAULT_MAJOR))
		flags |= FAULT_FLAG_TRIED;
	while ((ret = fault_locked(mm, f, flags, si_code)) & VM_FAULT_RETRY)
		flags |= FAULT_FLAG_TRIED;
	return ret;
}

static int do_user_addr_fault(struct mmu_fault *f)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk ? tsk->mm : NULL;
	int si_code, tries;
	vm_fault_t ret = 0;

	if (!mm || faulthandler_disabled())
		return -EFAULT; /* no address space, or an atomic copy: the fixup's */
	for (tries = 0; tries < OOM_RETRIES; tries++) {
		ret = fault_retry(mm, f, &si_code);
		if (fatal_signal_pending(tsk) && f->mmu_idx == MMU_USER_IDX)
			return do_sigkill(f);
		if (!(ret & VM_FAULT_OOM))
			break;
		pagefault_out_of_memory();
	}
	if (!(ret & VM_FAULT_ERROR))
		return 0;
	if (ret & (VM_FAULT_SIGBUS | VM_FAULT_OOM | VM_FAULT_HWPOISON))
		return do_sigbus(f);
	return bad_area(f, si_code);
}

/* The registered handler: called by the fault entry for every #PF. */
static int do_page_fault(struct mmu_fault *f)
{
	if (fault_in_kernel_space(f->address))
		return do_kern_addr_fault(f);
	return do_user_addr_fault(f);
}

static int mm_fault_init(void)
{
	set_page_fault_handler(do_page_fault);
	return 0;
}

static void mm_fault_exit(void) { set_page_fault_handler(NULL); }
mmk_initcall(INIT_MM, mm_fault_init, mm_fault_exit);
