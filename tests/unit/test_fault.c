/*
 * test_fault.c - the page-fault path, COW, fork and exit, under threads on
 * several simulated CPUs and under allocation failures.
 *
 *   test_shootdown_cow       a thread of A on CPU 1 keeps reading a page
 *                            while A on CPU 0 breaks COW on it: once the
 *                            write returns, CPU 1 must see the new page
 *                            (its TLB entry for the old frame was shot down)
 *   test_shootdown_munmap    ... and after munmap on CPU 0, CPU 1 faults
 *   test_shootdown_mprotect  ... and after mprotect(PROT_READ), CPU 1's
 *                            writes fault
 *   test_fault_injection     every allocation site of the fault path (user
 *                            page, page table, anon_vma, anon_vma_chain,
 *                            page cache, xa_node, address_space) failing at
 *                            its Nth call: faults end in SIGBUS (VM_FAULT_OOM,
 *                            see arch/x86/mm_fault.c), calls in -ENOMEM;
 *                            then verify passes and, once every process has
 *                            exited, every page is free again
 *   test_exit_baseline       fork/threads/kthread lazy mm: all pages back
 *   test_new_pages_zeroed    frames freed full of 0xa5 come back zeroed to
 *                            the write fault and to the zero page's COW
 *   test_punch_hole_race     B (CPU 1) keeps writing, reading and splitting
 *                            (mprotect) its mapping of a shmem object while A
 *                            (CPU 0) punches holes in it with MADV_REMOVE,
 *                            which unmaps them from B's page tables through
 *                            the file's i_mmap without B's mmap_lock; B only
 *                            ever reads its value or zero, and after a last
 *                            punch of everything, zeros
 *
 * The concurrent tests are the TSan targets: the simulated CPUs are host
 * threads and the reader loops run on CPU 1 while CPU 0 changes mappings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/rmap.h"
#include "mmkit/mmzone.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/slab.h"
#include "task_helpers.h"

#define U MMU_USER_IDX

/* The zero page is allocated on first use and kept: take it first, so
 * free-page counts can be compared across a test. */
static void warm_up_zero_page(void)
{
	struct task_struct *w = spawn("W");
	unsigned long m;
	u64 v;

	context_switch(w);
	m = sys_mmap(0, PAGE_SIZE, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	assert_int_equal(mmk_read(U, m, 8, &v), 0);
	task_exit(w);
}

/* Free pages with every slab cache shrunk and the per-CPU lists drained
 * (neither counts as free in NR_FREE_PAGES): tasks, mm_structs, VMAs, tree
 * nodes, files (and their kmalloc'ed names), anon_vmas and the page cache's
 * objects all come from slab caches. */
static unsigned long free_pages_now(void)
{
	struct kmem_cache *s, *caches[256];
	int n = 0;

	slab_mutex_lock();
	for (s = slab_cache_first(); s && n < (int)ARRAY_SIZE(caches); s = slab_cache_next(s))
		caches[n++] = s;
	slab_mutex_unlock();
	while (n--)
		kmem_cache_shrink(caches[n]); /* IPIs: not under slab_mutex */
	lru_add_drain_all();		      /* LRU batches hold references */
	drain_all_pages();
	return global_zone_page_state_snapshot(NR_FREE_PAGES);
}

/* ------------------------------------------------------- shootdown -- */

struct reader {
	struct task_struct *task;
	unsigned long addr;
	_Atomic int phase; /* set by CPU 0: 1 = new value visible */
	_Atomic int stop;
	_Atomic int started;
	u64 want;	   /* value required from phase 1 on */
	_Atomic int stale; /* reads that saw the old value in phase 1 */
	_Atomic long reads;
	_Atomic int faulted; /* the read faulted (munmap phase) */
	bool write;	     /* store instead of load (mprotect phase) */
};

static void reader_loop(void *info)
{
	struct reader *r = info;

	context_switch(r->task);
	atomic_store(&r->started, 1);
	while (!atomic_load(&r->stop)) {
		int phase = atomic_load(&r->phase);
		u64 v = 0;
		int err;

		cpu_handle_ipis(); /* an interrupt point, as any CPU has */
		err = r->write ? mmk_write(U, r->addr, 8, r->want) : mmk_read(U, r->addr, 8, &v);
		atomic_fetch_add(&r->reads, 1);
		if (err) { /* legal once CPU 0 started changing the mapping */
			atomic_store(&r->faulted, 1);
			break;
		}
		/* phase was read before the access: CPU 0's call had returned,
		 * so a stale translation must be gone */
		if (phase && (r->write || v != r->want))
			atomic_fetch_add(&r->stale, 1);
	}
}

/* A (CPU 0) with thread T reading addr on CPU 1; returns T's reader. */
static unsigned long setup_shared_page(struct task_struct **a, struct task_struct **t)
{
	unsigned long addr;

	*a = spawn("A");
	context_switch(*a);
	addr = sys_mmap(0, PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	assert_false(IS_ERR_VALUE(addr));
	assert_int_equal(mmk_write(U, addr, 8, 1), 0);
	*t = task_create_thread(*a, "T");
	assert_non_null(*t);
	return addr;
}

static void start_reader(struct reader *r)
{
	cpu_call_async(1, reader_loop, r);
	while (!atomic_load(&r->started) || atomic_load(&r->reads) < 100)
		cpu_handle_ipis();
}

static void stop_reader(struct reader *r)
{
	atomic_store(&r->stop, 1);
	cpu_call_wait(1);
}

/* CPU 0's change has returned: publish it, let the reader do at least
 * `more` accesses after that (or stop at its fault), then stop it. */
static void phase_and_wait(struct reader *r, long more)
{
	long from;

	atomic_store(&r->phase, 1);
	from = atomic_load(&r->reads);
	while (atomic_load(&r->reads) < from + more && !atomic_load(&r->faulted))
		cpu_handle_ipis();
	stop_reader(r);
}

static void teardown_all(struct task_struct *a, struct task_struct *t, struct task_struct *b)
{
	if (b)
		task_exit(b);
	task_exit(t);
	task_exit(a);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

static void test_shootdown_cow(void **state)
{
	struct task_struct *a, *t, *b;
	struct reader r = { 0 };
	struct mm_struct *child;

	(void)state;
	boot_cpus(2);
	r.addr = setup_shared_page(&a, &t);
	r.task = t;
	child = dup_mm(a->mm); /* the page is now shared, read-only */
	assert_non_null(child);
	b = task_fork(a, "B", child);
	assert_non_null(b);
	start_reader(&r);
	r.want = 2;
	assert_int_equal(mmk_write(U, r.addr, 8, 2), 0); /* COW on CPU 0 */
	phase_and_wait(&r, 20000);
	assert_int_equal(atomic_load(&r.stale), 0);
	assert_int_equal(atomic_load(&r.faulted), 0); /* a read never faults */
	context_switch(b);
	{
		u64 v;

		assert_int_equal(mmk_read(U, r.addr, 8, &v), 0);
		assert_int_equal(v, 1); /* the child kept the old page */
	}
	teardown_all(a, t, b);
}

static void test_shootdown_munmap(void **state)
{
	struct task_struct *a, *t;
	struct reader r = { 0 };

	(void)state;
	boot_cpus(2);
	r.addr = setup_shared_page(&a, &t);
	r.task = t;
	r.want = 1;
	start_reader(&r);
	assert_int_equal(sys_munmap(r.addr, PAGE_SIZE), 0);
	phase_and_wait(&r, 20000); /* the reader stops at its fault */
	assert_int_equal(atomic_load(&r.faulted), 1);
	assert_int_equal(atomic_load(&r.stale), 0);
	context_switch(a);
	teardown_all(a, t, NULL);
}

static void test_shootdown_mprotect(void **state)
{
	struct task_struct *a, *t;
	struct reader r = { 0 };

	(void)state;
	boot_cpus(2);
	r.addr = setup_shared_page(&a, &t);
	r.task = t;
	r.want = 7;
	r.write = true;
	start_reader(&r);
	assert_int_equal(sys_mprotect(r.addr, PAGE_SIZE, MMK_PROT_READ), 0);
	phase_and_wait(&r, 20000);
	assert_int_equal(atomic_load(&r.faulted), 1);
	assert_int_equal(atomic_load(&r.stale), 0);
	context_switch(a);
	teardown_all(a, t, NULL);
}

/* ------------------------------------------------ fault injection -- */

/* A workload touching every allocation site: anonymous and zero-page
 * faults, shmem, fork + COW, populate.  Returns the number of failed steps. */
static int workload(struct task_struct *a)
{
	unsigned long m, s;
	struct mm_struct *cm;
	struct task_struct *b;
	int fails = 0;
	u64 v;

	context_switch(a);
	m = sys_mmap(0, 16 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	s = sys_mmap(0, 4 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(m) || IS_ERR_VALUE(s))
		return 1;
	fails += mmk_read(U, m, 8, &v) != 0;
	fails += mmk_memset(U, m + PAGE_SIZE, 0x5a, 8 * PAGE_SIZE, NULL) != 0;
	fails += mmk_memset(U, s, 0x66, 4 * PAGE_SIZE, NULL) != 0;
	fails += sys_madvise(m + 10 * PAGE_SIZE, 4 * PAGE_SIZE, MMK_MADV_POPULATE_WRITE) != 0;
	cm = dup_mm(a->mm);
	b = cm ? task_fork(a, "B", cm) : NULL;
	if (!b) {
		if (cm)
			mmput(cm);
		return fails + 1;
	}
	fails += mmk_write(U, m + PAGE_SIZE, 8, 9) != 0; /* COW in the parent */
	context_switch(b);
	fails += mmk_write(U, m + 2 * PAGE_SIZE, 8, 9) != 0; /* COW in the child */
	fails += mmk_read(U, s, 8, &v) != 0;		     /* shmem in the child */
	task_exit(b);
	context_switch(a);
	return fails;
}

static const char *const sites[] = {
	"user_page_alloc", "pgtable_alloc", "anon_vma_alloc",	   "anon_vma_chain_alloc",
	"pagecache_alloc", "xa_node_alloc", "address_space_alloc", "mm_alloc",
};

static void check_one_failure(const char *site, long nth, bool sticky, int *seen_failure)
{
	struct task_struct *a;
	unsigned long before;
	int fails;

	boot_cpus(1);
	warm_up_zero_page();
	before = free_pages_now();
	a = spawn("A");
	fault_inject_set(site, nth, sticky, 0);
	fails = workload(a);
	fault_inject_clear_all();
	*seen_failure += fails > 0;
	assert_int_equal(verify_all(stderr), 0);
	task_exit(a);
	assert_int_equal(verify_all(stderr), 0);
	assert_int_equal(free_pages_now(), before); /* nothing leaked */
	machine_shutdown();
}

static void test_fault_injection(void **state)
{
	size_t i;
	long nth;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sites); i++) {
		int seen = 0;

		for (nth = 1; nth <= 6; nth++) {
			check_one_failure(sites[i], nth, false, &seen);
			check_one_failure(sites[i], nth, true, &seen);
		}
		/* every site is reached by the workload and its failure observed */
		if (strcmp(sites[i], "mm_alloc"))
			assert_true(seen > 0);
	}
}

/* ------------------------------------------------- punch-hole race -- */

#define PUNCH_PAGES 64

struct puncher_victim {
	struct task_struct *task;
	unsigned long addr;
	_Atomic int stop;
	_Atomic long rounds;
	_Atomic int bad; /* a read that was neither 0 nor the value */
};

static void victim_loop(void *info)
{
	struct puncher_victim *b = info;
	unsigned long i = 0;

	context_switch(b->task);
	while (!atomic_load(&b->stop)) {
		unsigned long a = b->addr + (i % PUNCH_PAGES) * PAGE_SIZE;
		u64 v = 0;

		cpu_handle_ipis();
		if (mmk_write(U, a, 8, 0x5a5a) || mmk_read(U, a, 8, &v))
			atomic_fetch_add(&b->bad, 1);
		else if (v != 0x5a5a && v != 0)
			atomic_fetch_add(&b->bad, 1);
		if (i % 97 == 0) { /* split, then merge again: bounds change */
			sys_mprotect(b->addr + 8 * PAGE_SIZE, 8 * PAGE_SIZE, MMK_PROT_READ);
			sys_mprotect(b->addr + 8 * PAGE_SIZE, 8 * PAGE_SIZE,
				     MMK_PROT_READ | MMK_PROT_WRITE);
		}
		i++;
		atomic_fetch_add(&b->rounds, 1);
	}
}

static void test_punch_hole_race(void **state)
{
	struct puncher_victim b = { 0 };
	struct task_struct *a;
	unsigned long m, n;
	u64 v;

	(void)state;
	boot_cpus(2);
	a = spawn("A");
	context_switch(a);
	m = sys_mmap(0, PUNCH_PAGES * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	assert_false(IS_ERR_VALUE(m));
	b.task = task_fork(a, "B", dup_mm(a->mm));
	assert_non_null(b.task);
	b.addr = m;
	cpu_call_async(1, victim_loop, &b);
	for (n = 0; n < 2000 || atomic_load(&b.rounds) < 20000; n++) {
		unsigned long first = (n * 7) % PUNCH_PAGES, len = 1 + (n % 5);

		cpu_handle_ipis();
		if (first + len > PUNCH_PAGES)
			len = PUNCH_PAGES - first;
		assert_int_equal(
			sys_madvise(m + first * PAGE_SIZE, len * PAGE_SIZE, MMK_MADV_REMOVE), 0);
	}
	atomic_store(&b.stop, 1);
	cpu_call_wait(1);
	assert_int_equal(atomic_load(&b.bad), 0);
	assert_int_equal(sys_madvise(m, PUNCH_PAGES * PAGE_SIZE, MMK_MADV_REMOVE), 0);
	context_switch(b.task);
	for (n = 0; n < PUNCH_PAGES; n++) {
		assert_int_equal(mmk_read(U, m + n * PAGE_SIZE, 8, &v), 0);
		assert_int_equal(v, 0);
	}
	assert_int_equal(verify_all(stderr), 0);
	task_exit(b.task);
	task_exit(a);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* -------------------------------------------- truncation vs fault -- */

/* A fault that looked a page up before truncation took it out of the cache
 * must not map it (the page lock and the recheck of page->mapping, as
 * Linux's shmem_get_folio): T's fault waits for the page A holds locked
 * while A truncates it, then finds the hole and maps a new zeroed page,
 * not the old one. */
struct late_reader {
	struct task_struct *task;
	unsigned long addr;
	u64 v;
	int err;
};

static void late_read(void *info)
{
	struct late_reader *r = info;

	context_switch(r->task);
	r->err = mmk_read(U, r->addr, 8, &r->v);
}

static void test_truncate_under_fault(void **state)
{
	struct timespec wait = { 0, 50 * 1000 * 1000 };
	struct late_reader r = { 0 };
	struct vm_area_struct *vma;
	struct address_space *m;
	struct task_struct *a;
	struct page *page;

	(void)state;
	boot_cpus(2);
	a = spawn("A");
	context_switch(a);
	r.addr = sys_mmap(0, PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			  MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	assert_false(IS_ERR_VALUE(r.addr));
	assert_int_equal(mmk_write(U, r.addr, 8, 0x1111), 0);
	/* unmapped; the page stays in the shmem object's cache */
	assert_int_equal(sys_madvise(r.addr, PAGE_SIZE, MMK_MADV_DONTNEED), 0);
	mmap_read_lock(a->mm);
	vma = find_vma(a->mm, r.addr);
	mmap_read_unlock(a->mm);
	m = vma->vm_file->f_mapping;
	page = filemap_get_page(m, linear_page_index(vma, r.addr));
	assert_non_null(page);
	r.task = task_create_thread(a,
				    "T"); /* before the page lock: tasklist_lock is not under it */
	assert_non_null(r.task);
	lock_page(page);
	cpu_call_async(1, late_read, &r);
	nanosleep(&wait, NULL); /* T finds the page and waits for its lock */
	truncate_inode_page(m, page);
	unlock_page(page);
	cpu_call_wait(1);
	put_page(page);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.v, 0);
	assert_int_equal(verify_all(stderr), 0);
	task_exit(r.task);
	task_exit(a);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* ------------------------------------------------------ zero fill -- */

#define NZ 64

static u64 user_phys(unsigned long va)
{
	struct mmu_translation t;
	struct mmu_fault f;

	assert_int_equal(mmu_translate(this_cpu(), va, MMU_DATA_LOAD, U, &t, &f), 0);
	return t.phys & PAGE_MASK;
}

/* Frames freed with garbage in them come back zeroed to both anonymous
 * fault paths that allocate: the write fault (do_anonymous_page) and the
 * COW of the zero page after a read (wp_page_copy).  The new mappings must
 * reuse the old frames (the per-CPU list is LIFO), or the check is empty. */
static void test_new_pages_zeroed(void **state)
{
	struct task_struct *a;
	u64 old[NZ], v;
	unsigned long m;

	(void)state;
	boot_cpus(1);
	a = spawn("A");
	context_switch(a);
	for (int round = 0; round < 2; round++) {
		int reused = 0;

		m = sys_mmap(0, NZ * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
		assert_int_equal(mmk_memset(U, m, 0xa5, NZ * PAGE_SIZE, NULL), 0);
		for (int i = 0; i < NZ; i++)
			old[i] = user_phys(m + i * PAGE_SIZE);
		assert_int_equal(sys_munmap(m, NZ * PAGE_SIZE), 0);
		m = sys_mmap(0, NZ * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
		for (int i = 0; i < NZ; i++) {
			unsigned long p = m + i * PAGE_SIZE;
			u64 phys;

			if (round) /* read first: the zero page, then COW */
				assert_int_equal(mmk_read(U, p + 8, 8, &v), 0);
			assert_int_equal(mmk_write(U, p, 8, 0x1122334455667788ULL), 0);
			phys = user_phys(p);
			for (int j = 0; j < NZ; j++)
				reused += phys == old[j];
			for (unsigned long off = 8; off < PAGE_SIZE; off += 8) {
				assert_int_equal(mmk_read(U, p + off, 8, &v), 0);
				assert_true(v == 0);
			}
		}
		assert_true(reused > NZ / 2);
		assert_int_equal(sys_munmap(m, NZ * PAGE_SIZE), 0);
	}
	task_exit(a);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* ------------------------------------------------------- baseline -- */

static void test_exit_baseline(void **state)
{
	struct task_struct *a, *b, *t, *k;
	unsigned long before, m;

	(void)state;
	boot_cpus(2);
	warm_up_zero_page();
	before = free_pages_now();
	a = spawn("A");
	context_switch(a);
	m = sys_mmap(0, 64 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	assert_int_equal(mmk_memset(U, m, 1, 64 * PAGE_SIZE, NULL), 0);
	b = task_fork(a, "B", dup_mm(a->mm));
	assert_non_null(b);
	t = task_create_thread(b, "T");
	k = kthread_create_task("K");
	cpu_call(1, switch_to, t);
	assert_int_equal(mmk_memset(U, m, 2, 32 * PAGE_SIZE, NULL), 0); /* A on CPU 0 */
	cpu_call(1, switch_to, k); /* K borrows B's mm lazily on CPU 1 */
	assert_ptr_equal(k->active_mm, b->mm);
	task_exit(a);
	task_exit(b);
	task_exit(t);
	cpu_call(1, switch_to, k);
	task_exit(k);
	assert_int_equal(verify_all(stderr), 0);
	assert_int_equal(free_pages_now(), before);
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_shootdown_cow),	     cmocka_unit_test(test_shootdown_munmap),
	cmocka_unit_test(test_shootdown_mprotect),   cmocka_unit_test(test_fault_injection),
	cmocka_unit_test(test_exit_baseline),	     cmocka_unit_test(test_punch_hole_race),
	cmocka_unit_test(test_truncate_under_fault), cmocka_unit_test(test_new_pages_zeroed),
};

MMK_TEST_MAIN(tests, NULL, NULL);
