/*
 * suggest.c - "did you mean ...?" for every name a user types: subcommands,
 * options, scenario commands, process operations, views, view fields and
 * flag names.  The distance is the optimal string alignment distance
 * (Levenshtein with adjacent transpositions, as git's help.c uses for its
 * autocorrect), and a candidate is offered only when it is close enough to be
 * a typo: at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

#define SUGGEST_MAX_LEN 64

static int min3(int a, int b, int c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

/* Optimal string alignment distance of a and b (both < SUGGEST_MAX_LEN). */
static int osa_distance(const char *a, const char *b)
{
	static __thread int d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
	int n = (int)strlen(a), m = (int)strlen(b), i, j;

	if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
		return SUGGEST_MAX_LEN;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[n][m];
}

static int typo_budget(const char *word)
{
	size_t n = strlen(word);

	return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best[0] = 0;
	s->dist = typo_budget(word) + 1;
}

void suggest_add(struct suggest *s, const char *cand)
{
	int d;

	if (!cand || !strcmp(cand, s->word))
		return;
	d = osa_distance(s->word, cand);
	if (d < s->dist) {
		s->dist = d;
		snprintf(s->best, sizeof(s->best), "%s", cand);
	}
}

const char *suggest_hint(const struct suggest *s, char *buf, size_t len)
{
	if (!s->best[0])
		return "";
	snprintf(buf, len, "; did you mean '%s'?", s->best);
	return buf;
}
