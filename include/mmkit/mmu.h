/*
 * mmu.h - the software MMU: address translation with every x86 check, the
 * fault record handed to the fault entry, and the access fast path.
 *
 * Every simulated memory access goes through here.  The fast path (inline)
 * looks the page up in this CPU's TLB (include/mmkit/tlb.h): on a hit the
 * access is one compare and one add away from the host bytes.  On a miss the
 * slow path (machine/mmu.c) serves pending IPIs (the interrupt point), walks
 * the page tables from CR3 like the hardware page walker (mmu_translate:
 * U/S and R/W at every level, CR0.WP for supervisor writes, NX where EFER.NXE
 * exists, reserved bits, canonical addresses, setting Accessed at each level
 * and Dirty on a leaf write with a locked compare-exchange), fills the TLB
 * and retries.  A failed translation becomes a fault record (CR2, x86 error
 * code) delivered through the fault vector the kernel installed at boot
 * (set_fault_vector; arch/x86/fault.c's exc_fault, as an IDT gate): the
 * kernel's page-fault handler may fix it (the access is retried), otherwise the access
 * fails with the outcome in the record: a signal for a user access, an oops
 * for a kernel access.
 *
 * Interrupt point: every access is one, as a CPU takes interrupts between
 * instructions, without a poll on the hit path: an IPI sender points the
 * target's fast-path table (mmk_tlb_table, machine.h) at a trap table whose
 * entries never match, so the target's next access misses and the slow path
 * serves the IPI (cpu_handle_ipis) after pointing the table back.
 * Correctness alone would not need this (a CPU that sends a TLB shootdown
 * waits until the target has served it), but without it a target running a
 * long loop of TLB hits would hold the sender up until its next miss
 * (docs/ARCHITECTURE.md, "Interrupt points").
 *
 * Accessors return 0, or -EFAULT when a fault could not be resolved; the
 * record is then mmu_last_fault() (per CPU).  Data accesses are relaxed
 * atomics of the access size when aligned (so concurrent simulated CPUs are
 * not C data races); misaligned and page-crossing accesses take the slow path.
 */
#ifndef MMKIT_MMU_H
#define MMKIT_MMU_H

#include <string.h>
#include "mmkit/machine.h"
#include "mmkit/paging.h"
#include "mmkit/tlb.h"

enum mmu_access { MMU_DATA_LOAD, MMU_DATA_STORE, MMU_INST_FETCH };

enum mmu_fault_kind {
	MMU_FAULT_NONE,
	MMU_FAULT_PF,  /* #PF: CR2 = address, error_code = X86_PF_* */
	MMU_FAULT_GP,  /* #GP: a non-canonical address */
	MMU_FAULT_MCE, /* a translation to a physical address outside RAM */
};

struct mmu_fault {
	enum mmu_fault_kind kind;
	unsigned long address;	  /* CR2 for #PF; the address for #GP/MCE */
	unsigned long error_code; /* X86_PF_* (#PF only) */
	u64 phys;		  /* MCE: the physical address outside RAM */
	int mmu_idx;		  /* MMU_KERNEL_IDX or MMU_USER_IDX */
	enum mmu_access access;
	bool fixup; /* kernel access with an exception fixup (copy_*_user) */
	/* Outcome of a fault that was not resolved. */
	int sig, si_code; /* user: the signal to deliver (0 = none yet) */
	unsigned long sig_addr;
	/* An oops was reported (kernel access, or a corrupted page table: RSVD). */
	bool oops;
	char msg[160]; /* the oops text (the `! OOPS` result) */
};

/* The result of a successful translation. */
struct mmu_translation {
	phys_addr_t phys;	   /* physical address of vaddr */
	u64 leaf;		   /* the leaf entry after the A/D update */
	int level;		   /* PT_PTE, PT_PMD (2M/4M), PT_PUD (1G) */
	bool user, writable, exec; /* rights for this mmu_idx (writable ignores D) */
	bool global;
};

/* Walk this CPU's page tables (from CR3) for one access, as the hardware
 * does: on success fill *t (A and, for a permitted store, D set) and return
 * 0; on failure fill f (kind, address, error_code) and return -EFAULT.  No
 * TLB lookup or fill, no fault delivery.  Runs on CPU c (c == this_cpu()). */
int mmu_translate(struct cpu *c, unsigned long vaddr, enum mmu_access access, int mmu_idx,
		  struct mmu_translation *t, struct mmu_fault *f);
/* One entry the hardware walk reads (mmu_walk_trace). */
struct mmu_walk_step {
	int hw;		     /* hardware level, 0 = top (pgmode.hw[]) */
	unsigned long index; /* the entry's index in its table */
	u64 entry;
	bool leaf;    /* the last level, or PSE where it makes a leaf */
	bool rsvd;    /* present with a reserved bit set (a #PF RSVD) */
	bool outside; /* present table entry pointing outside RAM */
	void *slot;   /* host pointer to the entry */
};
/* The entries the walk of va reads from the top-level table at host
 * pointer top, top first, as the hardware walker reads them but with no A/D
 * update, no permission check and no fault: it stops after a not-present
 * entry, a leaf, or a table entry pointing outside RAM (reserved bits are
 * flagged, not acted on).  Returns the number of steps (1..levels); steps
 * has room for PT_NR_LEVELS.  For views (the oops dump, `pagewalk`). */
int mmu_walk_trace(const void *top, unsigned long va, struct mmu_walk_step *steps);
/* Is vaddr canonical for the paging mode (64-bit), or < 4G (32-bit)? */
bool mmu_canonical(unsigned long vaddr);

/* ---- the trap entry ---- */
/* The fault vector: the kernel installs its fault entry at boot, as it loads
 * an IDT, and the MMU delivers every failed translation (#PF, #GP, MCE)
 * there on the faulting CPU.  It returns 0 when the fault was fixed (the
 * access is retried) or -EFAULT (the outcome is in f).  Without a vector
 * every fault is unresolved.  Returns the previous vector; set it at boot. */
typedef int (*fault_vector_t)(struct mmu_fault *f);
fault_vector_t set_fault_vector(fault_vector_t fn);
/* Deliver a fault another engine of this CPU took (the Unicorn CPU's #PF)
 * through the same vector: 0 fixed (retry the access) or -EFAULT. */
int mmu_raise_fault(struct mmu_fault *f);

/* ---- the kernel's side of the trap entry (arch/x86/fault.c) ---- */
/* The page-fault handler of the mm layer (do_user_addr_fault /
 * do_kern_addr_fault): called on the faulting CPU with no locks held, after
 * CR2 is set.  Return 0 when the fault was fixed (the access is retried), or
 * -EFAULT; for a user fault it sets f->sig/si_code/sig_addr (default: SIGSEGV
 * SEGV_MAPERR or SEGV_ACCERR), for a kernel fault the entry reports the oops
 * unless f->fixup. */
typedef int (*page_fault_handler_t)(struct mmu_fault *f);
/* Install the handler (NULL: none, every fault is unresolved).  Returns the
 * previous one.  Not synchronised with running accesses: set it at boot. */
page_fault_handler_t set_page_fault_handler(page_fault_handler_t fn);
/* The last unresolved fault of this CPU. */
struct mmu_fault *mmu_last_fault(void);
/* Number of oopses since boot (the [#N] of the oops banner). */
int oops_count(void);

/* ---- slow paths (machine/mmu.c) ---- */
int mmu_load_slow(int mmu_idx, unsigned long va, unsigned int size, u64 *val);
int mmu_store_slow(int mmu_idx, unsigned long va, unsigned int size, u64 val);
/* The host pointer of va's page for an access, filling the TLB; NULL and
 * -EFAULT in *err when it faults for good.  Serves IPIs first. */
u8 *mmu_probe(int mmu_idx, unsigned long va, enum mmu_access access, bool fixup, int *err);

/* ---- the fast path ---- */
/* The entry of va in this CPU's fast-path table (mmk_tlb_table: its TLB, or
 * the trap table while an IPI is pending): a byte offset straight from va
 * (QEMU tlb_index with a pre-shifted mask: shift, and, add). */
static __always_inline struct tlb_entry *tlb_entry_of(int mmu_idx, unsigned long va)
{
	uintptr_t off = (va >> (PAGE_SHIFT - TLB_ENTRY_BITS)) &
			((uintptr_t)(TLB_SIZE - 1) << TLB_ENTRY_BITS);
	struct tlb_entry *table = __atomic_load_n(&mmk_tlb_table[mmu_idx], __ATOMIC_RELAXED);

	return (struct tlb_entry *)((u8 *)table + off);
}

/* A hit needs the page's comparator to match va with its low bits under
 * the access size clear: misaligned accesses always miss (slow path).  The
 * hit path is: load the table pointer, index, compare, add, access.  It has
 * no interrupt poll: a pending IPI makes the comparison fail (the trap
 * table), and the slow path serves it. */
#define MMU_FAST_LOAD(bits)                                                                    \
	static __always_inline int mmk_read##bits(int mmu_idx, unsigned long va, u##bits *val) \
	{                                                                                      \
		struct tlb_entry *e = tlb_entry_of(mmu_idx, va);                               \
		if (likely(e->addr_read == (va & (PAGE_MASK | (bits / 8 - 1))))) {             \
			*val = __atomic_load_n((u##bits *)(va + e->addend), __ATOMIC_RELAXED); \
			return 0;                                                              \
		}                                                                              \
		u64 v = 0;                                                                     \
		int err = mmu_load_slow(mmu_idx, va, bits / 8, &v);                            \
		*val = (u##bits)v;                                                             \
		return err;                                                                    \
	}
#define MMU_FAST_STORE(bits)                                                                   \
	static __always_inline int mmk_write##bits(int mmu_idx, unsigned long va, u##bits val) \
	{                                                                                      \
		struct tlb_entry *e = tlb_entry_of(mmu_idx, va);                               \
		if (likely(e->addr_write == (va & (PAGE_MASK | (bits / 8 - 1))))) {            \
			__atomic_store_n((u##bits *)(va + e->addend), val, __ATOMIC_RELAXED);  \
			return 0;                                                              \
		}                                                                              \
		return mmu_store_slow(mmu_idx, va, bits / 8, val);                             \
	}
// clang-format off
MMU_FAST_LOAD(8)
MMU_FAST_LOAD(16)
MMU_FAST_LOAD(32)
MMU_FAST_LOAD(64)
MMU_FAST_STORE(8)
MMU_FAST_STORE(16)
MMU_FAST_STORE(32)
MMU_FAST_STORE(64)
// clang-format on
#undef MMU_FAST_LOAD
#undef MMU_FAST_STORE

/* Size-generic forms (size 1, 2, 4 or 8; the value zero-extended). */
int mmk_read(int mmu_idx, unsigned long va, unsigned int size, u64 *val);
int mmk_write(int mmu_idx, unsigned long va, unsigned int size, u64 val);
/* An instruction fetch of one byte at va (NX, U/S apply). */
int mmk_exec(int mmu_idx, unsigned long va);

/* ---- ranges: page by page through the TLB, IPIs served per page ---- */
/* Return 0, or -EFAULT with *done (may be NULL) = bytes completed before
 * the faulting page. */
int mmk_copy_from(int mmu_idx, void *dst, unsigned long va, size_t len, size_t *done);
int mmk_copy_to(int mmu_idx, unsigned long va, const void *src, size_t len, size_t *done);
int mmk_memset(int mmu_idx, unsigned long va, int byte, size_t len, size_t *done);
/* Compare the range with `byte`: 0 and *mismatch = -1UL when all equal, or
 * the first differing address and its byte in *got. */
int mmk_memchk(int mmu_idx, unsigned long va, int byte, size_t len, unsigned long *mismatch,
	       u8 *got);
/* Kernel access to user memory with exception fixup (no oops): Linux's
 * copy_from_user/copy_to_user, returning the bytes NOT copied. */
size_t copy_from_user(void *dst, unsigned long uva, size_t len);
size_t copy_to_user(unsigned long uva, const void *src, size_t len);

#endif
