/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: the reference printed by tcpterm --help-config,
 * generated from the key table.
 */
#include <stdio.h>
#include <string.h>

#include "config/config_priv.h"

/* Print text as ';' comment lines wrapped near 78 columns. */
static void
cfg_print_wrapped(FILE *f, const char *lead, const char *text)
{
	size_t col = 0, w;
	const char *s = text;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		w = strcspn(s, " ");
		if (w == 0)
			break;
		if (col == 0) {
			col = (size_t)fprintf(f, ";%s", lead);
		} else if (col + 1 + w > 78) {
			fputc('\n', f);
			col = (size_t)fprintf(f, ";%s", lead);
		} else {
			col += (size_t)fprintf(f, " ");
		}
		col += fwrite(s, 1, w, f);
		s += w;
	}
	if (col != 0)
		fputc('\n', f);
}

void
tt_config_print_reference(FILE *f)
{
	char allowed[200], line[400];
	int sec = -1;
	size_t i;

	fprintf(f,
		"; tcpterm configuration reference (tcpterm --help-config).\n"
		"; Every key with its default; a key shown as \";key = ...\" "
		"has no default.\n"
		"; Comments start with ';'.  Times are in the unit given per "
		"key and may\n"
		"; have fractions (time_wait = 0.5).  Override any key with\n"
		"; --set section.key=value.  docs/config.md explains them "
		"all.\n");
	for (i = 0; i < CFG_NKEYS; i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if (k->sec != sec) {
			sec = k->sec;
			fprintf(f, "\n");
			if (sec == SEC_PORT)
				fprintf(f, "; [port0] .. [port%d]: one section "
					"per DPDK port, by port id.\n",
					TT_MAX_PORTS - 1);
			fprintf(f, "[%s]\n", sec == SEC_PORT ? "port0" :
				cfg_section_names[sec]);
		}
		snprintf(line, sizeof(line), "%s: %s", k->name, k->doc);
		cfg_print_wrapped(f, " ", line);
		snprintf(line, sizeof(line), "Allowed: %s.",
			 cfg_allowed(k, allowed, sizeof(allowed)));
		cfg_print_wrapped(f, "   ", line);
		snprintf(line, sizeof(line), "Linux: %s.", k->linux_eq);
		cfg_print_wrapped(f, "   ", line);
		if (k->def != NULL)
			fprintf(f, "%s = %s\n", k->name, k->def);
		else
			fprintf(f, ";%s = %s\n", k->name, k->example);
	}
}
