/*
 * machine.c - boot and shutdown of the simulated machine, its CPUs, and the
 * two ways CPUs talk: cpu_call() (hand a function to a CPU and wait, how the
 * scenario runner and tests drive a CPU) and smp_call_function_many() (the
 * IPI, how kernel code on one CPU makes others run something, e.g. a TLB
 * shootdown or a per-CPU list drain).
 *
 * RAM is a memfd mapped once (MAP_SHARED|MAP_NORESERVE), so frames can be
 * aliased at other host addresses later (machine/vmalloc_window.c).  The
 * struct page array is the kernel's (mm/mm_init.c allocates it at boot).
 *
 * Each CPU n >= 1 is a host thread looping in cpu_idle(): it sleeps on its
 * ipi_cond until it has work (cpu_call) or IPIs.  CPU 0 is the thread that
 * booted the machine.  A CPU that waits for another (cpu_call, or an IPI
 * with wait) keeps serving its own IPIs, so two CPUs that IPI each other
 * cannot deadlock.
 *
 * Locking: cpu->ipi_lock guards the mailbox (ipi_func/ipi_info slots,
 * work_func/work_info, stop); ipi_pending, ipi_done and work_done are atomics
 * read outside it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "mmkit/lockdep.h"
#include "mmkit/machine.h"
#include "mmkit/wait.h"

struct machine *mmk;
__thread struct cpu *mmk_this_cpu;
const struct tlb_entry tlb_trap_table[TLB_SIZE] = {
	[0 ... TLB_SIZE - 1] = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 }
};
__thread struct tlb_entry *mmk_tlb_table[NB_MMU_MODES] = { (struct tlb_entry *)tlb_trap_table,
							   (struct tlb_entry *)tlb_trap_table };
_Static_assert(NB_MMU_MODES == 2, "cpu_handle_ipis() tests both modes");

static struct initcall *initcalls;

void initcall_register(struct initcall *ic)
{
	struct initcall **pp = &initcalls;

	while (*pp && (*pp)->level <= ic->level)
		pp = &(*pp)->next;
	ic->next = *pp;
	*pp = ic;
}

int machine_config_check(const struct machine_config *cfg, const char **why)
{
	static const char *msg;

	msg = NULL;
	if (cfg->ram_bytes < MMK_MIN_RAM || cfg->ram_bytes > MMK_MAX_RAM)
		msg = "ram: must be between 1M and 64G";
	else if (cfg->ram_bytes % PAGE_SIZE)
		msg = "ram: must be a multiple of 4K";
	else if (cfg->cpus < 1 || cfg->cpus > MMK_MAX_CPUS)
		msg = "cpus: must be between 1 and 64";
	else if (cfg->levels < 2 || cfg->levels > 5)
		msg = "levels: must be 2 (i386), 3 (PAE), 4 (x86-64) or 5 (LA57)";
	else if (cfg->levels == 2 && cfg->ram_bytes > (4ULL << 30))
		msg = "ram: levels=2 (32-bit, no PAE) addresses at most 4G";
	if (why)
		*why = msg;
	return msg ? -EINVAL : 0;
}

/* ---- IPIs ---- */

/* Raise CPU t's interrupt line: its next access misses (see machine.h).
 * Caller holds t->ipi_lock, after setting ipi_pending. */
static void raise_irq_line(struct cpu *t)
{
	int i;

	if (t->engine_kick)
		t->engine_kick(t); /* out of guest code to serve it */
	if (!t->tlb_table)
		return; /* no thread runs it yet: cpu_enter() checks pending */
	for (i = 0; i < NB_MMU_MODES; i++)
		__atomic_store_n(&t->tlb_table[i], (struct tlb_entry *)tlb_trap_table,
				 __ATOMIC_RELEASE);
}

/* Set the caller's own line: raised while deferred IPIs stay pending (the
 * next access serves them), lowered otherwise.  Caller holds c->ipi_lock,
 * so no sender can post an IPI in between (c may be NULL when raising). */
static void set_irq_line(struct cpu *c, bool raised)
{
	int i;

	for (i = 0; i < NB_MMU_MODES; i++)
		__atomic_store_n(&mmk_tlb_table[i],
				 raised ? (struct tlb_entry *)tlb_trap_table : c->tlb.e[i],
				 __ATOMIC_RELAXED);
}

void __cpu_lower_irq_line(struct cpu *c)
{
	int i;

	for (i = 0; i < NB_MMU_MODES; i++)
		(void)__atomic_exchange_n(&mmk_tlb_table[i], c->tlb.e[i], __ATOMIC_ACQ_REL);
}

/* The calling thread becomes CPU c (NULL: none).  Its fast-path TLB pointer
 * follows; an IPI posted before the thread ran leaves the line raised. */
static void cpu_enter(struct cpu *c)
{
	struct cpu *old = mmk_this_cpu;

	if (old) {
		pthread_mutex_lock(&old->ipi_lock);
		old->tlb_table = NULL;
		pthread_mutex_unlock(&old->ipi_lock);
	}
	mmk_this_cpu = c;
	if (!c) {
		set_irq_line(NULL, true); /* no TLB: every access misses */
		return;
	}
	pthread_mutex_lock(&c->ipi_lock);
	c->tlb_table = mmk_tlb_table;
	set_irq_line(c, atomic_load_explicit(&c->ipi_pending, memory_order_relaxed));
	pthread_mutex_unlock(&c->ipi_lock);
}

static void cpu_kick(struct cpu *c)
{
	pthread_mutex_lock(&c->ipi_lock);
	pthread_cond_broadcast(&c->ipi_cond);
	pthread_mutex_unlock(&c->ipi_lock);
}

/* Serve pending IPIs; with irqsafe_only, only those sent as irq-safe (see
 * smp_call_function_many_irqsafe), the others stay pending. */
static void handle_ipis(struct cpu *c, bool irqsafe_only)
{
	for (;;) {
		smp_call_func_t fn = NULL;
		void *info = NULL;
		bool left = false, irqsafe = false;
		int from, found = -1;

		pthread_mutex_lock(&c->ipi_lock);
		for (from = 0; from < mmk->nr_cpus; from++) {
			if (!c->ipi_func[from])
				continue;
			if (found < 0 && (!irqsafe_only || c->ipi_irqsafe[from]))
				found = from;
			else
				left = true;
		}
		if (found >= 0) {
			fn = c->ipi_func[found];
			info = c->ipi_info[found];
			irqsafe = c->ipi_irqsafe[found];
			c->ipi_func[found] = NULL;
		}
		atomic_store_explicit(&c->ipi_pending, left, memory_order_relaxed);
		if (!fn) /* done: the line shows what is left */
			set_irq_line(c, left);
		pthread_mutex_unlock(&c->ipi_lock);
		if (!fn)
			return;
		lockdep_ipi_enter(irqsafe);
		fn(info);
		lockdep_ipi_exit();
		atomic_store_explicit(&c->ipi_done[found], 1, memory_order_release);
		cpu_kick(cpu_of(found));
	}
}

void __cpu_handle_ipis(struct cpu *c) { handle_ipis(c, false); }
void __cpu_handle_irqsafe_ipis(struct cpu *c) { handle_ipis(c, true); }

/* Polls before a waiter sleeps: a target that is running answers an IPI
 * within a few microseconds, far sooner than a sleeping host thread is
 * woken (tens of microseconds on a VM).  Linux's sender spins too
 * (csd_lock_wait); the bound keeps a machine with more simulated CPUs than
 * host cores from burning a core on a target that is not running. */
#define IPI_WAIT_SPINS 1000

struct flag_wait {
	struct cpu *self;
	_Atomic int *flag;
};

static bool flag_set(void *arg)
{
	return atomic_load_explicit(((struct flag_wait *)arg)->flag, memory_order_acquire);
}

/* Sleep on our own ipi_cond until the flag's setter or an IPI sender
 * kicks us (both broadcast it under ipi_lock). */
static bool flag_sleep(void *arg)
{
	struct flag_wait *w = arg;

	pthread_mutex_lock(&w->self->ipi_lock);
	if (!flag_set(w) && !atomic_load_explicit(&w->self->ipi_pending, memory_order_relaxed))
		pthread_cond_wait(&w->self->ipi_cond, &w->self->ipi_lock);
	pthread_mutex_unlock(&w->self->ipi_lock);
	return false;
}

static const struct wait_ops flag_wait_ops = {
	.done = flag_set,
	.sleep = flag_sleep,
	.spins = IPI_WAIT_SPINS,
};

/* A thread that is no CPU has no ipi_cond: it polls and yields. */
static const struct wait_ops flag_poll_ops = { .done = flag_set };

/* Wait until *flag becomes 1, serving this CPU's IPIs meanwhile. */
static void cpu_wait_flag(struct cpu *self, _Atomic int *flag)
{
	struct flag_wait w = { self, flag };

	wait_until(self ? &flag_wait_ops : &flag_poll_ops, &w, IPI_ALL);
}

static void ipi_send(struct cpu *self, struct cpu *t, smp_call_func_t fn, void *info, bool irqsafe)
{
	atomic_store_explicit(&t->ipi_done[self->id], 0, memory_order_relaxed);
	pthread_mutex_lock(&t->ipi_lock);
	t->ipi_func[self->id] = fn;
	t->ipi_info[self->id] = info;
	t->ipi_irqsafe[self->id] = irqsafe;
	atomic_store_explicit(&t->ipi_pending, 1, memory_order_release);
	raise_irq_line(t);
	pthread_cond_broadcast(&t->ipi_cond);
	pthread_mutex_unlock(&t->ipi_lock);
}

static void call_function_many(u64 mask, smp_call_func_t fn, void *info, bool irqsafe)
{
	struct cpu *self = this_cpu();
	int n;

	BUG_ON(!self);
	lockdep_ipi_wait(irqsafe);
	for (n = 0; n < mmk->nr_cpus; n++)
		if (n != self->id && (mask & BIT(n)))
			ipi_send(self, cpu_of(n), fn, info, irqsafe);
	/* Our slot in each target is single-entry: always wait for delivery so
	 * the next IPI from us cannot overwrite an unserved one. */
	for (n = 0; n < mmk->nr_cpus; n++)
		if (n != self->id && (mask & BIT(n)))
			cpu_wait_flag(self, &cpu_of(n)->ipi_done[self->id]);
}

void smp_call_function_many(u64 mask, smp_call_func_t fn, void *info, bool wait)
{
	(void)wait;
	call_function_many(mask, fn, info, false);
}

void smp_call_function_many_irqsafe(u64 mask, smp_call_func_t fn, void *info)
{
	call_function_many(mask, fn, info, true);
}

/* ---- work handoff ---- */

/* Anything for the idle loop: work, a stop request or an IPI?  (Read under
 * ipi_lock, which guards the mailbox.) */
static bool idle_woken(void *arg)
{
	struct cpu *c = arg;
	bool woken;

	pthread_mutex_lock(&c->ipi_lock);
	woken = c->work_func || c->stop ||
		atomic_load_explicit(&c->ipi_pending, memory_order_relaxed);
	pthread_mutex_unlock(&c->ipi_lock);
	return woken;
}

/* HLT: sleep until kicked (cpu_call_async, an IPI sender, cpus_stop). */
static bool idle_sleep(void *arg)
{
	struct cpu *c = arg;

	pthread_mutex_lock(&c->ipi_lock);
	if (!c->work_func && !c->stop &&
	    !atomic_load_explicit(&c->ipi_pending, memory_order_relaxed))
		pthread_cond_wait(&c->ipi_cond, &c->ipi_lock);
	pthread_mutex_unlock(&c->ipi_lock);
	return false;
}

static const struct wait_ops idle_wait = { .done = idle_woken, .sleep = idle_sleep };

static void *cpu_idle(void *arg)
{
	struct cpu *c = arg;

	cpu_enter(c);
	for (;;) {
		struct cpu *waiter;
		smp_call_func_t fn;
		void *info;

		wait_until(&idle_wait, c, IPI_ALL);
		pthread_mutex_lock(&c->ipi_lock);
		fn = c->work_func;
		info = c->work_info;
		/* read now: once work_done is set, the waiter may already be
		 * handing over the next call (it polls before it sleeps) */
		waiter = c->work_waiter;
		c->work_func = NULL;
		if (c->stop && !fn) {
			pthread_mutex_unlock(&c->ipi_lock);
			cpu_enter(NULL);
			return NULL;
		}
		pthread_mutex_unlock(&c->ipi_lock);
		__cpu_handle_ipis(c);
		if (fn) {
			fn(info);
			atomic_store_explicit(&c->work_done, 1, memory_order_release);
			if (waiter)
				cpu_kick(waiter);
		}
	}
}

void cpu_call_async(int cpu, smp_call_func_t fn, void *info)
{
	struct cpu *c = cpu_of(cpu);

	BUG_ON(c == this_cpu());
	atomic_store_explicit(&c->work_done, 0, memory_order_relaxed);
	pthread_mutex_lock(&c->ipi_lock);
	c->work_waiter = this_cpu();
	c->work_func = fn;
	c->work_info = info;
	pthread_cond_broadcast(&c->ipi_cond);
	pthread_mutex_unlock(&c->ipi_lock);
}

void cpu_call_wait(int cpu)
{
	struct cpu *self = this_cpu();
	struct cpu *c = cpu_of(cpu);

	cpu_wait_flag(self, &c->work_done);
}

void cpu_call(int cpu, smp_call_func_t fn, void *info)
{
	if (this_cpu() && this_cpu()->id == cpu) {
		fn(info);
		return;
	}
	cpu_call_async(cpu, fn, info);
	cpu_call_wait(cpu);
}

bool machine_membarrier(void) { return syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0; }

/* ---- randomness ---- */

u64 mmk_random(void)
{
	struct cpu *c = this_cpu();
	u64 x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- boot and shutdown ---- */

static int ram_map(struct machine *m)
{
	m->memfd = memfd_create("mmkit-ram", MFD_CLOEXEC);
	if (m->memfd < 0)
		return -errno;
	if (ftruncate(m->memfd, (off_t)m->cfg.ram_bytes) < 0)
		goto close_fd;
	m->ram = mmap(NULL, m->cfg.ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		      m->memfd, 0);
	if (m->ram == MAP_FAILED)
		goto close_fd;
	return 0;
close_fd:
	close(m->memfd);
	return -ENOMEM;
}

static void cpu_init(struct cpu *c, int id, u64 seed)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->cr0_wp = true;
	c->cr4_pge = true;
	c->rng = (seed + 1) * 0x9E3779B97F4A7C15ULL + (u64)id * 0xBF58476D1CE4E5B9ULL;
	if (!c->rng)
		c->rng = 1;
	pthread_mutex_init(&c->ipi_lock, NULL);
	pthread_cond_init(&c->ipi_cond, NULL);
}

static int cpus_start(struct machine *m)
{
	int n;

	/* one cache-aligned struct per CPU: no CPU's hot fields share a line
	 * with its neighbour's mailbox */
	m->cpus = aligned_alloc(64, (size_t)m->nr_cpus * sizeof(struct cpu));
	if (!m->cpus)
		return -ENOMEM;
	memset(m->cpus, 0, (size_t)m->nr_cpus * sizeof(struct cpu));
	for (n = 0; n < m->nr_cpus; n++)
		cpu_init(&m->cpus[n], n, m->cfg.seed);
	cpu_enter(&m->cpus[0]);
	for (n = 1; n < m->nr_cpus; n++)
		if (pthread_create(&m->cpus[n].thread, NULL, cpu_idle, &m->cpus[n]))
			return -EAGAIN; /* machine_shutdown() joins the started ones */
	return 0;
}

static void cpus_stop(struct machine *m)
{
	int n;

	for (n = 1; n < m->nr_cpus; n++) {
		struct cpu *c = &m->cpus[n];

		if (!c->thread)
			continue;
		pthread_mutex_lock(&c->ipi_lock);
		c->stop = true;
		pthread_cond_broadcast(&c->ipi_cond);
		pthread_mutex_unlock(&c->ipi_lock);
		pthread_join(c->thread, NULL);
	}
	cpu_enter(NULL);
	for (n = 0; n < m->nr_cpus; n++) {
		pthread_mutex_destroy(&m->cpus[n].ipi_lock);
		pthread_cond_destroy(&m->cpus[n].ipi_cond);
	}
	free(m->cpus);
}

static struct initcall *initcalls_done; /* last initcall that succeeded */

static int run_initcalls(void)
{
	struct initcall *ic;
	int err;

	initcalls_done = NULL;
	for (ic = initcalls; ic; ic = ic->next) {
		err = ic->init ? ic->init() : 0;
		if (err) {
			printk("mmkit: initcall %s failed: %d\n", ic->name, err);
			return err;
		}
		initcalls_done = ic;
	}
	return 0;
}

/* Exit calls in reverse order, from the last initcall that succeeded. */
static void run_exitcalls(void)
{
	struct initcall *stack[256];
	struct initcall *ic;
	int n = 0;

	if (!initcalls_done)
		return;
	for (ic = initcalls; ic; ic = ic->next) {
		if (n < (int)ARRAY_SIZE(stack))
			stack[n++] = ic;
		if (ic == initcalls_done)
			break;
	}
	while (n--)
		if (stack[n]->exit)
			stack[n]->exit();
	initcalls_done = NULL;
}

int machine_boot(const struct machine_config *cfg, const char **why)
{
	struct machine *m;
	int err;

	err = machine_config_check(cfg, why);
	if (err)
		return err;
	BUG_ON(mmk);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	m->log = stderr;
	m->max_pfn = cfg->ram_bytes >> PAGE_SHIFT;
	m->nr_cpus = cfg->cpus;
	err = ram_map(m);
	if (err)
		goto free_machine;
	mmk = m;
	err = cpus_start(m);
	if (!err)
		err = run_initcalls();
	if (err) {
		machine_shutdown();
		return err;
	}
	m->booted = true;
	return 0;
free_machine:
	free(m);
	return -ENOMEM;
}

void machine_shutdown(void)
{
	struct machine *m = mmk;

	if (!m)
		return;
	run_exitcalls();
	cpus_stop(m);
	munmap(m->ram, m->cfg.ram_bytes);
	close(m->memfd);
	free(m);
	mmk = NULL;
	lockdep_reset_locks(); /* the machine's locks are gone */
	dmesg_clear();
}
