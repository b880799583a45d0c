/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: finding sections and keys, and applying a file
 * (checked first by config_lint.c, then read with rte_cfgfile) or a
 * --set override.  Both are all or nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "config/config_priv.h"

#define CFG_KNOWN_SECTIONS "general, port0..port7, tcp, http, fault, client"

/* Longest value accepted from --set (lists can outgrow CFG_VALUE_LEN). */
#define CFG_SET_MAX 1024

/*
 * Copy a user string for an error message: control bytes become '?' so
 * the message stays one line, and long values are cut.
 */
static const char *
cfg_printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[i] = '\0';
	if (s[i] != '\0' && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

static const char *
cfg_secname(unsigned sec, unsigned port, char *buf, size_t len)
{
	if (sec == SEC_PORT)
		snprintf(buf, len, "port%u", port);
	else
		snprintf(buf, len, "%s", cfg_section_names[sec]);
	return buf;
}

/* ---- sections and keys ------------------------------------------------ */

/* Section name -> enum cfg_section (and port number); -1 if unknown. */
static int
cfg_find_section(const char *name, unsigned *port)
{
	int s;

	*port = 0;
	if (strncmp(name, "port", 4) == 0 && name[4] >= '0' &&
	    name[4] < '0' + TT_MAX_PORTS && name[5] == '\0') {
		*port = (unsigned)(name[4] - '0');
		return SEC_PORT;
	}
	for (s = 0; s < SEC_COUNT; s++)
		if (s != SEC_PORT && strcmp(name, cfg_section_names[s]) == 0)
			return s;
	return -1;
}

static int
cfg_find_key(int sec, const char *name)
{
	size_t i;

	for (i = 0; i < CFG_NKEYS; i++)
		if (cfg_keys[i].sec == sec && strcmp(cfg_keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const char *
cfg_known_keys(int sec, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < CFG_NKEYS && o < len; i++)
		if (cfg_keys[i].sec == sec)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "", cfg_keys[i].name);
	return buf;
}

static void *
cfg_field(struct tt_config *cfg, const struct cfg_key *k, unsigned port)
{
	return (char *)cfg + k->off + port * sizeof(struct tt_port_config);
}

/*
 * Set one key.  `where` is the start of any error message, and already
 * names the origin, section, key and value.
 */
int
cfg_apply(struct tt_config *cfg, int sec, unsigned port, const char *key,
	  const char *value, const char *where, char *err, size_t errlen)
{
	char why[160], allowed[200], known[600], sname[16];
	int ki = cfg_find_key(sec, key);
	const struct cfg_key *k;

	if (ki < 0) {
		cfg_err(err, errlen, "%s: unknown key in [%s] (known: %s)",
			where, cfg_secname((unsigned)sec, port, sname,
					   sizeof(sname)),
			cfg_known_keys(sec, known, sizeof(known)));
		return -1;
	}
	k = &cfg_keys[ki];
	why[0] = '\0';
	if (cfg_parse_value(k, value, cfg_field(cfg, k, port), why,
			    sizeof(why)) != 0) {
		cfg_err(err, errlen, "%s: %s%sexpected %s", where, why,
			why[0] ? "; " : "",
			cfg_allowed(k, allowed, sizeof(allowed)));
		return -1;
	}
	return 0;
}

/* Apply the entries of one section of a loaded file. */
static int
cfg_load_section(struct tt_config *cfg, const char *path, int sec,
		 unsigned port, const struct rte_cfgfile_entry *ents, int ne,
		 char *err, size_t errlen)
{
	int first[CFG_NKEYS];
	char where[512], sname[16], v1[80], v2[80];
	int j, ki;
	size_t i;

	for (i = 0; i < CFG_NKEYS; i++)
		first[i] = -1;
	cfg_secname((unsigned)sec, port, sname, sizeof(sname));
	for (j = 0; j < ne; j++) {
		const char *key = ents[j].name, *val = ents[j].value;

		snprintf(where, sizeof(where), "%s: [%s] %s = %s", path, sname,
			 key, cfg_printable(val, v1, sizeof(v1)));
		ki = cfg_find_key(sec, key);
		if (ki >= 0 && first[ki] >= 0) {
			cfg_err(err, errlen, "%s: duplicate key (already "
				"set to %s in this section)", where,
				cfg_printable(ents[first[ki]].value, v2,
					      sizeof(v2)));
			return -1;
		}
		if (cfg_apply(cfg, sec, port, key, val, where, err,
			      errlen) != 0)
			return -1;
		first[ki] = j;
	}
	return 0;
}

static int
cfg_load_file(struct tt_config *cfg, struct rte_cfgfile *cf,
	      const char *path, char *err, size_t errlen)
{
	char name[CFG_NAME_LEN], pname[80];
	struct rte_cfgfile_entry *ents;
	uint32_t seen = 0;
	int nsec, i, ne, sec;
	unsigned port, bit;

	nsec = rte_cfgfile_num_sections(cf, "", 0);
	for (i = 0; i < nsec; i++) {
		ne = rte_cfgfile_section_num_entries_by_index(cf, name, i);
		if (ne < 0)
			continue;
		sec = cfg_find_section(name, &port);
		if (sec < 0) {
			cfg_err(err, errlen, "%s: unknown section [%s] "
				"(known: " CFG_KNOWN_SECTIONS ")", path,
				cfg_printable(name, pname, sizeof(pname)));
			return -1;
		}
		bit = sec == SEC_PORT ? SEC_COUNT + port : (unsigned)sec;
		if (seen & (1u << bit)) {
			cfg_err(err, errlen, "%s: section [%s] appears twice",
				path, name);
			return -1;
		}
		seen |= 1u << bit;
		ents = calloc(ne > 0 ? (size_t)ne : 1, sizeof(*ents));
		if (ents == NULL) {
			cfg_err(err, errlen, "%s: out of memory", path);
			return -1;
		}
		ne = rte_cfgfile_section_entries_by_index(cf, i, name, ents,
							  ne);
		if (cfg_load_section(cfg, path, sec, port, ents, ne, err,
				     errlen) != 0) {
			free(ents);
			return -1;
		}
		free(ents);
	}
	return 0;
}

int
tt_config_load(struct tt_config *cfg, const char *path, char *err,
	       size_t errlen)
{
	struct rte_cfgfile *cf;
	struct tt_config tmp;
	int rc;

	if (cfg_lint(path, err, errlen) != 0)
		return -1;
	/* empty values are left to each key's parser, which names the key */
	cf = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (cf == NULL) {
		cfg_err(err, errlen, "%s: rte_cfgfile could not parse it", path);
		return -1;
	}
	/* all or nothing: a bad key leaves cfg as it was */
	memcpy(&tmp, cfg, sizeof(tmp));
	rc = cfg_load_file(&tmp, cf, path, err, errlen);
	rte_cfgfile_close(cf);
	if (rc == 0)
		memcpy(cfg, &tmp, sizeof(tmp));
	return rc;
}

int
tt_config_set(struct tt_config *cfg, const char *assignment, char *err,
	      size_t errlen)
{
	char buf[CFG_SET_MAX], where[CFG_SET_MAX + 16], *eq, *dot;
	char *sname, *key, *val;
	struct tt_config tmp;
	unsigned port;
	int sec;

	snprintf(where, sizeof(where), "--set %s",
		 cfg_printable(assignment, buf, 120));
	if (strlen(assignment) >= sizeof(buf)) {
		cfg_err(err, errlen, "%s: too long (at most %zu characters)",
			where, sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, assignment, strlen(assignment) + 1);
	eq = strchr(buf, '=');
	dot = eq != NULL ? memchr(buf, '.', (size_t)(eq - buf)) : NULL;
	if (dot == NULL) {
		cfg_err(err, errlen, "%s: expected section.key=value (e.g. "
			"tcp.time_wait=30)", where);
		return -1;
	}
	sname = cfg_trim(buf, dot);
	key = cfg_trim(dot + 1, eq);
	val = cfg_trim(eq + 1, eq + 1 + strlen(eq + 1));
	sec = cfg_find_section(sname, &port);
	if (sec < 0) {
		cfg_err(err, errlen, "%s: unknown section [%s] (known: "
			CFG_KNOWN_SECTIONS ")", where, sname);
		return -1;
	}
	memcpy(&tmp, cfg, sizeof(tmp));
	if (cfg_apply(&tmp, sec, port, key, val, where, err, errlen) != 0)
		return -1;
	memcpy(cfg, &tmp, sizeof(tmp));
	return 0;
}
