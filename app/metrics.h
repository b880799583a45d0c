/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_METRICS_H
#define TT_METRICS_H
/*
 * Prometheus text-format metrics at http://[general] metrics_listen/metrics
 * (app/metrics.c).
 */
#include <stddef.h>

struct tt_app;

/* Start the endpoint when metrics_listen is not "off": 0, or -1 with a
 * one-line reason in err. */
int metrics_start(struct tt_app *app, char *err, size_t errlen);
/* Stop it (no-op when it was not started). */
void metrics_stop(void);
/* The page a scrape gets (malloc'ed, *len bytes, no NUL), or NULL. */
char *metrics_render(struct tt_app *app, size_t *len);

#endif
