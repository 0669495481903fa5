/* malloc_heavy.c - many allocations of mixed sizes (brk and mmap'ed
 * chunks), frees in a scattered order, reallocs; prints a checksum of the
 * contents, which must be the same natively and on mmkit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 20000

int main(void)
{
	static unsigned char *p[N];
	static size_t sz[N];
	unsigned long sum = 0, seed = 12345;
	int i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < N; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			sz[i] = (seed >> 33) % (i % 97 == 0 ? 300000 : 2000) + 1;
			p[i] = malloc(sz[i]);
			if (!p[i])
				return 1;
			memset(p[i], (int)(i + round), sz[i]);
		}
		for (i = 0; i < N; i += 3) {
			p[i] = realloc(p[i], sz[i] * 2);
			memset(p[i] + sz[i], 0x5a, sz[i]);
			sz[i] *= 2;
		}
		for (i = 0; i < N; i++) {
			int k = (int)((i * 7919UL) % N);
			size_t j;

			for (j = 0; j < sz[k]; j += 61)
				sum = sum * 31 + p[k][j];
			free(p[k]);
		}
	}
	printf("malloc_heavy: %d blocks x 3 rounds, checksum %lx\n", N, sum);
	return 0;
}
