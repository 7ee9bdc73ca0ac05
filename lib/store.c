/* store.c - see store.h */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "input.h"
#include "ulid.h"

void
ew_store_init(struct ew_store *st, struct ew_repo *repo)
{
	memset(st, 0, sizeof *st);
	st->repo = repo;
}

static void
shard_free(struct ew_shard *sh)
{
	for (size_t i = 0; i < sh->n; i++)
		ew_record_free(sh->recs[i]);
	free(sh->recs);
	free(sh->raw);
	free(sh->path);
	free(sh);
}

void
ew_store_free(struct ew_store *st)
{
	for (size_t i = 0; i < st->n; i++)
		shard_free(st->v[i]);
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

static void
push(struct ew_shard *sh, struct ew_record *r)
{
	if (sh->n == sh->cap) {
		sh->cap = sh->cap ? sh->cap * 2 : 64;
		sh->recs = ew_xrealloc(sh->recs, sh->cap * sizeof *sh->recs);
	}
	sh->recs[sh->n++] = r;
}

/* Parses a committed shard; any problem in it is an error. */
static int
parse_shard(struct ew_shard *sh, const char *buf, size_t len,
	const struct ew_schema *s, struct ew_err *e)
{
	struct ew_input *in = ew_input_open_mem(buf, len, sh->path, s);
	struct ew_record *r;
	int got;

	while ((got = ew_input_next(in, &r, e)) > 0)
		push(sh, r);
	ew_input_close(in);
	return got;
}

/*
 * Parses the committed bytes of a shard only added to so far: its records
 * join the ones added.
 */
static int
parse_raw(struct ew_shard *sh, const struct ew_schema *s, struct ew_err *e)
{
	struct ew_record **added = sh->recs;
	size_t nadded = sh->n;

	sh->recs = NULL;
	sh->n = sh->cap = 0;
	int rc = parse_shard(sh, sh->raw, sh->rawlen, s, e);
	for (size_t i = 0; i < nadded; i++)
		push(sh, added[i]);
	free(added);
	free(sh->raw);
	sh->raw = NULL;
	sh->rawlen = 0;
	return rc;
}

/* The shard at path, loaded once; parsed unless parse is 0. */
static int
shard_open(struct ew_store *st, const char *path, int parse,
	struct ew_shard **out, struct ew_err *e)
{
	struct ew_shard *sh = NULL;

	for (size_t i = 0; !sh && i < st->n; i++)
		if (strcmp(st->v[i]->path, path) == 0)
			sh = st->v[i];
	if (!sh) {
		char *buf;
		size_t len;
		if (ew_repo_read_committed(st->repo, path, &buf, &len, e) < 0)
			return -1;
		sh = ew_xcalloc(1, sizeof *sh);
		sh->path = ew_xstrdup(path);
		sh->raw = buf;
		sh->rawlen = len;
		st->v = ew_xrealloc(st->v, (st->n + 1) * sizeof *st->v);
		st->v[st->n++] = sh;
	}
	if (parse && sh->raw && parse_raw(sh, &st->repo->schema, e) < 0)
		return -1;
	*out = sh;
	return 0;
}

int
ew_store_shard(struct ew_store *st, const char *path, struct ew_shard **out,
	struct ew_err *e)
{
	return shard_open(st, path, 1, out, e);
}

int
ew_store_load_all(struct ew_store *st, struct ew_err *e)
{
	struct ew_strv paths = {0};
	struct ew_shard *sh;
	int rc = 0;

	if (st->all)
		return 0;
	if (ew_repo_head_shards(st->repo, &paths, e) < 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < paths.n; i++)
		rc = ew_store_shard(st, paths.v[i], &sh, e);
	ew_strv_free(&paths);
	st->all = rc == 0;
	return rc;
}

int
ew_store_add(struct ew_store *st, struct ew_record *r, struct ew_err *e)
{
	struct ew_shard *sh;
	char *path = ew_shard_path(r->v[EW_C_EVENT_DATE]);
	int rc = shard_open(st, path, 0, &sh, e);

	free(path);
	if (rc < 0)
		return -1;
	push(sh, r);
	sh->dirty = 1;
	return 0;
}

void
ew_store_take(struct ew_shard *sh, struct ew_record *r)
{
	for (size_t i = 0; i < sh->n; i++)
		if (sh->recs[i] == r) {
			memmove(sh->recs + i, sh->recs + i + 1, (sh->n - i - 1) * sizeof *sh->recs);
			sh->n--;
			sh->dirty = 1;
			return;
		}
}

size_t
ew_store_find(struct ew_store *st, const char *prefix, struct ew_record **out,
	struct ew_shard **where, size_t max)
{
	size_t len = strlen(prefix), n = 0;

	for (size_t i = 0; i < st->n; i++) {
		struct ew_shard *sh = st->v[i];
		for (size_t j = 0; j < sh->n; j++) {
			if (strncasecmp(sh->recs[j]->v[EW_C_ID], prefix, len) != 0)
				continue;
			if (n < max) {
				out[n] = sh->recs[j];
				if (where)
					where[n] = sh;
			}
			n++;
		}
	}
	return n;
}

static int
cmp_rec(const void *a, const void *b)
{
	return ew_record_cmp(*(struct ew_record *const *)a,
		*(struct ew_record *const *)b);
}

char *
ew_shard_format(struct ew_shard *sh, const struct ew_schema *s, size_t *len)
{
	struct ew_buf b = {0};

	if (sh->n > 1)
		qsort(sh->recs, sh->n, sizeof *sh->recs, cmp_rec);
	ew_schema_csv_header(s, NULL, 0, &b);
	for (size_t i = 0; i < sh->n; i++)
		ew_record_csv(sh->recs[i], NULL, 0, &b);
	*len = b.len;
	return ew_buf_detach(&b);
}

/* The end of the CSV record that starts at p (past its LF), or NULL. */
static const char *
record_end(const char *p, const char *end)
{
	int quoted = 0;

	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		for (const char *q = p; (q = memchr(q, '"', (size_t)(nl - q))); q++)
			quoted = !quoted;
		if (!quoted)
			return nl + 1;
		p = nl + 1;
	}
}

/* A field of the record [p, end) ending at a comma, unquoted: its end. */
static const char *
plain_field(const char *p, const char *end)
{
	const char *c = memchr(p, ',', (size_t)(end - p));

	if (!c || memchr(p, '"', (size_t)(c - p)) || memchr(p, '\n', (size_t)(c - p)))
		return NULL;
	return c;
}

/*
 * 1 when [id, id_end) and [date, date_end) are a key as ew writes one: a
 * ULID in upper case and a YYYY-MM-DD date. Anything else (a hand edit,
 * or text a stray quote made the scan take for a record's start) leaves
 * the shard to the parser.
 */
static int
plain_key(const char *id, const char *id_end, const char *date,
	const char *date_end)
{
	char buf[27], canon[27];
	long days;

	if (id_end - id != 26)
		return 0;
	memcpy(buf, id, 26);
	buf[26] = '\0';
	if (!ew_ulid_valid(buf, canon) || strcmp(buf, canon) != 0 || date_end - date != 10)
		return 0;
	memcpy(buf, date, 10);
	buf[10] = '\0';
	return ew_date_parse(buf, &days) == 0;
}

/* strcmp of s with the string p[0..n). */
static int
cmp_n(const char *s, const char *p, size_t n)
{
	size_t sl = strlen(s);
	int c = memcmp(s, p, sl < n ? sl : n);

	return c ? c : (sl > n) - (sl < n);
}

char *
ew_shard_splice(const char *raw, size_t rawlen, struct ew_record **add,
	size_t n, const struct ew_schema *s, size_t *len)
{
	struct ew_buf b = {0};
	const char *end = raw + rawlen, *p, *from;
	size_t j = 0;

	if (n > 1)
		qsort(add, n, sizeof *add, cmp_rec);
	ew_schema_csv_header(s, NULL, 0, &b);
	if (rawlen < b.len || memcmp(raw, b.s, b.len) != 0 ||
	    raw[rawlen - 1] != '\n' || memchr(raw, '\r', rawlen))
		goto no;
	ew_buf_grow(&b, rawlen - b.len + n * 512);
	from = p = raw + b.len;
	/* records are scanned only as far as the last new one's place */
	while (p < end && j < n) {
		const char *next = record_end(p, end);
		const char *id_end = next ? plain_field(p, next) : NULL;
		const char *date_end = id_end ? plain_field(id_end + 1, next) : NULL;
		if (!date_end || !plain_key(p, id_end, id_end + 1, date_end))
			goto no;
		while (j < n) {
			int c = cmp_n(add[j]->v[EW_C_EVENT_DATE], id_end + 1,
				(size_t)(date_end - id_end - 1));
			if (c == 0)
				c = cmp_n(add[j]->v[EW_C_ID], p, (size_t)(id_end - p));
			if (c >= 0)
				break;
			ew_buf_add(&b, from, (size_t)(p - from));
			from = p;
			ew_record_csv(add[j++], NULL, 0, &b);
		}
		p = next;
	}
	ew_buf_add(&b, from, (size_t)(end - from));
	while (j < n)
		ew_record_csv(add[j++], NULL, 0, &b);
	*len = b.len;
	return ew_buf_detach(&b);
no:
	ew_buf_free(&b);
	return NULL;
}

int
ew_store_commit(struct ew_store *st, const char *msg, const char *author,
	char *out, struct ew_err *e)
{
	struct ew_change *ch = ew_xcalloc(st->n, sizeof *ch);
	char **bufs = ew_xcalloc(st->n, sizeof *bufs);
	size_t n = 0;
	int rc = -1;

	for (size_t i = 0; i < st->n; i++) {
		struct ew_shard *sh = st->v[i];
		if (!sh->dirty)
			continue;
		ch[n].path = sh->path;
		if (sh->raw)
			bufs[n] = ew_shard_splice(sh->raw, sh->rawlen, sh->recs, sh->n,
				&st->repo->schema, &ch[n].len);
		/* else, or if it cannot be spliced, the shard is written whole */
		if (!bufs[n] && sh->raw && parse_raw(sh, &st->repo->schema, e) < 0)
			goto out;
		if (!bufs[n] && sh->n)
			bufs[n] = ew_shard_format(sh, &st->repo->schema, &ch[n].len);
		ch[n].data = bufs[n];
		n++;
	}
	rc = ew_repo_commit(st->repo, ch, n, msg, author, out, e);
out:
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(ch);
	return rc;
}
