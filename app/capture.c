/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sampled packet capture to pcapng, with DPDK's rte_pcapng.
 *
 * Worker side (capture_rx/tx/conn_end, per packet, only when [capture] file
 * is set): a keyed hash of the connection's tuple decides whether it is
 * sampled, so both directions and every packet of a chosen connection are
 * kept.  The packet is copied with rte_pcapng_copy (which builds the
 * Enhanced Packet Block around the copy) into a dedicated pool and put on
 * the worker's own single-producer/single-consumer ring; a full ring or an
 * empty pool is a counted drop, never a wait.
 *
 * With anomalies = on every open connection also has a small FIFO of its
 * last packets (anomaly_depth copies) in a per-lcore slot table indexed by
 * the same hash; when the stack frees a connection for a bad reason the
 * FIFO goes to the ring, else it is freed.  Two open connections hashing
 * to the same slot: the newer takes it over (counted), so memory stays
 * bounded by the slot table and the pool.
 *
 * Writer side (a DPDK control thread, never a worker lcore): empties the
 * rings, appends a pcapng comment to each packet naming the lcore and why
 * it was kept (Wireshark's frame.comment), and writes the file, enforcing
 * max_size (stop or rotate).
 */
/* rte_pcapng is an experimental API in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pcapng.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "app.h"
#include "capture.h"

#define CAP_RING_SIZE     8192       /* copies in flight per worker */
#define CAP_WRITE_BURST   64
#define CAP_ANOM_SLOTS_MIN 1024     /* per worker, a power of two ... */
#define CAP_ANOM_SLOTS_MAX 65536    /* ... at least 2 per open connection */
#define CAP_COMMENT_MAX   96         /* room kept for the comment option */

/* Why a copy was kept: in the copy's hash.usr (ours: the copy is ours). */
enum cap_why {
	CAP_SAMPLE = 0,
	CAP_RESET,          /* TCP_CLOSED_RESET */
	CAP_TIMEOUT,        /* TCP_CLOSED_TIMEOUT */
	CAP_ABORT,          /* TCP_CLOSED_ABORT */
};

struct anom_slot {
	struct tcp_tuple t;
	uint8_t used;
	uint8_t n;                      /* copies held */
	uint8_t head;                   /* oldest copy */
	struct rte_mbuf *m[32];         /* anomaly_depth <= 32 */
};

struct capture_lcore {
	struct rte_ring *ring;
	struct tt_stats *st;
	unsigned lcore_id;
	uint64_t thresh;                /* sampled: hash < thresh (of 2^32) */
	uint32_t key;
	uint32_t snaplen;
	uint32_t depth;
	uint32_t slot_mask;
	struct anom_slot *slots;        /* NULL unless anomalies = on */
};

static struct {
	bool on;
	struct rte_mempool *mp;
	struct capture_lcore *cl[RTE_MAX_LCORE];
	unsigned n;
	const struct tt_capture_config *cfg;
	rte_pcapng_t *pc;
	char path[256];
	uint64_t written;               /* bytes in the current file */
	uint64_t packets, bytes;        /* written, all files */
	uint64_t dropped_max;           /* not written: max_size and at_max = stop */
	uint64_t write_errors;
	uint32_t rotations;
	bool stopped;                   /* max_size reached, at_max = stop */
	pthread_t thread;
	volatile bool stop;
	bool thread_on;
} C;

struct capture_lcore *
capture_lcore(unsigned idx)
{
	return C.on && idx < C.n ? C.cl[idx] : NULL;
}

/*
 * Keyed hash of the connection, the same from either end (the two
 * endpoints in a fixed order), so that in mode both the client's and the
 * server's view of one connection are sampled together.
 */
static inline uint32_t
cap_hash(const struct capture_lcore *cl, const struct tcp_tuple *t)
{
	uint64_t a = ((uint64_t)tt_addr_fold(&t->laddr) << 16) | t->lport;
	uint64_t b = ((uint64_t)tt_addr_fold(&t->raddr) << 16) | t->rport;
	uint64_t lo = a < b ? a : b, hi = a < b ? b : a;

	return rte_jhash_3words((uint32_t)lo, (uint32_t)hi,
				(uint32_t)(lo >> 32) | (uint32_t)(hi >> 32) << 16, cl->key);
}

static void
cap_enqueue(struct capture_lcore *cl, struct rte_mbuf *mc)
{
	if (rte_ring_sp_enqueue(cl->ring, mc) != 0) {
		TT_INC(cl->st, capture_ring_full);
		rte_pktmbuf_free(mc);
		return;
	}
	TT_INC(cl->st, capture_copied);
}

static struct rte_mbuf *
cap_copy(struct capture_lcore *cl, uint16_t port, uint16_t queue,
	 const struct rte_mbuf *m, enum rte_pcapng_direction dir, enum cap_why why)
{
	struct rte_mbuf *mc = rte_pcapng_copy(port, queue, m, C.mp, cl->snaplen,
					      rte_get_tsc_cycles(), dir);

	if (mc == NULL) {
		TT_INC(cl->st, capture_nombuf);
		return NULL;
	}
	mc->hash.usr = (uint32_t)why | (cl->lcore_id << 8);
	return mc;
}

static void
slot_free(struct anom_slot *s)
{
	for (unsigned i = 0; i < s->n; i++)
		rte_pktmbuf_free(s->m[(s->head + i) % RTE_DIM(s->m)]);
	s->n = 0;
	s->head = 0;
	s->used = 0;
}

/* The anomaly slot of a tuple as this end sees it (in mode both the two
 * ends of one connection are two connections of the same lcore, so the
 * slot must not be symmetric). */
static inline struct anom_slot *
anom_slot(const struct capture_lcore *cl, const struct tcp_tuple *t)
{
	uint32_t h = rte_jhash_3words(tt_addr_fold(&t->laddr), tt_addr_fold(&t->raddr),
				      ((uint32_t)t->lport << 16) | t->rport, cl->key);

	return &cl->slots[h & cl->slot_mask];
}

/* Keep a copy of m as the newest of its connection's last packets. */
static void
anom_keep(struct capture_lcore *cl, const struct tcp_tuple *t, uint16_t port,
	  uint16_t queue, const struct rte_mbuf *m, enum rte_pcapng_direction dir)
{
	struct anom_slot *s = anom_slot(cl, t);
	struct rte_mbuf *mc;

	if (s->used && !tcp_tuple_eq(&s->t, t)) {
		TT_INC(cl->st, capture_anomaly_evicted);
		slot_free(s);
	}
	if (!s->used) {
		s->used = 1;
		s->t = *t;
	}
	mc = cap_copy(cl, port, queue, m, dir, CAP_SAMPLE);
	if (mc == NULL)
		return;
	if (s->n == cl->depth) {
		rte_pktmbuf_free(s->m[s->head]);
		s->head = (uint8_t)((s->head + 1) % RTE_DIM(s->m));
		s->n--;
	}
	s->m[(s->head + s->n) % RTE_DIM(s->m)] = mc;
	s->n++;
}

static void
cap_packet(struct capture_lcore *cl, uint16_t port, uint16_t queue,
	   const struct rte_mbuf *m, const struct tcp_tuple *t, enum rte_pcapng_direction dir)
{
	uint32_t h = cap_hash(cl, t);

	if (h < cl->thresh) {
		struct rte_mbuf *mc = cap_copy(cl, port, queue, m, dir, CAP_SAMPLE);

		if (mc != NULL)
			cap_enqueue(cl, mc);
	} else if (cl->slots != NULL) {
		anom_keep(cl, t, port, queue, m, dir);
	}
}

void
capture_rx(struct capture_lcore *cl, uint16_t port, uint16_t queue,
	   const struct rte_mbuf *m, const struct tcp_tuple *t)
{
	cap_packet(cl, port, queue, m, t, RTE_PCAPNG_DIRECTION_IN);
}

void
capture_tx(struct capture_lcore *cl, uint16_t port, uint16_t queue, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	const struct rte_tcp_hdr *th;
	struct tcp_tuple t;

	/* Frames we built ourselves: one segment, headers in place (IPv6
	 * without extension headers). */
	if (m->data_len < sizeof(*eh) + sizeof(struct rte_ipv4_hdr) + sizeof(*th))
		return;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eh + 1);
		uint32_t ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;

		if (ip->next_proto_id != IPPROTO_TCP ||
		    m->data_len < sizeof(*eh) + ihl + sizeof(*th))
			return;
		th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + ihl);
		t = tcp_tuple4(rte_be_to_cpu_32(ip->src_addr), rte_be_to_cpu_32(ip->dst_addr),
			       rte_be_to_cpu_16(th->src_port), rte_be_to_cpu_16(th->dst_port));
	} else if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(eh + 1);

		if (ip6->proto != IPPROTO_TCP ||
		    m->data_len < sizeof(*eh) + sizeof(*ip6) + sizeof(*th))
			return;
		th = (const struct rte_tcp_hdr *)(ip6 + 1);
		/* As the stack's tuples: local (our source) first, zeroed. */
		memset(&t, 0, sizeof(t));
		t.v6 = 1;
		memcpy(t.laddr.v6, ip6->src_addr, 16);
		memcpy(t.raddr.v6, ip6->dst_addr, 16);
		t.lport = rte_be_to_cpu_16(th->src_port);
		t.rport = rte_be_to_cpu_16(th->dst_port);
	} else {
		return;
	}
	cap_packet(cl, port, queue, m, &t, RTE_PCAPNG_DIRECTION_OUT);
}

void
capture_conn_end(struct capture_lcore *cl, const struct tcp_conn *c, enum tcp_close_reason why)
{
	struct anom_slot *s;
	enum cap_why w;

	if (cl->slots == NULL)
		return;
	s = anom_slot(cl, &c->node.t);
	if (!s->used || !tcp_tuple_eq(&s->t, &c->node.t))
		return;
	switch (why) {
	case TCP_CLOSED_RESET:
		w = CAP_RESET;
		break;
	case TCP_CLOSED_TIMEOUT:
		w = CAP_TIMEOUT;
		break;
	case TCP_CLOSED_ABORT:
		w = CAP_ABORT;
		break;
	default:
		slot_free(s);
		return;
	}
	TT_INC(cl->st, capture_anomalies);
	for (unsigned i = 0; i < s->n; i++) {
		struct rte_mbuf *mc = s->m[(s->head + i) % RTE_DIM(s->m)];

		/* The state the connection ended in says which timeout. */
		mc->hash.usr = (uint32_t)w | (cl->lcore_id << 8) | ((uint32_t)c->state << 16);
		cap_enqueue(cl, mc);
	}
	s->n = 0;
	s->head = 0;
	s->used = 0;
}

/* ---- writer (control thread) ------------------------------------------ */

static const char *
why_text(uint32_t usr, char *buf, size_t len)
{
	unsigned why = usr & 0xff, lc = (usr >> 8) & 0xff, st = usr >> 16;

	switch (why) {
	case CAP_SAMPLE:
		snprintf(buf, len, "tcpterm lcore %u: sampled connection", lc);
		break;
	case CAP_RESET:
		snprintf(buf, len, "tcpterm lcore %u: anomaly: reset by the peer (in %s)",
			 lc, tcp_state_name(st));
		break;
	case CAP_TIMEOUT:
		snprintf(buf, len, "tcpterm lcore %u: anomaly: %s", lc,
			 st == TCP_FIN_WAIT_2 ? "FIN_WAIT_2 timeout (fin_timeout)" :
			 st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT ?
			 "given up: retries2 or keep-alive probes unanswered" :
			 st == TCP_SYN_SENT || st == TCP_SYN_RECEIVED ?
			 "given up: SYN or SYN-ACK retransmissions" :
			 "given up: FIN retransmissions (orphan_retries)");
		break;
	default:
		snprintf(buf, len, "tcpterm lcore %u: anomaly: aborted with RST by tcpterm (in %s)",
			 lc, tcp_state_name(st));
		break;
	}
	return buf;
}

/*
 * Append an opt_comment (pcapng option 1) to the Enhanced Packet Block that
 * rte_pcapng_copy built: its options end the block, followed by the block
 * length, so the comment goes in place of that trailer and a new trailer
 * and block length follow.  (DPDK 22.11's rte_pcapng_copy takes no
 * comment; later releases add exactly this option.)  The copy is one
 * segment with room for it: the pool's data room includes
 * CAP_COMMENT_MAX.
 */
static void
add_comment(struct rte_mbuf *mc, const char *text)
{
	uint32_t *blen = rte_pktmbuf_mtod_offset(mc, uint32_t *, 4);
	uint16_t tlen = (uint16_t)strlen(text);
	uint32_t padded = RTE_ALIGN(tlen, 4u);
	uint32_t add = 4 + padded;      /* option header + value */
	uint8_t *tail;
	uint32_t total;

	if (mc->nb_segs != 1 || tlen == 0 || rte_pktmbuf_tailroom(mc) < add)
		return;
	tail = rte_pktmbuf_mtod_offset(mc, uint8_t *, mc->data_len - 4);
	if (rte_pktmbuf_append(mc, add) == NULL)
		return;
	total = mc->pkt_len;
	tail[0] = 1;                    /* opt_comment, little-endian like the rest */
	tail[1] = 0;
	tail[2] = (uint8_t)tlen;
	tail[3] = (uint8_t)(tlen >> 8);
	memcpy(tail + 4, text, tlen);
	memset(tail + 4 + tlen, 0, padded - tlen);
	memcpy(tail + 4 + padded, &total, 4);
	*blen = total;
}

static int
file_open(void)
{
	int fd = open(C.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char comment[128];

	if (fd < 0)
		return -1;
	snprintf(comment, sizeof(comment), "tcpterm %s: sample %.4g, snaplen %u%s",
		 TCPTERM_VERSION, C.cfg->sample, C.cfg->snaplen,
		 C.cfg->anomalies ? ", anomalies on" : "");
	C.pc = rte_pcapng_fdopen(fd, NULL, NULL, "tcpterm " TCPTERM_VERSION, comment);
	if (C.pc == NULL) {
		close(fd);
		return -1;
	}
	C.written = (uint64_t)lseek(fd, 0, SEEK_CUR);
	return 0;
}

static void
file_rotate(void)
{
	char old[sizeof(C.path) + 2];

	rte_pcapng_close(C.pc);
	C.pc = NULL;
	snprintf(old, sizeof(old), "%s.1", C.path);
	if (rename(C.path, old) != 0 || file_open() != 0) {
		fprintf(stderr, "tcpterm: capture: cannot rotate %s: %s; capture stops\n",
			C.path, strerror(errno));
		C.stopped = true;
		return;
	}
	C.rotations++;
}

static void
write_one(struct rte_mbuf *mc)
{
	char text[CAP_COMMENT_MAX];
	uint64_t len;
	ssize_t r;

	add_comment(mc, why_text(mc->hash.usr, text, sizeof(text)));
	len = mc->pkt_len;
	if (!C.stopped && C.cfg->max_size > 0 && C.written + len > C.cfg->max_size) {
		if (C.cfg->at_max == TT_CAP_ROTATE)
			file_rotate();
		else
			C.stopped = true;
	}
	if (C.stopped || C.pc == NULL) {
		C.dropped_max++;
		rte_pktmbuf_free(mc);
		return;
	}
	r = rte_pcapng_write_packets(C.pc, &mc, 1);
	if (r < 0) {
		C.write_errors++;
	} else {
		C.written += (uint64_t)r;
		C.bytes += (uint64_t)r;
		C.packets++;
	}
	rte_pktmbuf_free(mc);
}

static unsigned
drain_rings(void)
{
	struct rte_mbuf *b[CAP_WRITE_BURST];
	unsigned total = 0;

	for (unsigned i = 0; i < C.n; i++) {
		unsigned n = rte_ring_sc_dequeue_burst(C.cl[i]->ring, (void **)b, RTE_DIM(b), NULL);

		for (unsigned k = 0; k < n; k++)
			write_one(b[k]);
		total += n;
	}
	return total;
}

static void *
writer(void *arg)
{
	(void)arg;
	while (!C.stop)
		if (drain_rings() == 0)
			usleep(1000);
	return NULL;
}

int
capture_start(struct tt_app *app, char *err, size_t errlen)
{
	const struct tt_capture_config *cfg = &app->cfg.capture;
	uint32_t key;
	int rc;

	if (strcmp(cfg->file, "off") == 0)
		return 0;
	C.cfg = cfg;
	snprintf(C.path, sizeof(C.path), "%s", cfg->file);
	if (getrandom(&key, sizeof(key), 0) != sizeof(key))
		key = (uint32_t)rte_rdtsc();
	C.mp = rte_pktmbuf_pool_create("tt_capture", cfg->mbufs, 256, 0,
				       (uint16_t)(rte_pcapng_mbuf_size(cfg->snaplen) -
						  sizeof(struct rte_mbuf) + CAP_COMMENT_MAX +
						  RTE_PKTMBUF_HEADROOM),
				       (int)rte_socket_id());
	if (C.mp == NULL) {
		snprintf(err, errlen, "[capture] no memory for %u packet copies of %u bytes "
			 "(lower [capture] mbufs or snaplen): %s", cfg->mbufs, cfg->snaplen,
			 rte_strerror(rte_errno));
		return -1;
	}
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct worker *w = app->workers[i];
		int sock = (int)rte_lcore_to_socket_id(w->lcore_id);
		struct capture_lcore *cl = rte_zmalloc_socket("capture", sizeof(*cl), 0, sock);
		char name[RTE_RING_NAMESIZE];

		if (cl == NULL)
			goto nomem;
		C.cl[C.n++] = cl;
		snprintf(name, sizeof(name), "tt_cap%u", i);
		cl->ring = rte_ring_create(name, CAP_RING_SIZE, sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (cl->ring == NULL)
			goto nomem;
		cl->st = &w->st;
		cl->lcore_id = w->lcore_id;
		cl->thresh = (uint64_t)(cfg->sample * 4294967296.0);
		cl->key = key;
		cl->snaplen = cfg->snaplen;
		cl->depth = cfg->anomaly_depth;
		if (cfg->anomalies) {
			uint32_t n = CAP_ANOM_SLOTS_MIN;

			while (n < CAP_ANOM_SLOTS_MAX &&
			       n < 2ull * app->cfg.tcp.max_conns)
				n <<= 1;
			cl->slot_mask = n - 1;
			cl->slots = rte_zmalloc_socket("capture_anom", n * sizeof(*cl->slots), 0, sock);
			if (cl->slots == NULL)
				goto nomem;
		}
	}
	if (file_open() != 0) {
		snprintf(err, errlen, "[capture] file %s: %s", C.path, strerror(errno));
		return -1;
	}
	C.stop = false;
	rc = rte_ctrl_thread_create(&C.thread, "tt-capture", NULL, writer, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "[capture] cannot start the writer thread: %s", strerror(rc));
		return -1;
	}
	C.thread_on = true;
	C.on = true;
	return 0;
nomem:
	snprintf(err, errlen, "[capture] out of memory for the per-lcore rings and buffers");
	return -1;
}

void
capture_stop(struct tt_app *app)
{
	unsigned in_use;

	(void)app;
	if (C.cfg == NULL)
		return;
	C.on = false;
	/* Workers have stopped: what they keep for anomalies is no longer
	 * needed (their connections are gone or were counted by the drain). */
	for (unsigned i = 0; i < C.n; i++)
		if (C.cl[i]->slots != NULL)
			for (unsigned s = 0; s <= C.cl[i]->slot_mask; s++)
				slot_free(&C.cl[i]->slots[s]);
	if (C.thread_on) {
		C.stop = true;
		pthread_join(C.thread, NULL);
		C.thread_on = false;
	}
	while (drain_rings() > 0)
		;
	if (C.pc != NULL) {
		rte_pcapng_close(C.pc);
		C.pc = NULL;
	}
	in_use = C.mp ? rte_mempool_in_use_count(C.mp) : 0;
	printf("capture: %" PRIu64 " packets (%" PRIu64 " bytes) written to %s; %" PRIu64
	       " not written (max_size); %u rotations; %" PRIu64 " write errors; "
	       "capture copies in use: %u\n", C.packets, C.bytes, C.path, C.dropped_max,
	       C.rotations, C.write_errors, in_use);
	for (unsigned i = 0; i < C.n; i++) {
		rte_ring_free(C.cl[i]->ring);
		rte_free(C.cl[i]->slots);
		rte_free(C.cl[i]);
	}
	C.n = 0;
	rte_mempool_free(C.mp);
	C.mp = NULL;
	C.cfg = NULL;
}

void
capture_json(FILE *f)
{
	if (C.path[0] == '\0')
		return;
	fprintf(f, ", \"capture\": {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64
		", \"not_written_max_size\": %" PRIu64 ", \"rotations\": %u, \"write_errors\": %"
		PRIu64 "}", C.packets, C.bytes, C.dropped_max, C.rotations, C.write_errors);
}
