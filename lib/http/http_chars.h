/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HTTP_CHARS_H
#define TT_HTTP_CHARS_H

/* Character classes shared by the request and response parsers. */

#include <stdbool.h>
#include <stdint.h>

/* Character classes (RFC 9110 5.5, 5.6.2; RFC 9112 3.2). */

static inline bool
http_is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static inline bool
http_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static inline bool
http_is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* VCHAR or obs-text: anything visible, high bytes included. */
static inline bool
http_is_vchar(uint8_t c)
{
	return c > ' ' && c != 0x7f;
}

/* A byte allowed inside a field value: no CTL other than HT, so NUL and a
 * bare CR are rejected as RFC 9110 5.5 permits. */
static inline bool
http_is_field(uint8_t c)
{
	return http_is_vchar(c) || http_is_ws(c);
}

static inline bool
http_is_tchar(uint8_t c)
{
	if (http_is_alpha(c) || http_is_digit(c))
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '.': case '^': case '_':
	case '`': case '|': case '~':
		return true;
	default:
		return false;
	}
}

static inline int
http_hex_val(uint8_t c)
{
	if (http_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline uint8_t
http_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

#endif
