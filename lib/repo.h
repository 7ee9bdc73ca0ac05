/*
 * repo.h - the data repository: finding it, reading it, and changing it
 * with one commit per command.
 *
 * Writers take an exclusive lock (.git/ew.lock) with ew_repo_lock and hold
 * it from reading HEAD to moving it. A commit writes each changed file by
 * temporary file, fsync and rename, stages it, and moves HEAD; if any step
 * fails the files and index are put back as they were.
 */
#ifndef EW_REPO_H
#define EW_REPO_H

#include <git2.h>

#include "err.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

struct ew_repo {
	git_repository *git;
	char *root;        /* the work tree, ending in '/' */
	struct ew_schema schema;
	struct ew_places places;
	struct ew_taxonomy tax;
	int lockfd;
};

enum {
	EW_OPEN_CATALOGS = 1, /* load places.csv and categories.csv */
};

/* Starts libgit2 with fsync of what it writes in the git directory;
 * balanced by ew_repo_close (or git_libgit2_shutdown). */
void ew_git_start(void);

/*
 * Finds the repository (dir, else $EW_DIR, else the current directory and
 * its parents) and opens it. Free with ew_repo_close.
 */
int ew_repo_open(struct ew_repo *r, const char *dir, int flags,
	struct ew_err *e);
void ew_repo_close(struct ew_repo *r);

/*
 * Takes the writer's lock, waiting up to $EW_LOCK_TIMEOUT seconds
 * (default 60). Released by ew_repo_close. A commit that a killed writer
 * left half done is then put back as HEAD has it (see ew_repo_commit).
 */
int ew_repo_lock(struct ew_repo *r, struct ew_err *e);
/* Releases the writer's lock early. */
void ew_repo_unlock(struct ew_repo *r);
/*
 * Takes another lock, .git/NAME, into *fd the same way (closing *fd
 * releases it); holder says who has it when the wait times out.
 */
int ew_repo_flock(struct ew_repo *r, const char *name, const char *holder,
	int *fd, struct ew_err *e);
/*
 * The name of the author a commit would have (author as for
 * ew_repo_commit). The caller frees *name.
 */
int ew_repo_who(struct ew_repo *r, const char *author, char **name,
	struct ew_err *e);

/*
 * Reads path as it is in HEAD into *buf (caller frees). A path that HEAD
 * does not have gives *buf = NULL and 0.
 */
int ew_repo_read_head(struct ew_repo *r, const char *path, char **buf,
	size_t *len, struct ew_err *e);

/*
 * The same, for a program about to write a new version of path: the bytes
 * come from the work-tree file when the index vouches by the file's stat
 * data that it is HEAD's (as git's own status trusts it), which spares
 * inflating and hashing the blob; else from the blob.
 */
int ew_repo_read_committed(struct ew_repo *r, const char *path, char **buf,
	size_t *len, struct ew_err *e);

/* The same for path as it is in the commit at (NULL: HEAD). */
int ew_repo_read_at(struct ew_repo *r, const git_oid *at, const char *path,
	char **buf, size_t *len, struct ew_err *e);

/* The shard paths in HEAD (reports/YYYY/MM.csv), sorted. */
int ew_repo_head_shards(struct ew_repo *r, struct ew_strv *out,
	struct ew_err *e);

/*
 * The shard files in the work tree between the months of since and until
 * (YYYY-MM-DD, either may be NULL), sorted, as paths relative to the root.
 */
int ew_repo_tree_shards(struct ew_repo *r, const char *since,
	const char *until, struct ew_strv *out, struct ew_err *e);

/*
 * Reads the records of the work tree's shards between the months of since
 * and until (either may be NULL), in shard order, handing each to each
 * (which takes it). Stops at the first error, its own or each's.
 */
int ew_repo_each_record(struct ew_repo *r, const char *since,
	const char *until,
	int (*each)(struct ew_record *rec, void *ctx, struct ew_err *e),
	void *ctx, struct ew_err *e);

/*
 * The same for the records of commit at, read from git's objects (the
 * work tree is not read).
 */
int ew_repo_each_record_at(struct ew_repo *r, const git_oid *at,
	const char *since, const char *until,
	int (*each)(struct ew_record *rec, void *ctx, struct ew_err *e),
	void *ctx, struct ew_err *e);
/*
 * The commit spec names: a date (YYYY-MM-DD: the end of that day, UTC)
 * or a time (YYYY-MM-DDThh:mm:ssZ) gives the newest commit on HEAD's
 * first-parent line made by then, that is what this repository held at
 * that moment; anything else is a git revision (HEAD~3, a commit id, a
 * tag).
 */
int ew_repo_resolve_at(struct ew_repo *r, const char *spec, git_oid *out,
	struct ew_err *e);

/*
 * A walk over HEAD's history in topological order (a commit before its
 * parents, or with oldest_first after them), then by time.
 */
int ew_repo_walk(struct ew_repo *r, int oldest_first, git_revwalk **walk,
	struct ew_err *e);

/* 1 when path is a shard's path, reports/YYYY/MM.csv. */
int ew_is_shard_path(const char *path);
/*
 * Replaces the file at path with data: a temporary file beside it
 * (PATH.ew-tmp-PID), fsync, rename, fsync of the directory; executable:
 * with the executable bits (as the umask allows).
 */
int ew_write_atomic(const char *path, const char *data, size_t len,
	int executable, struct ew_err *e);
/* "reports/YYYY/MM.csv" for an event date; the caller frees it. */
char *ew_shard_path(const char *event_date);

/* One file a commit changes: new contents, or data == NULL to remove it. */
struct ew_change {
	const char *path;
	const char *data;
	size_t len;
	int executable; /* the file gets the executable bits */
};

/*
 * Writes the changes and commits them on HEAD with message msg, signed
 * when the setting sign.key says so (see sign.h). The paths
 * are listed in .git/ew-journal until the files, the index and HEAD agree
 * again, so that the next writer can repair them after a crash. author is
 * "Name <email>" or "Name" (NULL: $EW_AUTHOR, then git's user.name and
 * user.email). The new commit's id goes to out (41 bytes) when not NULL.
 */
int ew_repo_commit(struct ew_repo *r, const struct ew_change *ch, size_t n,
	const char *msg, const char *author, char *out, struct ew_err *e);

/*
 * Like ew_repo_commit, for a merge: the commit's parents are HEAD and
 * theirs.
 */
int ew_repo_commit_merge(struct ew_repo *r, const struct ew_change *ch,
	size_t n, const char *msg, const char *author, const git_oid *theirs,
	char *out, struct ew_err *e);
/*
 * Writes the changes and moves HEAD to the existing commit to, whose tree
 * they must make (a fast-forward).
 */
int ew_repo_fast_forward(struct ew_repo *r, const struct ew_change *ch,
	size_t n, const git_oid *to, struct ew_err *e);
/*
 * Creates a new repository in dir from the files in sharedir; with
 * sign_key, its ew.conf has [sign] key = sign_key and every commit,
 * the first one too, is signed with it.
 */
int ew_repo_init(const char *dir, const char *sharedir, const char *author,
	const char *sign_key, struct ew_err *e);

/*
 * A setting from the repository's .git/config, else from ew.conf (which
 * comes from whoever can push, so a copy can refuse it by setting the
 * boolean shared_switch, when not NULL, to false in .git/config). *val
 * is NULL when neither has it; the caller frees it.
 */
int ew_repo_setting(struct ew_repo *r, const char *key,
	const char *shared_switch, char **val, struct ew_err *e);
/* The same; *from_shared says whether the value came from ew.conf. */
int ew_repo_setting_from(struct ew_repo *r, const char *key,
	const char *shared_switch, char **val, int *from_shared,
	struct ew_err *e);
/* The directory of the running program (else the built-in one). */
char *ew_bindir(void);
/*
 * Registers ew-merge (beside the running program) as the merge driver
 * "ew" in the repository's .git/config, for .gitattributes' merge=ew.
 */
int ew_register_driver(git_repository *git, struct ew_err *e);
/* Where the share files are: $EW_SHAREDIR, beside the program, or built in. */
const char *ew_sharedir(void);

/* Reports a libgit2 failure: "what: libgit2's message". */
int ew_git_err(struct ew_err *e, const char *what);

#endif
