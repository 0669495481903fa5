/*
 * swapops.h - swap entries and the non-present PTEs that hold them (Linux
 * include/linux/swapops.h, include/linux/swap.h's type numbering, and the
 * x86 encodings of arch/x86/include/asm/pgtable_64.h, pgtable-3level.h,
 * pgtable-2level.h).
 *
 * A swap entry names one slot of one swap area: (type, offset).  It has two
 * forms, as in Linux:
 *   swp_entry_t   the generic form, type << SWP_TYPE_SHIFT | offset (the
 *                 form the swap code passes around, and that shmem stores in
 *                 its page cache as a value entry);
 *   a swap PTE    the hardware form, a PTE with P = 0 that the MMU never
 *                 walks through, in the format of the paging mode:
 *
 *   4/5 levels (x86-64, the L1TF-safe format):
 *     | TYPE 63..59 | ~OFFSET 58..9 | G=0 | 7=0 | 6..4 | E 3 | UFFD 2 | SD 1 | P=0 |
 *     The offset is stored inverted, so the bits that would be a physical
 *     address are high (above RAM) for every real offset: a speculative
 *     walk through a swap PTE reads nothing (L1 Terminal Fault).
 *   3 levels (PAE): the same 64-bit layout, the exclusive mark in bit 7 and
 *     no soft-dirty or uffd-wp bit; the offset fits the 27 bits of a 32-bit
 *     kernel's arch entry.
 *   2 levels (i386): | OFFSET 31..9 | G=0 | E 7 | 6=0 | TYPE 5..1 | P=0 |
 *
 * Types >= MAX_SWAPFILES are not swap areas: on the reference kernel
 * (6.18, CONFIG_MIGRATION, no MEMORY_FAILURE, no DEVICE_PRIVATE) they are
 * the three migration types (28..30) and the PTE markers (31).  A marker
 * is a swap entry of type SWP_PTE_MARKER whose offset holds PTE_MARKER_*
 * bits: guard regions (MADV_GUARD_INSTALL) and poisoned entries (a slot
 * swapoff could not read back).  pagemap shows a guard marker as swapped,
 * type 31 offset 4, with the guard bit, as the host does.
 *
 * A swap PTE also keeps what the PTE knew of its page: soft-dirty, uffd-wp
 * (64-bit modes) and whether the page was exclusive to this mm
 * (PG_anon_exclusive), so do_swap_page can map it writable without a copy.
 */
#ifndef MMKIT_SWAPOPS_H
#define MMKIT_SWAPOPS_H

#include "mmkit/pgtable.h"

typedef struct {
	unsigned long val;
} swp_entry_t;

#define MAX_SWAPFILES_SHIFT 5
#define MAX_SWAPFILES 28 /* 32 - 3 migration types - 1 marker type */
#define SWP_MIGRATION_READ 28
#define SWP_MIGRATION_WRITE 29
#define SWP_MIGRATION_EXCLUSIVE 30
#define SWP_PTE_MARKER 31 /* as the reference host numbers it */

/* ---- the generic form (Linux swp_entry, swp_type, swp_offset) ---- */
#define SWP_TYPE_SHIFT (64 - 1 - MAX_SWAPFILES_SHIFT) /* BITS_PER_XA_VALUE - 5 */
#define SWP_OFFSET_MASK ((1UL << SWP_TYPE_SHIFT) - 1)

static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	return (swp_entry_t){ (type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK) };
}
static inline unsigned int swp_type(swp_entry_t e)
{
	return (unsigned int)(e.val >> SWP_TYPE_SHIFT);
}
static inline unsigned long swp_offset(swp_entry_t e) { return e.val & SWP_OFFSET_MASK; }
/* A migration entry or a marker, not a slot of a swap area. */
static inline bool non_swap_entry(swp_entry_t e) { return swp_type(e) >= MAX_SWAPFILES; }

/* ---- the swap PTE bits (arch) ---- */
#define _PAGE_SWP_EXCLUSIVE_64 _PAGE_PWT /* bit 3 */
#define _PAGE_SWP_EXCLUSIVE_32 _PAGE_PSE /* bit 7 */
#define _PAGE_SWP_SOFT_DIRTY_64 _PAGE_RW /* bit 1 (CONFIG_MEM_SOFT_DIRTY) */
#define _PAGE_SWP_UFFD_WP_64 _PAGE_USER	 /* bit 2 */
#define SWP_TYPE_BITS 5
#define SWP_OFFSET_FIRST_BIT (_PAGE_BIT_PROTNONE + 1) /* 9 */
#define SWP_OFFSET_SHIFT_64 (SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS)

static inline u64 _PAGE_SWP_EXCLUSIVE(void)
{
	return pgmode.levels >= 4 ? _PAGE_SWP_EXCLUSIVE_64 : _PAGE_SWP_EXCLUSIVE_32;
}
/* Soft-dirty and uffd-wp live in swap PTEs only where the mode has them. */
static inline u64 _PAGE_SWP_SOFT_DIRTY(void)
{
	return _PAGE_SOFT_DIRTY ? _PAGE_SWP_SOFT_DIRTY_64 : 0;
}
static inline u64 _PAGE_SWP_UFFD_WP(void) { return _PAGE_UFFD_WP ? _PAGE_SWP_UFFD_WP_64 : 0; }

/* The bits of a swap PTE that are not the entry. */
static inline u64 swp_pte_flag_bits(void)
{
	return _PAGE_SWP_EXCLUSIVE() | _PAGE_SWP_SOFT_DIRTY() | _PAGE_SWP_UFFD_WP();
}

/* Linux __swp_entry + __swp_entry_to_pte, per paging mode. */
static inline pte_t __swp_entry_to_pte(unsigned long type, unsigned long offset)
{
	if (pgmode.levels == 2)
		return __pte((u32)(((type & 31) << 1) | (offset << SWP_OFFSET_FIRST_BIT)));
	if (pgmode.levels == 3)
		offset &= (1UL << (32 - SWP_TYPE_BITS)) - 1; /* a 32-bit arch entry */
	return __pte((~(u64)offset << SWP_OFFSET_SHIFT_64 >> SWP_TYPE_BITS) |
		     ((u64)type << (64 - SWP_TYPE_BITS)));
}
static inline unsigned long __pte_swp_type(pte_t pte)
{
	if (pgmode.levels == 2)
		return (pte_val(pte) >> 1) & 31;
	return (unsigned long)(pte_val(pte) >> (64 - SWP_TYPE_BITS));
}
static inline unsigned long __pte_swp_offset(pte_t pte)
{
	if (pgmode.levels == 2)
		return (unsigned long)((u32)pte_val(pte) >> SWP_OFFSET_FIRST_BIT);
	return (unsigned long)(~pte_val(pte) << SWP_TYPE_BITS >> SWP_OFFSET_SHIFT_64);
}

/* A PTE that is neither empty nor mapped: a swap entry, a migration entry
 * or a marker (Linux is_swap_pte). */
static inline bool is_swap_pte(pte_t pte) { return !pte_none(pte) && !pte_present(pte); }

static inline pte_t pte_swp_clear_flags(pte_t pte)
{
	return __pte(pte_val(pte) & ~swp_pte_flag_bits());
}
/* Linux pte_to_swp_entry / swp_entry_to_pte (no flag bits). */
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	pte = pte_swp_clear_flags(pte);
	return swp_entry(__pte_swp_type(pte), __pte_swp_offset(pte));
}
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __swp_entry_to_pte(swp_type(e), swp_offset(e));
}

static inline bool pte_swp_exclusive(pte_t p) { return pte_val(p) & _PAGE_SWP_EXCLUSIVE(); }
static inline pte_t pte_swp_mkexclusive(pte_t p)
{
	return __pte(pte_val(p) | _PAGE_SWP_EXCLUSIVE());
}
static inline pte_t pte_swp_clear_exclusive(pte_t p)
{
	return __pte(pte_val(p) & ~_PAGE_SWP_EXCLUSIVE());
}
static inline bool pte_swp_soft_dirty(pte_t p) { return pte_val(p) & _PAGE_SWP_SOFT_DIRTY(); }
static inline pte_t pte_swp_mksoft_dirty(pte_t p)
{
	return __pte(pte_val(p) | _PAGE_SWP_SOFT_DIRTY());
}
static inline bool pte_swp_uffd_wp(pte_t p) { return pte_val(p) & _PAGE_SWP_UFFD_WP(); }
static inline pte_t pte_swp_mkuffd_wp(pte_t p) { return __pte(pte_val(p) | _PAGE_SWP_UFFD_WP()); }

/* The largest offset + 1 the mode's swap PTE can hold (Linux
 * generic_max_swapfile_size: an all-ones offset through the encoding). */
static inline unsigned long max_swapfile_size(void)
{
	return __pte_swp_offset(__swp_entry_to_pte(0, ~0UL)) + 1;
}

/* ---- PTE markers (Linux pte_marker, SWP_PTE_MARKER entries) ---- */
#define PTE_MARKER_UFFD_WP (1UL << 0)
#define PTE_MARKER_POISONED (1UL << 1) /* swapoff could not read the slot */
#define PTE_MARKER_GUARD (1UL << 2)    /* MADV_GUARD_INSTALL */

static inline pte_t make_pte_marker(unsigned long marker)
{
	return swp_entry_to_pte(swp_entry(SWP_PTE_MARKER, marker));
}
static inline bool is_pte_marker_entry(swp_entry_t e) { return swp_type(e) == SWP_PTE_MARKER; }
static inline bool is_pte_marker(pte_t p)
{
	return is_swap_pte(p) && is_pte_marker_entry(pte_to_swp_entry(p));
}
static inline unsigned long pte_marker_get(swp_entry_t e) { return swp_offset(e); }
static inline bool is_poisoned_marker(pte_t p)
{
	return is_pte_marker(p) && (pte_marker_get(pte_to_swp_entry(p)) & PTE_MARKER_POISONED);
}
/* A PTE that names a slot of a swap area (not a marker or migration entry). */
static inline bool is_swap_entry_pte(pte_t p)
{
	return is_swap_pte(p) && !non_swap_entry(pte_to_swp_entry(p));
}

#endif
