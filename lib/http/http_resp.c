/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental HTTP/1.x response parser (RFC 9112), for the client.
 *
 * One byte at a time through a small state machine so a response may be
 * split anywhere; bodies and chunk data are skipped in bulk.  Line endings
 * are CRLF, or a bare LF as RFC 9112 2.2 lets a recipient accept; a CR must
 * be followed by LF.
 *
 * Use of the fields of struct http_resp_parser:
 *   state      enum rs_state below
 *   flags      RF_* below
 *   sub        position in "HTTP/1.", digits of the status code, or the
 *              position in the field name / list element being matched
 *   cand       bit i: name (or element) i is still a candidate
 *   hdr_id     enum rh_id: the field whose value we are in
 *   tokst      inside a value: RT_* below
 *   line_len   bytes of the current line, CR/LF excluded
 *   nheaders   header (and trailer) lines seen
 *   body_left  Content-Length (first one) in the header section, then body
 *              bytes left, or chunk-data bytes left
 *   val        a repeated Content-Length (must equal the first)
 */
#include <stdint.h>

#include "http/http_chars.h"
#include "http/http_resp.h"

enum rs_state {
	/* Line states: bytes other than CR/LF count toward HTTP_MAX_LINE. */
	RS_VERSION = 0,		/* matching "HTTP/1." */
	RS_MINOR,
	RS_SP1,
	RS_STATUS,		/* three digits */
	RS_SP2,			/* after the code: SP or the end of the line */
	RS_REASON,
	RS_HDR_START,		/* a field line, or the empty line */
	RS_HDR_NAME,
	RS_HDR_VALUE,		/* value of a field we do not interpret */
	RS_CL,			/* Content-Length value */
	RS_LIST,		/* Connection / Transfer-Encoding value */
	RS_CHUNK_SIZE,
	RS_CHUNK_EXT,
	RS_CHUNK_DATA_END,	/* the CRLF after chunk-data */
	RS_TRAILER_START,
	RS_TRAILER,
	/* Not line states. */
	RS_BODY,		/* Content-Length body */
	RS_BODY_EOF,		/* body delimited by the close */
	RS_CHUNK_DATA,
	RS_DONE,
	RS_ERROR,
};

#define RS_LINE_LAST	RS_TRAILER

#define RF_HEAD		0x01	/* answers HEAD: no body */
#define RF_V11		0x02	/* HTTP/1.1 */
#define RF_CL		0x04	/* a Content-Length was seen */
#define RF_TE		0x08	/* a Transfer-Encoding was seen */
#define RF_CHUNKED	0x10	/* ... and chunked is its final coding */
#define RF_CLOSE	0x20	/* Connection: close, or the body ends at close */
#define RF_KA		0x40	/* Connection: keep-alive */
#define RF_CR		0x80	/* a CR was seen: LF must follow */

/* Inside a value: before the first token, in a token, after a token. */
#define RT_BEFORE	0
#define RT_IN		1
#define RT_AFTER	2

enum rh_id {
	RH_OTHER = 0,
	RH_CONNECTION,
	RH_CONTENT_LENGTH,
	RH_TRANSFER_ENCODING,
	RH_N,
};

struct rs_lit {
	const char *s;		/* lower case */
	uint8_t len;
};

#define RS_LIT(str)	{ str, sizeof(str) - 1 }

/* Index i + 1 is the enum rh_id; bit i in cand. */
static const struct rs_lit rs_names[RH_N - 1] = {
	RS_LIT("connection"),
	RS_LIT("content-length"),
	RS_LIT("transfer-encoding"),
};

/* List elements looked for; bit i in cand. */
#define RE_CLOSE	0
#define RE_KEEPALIVE	1
static const struct rs_lit rs_conn_elems[] = {
	[RE_CLOSE] = RS_LIT("close"),
	[RE_KEEPALIVE] = RS_LIT("keep-alive"),
};
#define RE_CHUNKED	0
static const struct rs_lit rs_te_elems[] = {
	[RE_CHUNKED] = RS_LIT("chunked"),
};

static const char rs_version[] = "HTTP/1.";

/* Narrow the candidates in p->cand by byte c at position p->sub. */
static void
rs_match(struct http_resp_parser *p, const struct rs_lit *lits, unsigned n, uint8_t c)
{
	c = http_lower(c);
	for (unsigned i = 0; i < n; i++)
		if ((p->cand & (1u << i)) &&
		    (p->sub >= lits[i].len || (uint8_t)lits[i].s[p->sub] != c))
			p->cand &= (uint8_t)~(1u << i);
	if (p->sub < UINT8_MAX)
		p->sub++;
}

/* The candidate matched in full, or -1. */
static int
rs_matched(const struct http_resp_parser *p, const struct rs_lit *lits, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if ((p->cand & (1u << i)) && p->sub == lits[i].len)
			return (int)i;
	return -1;
}

static long
rs_fail(struct http_resp_parser *p, enum http_resp_error e)
{
	p->state = RS_ERROR;
	p->error = (uint8_t)e;
	return -1;
}

void
http_resp_init(struct http_resp_parser *p, bool head)
{
	*p = (struct http_resp_parser){ 0 };
	p->state = RS_VERSION;
	if (head)
		p->flags = RF_HEAD;
}

/* A list element (Connection or Transfer-Encoding) ended. */
static void
rs_elem_end(struct http_resp_parser *p)
{
	int m;

	if (p->hdr_id == RH_CONNECTION) {
		m = rs_matched(p, rs_conn_elems, 2);
		if (m == RE_CLOSE)
			p->flags |= RF_CLOSE;
		else if (m == RE_KEEPALIVE)
			p->flags |= RF_KA;
	} else {
		/* RFC 9112 6.3 rule 4: what counts is whether chunked is the
		 * final coding, so each element overrides the one before. */
		m = rs_matched(p, rs_te_elems, 1);
		if (m == RE_CHUNKED)
			p->flags |= RF_CHUNKED;
		else
			p->flags &= (uint8_t)~RF_CHUNKED;
	}
}

/* The empty line after the header section: how is the body delimited
 * (RFC 9112 6.3)? */
static long
rs_headers_done(struct http_resp_parser *p)
{
	if (p->status < 200) {
		/* RFC 9110 15.2: interim responses precede the final one.  We
		 * never ask to switch protocols, so 101 is an error. */
		if (p->status == 101)
			return rs_fail(p, HTTP_RE_STATUS);
		http_resp_init(p, (p->flags & RF_HEAD) != 0);
		return 0;
	}
	/* Rule 1: HEAD, 204 and 304 have no body, whatever the headers say. */
	if ((p->flags & RF_HEAD) || p->status == 204 || p->status == 304) {
		p->state = RS_DONE;
		return 0;
	}
	/* Rules 3-4: Transfer-Encoding overrides Content-Length; without
	 * chunked as the final coding the body runs to the close. */
	if (p->flags & RF_TE) {
		if (p->flags & RF_CHUNKED) {
			p->state = RS_CHUNK_SIZE;
			p->tokst = RT_BEFORE;
			p->body_left = 0;
			return 0;
		}
		p->flags |= RF_CLOSE;
		p->state = RS_BODY_EOF;
		return 0;
	}
	if (p->flags & RF_CL) {
		p->state = p->body_left == 0 ? RS_DONE : RS_BODY;
		return 0;
	}
	/* Rule 8: no length at all. */
	p->flags |= RF_CLOSE;
	p->state = RS_BODY_EOF;
	return 0;
}

/* End of a line (CRLF or LF) in a line state. */
static long
rs_eol(struct http_resp_parser *p)
{
	p->line_len = 0;
	switch (p->state) {
	case RS_VERSION:
	case RS_MINOR:
	case RS_SP1:
		return rs_fail(p, HTTP_RE_VERSION);
	case RS_STATUS:
		return rs_fail(p, HTTP_RE_STATUS);
	case RS_SP2:
	case RS_REASON:
		p->state = RS_HDR_START;
		return 0;
	case RS_HDR_START:
		return rs_headers_done(p);
	case RS_HDR_NAME:
		return rs_fail(p, HTTP_RE_HEADER);   /* no colon */
	case RS_HDR_VALUE:
		p->state = RS_HDR_START;
		return 0;
	case RS_CL:
		if (p->tokst == RT_BEFORE)
			return rs_fail(p, HTTP_RE_CONTENT_LENGTH);
		/* RFC 9110 8.6: repeated values must all be the same. */
		if ((p->flags & RF_CL) && p->val != p->body_left)
			return rs_fail(p, HTTP_RE_CONTENT_LENGTH);
		p->flags |= RF_CL;
		p->state = RS_HDR_START;
		return 0;
	case RS_LIST:
		if (p->tokst == RT_IN)
			rs_elem_end(p);
		p->state = RS_HDR_START;
		return 0;
	case RS_CHUNK_SIZE:
		if (p->tokst == RT_BEFORE)
			return rs_fail(p, HTTP_RE_CHUNK);
		/* fall through */
	case RS_CHUNK_EXT:
		p->state = p->body_left == 0 ? RS_TRAILER_START : RS_CHUNK_DATA;
		return 0;
	case RS_CHUNK_DATA_END:
		p->state = RS_CHUNK_SIZE;
		p->tokst = RT_BEFORE;
		p->body_left = 0;
		return 0;
	case RS_TRAILER_START:
		p->state = RS_DONE;
		return 0;
	case RS_TRAILER:
		p->state = RS_TRAILER_START;
		return 0;
	default:
		return rs_fail(p, HTTP_RE_HEADER);   /* not reached */
	}
}

/* Start of a field name (header or trailer section). */
static long
rs_field_start(struct http_resp_parser *p, uint8_t c, bool trailer)
{
	if (!http_is_tchar(c)) {
		/* Includes obs-fold (a line starting with SP/HTAB), which
		 * RFC 9112 5.2 lets a recipient reject. */
		return rs_fail(p, trailer ? HTTP_RE_CHUNK : HTTP_RE_HEADER);
	}
	if (++p->nheaders > HTTP_MAX_HEADERS)
		return rs_fail(p, HTTP_RE_TOO_MANY_HEADERS);
	if (trailer) {
		/* Trailer fields are skipped whole. */
		p->state = RS_TRAILER;
		return 0;
	}
	p->state = RS_HDR_NAME;
	p->cand = (1u << (RH_N - 1)) - 1;
	p->sub = 0;
	rs_match(p, rs_names, RH_N - 1, c);
	return 0;
}

/* The colon after a field name: which value parser? */
static void
rs_value_start(struct http_resp_parser *p)
{
	int m = rs_matched(p, rs_names, RH_N - 1);

	p->hdr_id = m < 0 ? RH_OTHER : (uint8_t)(m + 1);
	p->tokst = RT_BEFORE;
	switch (p->hdr_id) {
	case RH_CONTENT_LENGTH:
		if (p->flags & RF_CL)
			p->val = 0;
		else
			p->body_left = 0;
		p->state = RS_CL;
		break;
	case RH_TRANSFER_ENCODING:
		p->flags |= RF_TE;
		/* fall through */
	case RH_CONNECTION:
		p->state = RS_LIST;
		break;
	default:
		p->state = RS_HDR_VALUE;
		break;
	}
}

static long
rs_cl_byte(struct http_resp_parser *p, uint8_t c)
{
	if (http_is_digit(c) && p->tokst != RT_AFTER) {
		unsigned d = c - '0';

		p->tokst = RT_IN;
		if (p->flags & RF_CL) {
			if (p->val > (UINT32_MAX - d) / 10)
				return rs_fail(p, HTTP_RE_CONTENT_LENGTH);
			p->val = p->val * 10 + d;
		} else {
			if (p->body_left > (UINT64_MAX - d) / 10)
				return rs_fail(p, HTTP_RE_CONTENT_LENGTH);
			p->body_left = p->body_left * 10 + d;
		}
		return 0;
	}
	if (http_is_ws(c)) {
		if (p->tokst == RT_IN)
			p->tokst = RT_AFTER;
		return 0;
	}
	/* A list ("42, 42"), a sign, anything else. */
	return rs_fail(p, HTTP_RE_CONTENT_LENGTH);
}

static long
rs_list_byte(struct http_resp_parser *p, uint8_t c)
{
	const struct rs_lit *lits = p->hdr_id == RH_CONNECTION ? rs_conn_elems : rs_te_elems;
	unsigned n = p->hdr_id == RH_CONNECTION ? 2 : 1;

	if (!http_is_field(c))
		return rs_fail(p, HTTP_RE_HEADER);
	if (c == ',') {
		if (p->tokst == RT_IN)
			rs_elem_end(p);
		p->tokst = RT_BEFORE;
		return 0;
	}
	if (http_is_ws(c)) {
		if (p->tokst == RT_IN) {
			rs_elem_end(p);
			p->tokst = RT_AFTER;
		}
		return 0;
	}
	if (p->tokst == RT_BEFORE) {
		p->tokst = RT_IN;
		p->cand = (uint8_t)((1u << n) - 1);
		p->sub = 0;
	} else if (p->tokst == RT_AFTER) {
		/* "chunked foo": not one of our tokens after all; its end
		 * will be committed as a non-match. */
		p->tokst = RT_IN;
		p->cand = 0;
	}
	rs_match(p, lits, n, c);
	return 0;
}

static long
rs_chunk_size_byte(struct http_resp_parser *p, uint8_t c)
{
	int h = http_hex_val(c);

	if (h >= 0 && p->tokst != RT_AFTER) {
		if (p->body_left > (UINT64_MAX >> 4))
			return rs_fail(p, HTTP_RE_CHUNK);
		p->body_left = p->body_left << 4 | (unsigned)h;
		p->tokst = RT_IN;
		return 0;
	}
	if (p->tokst == RT_BEFORE)
		return rs_fail(p, HTTP_RE_CHUNK);
	if (http_is_ws(c)) {             /* BWS before a chunk-ext */
		p->tokst = RT_AFTER;
		return 0;
	}
	if (c == ';') {
		p->state = RS_CHUNK_EXT;
		return 0;
	}
	return rs_fail(p, HTTP_RE_CHUNK);
}

/* One byte other than CR/LF in a line state. */
static long
rs_line_byte(struct http_resp_parser *p, uint8_t c)
{
	switch (p->state) {
	case RS_VERSION:
		if (c != (uint8_t)rs_version[p->sub])
			return rs_fail(p, HTTP_RE_VERSION);
		if (++p->sub == sizeof(rs_version) - 1)
			p->state = RS_MINOR;
		return 0;
	case RS_MINOR:
		if (c != '0' && c != '1')
			return rs_fail(p, HTTP_RE_VERSION);
		if (c == '1')
			p->flags |= RF_V11;
		p->state = RS_SP1;
		return 0;
	case RS_SP1:
		if (c != ' ')
			return rs_fail(p, HTTP_RE_VERSION);
		p->state = RS_STATUS;
		p->sub = 0;
		p->status = 0;
		return 0;
	case RS_STATUS:
		if (!http_is_digit(c))
			return rs_fail(p, HTTP_RE_STATUS);
		p->status = (uint16_t)(p->status * 10 + (c - '0'));
		if (++p->sub == 3) {
			/* RFC 9110 15: 100-599. */
			if (p->status < 100 || p->status > 599)
				return rs_fail(p, HTTP_RE_STATUS);
			p->state = RS_SP2;
		}
		return 0;
	case RS_SP2:
		if (c != ' ')
			return rs_fail(p, HTTP_RE_STATUS);
		p->state = RS_REASON;
		return 0;
	case RS_REASON:
		if (!http_is_field(c))
			return rs_fail(p, HTTP_RE_STATUS);
		return 0;
	case RS_HDR_START:
		return rs_field_start(p, c, false);
	case RS_HDR_NAME:
		if (c == ':') {
			rs_value_start(p);
			return 0;
		}
		/* RFC 9112 5.1: no whitespace between name and colon. */
		if (!http_is_tchar(c))
			return rs_fail(p, HTTP_RE_HEADER);
		rs_match(p, rs_names, RH_N - 1, c);
		return 0;
	case RS_HDR_VALUE:
	case RS_TRAILER:
		if (!http_is_field(c))
			return rs_fail(p, HTTP_RE_HEADER);
		return 0;
	case RS_CL:
		return rs_cl_byte(p, c);
	case RS_LIST:
		return rs_list_byte(p, c);
	case RS_CHUNK_SIZE:
		return rs_chunk_size_byte(p, c);
	case RS_CHUNK_EXT:
		if (!http_is_field(c))
			return rs_fail(p, HTTP_RE_CHUNK);
		return 0;
	case RS_CHUNK_DATA_END:
		return rs_fail(p, HTTP_RE_CHUNK);
	case RS_TRAILER_START:
		return rs_field_start(p, c, true);
	default:
		return rs_fail(p, HTTP_RE_HEADER);   /* not reached */
	}
}

long
http_resp_parse(struct http_resp_parser *p, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c;

		switch (p->state) {
		case RS_DONE:
			return (long)i;
		case RS_ERROR:
			return -1;
		case RS_BODY:
		case RS_CHUNK_DATA: {
			size_t n = len - i;

			if (n > p->body_left)
				n = (size_t)p->body_left;
			i += n;
			p->body_left -= n;
			if (p->body_left == 0)
				p->state = p->state == RS_BODY ? RS_DONE : RS_CHUNK_DATA_END;
			continue;
		}
		case RS_BODY_EOF:
			return (long)len;
		default:
			break;
		}
		/* A line state. */
		c = buf[i++];
		if (p->flags & RF_CR) {
			if (c != '\n')
				return rs_fail(p, p->state < RS_HDR_START ? HTTP_RE_STATUS :
					       p->state < RS_CHUNK_SIZE ? HTTP_RE_HEADER :
					       HTTP_RE_CHUNK);
			p->flags &= (uint8_t)~RF_CR;
			if (rs_eol(p) < 0)
				return -1;
			continue;
		}
		if (c == '\r') {
			p->flags |= RF_CR;
			continue;
		}
		if (c == '\n') {
			if (rs_eol(p) < 0)
				return -1;
			continue;
		}
		if (++p->line_len > HTTP_MAX_LINE)
			return rs_fail(p, HTTP_RE_LINE_TOO_LONG);
		if (rs_line_byte(p, c) < 0)
			return -1;
	}
	return p->state == RS_ERROR ? -1 : (long)i;
}

bool
http_resp_done(const struct http_resp_parser *p)
{
	return p->state == RS_DONE;
}

bool
http_resp_started(const struct http_resp_parser *p)
{
	return p->state != RS_VERSION || p->sub != 0;
}

bool
http_resp_eof(struct http_resp_parser *p)
{
	if (p->state == RS_BODY_EOF)
		p->state = RS_DONE;
	if (p->state == RS_DONE)
		return true;
	if (p->state != RS_ERROR && http_resp_started(p)) {
		p->state = RS_ERROR;
		p->error = HTTP_RE_EOF;
	}
	return false;
}

bool
http_resp_keepalive(const struct http_resp_parser *p)
{
	if (p->flags & RF_CLOSE)
		return false;
	return (p->flags & RF_V11) || (p->flags & RF_KA);
}

const char *
http_resp_error_str(enum http_resp_error e)
{
	switch (e) {
	case HTTP_RE_NONE: return "none";
	case HTTP_RE_VERSION: return "bad HTTP version";
	case HTTP_RE_STATUS: return "bad status line";
	case HTTP_RE_LINE_TOO_LONG: return "line too long";
	case HTTP_RE_TOO_MANY_HEADERS: return "too many header lines";
	case HTTP_RE_HEADER: return "malformed header line";
	case HTTP_RE_CONTENT_LENGTH: return "bad Content-Length";
	case HTTP_RE_CHUNK: return "bad chunked encoding";
	case HTTP_RE_EOF: return "connection closed inside a response";
	}
	return "?";
}
