/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_CONFIG_PRIV_H
#define TT_CONFIG_PRIV_H

/*
 * Shared by the files of lib/config only (key table, value parsers, file
 * check, loading, validation, reference); not part of the API in config.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

enum cfg_section {
	SEC_GENERAL, SEC_PORT, SEC_TCP, SEC_HTTP, SEC_FAULT, SEC_CLIENT, SEC_CAPTURE,
	SEC_COUNT
};

extern const char *const cfg_section_names[SEC_COUNT];

enum cfg_type {
	T_UINT,        /* decimal integer, stored in a 1, 2, 4 or 8 byte field */
	T_BYTES,       /* integer with an optional K/M/G (KiB/MiB/GiB) suffix */
	T_BOOL,        /* on/off/yes/no/true/false/1/0 */
	T_ENUM,        /* one of names[], stored as uint8_t index */
	T_TIME,        /* number in .unit (fractions ok), stored uint64_t us */
	T_TIME_NEVER,  /* T_TIME or "never", stored int64_t us, never = -1 */
	T_PROB,        /* probability 0..1, stored double */
	T_IP4NET,      /* A.B.C.D/len, dst = struct tt_port_config */
	T_IP4,         /* A.B.C.D or none, stored uint32_t host order */
	T_IP6NET,      /* ADDR/len (IPv6), dst = struct tt_port_config */
	T_IP6,         /* ADDR (IPv6) or none, dst = struct tt_port_config
			* (has_gateway6, gateway6) */
	T_PORTLIST,    /* p[,p...], dst = struct tt_http_config */
	T_TARGETS,     /* A.B.C.D:p or [ADDR]:p [,...], dst = struct
			* tt_client_config */
	T_IPRANGE,     /* A.B.C.D[-E.F.G.H] and/or ADDR[-ADDR] (IPv6),
			* dst = struct tt_client_config */
	T_PORTRANGE,   /* lo[-hi], dst = struct tt_client_config */
	T_PATH,        /* "/..." printable, no spaces, stored char[size] */
	T_TOKEN,       /* printable, no spaces, stored char[size] */
};

enum cfg_unit { U_NONE, U_S, U_MS, U_US };

struct cfg_key {
	uint8_t sec;               /* enum cfg_section */
	uint8_t type;              /* enum cfg_type */
	uint8_t unit;              /* enum cfg_unit, times only */
	const char *name;
	size_t off;                /* into struct tt_config (port 0 for ports) */
	size_t size;
	uint64_t min, max;         /* integers: as written; times: in us */
	const char *const *names;  /* T_ENUM */
	const char *def;           /* default as written in a file; NULL: none */
	const char *example;       /* shown instead when there is no default */
	const char *doc;
	const char *linux_eq;
};

/*
 * Entries of cfg_keys[]; config_keys.c checks it at compile time, so a
 * key added to the table without bumping this fails the build.
 */
#define CFG_NKEYS 83

extern const struct cfg_key cfg_keys[CFG_NKEYS];
/* names of enum tt_mode, for messages */
extern const char *const cfg_mode_names[];

/* config_util.c: helpers shared by the files */
void cfg_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *cfg_trim(char *s, char *e);
const char *cfg_fmt_ip(uint32_t ip, char *buf, size_t len);
/* IPv6 address (16 bytes, wire order) as text; buf of 46 bytes or more */
const char *cfg_fmt_ip6(const uint8_t *ip6, char *buf, size_t len);
/* Whether ip6 lies in net6/len (both wire order). */
bool cfg_in_prefix6(const uint8_t *ip6, const uint8_t *net6, unsigned len);
const char *cfg_fmt_scaled(uint64_t v, uint64_t scale, char *buf,
			   size_t len);

/* config_value.c: what a key accepts, and parsing one value */
const char *cfg_allowed(const struct cfg_key *k, char *buf, size_t len);
int cfg_parse_value(const struct cfg_key *k, const char *v, void *dst,
		    char *why, size_t whylen);

/* config_value.c: scanners shared with config_addr.c.  A scanner returns
 * the end of what it read, or NULL when there is none. */
struct cfg_num {
	uint64_t ip;     /* integer part */
	uint64_t fnum;   /* fraction = fnum / fden */
	uint64_t fden;
};
const char *cfg_skip_space(const char *s);
const char *cfg_scan_num(const char *s, bool frac_ok, struct cfg_num *n);
const char *cfg_scan_port(const char *s, uint16_t *port);   /* 1..65535 */

/* config_addr.c: addresses (why: a reason when "expected ..." would not
 * say what is wrong) */
const char *cfg_scan_ip(const char *s, uint32_t *ip);
int cfg_parse_ip6net(const char *v, struct tt_port_config *pc, char *why,
		     size_t whylen);
int cfg_parse_ip6(const char *v, struct tt_port_config *pc, char *why,
		  size_t whylen);
int cfg_parse_targets(const char *v, struct tt_client_config *c, char *why,
		      size_t whylen);
int cfg_parse_iprange(const char *v, struct tt_client_config *c, char *why,
		      size_t whylen);

/* config_lint.c: line-by-line check of a file before rte_cfgfile reads it */
int cfg_lint(const char *path, char *err, size_t errlen);

/* config_parse.c: set one key of a section */
int cfg_apply(struct tt_config *cfg, int sec, unsigned port, const char *key,
	      const char *value, const char *where, char *err, size_t errlen);

#endif /* TT_CONFIG_PRIV_H */
