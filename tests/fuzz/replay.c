/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Corpus replay for the fuzz targets, for compilers without libFuzzer
 * (gcc): `fuzz_X DIR|FILE...` runs LLVMFuzzerTestOneInput on every file, in
 * name order, and exits non-zero when an input crashes (the sanitizers of
 * the build report it) or when no input was found at all, so a missing
 * corpus cannot pass as a clean replay.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned n = 0;

	if (LLVMFuzzerInitialize(&argc, &argv) != 0)
		return 1;
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		struct dirent **ents;
		int k;

		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "replay: %s: not found\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (replay_file(argv[i]) != 0)
				return 1;
			n++;
			continue;
		}
		k = scandir(argv[i], &ents, NULL, NULL);
		if (k < 0)
			return 1;
		qsort(ents, (size_t)k, sizeof(*ents), by_name);
		for (int j = 0; j < k; j++) {
			char path[4096];

			if (ents[j]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
				if (replay_file(path) != 0)
					return 1;
				n++;
			}
			free(ents[j]);
		}
		free(ents);
	}
	printf("replayed %u inputs\n", n);
	if (n == 0) {
		fprintf(stderr, "replay: no input found: an empty corpus proves nothing\n");
		return 1;
	}
	return 0;
}
