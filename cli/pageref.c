/*
 * pageref.c - the page-reference sequence of a run, for offline policy
 * studies (tools/belady.py computes Belady's OPT on it).
 *
 * With MMKIT_PAGEREF=FILE in the environment, every user access command of
 * a scenario (touch, fill, check, fillpat, checkpat) appends, once it
 * completed, the pages it referenced to FILE in access order, one line
 * each: "PROCESS KIND VPN" - the scenario's process name, `a` for a page of
 * an anonymous VMA or `f` for a file (or shmem) VMA, the virtual page
 * number in hex.  A page referenced again right after itself is one
 * reference.  Real programs (`exec`) and kernel accesses are not recorded.
 * Without the variable the commands pay one test of a pointer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmap_lock.h"
#include "mmkit/sched.h"

static FILE *pageref_file;
static bool pageref_tried;
static pthread_mutex_t pageref_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_proc[32];
static unsigned long last_vpn = -1UL;

static FILE *pageref_open(void)
{
	const char *path;

	if (pageref_tried)
		return pageref_file;
	pageref_tried = true;
	path = getenv("MMKIT_PAGEREF");
	if (path && *path) {
		pageref_file = fopen(path, "w");
		if (!pageref_file)
			fprintf(stderr, "mmkit: MMKIT_PAGEREF: cannot write %s\n", path);
	}
	return pageref_file;
}

/* Is the VMA at addr anonymous?  Caller holds no lock. */
static bool pageref_anon(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *v;
	bool anon;

	mmap_read_lock(mm);
	v = find_vma(mm, addr);
	anon = !v || vma_is_anonymous(v);
	mmap_read_unlock(mm);
	return anon;
}

void cli_pageref(struct cmd_ctx *c, unsigned long addr, unsigned long len)
{
	unsigned long vpn, end;
	FILE *f;
	char kind;

	if (!len || !c->proc || !c->proc->task || !c->proc->task->mm)
		return;
	pthread_mutex_lock(&pageref_lock);
	f = pageref_open();
	if (!f)
		goto out;
	kind = pageref_anon(c->proc->task->mm, addr) ? 'a' : 'f';
	end = (addr + len - 1) >> PAGE_SHIFT;
	for (vpn = addr >> PAGE_SHIFT; vpn <= end; vpn++) {
		if (vpn == last_vpn && !strcmp(last_proc, c->proc->name))
			continue;
		fprintf(f, "%s %c %lx\n", c->proc->name, kind, vpn);
		last_vpn = vpn;
		snprintf(last_proc, sizeof(last_proc), "%s", c->proc->name);
	}
out:
	pthread_mutex_unlock(&pageref_lock);
}

__attribute__((destructor)) static void pageref_close(void)
{
	if (pageref_file)
		fclose(pageref_file);
}
