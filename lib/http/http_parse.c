/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental HTTP/1.x request parser (RFC 9112).
 *
 * One byte at a time through a small state machine, so a request may be
 * split anywhere across segments and nothing is buffered.  Only the body
 * and the runs of bytes nobody looks at (request target, values of
 * uninteresting fields) are skipped in bulk.
 *
 * Use of the private fields of struct http_parser:
 *   state      enum http_state below
 *   sub        position in the literal or token being matched; for a
 *              repeated Content-Length, significant digits matched so far
 *   hdr_id     enum hdr_id: the field whose name or value we are in
 *   flags      HF_* below
 *   line_len   bytes of the current line, CR/LF excluded
 *   nheaders   header (and trailer) fields seen
 *   tok        method: first four bytes packed; list element: mask of the
 *              tokens still matching; Content-Length and chunk-size: digits
 *   body_left  Content-Length while in the header section, then body bytes
 *              left, or the size of the current chunk
 */
#include <limits.h>
#include <string.h>

#include "http/http_chars.h"
#include "http/http_parse.h"

enum http_state {
	HS_START = 0,		/* empty lines before the request-line */
	HS_START_CR,
	/* Line states: each byte other than CR/LF counts toward HTTP_MAX_LINE. */
	HS_METHOD,
	HS_TARGET_START,
	HS_TARGET,
	HS_VERSION,		/* matching "HTTP/1." */
	HS_VERSION_MINOR,
	HS_RL_END,
	HS_RL_CR,
	HS_HDR_START,		/* start of a field line, or the empty line */
	HS_HDR_END_CR,
	HS_HDR_NAME,
	HS_HDR_VALUE,		/* value of a field we do not interpret */
	HS_CL,			/* Content-Length digits */
	HS_CL_WS,		/* trailing whitespace after them */
	HS_LIST_SEP,		/* list value: between elements */
	HS_LIST_ELEM,		/* list value: inside an element */
	HS_LIST_WS,		/* list value: whitespace after an element */
	HS_HDR_CR,
	HS_CHUNK_SIZE,
	HS_CHUNK_SIZE_WS,
	HS_CHUNK_EXT,
	HS_CHUNK_SIZE_CR,
	/* Not line states. */
	HS_CHUNK_DATA,
	HS_CHUNK_DATA_END,	/* the CRLF after chunk-data */
	HS_CHUNK_DATA_CR,
	HS_BODY,		/* Content-Length body */
	HS_DONE,
	HS_ERROR,
};

#define HS_LINE_FIRST	HS_METHOD
#define HS_LINE_LAST	HS_CHUNK_SIZE_CR

#define HF_CL		0x01	/* a Content-Length field was seen */
#define HF_TE		0x02	/* a Transfer-Encoding field was seen */
#define HF_CHUNKED	0x04	/* ... and chunked is its final coding */
#define HF_TRAILER	0x08	/* in the trailer section of a chunked body */

struct http_lit {
	const char *s;		/* lower case */
	uint8_t len;
};

#define HTTP_LIT(str)	{ str, sizeof(str) - 1 }

enum hdr_id {
	HH_OTHER = 0,
	HH_CONNECTION,
	HH_CONTENT_LENGTH,
	HH_TRANSFER_ENCODING,
	HH_NNAMES,
	HH_CL_DUP = HH_NNAMES,	/* a Content-Length after the first one */
};

static const struct http_lit hdr_names[HH_NNAMES] = {
	[HH_CONNECTION] = HTTP_LIT("connection"),
	[HH_CONTENT_LENGTH] = HTTP_LIT("content-length"),
	[HH_TRANSFER_ENCODING] = HTTP_LIT("transfer-encoding"),
};

/* Tokens looked for in list values; the index is the bit in p->tok. */
#define CONN_TOK_CLOSE		0
#define CONN_TOK_KEEPALIVE	1
static const struct http_lit conn_tokens[] = {
	[CONN_TOK_CLOSE] = HTTP_LIT("close"),
	[CONN_TOK_KEEPALIVE] = HTTP_LIT("keep-alive"),
};
static const struct http_lit te_tokens[] = {
	HTTP_LIT("chunked"),
};

static const char http_version_lit[] = "HTTP/1.";

#define HTTP_METHOD3(a, b, c) \
	((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
#define HTTP_METHOD4(a, b, c, d) \
	((uint32_t)(a) << 24 | HTTP_METHOD3(b, c, d))

static unsigned
http_dec_digits(uint64_t v)
{
	unsigned n = 0;

	for (; v != 0; v /= 10)
		n++;
	return n;
}

static uint64_t
http_pow10(unsigned k)
{
	uint64_t r = 1;

	while (k-- > 0)
		r *= 10;
	return r;
}

/* Request line */

static void
http_method_char(struct http_parser *p, uint8_t c)
{
	/* Only the first four bytes matter: GET, HEAD and POST are shorter. */
	if (p->sub < 4)
		p->tok = p->tok << 8 | c;
	if (p->sub < UINT8_MAX)
		p->sub++;
}

static void
http_method_end(struct http_parser *p)
{
	/* Methods are case-sensitive (RFC 9110 9.1): "get" is some other
	 * method, not GET. */
	if (p->sub == 3 && p->tok == HTTP_METHOD3('G', 'E', 'T'))
		p->method = HTTP_M_GET;
	else if (p->sub == 4 && p->tok == HTTP_METHOD4('H', 'E', 'A', 'D'))
		p->method = HTTP_M_HEAD;
	else if (p->sub == 4 && p->tok == HTTP_METHOD4('P', 'O', 'S', 'T'))
		p->method = HTTP_M_POST;
	else
		p->method = HTTP_M_OTHER;
}

/* Field names */

static int
http_name_char(struct http_parser *p, uint8_t c)
{
	const struct http_lit *cur;
	uint8_t lc = http_lower(c);

	if (p->hdr_id == HH_OTHER)
		return 0;
	cur = &hdr_names[p->hdr_id];
	if (p->sub < cur->len && cur->s[p->sub] == lc) {
		p->sub++;
		return 0;
	}
	/* The names share prefixes ("con"): move to one that agrees with
	 * everything read so far and with this byte. */
	for (unsigned id = HH_OTHER + 1; id < HH_NNAMES; id++) {
		const struct http_lit *n = &hdr_names[id];

		if (p->sub < n->len && n->s[p->sub] == lc &&
		    memcmp(n->s, cur->s, p->sub) == 0) {
			p->hdr_id = id;
			p->sub++;
			return 0;
		}
	}
	p->hdr_id = HH_OTHER;
	return 0;
}

static int
http_name_start(struct http_parser *p, uint8_t c)
{
	if (++p->nheaders > HTTP_MAX_HEADERS)
		return HTTP_E_TOO_MANY_HEADERS;
	/*
	 * Trailer fields never frame the message nor steer the connection
	 * (RFC 9110 6.5.1: not merged into the header section), so a
	 * Content-Length or Connection there is just a field.
	 */
	p->hdr_id = (p->flags & HF_TRAILER) ? HH_OTHER : HH_CONNECTION;
	p->sub = 0;
	p->state = HS_HDR_NAME;
	return http_name_char(p, c);
}

static void
http_name_end(struct http_parser *p)
{
	if (p->hdr_id != HH_OTHER && p->sub != hdr_names[p->hdr_id].len)
		p->hdr_id = HH_OTHER;
	p->sub = 0;
	p->tok = 0;
	switch (p->hdr_id) {
	case HH_CONNECTION:
		p->state = HS_LIST_SEP;
		break;
	case HH_TRANSFER_ENCODING:
		p->flags |= HF_TE;
		p->state = HS_LIST_SEP;
		break;
	case HH_CONTENT_LENGTH:
		if (p->flags & HF_CL)
			p->hdr_id = HH_CL_DUP;
		p->flags |= HF_CL;
		p->state = HS_CL;
		break;
	default:
		p->state = HS_HDR_VALUE;
		break;
	}
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6); the first one is accumulated in
 * body_left. */
static int
http_cl_digit(struct http_parser *p, uint8_t c)
{
	unsigned d = c - '0';
	unsigned n;

	p->tok++;
	if (p->hdr_id == HH_CONTENT_LENGTH) {
		if (p->body_left > (UINT64_MAX - d) / 10)
			return HTTP_E_CONTENT_LENGTH;
		p->body_left = p->body_left * 10 + d;
		return 0;
	}
	/*
	 * A repeated Content-Length is acceptable only with the same decimal
	 * value (RFC 9110 8.6), otherwise it smells of request smuggling.
	 * There is no room for a second 64-bit number, so compare digit by
	 * digit against the first value, leading zeros aside.
	 */
	if (p->sub == 0 && d == 0)
		return 0;
	n = http_dec_digits(p->body_left);
	if (p->sub >= n ||
	    (p->body_left / http_pow10(n - 1 - p->sub)) % 10 != d)
		return HTTP_E_CONTENT_LENGTH;
	p->sub++;
	return 0;
}

/* List values (Connection, Transfer-Encoding): #token, case-insensitive */

static const struct http_lit *
http_list_tokens(const struct http_parser *p, unsigned *n)
{
	if (p->hdr_id == HH_CONNECTION) {
		*n = sizeof(conn_tokens) / sizeof(conn_tokens[0]);
		return conn_tokens;
	}
	*n = sizeof(te_tokens) / sizeof(te_tokens[0]);
	return te_tokens;
}

static void
http_elem_start(struct http_parser *p)
{
	unsigned n;

	http_list_tokens(p, &n);
	p->tok = (1u << n) - 1;
	p->sub = 0;
}

static void
http_elem_char(struct http_parser *p, uint8_t c)
{
	const struct http_lit *t;
	unsigned n;

	t = http_list_tokens(p, &n);
	for (unsigned i = 0; i < n; i++) {
		if ((p->tok & (1u << i)) &&
		    (p->sub >= t[i].len || t[i].s[p->sub] != http_lower(c)))
			p->tok &= ~(1u << i);
	}
	if (p->sub < UINT8_MAX)
		p->sub++;
}

static int
http_elem_end(struct http_parser *p)
{
	const struct http_lit *t;
	unsigned n, i;

	t = http_list_tokens(p, &n);
	for (i = 0; i < n; i++)
		if ((p->tok & (1u << i)) && p->sub == t[i].len)
			break;
	if (p->hdr_id == HH_CONNECTION) {
		/* With both, close wins: it is the reading that cannot hurt. */
		if (i == CONN_TOK_CLOSE)
			p->conn_hdr = HTTP_CONN_CLOSE;
		else if (i == CONN_TOK_KEEPALIVE &&
		    p->conn_hdr != HTTP_CONN_CLOSE)
			p->conn_hdr = HTTP_CONN_KEEPALIVE;
		return 0;
	}
	/*
	 * Transfer-Encoding: chunked must be the final coding and is applied
	 * only once (RFC 9112 6.1, 7), so nothing may follow it, across
	 * repeated fields too.
	 */
	if (p->flags & HF_CHUNKED)
		return HTTP_E_HEADER;
	if (i < n)
		p->flags |= HF_CHUNKED;
	return 0;
}

/* CR or LF at the end of a field value. */
static int
http_value_eol(struct http_parser *p, uint8_t c)
{
	if (p->hdr_id == HH_CONTENT_LENGTH || p->hdr_id == HH_CL_DUP) {
		if (p->tok == 0)
			return HTTP_E_CONTENT_LENGTH;
		if (p->hdr_id == HH_CL_DUP &&
		    p->sub != http_dec_digits(p->body_left))
			return HTTP_E_CONTENT_LENGTH;
	}
	if (c == '\r') {
		p->state = HS_HDR_CR;
	} else {
		p->state = HS_HDR_START;
		p->line_len = 0;
	}
	return 0;
}

static int
http_elem_eol(struct http_parser *p, uint8_t c)
{
	int e = http_elem_end(p);

	return e != 0 ? e : http_value_eol(p, c);
}

/* The empty line that ends the header or trailer section. */
static int
http_headers_end(struct http_parser *p)
{
	p->line_len = 0;
	if (p->flags & HF_TRAILER) {
		p->state = HS_DONE;
		return 0;
	}
	/*
	 * RFC 9112 6.3: Transfer-Encoding overrides Content-Length; in a
	 * request whose final coding is not chunked the length cannot be
	 * determined, which is a 400.
	 */
	if (p->flags & HF_TE) {
		if (!(p->flags & HF_CHUNKED))
			return HTTP_E_HEADER;
		p->body_left = 0;
		p->tok = 0;
		p->state = HS_CHUNK_SIZE;
		return 0;
	}
	/* Neither: a request has no body (RFC 9112 6.3, last rule). */
	p->state = p->body_left > 0 ? HS_BODY : HS_DONE;
	return 0;
}

/* Chunked body (RFC 9112 7.1) */

static int
http_chunk_size_end(struct http_parser *p)
{
	if (p->tok == 0)
		return HTTP_E_CHUNK;
	p->line_len = 0;
	if (p->body_left == 0) {
		/* last-chunk: the trailer section follows. */
		p->flags |= HF_TRAILER;
		p->state = HS_HDR_START;
	} else {
		p->state = HS_CHUNK_DATA;
	}
	return 0;
}

static void
http_chunk_next(struct http_parser *p)
{
	p->body_left = 0;
	p->tok = 0;
	p->line_len = 0;
	p->state = HS_CHUNK_SIZE;
}

static int
http_chunk_size_char(struct http_parser *p, uint8_t c)
{
	int v = http_hex_val(c);

	if (v >= 0) {
		if (p->body_left >> 60)
			return HTTP_E_CHUNK;
		p->body_left = p->body_left << 4 | (unsigned)v;
		p->tok++;
		return 0;
	}
	if (p->tok == 0)
		return HTTP_E_CHUNK;
	if (c == ';')
		p->state = HS_CHUNK_EXT;
	else if (http_is_ws(c))
		p->state = HS_CHUNK_SIZE_WS;	/* BWS before chunk-ext */
	else if (c == '\r')
		p->state = HS_CHUNK_SIZE_CR;
	else if (c == '\n')
		return http_chunk_size_end(p);
	else
		return HTTP_E_CHUNK;
	return 0;
}

/*
 * One byte in a line state.  Returns 0 or an enum http_error.
 *
 * A bare LF ends a line like CRLF does (RFC 9112 2.2 allows it, nginx does
 * it); a CR not followed by LF is an error.
 */
static int
http_parse_byte(struct http_parser *p, uint8_t c)
{
	if (p->state >= HS_LINE_FIRST && p->state <= HS_LINE_LAST &&
	    c != '\r' && c != '\n' && ++p->line_len > HTTP_MAX_LINE)
		return HTTP_E_LINE_TOO_LONG;

	switch (p->state) {
	case HS_START:
		if (c == '\r' || c == '\n') {
			/*
			 * RFC 9112 2.2: ignore empty lines before the
			 * request-line (some clients send a CRLF after a
			 * body); a bounded number of them.
			 */
			if (++p->line_len > HTTP_MAX_LINE)
				return HTTP_E_LINE_TOO_LONG;
			if (c == '\r')
				p->state = HS_START_CR;
			return 0;
		}
		if (!http_is_tchar(c))
			return HTTP_E_METHOD;
		p->line_len = 1;
		p->state = HS_METHOD;
		http_method_char(p, c);
		return 0;
	case HS_START_CR:
		if (c != '\n')
			return HTTP_E_METHOD;
		p->state = HS_START;
		return 0;

	case HS_METHOD:
		if (http_is_tchar(c)) {
			http_method_char(p, c);
			return 0;
		}
		if (c == ' ') {
			http_method_end(p);
			p->state = HS_TARGET_START;
			return 0;
		}
		return (c == '\r' || c == '\n') ? HTTP_E_TARGET : HTTP_E_METHOD;
	case HS_TARGET_START:
		if (!http_is_vchar(c))
			return HTTP_E_TARGET;
		p->state = HS_TARGET;
		return 0;
	case HS_TARGET:
		if (http_is_vchar(c))
			return 0;
		if (c == ' ') {
			p->sub = 0;
			p->state = HS_VERSION;
			return 0;
		}
		/* No version: an HTTP/0.9 simple request, not served. */
		return (c == '\r' || c == '\n') ? HTTP_E_VERSION : HTTP_E_TARGET;
	case HS_VERSION:
		/* "HTTP" is case-sensitive (RFC 9112 2.3). */
		if (c != (uint8_t)http_version_lit[p->sub])
			return HTTP_E_VERSION;
		if (++p->sub == sizeof(http_version_lit) - 1)
			p->state = HS_VERSION_MINOR;
		return 0;
	case HS_VERSION_MINOR:
		if (c != '0' && c != '1')
			return HTTP_E_VERSION;
		p->version_minor = c - '0';
		p->state = HS_RL_END;
		return 0;
	case HS_RL_END:
	case HS_RL_CR:
		if (c == '\r' && p->state == HS_RL_END) {
			p->state = HS_RL_CR;
			return 0;
		}
		if (c != '\n')
			return HTTP_E_VERSION;
		p->line_len = 0;
		p->state = HS_HDR_START;
		return 0;

	case HS_HDR_START:
		if (c == '\r') {
			p->state = HS_HDR_END_CR;
			return 0;
		}
		if (c == '\n')
			return http_headers_end(p);
		/*
		 * A line starting with whitespace is obs-fold (RFC 9112 5.2)
		 * or, as the first, whitespace after the start-line (2.2):
		 * both rejected rather than guessed at.
		 */
		if (!http_is_tchar(c))
			return HTTP_E_HEADER;
		return http_name_start(p, c);
	case HS_HDR_END_CR:
		if (c != '\n')
			return HTTP_E_HEADER;
		return http_headers_end(p);
	case HS_HDR_NAME:
		if (http_is_tchar(c))
			return http_name_char(p, c);
		/* Whitespace before the colon MUST be rejected (RFC 9112
		 * 5.1); CR/LF here is a line without a colon. */
		if (c != ':')
			return HTTP_E_HEADER;
		http_name_end(p);
		return 0;
	case HS_HDR_VALUE:
		if (c == '\r' || c == '\n')
			return http_value_eol(p, c);
		return http_is_field(c) ? 0 : HTTP_E_HEADER;

	case HS_CL:
		if (http_is_digit(c))
			return http_cl_digit(p, c);
		if (http_is_ws(c)) {
			/* Leading OWS is skipped, trailing OWS ends it. */
			if (p->tok != 0)
				p->state = HS_CL_WS;
			return 0;
		}
		if (c == '\r' || c == '\n')
			return http_value_eol(p, c);
		return HTTP_E_CONTENT_LENGTH;
	case HS_CL_WS:
		if (http_is_ws(c))
			return 0;
		if (c == '\r' || c == '\n')
			return http_value_eol(p, c);
		return HTTP_E_CONTENT_LENGTH;

	case HS_LIST_SEP:
		/* Empty elements are allowed (RFC 9110 5.6.1). */
		if (http_is_ws(c) || c == ',')
			return 0;
		if (c == '\r' || c == '\n')
			return http_value_eol(p, c);
		if (!http_is_vchar(c))
			return HTTP_E_HEADER;
		http_elem_start(p);
		http_elem_char(p, c);
		p->state = HS_LIST_ELEM;
		return 0;
	case HS_LIST_ELEM:
	case HS_LIST_WS:
		if (c == ',') {
			p->state = HS_LIST_SEP;
			return http_elem_end(p);
		}
		if (c == '\r' || c == '\n')
			return http_elem_eol(p, c);
		if (http_is_ws(c)) {
			p->state = HS_LIST_WS;
			return 0;
		}
		if (!http_is_vchar(c))
			return HTTP_E_HEADER;
		if (p->state == HS_LIST_WS) {
			/* Inner whitespace: not one of our tokens. */
			p->tok = 0;
			p->state = HS_LIST_ELEM;
		}
		http_elem_char(p, c);
		return 0;
	case HS_HDR_CR:
		if (c != '\n')
			return HTTP_E_HEADER;
		p->line_len = 0;
		p->state = HS_HDR_START;
		return 0;

	case HS_CHUNK_SIZE:
		return http_chunk_size_char(p, c);
	case HS_CHUNK_SIZE_WS:
		if (http_is_ws(c))
			return 0;
		if (c == ';')
			p->state = HS_CHUNK_EXT;
		else if (c == '\r')
			p->state = HS_CHUNK_SIZE_CR;
		else if (c == '\n')
			return http_chunk_size_end(p);
		else
			return HTTP_E_CHUNK;
		return 0;
	case HS_CHUNK_EXT:
		/* Extensions are not interpreted, only bounded by the line
		 * limit and kept free of control bytes. */
		if (c == '\r')
			p->state = HS_CHUNK_SIZE_CR;
		else if (c == '\n')
			return http_chunk_size_end(p);
		else if (!http_is_field(c))
			return HTTP_E_CHUNK;
		return 0;
	case HS_CHUNK_SIZE_CR:
		if (c != '\n')
			return HTTP_E_CHUNK;
		return http_chunk_size_end(p);
	case HS_CHUNK_DATA_END:
		if (c == '\r') {
			p->state = HS_CHUNK_DATA_CR;
			return 0;
		}
		if (c != '\n')
			return HTTP_E_CHUNK;
		http_chunk_next(p);
		return 0;
	case HS_CHUNK_DATA_CR:
		if (c != '\n')
			return HTTP_E_CHUNK;
		http_chunk_next(p);
		return 0;

	default:
		/* Body, done and error states never get here. */
		return HTTP_E_HEADER;
	}
}

/* Skip a run of bytes no state change depends on, within the line limit. */
static size_t
http_skip_run(struct http_parser *p, const uint8_t *buf, size_t len)
{
	size_t room = HTTP_MAX_LINE - p->line_len;
	size_t n = 0;

	if (len > room)
		len = room;
	if (p->state == HS_TARGET) {
		while (n < len && http_is_vchar(buf[n]))
			n++;
	} else {
		while (n < len && http_is_field(buf[n]))
			n++;
	}
	p->line_len += n;
	return n;
}

void
http_parser_init(struct http_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = HS_START;
}

bool
http_parser_idle(const struct http_parser *p)
{
	return p->state == HS_START && p->error == HTTP_E_NONE;
}

long
http_parse(struct http_parser *p, const uint8_t *buf, size_t len)
{
	size_t i = 0;
	int e;

	if (p->state == HS_ERROR)
		return -1;
	if (len > LONG_MAX)
		len = LONG_MAX;

	while (i < len && p->state != HS_DONE) {
		if (p->state == HS_BODY || p->state == HS_CHUNK_DATA) {
			/* Bodies are counted, not looked at. */
			uint64_t n = len - i;

			if (n > p->body_left)
				n = p->body_left;
			p->body_left -= n;
			i += n;
			if (p->body_left == 0)
				p->state = p->state == HS_BODY ?
				    HS_DONE : HS_CHUNK_DATA_END;
			continue;
		}
		if (p->state == HS_TARGET || p->state == HS_HDR_VALUE) {
			i += http_skip_run(p, buf + i, len - i);
			if (i == len)
				break;
		}
		e = http_parse_byte(p, buf[i]);
		if (e != 0) {
			p->error = e;
			p->state = HS_ERROR;
			return -1;
		}
		i++;
	}
	return (long)i;
}

bool
http_parser_done(const struct http_parser *p)
{
	return p->state == HS_DONE;
}

bool
http_parser_keepalive(const struct http_parser *p)
{
	if (p->state != HS_DONE)
		return false;
	/*
	 * RFC 9112 6.3: a request with both Transfer-Encoding and
	 * Content-Length may be a smuggling attempt, the server MUST close
	 * after responding; 6.1: Transfer-Encoding in an HTTP/1.0 request
	 * means faulty framing, close after it.
	 */
	if ((p->flags & HF_TE) &&
	    ((p->flags & HF_CL) || p->version_minor == 0))
		return false;
	if (p->conn_hdr == HTTP_CONN_CLOSE)
		return false;
	if (p->conn_hdr == HTTP_CONN_KEEPALIVE)
		return true;
	/* RFC 9112 9.3: persistent by default from HTTP/1.1 on. */
	return p->version_minor >= 1;
}

const char *
http_error_str(enum http_error e)
{
	switch (e) {
	case HTTP_E_NONE:
		return "no error";
	case HTTP_E_METHOD:
		return "bad method";
	case HTTP_E_TARGET:
		return "bad request target";
	case HTTP_E_VERSION:
		return "bad or unsupported HTTP version";
	case HTTP_E_LINE_TOO_LONG:
		return "line too long";
	case HTTP_E_TOO_MANY_HEADERS:
		return "too many header fields";
	case HTTP_E_HEADER:
		return "malformed header field";
	case HTTP_E_CONTENT_LENGTH:
		return "bad or conflicting Content-Length";
	case HTTP_E_CHUNK:
		return "bad chunked encoding";
	}
	return "unknown error";
}
