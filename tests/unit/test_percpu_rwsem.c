/*
 * test_percpu_rwsem.c - the per-CPU reader-writer semaphore behind
 * mmap_lock (machine/percpu_rwsem.c, include/mmkit/mmap_lock.h).
 *
 *   test_exclusion            readers on two CPUs share it, each counted in
 *                             its own CPU's slot; a writer excludes readers
 *                             and writers; the trylocks say so
 *   test_downgrade            a writer that downgrades is a reader: other
 *                             readers enter, writers still wait
 *   test_stress               two CPUs mix reads and writes of data the lock
 *                             guards: a reader never sees a half-done write
 *                             (and TSan sees no race)
 *   test_waiters_serve_ipis   a writer waiting for a reader, and a reader
 *                             waiting for a writer, serve IPIs: the holder
 *                             can complete a cross-call to the waiter's CPU
 *   test_mmap_lock_faults     two threads of one mm fault on two CPUs and
 *                             drop their pages with MADV_DONTNEED (read
 *                             lock) while CPU 0 also splits and merges a VMA
 *                             (mprotect)
 *                             and maps, fills and unmaps ranges (munmap zaps
 *                             under the downgraded lock): every access sees
 *                             its own data, the lock is free after, verify
 *                             passes
 *   test_alloc_failure        percpu_rwsem_alloc failing makes fork fail
 *                             with -ENOMEM and nothing leaks
 *   test_recursive_read_bugs  (CONFIG_DEBUG_VM) a second down_read by a
 *                             holder stops with a kernel BUG
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/mmu.h"
#include "mmkit/sched.h"
#include "task_helpers.h"

#define U MMU_USER_IDX

static int teardown(void **state)
{
	(void)state;
	fault_inject_clear_all();
	if (mmk)
		machine_shutdown();
	return 0;
}

static int slot(struct percpu_rw_semaphore *sem, int s)
{
	return atomic_load(&sem->read_count[s * PERCPU_RWSEM_STRIDE]);
}

/* ------------------------------------------------------- exclusion -- */

struct op {
	struct percpu_rw_semaphore *sem;
	bool ok;
};

static void cpu_read_trylock(void *info)
{
	struct op *o = info;

	o->ok = percpu_down_read_trylock(o->sem);
}

static void cpu_up_read(void *info) { percpu_up_read(((struct op *)info)->sem); }

static void cpu_write_trylock(void *info)
{
	struct op *o = info;

	o->ok = percpu_down_write_trylock(o->sem);
}

static void test_exclusion(void **state)
{
	struct percpu_rw_semaphore sem;
	struct op o = { .sem = &sem };

	(void)state;
	boot_cpus(2);
	assert_int_equal(percpu_init_rwsem(&sem), 0);
	assert_int_equal(sem.nr_slots, 3);

	percpu_down_read(&sem);		   /* CPU 0 */
	cpu_call(1, cpu_read_trylock, &o); /* CPU 1 shares it */
	assert_true(o.ok);
	assert_int_equal(slot(&sem, 0), 1);
	assert_int_equal(slot(&sem, 1), 1);
	assert_true(percpu_rwsem_is_locked(&sem));
	cpu_call(1, cpu_write_trylock, &o); /* readers inside */
	assert_false(o.ok);
	assert_int_equal(atomic_load(&sem.block), 0); /* the attempt undid itself */
	cpu_call(1, cpu_up_read, &o);
	percpu_up_read(&sem);
	assert_int_equal(slot(&sem, 0) + slot(&sem, 1) + slot(&sem, 2), 0);
	assert_false(percpu_rwsem_is_locked(&sem));

	assert_true(percpu_down_write_trylock(&sem)); /* CPU 0 writes */
	cpu_call(1, cpu_read_trylock, &o);
	assert_false(o.ok);
	cpu_call(1, cpu_write_trylock, &o);
	assert_false(o.ok);
	assert_int_equal(slot(&sem, 1), 0); /* the failed reader left */
	percpu_up_write(&sem);

	cpu_call(1, cpu_read_trylock, &o); /* free again */
	assert_true(o.ok);
	cpu_call(1, cpu_up_read, &o);
	percpu_free_rwsem(&sem);
	assert_null(sem.read_count);
}

static void test_downgrade(void **state)
{
	struct percpu_rw_semaphore sem;
	struct op o = { .sem = &sem };

	(void)state;
	boot_cpus(2);
	assert_int_equal(percpu_init_rwsem(&sem), 0);
	percpu_down_write(&sem);
	cpu_call(1, cpu_read_trylock, &o);
	assert_false(o.ok);
	percpu_downgrade_write(&sem); /* CPU 0 now reads */
	assert_int_equal(slot(&sem, 0), 1);
	assert_int_equal(atomic_load(&sem.block), 0);
	cpu_call(1, cpu_read_trylock, &o); /* readers enter */
	assert_true(o.ok);
	cpu_call(1, cpu_write_trylock, &o); /* a writer does not */
	assert_false(o.ok);
	cpu_call(1, cpu_up_read, &o);
	cpu_call(1, cpu_write_trylock, &o); /* not while CPU 0 reads */
	assert_false(o.ok);
	percpu_up_read(&sem);
	assert_false(percpu_rwsem_is_locked(&sem));
	assert_true(percpu_down_write_trylock(&sem));
	percpu_up_write(&sem);
	percpu_free_rwsem(&sem);
}

/* ---------------------------------------------------------- stress -- */

struct guarded {
	struct percpu_rw_semaphore sem;
	unsigned long a, b; /* a == b whenever the lock is free */
	unsigned long writes, bad;
	u32 seed;
};

static void stress_worker(void *info)
{
	struct guarded *g = info;
	u32 x = g->seed + (u32)smp_processor_id() * 7919u;
	unsigned long bad = 0;

	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		if ((x >> 16) % 8 == 0) {
			percpu_down_write(&g->sem);
			WRITE_ONCE(g->a, g->a + 1);
			for (int k = 0; k < 200; k++) /* a window a reader would see */
				__builtin_ia32_pause();
			WRITE_ONCE(g->b, g->b + 1);
			g->writes++;
			percpu_up_write(&g->sem);
		} else {
			percpu_down_read(&g->sem);
			bad += READ_ONCE(g->a) != READ_ONCE(g->b);
			percpu_up_read(&g->sem);
		}
	}
	percpu_down_write(&g->sem);
	g->bad += bad;
	percpu_up_write(&g->sem);
}

static void test_stress(void **state)
{
	struct guarded g = { .seed = 12345 };

	(void)state;
	boot_cpus(2);
	assert_int_equal(percpu_init_rwsem(&g.sem), 0);
	cpu_call_async(1, stress_worker, &g);
	stress_worker(&g);
	cpu_call_wait(1);
	assert_int_equal(g.bad, 0);
	assert_int_equal(g.a, g.writes);
	assert_int_equal(g.b, g.writes);
	assert_true(g.writes > 1000);
	assert_false(percpu_rwsem_is_locked(&g.sem));
	percpu_free_rwsem(&g.sem);
}

/* ------------------------------------------------- waiters and IPIs -- */

struct waiter {
	struct percpu_rw_semaphore *sem;
	bool write;
	_Atomic int done;
};

static void waiter_run(void *info)
{
	struct waiter *w = info;

	if (w->write) {
		percpu_down_write(w->sem);
		percpu_up_write(w->sem);
	} else {
		percpu_down_read(w->sem);
		percpu_up_read(w->sem);
	}
	atomic_store(&w->done, 1);
}

static void mark(void *info) { atomic_store((_Atomic int *)info, 1); }

/* CPU 0 holds sem (read when !write_held, else write); CPU 1 waits for the
 * other kind; CPU 0 cross-calls CPU 1, which must serve it while waiting. */
static void check_waiter_serves_ipis(bool write_held)
{
	struct percpu_rw_semaphore sem;
	struct waiter w = { .sem = &sem, .write = !write_held };
	_Atomic int served = 0;

	assert_int_equal(percpu_init_rwsem(&sem), 0);
	if (write_held)
		percpu_down_write(&sem);
	else
		percpu_down_read(&sem);
	cpu_call_async(1, waiter_run, &w);
	if (!write_held)
		while (!atomic_load(&sem.block)) /* the writer is waiting */
			;
	else
		usleep(20000);				     /* the reader has had time to block */
	smp_call_function_many(BIT(1), mark, &served, true); /* returns once CPU 1 served it */
	assert_int_equal(atomic_load(&served), 1);
	assert_int_equal(atomic_load(&w.done), 0); /* still waiting */
	if (write_held)
		percpu_up_write(&sem);
	else
		percpu_up_read(&sem);
	cpu_call_wait(1);
	assert_int_equal(atomic_load(&w.done), 1);
	assert_false(percpu_rwsem_is_locked(&sem));
	percpu_free_rwsem(&sem);
}

static void test_waiters_serve_ipis(void **state)
{
	(void)state;
	boot_cpus(2);
	check_waiter_serves_ipis(false);
	check_waiter_serves_ipis(true);
}

/* ------------------------------------------------- the real mmap_lock -- */

struct toucher {
	struct task_struct *task;
	unsigned long addr, pages;
	int errors;
};

/* Rounds of: fault every page in (write), read them back, drop them
 * (MADV_DONTNEED: mmap_lock read, zap, TLB shootdown), so every round faults. */
static void touch_pages(void *info)
{
	struct toucher *t = info;
	unsigned long len = t->pages * PAGE_SIZE;

	context_switch(t->task);
	for (int r = 1; r <= 20; r++) {
		for (unsigned long i = 0; i < t->pages; i++)
			t->errors += mmk_write8(U, t->addr + i * PAGE_SIZE, (u8)r) != 0;
		for (unsigned long i = 0; i < t->pages; i++) {
			u8 v = 0;

			t->errors += mmk_read8(U, t->addr + i * PAGE_SIZE, &v) != 0 || v != r;
		}
		t->errors += sys_madvise(t->addr, len, MMK_MADV_DONTNEED) != 0;
	}
}

/* CPU 0, n times: split and merge the page at addr (mprotect: mmap_lock
 * write), and map, fill, check and unmap 16 pages elsewhere (munmap: write,
 * then its zap under the downgraded read lock). */
static void writers(unsigned long addr, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned long m;

		assert_int_equal(sys_mprotect(addr, PAGE_SIZE, MMK_PROT_READ), 0);
		assert_int_equal(sys_mprotect(addr, PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE), 0);
		m = sys_mmap(0, 16 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
		assert_false(IS_ERR_VALUE(m));
		for (unsigned long p = 0; p < 16; p++)
			assert_int_equal(mmk_write8(U, m + p * PAGE_SIZE, (u8)(i + p)), 0);
		for (unsigned long p = 0; p < 16; p++) {
			u8 v = 0;

			assert_int_equal(mmk_read8(U, m + p * PAGE_SIZE, &v), 0);
			assert_int_equal(v, (u8)(i + p));
		}
		assert_int_equal(sys_munmap(m, 16 * PAGE_SIZE), 0);
	}
}

static void test_mmap_lock_faults(void **state)
{
	struct task_struct *a, *b;
	struct toucher t[2];
	unsigned long m, n = 64;
	struct mm_struct *mm;

	(void)state;
	boot_cpus(2);
	a = spawn("A");
	mm = a->mm;
	context_switch(a);
	b = task_create_thread(a, "B");
	assert_non_null(b);
	m = sys_mmap(0, 3 * n * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	assert_false(IS_ERR_VALUE(m));
	t[0] = (struct toucher){ .task = a, .addr = m, .pages = n };
	t[1] = (struct toucher){ .task = b, .addr = m + n * PAGE_SIZE, .pages = n };
	cpu_call_async(1, touch_pages, &t[1]);
	writers(m + 2 * n * PAGE_SIZE, 50); /* while CPU 1 faults */
	touch_pages(&t[0]);
	writers(m + 2 * n * PAGE_SIZE, 50);
	cpu_call_wait(1);
	assert_int_equal(t[0].errors + t[1].errors, 0);
	assert_false(percpu_rwsem_is_locked(&mm->mmap_lock));
	assert_int_equal(verify_all(stderr), 0);
	task_exit(b);
	task_exit(a);
}

/* ------------------------------------------------- allocation failure -- */

static void test_alloc_failure(void **state)
{
	struct task_struct *a;
	unsigned long before;
	struct mm_struct *mm;

	(void)state;
	boot_cpus(1);
	a = spawn("A");
	mm = a->mm;
	context_switch(a);
	before = global_zone_page_state(NR_FREE_PAGES);
	assert_int_equal(fault_inject_set("percpu_rwsem_alloc", 1, false, 0), 0);
	assert_null(dup_mm(mm));
	assert_int_equal(fault_site_find("percpu_rwsem_alloc")->failures, 1);
	fault_inject_clear_all();
	assert_int_equal(global_zone_page_state(NR_FREE_PAGES), before);
	assert_int_equal(verify_all(stderr), 0);
	task_exit(a);
}

/* ------------------------------------------------- recursion (debug) -- */

static void test_recursive_read_bugs(void **state)
{
#ifdef CONFIG_DEBUG_VM
	DEFINE_PERCPU_RWSEM_STORAGE(slots);
	struct percpu_rw_semaphore sem = PERCPU_RWSEM_INITIALIZER(slots);
	int status;
	pid_t pid;

	(void)state;
	lockdep_init_lock(&sem, "test sem", __FILE__, IPI_ALL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		percpu_down_read(&sem);
		percpu_down_read(&sem); /* BUG: aborts */
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
#else
	(void)state;
	skip();
#endif
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_exclusion, teardown),
	cmocka_unit_test_teardown(test_downgrade, teardown),
	cmocka_unit_test_teardown(test_stress, teardown),
	cmocka_unit_test_teardown(test_waiters_serve_ipis, teardown),
	cmocka_unit_test_teardown(test_mmap_lock_faults, teardown),
	cmocka_unit_test_teardown(test_alloc_failure, teardown),
	cmocka_unit_test(test_recursive_read_bugs),
};

MMK_TEST_MAIN(tests, NULL, NULL);
