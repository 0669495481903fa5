/*
 * proc.c - the registry of /proc views (include/mmkit/proc.h).
 */
#include <string.h>
#include "mmkit/proc.h"

static struct proc_view *views;

void proc_view_register(struct proc_view *v)
{
	v->next = views;
	views = v;
}

const struct proc_view *proc_view_find(const char *path, bool per_task)
{
	const struct proc_view *v;

	for (v = views; v; v = v->next)
		if (v->per_task == per_task && !strcmp(v->path, path))
			return v;
	return NULL;
}

const struct proc_view *proc_view_first(void) { return views; }
