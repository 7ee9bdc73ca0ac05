/* repo.c - see repo.h */
#include "repo.h"
#include "sign.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"
#include "input.h"

#ifndef SHAREDIR
#define SHAREDIR "/usr/local/share/ew"
#endif

int
ew_git_err(struct ew_err *e, const char *what)
{
	const git_error *g = git_error_last();
	return ew_errf(e, "%s: %s", what, g && g->message ? g->message : _("unknown libgit2 error"));
}

static int
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int
config_lookup(git_config *cfg, const char *key, char **out)
{
	git_buf b = {0};

	if (git_config_get_string_buf(&b, cfg, key) < 0)
		return 0;
	*out = ew_xstrdup(b.ptr);
	git_buf_dispose(&b);
	return 1;
}

int
ew_repo_setting(struct ew_repo *r, const char *key, const char *shared_switch,
	char **val, struct ew_err *e)
{
	return ew_repo_setting_from(r, key, shared_switch, val, NULL, e);
}

/* ew_repo_setting_from for the repository git with its work tree root. */
static int
setting_from(git_repository *git, const char *root, const char *key,
	const char *shared_switch, char **val, int *from_shared,
	struct ew_err *e)
{
	git_config *all = NULL, *local = NULL, *conf = NULL;
	char *path = ew_xasprintf("%sew.conf", root);
	int rc = 0, shared = 1;

	*val = NULL;
	if (from_shared)
		*from_shared = 0;
	if (git_repository_config(&all, git) == 0 &&
	    git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL) == 0) {
		config_lookup(local, key, val);
		if (shared_switch && git_config_get_bool(&shared, local, shared_switch) < 0)
			shared = 1;
	}
	if (!*val && shared && access(path, F_OK) == 0) {
		if (git_config_open_ondisk(&conf, path) < 0)
			rc = ew_git_err(e, "ew.conf");
		else if (config_lookup(conf, key, val) && from_shared)
			*from_shared = 1;
	}
	git_config_free(conf);
	git_config_free(local);
	git_config_free(all);
	free(path);
	return rc;
}

int
ew_repo_setting_from(struct ew_repo *r, const char *key,
	const char *shared_switch, char **val, int *from_shared,
	struct ew_err *e)
{
	return setting_from(r->git, r->root, key, shared_switch, val,
		from_shared, e);
}

/* How the repository's commits are signed: sign.key and sign.format. */
static int
load_signer(git_repository *git, struct ew_signer *s, struct ew_err *e)
{
	const char *root = git_repository_workdir(git);
	char *key = NULL, *format = NULL;
	int rc = -1;

	memset(s, 0, sizeof *s);
	if (!root)
		return 0;
	if (setting_from(git, root, "sign.key", NULL, &key, NULL, e) == 0 &&
	    setting_from(git, root, "sign.format", NULL, &format, NULL, e) == 0)
		rc = ew_signer_setup(s, key, format, root, e);
	free(key);
	free(format);
	return rc;
}

char *
ew_bindir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return ew_xstrdup(BINDIR);
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	return ew_xstrdup(exe);
}

int
ew_register_driver(git_repository *git, struct ew_err *e)
{
	git_config *cfg = NULL, *local = NULL;
	char *dir = ew_bindir();
	struct ew_buf cmd = {0};
	int rc = 0;

	/* sh -c runs it: the program's path goes in single quotes */
	ew_buf_addc(&cmd, '\'');
	for (const char *p = dir; *p; p++) {
		if (*p == '\'')
			ew_buf_adds(&cmd, "'\\''");
		else
			ew_buf_addc(&cmd, *p);
	}
	ew_buf_adds(&cmd, "/ew-merge' --driver %O %A %B %P");
	if (git_repository_config(&cfg, git) < 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0 ||
	    git_config_set_string(local, "merge.ew.name", "ew: records merged by id, field by field") < 0 ||
	    git_config_set_string(local, "merge.ew.driver", cmd.s) < 0)
		rc = ew_git_err(e, _("cannot register the ew merge driver in .git/config"));
	git_config_free(local);
	git_config_free(cfg);
	ew_buf_free(&cmd);
	free(dir);
	return rc;
}

const char *
ew_sharedir(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("EW_SHAREDIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	if (*found)
		return found;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			char *cand = ew_xasprintf("%s/../share/ew", exe);
			char *probe = ew_xasprintf("%s/places.csv", cand);
			int ok = exists(probe) && strlen(cand) < sizeof found;
			if (ok)
				memcpy(found, cand, strlen(cand) + 1);
			free(probe);
			free(cand);
			if (ok)
				return found;
		}
	}
	return SHAREDIR;
}

/* The directory that holds ew.conf and .git, searching upwards. */
static char *
find_root(const char *dir, struct ew_err *e)
{
	char cwd[PATH_MAX];
	const char *start = dir ? dir : getenv("EW_DIR");

	if (start && *start) {
		char *p = realpath(start, NULL);
		if (!p)
			return ew_errf(e, "cannot use repository '%s': %s", start, strerror(errno)), NULL;
		char *conf = ew_xasprintf("%s/ew.conf", p);
		int ok = exists(conf);
		free(conf);
		if (!ok) {
			ew_errf(e, "'%s' is not an ew repository (no ew.conf); run 'ew init' to create one", p);
			free(p);
			return NULL;
		}
		return p;
	}
	if (!getcwd(cwd, sizeof cwd))
		return ew_errf(e, "cannot find the current directory: %s", strerror(errno)), NULL;
	char *d = ew_xstrdup(cwd);
	for (;;) {
		char *conf = ew_xasprintf("%s/ew.conf", d);
		char *git = ew_xasprintf("%s/.git", d);
		int ok = exists(conf) && exists(git);
		free(conf);
		free(git);
		if (ok)
			return d;
		char *slash = strrchr(d, '/');
		if (!slash || slash == d) {
			free(d);
			ew_errf(e, "'%s' is not an ew repository (no ew.conf); run 'ew init' to create one", cwd);
			return NULL;
		}
		*slash = '\0';
	}
}

static int
load_schema(struct ew_repo *r, struct ew_err *e)
{
	git_config *cfg = NULL;
	git_buf extra = {0};
	char *path = ew_xasprintf("%sew.conf", r->root);
	int rc;

	if (git_config_open_ondisk(&cfg, path) < 0) {
		rc = ew_git_err(e, _("cannot read ew.conf"));
		goto out;
	}
	rc = git_config_get_string_buf(&extra, cfg, "record.extra-columns");
	if (rc == GIT_ENOTFOUND) {
		rc = ew_schema_init(&r->schema, NULL, e);
	} else if (rc < 0) {
		rc = ew_git_err(e, "ew.conf");
	} else {
		rc = ew_schema_init(&r->schema, extra.ptr, e);
	}
out:
	git_buf_dispose(&extra);
	git_config_free(cfg);
	free(path);
	return rc;
}

void
ew_git_start(void)
{
	git_libgit2_init();
	/* objects, refs and the index reach the disk before a command
	 * reports success: a crash after "ok" loses nothing */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

int
ew_repo_open(struct ew_repo *r, const char *dir, int flags, struct ew_err *e)
{
	memset(r, 0, sizeof *r);
	r->lockfd = -1;
	ew_git_start();

	char *root = find_root(dir, e);
	if (!root)
		return -1;
	r->root = ew_xasprintf("%s/", root);
	free(root);
	if (git_repository_open_ext(&r->git, r->root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		ew_git_err(e, _("cannot open the git repository"));
		ew_repo_close(r);
		return -1;
	}
	if (load_schema(r, e) < 0) {
		ew_repo_close(r);
		return -1;
	}
	if (flags & EW_OPEN_CATALOGS) {
		char *pp = ew_xasprintf("%splaces.csv", r->root);
		char *cp = ew_xasprintf("%scategories.csv", r->root);
		int rc = ew_places_load(&r->places, pp, e);
		if (rc == 0)
			rc = ew_taxonomy_load(&r->tax, cp, e);
		free(pp);
		free(cp);
		if (rc < 0) {
			ew_repo_close(r);
			return -1;
		}
	}
	return 0;
}

void
ew_repo_close(struct ew_repo *r)
{
	if (r->lockfd >= 0)
		close(r->lockfd); /* releases the flock */
	r->lockfd = -1;
	git_repository_free(r->git);
	r->git = NULL;
	ew_schema_free(&r->schema);
	ew_places_free(&r->places);
	ew_taxonomy_free(&r->tax);
	free(r->root);
	r->root = NULL;
	git_libgit2_shutdown();
}

int
ew_repo_flock(struct ew_repo *r, const char *name, const char *holder, int *fd,
	struct ew_err *e)
{
	const char *env = getenv("EW_LOCK_TIMEOUT");
	long timeout = 60;
	char *path = ew_xasprintf("%s%s", git_repository_path(r->git), name);

	if (env && *env && !ew_parse_int(env, 0, 86400, &timeout)) {
		free(path);
		return ew_errf(e, "invalid EW_LOCK_TIMEOUT '%s' (expected seconds)", env);
	}
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0) {
		ew_errf(e, "cannot open lock file '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	struct timespec nap = {0, 20 * 1000 * 1000};
	int rc = 0;
	for (long waited = 0;; waited += 20) {
		if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = ew_errf(e, "cannot lock '%s': %s", path, strerror(errno));
			break;
		}
		if (waited >= timeout * 1000) {
			rc = ew_errf(e, "%s (waited %ld s for '%s'); try again later, or raise EW_LOCK_TIMEOUT", holder, timeout, path);
			break;
		}
		nanosleep(&nap, NULL);
	}
	free(path);
	if (rc < 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

static int recover(struct ew_repo *r, struct ew_err *e);

int
ew_repo_lock(struct ew_repo *r, struct ew_err *e)
{
	if (r->lockfd >= 0)
		return 0;
	if (ew_repo_flock(r, "ew.lock",
		_("repository is locked by another ew process"), &r->lockfd, e) < 0)
		return -1;
	if (recover(r, e) < 0) {
		ew_repo_unlock(r);
		return -1;
	}
	return 0;
}

void
ew_repo_unlock(struct ew_repo *r)
{
	if (r->lockfd >= 0)
		close(r->lockfd);
	r->lockfd = -1;
}

static int
head_tree(struct ew_repo *r, git_tree **tree, struct ew_err *e)
{
	git_object *obj = NULL;

	if (git_revparse_single(&obj, r->git, "HEAD^{tree}") < 0)
		return ew_git_err(e, _("cannot read HEAD"));
	*tree = (git_tree *)obj;
	return 0;
}

int
ew_repo_read_head(struct ew_repo *r, const char *path, char **buf, size_t *len,
	struct ew_err *e)
{
	return ew_repo_read_at(r, NULL, path, buf, len, e);
}

int
ew_repo_read_at(struct ew_repo *r, const git_oid *at, const char *path,
	char **buf, size_t *len, struct ew_err *e)
{
	git_tree *tree = NULL;
	git_tree_entry *ent = NULL;
	git_blob *blob = NULL;
	int rc;

	*buf = NULL;
	*len = 0;
	if (!at && head_tree(r, &tree, e) < 0)
		return -1;
	if (at) {
		git_commit *c = NULL;
		rc = git_commit_lookup(&c, r->git, at);
		if (rc == 0)
			rc = git_commit_tree(&tree, c);
		git_commit_free(c);
		if (rc < 0)
			return ew_git_err(e, _("cannot read the commit"));
	}
	rc = git_tree_entry_bypath(&ent, tree, path);
	if (rc == GIT_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc < 0 || git_blob_lookup(&blob, r->git, git_tree_entry_id(ent)) < 0) {
		rc = ew_git_err(e, path);
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*buf = ew_xstrndup(git_blob_rawcontent(blob), *len);
	rc = 0;
out:
	git_blob_free(blob);
	git_tree_entry_free(ent);
	git_tree_free(tree);
	return rc;
}

static int
is_year(const char *s)
{
	return strlen(s) == 4 && ew_parse_int(s, 1900, 9999, NULL);
}

static int
is_month_file(const char *s)
{
	return strlen(s) == 6 && strcmp(s + 2, ".csv") == 0 && s[0] >= '0' &&
	       s[0] <= '1' && s[1] >= '0' && s[1] <= '9';
}


/* 1 when the shard path's month is outside since..until (either NULL). */
static int
outside(const char *path, const char *since, const char *until)
{
	/* "YYYY-MM" of reports/YYYY/MM.csv against the bounds' months */
	char ym[8] = {0};
	memcpy(ym, path + 8, 4);
	ym[4] = '-';
	memcpy(ym + 5, path + 13, 2);
	return (since && strncmp(ym, since, 7) < 0) || (until && strncmp(ym, until, 7) > 0);
}

/* The shard paths in tree between the months of since and until, sorted. */
static int
tree_shards(struct ew_repo *r, git_tree *tree, const char *since,
	const char *until, struct ew_strv *out, struct ew_err *e)
{
	git_tree *reports = NULL, *year = NULL;
	git_tree_entry *ent = NULL;
	int rc = 0;

	if (git_tree_entry_bypath(&ent, tree, "reports") == GIT_ENOTFOUND)
		goto out;
	if (!ent || git_tree_lookup(&reports, r->git, git_tree_entry_id(ent)) < 0) {
		rc = ew_git_err(e, "reports");
		goto out;
	}
	for (size_t i = 0; i < git_tree_entrycount(reports); i++) {
		const git_tree_entry *y = git_tree_entry_byindex(reports, i);
		if (git_tree_entry_type(y) != GIT_OBJECT_TREE || !is_year(git_tree_entry_name(y)))
			continue;
		if (git_tree_lookup(&year, r->git, git_tree_entry_id(y)) < 0) {
			rc = ew_git_err(e, "reports");
			goto out;
		}
		for (size_t j = 0; j < git_tree_entrycount(year); j++) {
			const git_tree_entry *m = git_tree_entry_byindex(year, j);
			if (git_tree_entry_type(m) != GIT_OBJECT_BLOB ||
			    !is_month_file(git_tree_entry_name(m)))
				continue;
			char *path = ew_xasprintf("reports/%s/%s",
				git_tree_entry_name(y), git_tree_entry_name(m));
			if (outside(path, since, until))
				free(path);
			else
				ew_strv_push(out, path);
		}
		git_tree_free(year);
		year = NULL;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, ew_str_cmp);
out:
	git_tree_free(year);
	git_tree_free(reports);
	git_tree_entry_free(ent);
	return rc;
}

int
ew_repo_head_shards(struct ew_repo *r, struct ew_strv *out, struct ew_err *e)
{
	git_tree *tree = NULL;

	if (head_tree(r, &tree, e) < 0)
		return -1;
	int rc = tree_shards(r, tree, NULL, NULL, out, e);
	git_tree_free(tree);
	return rc;
}

/* Sorted names in dir that pass keep(). */
static int
list_dir(const char *dir, int (*keep)(const char *), struct ew_strv *out,
	struct ew_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return ew_errf(e, "cannot read '%s': %s", dir, strerror(errno));
	}
	while ((de = readdir(d)))
		if (keep(de->d_name))
			ew_strv_push(out, ew_xstrdup(de->d_name));
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, ew_str_cmp);
	return 0;
}

int
ew_repo_tree_shards(struct ew_repo *r, const char *since, const char *until,
	struct ew_strv *out, struct ew_err *e)
{
	struct ew_strv years = {0};
	char *dir = ew_xasprintf("%sreports", r->root);
	int rc = list_dir(dir, is_year, &years, e);

	for (size_t i = 0; rc == 0 && i < years.n; i++) {
		struct ew_strv months = {0};
		char *ydir = ew_xasprintf("%s/%s", dir, years.v[i]);
		rc = list_dir(ydir, is_month_file, &months, e);
		for (size_t j = 0; rc == 0 && j < months.n; j++) {
			char *path = ew_xasprintf("reports/%s/%s", years.v[i], months.v[j]);
			if (outside(path, since, until))
				free(path);
			else
				ew_strv_push(out, path);
		}
		ew_strv_free(&months);
		free(ydir);
	}
	ew_strv_free(&years);
	free(dir);
	return rc;
}

/* Reads the records of one shard from fp, handing each to each. */
static int
each_in(struct ew_repo *r, FILE *fp, const char *name,
	int (*each)(struct ew_record *rec, void *ctx, struct ew_err *e),
	void *ctx, struct ew_err *e)
{
	struct ew_input *in = ew_input_open_file(fp, name, &r->schema);
	struct ew_record *rec;
	int got;

	while ((got = ew_input_next(in, &rec, e)) > 0)
		if (each(rec, ctx, e) < 0) {
			got = -1;
			break;
		}
	ew_input_close(in);
	return got < 0 ? -1 : 0;
}

int
ew_repo_each_record(struct ew_repo *r, const char *since, const char *until,
	int (*each)(struct ew_record *rec, void *ctx, struct ew_err *e),
	void *ctx, struct ew_err *e)
{
	struct ew_strv shards = {0};
	int rc = ew_repo_tree_shards(r, since, until, &shards, e);

	for (size_t i = 0; rc >= 0 && i < shards.n; i++) {
		char *path = ew_xasprintf("%s%s", r->root, shards.v[i]);
		FILE *fp = fopen(path, "r");
		if (!fp) {
			rc = ew_errf(e, "cannot read '%s': %s", shards.v[i], strerror(errno));
		} else {
			rc = each_in(r, fp, shards.v[i], each, ctx, e);
			fclose(fp);
		}
		free(path);
	}
	ew_strv_free(&shards);
	return rc;
}

int
ew_repo_each_record_at(struct ew_repo *r, const git_oid *at,
	const char *since, const char *until,
	int (*each)(struct ew_record *rec, void *ctx, struct ew_err *e),
	void *ctx, struct ew_err *e)
{
	struct ew_strv shards = {0};
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = -1;

	git_oid_tostr(hex, sizeof hex, at);
	if (git_commit_lookup(&commit, r->git, at) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		ew_git_err(e, hex);
		goto out;
	}
	if (tree_shards(r, tree, since, until, &shards, e) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; rc >= 0 && i < shards.n; i++) {
		git_tree_entry *ent = NULL;
		git_blob *blob = NULL;
		char *name = ew_xasprintf("%.12s:%s", hex, shards.v[i]);
		if (git_tree_entry_bypath(&ent, tree, shards.v[i]) < 0 ||
		    git_blob_lookup(&blob, r->git, git_tree_entry_id(ent)) < 0) {
			rc = ew_git_err(e, name);
		} else if (git_blob_rawsize(blob) > 0) {
			FILE *fp = fmemopen((void *)git_blob_rawcontent(blob),
				(size_t)git_blob_rawsize(blob), "r");
			if (!fp) {
				rc = ew_errf(e, "%s: %s", name, strerror(errno));
			} else {
				rc = each_in(r, fp, name, each, ctx, e);
				fclose(fp);
			}
		}
		git_blob_free(blob);
		git_tree_entry_free(ent);
		free(name);
	}
out:
	ew_strv_free(&shards);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int
ew_repo_resolve_at(struct ew_repo *r, const char *spec, git_oid *out,
	struct ew_err *e)
{
	long day;
	time_t t;

	int is_day = ew_date_parse(spec, &day) == 0;
	if (is_day || ew_time_parse(spec, &t) == 0) {
		/* the newest commit of HEAD's own line made by then */
		time_t end = is_day ? (time_t)(day + 1) * 86400 - 1 : t;
		git_commit *c = NULL;
		git_oid head;
		if (git_reference_name_to_id(&head, r->git, "HEAD") < 0 ||
		    git_commit_lookup(&c, r->git, &head) < 0)
			return ew_git_err(e, _("cannot read HEAD"));
		while (c && (time_t)git_commit_time(c) > end) {
			git_commit *p = NULL;
			if (git_commit_parentcount(c) == 0) {
				git_commit_free(c);
				return ew_errf(e, "the repository has no commit made by %s (its first commit is later)", spec);
			}
			if (git_commit_parent(&p, c, 0) < 0) {
				git_commit_free(c);
				return ew_git_err(e, _("cannot read the history"));
			}
			git_commit_free(c);
			c = p;
		}
		git_oid_cpy(out, git_commit_id(c));
		git_commit_free(c);
		return 0;
	}
	git_object *obj = NULL, *peeled = NULL;
	if (git_revparse_single(&obj, r->git, spec) < 0)
		return ew_errf(e, "'%s' is neither a date (YYYY-MM-DD, or a time YYYY-MM-DDThh:mm:ssZ) nor a commit of this repository", spec);
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		return ew_errf(e, "'%s' does not name a commit", spec);
	}
	git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	return 0;
}

int
ew_repo_walk(struct ew_repo *r, int oldest_first, git_revwalk **walk,
	struct ew_err *e)
{
	*walk = NULL;
	if (git_revwalk_new(walk, r->git) < 0 ||
	    git_revwalk_sorting(*walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME |
		(oldest_first ? GIT_SORT_REVERSE : 0)) < 0 ||
	    git_revwalk_push_head(*walk) < 0) {
		git_revwalk_free(*walk);
		*walk = NULL;
		return ew_git_err(e, _("cannot walk the history"));
	}
	return 0;
}

int
ew_is_shard_path(const char *path)
{
	char year[5];

	if (strncmp(path, "reports/", 8) != 0 || strlen(path) != 19 || path[12] != '/')
		return 0;
	memcpy(year, path + 8, 4);
	year[4] = '\0';
	return is_year(year) && is_month_file(path + 13);
}

char *
ew_shard_path(const char *d)
{
	return ew_xasprintf("reports/%.4s/%.2s.csv", d, d + 5);
}

static int fsync_dir_of(const char *file);

/*
 * mkdir -p for the directories of a file path below root; a directory it
 * makes is synced into its parent, so the file's path survives a crash.
 */
static int
make_parents(const char *root, const char *path, struct ew_err *e)
{
	char *full = ew_xasprintf("%s%s", root, path);
	size_t rootlen = strlen(root);

	for (char *p = full + rootlen; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int made = mkdir(full, 0777) == 0;
		if (!made && errno != EEXIST) {
			ew_errf(e, "cannot create directory '%s': %s", full, strerror(errno));
			free(full);
			return -1;
		}
		if (made && fsync_dir_of(full) < 0) {
			ew_errf(e, "cannot sync the directory of '%s': %s", full, strerror(errno));
			free(full);
			return -1;
		}
		*p = '/';
	}
	free(full);
	return 0;
}

static int
fsync_dir_of(const char *file)
{
	char *dir = ew_xstrdup(file);
	char *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash)
		*slash = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

/* fsync of the file at path, then of its directory. */
static int
sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 || fsync(fd) < 0 ? -1 : 0;
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
	return rc < 0 ? -1 : fsync_dir_of(path);
}

int
ew_write_atomic(const char *full, const char *data, size_t len, int executable,
	struct ew_err *e)
{
	char *tmp = ew_xasprintf("%s.ew-tmp-%ld", full, (long)getpid());
	int fd = -1, rc = -1;

	unlink(tmp); /* a leftover of a killed run with this pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, executable ? 0777 : 0666);
	if (fd < 0) {
		ew_errf(e, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			ew_errf(e, "cannot write '%s': %s", tmp, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		ew_errf(e, "cannot sync '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ew_errf(e, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, full) < 0) {
		ew_errf(e, "cannot rename '%s' to '%s': %s", tmp, full, strerror(errno));
		goto out;
	}
	if (fsync_dir_of(full) < 0) {
		ew_errf(e, "cannot sync the directory of '%s': %s", full, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Writes data to root/path, making its directories (ew_write_atomic). */
static int
write_file(const char *root, const char *path, const char *data, size_t len,
	int executable, struct ew_err *e)
{
	char *full = ew_xasprintf("%s%s", root, path);
	int rc = make_parents(root, path, e);

	if (rc == 0)
		rc = ew_write_atomic(full, data, len, executable, e);
	free(full);
	return rc;
}

static int
write_atomic(const char *root, const char *path, const char *data, size_t len,
	struct ew_err *e)
{
	return write_file(root, path, data, len, 0, e);
}

static int
remove_file(const char *root, const char *path, struct ew_err *e)
{
	char *full = ew_xasprintf("%s%s", root, path);
	int rc = 0;

	if (unlink(full) < 0 && errno != ENOENT)
		rc = ew_errf(e, "cannot remove '%s': %s", full, strerror(errno));
	else
		fsync_dir_of(full);
	/* drop the year directory when it became empty */
	char *slash = strrchr(full, '/');
	if (slash) {
		*slash = '\0';
		rmdir(full);
	}
	free(full);
	return rc;
}

/*
 * libgit2 will not make a signature without an email, which git allows
 * ("Name <>"); such a signature carries this stand-in until the commit's
 * text is written, where it becomes empty again.
 */
#define NO_EMAIL "ew-no-email.invalid"

/* Parses "Name <email>" or "Name" into a signature at time t. */
static int
make_sig(git_signature **sig, const char *who, time_t t, struct ew_err *e)
{
	const char *lt = strchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	char *name, *email;

	if (lt && gt && gt[1] == '\0') {
		const char *end = lt;
		while (end > who && end[-1] == ' ')
			end--;
		name = ew_xstrndup(who, (size_t)(end - who));
		email = ew_xstrndup(lt + 1, (size_t)(gt - lt - 1));
	} else if (!lt && !strchr(who, '>')) {
		name = ew_xstrdup(who);
		email = ew_xstrdup("");
	} else {
		return ew_errf(e, "invalid author '%s' (expected 'Name <email>' or 'Name')", who);
	}
	if (!*email) {
		free(email);
		email = ew_xstrdup(NO_EMAIL);
	}
	int rc = 0;
	if (!*name || strchr(name, '\n') || strchr(email, '<') || strchr(email, '\n'))
		rc = ew_errf(e, "invalid author '%s' (expected 'Name <email>' or 'Name')", who);
	else if (git_signature_new(sig, name, email, (git_time_t)t, 0) < 0)
		rc = ew_git_err(e, _("invalid author"));
	free(name);
	free(email);
	return rc;
}

/* git's user.name and user.email, from git (or the user's config). */
static int
default_identity(git_repository *git, git_signature **def)
{
	git_config *cfg = NULL;
	git_buf name = {0}, email = {0};
	int rc;

	if (git)
		return git_signature_default(def, git);
	rc = git_config_open_default(&cfg);
	if (rc == 0)
		rc = git_config_get_string_buf(&name, cfg, "user.name");
	if (rc == 0)
		rc = git_config_get_string_buf(&email, cfg, "user.email");
	if (rc == 0)
		rc = git_signature_now(def, name.ptr, email.ptr);
	git_buf_dispose(&name);
	git_buf_dispose(&email);
	git_config_free(cfg);
	return rc;
}

/* The author and committer of a new commit (git may be NULL). */
static int
signatures(git_repository *git, const char *author, git_signature **a,
	git_signature **c, struct ew_err *e)
{
	git_signature *def = NULL;
	time_t now;

	if (ew_now(&now, e) < 0)
		return -1;
	if (!author || !*author)
		author = getenv("EW_AUTHOR");
	if (default_identity(git, &def) < 0)
		def = NULL;
	if (author && *author) {
		if (make_sig(a, author, now, e) < 0) {
			git_signature_free(def);
			return -1;
		}
	} else if (def) {
		if (git_signature_new(a, def->name, def->email, (git_time_t)now, 0) < 0) {
			git_signature_free(def);
			return ew_git_err(e, _("invalid git identity"));
		}
	} else {
		return ew_errf(e, "no author: pass --author 'Name <email>', set EW_AUTHOR, or set git's user.name and user.email");
	}
	const git_signature *src = def ? def : *a;
	int rc = git_signature_new(c, src->name, src->email, (git_time_t)now, 0);
	git_signature_free(def);
	if (rc < 0) {
		git_signature_free(*a);
		*a = NULL;
		return ew_git_err(e, _("invalid committer"));
	}
	return 0;
}

/*
 * Writes a commit of tree on parent (NULL for the first) and moves the
 * branch HEAD points to, only if it still points at parent.
 */
int
ew_repo_who(struct ew_repo *r, const char *author, char **name,
	struct ew_err *e)
{
	git_signature *a = NULL, *c = NULL;

	if (signatures(r->git, author, &a, &c, e) < 0)
		return -1;
	*name = ew_xstrdup(a->name);
	git_signature_free(a);
	git_signature_free(c);
	return 0;
}

/*
 * Moves the branch HEAD points to (or a detached HEAD) to id, only if it
 * still points at from (NULL: only if it does not exist yet).
 */
static int
move_head(git_repository *git, const git_oid *id, const git_oid *from,
	const char *log, struct ew_err *e)
{
	git_reference *head = NULL, *moved = NULL;
	int rc;

	if (git_reference_lookup(&head, git, "HEAD") < 0)
		return ew_git_err(e, _("cannot read HEAD"));
	const char *branch = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
		? git_reference_symbolic_target(head) : "HEAD";
	if (from)
		rc = git_reference_create_matching(&moved, git, branch, id, 1, from, log);
	else
		rc = git_reference_create(&moved, git, branch, id, 0, log);
	if (rc == GIT_EMODIFIED)
		rc = ew_git_err(e, _("cannot move HEAD (did something else change the repository?)"));
	else if (rc < 0)
		rc = ew_git_err(e, _("cannot move HEAD"));
	git_reference_free(moved);
	git_reference_free(head);
	return rc;
}

/*
 * Writes the commit object (signed when signing is set up) for tree,
 * without moving any branch to it.
 */
static int
write_commit(git_repository *git, const git_signature *a,
	const git_signature *c, const char *msg, git_tree *tree,
	const git_commit **parents, size_t nparents, git_oid *out,
	struct ew_err *e)
{
	git_buf buf = {0};
	git_odb *odb = NULL;
	struct ew_buf text = {0};
	struct ew_signer signer = {0};
	int rc = -1;

	if (git_commit_create_buffer(&buf, git, a, c, NULL, msg, tree,
		nparents, parents) < 0) {
		ew_git_err(e, _("cannot create the commit"));
		goto out;
	}
	/* put back the empty email of a name-only author or committer */
	for (const char *p = buf.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		const char *hole = strstr(p, "<" NO_EMAIL ">");
		int header = strncmp(p, "author ", 7) == 0 || strncmp(p, "committer ", 10) == 0;
		if (header && hole && hole < p + len) {
			ew_buf_add(&text, p, (size_t)(hole - p));
			ew_buf_adds(&text, "<>");
			const char *rest = hole + strlen("<" NO_EMAIL ">");
			ew_buf_add(&text, rest, (size_t)(p + len - rest));
		} else {
			ew_buf_add(&text, p, len);
		}
		p += len;
		if (len == 1) { /* the blank line: the message follows as it is */
			ew_buf_adds(&text, p);
			break;
		}
	}
	if (load_signer(git, &signer, e) < 0)
		goto out;
	if (signer.format != EW_SIG_NONE) {
		char *sig = NULL;
		if (ew_sign(&signer, text.s, text.len, &sig, e) < 0)
			goto out;
		int wrc = git_commit_create_with_signature(out, git, text.s, sig, NULL);
		free(sig);
		if (wrc < 0) {
			ew_git_err(e, _("cannot write the signed commit"));
			goto out;
		}
	} else if (git_repository_odb(&odb, git) < 0 ||
	    git_odb_write(out, odb, text.s, text.len, GIT_OBJECT_COMMIT) < 0) {
		ew_git_err(e, _("cannot write the commit"));
		goto out;
	}
	rc = 0;
out:
	ew_signer_free(&signer);
	git_odb_free(odb);
	git_buf_dispose(&buf);
	ew_buf_free(&text);
	return rc;
}

/* The reflog's words for moving HEAD to a new commit. */
static char *
commit_log(const char *msg, size_t nparents)
{
	const char *nl = strchr(msg, '\n');

	return ew_xasprintf("commit%s%s: %.*s", nparents ? "" : " (initial)",
		nparents > 1 ? " (merge)" : "", nl ? (int)(nl - msg) : (int)strlen(msg), msg);
}

/* write_commit, then HEAD moved to it from its first parent. */
static int
create_commit(git_repository *git, const git_signature *a,
	const git_signature *c, const char *msg, git_tree *tree,
	const git_commit **parents, size_t nparents, git_oid *out,
	struct ew_err *e)
{
	if (write_commit(git, a, c, msg, tree, parents, nparents, out, e) < 0)
		return -1;
	char *log = commit_log(msg, nparents);
	int rc = move_head(git, out, nparents ? git_commit_id(parents[0]) : NULL, log, e);
	free(log);
	return rc;
}

/* The signing settings are valid and an ssh key file is there to read. */
static int
check_signer(git_repository *git, struct ew_err *e)
{
	struct ew_signer s;

	if (load_signer(git, &s, e) < 0)
		return -1;
	int rc = 0;
	if (s.format == EW_SIG_SSH && access(s.key, R_OK) < 0)
		rc = ew_errf(e, "cannot sign with ssh key '%s': %s (check sign.key in ew.conf or .git/config)",
			s.key, strerror(errno));
	ew_signer_free(&s);
	return rc;
}

/* 1 when HEAD has path as an executable file. */
static int
head_executable(struct ew_repo *r, const char *path)
{
	struct ew_err ignored;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	int exec = 0;

	if (head_tree(r, &tree, &ignored) == 0 && git_tree_entry_bypath(&te, tree, path) == 0)
		exec = git_tree_entry_filemode(te) == GIT_FILEMODE_BLOB_EXECUTABLE;
	git_tree_entry_free(te);
	git_tree_free(tree);
	return exec;
}

/*
 * Puts path back as HEAD has it: in the work tree (unless keep_file) and
 * in the index. Returns -1 when it could not.
 */
static int
restore_path(struct ew_repo *r, git_index *idx, const char *path,
	int keep_file)
{
	struct ew_err ignored;
	char *old;
	size_t len;

	if (ew_repo_read_head(r, path, &old, &len, &ignored) < 0)
		return -1;
	int rc = 0;
	if (keep_file) {
		/* the index says what HEAD has; the file stays as it is */
		git_tree *tree = NULL;
		git_tree_entry *te = NULL;
		if (head_tree(r, &tree, &ignored) < 0) {
			rc = -1;
		} else if (git_tree_entry_bypath(&te, tree, path) == 0) {
			git_index_entry ie;
			memset(&ie, 0, sizeof ie);
			ie.mode = git_tree_entry_filemode(te);
			ie.id = *git_tree_entry_id(te);
			ie.path = path;
			rc = git_index_add(idx, &ie) < 0 ? -1 : 0;
		} else if (git_index_get_bypath(idx, path, 0)) {
			rc = git_index_remove_bypath(idx, path) < 0 ? -1 : 0;
		}
		git_tree_entry_free(te);
		git_tree_free(tree);
	} else if (old) {
		if (write_file(r->root, path, old, len, head_executable(r, path), &ignored) < 0 ||
		    git_index_add_bypath(idx, path) < 0)
			rc = -1;
	} else {
		if (remove_file(r->root, path, &ignored) < 0)
			rc = -1;
		if (git_index_get_bypath(idx, path, 0) && git_index_remove_bypath(idx, path) < 0)
			rc = -1;
	}
	free(old);
	return rc;
}

/*
 * While a commit is in progress, the file a change replaces or removes is
 * kept under this name (a hard link, or the file renamed), so that a
 * failed commit puts it back with a rename, which a full disk still
 * allows. The name is one of write_atomic's temporaries: the next writer
 * after a crash removes it (recover).
 */
static char *
backup_name(const char *full)
{
	return ew_xasprintf("%s.ew-tmp-old-%ld", full, (long)getpid());
}

/* Makes the change in the work tree, keeping what it replaces. */
static int
apply_change(struct ew_repo *r, const struct ew_change *x, struct ew_err *e)
{
	char *full = ew_xasprintf("%s%s", r->root, x->path);
	char *old = backup_name(full);
	int rc = 0;

	unlink(old);
	if (x->data) {
		if (exists(full) && link(full, old) < 0)
			rc = ew_errf(e, "cannot keep '%s' while it is replaced: %s", full, strerror(errno));
		else
			rc = write_file(r->root, x->path, x->data, x->len, x->executable, e);
	} else if (rename(full, old) < 0 && errno != ENOENT) {
		rc = ew_errf(e, "cannot remove '%s': %s", full, strerror(errno));
	} else if (fsync_dir_of(full) < 0) {
		rc = ew_errf(e, "cannot sync the directory of '%s': %s", full, strerror(errno));
	}
	free(old);
	free(full);
	return rc;
}

/* Removes the directories of path below root that are empty now. */
static void
remove_empty_parents(const char *root, const char *path)
{
	char *dir = ew_xasprintf("%s%s", root, path);

	for (char *slash; (slash = strrchr(dir, '/')) && (size_t)(slash - dir) >= strlen(root);) {
		*slash = '\0';
		if (rmdir(dir) < 0)
			break;
	}
	free(dir);
}

/*
 * Puts back what apply_change replaced or removed (undo), or lets it go
 * (the commit is done). Returns -1 when the file could not be put back.
 */
static int
finish_change(struct ew_repo *r, const struct ew_change *x, int undo)
{
	char *full = ew_xasprintf("%s%s", r->root, x->path);
	char *old = backup_name(full);
	int rc = 0;

	/* (a rename between two links of one file does nothing: hence the
	 * unlink after it) */
	if (undo && exists(old))
		rc = rename(old, full);
	else if (undo && unlink(full) < 0 && errno != ENOENT)
		rc = -1;
	unlink(old);
	fsync_dir_of(full);
	remove_empty_parents(r->root, x->path);
	free(old);
	free(full);
	return rc;
}

/* The stat data git keeps in an index entry, as git truncates it. */
static void
entry_stat(git_index_entry *ie, const struct stat *st)
{
	ie->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
	ie->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
	ie->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
	ie->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
	ie->dev = (uint32_t)st->st_dev;
	ie->ino = (uint32_t)st->st_ino;
	ie->uid = (uint32_t)st->st_uid;
	ie->gid = (uint32_t)st->st_gid;
	ie->file_size = (uint32_t)st->st_size;
}

static int
time_before(const git_index_time *a, const struct timespec *b)
{
	return a->seconds < (int32_t)b->tv_sec ||
		(a->seconds == (int32_t)b->tv_sec && a->nanoseconds < (uint32_t)b->tv_nsec);
}

/*
 * 1 when the index entry ie vouches for the file's content, as git's own
 * stat check does: the file's stat data is the entry's, and the file was
 * last changed before the index was written (else a change in the same
 * clock tick could hide behind the same times: "racily clean").
 */
static int
stat_clean(const git_index_entry *ie, const struct stat *st,
	const struct timespec *index_mtime)
{
	git_index_entry now;

	memset(&now, 0, sizeof now);
	entry_stat(&now, st);
	return S_ISREG(st->st_mode) &&
		now.mtime.seconds == ie->mtime.seconds &&
		now.mtime.nanoseconds == ie->mtime.nanoseconds &&
		now.ctime.seconds == ie->ctime.seconds &&
		now.ctime.nanoseconds == ie->ctime.nanoseconds &&
		now.ino == ie->ino && now.dev == ie->dev &&
		now.file_size == ie->file_size &&
		time_before(&ie->mtime, index_mtime);
}

/*
 * 1 when idx's entry for path names blob id and vouches by its stat data
 * (stat_clean) for the file whose stat is st.
 */
static int
index_vouches(git_index *idx, const char *path, const git_oid *id,
	const struct stat *st, const struct timespec *index_mtime)
{
	const git_index_entry *ie = git_index_get_bypath(idx, path, 0);

	return ie && git_oid_equal(&ie->id, id) && stat_clean(ie, st, index_mtime);
}

/*
 * The file at full, read whole when the index entry for it (in idx, whose
 * file was written at index_mtime) names blob id and vouches by its stat
 * data for the file's content. Else NULL: the caller reads the blob.
 */
static char *
read_vouched(git_index *idx, const struct timespec *index_mtime,
	const char *path, const char *full, const git_oid *id, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return NULL;
	/* the stat data of the file read, not of a name looked up before */
	if (fstat(fd, &st) < 0 || !index_vouches(idx, path, id, &st, index_mtime))
		goto out;
	buf = ew_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

int
ew_repo_read_committed(struct ew_repo *r, const char *path, char **buf,
	size_t *len, struct ew_err *e)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_index *idx = NULL;
	git_blob *blob = NULL;
	struct stat ist;
	char *full = NULL, *index_path = NULL;
	int rc = 0;

	*buf = NULL;
	*len = 0;
	if (head_tree(r, &tree, e) < 0)
		return -1;
	rc = git_tree_entry_bypath(&te, tree, path);
	if (rc == GIT_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		rc = ew_git_err(e, path);
		goto out;
	}
	/* the index file's time before the index is read, as git takes it */
	full = ew_xasprintf("%s%s", r->root, path);
	index_path = ew_xasprintf("%sindex", git_repository_path(r->git));
	if (stat(index_path, &ist) == 0 &&
	    git_repository_index(&idx, r->git) == 0 && git_index_read(idx, 0) == 0 &&
	    (*buf = read_vouched(idx, &ist.st_mtim, path, full, git_tree_entry_id(te), len)))
		goto out;
	if (git_blob_lookup(&blob, r->git, git_tree_entry_id(te)) < 0) {
		rc = ew_git_err(e, path);
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*buf = ew_xstrndup(git_blob_rawcontent(blob), *len);
out:
	git_blob_free(blob);
	git_index_free(idx);
	git_tree_entry_free(te);
	git_tree_free(tree);
	free(full);
	free(index_path);
	return rc;
}

/*
 * Refuses to overwrite a file whose work-tree copy differs from HEAD. The
 * file is read only when the index (idx, whose file was last written at
 * index_mtime) cannot vouch that it is HEAD's.
 */
static int
check_unchanged(struct ew_repo *r, git_tree *head, git_index *idx,
	const struct timespec *index_mtime, const char *path, struct ew_err *e)
{
	git_tree_entry *te = NULL;
	git_oid disk;
	struct stat st;
	char *full = ew_xasprintf("%s%s", r->root, path);
	int rc = 0;

	if (git_tree_entry_bypath(&te, head, path) < 0) {
		if (exists(full))
			rc = ew_errf(e, "'%s' is in the work tree but not committed; move it away or commit it first", path);
		goto out;
	}
	if (lstat(full, &st) < 0) {
		rc = ew_errf(e, "'%s' is committed but missing from the work tree; restore it with 'git checkout -- %s'", path, path);
		goto out;
	}
	if (index_vouches(idx, path, git_tree_entry_id(te), &st, index_mtime))
		goto out;
	if (git_odb_hashfile(&disk, full, GIT_OBJECT_BLOB) < 0)
		rc = ew_git_err(e, _("cannot read the file to compare it with HEAD"));
	else if (!git_oid_equal(&disk, git_tree_entry_id(te)))
		rc = ew_errf(e, "'%s' has uncommitted changes; commit them or discard them with 'git checkout -- %s'", path, path);
out:
	git_tree_entry_free(te);
	free(full);
	return rc;
}

/*
 * Gives the index entry of path, whose blob the index in memory already
 * names, the stat data of the file just written, as git add would without
 * reading the file again.
 */
static int
index_written_file(struct ew_repo *r, git_index *idx, const char *path,
	struct ew_err *e)
{
	const git_index_entry *cur = git_index_get_bypath(idx, path, 0);
	char *full = ew_xasprintf("%s%s", r->root, path);
	git_index_entry ie;
	struct stat st;
	int rc = -1;

	if (!cur) {
		ew_errf(e, "'%s' is missing from the index being written", path);
	} else if (lstat(full, &st) < 0) {
		ew_errf(e, "cannot read '%s' just written: %s", full, strerror(errno));
	} else {
		ie = *cur;
		entry_stat(&ie, &st);
		ie.path = path; /* not the entry's own, which the add frees */
		rc = git_index_add(idx, &ie) < 0 ? ew_git_err(e, path) : 0;
	}
	free(full);
	return rc;
}

/*
 * Refuses to commit when the index holds staged changes: they would go
 * into ew's commit under ew's message, and the audit trail would lie.
 */
static int
check_nothing_staged(struct ew_repo *r, git_index *idx, struct ew_err *e)
{
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	int rc = 0;

	if (head_tree(r, &tree, e) < 0)
		return -1;
	if (git_diff_tree_to_index(&diff, r->git, tree, idx, NULL) < 0) {
		rc = ew_git_err(e, _("cannot compare the index with HEAD"));
	} else if (git_diff_num_deltas(diff) > 0) {
		const git_diff_delta *d = git_diff_get_delta(diff, 0);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		if (git_diff_num_deltas(diff) > 1)
			rc = ew_errf(e, "the index has staged changes ('%s' and more); commit them, or unstage them with 'git reset', first",
				path);
		else
			rc = ew_errf(e, "the index has staged changes ('%s'); commit them, or unstage them with 'git reset', first",
				path);
	}
	git_diff_free(diff);
	git_tree_free(tree);
	return rc;
}

/*
 * The journal of a commit in progress (.git/ew-journal): the paths it
 * changes, one per line. It exists from before the first file is written
 * until HEAD, the index and the files agree again, so a writer killed in
 * between leaves it behind, and the next writer repairs those paths.
 */
static char *
journal_path(struct ew_repo *r)
{
	return ew_xasprintf("%sew-journal", git_repository_path(r->git));
}

/* The new blobs' ids come from idx, which has the changes already. */
static int
write_journal(struct ew_repo *r, git_index *idx, const struct ew_change *ch,
	size_t n, struct ew_err *e)
{
	struct ew_buf b = {0};
	git_tree *tree = NULL;
	int rc = 0;

	if (head_tree(r, &tree, e) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		git_tree_entry *te = NULL;
		const git_index_entry *ie;
		char old[GIT_OID_HEXSZ + 1] = "-", new[GIT_OID_HEXSZ + 1] = "-";
		if (strpbrk(ch[i].path, "\t\n")) {
			rc = ew_errf(e, "cannot write a file whose name holds a tab or a line break");
			break;
		}
		if (git_tree_entry_bypath(&te, tree, ch[i].path) == 0)
			git_oid_tostr(old, sizeof old, git_tree_entry_id(te));
		git_tree_entry_free(te);
		if (ch[i].data && (ie = git_index_get_bypath(idx, ch[i].path, 0)))
			git_oid_tostr(new, sizeof new, &ie->id);
		ew_buf_addf(&b, "%s\t%s\t%s\n", ch[i].path, old, new);
	}
	if (rc == 0)
		rc = write_atomic(git_repository_path(r->git), "ew-journal", b.s ? b.s : "", b.len, e);
	git_tree_free(tree);
	ew_buf_free(&b);
	return rc;
}

static void
drop_journal(struct ew_repo *r)
{
	char *j = journal_path(r);
	unlink(j);
	fsync_dir_of(j);
	free(j);
}

/*
 * Whether a live process other than this one may own the lock file whose
 * inode is *st: one that has it open, or a git program
 * working in the repository (its current directory below root), since git
 * holds some locks with the file closed (git commit -a while its editor
 * runs). Sets *pid to the one found. Without /proc nothing can be ruled
 * out, and every lock counts as owned.
 */
static int
lock_owned(const struct stat *st, const char *root,
	long *pid)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	size_t rootlen = strlen(root) - 1; /* root ends with '/' */
	int owned = 0;

	*pid = 0;
	if (!proc)
		return 1;
	while (!owned && (de = readdir(proc))) {
		char *end, buf[PATH_MAX];
		long p = strtol(de->d_name, &end, 10);
		if (*end || p <= 0 || p == (long)getpid())
			continue;
		char *fddir = ew_xasprintf("/proc/%ld/fd", p);
		DIR *fds = opendir(fddir);
		struct dirent *fe;
		while (fds && !owned && (fe = readdir(fds))) {
			struct stat fst;
			char *fd = ew_xasprintf("%s/%s", fddir, fe->d_name);
			owned = fe->d_name[0] != '.' && stat(fd, &fst) == 0 &&
				fst.st_dev == st->st_dev && fst.st_ino == st->st_ino;
			free(fd);
		}
		if (fds)
			closedir(fds);
		free(fddir);
		char *comm = ew_xasprintf("/proc/%ld/comm", p);
		char *name = ew_read_file(comm, NULL);
		free(comm);
		if (!owned && name && strncmp(name, "git", 3) == 0) {
			char *cwd = ew_xasprintf("/proc/%ld/cwd", p);
			ssize_t n = readlink(cwd, buf, sizeof buf - 1);
			free(cwd);
			owned = n >= (ssize_t)rootlen && strncmp(buf, root, rootlen) == 0 &&
				(n == (ssize_t)rootlen || buf[rootlen] == '/');
		}
		free(name);
		if (owned)
			*pid = p;
	}
	closedir(proc);
	return owned;
}

/*
 * Removes a git lock file that the killed writer of the journal left: one
 * made after the journal (an older one belongs to someone else, a git
 * commit waiting for its editor, say) that no live process may own (see
 * lock_owned). Returns -1, with a message, when a lock is in the way and
 * is not the writer's.
 */
static int
clear_stale_lock(const char *path, const char *root,
	const struct stat *journal, struct ew_err *e)
{
	struct stat st;
	long pid;

	if (stat(path, &st) < 0)
		return 0;
	if (st.st_mtim.tv_sec < journal->st_mtim.tv_sec ||
	    (st.st_mtim.tv_sec == journal->st_mtim.tv_sec &&
	     st.st_mtim.tv_nsec < journal->st_mtim.tv_nsec))
		return ew_errf(e, "'%s' is in the way: another git command holds it; let it finish, or remove the file if no git command is running", path);
	if (lock_owned(&st, root, &pid)) {
		if (pid)
			return ew_errf(e, "'%s' is in the way: process %ld, a git command, may hold it; let it finish, or remove the file if no git command is running", path, pid);
		return ew_errf(e, "'%s' is in the way, and /proc cannot tell whether a git command holds it; remove the file if no git command is running", path);
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return ew_errf(e, "cannot remove the stale lock '%s': %s", path, strerror(errno));
	return 0;
}

/* Removes the temporary files write_atomic made for root/path. */
static void
remove_temporaries(const char *root, const char *path)
{
	char *pattern = ew_xasprintf("%s%s.ew-tmp-*", root, path);
	glob_t g;

	if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	free(pattern);
}

/*
 * Whether the file at path is as the killed writer left it: as before
 * (old) or as it was writing it (new), each a blob id or "-" for no file.
 * Anything else is someone's edit since.
 */
static int
left_by_writer(struct ew_repo *r, const char *path, const char *old,
	const char *new)
{
	char *full = ew_xasprintf("%s%s", r->root, path);
	git_oid disk;
	char hex[GIT_OID_HEXSZ + 1];
	int mine;

	if (!exists(full))
		mine = strcmp(old, "-") == 0 || strcmp(new, "-") == 0;
	else if (git_odb_hashfile(&disk, full, GIT_OBJECT_BLOB) < 0)
		mine = 0;
	else
		mine = strcmp(git_oid_tostr(hex, sizeof hex, &disk), old) == 0 ||
		       strcmp(hex, new) == 0;
	free(full);
	return mine;
}

/*
 * Finishes what a killed writer left. Called with the writer's lock held,
 * so the writer that made the journal is gone. Each path in the journal
 * is put back as HEAD has it, in the index and, unless someone has edited
 * the file since, in the work tree: HEAD was moved or it was not, and
 * either way the files now agree with it. The journal stays when the
 * repair fails, for the next writer to try again.
 */
static int
recover(struct ew_repo *r, struct ew_err *e)
{
	char *jp = journal_path(r);
	size_t len;
	struct stat js;
	git_index *idx = NULL;
	int rc = 0;

	/* a writer killed while it wrote the journal itself */
	remove_temporaries(git_repository_path(r->git), "ew-journal");
	char *list = ew_read_file(jp, &len);
	if (!list || stat(jp, &js) < 0) {
		free(list);
		free(jp);
		return 0;
	}
	const char *gd = git_repository_path(r->git);
	/* the index the writer kept (commit_changes) */
	remove_temporaries(gd, "index");
	char *lock = ew_xasprintf("%sindex.lock", gd);
	rc = clear_stale_lock(lock, r->root, &js, e);
	free(lock);
	git_reference *head = NULL;
	if (rc == 0 && git_reference_lookup(&head, r->git, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		lock = ew_xasprintf("%s%s.lock", gd, git_reference_symbolic_target(head));
		rc = clear_stale_lock(lock, r->root, &js, e);
		free(lock);
	}
	git_reference_free(head);
	if (rc == 0 && (git_repository_index(&idx, r->git) < 0 || git_index_read(idx, 1) < 0))
		rc = ew_git_err(e, _("cannot read the index to repair it"));
	for (char *p = list, *nl; rc == 0 && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		char *old = strchr(p, '\t'), *new = old ? strchr(old + 1, '\t') : NULL;
		if (old)
			*old++ = '\0';
		if (new)
			*new++ = '\0';
		if (!*p || strstr(p, "..") || *p == '/')
			continue;
		remove_temporaries(r->root, p);
		int keep = old && new && !left_by_writer(r, p, old, new);
		if (restore_path(r, idx, p, keep) < 0)
			rc = ew_errf(e, "cannot repair '%s', which an interrupted ew command was writing; restore it with 'git checkout HEAD -- %s'", p, p);
	}
	if (rc == 0 && (git_index_write(idx) < 0 ||
	    sync_file(git_index_path(idx)) < 0))
		rc = ew_git_err(e, _("cannot write the repaired index"));
	git_index_free(idx);
	free(list);
	free(jp);
	if (rc == 0)
		drop_journal(r);
	return rc;
}

/*
 * Writes the changes and moves HEAD: to a new commit whose parents are
 * HEAD and merge (when not NULL), or, when ff is set, to the existing
 * commit ff, whose tree the changes must make.
 *
 * The order is what keeps a failure harmless: first every object (blobs,
 * trees, the commit), which changes nothing anyone sees; then the files,
 * each replaced file kept under backup_name; then the index, the old one
 * kept the same way; last the branch. A failure at any step (a full disk,
 * an I/O error) puts the files and the index back by renames, which need
 * no space; a crash leaves the journal, and the next writer repairs.
 */
static int
commit_changes(struct ew_repo *r, const struct ew_change *ch, size_t n,
	const char *msg, const char *author, const git_oid *merge,
	const git_oid *ff, char *out, struct ew_err *e)
{
	git_signature *a = NULL, *c = NULL;
	git_index *idx = NULL;
	git_commit *parents[2] = {NULL, NULL};
	git_tree *tree = NULL;
	git_oid tree_id, commit_id, head;
	size_t written = 0;
	int rc = -1, index_written = 0, journal = 0;
	char *index_path = ew_xasprintf("%sindex", git_repository_path(r->git));
	char *index_old = backup_name(index_path);

	if (!ff && signatures(r->git, author, &a, &c, e) < 0)
		goto out;
	/* a signing key that cannot be used is found before any file changes */
	if (!ff && check_signer(r->git, e) < 0)
		goto out;
	/* the index file's time first: an entry of a later write is racy */
	struct stat ist;
	struct timespec index_mtime = {0, 0};
	if (stat(index_path, &ist) == 0)
		index_mtime = ist.st_mtim;
	if (git_repository_index(&idx, r->git) < 0 || git_index_read(idx, 1) < 0) {
		ew_git_err(e, _("cannot read the index"));
		goto out;
	}
	if (head_tree(r, &tree, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (check_unchanged(r, tree, idx, &index_mtime, ch[i].path, e) < 0)
			goto out;
	git_tree_free(tree);
	tree = NULL;
	if (check_nothing_staged(r, idx, e) < 0)
		goto out;
	/* the objects: the index in memory becomes the new tree */
	for (size_t i = 0; i < n; i++) {
		const struct ew_change *x = &ch[i];
		int xrc;
		if (x->data) {
			git_index_entry ie;
			memset(&ie, 0, sizeof ie);
			ie.mode = x->executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
			ie.path = x->path;
			xrc = git_index_add_from_buffer(idx, &ie, x->data, x->len);
		} else {
			xrc = git_index_get_bypath(idx, x->path, 0) ? git_index_remove_bypath(idx, x->path) : 0;
		}
		if (xrc < 0) {
			ew_git_err(e, x->path);
			goto undo;
		}
	}
	if (git_index_write_tree(&tree_id, idx) < 0 ||
	    git_tree_lookup(&tree, r->git, &tree_id) < 0) {
		ew_git_err(e, _("cannot write the tree"));
		goto undo;
	}
	if (git_reference_name_to_id(&head, r->git, "HEAD") < 0 ||
	    git_commit_lookup(&parents[0], r->git, &head) < 0) {
		ew_git_err(e, _("cannot read HEAD"));
		goto undo;
	}
	if (ff) {
		if (git_commit_lookup(&parents[1], r->git, ff) < 0) {
			ew_git_err(e, _("cannot read the commit to fast-forward to"));
			goto undo;
		}
		if (git_oid_cmp(git_commit_tree_id(parents[1]), &tree_id) != 0) {
			ew_errf(e, "the files do not make the tree of the commit to fast-forward to");
			goto undo;
		}
		commit_id = *ff;
	} else {
		if (merge && git_commit_lookup(&parents[1], r->git, merge) < 0) {
			ew_git_err(e, _("cannot read the commit to merge"));
			goto undo;
		}
		if (write_commit(r->git, a, c, msg, tree,
			(const git_commit **)parents, merge ? 2 : 1, &commit_id, e) < 0)
			goto undo;
	}

	if (write_journal(r, idx, ch, n, e) < 0)
		goto undo;
	journal = 1;

	/* the files, then the index (with their stat data) */
	unlink(index_old);
	if (exists(index_path) && link(index_path, index_old) < 0) {
		ew_errf(e, "cannot keep '%s' while it is replaced: %s", index_path, strerror(errno));
		goto undo;
	}
	for (; written < n; written++) {
		if (apply_change(r, &ch[written], e) < 0) {
			written++; /* a half-made change is undone too */
			goto undo;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (ch[i].data && index_written_file(r, idx, ch[i].path, e) < 0)
			goto undo;
	}
	index_written = 1; /* a failed write may have replaced it, too */
	if (git_index_write(idx) < 0) {
		ew_git_err(e, _("cannot write the index"));
		goto undo;
	}
	/* libgit2 renames the index into place without syncing it */
	if (sync_file(index_path) < 0) {
		ew_errf(e, "cannot sync '%s': %s", index_path, strerror(errno));
		goto undo;
	}

	/* the branch */
	char *log = ff ? ew_xstrdup("ew: fast-forward") : commit_log(msg, merge ? 2 : 1);
	int moved = move_head(r->git, &commit_id, &head, log, e);
	free(log);
	git_oid now;
	/* libgit2 may fail after it moved the branch (syncing its
	 * directory): then the commit stands, and only the error is told */
	int stands = moved < 0 && git_reference_name_to_id(&now, r->git, "HEAD") == 0 &&
		git_oid_equal(&now, &commit_id);
	if (moved < 0 && !stands)
		goto undo;
	for (size_t i = 0; i < n; i++)
		finish_change(r, &ch[i], 0);
	unlink(index_old);
	drop_journal(r);
	if (out)
		git_oid_tostr(out, 41, &commit_id);
	if (stands) {
		char *why = ew_xstrdup(e->msg);
		/* TRANSLATORS: %s is what failed after the commit was made */
		ew_errf(e, "the commit is made, but %s", why);
		free(why);
		goto out;
	}
	rc = 0;
	goto out;
undo:
	git_index_free(idx);
	idx = NULL;
	{
		/* what cannot be put back now is left to the next writer */
		int undone = 1;
		while (written > 0)
			if (finish_change(r, &ch[--written], 1) < 0)
				undone = 0;
		if (index_written && exists(index_old) && rename(index_old, index_path) < 0)
			undone = 0;
		unlink(index_old);
		if (journal && undone)
			drop_journal(r);
	}
out:
	git_tree_free(tree);
	git_commit_free(parents[0]);
	git_commit_free(parents[1]);
	git_index_free(idx);
	git_signature_free(a);
	git_signature_free(c);
	free(index_path);
	free(index_old);
	return rc;
}

int
ew_repo_commit(struct ew_repo *r, const struct ew_change *ch, size_t n,
	const char *msg, const char *author, char *out, struct ew_err *e)
{
	return commit_changes(r, ch, n, msg, author, NULL, NULL, out, e);
}

int
ew_repo_commit_merge(struct ew_repo *r, const struct ew_change *ch, size_t n,
	const char *msg, const char *author, const git_oid *theirs, char *out,
	struct ew_err *e)
{
	return commit_changes(r, ch, n, msg, author, theirs, NULL, out, e);
}

int
ew_repo_fast_forward(struct ew_repo *r, const struct ew_change *ch, size_t n,
	const git_oid *to, struct ew_err *e)
{
	return commit_changes(r, ch, n, NULL, NULL, NULL, to, NULL, e);
}

static int
copy_share(const char *sharedir, const char *name, const char *root,
	struct ew_err *e)
{
	char *src = ew_xasprintf("%s/%s", sharedir, name);
	size_t len;
	char *data = ew_read_file(src, &len);
	int rc;

	if (!data)
		rc = ew_errf(e, "cannot read '%s': %s (is EW_SHAREDIR right?)", src, strerror(errno));
	else
		rc = write_atomic(root, name, data, len, e);
	free(data);
	free(src);
	return rc;
}

/* 1 when the git repository at dir has no commit yet. */
static int
unborn_repository(const char *dir)
{
	git_repository *git = NULL;
	int unborn = 0;

	if (git_repository_open_ext(&git, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0)
		unborn = git_repository_head_unborn(git) == 1;
	git_repository_free(git);
	return unborn;
}

/* Refuses a dir that holds anything but an empty git repository. */
static int
refuse_existing(const char *dir, struct ew_err *e)
{
	char *conf = ew_xasprintf("%s/ew.conf", dir);
	char *abs = realpath(dir, NULL);
	int has_conf = exists(conf);
	free(conf);
	if (has_conf) {
		ew_errf(e, "'%s' is already an ew repository", abs ? abs : dir);
		free(abs);
		return -1;
	}
	free(abs);

	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : ew_errf(e, "cannot read '%s': %s", dir, strerror(errno));
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strcmp(de->d_name, ".git") && unborn_repository(dir))
			continue;
		rc = ew_errf(e, "'%s' is not empty; ew init needs a new or empty directory", dir);
		break;
	}
	closedir(d);
	return rc;
}

static const char *const init_files[] = {"ew.conf", "places.csv",
	"categories.csv", "rules.conf", ".gitattributes"};
enum { NINIT = sizeof init_files / sizeof init_files[0] };

/* Takes away what a failed init made, leaving dir as it was. */
static void
undo_init(const char *dir, int made_dir, int made_git)
{
	for (size_t i = 0; i < NINIT; i++) {
		char *f = ew_xasprintf("%s/%s", dir, init_files[i]);
		unlink(f);
		free(f);
	}
	if (made_git) {
		char *g = ew_xasprintf("%s/.git", dir);
		ew_remove_tree(g);
		free(g);
	}
	if (made_dir)
		rmdir(dir);
}

/* Writes [sign] key = key into the new repository's ew.conf. */
static int
set_sign_key(const char *root, const char *key, struct ew_err *e)
{
	git_config *cfg = NULL;
	char *path = ew_xasprintf("%sew.conf", root);
	int rc = 0;
	struct stat st;

	/* a key file given relative to here is kept as an absolute path */
	char *abs = key[0] != '/' && strncmp(key, "~/", 2) != 0 && stat(key, &st) == 0
		? realpath(key, NULL) : NULL;
	if (abs)
		key = abs;
	if (git_config_open_ondisk(&cfg, path) < 0 ||
	    git_config_set_string(cfg, "sign.key", key) < 0)
		rc = ew_git_err(e, _("cannot write sign.key into ew.conf"));
	git_config_free(cfg);
	free(abs);
	free(path);
	return rc;
}

/* Writes the files of a new repository and makes its first commit. */
static int
first_commit(git_repository *git, const char *sharedir, const char *sign_key,
	git_signature *a, git_signature *c, struct ew_err *e)
{
	static const char attrs[] =
		"# record files merge record by record with the ew merge driver\n"
		"reports/**/*.csv merge=ew\n"
		"alerts.csv merge=ew\n";
	char *root = ew_xstrdup(git_repository_workdir(git)); /* ends in '/' */
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, commit_id;
	int rc = -1;

	for (size_t i = 0; i + 1 < NINIT; i++)
		if (copy_share(sharedir, init_files[i], root, e) < 0)
			goto out;
	if (write_atomic(root, ".gitattributes", attrs, sizeof attrs - 1, e) < 0)
		goto out;
	if (sign_key && set_sign_key(root, sign_key, e) < 0)
		goto out;
	if (git_repository_index(&idx, git) < 0) {
		ew_git_err(e, _("cannot stage files"));
		goto out;
	}
	for (size_t i = 0; i < NINIT; i++)
		if (git_index_add_bypath(idx, init_files[i]) < 0) {
			ew_git_err(e, _("cannot stage files"));
			goto out;
		}
	if (git_index_write(idx) < 0 || git_index_write_tree(&tree_id, idx) < 0 ||
	    git_tree_lookup(&tree, git, &tree_id) < 0) {
		ew_git_err(e, _("cannot make the first commit"));
		goto out;
	}
	rc = create_commit(git, a, c, "Initialise ew repository\n\nEw-Action: init\n",
		tree, NULL, 0, &commit_id, e);
out:
	git_tree_free(tree);
	git_index_free(idx);
	free(root);
	return rc;
}

int
ew_repo_init(const char *dir, const char *sharedir, const char *author,
	const char *sign_key, struct ew_err *e)
{
	git_repository *git = NULL;
	git_signature *a = NULL, *c = NULL;
	int rc = -1, made_dir, made_git;

	ew_git_start();
	/* everything that can be refused is refused before anything is made */
	if (refuse_existing(dir, e) < 0 || signatures(NULL, author, &a, &c, e) < 0)
		goto out;
	char *dotgit = ew_xasprintf("%s/.git", dir);
	made_dir = !exists(dir);
	made_git = !exists(dotgit);
	free(dotgit);
	if (made_dir && mkdir(dir, 0777) < 0) {
		ew_errf(e, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (git_repository_init(&git, dir, 0) < 0)
		ew_git_err(e, _("cannot create the git repository"));
	else if ((rc = first_commit(git, sharedir, sign_key, a, c, e)) == 0)
		rc = ew_register_driver(git, e);
	git_repository_free(git);
	if (rc < 0)
		undo_init(dir, made_dir, made_git);
out:
	git_signature_free(a);
	git_signature_free(c);
	git_libgit2_shutdown();
	return rc;
}
