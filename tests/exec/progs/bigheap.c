/* bigheap: a heap larger than the machine's RAM (issue 21, "under
 * pressure").  Allocates argv[1] MiB (default 48) in 1 MiB chunks, writes
 * every word with a value of its index, then reads all of it back twice
 * (in order and in reverse), and prints the chunks' checksum: the same
 * natively and on a 32 MiB machine with swap, where most of it lives in
 * the swap area between the passes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK (1UL << 20)

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 48;
	uint64_t **chunk = calloc(mib, sizeof(*chunk)), sum = 0;
	unsigned long i, j, n = CHUNK / sizeof(uint64_t), bad = 0;

	if (!chunk)
		return 1;
	for (i = 0; i < mib; i++) {
		chunk[i] = malloc(CHUNK);
		if (!chunk[i]) {
			printf("malloc failed at %lu MiB\n", i);
			return 1;
		}
		for (j = 0; j < n; j++)
			chunk[i][j] = (i * n + j) * 0x9E3779B97F4A7C15ULL;
	}
	for (i = 0; i < mib; i++)
		for (j = 0; j < n; j++)
			bad += chunk[i][j] != (i * n + j) * 0x9E3779B97F4A7C15ULL;
	for (i = mib; i-- > 0;) {
		for (j = 0; j < n; j += 512)
			sum += chunk[i][j];
		free(chunk[i]);
	}
	printf("%lu MiB, %lu words wrong, checksum %016llx\n", mib, bad, (unsigned long long)sum);
	return bad != 0;
}
