/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <sys/random.h>

#include "tcp/tuple_hash.h"

struct tcp_hash_key tcp_hash_secret;

int
tcp_hash_key_random(void)
{
	struct tcp_hash_key k;
	ssize_t n;

	/* A 16-byte request from getrandom() is never cut short once the
	 * pool is initialised; EINTR cannot happen below 256 bytes. */
	n = getrandom(&k, sizeof(k), 0);
	if (n != (ssize_t)sizeof(k)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	tcp_hash_secret = k;
	return 0;
}

void
tcp_hash_key_set(const struct tcp_hash_key *k)
{
	tcp_hash_secret = *k;
}
