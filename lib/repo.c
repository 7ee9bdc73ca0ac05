/* repo.c - see repo.h */
#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "input.h"

#ifndef SHAREDIR
#define SHAREDIR "/usr/local/share/ew"
#endif

int
ew_git_err(struct ew_err *e, const char *what)
{
	const git_error *g = git_error_last();
	return ew_errf(e, "%s: %s", what, g && g->message ? g->message : "unknown libgit2 error");
}

static int
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
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
		rc = ew_git_err(e, "cannot read ew.conf");
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

int
ew_repo_open(struct ew_repo *r, const char *dir, int flags, struct ew_err *e)
{
	memset(r, 0, sizeof *r);
	r->lockfd = -1;
	git_libgit2_init();

	char *root = find_root(dir, e);
	if (!root)
		return -1;
	r->root = ew_xasprintf("%s/", root);
	free(root);
	if (git_repository_open_ext(&r->git, r->root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		ew_git_err(e, "cannot open the git repository");
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

int
ew_repo_lock(struct ew_repo *r, struct ew_err *e)
{
	if (r->lockfd >= 0)
		return 0;
	return ew_repo_flock(r, "ew.lock",
		"repository is locked by another ew process", &r->lockfd, e);
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
		return ew_git_err(e, "cannot read HEAD");
	*tree = (git_tree *)obj;
	return 0;
}

int
ew_repo_read_head(struct ew_repo *r, const char *path, char **buf, size_t *len,
	struct ew_err *e)
{
	git_tree *tree = NULL;
	git_tree_entry *ent = NULL;
	git_blob *blob = NULL;
	int rc;

	*buf = NULL;
	*len = 0;
	if (head_tree(r, &tree, e) < 0)
		return -1;
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

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
ew_repo_head_shards(struct ew_repo *r, struct ew_strv *out, struct ew_err *e)
{
	git_tree *tree = NULL, *reports = NULL, *year = NULL;
	git_tree_entry *ent = NULL;
	int rc = 0;

	if (head_tree(r, &tree, e) < 0)
		return -1;
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
			if (git_tree_entry_type(m) == GIT_OBJECT_BLOB &&
			    is_month_file(git_tree_entry_name(m)))
				ew_strv_push(out, ew_xasprintf("reports/%s/%s",
					git_tree_entry_name(y), git_tree_entry_name(m)));
		}
		git_tree_free(year);
		year = NULL;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
out:
	git_tree_free(year);
	git_tree_free(reports);
	git_tree_entry_free(ent);
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
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
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
			/* "YYYY-MM" of the shard against the bounds' months */
			char ym[8] = {0};
			memcpy(ym, years.v[i], 4);
			ym[4] = '-';
			memcpy(ym + 5, months.v[j], 2);
			if (since && strncmp(ym, since, 7) < 0)
				continue;
			if (until && strncmp(ym, until, 7) > 0)
				continue;
			ew_strv_push(out, ew_xasprintf("reports/%s/%s", years.v[i], months.v[j]));
		}
		ew_strv_free(&months);
		free(ydir);
	}
	ew_strv_free(&years);
	free(dir);
	return rc;
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
			struct ew_input *in = ew_input_open_file(fp, shards.v[i], &r->schema);
			struct ew_record *rec;
			int got;
			while ((got = ew_input_next(in, &rec, e)) > 0)
				if (each(rec, ctx, e) < 0) {
					got = -1;
					break;
				}
			if (got < 0)
				rc = -1;
			ew_input_close(in);
			fclose(fp);
		}
		free(path);
	}
	ew_strv_free(&shards);
	return rc;
}

char *
ew_shard_path(const char *d)
{
	return ew_xasprintf("reports/%.4s/%.2s.csv", d, d + 5);
}

/* mkdir -p for the directories of a file path below root. */
static int
make_parents(const char *root, const char *path, struct ew_err *e)
{
	char *full = ew_xasprintf("%s%s", root, path);
	size_t rootlen = strlen(root);

	for (char *p = full + rootlen; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(full, 0777) < 0 && errno != EEXIST) {
			ew_errf(e, "cannot create directory '%s': %s", full, strerror(errno));
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

/* Writes data to root/path: temporary file, fsync, rename, fsync dir. */
static int
write_atomic(const char *root, const char *path, const char *data, size_t len,
	struct ew_err *e)
{
	char *full = ew_xasprintf("%s%s", root, path);
	char *tmp = ew_xasprintf("%s.ew-tmp-%ld", full, (long)getpid());
	int fd = -1, rc = -1;

	if (make_parents(root, path, e) < 0)
		goto out;
	unlink(tmp); /* a leftover of a killed run with this pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
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
	free(full);
	return rc;
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
		rc = ew_git_err(e, "invalid author");
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
			return ew_git_err(e, "invalid git identity");
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
		return ew_git_err(e, "invalid committer");
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

static int
create_commit(git_repository *git, const git_signature *a,
	const git_signature *c, const char *msg, git_tree *tree,
	git_commit *parent, git_oid *out, struct ew_err *e)
{
	git_buf buf = {0};
	git_odb *odb = NULL;
	git_reference *head = NULL, *moved = NULL;
	const git_commit *parents[1] = {parent};
	struct ew_buf text = {0};
	int rc = -1;

	if (git_commit_create_buffer(&buf, git, a, c, NULL, msg, tree,
		parent ? 1 : 0, parents) < 0) {
		ew_git_err(e, "cannot create the commit");
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
	if (git_repository_odb(&odb, git) < 0 ||
	    git_odb_write(out, odb, text.s, text.len, GIT_OBJECT_COMMIT) < 0) {
		ew_git_err(e, "cannot write the commit");
		goto out;
	}
	if (git_reference_lookup(&head, git, "HEAD") < 0) {
		ew_git_err(e, "cannot read HEAD");
		goto out;
	}
	const char *branch = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
		? git_reference_symbolic_target(head) : "HEAD";
	const char *nl = strchr(msg, '\n');
	char *log = ew_xasprintf("commit%s: %.*s", parent ? "" : " (initial)",
		nl ? (int)(nl - msg) : (int)strlen(msg), msg);
	if (parent)
		rc = git_reference_create_matching(&moved, git, branch, out, 1,
			git_commit_id(parent), log);
	else
		rc = git_reference_create(&moved, git, branch, out, 0, log);
	free(log);
	if (rc < 0)
		rc = ew_git_err(e, "cannot move HEAD (did something else change the repository?)");
out:
	git_reference_free(moved);
	git_reference_free(head);
	git_odb_free(odb);
	git_buf_dispose(&buf);
	ew_buf_free(&text);
	return rc;
}

/* Puts the files of a failed commit back as they are in HEAD. */
static void
roll_back(struct ew_repo *r, const struct ew_change *ch, size_t n)
{
	git_index *idx = NULL;
	struct ew_err ignored;

	if (git_repository_index(&idx, r->git) < 0)
		return;
	git_index_read(idx, 1);
	for (size_t i = 0; i < n; i++) {
		char *old;
		size_t len;
		if (ew_repo_read_head(r, ch[i].path, &old, &len, &ignored) < 0)
			continue;
		if (old) {
			if (write_atomic(r->root, ch[i].path, old, len, &ignored) == 0)
				git_index_add_bypath(idx, ch[i].path);
		} else {
			remove_file(r->root, ch[i].path, &ignored);
			git_index_remove_bypath(idx, ch[i].path);
		}
		free(old);
	}
	git_index_write(idx);
	git_index_free(idx);
}

/* Refuses to overwrite a file whose work-tree copy differs from HEAD. */
static int
check_unchanged(struct ew_repo *r, const char *path, struct ew_err *e)
{
	git_object *obj = NULL;
	git_oid disk;
	char *spec = ew_xasprintf("HEAD:%s", path);
	char *full = ew_xasprintf("%s%s", r->root, path);
	int rc = 0;

	if (git_revparse_single(&obj, r->git, spec) < 0) {
		if (exists(full))
			rc = ew_errf(e, "'%s' is in the work tree but not committed; move it away or commit it first", path);
	} else if (git_odb_hashfile(&disk, full, GIT_OBJECT_BLOB) < 0) {
		rc = ew_errf(e, "'%s' is committed but missing from the work tree; restore it with 'git checkout -- %s'", path, path);
	} else if (git_oid_cmp(&disk, git_object_id(obj)) != 0) {
		rc = ew_errf(e, "'%s' has uncommitted changes; commit them or discard them with 'git checkout -- %s'", path, path);
	}
	git_object_free(obj);
	free(spec);
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
		rc = ew_git_err(e, "cannot compare the index with HEAD");
	} else if (git_diff_num_deltas(diff) > 0) {
		const git_diff_delta *d = git_diff_get_delta(diff, 0);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		rc = ew_errf(e, "the index has staged changes ('%s'%s); commit them, or unstage them with 'git reset', first",
			path, git_diff_num_deltas(diff) > 1 ? " and more" : "");
	}
	git_diff_free(diff);
	git_tree_free(tree);
	return rc;
}

int
ew_repo_commit(struct ew_repo *r, const struct ew_change *ch, size_t n,
	const char *msg, const char *author, char *out, struct ew_err *e)
{
	git_signature *a = NULL, *c = NULL;
	git_index *idx = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, commit_id;
	size_t written = 0;
	int rc = -1;

	if (signatures(r->git, author, &a, &c, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (check_unchanged(r, ch[i].path, e) < 0)
			goto out;
	if (git_repository_index(&idx, r->git) < 0 || git_index_read(idx, 1) < 0) {
		ew_git_err(e, "cannot read the index");
		goto out;
	}
	if (check_nothing_staged(r, idx, e) < 0)
		goto out;
	for (; written < n; written++) {
		const struct ew_change *x = &ch[written];
		if (x->data) {
			if (write_atomic(r->root, x->path, x->data, x->len, e) < 0)
				goto undo;
			if (git_index_add_bypath(idx, x->path) < 0) {
				ew_git_err(e, x->path);
				written++;
				goto undo;
			}
		} else {
			if (remove_file(r->root, x->path, e) < 0)
				goto undo;
			if (git_index_remove_bypath(idx, x->path) < 0) {
				ew_git_err(e, x->path);
				written++;
				goto undo;
			}
		}
	}
	if (git_index_write(idx) < 0 || git_index_write_tree(&tree_id, idx) < 0 ||
	    git_tree_lookup(&tree, r->git, &tree_id) < 0) {
		ew_git_err(e, "cannot write the index");
		goto undo;
	}
	git_oid head;
	if (git_reference_name_to_id(&head, r->git, "HEAD") < 0 ||
	    git_commit_lookup(&parent, r->git, &head) < 0) {
		ew_git_err(e, "cannot read HEAD");
		goto undo;
	}
	if (create_commit(r->git, a, c, msg, tree, parent, &commit_id, e) < 0)
		goto undo;
	if (out)
		git_oid_tostr(out, 41, &commit_id);
	rc = 0;
	goto out;
undo:
	git_index_free(idx);
	idx = NULL;
	roll_back(r, ch, written);
out:
	git_tree_free(tree);
	git_commit_free(parent);
	git_index_free(idx);
	git_signature_free(a);
	git_signature_free(c);
	return rc;
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

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
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
		nftw(g, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(g);
	}
	if (made_dir)
		rmdir(dir);
}

/* Writes the files of a new repository and makes its first commit. */
static int
first_commit(git_repository *git, const char *sharedir, git_signature *a,
	git_signature *c, struct ew_err *e)
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
	if (git_repository_index(&idx, git) < 0) {
		ew_git_err(e, "cannot stage files");
		goto out;
	}
	for (size_t i = 0; i < NINIT; i++)
		if (git_index_add_bypath(idx, init_files[i]) < 0) {
			ew_git_err(e, "cannot stage files");
			goto out;
		}
	if (git_index_write(idx) < 0 || git_index_write_tree(&tree_id, idx) < 0 ||
	    git_tree_lookup(&tree, git, &tree_id) < 0) {
		ew_git_err(e, "cannot make the first commit");
		goto out;
	}
	rc = create_commit(git, a, c, "Initialise ew repository\n\nEw-Action: init\n",
		tree, NULL, &commit_id, e);
out:
	git_tree_free(tree);
	git_index_free(idx);
	free(root);
	return rc;
}

int
ew_repo_init(const char *dir, const char *sharedir, const char *author,
	struct ew_err *e)
{
	git_repository *git = NULL;
	git_signature *a = NULL, *c = NULL;
	int rc = -1, made_dir, made_git;

	git_libgit2_init();
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
		ew_git_err(e, "cannot create the git repository");
	else
		rc = first_commit(git, sharedir, a, c, e);
	git_repository_free(git);
	if (rc < 0)
		undo_init(dir, made_dir, made_git);
out:
	git_signature_free(a);
	git_signature_free(c);
	git_libgit2_shutdown();
	return rc;
}
