/* store.c - see store.h */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"

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

int
ew_store_shard(struct ew_store *st, const char *path, struct ew_shard **out,
	struct ew_err *e)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i]->path, path) == 0) {
			*out = st->v[i];
			return 0;
		}
	char *buf;
	size_t len;
	if (ew_repo_read_head(st->repo, path, &buf, &len, e) < 0)
		return -1;
	struct ew_shard *sh = ew_xcalloc(1, sizeof *sh);
	sh->path = ew_xstrdup(path);
	if (buf && parse_shard(sh, buf, len, &st->repo->schema, e) < 0) {
		free(buf);
		shard_free(sh);
		return -1;
	}
	free(buf);
	st->v = ew_xrealloc(st->v, (st->n + 1) * sizeof *st->v);
	st->v[st->n++] = sh;
	*out = sh;
	return 0;
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
	int rc = ew_store_shard(st, path, &sh, e);

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

int
ew_store_commit(struct ew_store *st, const char *msg, const char *author,
	char *out, struct ew_err *e)
{
	struct ew_change *ch = ew_xcalloc(st->n, sizeof *ch);
	char **bufs = ew_xcalloc(st->n, sizeof *bufs);
	size_t n = 0;

	for (size_t i = 0; i < st->n; i++) {
		struct ew_shard *sh = st->v[i];
		if (!sh->dirty)
			continue;
		ch[n].path = sh->path;
		if (sh->n) {
			bufs[n] = ew_shard_format(sh, &st->repo->schema, &ch[n].len);
			ch[n].data = bufs[n];
		}
		n++;
	}
	int rc = ew_repo_commit(st->repo, ch, n, msg, author, out, e);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(ch);
	return rc;
}
