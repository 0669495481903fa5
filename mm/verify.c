/*
 * verify.c - the registry behind `verify` (include/mmkit/debug.h).  Checks
 * register by constructor and run in ascending order; each reports
 * violations through verify_fail(), which prefixes the check's name.
 * `verify: ok` is printed only when no check found anything.
 */
#include <stdarg.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/debug.h"
#include "mmkit/machine.h"

static struct verify_check *checks;

/* Kept scratch tables: a slot holds one or is NULL.  A table taken from a
 * slot is its taker's alone (the slot was swapped to NULL). */
struct scratch {
	size_t size;
	alignas(max_align_t) unsigned char data[];
};
#define SCRATCH_SLOTS 16
static _Atomic(struct scratch *) scratch_slot[SCRATCH_SLOTS];

void *verify_scratch_zalloc(size_t bytes)
{
	struct scratch *t;
	int i;

	for (i = 0; i < SCRATCH_SLOTS; i++) {
		t = atomic_load(&scratch_slot[i]);
		if (t && t->size >= bytes &&
		    atomic_compare_exchange_strong(&scratch_slot[i], &t, NULL)) {
			memset(t->data, 0, bytes);
			return t->data;
		}
	}
	t = calloc(1, sizeof(*t) + bytes);
	if (!t)
		return NULL;
	t->size = bytes;
	return t->data;
}

void verify_scratch_free(void *p)
{
	struct scratch *t, *none;
	int i;

	if (!p)
		return;
	t = (struct scratch *)((unsigned char *)p - offsetof(struct scratch, data));
	for (i = 0; i < SCRATCH_SLOTS; i++) {
		none = NULL;
		if (atomic_compare_exchange_strong(&scratch_slot[i], &none, t))
			return;
	}
	free(t);
}

void verify_register(struct verify_check *c)
{
	struct verify_check **pp = &checks;

	while (*pp && (*pp)->order <= c->order)
		pp = &(*pp)->next;
	c->next = *pp;
	*pp = c;
}

void verify_fail(struct verify_ctx *v, const char *fmt, ...)
{
	va_list ap;

	if (v->out && v->errors < v->max_reports) {
		fprintf(v->out, "verify: %s: ", v->check);
		va_start(ap, fmt);
		vfprintf(v->out, fmt, ap);
		va_end(ap);
		fputc('\n', v->out);
	}
	v->errors++;
}

int verify_all(FILE *out)
{
	struct verify_ctx v = { .out = out, .max_reports = 50 };
	struct verify_check *c;

	for (c = checks; c; c = c->next) {
		v.check = c->name;
		c->fn(&v);
	}
	if (out && !v.errors)
		fprintf(out, "verify: ok\n");
	else if (out && v.errors > v.max_reports)
		fprintf(out, "verify: %d more violations not shown\n", v.errors - v.max_reports);
	return v.errors;
}
