/*
 * rmap.c - anon_vma objects and their chains (Linux mm/rmap.c), at the
 * layout level: what the VMA merge rules need (the identity of a VMA's
 * anon_vma and whether its chain is singular, i.e. not inherited by fork).
 * The page side of reverse mapping (anon pages pointing at an anon_vma,
 * try_to_unmap walking the VMAs) comes with the fault path; the anon_vma's
 * avc_list stands in for Linux's interval tree until then.
 *
 * Lock order: mmap_lock (write) is held by every caller here; the anon_vma
 * lock itself arrives with the page side.
 */
#include <errno.h>
#include <stdlib.h>
#include "mmkit/fault_inject.h"
#include "mmkit/mm_vma.h"

static DEFINE_FAULT_SITE(anon_vma_alloc_fail, "anon_vma_alloc");
static DEFINE_FAULT_SITE(avc_alloc_fail, "anon_vma_chain_alloc");
static _Atomic unsigned long anon_vma_serial;

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av;

	if (should_fail(&anon_vma_alloc_fail))
		return NULL;
	av = calloc(1, sizeof(*av));
	if (!av)
		return NULL;
	av->root = av;
	atomic_store(&av->refcount, 1);
	INIT_LIST_HEAD(&av->avc_list);
	av->id = atomic_fetch_add(&anon_vma_serial, 1) + 1;
	return av;
}

static void put_anon_vma(struct anon_vma *av)
{
	struct anon_vma *root = av->root;

	if (atomic_fetch_sub(&av->refcount, 1) != 1)
		return;
	if (av->parent && av->parent != av)
		av->parent->num_children--;
	free(av);
	if (root != av)
		put_anon_vma(root);
}

static struct anon_vma_chain *avc_alloc(void)
{
	if (should_fail(&avc_alloc_fail))
		return NULL;
	return calloc(1, sizeof(struct anon_vma_chain));
}

static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				struct anon_vma *av)
{
	avc->vma = vma;
	avc->anon_vma = av;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	list_add_tail(&avc->same_anon_vma, &av->avc_list);
}

/* Linux anon_vma_compatible(): a and b could have been one VMA. */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/* A neighbour's anon_vma that may be shared (find_mergeable_anon_vma): only
 * one that was never forked (its chain is singular). */
static struct anon_vma *reusable_anon_vma(const struct vm_area_struct *old,
					  const struct vm_area_struct *a,
					  const struct vm_area_struct *b)
{
	if (old && anon_vma_compatible(a, b) && old->anon_vma &&
	    list_is_singular(&old->anon_vma_chain))
		return old->anon_vma;
	return NULL;
}

static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct anon_vma *av = NULL;

	if (vma->vm_next)
		av = reusable_anon_vma(vma->vm_next, vma, vma->vm_next);
	if (!av && vma->vm_prev)
		av = reusable_anon_vma(vma->vm_prev, vma->vm_prev, vma);
	return av;
}

int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc = avc_alloc();
	struct anon_vma *av;

	if (!avc)
		return -ENOMEM;
	av = find_mergeable_anon_vma(vma);
	if (av) {
		atomic_fetch_add(&av->refcount, 1);
	} else {
		av = anon_vma_alloc();
		if (!av) {
			free(avc);
			return -ENOMEM;
		}
	}
	vma->anon_vma = av;
	av->num_active_vmas++;
	anon_vma_chain_link(vma, avc, av);
	return 0;
}

/* Make sure vma has an anon_vma (first anonymous fault).  Caller holds mmap_lock. */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	return vma->anon_vma ? 0 : __anon_vma_prepare(vma);
}

/* dst gets every anon_vma src is linked to (split, merge, mremap copy).
 * Returns 0 or -ENOMEM with dst unchanged. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *pavc, *avc;

	list_for_each_entry(pavc, &src->anon_vma_chain, same_vma) {
		avc = avc_alloc();
		if (!avc)
			goto enomem;
		atomic_fetch_add(&pavc->anon_vma->refcount, 1);
		anon_vma_chain_link(dst, avc, pavc->anon_vma);
	}
	if (src->anon_vma && !dst->anon_vma) {
		dst->anon_vma = src->anon_vma;
		dst->anon_vma->num_active_vmas++;
	}
	return 0;
enomem:
	unlink_anon_vmas(dst);
	return -ENOMEM;
}

/* Child VMA of a fork: the parent's chain plus a fresh anon_vma of its own. */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct anon_vma_chain *avc;
	struct anon_vma *av;

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	if (anon_vma_clone(vma, pvma))
		return -ENOMEM;
	if (vma->anon_vma)
		vma->anon_vma->num_active_vmas--;
	av = anon_vma_alloc();
	avc = av ? avc_alloc() : NULL;
	if (!avc) {
		free(av);
		unlink_anon_vmas(vma);
		return -ENOMEM;
	}
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	atomic_fetch_add(&av->root->refcount, 1);
	av->parent->num_children++;
	vma->anon_vma = av;
	av->num_active_vmas++;
	anon_vma_chain_link(vma, avc, av);
	return 0;
}

/* Drop every anon_vma link of vma (unmap, failed setup). */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;

	if (vma->anon_vma)
		vma->anon_vma->num_active_vmas--;
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		list_del(&avc->same_vma);
		list_del(&avc->same_anon_vma);
		put_anon_vma(avc->anon_vma);
		free(avc);
	}
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	vma->anon_vma = NULL;
}
