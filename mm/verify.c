/*
 * verify.c - the registry behind `verify` (include/mmkit/debug.h).  Checks
 * register by constructor and run in ascending order; each reports
 * violations through verify_fail(), which prefixes the check's name.
 * `verify: ok` is printed only when no check found anything.
 */
#include <stdarg.h>
#include "mmkit/debug.h"
#include "mmkit/machine.h"

static struct verify_check *checks;

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
