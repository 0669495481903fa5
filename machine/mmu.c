/*
 * mmu.c - the software MMU: the hardware page walker (mmu_translate), the
 * TLB fill, the delivery of faults through the vector the kernel installs
 * (set_fault_vector, as the IDT's #PF/#GP/#MC gates), and the slow paths
 * behind the inline accessors of mmu.h.  This is the machine's one walk
 * over the page-table levels: it follows the hardware levels of the paging
 * mode (include/mmkit/paging.h), not Linux's generic ones, and mm/pagewalk.c
 * is the kernel's.
 *
 * The walk follows the Intel SDM vol. 3 ch. 4 (4.4 PAE, 4.5 4/5-level, 4.6
 * access rights, 4.7 page-fault exceptions, 4.8 accessed and dirty flags):
 * from CR3, one entry per hardware level; a not-present entry is a #PF with
 * P=0; a reserved bit set in a present entry is a #PF with P=1 and RSVD=1;
 * U/S and R/W are ANDed and NX is ORed over the levels (the PAE PDPT entries
 * carry none of them); a user access needs U everywhere, a write needs R/W
 * everywhere except a supervisor write with CR0.WP=0; an instruction fetch
 * needs NX clear everywhere (modes with EFER.NXE).  Accessed is set in each
 * paging-structure entry the walk uses, and in the leaf once the access is
 * permitted, with Dirty for a write: by locked compare-exchange, restarting
 * the walk if the entry changed meanwhile, as QEMU's walker and the
 * hardware's locked update do.  A 64-bit address must be canonical (else
 * #GP, no walk).  The walk does not cache paging-structure entries (a
 * permitted implementation), so only the TLB can be stale.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/mmu.h"
#include "mmkit/paging.h"

#define MMU_MAX_RETRIES 64

struct pgtable_mode pgmode;
static _Atomic(fault_vector_t) fault_vector;

fault_vector_t set_fault_vector(fault_vector_t fn) { return atomic_exchange(&fault_vector, fn); }

/* Deliver a fault through the vector the kernel installed (none: the
 * fault is unresolved and the record carries no outcome). */
static int raise_fault(struct mmu_fault *f)
{
	fault_vector_t v = atomic_load_explicit(&fault_vector, memory_order_acquire);

	return v ? v(f) : -EFAULT;
}

int mmu_raise_fault(struct mmu_fault *f) { return raise_fault(f); }

/* ------------------------------------------------ entry slots (RMW) -- */

u64 pt_entry_xchg(void *slot, u64 v)
{
	if (pgmode.entry_shift == 2)
		return __atomic_exchange_n((u32 *)slot, (u32)v, __ATOMIC_ACQ_REL);
	return __atomic_exchange_n((u64 *)slot, v, __ATOMIC_ACQ_REL);
}

bool pt_entry_cmpxchg(void *slot, u64 *old, u64 new)
{
	if (pgmode.entry_shift == 2) {
		u32 o = (u32)*old;
		bool ok = __atomic_compare_exchange_n((u32 *)slot, &o, (u32) new, false,
						      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		*old = o;
		return ok;
	}
	return __atomic_compare_exchange_n((u64 *)slot, old, new, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

u64 pt_entry_clear_bits(void *slot, u64 bits)
{
	if (pgmode.entry_shift == 2)
		return __atomic_fetch_and((u32 *)slot, ~(u32)bits, __ATOMIC_ACQ_REL);
	return __atomic_fetch_and((u64 *)slot, ~bits, __ATOMIC_ACQ_REL);
}

/* --------------------------------------------------------- the walk -- */

bool mmu_canonical(unsigned long va)
{
	unsigned int sh = 64 - pgmode.va_bits;

	if (pgmode.va_bits == 32)
		return va <= 0xffffffffUL;
	return (unsigned long)((long)(va << sh) >> sh) == va;
}

static int pf(struct mmu_fault *f, unsigned long va, enum mmu_access acc, int mmu_idx,
	      unsigned long code)
{
	f->kind = MMU_FAULT_PF;
	f->address = va;
	f->error_code = code;
	if (acc == MMU_DATA_STORE)
		f->error_code |= X86_PF_WRITE;
	if (mmu_idx == MMU_USER_IDX)
		f->error_code |= X86_PF_USER;
	if (acc == MMU_INST_FETCH && pgmode.nx)
		f->error_code |= X86_PF_INSTR;
	return -EFAULT;
}

static int mce(struct mmu_fault *f, unsigned long va, u64 phys)
{
	f->kind = MMU_FAULT_MCE;
	f->address = va;
	f->error_code = 0;
	f->phys = phys;
	return -EFAULT;
}

static bool phys_in_ram(u64 phys, u64 len)
{
	return phys + len <= mmk->cfg.ram_bytes && phys + len > phys;
}

/* Rights accumulated over the levels of one walk, as entry bits: U and RW
 * ANDed, NX ORed. */
struct walk_rights {
	u64 us, rw, nx;
};

/* Is the access permitted by the accumulated rights (SDM 4.6)? */
static bool access_ok(const struct cpu *c, const struct walk_rights *r, enum mmu_access acc,
		      int mmu_idx)
{
	if (mmu_idx == MMU_USER_IDX && !r->us)
		return false;
	if (acc == MMU_DATA_STORE && !r->rw && (mmu_idx == MMU_USER_IDX || c->cr0_wp))
		return false;
	if (acc == MMU_INST_FETCH && r->nx)
		return false;
	return true;
}

static void fill_translation(const struct cpu *c, struct mmu_translation *t,
			     const struct walk_rights *r, int mmu_idx, int i, unsigned long va,
			     u64 e)
{
	const struct pt_hw_level *h = &pgmode.hw[i];

	t->level = h->level;
	t->leaf = e;
	t->phys = (e & pt_leaf_phys_mask(h->level)) | (va & ((1UL << h->shift) - 1));
	t->user = r->us;
	t->writable = (mmu_idx == MMU_USER_IDX) ? (r->us && r->rw) : (r->rw || !c->cr0_wp);
	t->exec = !r->nx && (mmu_idx == MMU_KERNEL_IDX || r->us);
	t->global = (e & _PAGE_GLOBAL) && c->cr4_pge;
}

/* The top table: CR3 holds its physical address (32-byte aligned in PAE). */
static u64 cr3_table(const struct cpu *c)
{
	return pgmode.levels == 3 ? (c->cr3 & ~0x1fULL) : (c->cr3 & ~0xfffULL);
}

/* Permission check and A/D update of the leaf e in `slot` (hardware level
 * i).  0, -EFAULT, or -EAGAIN when the entry changed under us. */
static int walk_leaf(struct cpu *c, int i, unsigned long va, void *slot, u64 e,
		     const struct walk_rights *r, enum mmu_access acc, int mmu_idx,
		     struct mmu_translation *t, struct mmu_fault *f)
{
	u64 want = _PAGE_ACCESSED | (acc == MMU_DATA_STORE ? _PAGE_DIRTY : 0);

	if (!access_ok(c, r, acc, mmu_idx))
		return pf(f, va, acc, mmu_idx, X86_PF_PROT);
	if ((e & want) != want) {
		if (!pt_entry_cmpxchg(slot, &e, e | want))
			return -EAGAIN;
		e |= want;
	}
	fill_translation(c, t, r, mmu_idx, i, va, e);
	if (!phys_in_ram(t->phys & PAGE_MASK, PAGE_SIZE))
		return mce(f, va, t->phys);
	return 0;
}

/* One walk from CR3.  The mode's fields are read into locals once: the
 * entry reads and A-bit updates would otherwise force the compiler to
 * reload them at every level. */
static int walk(struct cpu *c, unsigned long va, enum mmu_access acc, int mmu_idx,
		struct mmu_translation *t, struct mmu_fault *f)
{
	const int nhw = pgmode.nhw, top_rights = pgmode.levels == 3; /* PAE PDPTE: no rights */
	const unsigned int esh = pgmode.entry_shift;
	const u64 ram = mmk->cfg.ram_bytes, nxbit = pgmode.nx ? _PAGE_NX : 0, pfn = PTE_PFN_MASK;
	struct walk_rights r = { _PAGE_USER, _PAGE_RW, 0 };
	u64 table = cr3_table(c);
	int i;

	for (i = 0; i < nhw; i++) {
		const struct pt_hw_level *h = &pgmode.hw[i];
		u64 slot_phys = table + (((va >> h->shift) & (h->ptrs - 1)) << esh);
		void *slot = mmk->ram + slot_phys;
		u64 e;
		bool leaf;

		if (unlikely(slot_phys >= ram))
			return mce(f, va, slot_phys);
		e = esh == 2 ? __atomic_load_n((u32 *)slot, __ATOMIC_ACQUIRE) :
			       __atomic_load_n((u64 *)slot, __ATOMIC_ACQUIRE);
		if (!(e & _PAGE_PRESENT))
			return pf(f, va, acc, mmu_idx, 0);
		leaf = i == nhw - 1 || (h->leaf_ok && (e & _PAGE_PSE));
		if (unlikely(e & (leaf ? h->rsvd_leaf : h->rsvd_table)))
			return pf(f, va, acc, mmu_idx, X86_PF_PROT | X86_PF_RSVD);
		if (i >= top_rights) {
			r.us &= e;
			r.rw &= e;
			r.nx |= e & nxbit;
		}
		if (leaf)
			return walk_leaf(c, i, va, slot, e, &r, acc, mmu_idx, t, f);
		if (i >= top_rights && !(e & _PAGE_ACCESSED) &&
		    !pt_entry_cmpxchg(slot, &e, e | _PAGE_ACCESSED))
			return -EAGAIN;
		table = e & pfn;
	}
	return -EFAULT; /* not reached: the last level is always a leaf */
}

int mmu_walk_trace(const void *top, unsigned long va, struct mmu_walk_step *steps)
{
	const u8 *table = top;
	int i, n = 0;

	for (i = 0; i < pgmode.nhw; i++) {
		const struct pt_hw_level *h = &pgmode.hw[i];
		struct mmu_walk_step *st = &steps[n++];
		u64 e, next;

		st->hw = i;
		st->index = (va >> h->shift) & (h->ptrs - 1);
		st->slot = pt_slot_add(table, (long)st->index);
		st->entry = e = pt_entry_read(st->slot);
		st->leaf = i == pgmode.nhw - 1 || (h->leaf_ok && (e & _PAGE_PSE));
		st->rsvd = (e & _PAGE_PRESENT) && (e & (st->leaf ? h->rsvd_leaf : h->rsvd_table));
		st->outside = false;
		if (!(e & _PAGE_PRESENT) || st->leaf)
			break;
		next = e & PTE_PFN_MASK;
		if (next + PAGE_SIZE > mmk->cfg.ram_bytes) {
			st->outside = true;
			break;
		}
		table = mmk->ram + next;
	}
	return n;
}

int mmu_translate(struct cpu *c, unsigned long va, enum mmu_access acc, int mmu_idx,
		  struct mmu_translation *t, struct mmu_fault *f)
{
	int ret;

	f->kind = MMU_FAULT_NONE;
	f->mmu_idx = mmu_idx;
	f->access = acc;
	if (!mmu_canonical(va)) {
		f->kind = MMU_FAULT_GP;
		f->address = va;
		f->error_code = 0;
		return -EFAULT;
	}
	do
		ret = walk(c, va, acc, mmu_idx, t, f);
	while (ret == -EAGAIN);
	return ret;
}

/* ------------------------------------------------------- TLB fill -- */

static void tlb_fill(struct cpu *c, int mmu_idx, unsigned long va, const struct mmu_translation *t)
{
	unsigned long page = va & PAGE_MASK;
	unsigned int idx = tlb_index(va);
	struct tlb_entry *e = &c->tlb.e[mmu_idx][idx];
	struct tlb_entry_full *full = &c->tlb.full[mmu_idx][idx];
	/* t is filled by mmu_translate, which returned 0; the analyzer does not
	 * see through walk()'s retry loop */
	u64 pphys =
		t->phys & PAGE_MASK; /* NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult) */

	e->addr_read = page;
	e->addr_write = (t->writable && (t->leaf & _PAGE_DIRTY)) ? page : TLB_INVALID;
	e->addr_code = t->exec ? page : TLB_INVALID;
	e->addend = (uintptr_t)(mmk->ram + pphys) - page;
	full->vaddr = page;
	full->phys = pphys;
	full->pte = t->leaf;
	full->level = (u8)t->level;
	full->global = t->global;
	if (t->level > PT_PTE)
		c->tlb.nr_large[mmu_idx]++;
}

static unsigned long tlb_comparator(const struct tlb_entry *e, enum mmu_access acc)
{
	if (acc == MMU_DATA_LOAD)
		return e->addr_read;
	return acc == MMU_DATA_STORE ? e->addr_write : e->addr_code;
}

u8 *mmu_probe(int mmu_idx, unsigned long va, enum mmu_access acc, bool fixup, int *err)
{
	struct cpu *c = this_cpu();
	struct tlb_entry *e = &c->tlb.e[mmu_idx][tlb_index(va)];
	struct mmu_translation t;
	struct mmu_fault f;
	int tries;

	lockdep_interrupt_point(IPI_ALL, NULL); /* every access is one */
	cpu_handle_ipis();
	for (tries = 0; tries < MMU_MAX_RETRIES; tries++) {
		if (tlb_comparator(e, acc) == (va & PAGE_MASK))
			return (u8 *)(va + e->addend);
		c->tlb.misses++;
		if (!mmu_translate(c, va, acc, mmu_idx, &t, &f)) {
			tlb_fill(c, mmu_idx, va, &t);
			continue;
		}
		f.fixup = fixup;
		if (raise_fault(&f)) {
			*err = -EFAULT;
			return NULL;
		}
	}
	WARN_ON(1); /* the fault handler keeps "fixing" a fault that recurs */
	f.fixup = true;
	raise_fault(&f);
	*err = -EFAULT;
	return NULL;
}

/* ------------------------------------------------------ slow paths -- */

static u64 load_host(const u8 *p, unsigned int size)
{
	switch (size) {
	case 1:
		return __atomic_load_n(p, __ATOMIC_RELAXED);
	case 2:
		if (!((uintptr_t)p & 1))
			return __atomic_load_n((const u16 *)p, __ATOMIC_RELAXED);
		break;
	case 4:
		if (!((uintptr_t)p & 3))
			return __atomic_load_n((const u32 *)p, __ATOMIC_RELAXED);
		break;
	case 8:
		if (!((uintptr_t)p & 7))
			return __atomic_load_n((const u64 *)p, __ATOMIC_RELAXED);
		break;
	}
	u64 v = 0;
	memcpy(&v, p, size); /* misaligned within a page (little-endian host) */
	return v;
}

static void store_host(u8 *p, unsigned int size, u64 v)
{
	switch (size) {
	case 1:
		__atomic_store_n(p, (u8)v, __ATOMIC_RELAXED);
		return;
	case 2:
		if (!((uintptr_t)p & 1)) {
			__atomic_store_n((u16 *)p, (u16)v, __ATOMIC_RELAXED);
			return;
		}
		break;
	case 4:
		if (!((uintptr_t)p & 3)) {
			__atomic_store_n((u32 *)p, (u32)v, __ATOMIC_RELAXED);
			return;
		}
		break;
	case 8:
		if (!((uintptr_t)p & 7)) {
			__atomic_store_n((u64 *)p, v, __ATOMIC_RELAXED);
			return;
		}
		break;
	}
	memcpy(p, &v, size);
}

static bool crosses_page(unsigned long va, unsigned int size)
{
	return ((va ^ (va + size - 1)) & PAGE_MASK) != 0;
}

/* Translate both pages of a page-crossing access before touching either
 * (no partial store on a fault). */
static int probe_split(int mmu_idx, unsigned long va, unsigned int size, enum mmu_access acc,
		       u8 **p1, u8 **p2, unsigned int *n1)
{
	unsigned long next = (va & PAGE_MASK) + PAGE_SIZE;
	int err = 0;

	*n1 = (unsigned int)(next - va);
	*p1 = mmu_probe(mmu_idx, va, acc, false, &err);
	if (!*p1)
		return err;
	*p2 = mmu_probe(mmu_idx, next, acc, false, &err);
	if (!*p2)
		return err;
	/* The second probe may have evicted or refilled the first page's
	 * entry: probe it again (a hit now, or the same translation). */
	*p1 = mmu_probe(mmu_idx, va, acc, false, &err);
	return *p1 ? 0 : err;
}

int mmu_load_slow(int mmu_idx, unsigned long va, unsigned int size, u64 *val)
{
	u8 *p1, *p2, buf[8];
	unsigned int n1;
	int err = 0;

	if (!crosses_page(va, size)) {
		p1 = mmu_probe(mmu_idx, va, MMU_DATA_LOAD, false, &err);
		if (!p1)
			return err;
		*val = load_host(p1, size);
		return 0;
	}
	err = probe_split(mmu_idx, va, size, MMU_DATA_LOAD, &p1, &p2, &n1);
	if (err)
		return err;
	memcpy(buf, p1, n1);
	memcpy(buf + n1, p2, size - n1);
	*val = load_host(buf, size);
	return 0;
}

int mmu_store_slow(int mmu_idx, unsigned long va, unsigned int size, u64 val)
{
	u8 *p1, *p2, buf[8];
	unsigned int n1;
	int err = 0;

	if (!crosses_page(va, size)) {
		p1 = mmu_probe(mmu_idx, va, MMU_DATA_STORE, false, &err);
		if (!p1)
			return err;
		store_host(p1, size, val);
		return 0;
	}
	err = probe_split(mmu_idx, va, size, MMU_DATA_STORE, &p1, &p2, &n1);
	if (err)
		return err;
	memcpy(buf, &val, sizeof(val));
	memcpy(p1, buf, n1);
	memcpy(p2, buf + n1, size - n1);
	return 0;
}

int mmk_read(int mmu_idx, unsigned long va, unsigned int size, u64 *val)
{
	u8 v8;
	u16 v16;
	u32 v32;
	int err;

	switch (size) {
	case 1:
		err = mmk_read8(mmu_idx, va, &v8);
		*val = v8;
		return err;
	case 2:
		err = mmk_read16(mmu_idx, va, &v16);
		*val = v16;
		return err;
	case 4:
		err = mmk_read32(mmu_idx, va, &v32);
		*val = v32;
		return err;
	case 8:
		return mmk_read64(mmu_idx, va, val);
	}
	return -EINVAL;
}

int mmk_write(int mmu_idx, unsigned long va, unsigned int size, u64 val)
{
	switch (size) {
	case 1:
		return mmk_write8(mmu_idx, va, (u8)val);
	case 2:
		return mmk_write16(mmu_idx, va, (u16)val);
	case 4:
		return mmk_write32(mmu_idx, va, (u32)val);
	case 8:
		return mmk_write64(mmu_idx, va, val);
	}
	return -EINVAL;
}

int mmk_exec(int mmu_idx, unsigned long va)
{
	struct tlb_entry *e = tlb_entry_of(mmu_idx, va);
	int err = 0;

	if (e->addr_code == (va & PAGE_MASK))
		return 0;
	return mmu_probe(mmu_idx, va, MMU_INST_FETCH, false, &err) ? 0 : err;
}

/* ---------------------------------------------------------- ranges -- */

/* Call fn on each page-sized piece of [va, va+len) with its host pointer. */
static int for_each_piece(int mmu_idx, unsigned long va, size_t len, enum mmu_access acc,
			  bool fixup, size_t *done,
			  bool (*fn)(u8 *host, size_t off, size_t n, void *arg), void *arg)
{
	size_t off = 0;
	int err = 0;

	while (off < len) {
		unsigned long a = va + off;
		size_t n = min((size_t)(PAGE_SIZE - (a & ~PAGE_MASK)), len - off);
		u8 *host = mmu_probe(mmu_idx, a, acc, fixup, &err);

		if (!host)
			break;
		if (!fn(host, off, n, arg))
			break;
		off += n;
	}
	if (done)
		*done = off;
	return err;
}

/* A copy as x86's rep movsb defines it, byte by byte upwards: the source
 * and destination may overlap (write(2) from a mapping of the very page it
 * writes into).  Below the source, or apart, that is memmove's result;
 * above it, the bytes already copied are copied again. */
static void copy_forward(u8 *dst, const u8 *src, size_t n)
{
	if (dst <= src || dst >= src + n) {
		memmove(dst, src, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

static bool piece_copy_from(u8 *host, size_t off, size_t n, void *dst)
{
	copy_forward((u8 *)dst + off, host, n);
	return true;
}

static bool piece_copy_to(u8 *host, size_t off, size_t n, void *src)
{
	copy_forward(host, (const u8 *)src + off, n);
	return true;
}

static bool piece_memset(u8 *host, size_t off, size_t n, void *byte)
{
	memset(host, *(int *)byte, n);
	return true;
}

struct chk {
	u8 byte;
	size_t at;
	u8 got;
	bool found;
};
static bool piece_memchk(u8 *host, size_t off, size_t n, void *arg)
{
	struct chk *k = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		if (host[i] != k->byte) {
			k->at = off + i;
			k->got = host[i];
			k->found = true;
			return false;
		}
	}
	return true;
}

int mmk_copy_from(int mmu_idx, void *dst, unsigned long va, size_t len, size_t *done)
{
	return for_each_piece(mmu_idx, va, len, MMU_DATA_LOAD, false, done, piece_copy_from, dst);
}

int mmk_copy_to(int mmu_idx, unsigned long va, const void *src, size_t len, size_t *done)
{
	return for_each_piece(mmu_idx, va, len, MMU_DATA_STORE, false, done, piece_copy_to,
			      (void *)src);
}

int mmk_memset(int mmu_idx, unsigned long va, int byte, size_t len, size_t *done)
{
	return for_each_piece(mmu_idx, va, len, MMU_DATA_STORE, false, done, piece_memset, &byte);
}

int mmk_memchk(int mmu_idx, unsigned long va, int byte, size_t len, unsigned long *mismatch,
	       u8 *got)
{
	struct chk k = { .byte = (u8)byte };
	int err = for_each_piece(mmu_idx, va, len, MMU_DATA_LOAD, false, NULL, piece_memchk, &k);

	*mismatch = k.found ? va + k.at : -1UL;
	if (k.found && got)
		*got = k.got;
	return err;
}

size_t copy_from_user(void *dst, unsigned long uva, size_t len)
{
	size_t done = 0;

	for_each_piece(MMU_KERNEL_IDX, uva, len, MMU_DATA_LOAD, true, &done, piece_copy_from, dst);
	return len - done;
}

size_t copy_to_user(unsigned long uva, const void *src, size_t len)
{
	size_t done = 0;

	for_each_piece(MMU_KERNEL_IDX, uva, len, MMU_DATA_STORE, true, &done, piece_copy_to,
		       (void *)src);
	return len - done;
}
