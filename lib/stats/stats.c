/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "stats/stats.h"

static const char *const state_names[TCP_NSTATES] = {
#define X(n) #n,
	TCP_STATES(X)
#undef X
};

const char *const tt_counter_names[TT_NCOUNTERS] = {
#define X(n, h) #n,
	TT_COUNTERS(X)
#undef X
};

const char *const tt_counter_help[TT_NCOUNTERS] = {
#define X(n, h) h,
	TT_COUNTERS(X)
#undef X
};

const char *
tcp_state_name(enum tcp_state s)
{
	return (unsigned)s < TCP_NSTATES ? state_names[s] : "?";
}

void
tt_stats_load(struct tt_stats *out, const struct tt_stats *in)
{
	for (unsigned k = 0; k < TT_NCOUNTERS; k++)
		out->c[k] = tt_load_u64(&in->c[k]);
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		out->state[k] = tt_load_i64(&in->state[k]);
}

void
tt_stats_sum(struct tt_stats *out, struct tt_stats *const *in, unsigned n)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < TT_NCOUNTERS; k++)
			out->c[k] += tt_load_u64(&in[i]->c[k]);
		for (unsigned k = 0; k < TCP_NSTATES; k++)
			out->state[k] += tt_load_i64(&in[i]->state[k]);
	}
}
