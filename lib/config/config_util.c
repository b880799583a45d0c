/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: small helpers shared by the config files
 * (error text, trimming, formatting addresses and times).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "config/config_priv.h"

void
cfg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Trim [s, e) in place and return the trimmed start (NUL terminated). */
char *
cfg_trim(char *s, char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

const char *
cfg_fmt_ip(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

const char *
cfg_fmt_ip6(const uint8_t *ip6, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, ip6, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

bool
cfg_in_prefix6(const uint8_t *ip6, const uint8_t *net6, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (len > 128 || memcmp(ip6, net6, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((ip6[full] ^ net6[full]) & (0xff00u >> rest)) == 0;
}

/* value (in us) as a number of `scale` units, without trailing zeros */
const char *
cfg_fmt_scaled(uint64_t v, uint64_t scale, char *buf, size_t len)
{
	uint64_t frac = v % scale;
	int digits = 0;
	uint64_t s;

	if (frac == 0) {
		snprintf(buf, len, "%" PRIu64, v / scale);
		return buf;
	}
	for (s = scale; s > 1; s /= 10)
		digits++;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, v / scale, digits, frac);
	return buf;
}
