/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: parsing one value of a key, and the text saying
 * what a key accepts (for errors and the reference).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/config_priv.h"

static const uint64_t cfg_unit_scale[] = { 1, 1000000, 1000, 1 };
static const char *const cfg_unit_name[] = {
	"", "seconds", "milliseconds", "microseconds"
};

const char *
cfg_skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* ---- number and address scanners -------------------------------------- */

/*
 * Scan an unsigned decimal "123", "1.5" or ".5" (fractions only if
 * frac_ok).  No sign, exponent, hex or spaces, so "-3", "1e3", "0x10"
 * never turn into a different number than the user meant.  Returns the
 * end of the number, or NULL if there is none or it overflows.
 */
const char *
cfg_scan_num(const char *s, bool frac_ok, struct cfg_num *n)
{
	bool digits = false;

	n->ip = 0;
	n->fnum = 0;
	n->fden = 1;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s - '0');

		if (n->ip > (UINT64_MAX - d) / 10)
			return NULL;
		n->ip = n->ip * 10 + d;
		digits = true;
		s++;
	}
	if (frac_ok && *s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			/* 12 digits are far below any unit we store */
			if (n->fden < 1000000000000ULL) {
				n->fnum = n->fnum * 10 + (unsigned)(*s - '0');
				n->fden *= 10;
			}
			digits = true;
			s++;
		}
	}
	return digits ? s : NULL;
}

/* n * scale rounded to the nearest integer; -1 on overflow */
static int
cfg_num_scaled(const struct cfg_num *n, uint64_t scale, uint64_t *out)
{
	uint64_t whole, frac;

	if (scale != 0 && n->ip > UINT64_MAX / scale)
		return -1;
	whole = n->ip * scale;
	/* fnum < fden <= 10^12 and scale <= 10^6: no overflow */
	frac = (n->fnum * scale + n->fden / 2) / n->fden;
	if (whole > UINT64_MAX - frac)
		return -1;
	*out = whole + frac;
	return 0;
}

/* integer 1..65535 */
const char *
cfg_scan_port(const char *s, uint16_t *port)
{
	struct cfg_num n;
	const char *e = cfg_scan_num(s, false, &n);

	if (e == NULL || n.ip < 1 || n.ip > 65535)
		return NULL;
	*port = (uint16_t)n.ip;
	return e;
}

/* ---- the allowed values of a key, for errors and the reference ------- */

static uint64_t
cfg_field_max(const struct cfg_key *k)
{
	uint64_t m = k->size >= 8 ? UINT64_MAX : (1ULL << (8 * k->size)) - 1;

	return k->max < m ? k->max : m;
}

const char *
cfg_allowed(const struct cfg_key *k, char *buf, size_t len)
{
	char a[32], b[32];
	uint64_t sc = cfg_unit_scale[k->unit];
	size_t o;
	int i;

	switch (k->type) {
	case T_UINT:
		snprintf(buf, len, "an integer in %" PRIu64 "..%" PRIu64,
			 k->min, cfg_field_max(k));
		break;
	case T_BYTES:
		snprintf(buf, len, "a byte count in %" PRIu64 "..%" PRIu64
			 " (suffix K, M or G for KiB, MiB, GiB)",
			 k->min, cfg_field_max(k));
		break;
	case T_BOOL:
		snprintf(buf, len, "on or off (or yes/no, true/false, 1/0)");
		break;
	case T_ENUM:
		o = (size_t)snprintf(buf, len, "one of");
		for (i = 0; k->names[i] != NULL && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s %s",
					      i ? "," : "", k->names[i]);
		break;
	case T_TIME:
	case T_TIME_NEVER:
		snprintf(buf, len, "%s, a number in %s..%s%s",
			 cfg_unit_name[k->unit],
			 cfg_fmt_scaled(k->min, sc, a, sizeof(a)),
			 cfg_fmt_scaled(k->max, sc, b, sizeof(b)),
			 k->type == T_TIME_NEVER ? ", or never" : "");
		break;
	case T_PROB:
		snprintf(buf, len, "a probability, a number in 0..1");
		break;
	case T_IP4NET:
		snprintf(buf, len, "an IPv4 address and prefix length, "
			 "A.B.C.D/1..32");
		break;
	case T_IP4:
		snprintf(buf, len, "an IPv4 address A.B.C.D, or none");
		break;
	case T_IP6NET:
		snprintf(buf, len, "a unicast IPv6 address and prefix length, "
			 "ADDR/1..128");
		break;
	case T_IP6:
		snprintf(buf, len, "a unicast IPv6 address, or none");
		break;
	case T_PORTLIST:
		snprintf(buf, len, "a comma-separated list of 1..%d distinct "
			 "TCP ports in 1..65535", TT_MAX_LISTEN);
		break;
	case T_TARGETS:
		snprintf(buf, len, "a comma-separated list of 1..%d distinct "
			 "A.B.C.D:port or [IPv6]:port", TT_MAX_TARGETS);
		break;
	case T_IPRANGE:
		snprintf(buf, len, "an IPv4 address A.B.C.D or range "
			 "A.B.C.D-E.F.G.H, an IPv6 address or range A-B whose "
			 "ends differ in the last 32 bits only, or one of each "
			 "comma separated; first <= last");
		break;
	case T_PORTRANGE:
		snprintf(buf, len, "a port or a range lo-hi in 1..65535, "
			 "lo <= hi");
		break;
	case T_PATH:
		snprintf(buf, len, "a path starting with /, 1..%zu printable "
			 "characters without spaces", k->size - 1);
		break;
	case T_TOKEN:
		snprintf(buf, len, "1..%zu printable characters without "
			 "spaces", k->size - 1);
		break;
	}
	return buf;
}

/* ---- value parsers: write dst only on success ------------------------ */

static void
cfg_store_uint(void *dst, size_t size, uint64_t v)
{
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(dst, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(dst, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(dst, &x, 4); break; }
	default: memcpy(dst, &v, 8); break;
	}
}

static int
cfg_parse_bytes(const char *v, uint64_t *out)
{
	static const struct { const char *sfx; uint64_t mul; } sfx[] = {
		{ "", 1 }, { "K", 1 << 10 }, { "KiB", 1 << 10 },
		{ "M", 1 << 20 }, { "MiB", 1 << 20 },
		{ "G", 1 << 30 }, { "GiB", 1 << 30 },
	};
	struct cfg_num n;
	const char *e = cfg_scan_num(v, false, &n);
	size_t i;

	if (e == NULL)
		return -1;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (strcasecmp(e, sfx[i].sfx) == 0)
			return cfg_num_scaled(&n, sfx[i].mul, out);
	return -1;
}

static int
cfg_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int
cfg_parse_time(const struct cfg_key *k, const char *v, uint64_t *us)
{
	struct cfg_num n;
	const char *e = cfg_scan_num(v, true, &n);

	if (e == NULL || *e != '\0' ||
	    cfg_num_scaled(&n, cfg_unit_scale[k->unit], us) != 0)
		return -1;
	return *us < k->min || *us > k->max ? -1 : 0;
}

static int
cfg_parse_prob(const char *v, double *out)
{
	struct cfg_num n;
	const char *e = cfg_scan_num(v, true, &n);
	double p;

	if (e == NULL || *e != '\0')
		return -1;
	p = (double)n.ip + (double)n.fnum / (double)n.fden;
	if (p > 1.0)
		return -1;
	*out = p;
	return 0;
}

static int
cfg_parse_portlist(const char *v, struct tt_http_config *h,
		   char *why, size_t whylen)
{
	uint16_t ports[TT_MAX_LISTEN];
	unsigned n = 0, i;
	const char *s = v;

	for (;;) {
		uint16_t p;

		s = cfg_scan_port(cfg_skip_space(s), &p);
		if (s == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if (ports[i] == p) {
				cfg_err(why, whylen, "port %u listed twice", p);
				return -1;
			}
		}
		if (n == TT_MAX_LISTEN) {
			cfg_err(why, whylen, "more than %d ports",
				TT_MAX_LISTEN);
			return -1;
		}
		ports[n++] = p;
		s = cfg_skip_space(s);
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	memcpy(h->listen, ports, n * sizeof(ports[0]));
	h->n_listen = n;
	return 0;
}

static int
cfg_parse_portrange(const char *v, struct tt_client_config *c)
{
	uint16_t lo, hi;
	const char *s = cfg_scan_port(v, &lo);

	if (s == NULL)
		return -1;
	s = cfg_skip_space(s);
	hi = lo;
	if (*s == '-') {
		s = cfg_scan_port(cfg_skip_space(s + 1), &hi);
		if (s == NULL)
			return -1;
	}
	if (*s != '\0' || hi < lo)
		return -1;
	c->src_port_first = lo;
	c->src_port_last = hi;
	return 0;
}

static int
cfg_parse_string(const struct cfg_key *k, const char *v, char *dst)
{
	size_t len = strlen(v), i;

	if (len == 0 || len >= k->size)
		return -1;
	if (k->type == T_PATH && v[0] != '/')
		return -1;
	/* it goes on the request line: no spaces or control bytes */
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
			return -1;
	memcpy(dst, v, len + 1);
	return 0;
}

/*
 * Parse value v for key k into dst (the field, or the containing struct
 * for composite types).  On error returns -1 and, when the plain "what is
 * allowed" text would not say what is wrong, a reason in why.
 */
int
cfg_parse_value(const struct cfg_key *k, const char *v, void *dst,
		char *why, size_t whylen)
{
	struct cfg_num n;
	const char *e;
	uint64_t u;
	int64_t t;
	uint32_t ip;
	bool b;
	double p;
	int i;

	switch (k->type) {
	case T_UINT:
		e = cfg_scan_num(v, false, &n);
		if (e == NULL || *e != '\0' || n.ip < k->min ||
		    n.ip > cfg_field_max(k))
			return -1;
		cfg_store_uint(dst, k->size, n.ip);
		return 0;
	case T_BYTES:
		if (cfg_parse_bytes(v, &u) != 0 || u < k->min ||
		    u > cfg_field_max(k))
			return -1;
		cfg_store_uint(dst, k->size, u);
		return 0;
	case T_BOOL:
		if (cfg_parse_bool(v, &b) != 0)
			return -1;
		memcpy(dst, &b, sizeof(b));
		return 0;
	case T_ENUM:
		for (i = 0; k->names[i] != NULL; i++) {
			if (strcasecmp(v, k->names[i]) == 0) {
				cfg_store_uint(dst, k->size, (uint64_t)i);
				return 0;
			}
		}
		return -1;
	case T_TIME:
		if (cfg_parse_time(k, v, &u) != 0)
			return -1;
		memcpy(dst, &u, sizeof(u));
		return 0;
	case T_TIME_NEVER:
		if (strcasecmp(v, "never") == 0) {
			t = -1;
		} else {
			if (cfg_parse_time(k, v, &u) != 0 || u > INT64_MAX)
				return -1;
			t = (int64_t)u;
		}
		memcpy(dst, &t, sizeof(t));
		return 0;
	case T_PROB:
		if (cfg_parse_prob(v, &p) != 0)
			return -1;
		memcpy(dst, &p, sizeof(p));
		return 0;
	case T_IP4NET: {
		struct tt_port_config *pc = dst;

		e = cfg_scan_ip(v, &ip);
		if (e == NULL || *e != '/' || ip == 0)
			return -1;
		e = cfg_scan_num(e + 1, false, &n);
		if (e == NULL || *e != '\0' || n.ip < 1 || n.ip > 32)
			return -1;
		pc->present = true;
		pc->ip = ip;
		pc->prefix_len = (uint8_t)n.ip;
		return 0;
	}
	case T_IP4:
		if (strcasecmp(v, "none") == 0) {
			ip = 0;
		} else {
			e = cfg_scan_ip(v, &ip);
			if (e == NULL || *e != '\0')
				return -1;
		}
		memcpy(dst, &ip, sizeof(ip));
		return 0;
	case T_IP6NET:
		return cfg_parse_ip6net(v, dst, why, whylen);
	case T_IP6:
		return cfg_parse_ip6(v, dst, why, whylen);
	case T_PORTLIST:
		return cfg_parse_portlist(v, dst, why, whylen);
	case T_TARGETS:
		return cfg_parse_targets(v, dst, why, whylen);
	case T_IPRANGE:
		return cfg_parse_iprange(v, dst, why, whylen);
	case T_PORTRANGE:
		return cfg_parse_portrange(v, dst);
	case T_PATH:
	case T_TOKEN:
		return cfg_parse_string(k, v, dst);
	}
	return -1;
}
