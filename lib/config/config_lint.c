/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: the line-by-line check of a file.
 *
 * Files are read with rte_cfgfile.  rte_cfgfile skips lines it does not
 * understand and reports its own errors only through the log without a
 * reason the caller can see, so each file is first checked line by line
 * here (cfg_lint_line) with the same lexical rules; rte_cfgfile then only
 * ever sees files it parses exactly as the check did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "config/config_priv.h"

/* rte_cfgfile reads lines into a buffer of this size with fgets(). */
#define CFG_LINE_BUF (CFG_NAME_LEN + CFG_VALUE_LEN + 4)
/* Longest line (without its '\n') rte_cfgfile accepts. */
#define CFG_LINE_MAX (CFG_LINE_BUF - 2)

/*
 * Check one line against the lexical rules rte_cfgfile applies, but
 * reject what it would silently skip or truncate.  Returns NULL if the
 * line is fine, else what is wrong with it.
 */
static const char *
cfg_lint_line(char *buf, size_t n, bool *in_section, char *why, size_t wl)
{
	char *s, *e, *eq, *key, *val;
	size_t i;

	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > CFG_LINE_MAX) {
		cfg_err(why, wl, "line too long (%zu characters, at most %d)",
			n, CFG_LINE_MAX);
		return why;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			cfg_err(why, wl, "control byte 0x%02x: not a text "
				"file?", c);
			return why;
		}
	}
	buf[n] = '\0';
	/* rte_cfgfile: the first ';' starts a comment unless it is "\;" */
	s = memchr(buf, CFG_DEFAULT_COMMENT_CHARACTER, n);
	if (s != NULL && (s == buf || s[-1] != '\\'))
		n = (size_t)(s - buf);
	s = cfg_trim(buf, buf + n);
	e = s + strlen(s);
	if (*s == '\0')
		return NULL;
	if (*s == '#')
		return "comments start with ';' in tcpterm config files";
	if (*s == '[') {
		if (e[-1] != ']' || memchr(s, ']', (size_t)(e - s)) != e - 1)
			return "expected [section] alone on the line";
		s = cfg_trim(s + 1, e - 1);
		if (*s == '\0' || strlen(s) >= CFG_NAME_LEN)
			return "expected [section] with a name";
		*in_section = true;
		return NULL;
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		cfg_err(why, wl, "expected key = value, [section] or a ';' "
			"comment, not \"%.60s\"", s);
		return why;
	}
	key = cfg_trim(s, eq);
	val = cfg_trim(eq + 1, e);
	if (*key == '\0')
		return "missing key name before '='";
	if (strlen(key) >= CFG_NAME_LEN)
		return "key name too long";
	if (strlen(val) >= CFG_VALUE_LEN) {
		cfg_err(why, wl, "value of %.60s too long (%zu characters, "
			"at most %d)", key, strlen(val), CFG_VALUE_LEN - 1);
		return why;
	}
	if (!*in_section) {
		cfg_err(why, wl, "%.60s = ... before any [section]", key);
		return why;
	}
	return NULL;
}

int
cfg_lint(const char *path, char *err, size_t errlen)
{
	char *line = NULL, why[200];
	const char *bad = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	bool in_section = false;
	int rc = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		cfg_err(err, errlen, "%s: cannot open: %s", path,
			strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL)
			bad = "NUL byte: not a text file?";
		else
			bad = cfg_lint_line(line, (size_t)n, &in_section,
					    why, sizeof(why));
		if (bad != NULL) {
			cfg_err(err, errlen, "%s:%u: %s", path, lineno, bad);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		cfg_err(err, errlen, "%s: cannot read: %s", path,
			strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}
