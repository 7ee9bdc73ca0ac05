/*
 * sync.h - merging two commits of a data repository: records by id
 * across every shard, alerts.csv as a log, other files with git's text
 * merge.
 */
#ifndef EW_SYNC_H
#define EW_SYNC_H

#include <git2.h>

#include "merge.h"
#include "repo.h"

struct ew_cmerge {
	struct ew_change *ch;   /* what to change in ours' files (data owned) */
	size_t n;
	struct ew_merge rec;    /* the records: conflicts, received, sent */
	char *conflict;         /* a file whose text merge failed, or NULL */
	git_oid base;           /* the merge base (zero: none) */
};

enum {
	/* only the record merge (no file changes): for listing conflicts */
	EW_CMERGE_RECORDS = 1,
	/* the changes are theirs' files as they are (a fast-forward) */
	EW_CMERGE_THEIRS = 2,
};

/*
 * Merges commit theirs into commit ours, from their merge base (none:
 * from nothing). On a text conflict m->conflict names the file and there
 * are no changes. Free with ew_cmerge_free.
 */
int ew_merge_commits(struct ew_repo *r, const git_oid *ours,
	const git_oid *theirs, int flags, struct ew_cmerge *m,
	struct ew_err *e);
void ew_cmerge_free(struct ew_cmerge *m);

/* A conflict of a merge in the history that no later commit settled. */
struct ew_open_conflict {
	struct ew_conflict c;   /* owned */
	git_oid merge;          /* the merge commit */
	git_time_t when;        /* its commit time */
};

struct ew_conflicts {
	struct ew_open_conflict *v;
	size_t n;
};

/*
 * The conflicts of the merges in HEAD's history, oldest merge first, less
 * those a later commit settled (an "Ew-Settled: ID" trailer in a commit
 * that has the merge in its history settles every conflict of record ID
 * in that merge). ew sync's merges say in their message whether they had
 * conflicts ("Ew-Conflicts: N"); any other merge is merged again to see.
 */
int ew_conflicts_list(struct ew_repo *r, struct ew_conflicts *out,
	struct ew_err *e);
void ew_conflicts_free(struct ew_conflicts *c);

#endif
