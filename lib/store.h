/*
 * store.h - the records of a repository, shard by shard, for writers.
 *
 * A store loads shards from HEAD as they are needed, lets a program add,
 * find and move records, and commits the shards it changed as one commit.
 * Call it with the repository locked (ew_repo_lock).
 */
#ifndef EW_STORE_H
#define EW_STORE_H

#include "record.h"
#include "repo.h"

struct ew_shard {
	char *path;                /* reports/YYYY/MM.csv */
	struct ew_record **recs;   /* owned */
	size_t n, cap;
	int dirty;
};

struct ew_store {
	struct ew_repo *repo;
	struct ew_shard **v;
	size_t n;
	int all; /* every shard of HEAD is loaded */
};

void ew_store_init(struct ew_store *st, struct ew_repo *repo);
void ew_store_free(struct ew_store *st);

/* Loads (once) the shard at path; *out may be an empty new shard. */
int ew_store_shard(struct ew_store *st, const char *path,
	struct ew_shard **out, struct ew_err *e);
/* Loads every shard in HEAD. */
int ew_store_load_all(struct ew_store *st, struct ew_err *e);

/* Adds r (taking it) to the shard of its event_date. */
int ew_store_add(struct ew_store *st, struct ew_record *r, struct ew_err *e);
/* Takes r out of shard sh (r is returned to the caller, not freed). */
void ew_store_take(struct ew_shard *sh, struct ew_record *r);

/*
 * Finds the records whose id starts with prefix (any case) among the
 * loaded shards. Stores up to max of them and returns how many match.
 */
size_t ew_store_find(struct ew_store *st, const char *prefix,
	struct ew_record **out, struct ew_shard **where, size_t max);

/* The shard's bytes: header, then its records sorted. Caller frees. */
char *ew_shard_format(struct ew_shard *sh, const struct ew_schema *s,
	size_t *len);

/* Commits every changed shard (an empty shard is removed). */
int ew_store_commit(struct ew_store *st, const char *msg, const char *author,
	char *out, struct ew_err *e);

#endif
