/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: address values -- IPv4 (A.B.C.D, no leading
 * zeros), IPv6 (inet_pton(), issue 12), the client's target list of
 * A.B.C.D:port and [IPv6]:port entries (brackets as in RFC 3986 3.2.2) and
 * its source ranges.  Parsers write dst only on success.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "config/config_priv.h"

/* ---- scanners ------------------------------------------------------------ */

/* A.B.C.D, decimal octets without leading zeros (no octal surprises) */
const char *
cfg_scan_ip(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned o = 0;
		int nd = 0;

		if (i > 0) {
			if (*s != '.')
				return NULL;
			s++;
		}
		while (isdigit((unsigned char)*s) && nd < 4) {
			o = o * 10 + (unsigned)(*s - '0');
			nd++;
			s++;
		}
		if (nd == 0 || nd > 3 || o > 255 ||
		    (nd > 1 && s[-nd] == '0'))
			return NULL;
		v = (v << 8) | o;
	}
	*ip = v;
	return s;
}

/*
 * An IPv6 address from s[0..len) (inet_pton(), so no zone index and no
 * prefix).  NULL when it is not one, else the end of it.
 */
static const char *
cfg_scan_ip6(const char *s, size_t len, uint8_t ip6[16])
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, ip6) != 1)
		return NULL;
	return s + len;
}

/*
 * Why an IPv6 address cannot be a host's own or a peer's unicast address
 * (RFC 4291 2.5.2, 2.5.3, 2.5.5.2, 2.7), or NULL if it can.
 */
static const char *
cfg_ip6_not_unicast(const uint8_t ip6[16])
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];

	if (ip6[0] == 0xff)
		return "a multicast address";
	if (memcmp(ip6, zero, 16) == 0)
		return "the unspecified address";
	if (memcmp(ip6, zero, 15) == 0 && ip6[15] == 1)
		return "the loopback address";
	if (memcmp(ip6, mapped, 12) == 0)
		return "an IPv4-mapped address";
	return NULL;
}

/* ---- ports: ip6, gateway6 ------------------------------------------------ */

/* [portN] ip6 = ADDR/LEN, into the port's has_ip6, ip6, prefix6_len. */
int
cfg_parse_ip6net(const char *v, struct tt_port_config *pc, char *why,
		 size_t whylen)
{
	const char *slash = strchr(v, '/'), *bad, *e;
	struct cfg_num n;
	uint8_t ip6[16];

	if (slash == NULL) {
		cfg_err(why, whylen, "the prefix length is missing");
		return -1;
	}
	if (cfg_scan_ip6(v, (size_t)(slash - v), ip6) == NULL)
		return -1;
	bad = cfg_ip6_not_unicast(ip6);
	if (bad != NULL) {
		cfg_err(why, whylen, "%.*s is %s", (int)(slash - v), v, bad);
		return -1;
	}
	e = cfg_scan_num(slash + 1, false, &n);
	if (e == NULL || *e != '\0' || n.ip < 1 || n.ip > 128)
		return -1;
	pc->present = true;
	pc->has_ip6 = true;
	memcpy(pc->ip6, ip6, 16);
	pc->prefix6_len = (uint8_t)n.ip;
	return 0;
}

/* [portN] gateway6 = ADDR or none, into has_gateway6, gateway6. */
int
cfg_parse_ip6(const char *v, struct tt_port_config *pc, char *why,
	      size_t whylen)
{
	bool none = strcasecmp(v, "none") == 0;
	uint8_t ip6[16] = { 0 };
	const char *bad;

	if (!none) {
		if (cfg_scan_ip6(v, strlen(v), ip6) == NULL)
			return -1;
		bad = cfg_ip6_not_unicast(ip6);
		if (bad != NULL) {
			cfg_err(why, whylen, "%s is %s", v, bad);
			return -1;
		}
	}
	pc->has_gateway6 = !none;
	memcpy(pc->gateway6, ip6, 16);
	return 0;
}

/* ---- client: targets and source ranges ---------------------------------- */

/* One "A.B.C.D:port" or "[IPv6]:port" of a target list; the end or NULL. */
static const char *
cfg_scan_target(const char *s, uint32_t *ip, uint8_t ip6[16], bool *v6,
		uint16_t *port, char *why, size_t whylen)
{
	const char *close, *bad;

	*ip = 0;
	memset(ip6, 0, 16);
	*v6 = *s == '[';
	if (*v6) {
		close = strchr(s, ']');
		if (close == NULL ||
		    cfg_scan_ip6(s + 1, (size_t)(close - s - 1), ip6) == NULL)
			return NULL;
		bad = cfg_ip6_not_unicast(ip6);
		if (bad != NULL) {
			cfg_err(why, whylen, "target %.*s is %s",
				(int)(close - s + 1), s, bad);
			return NULL;
		}
		s = close + 1;
	} else {
		s = cfg_scan_ip(s, ip);
		if (s == NULL || *ip == 0)
			return NULL;
	}
	if (*s++ != ':')
		return NULL;
	return cfg_scan_port(s, port);
}

int
cfg_parse_targets(const char *v, struct tt_client_config *c,
		  char *why, size_t whylen)
{
	uint32_t ips[TT_MAX_TARGETS] = { 0 };
	uint8_t ip6s[TT_MAX_TARGETS][16];
	bool v6s[TT_MAX_TARGETS] = { false };
	uint16_t ports[TT_MAX_TARGETS] = { 0 };
	unsigned n = 0, i;
	const char *s = v;
	char ipbuf[48];

	memset(ip6s, 0, sizeof(ip6s));
	for (;;) {
		uint32_t ip;
		uint8_t ip6[16];
		bool v6;
		uint16_t p;

		s = cfg_scan_target(cfg_skip_space(s), &ip, ip6, &v6, &p, why,
				    whylen);
		if (s == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if (v6s[i] == v6 && ports[i] == p &&
			    (v6 ? memcmp(ip6s[i], ip6, 16) == 0 : ips[i] == ip)) {
				if (v6)
					cfg_err(why, whylen, "target [%s]:%u "
						"listed twice",
						cfg_fmt_ip6(ip6, ipbuf,
							    sizeof(ipbuf)), p);
				else
					cfg_err(why, whylen, "target %s:%u "
						"listed twice",
						cfg_fmt_ip(ip, ipbuf,
							   sizeof(ipbuf)), p);
				return -1;
			}
		}
		if (n == TT_MAX_TARGETS) {
			cfg_err(why, whylen, "more than %d targets",
				TT_MAX_TARGETS);
			return -1;
		}
		ips[n] = ip;
		memcpy(ip6s[n], ip6, 16);
		v6s[n] = v6;
		ports[n++] = p;
		s = cfg_skip_space(s);
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	memcpy(c->target_ip, ips, sizeof(ips));
	memcpy(c->target_ip6, ip6s, sizeof(ip6s));
	memcpy(c->target_v6, v6s, sizeof(v6s));
	memcpy(c->target_port, ports, sizeof(ports));
	c->n_targets = n;
	return 0;
}

/* The last 32 bits of an IPv6 address, as a number. */
static uint32_t
cfg_ip6_low32(const uint8_t ip6[16])
{
	return (uint32_t)ip6[12] << 24 | (uint32_t)ip6[13] << 16 |
	       (uint32_t)ip6[14] << 8 | ip6[15];
}

/* "ADDR" or "ADDR-ADDR" (IPv6) in s[0..len). */
static int
cfg_parse_iprange6(const char *s, size_t len, uint8_t first[16],
		   uint8_t last[16], char *why, size_t whylen)
{
	const char *dash = memchr(s, '-', len), *bad, *e = s + len;
	const char *a_end = dash != NULL ? dash : e;
	char fa[48], fb[48];

	while (a_end > s && isspace((unsigned char)a_end[-1]))
		a_end--;
	if (cfg_scan_ip6(s, (size_t)(a_end - s), first) == NULL)
		return -1;
	memcpy(last, first, 16);
	if (dash != NULL) {
		const char *b = cfg_skip_space(dash + 1);

		if (b > e || cfg_scan_ip6(b, (size_t)(e - b), last) == NULL)
			return -1;
	}
	bad = cfg_ip6_not_unicast(first);
	if (bad == NULL)
		bad = cfg_ip6_not_unicast(last);
	if (bad != NULL) {
		cfg_err(why, whylen, "source %s is %s",
			cfg_fmt_ip6(cfg_ip6_not_unicast(first) ? first : last,
				    fa, sizeof(fa)), bad);
		return -1;
	}
	/* The tuple pools count source addresses in 32 bits. */
	if (memcmp(first, last, 12) != 0) {
		cfg_err(why, whylen, "range %s-%s: the ends differ beyond "
			"the last 32 bits",
			cfg_fmt_ip6(first, fa, sizeof(fa)),
			cfg_fmt_ip6(last, fb, sizeof(fb)));
		return -1;
	}
	if (cfg_ip6_low32(last) < cfg_ip6_low32(first)) {
		cfg_err(why, whylen, "range %s-%s ends before it starts",
			cfg_fmt_ip6(first, fa, sizeof(fa)),
			cfg_fmt_ip6(last, fb, sizeof(fb)));
		return -1;
	}
	return 0;
}

/* "A.B.C.D" or "A.B.C.D-E.F.G.H" in s[0..len). */
static int
cfg_parse_iprange4(const char *s, size_t len, uint32_t *first,
		   uint32_t *last)
{
	char buf[40];
	const char *e;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	e = cfg_scan_ip(buf, first);
	if (e == NULL || *first == 0)
		return -1;
	e = cfg_skip_space(e);
	*last = *first;
	if (*e == '-') {
		e = cfg_scan_ip(cfg_skip_space(e + 1), last);
		if (e == NULL)
			return -1;
	}
	e = cfg_skip_space(e);
	return *e != '\0' || *last < *first ? -1 : 0;
}

/*
 * src_ip: an IPv4 range, an IPv6 range, or one of each comma separated.
 * The key is set as a whole: a family left out goes back to the default
 * (the port's address).
 */
int
cfg_parse_iprange(const char *v, struct tt_client_config *c, char *why,
		  size_t whylen)
{
	uint32_t first = 0, last = 0;
	uint8_t first6[16] = { 0 }, last6[16] = { 0 };
	bool have4 = false, have6 = false;
	const char *s = cfg_skip_space(v);

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		bool v6 = memchr(s, ':', len) != NULL;

		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		if (v6 ? have6 : have4) {
			cfg_err(why, whylen, "two IPv%c ranges", v6 ? '6' : '4');
			return -1;
		}
		if (v6 ? cfg_parse_iprange6(s, len, first6, last6, why,
					    whylen) != 0 :
			 cfg_parse_iprange4(s, len, &first, &last) != 0)
			return -1;
		*(v6 ? &have6 : &have4) = true;
		if (comma == NULL)
			break;
		s = cfg_skip_space(comma + 1);
	}
	c->src_ip_first = first;
	c->src_ip_last = last;
	c->has_src_ip6 = have6;
	memcpy(c->src_ip6_first, first6, 16);
	memcpy(c->src_ip6_last, last6, 16);
	return 0;
}
