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
	/*
	 * A shard only added to is not parsed: raw holds its committed
	 * bytes (owned), and recs only the records added.
	 */
	char *raw;
	size_t rawlen;
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

/*
 * Adds r (taking it) to the shard of its event_date. The shard is not
 * parsed: at commit the new records are put into its committed bytes
 * (ew_shard_splice), unless it must be parsed and written whole.
 */
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

/*
 * The shard whose bytes are raw[0..rawlen) with the records add[0..n)
 * put in, each before the first record that sorts after it, every other
 * byte as it was: for a shard in ew's own form, the bytes
 * ew_shard_format would give for all the records. Records are scanned
 * only as far as the place of the last new one. NULL when raw is not a
 * shard this can be done to without parsing it: a header row other than
 * s's, a CR anywhere, no LF at the end, or in the part scanned a key
 * that is not an upper-case ULID and a YYYY-MM-DD date, unquoted, or an
 * unterminated quote. Sorts add.
 * Caller frees.
 */
char *ew_shard_splice(const char *raw, size_t rawlen, struct ew_record **add,
	size_t n, const struct ew_schema *s, size_t *len);

/* Commits every changed shard (an empty shard is removed). */
int ew_store_commit(struct ew_store *st, const char *msg, const char *author,
	char *out, struct ew_err *e);

#endif
