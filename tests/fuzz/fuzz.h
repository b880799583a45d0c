/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_FUZZ_H
#define TT_FUZZ_H
/*
 * The libFuzzer entry points every target defines.  Built with clang and
 * -fsanitize=fuzzer they are driven by libFuzzer; built with any compiler
 * and replay.c they replay a corpus (the test suite does that).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broke: say which and crash, so that libFuzzer keeps the
 * input and the replay fails. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* Reading the input as a stream of bytes; past the end, zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t n, off;
};

static inline uint8_t
fz_u8(struct fuzz_in *in)
{
	return in->off < in->n ? in->p[in->off++] : 0;
}

static inline uint16_t
fz_u16(struct fuzz_in *in)
{
	return (uint16_t)(fz_u8(in) | fz_u8(in) << 8);
}

static inline uint32_t
fz_u32(struct fuzz_in *in)
{
	return (uint32_t)fz_u16(in) | (uint32_t)fz_u16(in) << 16;
}

static inline size_t
fz_left(const struct fuzz_in *in)
{
	return in->off < in->n ? in->n - in->off : 0;
}

#endif
