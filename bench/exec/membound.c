/* membound.c - a memory-bound loop for bench/bench_exec.sh: a random walk
 * over a 32 MiB array (a permutation cycle, so every load misses the
 * caches and, under emulation, often the TLB), 8M steps. */
#include <stdio.h>
#include <stdlib.h>

#define N (4u << 20) /* 4M longs = 32 MiB */

int main(void)
{
	unsigned long *next = malloc(N * sizeof(*next)), i, p = 0, sum = 0, seed = 42;

	if (!next)
		return 1;
	for (i = 0; i < N; i++)
		next[i] = i;
	for (i = N - 1; i > 0; i--) { /* Sattolo: one cycle */
		unsigned long j, t;

		seed = seed * 6364136223846793005UL + 1;
		j = (seed >> 33) % i;
		t = next[i];
		next[i] = next[j];
		next[j] = t;
	}
	for (i = 0; i < 8u << 20; i++) {
		p = next[p];
		sum += p;
	}
	printf("membound: %lu\n", sum);
	return 0;
}
