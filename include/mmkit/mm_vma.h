/*
 * mm_vma.h - address spaces: VMA flags, the mmap family of system calls and
 * the VMA tree API (Linux include/linux/mm.h, mm/vma.h, uapi/asm-generic/mman*.h).
 *
 * Every function here that takes an mm expects the caller to hold
 * mm->mmap_lock as stated in its contract; the sys_* entry points take it
 * themselves and act on current->mm.  All return 0/-errno (or an address,
 * with errors as -errno cast to unsigned long, IS_ERR_VALUE).
 */
#ifndef MMKIT_MM_VMA_H
#define MMKIT_MM_VMA_H

#include <stdio.h>
#include "mmkit/mm_types.h"
#include "mmkit/mmap_lock.h"

/* ---- vm_flags (include/linux/mm.h, same bit values) ---- */
#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL
#define VM_UFFD_MISSING 0x00000200UL
#define VM_PFNMAP 0x00000400UL
#define VM_MAYBE_GUARD 0x00000800UL /* MADV_GUARD_INSTALL was used here (6.18.y) */
#define VM_UFFD_WP 0x00001000UL
#define VM_LOCKED 0x00002000UL
#define VM_IO 0x00004000UL
#define VM_SEQ_READ 0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_DONTCOPY 0x00020000UL
#define VM_DONTEXPAND 0x00040000UL
#define VM_LOCKONFAULT 0x00080000UL
#define VM_ACCOUNT 0x00100000UL
#define VM_NORESERVE 0x00200000UL
#define VM_HUGETLB 0x00400000UL
#define VM_SYNC 0x00800000UL
#define VM_ARCH_1 0x01000000UL
#define VM_WIPEONFORK 0x02000000UL
#define VM_DONTDUMP 0x04000000UL
#define VM_SOFTDIRTY 0x08000000UL
#define VM_MIXEDMAP 0x10000000UL
#define VM_HUGEPAGE 0x20000000UL
#define VM_NOHUGEPAGE 0x40000000UL
#define VM_MERGEABLE 0x80000000UL
#define VM_DROPPABLE (1UL << 40)

#define VM_STACK VM_GROWSDOWN
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)
/* Sticky flags do not prevent a merge; the merged VMA has them if any part
 * had them (Linux VM_STICKY, VM_IGNORE_MERGE). */
#define VM_STICKY (VM_SOFTDIRTY | VM_MAYBE_GUARD)
#define VM_IGNORE_MERGE VM_STICKY
/* Fork copies the page tables of these (they cannot be refaulted). */
#define VM_COPY_ON_FORK (VM_PFNMAP | VM_MIXEDMAP | VM_UFFD_WP | VM_MAYBE_GUARD)
#define VM_STARTGAP_FLAGS (VM_GROWSDOWN)
#define VM_DATA_DEFAULT_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define VM_STACK_FLAGS (VM_STACK | VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT)

/* ---- uapi constants (x86-64 values) ---- */
#define MMK_PROT_READ 0x1
#define MMK_PROT_WRITE 0x2
#define MMK_PROT_EXEC 0x4
#define MMK_PROT_SEM 0x8
#define MMK_PROT_GROWSDOWN 0x01000000
#define MMK_PROT_GROWSUP 0x02000000

#define MMK_MAP_SHARED 0x01
#define MMK_MAP_PRIVATE 0x02
#define MMK_MAP_SHARED_VALIDATE 0x03
#define MMK_MAP_DROPPABLE 0x08
#define MMK_MAP_TYPE 0x0f
#define MMK_MAP_FIXED 0x10
#define MMK_MAP_ANONYMOUS 0x20
#define MMK_MAP_32BIT 0x40
#define MMK_MAP_ABOVE4G 0x80
#define MMK_MAP_GROWSDOWN 0x0100
#define MMK_MAP_DENYWRITE 0x0800
#define MMK_MAP_EXECUTABLE 0x1000
#define MMK_MAP_LOCKED 0x2000
#define MMK_MAP_NORESERVE 0x4000
#define MMK_MAP_POPULATE 0x8000
#define MMK_MAP_NONBLOCK 0x10000
#define MMK_MAP_STACK 0x20000
#define MMK_MAP_HUGETLB 0x40000
#define MMK_MAP_SYNC 0x80000
#define MMK_MAP_HUGE_SHIFT 26 /* MAP_HUGETLB: log2 of the page size */
/* The flags MAP_SHARED_VALIDATE of a file accepts (Linux LEGACY_MAP_MASK). */
#define MMK_LEGACY_MAP_MASK                                                                   \
	(0x01 | 0x02 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | \
	 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x4000000 | (0x3fUL << 26))
#define MMK_MAP_FIXED_NOREPLACE 0x100000
#define MMK_MAP_UNINITIALIZED 0x4000000

#define MMK_MREMAP_MAYMOVE 1
#define MMK_MREMAP_FIXED 2
#define MMK_MREMAP_DONTUNMAP 4

#define MMK_MLOCK_ONFAULT 0x01
#define MMK_MCL_CURRENT 1
#define MMK_MCL_FUTURE 2
#define MMK_MCL_ONFAULT 4

#define MMK_MS_ASYNC 1
#define MMK_MS_INVALIDATE 2
#define MMK_MS_SYNC 4

enum {
	MMK_MADV_NORMAL = 0,
	MMK_MADV_RANDOM = 1,
	MMK_MADV_SEQUENTIAL = 2,
	MMK_MADV_WILLNEED = 3,
	MMK_MADV_DONTNEED = 4,
	MMK_MADV_FREE = 8,
	MMK_MADV_REMOVE = 9,
	MMK_MADV_DONTFORK = 10,
	MMK_MADV_DOFORK = 11,
	MMK_MADV_MERGEABLE = 12,
	MMK_MADV_UNMERGEABLE = 13,
	MMK_MADV_HUGEPAGE = 14,
	MMK_MADV_NOHUGEPAGE = 15,
	MMK_MADV_DONTDUMP = 16,
	MMK_MADV_DODUMP = 17,
	MMK_MADV_WIPEONFORK = 18,
	MMK_MADV_KEEPONFORK = 19,
	MMK_MADV_COLD = 20,
	MMK_MADV_PAGEOUT = 21,
	MMK_MADV_POPULATE_READ = 22,
	MMK_MADV_POPULATE_WRITE = 23,
	MMK_MADV_DONTNEED_LOCKED = 24,
	MMK_MADV_COLLAPSE = 25,
	MMK_MADV_HWPOISON = 100,
	MMK_MADV_SOFT_OFFLINE = 101,
	MMK_MADV_GUARD_INSTALL = 102,
	MMK_MADV_GUARD_REMOVE = 103,
};

#define PMD_SIZE_4K (2UL << 20) /* x86-64 / PAE PMD size */
#define DEFAULT_MAX_MAP_COUNT 65530
#define STACK_GUARD_GAP_PAGES 256
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)

extern int sysctl_max_map_count;
extern unsigned long stack_guard_gap; /* bytes */
/* The reference kernel's CONFIG_LSM_MMAP_MIN_ADDR (Debian/Fedora: 65536). */
#define CONFIG_LSM_MMAP_MIN_ADDR 65536UL
extern unsigned long dac_mmap_min_addr; /* vm.mmap_min_addr */
extern unsigned long mmap_min_addr;	/* max(dac_mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR) */
void update_mmap_min_addr(void);	/* after dac_mmap_min_addr changed */
/* Overcommit (mm/util.c): the vm.overcommit_* and *_reserve_kbytes knobs. */
#define OVERCOMMIT_GUESS 0
#define OVERCOMMIT_ALWAYS 1
#define OVERCOMMIT_NEVER 2
extern int sysctl_overcommit_memory;	       /* 0 guess, 1 always, 2 never */
extern int sysctl_overcommit_ratio;	       /* percent of RAM in CommitLimit (50) */
extern unsigned long sysctl_overcommit_kbytes; /* CommitLimit's RAM part in kB, if not 0 */
extern unsigned long sysctl_admin_reserve_kbytes, sysctl_user_reserve_kbytes;
extern _Atomic long shmem_committed; /* shmem's part of Committed_AS (verify) */
/* Committed_AS += pages / -= pages (Linux vm_acct_memory, vm_unacct_memory). */
void vm_acct_memory(long pages);
void vm_unacct_memory(long pages);
/* CommitLimit in pages (overcommit_kbytes or RAM * ratio / 100, plus swap). */
unsigned long vm_commit_limit(void);
/* Committed_AS in pages. */
unsigned long vm_memory_committed(void);
/* Linux __vm_enough_memory: charge pages to Committed_AS and decide by
 * vm.overcommit_memory; on refusal the charge is taken back, the failure
 * logged, and -ENOMEM returned.  mm: the caller's (its user reserve), may
 * be NULL.  Any context; no lock needed. */
int __vm_enough_memory(const struct mm_struct *mm, long pages, bool cap_sys_admin);

/* Paging-mode dependent user layout (x86: TASK_SIZE, STACK_TOP, ...). */
unsigned long mmk_task_size(void);
unsigned long mmk_pmd_size(void);
unsigned long default_stack_top(void); /* STACK_TOP: the top of the 47-bit window */

static inline unsigned long vma_pages(const struct vm_area_struct *v)
{
	return (v->vm_end - v->vm_start) >> PAGE_SHIFT;
}
/* May vma be mlocked (Linux vma_supports_mlock)?  Special, droppable and
 * hugetlb mappings never get VM_LOCKED. */
static inline bool vma_supports_mlock(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_SPECIAL | VM_DROPPABLE | VM_HUGETLB));
}
/* Change the flags of a VMA that is in the tree (Linux vm_flags_reset,
 * vm_flags_set).  Caller holds mmap_lock for writing.  The store is a
 * WRITE_ONCE: walkers of a file's i_mmap (unmap_mapping_pages, rmap) read
 * vm_flags under i_mmap_rwsem alone, as in Linux, with READ_ONCE. */
static inline void vm_flags_reset(struct vm_area_struct *vma, unsigned long flags)
{
	WRITE_ONCE(vma->vm_flags, flags);
}
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	WRITE_ONCE(vma->vm_flags, vma->vm_flags | flags);
}
static inline bool vma_is_anonymous(const struct vm_area_struct *v)
{
	return !v->vm_ops && !v->vm_file;
}
static inline bool is_exec_mapping(unsigned long f)
{
	return (f & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC;
}
static inline bool is_stack_mapping(unsigned long f) { return (f & VM_STACK) == VM_STACK; }
static inline bool is_data_mapping(unsigned long f)
{
	return (f & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;
}
/* The lowest address a neighbour may end at (stack guard gap). */
static inline unsigned long vm_start_gap(const struct vm_area_struct *v)
{
	unsigned long s = v->vm_start;

	if (v->vm_flags & VM_GROWSDOWN) {
		s -= stack_guard_gap;
		if (s > v->vm_start)
			s = 0;
	}
	return s;
}
static inline unsigned long vm_end_gap(const struct vm_area_struct *v) { return v->vm_end; }

/* ---- the VMA tree (mm/vma_tree.c); caller holds mmap_lock ---- */
void vt_init(struct vma_tree *t);
/* Make sure `n` insertions can be done without allocating: 0 or -ENOMEM. */
int vt_preallocate(struct vma_tree *t, int n);
void vt_destroy(struct vma_tree *t); /* the tree must be empty */
/* Lowest VMA with vm_end > addr, or NULL. */
struct vm_area_struct *vt_find(struct vma_tree *t, unsigned long addr);
/* Insert a VMA that overlaps none; vt_preallocate(t, 1) must have succeeded. */
void vt_insert(struct vma_tree *t, struct vm_area_struct *vma);
void vt_erase(struct vma_tree *t, struct vm_area_struct *vma);
/* As vt_erase, leaving the successor's gap stale: the caller then moves the
 * predecessor's end up to the successor and calls vt_update on it. */
void __vt_erase(struct vma_tree *t, struct vm_area_struct *vma);
/* vma was cut at new's edge (ranges set, tree not yet told): insert new
 * next to it, below or above.  vt_preallocate(t, 1) must have succeeded. */
void vt_split_insert(struct vma_tree *t, struct vm_area_struct *vma, struct vm_area_struct *new,
		     bool new_below);
/* vma->vm_start / vm_end changed without crossing a neighbour: fix keys and gaps. */
void vt_update(struct vma_tree *t, struct vm_area_struct *vma);
/* The highest (vt_gap_highest) or lowest gap whose part inside [low, high) is at least len long.
 * Returns 0 with clipped to [low, high) in start and end, or -ENOMEM. */
int vt_gap_highest(const struct vma_tree *t, unsigned long low, unsigned long high,
		   unsigned long len, unsigned long *start, unsigned long *end);
int vt_gap_lowest(const struct vma_tree *t, unsigned long low, unsigned long high,
		  unsigned long len, unsigned long *start, unsigned long *end);
/* Check keys, gaps, order, parent links and the list; report through cb. */
int vt_validate(const struct vma_tree *t, void (*report)(void *arg, const char *msg), void *arg);

/* ---- VMAs (mm/vma.c) ---- */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
/* Caller holds mmap_lock (read or write). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
#define for_each_vma(mm, v) for (v = (mm)->mm_mt.first; v; v = v->vm_next)

/* The merge/split engine; caller holds mmap_lock for write. */
int vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_link_prepared(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink_free(struct mm_struct *mm, struct vm_area_struct *vma);
/* Free a VMA that is not (or no longer) in any tree, with its file and anon links. */
void vma_free_detached(struct vm_area_struct *vma);
/* A file VMA on its file's mapping->i_mmap (include/mmkit/mm_types.h):
 * vma_prepare_file makes sure the address_space exists (0 or -ENOMEM),
 * vma_link_file adds a VMA just put into its mm's tree, unlink_file_vma
 * takes it off before its page tables may be freed (no-op if not on it). */
int vma_prepare_file(struct vm_area_struct *vma);
void vma_link_file(struct vm_area_struct *vma);
void unlink_file_vma(struct vm_area_struct *vma);
/* Around a change of a linked VMA's vm_start/vm_end/vm_pgoff: its file's
 * i_mmap_rwsem for write (no-op without a file). */
void vma_lock_file(struct vm_area_struct *vma);
void vma_unlock_file(struct vm_area_struct *vma);
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below);
int __split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below);
/* A new range [start,end) with these properties: merge it into prev/next if
 * Linux would.  src is the VMA the range is copied from (mremap), whose
 * anon_vma the range carries, or NULL.  Returns the VMA now covering the
 * range, or NULL (no merge; also when an anon_vma link could not be made). */
struct vm_area_struct *vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev,
					   struct vm_area_struct *next, unsigned long start,
					   unsigned long end, unsigned long vm_flags,
					   unsigned long pgoff, struct file *file,
					   struct vm_area_struct *src);
/* vma_merge_new_range for mremap's copy_vma: [start,end) takes src's
 * properties, and it does not merge into a neighbour without an anon_vma
 * when src is a fork child (its anon_vma chain is not singular), as Linux's
 * vma_merge_copied_range (vmg->copied_from). */
struct vm_area_struct *vma_merge_copied_range(struct vm_area_struct *prev,
					      struct vm_area_struct *next, unsigned long start,
					      unsigned long end, unsigned long pgoff,
					      struct vm_area_struct *src);
/* Change [start,end) of vma (within it) to new_flags: merge or split as
 * Linux's vma_modify_flags.  Returns the VMA covering [start,end) with the
 * old flags still set (the caller sets *new_flags, to which a merge added
 * the neighbour's sticky flags), or an -errno pointer. */
struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					unsigned long *new_flags);
#define VMA_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define VMA_ERRNO(p) ((int)(long)(p))
void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages);
/* The PTE protection bits for vm_flags (arch/x86 protection_map). */
pgprot_t vm_get_page_prot(unsigned long vm_flags);
bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long npages);
/* __vm_enough_memory for current (security_vm_enough_memory_mm): CHARGES
 * pages on success (0); the caller releases them with vm_unacct_memory when
 * the mapping does not happen or goes.  -ENOMEM when refused. */
int vm_enough_memory(long pages);
/* Write-notify (mm/mmap.c): a shared writable mapping of a file that writes
 * back gets read-only PTEs so that the first write to a clean page faults
 * (page_mkwrite).  vma_set_page_prot sets vm_page_prot from vm_flags so. */
bool vma_wants_writenotify(const struct vm_area_struct *vma);
void vma_set_page_prot(struct vm_area_struct *vma);
/* verify: the whole address space of mm (caller holds mmap_lock). */
int validate_mm(struct mm_struct *mm, FILE *out, const char *who);

/* ---- rmap objects (mm/rmap.c) ---- */
int anon_vma_prepare(struct vm_area_struct *vma);
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
void unlink_anon_vmas(struct vm_area_struct *vma);
/* Give vma an anon_vma the way a first write fault would (reusing a
 * compatible neighbour's, find_mergeable_anon_vma).  0 or -ENOMEM. */
int __anon_vma_prepare(struct vm_area_struct *vma);

/* ---- files (fs/file_table.c, mm/shmem.c) ---- */
/* A new file object with one reference (fs/file_table.c).  NULL on -ENOMEM. */
struct file *file_id_get(unsigned int major, unsigned int minor, unsigned long ino,
			 const char *path);
/* Take a reference (Linux get_file, inline as in include/linux/fs.h). */
static inline struct file *get_file(struct file *f)
{
	atomic_fetch_add(&f->f_count, 1);
	return f;
}
/* Drop a reference; the last one releases the file through its f_op (fs/
 * frees the struct, its path and its page cache: __fput), so the refcount
 * lives with struct file and mm/ names no fs/ function. */
static inline void fput(struct file *f)
{
	if (atomic_fetch_sub(&f->f_count, 1) == 1)
		f->f_op->release(f);
}
/* Is the file unlinked (maps: " (deleted)")?  (fs/file_table.c) */
bool file_deleted(const struct file *f);
int shmem_zero_setup(struct vm_area_struct *vma);

/* Special mappings ([vdso], [vvar], ...; mm/mmap.c). */
/* Was vma made by _install_special_mapping ([vdso], [vvar], ...)? */
bool vma_is_special_mapping(const struct vm_area_struct *vma);
struct vm_area_struct *_install_special_mapping(struct mm_struct *mm, unsigned long addr,
						unsigned long len, unsigned long vm_flags,
						const struct vm_special_mapping *sm);

/* ---- system calls (mm/mmap.c, mprotect.c, mremap.c, madvise.c, mlock.c, msync.c).
 * They act on current->mm and take mmap_lock themselves. ---- */
unsigned long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		       unsigned long flags, long fd, unsigned long off);
int sys_munmap(unsigned long addr, unsigned long len);
int sys_mprotect(unsigned long start, unsigned long len, unsigned long prot);
unsigned long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
			 unsigned long flags, unsigned long new_addr);
unsigned long sys_brk(unsigned long brk);
int sys_madvise(unsigned long start, unsigned long len, int advice);
int sys_mlock(unsigned long start, unsigned long len);
int sys_mlock2(unsigned long start, unsigned long len, int flags);
int sys_munlock(unsigned long start, unsigned long len);
int sys_mlockall(int flags);
int sys_munlockall(void);
int sys_msync(unsigned long start, unsigned long len, int flags);
/* mincore(2) (mm/mincore.c): vec[i] = 1 when page i of [start, start + len)
 * is resident.  0, -EINVAL (start unaligned) or -ENOMEM (a gap; vec holds
 * the pages before it).  Takes mmap_lock for read. */
long sys_mincore(unsigned long start, size_t len, unsigned char *vec);

/* In-kernel forms (caller holds mmap_lock for write). */
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len, unsigned long prot,
		      unsigned long flags, unsigned long vm_flags, unsigned long pgoff,
		      unsigned long *populate);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* unlock: a success returns with mmap_lock released (downgraded first). */
int do_vmi_munmap(struct mm_struct *mm, unsigned long start, unsigned long len, bool unlock);
unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags, unsigned long vm_flags);
unsigned long thp_get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				    unsigned long pgoff, unsigned long flags);
int do_brk_flags(struct mm_struct *mm, struct vm_area_struct *brkvma, unsigned long addr,
		 unsigned long len, unsigned long vm_flags);
/* Anonymous memory at [addr, addr + request) for exec's bss (Linux
 * vm_brk_flags): whatever is there is unmapped first.  vm_flags may hold
 * VM_EXEC only.  Takes mmap_lock for write.  0, -ENOMEM (beyond TASK_SIZE,
 * or no memory), -EAGAIN (RLIMIT_MEMLOCK with mlockall(MCL_FUTURE)) or
 * -EINVAL. */
int vm_brk_flags(unsigned long addr, unsigned long request, unsigned long vm_flags);
/* Prefault (mm/gup.c __mm_populate; mm_populate ignores errors). */
int __mm_populate(unsigned long start, unsigned long len, bool ignore_errors);
void mm_populate(unsigned long start, unsigned long len);
/* Grow a VM_GROWSDOWN VMA down to address (fault path).  0 or -errno. */
int expand_downwards(struct vm_area_struct *vma, unsigned long address);
/* The mmap layout Linux picks at exec with ASLR off (arch_pick_mmap_layout). */
void arch_pick_mmap_layout(struct mm_struct *mm, unsigned long stack_rlimit);
unsigned long mmap_base_for(unsigned long task_size, unsigned long stack_rlimit);

#endif
