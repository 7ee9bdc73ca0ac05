/* ew-sync - exchange records with remotes: fetch, merge by id, push. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "output.h"
#include "remote.h"
#include "sync.h"

static const char usage_text[] = N_(
	"usage: ew-sync [-C DIR] [-q | --quiet] [--ids] [--no-fetch] [--no-push]\n"
	"               [--retries N] [--author NAME] [REMOTE...]\n"
	"       ew-sync [-C DIR] [-q | --quiet] [--author NAME] --init-remote PATH [NAME]\n");

enum { O_AUTHOR = 256, O_IDS, O_NOFETCH, O_NOPUSH, O_RETRIES, O_INIT,
	O_VERSION };

static const struct option longopts[] = {
	{"author", required_argument, NULL, O_AUTHOR},
	{"help", no_argument, NULL, 'h'},
	{"ids", no_argument, NULL, O_IDS},
	{"init-remote", required_argument, NULL, O_INIT},
	{"no-fetch", no_argument, NULL, O_NOFETCH},
	{"no-push", no_argument, NULL, O_NOPUSH},
	{"quiet", no_argument, NULL, 'q'},
	{"retries", required_argument, NULL, O_RETRIES},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

struct opts {
	int quiet, ids, nofetch, nopush;
	long retries;
	const char *author, *init;
	struct ew_progress *progress; /* on a terminal: what is going on */
};

/* What one remote's sync did. */
struct tally {
	struct ew_strv received; /* ids, possibly repeated over attempts */
	size_t sent, conflicts;
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

/* The branch HEAD is on ("main"); the caller frees it. */
static int
branch_name(struct ew_repo *r, char **out, struct ew_err *e)
{
	git_reference *head = NULL;
	int rc = 0;

	if (git_reference_lookup(&head, r->git, "HEAD") < 0)
		return ew_git_err(e, _("cannot read HEAD"));
	const char *t = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
		? git_reference_symbolic_target(head) : NULL;
	if (!t || strncmp(t, "refs/heads/", 11) != 0)
		rc = ew_errf(e, "HEAD is not on a branch; check one out ('git checkout main') and sync again");
	else
		*out = ew_xstrdup(t + 11);
	git_reference_free(head);
	return rc;
}

/* Registers the merge driver unless .git/config has it as it should be. */
static int
ensure_driver(struct ew_repo *r, struct ew_err *e)
{
	git_config *cfg = NULL;
	git_buf cur = {0};
	char *dir = ew_bindir();
	int ok = 0;

	if (git_repository_config(&cfg, r->git) == 0 &&
	    git_config_get_string_buf(&cur, cfg, "merge.ew.driver") == 0)
		ok = strstr(cur.ptr, dir) != NULL && strstr(cur.ptr, "/ew-merge'") != NULL;
	git_buf_dispose(&cur);
	git_config_free(cfg);
	free(dir);
	return ok ? 0 : ew_register_driver(r->git, e);
}

/* Prints what the remote said (hook messages), made safe for a terminal. */
static void
show_remote_text(const char *remote, const struct ew_buf *err)
{
	struct ew_buf clean = {0};

	if (!err->s)
		return;
	ew_neutralise(&clean, err->s, err->len, EW_TEXT_LINES);
	for (char *p = clean.s; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		/* git pads the lines it relays with blanks */
		for (char *end = p + strlen(p); end > p && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		if (strncmp(p, "remote: ", 8) == 0 && p[8])
			ew_warn("%s: %s", remote, p);
		if (!nl)
			break;
		p = nl + 1;
	}
	ew_buf_free(&clean);
}

static int
remote_url(struct ew_repo *r, const char *name, char **url, struct ew_err *e)
{
	git_remote *rem = NULL;

	if (git_remote_lookup(&rem, r->git, name) < 0)
		return ew_errf(e, "no remote '%s' ('git remote -v' lists them; add one with 'git remote add %s URL')", name, name);
	*url = ew_xstrdup(git_remote_url(rem) ? git_remote_url(rem) : "");
	git_remote_free(rem);
	return 0;
}

/* The remote-tracking ref of the branch; *have = 0 when it does not exist. */
static int
tracking(struct ew_repo *r, const char *remote, const char *branch, int *have,
	git_oid *id, struct ew_err *e)
{
	char *ref = ew_xasprintf("refs/remotes/%s/%s", remote, branch);
	int rc = git_reference_name_to_id(id, r->git, ref);

	free(ref);
	*have = rc == 0;
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return ew_git_err(e, _("cannot read the remote-tracking branch"));
	return 0;
}

/*
 * A remote without the branch: a new, empty hub (everything is to send),
 * or one whose offices use another branch name (an error: pushing would
 * start a second branch that nobody else syncs).
 */
static int
no_branch(const struct ew_transport *t, struct ew_repo *r, const char *remote,
	const char *url, const char *branch, struct ew_err *e)
{
	const char *args[] = {"ls-remote", "--heads", "--", remote, NULL};
	struct ew_buf out = {0}, err = {0}, names = {0};
	int status, rc = 0;

	if (ew_git_run(t, r->root, args, &out, &err, &status, e) < 0) {
		rc = -1;
	} else if (status != 0) {
		rc = ew_transport_fail(e, "fetch", url, &err);
	} else if (out.len) {
		for (char *p = out.s; p && *p;) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			char *ref = strstr(p, "\trefs/heads/");
			if (ref) {
				if (names.len)
					ew_buf_adds(&names, ", ");
				ew_neutralise(&names, ref + 12, strlen(ref + 12), 0);
			}
			p = nl ? nl + 1 : NULL;
		}
		rc = ew_errf(e, "%s has no branch '%s' (it has: %s); ew syncs the branch of the same name, so rename this one to the hub's ('git branch -m NAME') and sync again",
			url, branch, names.s ? names.s : "");
	}
	ew_buf_free(&out);
	ew_buf_free(&err);
	ew_buf_free(&names);
	return rc;
}

/* Fetches the branch; *absent is set when the remote does not have it. */
static int
fetch(const struct opts *o, const struct ew_transport *t, struct ew_repo *r,
	const char *remote, const char *url, const char *branch, int *absent,
	struct ew_err *e)
{
	char *spec = ew_xasprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, remote, branch);
	const char *args[] = {"fetch", "--no-tags", "--no-write-fetch-head", "--", remote, spec, NULL};
	struct ew_buf err = {0};
	int status, rc = 0;

	*absent = 0;
	if (ew_git_run(t, r->root, args, NULL, &err, &status, e) < 0) {
		rc = -1;
	} else if (status != 0) {
		if (err.s && strstr(err.s, "couldn't find remote ref")) {
			*absent = 1;
			rc = no_branch(t, r, remote, url, branch, e);
		} else {
			rc = ew_transport_fail(e, "fetch", url, &err);
		}
	} else if (!o->quiet) {
		ew_progress_end(o->progress);
		show_remote_text(remote, &err);
	}
	ew_buf_free(&err);
	free(spec);
	return rc;
}

/* The number of records in HEAD. */
static int
count_records(struct ew_repo *r, size_t *n, struct ew_err *e)
{
	struct ew_strv paths = {0};
	int rc = 0;

	*n = 0;
	if (ew_repo_head_shards(r, &paths, e) < 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < paths.n; i++) {
		struct ew_rset s = {0};
		char *buf;
		size_t len;
		rc = ew_repo_read_head(r, paths.v[i], &buf, &len, e);
		if (rc == 0 && buf)
			rc = ew_rset_parse(&s, buf, len, paths.v[i], &r->schema, e);
		*n += s.n;
		ew_rset_free(&s);
		free(buf);
	}
	ew_strv_free(&paths);
	return rc;
}

/*
 * Brings theirs (when have) into HEAD: nothing, a fast-forward or a
 * merge commit. *head is HEAD afterwards.
 */
static int
integrate(const struct opts *o, struct ew_repo *r, const char *remote,
	const char *branch, int have, const git_oid *theirs, git_oid *head, struct tally *tl,
	struct ew_err *e)
{
	struct ew_cmerge m;
	git_oid ours;
	int rc = -1;

	memset(&m, 0, sizeof m);
	if (ew_repo_lock(r, e) < 0)
		return -1;
	if (git_reference_name_to_id(&ours, r->git, "HEAD") < 0) {
		ew_git_err(e, _("cannot read HEAD"));
		goto out;
	}
	*head = ours;
	if (!have) {
		rc = count_records(r, &tl->sent, e);
		goto out;
	}
	if (git_oid_equal(&ours, theirs)) {
		tl->sent = 0;
		rc = 0;
		goto out;
	}
	if (git_graph_descendant_of(r->git, &ours, theirs) == 1) {
		if (ew_merge_commits(r, &ours, theirs, EW_CMERGE_RECORDS, &m, e) < 0)
			goto out;
		tl->sent = m.rec.sent.n;
		rc = 0;
		goto out;
	}
	int ff = git_graph_descendant_of(r->git, theirs, &ours) == 1;
	if (ew_merge_commits(r, &ours, theirs, ff ? EW_CMERGE_THEIRS : 0, &m, e) < 0)
		goto out;
	if (m.conflict) {
		ew_errf(e, "%s: '%s' was changed here and on the remote, and the changes overlap; nothing was changed here. Merge it by hand: 'git merge %s/%s', settle '%s', commit, then run ew sync again",
			remote, m.conflict, remote, branch, m.conflict);
		goto out;
	}
	if (ff) {
		if (ew_repo_fast_forward(r, m.ch, m.n, theirs, e) < 0)
			goto out;
		*head = *theirs;
		tl->sent = 0;
	} else {
		struct ew_buf msg = {0};
		char out[41];
		ew_buf_addf(&msg, "Sync with %s: received %zu record%s, sent %zu\n\nEw-Action: sync\nEw-Remote: %s\n",
			remote, m.rec.received.n, m.rec.received.n == 1 ? "" : "s",
			m.rec.sent.n, remote);
		if (m.rec.nc)
			ew_buf_addf(&msg, "Ew-Conflicts: %zu\n", m.rec.nc);
		int crc = ew_repo_commit_merge(r, m.ch, m.n, msg.s, o->author, theirs, out, e);
		ew_buf_free(&msg);
		if (crc < 0)
			goto out;
		git_oid_fromstr(head, out);
		tl->sent = m.rec.sent.n;
		tl->conflicts += m.rec.nc;
	}
	for (size_t i = 0; i < m.rec.received.n; i++)
		ew_strv_push(&tl->received, ew_xstrdup(m.rec.received.v[i]));
	rc = 0;
out:
	ew_cmerge_free(&m);
	ew_repo_unlock(r);
	return rc;
}

/* PUSH_LOCKED: the remote's branch was locked (another push, or a stale
 * lock an interrupted one left) */
enum { PUSHED, PUSH_AGAIN, PUSH_LOCKED, PUSH_FAILED };

/*
 * Pushes head to the remote's branch and checks the result for that
 * reference: a rejection because the remote moved on asks for another
 * round; any other rejection (a hook's, say) is an error.
 */
static int
push(const struct opts *o, const struct ew_transport *t, struct ew_repo *r,
	const char *remote, const char *url, const char *branch,
	const git_oid *head, struct ew_err *e)
{
	char hex[41];
	git_oid_tostr(hex, sizeof hex, head);
	char *dst = ew_xasprintf("refs/heads/%s", branch);
	char *spec = ew_xasprintf("%s:%s", hex, dst);
	const char *args[] = {"push", "--porcelain", "--no-verify", "--", remote, spec, NULL};
	struct ew_buf out = {0}, err = {0};
	int status, rc = PUSH_FAILED;
	const char *line = NULL;

	if (ew_git_run(t, r->root, args, &out, &err, &status, e) < 0)
		goto done;
	/* "FLAG\tFROM:TO\tSUMMARY" for each reference */
	char *want = ew_xasprintf(":%s", dst);
	for (char *p = out.s; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		size_t wl = strlen(want);
		if (t2 && (size_t)(t2 - t1 - 1) >= wl && strncmp(t2 - wl, want, wl) == 0)
			line = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	free(want);
	if (!o->quiet) {
		ew_progress_end(o->progress);
		show_remote_text(remote, &err);
	}
	if (line && (line[0] == ' ' || line[0] == '*' || line[0] == '=') && status == 0) {
		rc = PUSHED;
	} else if (line && line[0] == '!') {
		const char *why = strrchr(line, '\t') + 1;
		if (strstr(why, "fetch first") || strstr(why, "non-fast-forward") ||
		    strstr(why, "stale info") || strstr(why, "incorrect old value"))
			rc = PUSH_AGAIN;
		else if (strstr(why, "cannot lock ref") || strstr(why, "failed to update ref"))
			rc = PUSH_LOCKED;
		else {
			struct ew_buf clean = {0};
			ew_neutralise(&clean, why, strlen(why), 0);
			if (strstr(why, "hook"))
				ew_errf(e, "push to %s: the remote refused the update of %s: %s (a hook on the hub rejected it; ask its administrator)",
					url, dst, clean.s ? clean.s : "");
			else
				ew_errf(e, "push to %s: the remote refused the update of %s: %s",
					url, dst, clean.s ? clean.s : "");
			ew_buf_free(&clean);
		}
	} else if (err.s && (strstr(err.s, "cannot lock ref") || strstr(err.s, "failed to update ref"))) {
		rc = PUSH_LOCKED;
	} else {
		ew_transport_fail(e, "push", url, &err);
	}
done:
	ew_buf_free(&out);
	ew_buf_free(&err);
	free(spec);
	free(dst);
	return rc;
}

static void
back_off(long attempt)
{
	long cap = 100L << (attempt < 6 ? attempt : 6); /* ms: 100 .. 6400 */
	long ms = 50 + (long)(((unsigned long)rand()) % (unsigned long)cap);
	struct timespec nap = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&nap, &nap) < 0 && errno == EINTR)
		;
}

static int
sync_remote(const struct opts *o, struct ew_repo *r, const char *remote,
	const char *branch, struct tally *tl, struct ew_err *e)
{
	struct ew_transport t;
	char *url = NULL, *pin = NULL, *key = ew_xasprintf("sync.%s.host-key", remote);
	int rc = -1, have;
	git_oid theirs, head;

	int shared_pin = 0, ok;
	ok = remote_url(r, remote, &url, e) == 0 &&
		ew_repo_setting_from(r, key, "ew.shared-host-keys", &pin, &shared_pin, e) == 0;
	if (ok && pin && shared_pin && ew_known_host(url)) {
		/* ew.conf comes from whoever can push to a hub: its pin is for
		 * hosts known_hosts does not know, and never overrides it */
		free(pin);
		pin = NULL;
	}
	if (!ok || ew_transport_init(&t, url, pin, e) < 0) {
		free(url);
		free(pin);
		free(key);
		return -1;
	}
	for (long attempt = 0;; attempt++) {
		int absent = 0;
		if (!o->nofetch)
			ew_progress_show(o->progress, 1, _("%s: fetching"), remote);
		if (!o->nofetch && fetch(o, &t, r, remote, url, branch, &absent, e) < 0)
			break;
		if (tracking(r, remote, branch, &have, &theirs, e) < 0)
			break;
		have = have && !absent; /* a tracking branch left from before */
		if (!have && o->nofetch && !o->init) {
			ew_errf(e, "%s: there is no remote-tracking branch %s/%s to sync with yet; sync without --no-fetch", remote, remote, branch);
			break;
		}
		ew_progress_show(o->progress, 1, _("%s: merging"), remote);
		if (integrate(o, r, remote, branch, have, &theirs, &head, tl, e) < 0)
			break;
		if (o->nopush || (have && git_oid_equal(&head, &theirs))) {
			rc = 0;
			break;
		}
		ew_progress_show(o->progress, 1, _("%s: pushing"), remote);
		int p = push(o, &t, r, remote, url, branch, &head, e);
		if (p == PUSHED) {
			rc = 0;
			break;
		}
		if (p == PUSH_FAILED)
			break;
		if (o->nofetch && p == PUSH_AGAIN) {
			ew_errf(e, "push to %s: the remote has changes this repository does not have; sync without --no-fetch", url);
			break;
		}
		if (attempt >= o->retries && p == PUSH_LOCKED) {
			ew_errf(e, "push to %s: the hub's branch stayed locked over %ld attempts: another push is running there, or an interrupted one left refs/heads/%s.lock in the hub; if no push is running, remove that file", url, attempt + 1, branch);
			break;
		}
		if (attempt >= o->retries) {
			ew_errf(e, "push to %s: the remote kept moving; gave up after %ld attempts. Run ew sync again (or raise --retries)", url, attempt + 1);
			break;
		}
		back_off(attempt);
	}
	ew_progress_end(o->progress);
	ew_transport_free(&t);
	free(url);
	free(pin);
	free(key);
	return rc;
}

/* Creates a bare hub at path and adds it as remote name. */
static int
init_remote(struct ew_repo *r, const char *path, const char *name,
	const char *branch, struct ew_err *e)
{
	git_repository *hub = NULL;
	git_remote *rem = NULL;
	git_repository_init_options io = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	struct stat st;
	int rc = 0;

	if (stat(path, &st) == 0) {
		git_repository *existing = NULL;
		if (!S_ISDIR(st.st_mode))
			return ew_errf(e, "'%s' exists and is not a directory; give a new path for the hub", path);
		if (git_repository_open_bare(&existing, path) == 0) {
			git_repository_free(existing);
			/* a hub made by an earlier run whose push failed */
			char *abs = realpath(path, NULL);
			if (git_remote_lookup(&rem, r->git, name) == 0) {
				int same = abs && git_remote_url(rem) && strcmp(git_remote_url(rem), abs) == 0;
				git_remote_free(rem);
				if (same) {
					free(abs);
					return ew_errf(e, "'%s' is already the hub '%s'; sync with it: ew sync %s", path, name, name);
				}
			}
			free(abs);
			return ew_errf(e, "'%s' is already a git repository; add it with 'git remote add %s %s' and run 'ew sync %s'", path, name, path, name);
		}
		if (!ew_dir_is_empty(path))
			return ew_errf(e, "'%s' is not empty; give a new or empty directory for the hub", path);
	}
	if (git_remote_lookup(&rem, r->git, name) == 0) {
		git_remote_free(rem);
		return ew_errf(e, "there is already a remote '%s'; give the hub another name: ew sync --init-remote %s NAME", name, path);
	}
	char *head = ew_xasprintf("refs/heads/%s", branch);
	io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
		GIT_REPOSITORY_INIT_NO_REINIT;
	io.initial_head = head;
	if (git_repository_init_ext(&hub, path, &io) < 0) {
		rc = ew_git_err(e, _("cannot create the hub"));
	} else {
		char *abs = realpath(path, NULL);
		if (git_remote_create(&rem, r->git, name, abs ? abs : path) < 0)
			rc = ew_git_err(e, _("cannot add the remote"));
		git_remote_free(rem);
		free(abs);
	}
	git_repository_free(hub);
	free(head);
	return rc;
}

/* The default name of a hub at path: its last component without .git. */
static char *
hub_name(const char *path)
{
	char *name = ew_url_basename(path);
	for (char *p = name; *p; p++)
		if (!ew_remote_name_char((unsigned char)*p))
			*p = '-';
	if (!ew_remote_name_valid(name)) {
		free(name);
		name = ew_xstrdup("hub");
	}
	return name;
}


int
main(int argc, char **argv)
{
	struct opts o = {.retries = 20};
	struct ew_progress progress;
	struct ew_repo repo;
	struct ew_err e;
	struct ew_strv remotes = {0}, all_ids = {0};
	char *branch = NULL;
	int c, status = 0;

	ew_progname = "ew-sync";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "C:hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg) != 0)
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case 'q': o.quiet = 1; break;
		case O_AUTHOR: o.author = optarg; break;
		case O_IDS: o.ids = 1; break;
		case O_INIT: o.init = optarg; break;
		case O_NOFETCH: o.nofetch = 1; break;
		case O_NOPUSH: o.nopush = 1; break;
		case O_RETRIES:
			if (!ew_parse_int(optarg, 0, 1000, &o.retries)) {
				ew_warn("invalid --retries '%s' (expected a number from 0 to 1000)", optarg);
				return 2;
			}
			break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (o.init && argc - optind > 1)
		return usage(stderr, 2);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	ew_progress_begin(&progress, o.quiet);
	o.progress = &progress;
	if (ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	if (branch_name(&repo, &branch, &e) < 0 || ensure_driver(&repo, &e) < 0)
		goto fail;
	for (int i = optind; i < argc; i++)
		if (!ew_remote_name_valid(argv[i])) {
			ew_errf(&e, "invalid remote name '%s' (letters, digits, '-', '_' and '.', not first '-' or '.')", argv[i]);
			goto fail;
		}
	if (o.init) {
		char *name = optind < argc ? ew_xstrdup(argv[optind]) : hub_name(o.init);
		if (init_remote(&repo, o.init, name, branch, &e) < 0) {
			free(name);
			goto fail;
		}
		ew_strv_push(&remotes, name);
		o.nofetch = 1;
	} else if (optind < argc) {
		for (int i = optind; i < argc; i++)
			ew_strv_push(&remotes, ew_xstrdup(argv[i]));
	} else {
		git_strarray names = {0};
		if (git_remote_list(&names, repo.git) < 0) {
			ew_git_err(&e, _("cannot list the remotes"));
			goto fail;
		}
		for (size_t i = 0; i < names.count; i++) {
			if (!ew_remote_name_valid(names.strings[i])) {
				ew_warn("skipping the remote '%s': ew syncs only with remotes whose names are letters, digits, '-', '_' and '.' (rename it with 'git remote rename')", names.strings[i]);
				status = 2;
				continue;
			}
			ew_strv_push(&remotes, ew_xstrdup(names.strings[i]));
		}
		git_strarray_dispose(&names);
		if (!remotes.n && status == 0) {
			ew_errf(&e, "no remotes to sync with; add one with 'git remote add NAME URL', or make a hub with 'ew sync --init-remote PATH'");
			goto fail;
		}
	}
	/* one sync at a time: a cron run that overlaps the previous one waits */
	int syncfd = -1;
	if (ew_repo_flock(&repo, "ew-sync.lock", _("another ew sync is running in this repository"), &syncfd, &e) < 0)
		goto fail;
	FILE *report = o.ids ? stderr : stdout;
	for (size_t i = 0; i < remotes.n; i++) {
		struct tally tl = {0};
		if (sync_remote(&o, &repo, remotes.v[i], branch, &tl, &e) < 0) {
			ew_fail(&e);
			status = 2;
		} else if (!o.quiet) {
			/* the same id may arrive in several rounds: count it once */
			ew_strv_sort_unique(&tl.received);
			size_t n = tl.received.n;
			/* a remote's name may hold bidirectional controls */
			struct ew_buf name = {0};
			ew_neutralise(&name, remotes.v[i], strlen(remotes.v[i]), 0);
			char *line = ew_xasprintf(ngettext("%s: received %zu record, sent %zu",
				"%s: received %zu records, sent %zu", n), name.s, n, tl.sent);
			ew_buf_free(&name);
			if (tl.conflicts)
				/* TRANSLATORS: %s is the line before, "origin:
				   received 3 records, sent 1" */
				fprintf(report, ngettext("%s; %zu field changed on both sides kept the later update ('ew list --conflicts' shows them)\n",
					"%s; %zu fields changed on both sides kept the later update ('ew list --conflicts' shows them)\n",
					tl.conflicts), line, tl.conflicts);
			else
				fprintf(report, "%s\n", line);
			free(line);
		}
		for (size_t k = 0; k < tl.received.n; k++)
			ew_strv_push(&all_ids, tl.received.v[k]);
		free(tl.received.v);
	}
	if (o.ids) {
		ew_strv_sort_unique(&all_ids);
		for (size_t k = 0; k < all_ids.n; k++)
			printf("%s\n", all_ids.v[k]);
	}
	if (ew_finish_stdout() != 0)
		status = 2;
	close(syncfd);
	goto out;
fail:
	status = ew_fail(&e);
out:
	ew_strv_free(&remotes);
	ew_strv_free(&all_ids);
	free(branch);
	ew_repo_close(&repo);
	return status;
}
