/*
 * fuzz_replay.c - a main() for the fuzz targets in builds without libFuzzer
 * (gcc: release, debug, tsan): runs LLVMFuzzerTestOneInput once on every
 * file named, or on every file of every directory named, as `fuzzer -runs=0`
 * would.  This is the corpus regression test in ctest.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		perror(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int *count)
{
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, i;
	int err = 0;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		err |= run_file(path);
		(*count)++;
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, err = 0, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			err |= run_dir(argv[i], &count);
		} else {
			err |= run_file(argv[i]);
			count++;
		}
	}
	printf("fuzz_replay: %d inputs run, no finding\n", count);
	return err;
}
