/*
 * history.h - the audit trail: what each commit did, and the story of
 * one record field by field.
 *
 * A record's history is read from git's objects along the path of its
 * shard: a commit whose shard has the same blob as its parent's did not
 * touch the record, so only the commits that changed that shard are read.
 */
#ifndef EW_HISTORY_H
#define EW_HISTORY_H

#include <git2.h>
#include <time.h>

#include "repo.h"

/* Who made a commit and why. */
struct ew_hcommit {
	git_oid id;
	time_t when;       /* the author's time */
	char *author;      /* the author's name */
	char *email;
	char *action;      /* Ew-Action; else "merge" or "hand-edit" */
	char *subject;     /* the first line of the message */
	int parents;
};

/* Fills h from commit c. Free with ew_hcommit_free. */
void ew_hcommit_read(git_commit *c, struct ew_hcommit *h);
void ew_hcommit_free(struct ew_hcommit *h);

/* One field of a record changed by a commit. */
struct ew_hfield {
	size_t col;
	char *old, *now;
};

/* One commit that added or changed a record. */
struct ew_hentry {
	struct ew_hcommit c;
	int added;              /* the commit added the record */
	struct ew_hfield *f;    /* the fields it changed (none when added) */
	size_t nf;
	struct ew_record *rec;  /* the record after the commit (NULL when
	                           its row does not parse there) */
	char *problem;          /* then what is wrong with it */
	int confidential;       /* the record is confidential after the
	                           commit or in a version it was compared with */
};

struct ew_hist {
	char *id;               /* the record's full id */
	struct ew_hentry *v;    /* oldest first */
	size_t n;
	int confidential;       /* the record is confidential in HEAD (its
	                           latest readable version there) */
};

/*
 * The history of the record whose id is or starts with id (any case), as
 * HEAD's history has it: every commit that added it or changed a field
 * (updated_at aside). A change that came in through a merge is
 * attributed to the commit that made it; a merge shows only the fields
 * whose value it has from neither parent. Free with ew_hist_free.
 */
int ew_record_history(struct ew_repo *r, const char *id, struct ew_hist *h,
	struct ew_err *e);
void ew_hist_free(struct ew_hist *h);

/*
 * The records commit c touched, compared with its first parent (with
 * everything, for a first commit): ids of shard rows that were added,
 * changed or removed, sorted. *alerts is set when alerts.csv changed.
 */
int ew_commit_touched(struct ew_repo *r, git_commit *c, struct ew_strv *ids,
	int *alerts, struct ew_err *e);

/*
 * The ids of the records that are confidential now (in the shards of the
 * work tree, which are HEAD's), sorted, pushed onto ids: ew list --at
 * leaves them out of the past too. A row that holds the word and does
 * not parse is an error.
 */
int ew_confidential_ids(struct ew_repo *r, struct ew_strv *ids,
	struct ew_err *e);

/* 1 when path is a file of records: a shard or alerts.csv. */
int ew_is_record_file(const char *path);

#endif
