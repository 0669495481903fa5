/*
 * bench_vma.c - the mmap family on mmkit next to the host kernel, in one run
 * and with the same shapes: with N other VMAs present (N = 0, 1000, 10000,
 * 60000; neighbours alternate r--/rw- so they never merge),
 *   mmap+munmap   map 4 KiB anonymous (top-down placement) and unmap it;
 *   mprotect      split a 3-page VMA by protecting its middle page, then
 *                 merge it back;
 *   find_vma      mmkit only: a lookup at a random mapped address; "hot":
 *                 repeated lookups inside one VMA (the page-fault pattern,
 *                 served by the one-entry cache); "rbtree find": the same
 *                 random lookups in a red-black tree of the same VMAs
 *                 (glibc tsearch), the structure the B+tree was chosen over.
 * Prints ns/op for both and the ratio host/mmkit.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <search.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"

#define HOST_BASE 0x100000000000UL
#define SIM_BASE 0x100000000UL

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void host_fill(int n)
{
	for (int i = 0; i < n; i++)
		if (mmap((void *)(HOST_BASE + i * 8192UL), 4096,
			 (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			perror("host mmap");
}

static void sim_fill(int n)
{
	for (int i = 0; i < n; i++)
		sys_mmap(SIM_BASE + i * 8192UL, 4096, (i & 1) ? 1 : 3,
			 MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0);
}

static double host_mmap_munmap(int iters)
{
	double t = now_ns();

	for (int i = 0; i < iters; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		munmap(p, 4096);
	}
	return (now_ns() - t) / iters;
}

static double sim_mmap_munmap(int iters)
{
	double t = now_ns();

	for (int i = 0; i < iters; i++) {
		unsigned long p = sys_mmap(0, 4096, 3, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
		sys_munmap(p, 4096);
	}
	return (now_ns() - t) / iters;
}

static double host_mprotect(int iters, int n)
{
	char *p = (char *)(HOST_BASE + (unsigned long)n * 8192UL + 65536);
	double t;

	mmap(p, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	t = now_ns();
	for (int i = 0; i < iters; i++) {
		mprotect(p + 4096, 4096, PROT_READ);
		mprotect(p + 4096, 4096, PROT_READ | PROT_WRITE);
	}
	t = (now_ns() - t) / iters;
	munmap(p, 3 * 4096);
	return t;
}

static double sim_mprotect(int iters, int n)
{
	unsigned long p = SIM_BASE + (unsigned long)n * 8192UL + 65536;
	double t;

	sys_mmap(p, 3 * 4096, 3, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0);
	t = now_ns();
	for (int i = 0; i < iters; i++) {
		sys_mprotect(p + 4096, 4096, 1);
		sys_mprotect(p + 4096, 4096, 3);
	}
	t = (now_ns() - t) / iters;
	sys_munmap(p, 3 * 4096);
	return t;
}

static volatile unsigned long sink;

/* The alternative the B+tree was chosen against: a red-black tree whose
 * nodes lead to the VMAs (glibc tsearch), looked up the way an rbtree
 * find_vma would, comparing with each visited VMA. */
static int vma_cmp(const void *a, const void *b)
{
	const struct vm_area_struct *x = a, *y = b;

	if (x->vm_end <= y->vm_start)
		return -1;
	return x->vm_start >= y->vm_end ? 1 : 0;
}

static void keep_vma(void *p) { (void)p; }

/* The page-fault pattern: lookups that stay inside one VMA. */
static double sim_find_vma_hot(int iters, int n)
{
	struct mm_struct *mm = current->mm;
	double t;

	mmap_read_lock(mm);
	t = now_ns();
	for (int i = 0; i < iters; i++)
		sink += find_vma(mm, SIM_BASE + (unsigned long)(n / 2) * 8192UL + (i & 4095))
				->vm_start;
	t = (now_ns() - t) / iters;
	mmap_read_unlock(mm);
	return t;
}

static double rbtree_find(int iters, int n)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *v, key;
	void *root = NULL;
	u64 x = 88172645463325252ULL;
	double t;

	for_each_vma(mm, v)
		tsearch(v, &root, vma_cmp);
	t = now_ns();
	for (int i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		key.vm_start = SIM_BASE + (x % n) * 8192UL;
		key.vm_end = key.vm_start + 1;
		sink += (*(struct vm_area_struct **)tfind(&key, &root, vma_cmp))->vm_start;
	}
	t = (now_ns() - t) / iters;
	tdestroy(root, keep_vma);
	return t;
}

static double sim_find_vma(int iters, int n)
{
	struct mm_struct *mm = current->mm;
	u64 x = 88172645463325252ULL;
	double t;

	if (!n)
		return 0;
	mmap_read_lock(mm);
	t = now_ns();
	for (int i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sink += find_vma(mm, SIM_BASE + (x % n) * 8192UL)->vm_start;
	}
	t = (now_ns() - t) / iters;
	mmap_read_unlock(mm);
	return t;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 0, 1000, 10000, 60000 };
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	int iters = argc > 1 ? atoi(argv[1]) : 200000, have = 0;
	struct task_struct *t;
	const char *why;

	cfg.ram_bytes = 256ULL << 20;
	if (machine_boot(&cfg, &why))
		return 1;
	t = task_create("bench", mm_alloc());
	arch_pick_mmap_layout(t->mm, 8UL << 20);
	context_switch(t);
	/* warm-up, discarded: the first timed row must not pay for the first
	 * touches of either side (it is the base of the growth figures) */
	host_mmap_munmap(iters / 4);
	sim_mmap_munmap(iters / 4);
	printf("%-8s %-14s %10s %10s %8s\n", "VMAs", "op", "host ns", "mmkit ns", "ratio");
	for (int s = 0; s < 4; s++) {
		int n = sizes[s];
		double h, m;

		for (int i = have; i < n; i++)
			sys_mmap(SIM_BASE + i * 8192UL, 4096, (i & 1) ? 1 : 3,
				 MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0);
		for (int i = have; i < n; i++)
			mmap((void *)(HOST_BASE + i * 8192UL), 4096,
			     (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		have = n;
		h = host_mmap_munmap(iters);
		m = sim_mmap_munmap(iters);
		printf("%-8d %-14s %10.1f %10.1f %7.1fx\n", n, "mmap+munmap", h, m, h / m);
		h = host_mprotect(iters / 2, n);
		m = sim_mprotect(iters / 2, n);
		printf("%-8d %-14s %10.1f %10.1f %7.1fx\n", n, "mprotect s+m", h, m, h / m);
		if (n) {
			/* the reference: the same lookups in a red-black tree of the
			 * same VMAs (what find_vma was before mmkit's B+tree) */
			double rb = rbtree_find(iters * 5, n), f = sim_find_vma(iters * 5, n);

			printf("%-8d %-14s %10s %10.1f   (x rbtree %.2f)\n", n, "find_vma", "-", f,
			       f / rb);
			printf("%-8d %-14s %10s %10.1f\n", n, "find_vma hot", "-",
			       sim_find_vma_hot(iters * 5, n));
			printf("%-8d %-14s %10s %10.1f\n", n, "rbtree find", "-", rb);
		}
	}
	(void)sim_fill;
	(void)host_fill;
	task_exit(t);
	machine_shutdown();
	return 0;
}
