/*
 * merge.h - the three-way merge of records by id, field by field, and of
 * the alert log as a log.
 *
 * The merge is symmetric: swapping ours and theirs gives the same records
 * and the same conflicts, so two offices that merge each other's changes
 * end with the same bytes. See ew-merge(1).
 */
#ifndef EW_MERGE_H
#define EW_MERGE_H

#include "err.h"
#include "record.h"
#include "util.h"

/* A set of records (owned). */
struct ew_rset {
	struct ew_record **v;
	size_t n, cap;
};

void ew_rset_push(struct ew_rset *s, struct ew_record *r); /* takes r */
void ew_rset_free(struct ew_rset *s);
/*
 * Reads the records of a shard's bytes (name is used in messages) into s.
 * Any problem in the file is an error.
 */
int ew_rset_parse(struct ew_rset *s, const char *buf, size_t len,
	const char *name, const struct ew_schema *schema, struct ew_err *e);

/*
 * One field changed to two different values: the value kept and the one
 * that lost, each with the updated_at of the record it came from. base is
 * the value both started from ("" for a record added on both sides).
 */
struct ew_conflict {
	char *id;
	size_t col;
	char *kept, *lost, *base;
	char *kept_at, *lost_at;
	int added; /* the record was added on both sides */
	int confidential; /* the record is confidential in base, ours or theirs */
};

/* Frees the strings of c. */
void ew_conflict_free(struct ew_conflict *c);

struct ew_merge {
	struct ew_rset out;           /* the merged records, in shard order */
	struct ew_conflict *c;
	size_t nc;
	struct ew_strv received;      /* ids whose record differs from ours */
	struct ew_strv sent;          /* ids whose record differs from theirs */
	struct ew_strv orphans;       /* ids removed on one side and changed
	                                 on the other (kept) */
};

/*
 * Merges the records of theirs into ours, base being what both started
 * from. A field changed on one side takes that change; a field changed on
 * both sides to different values keeps the value of the record with the
 * later updated_at (on a tie, the greater value in byte order) and the
 * other becomes a conflict. updated_at itself takes the later time. A
 * record removed on one side and unchanged on the other is removed; one
 * removed on one side and changed on the other is kept. The sets are
 * reordered but not changed. Fails when an id appears twice in one set.
 */
int ew_merge_records(const struct ew_schema *s, struct ew_rset *base,
	struct ew_rset *ours, struct ew_rset *theirs, struct ew_merge *m,
	struct ew_err *e);
void ew_merge_free(struct ew_merge *m);

/*
 * Merges alert logs (alerts.csv bytes) as a log: every row of base, then
 * the rows either side added, once each, ordered by time and id.
 */
int ew_merge_alerts(const char *base, size_t blen, const char *ours,
	size_t olen, const char *theirs, size_t tlen, struct ew_buf *out,
	struct ew_err *e);

/* 1 when buf starts with the header of an alert log. */
int ew_is_alert_log(const char *buf, size_t len);

#endif
