/*
 * remote.h - reaching other repositories through git(1): fetch, push and
 * clone over ssh, https or a path.
 *
 * git does the transfer, so ssh is OpenSSH with its agent, keys and
 * known_hosts. The host key is always checked (StrictHostKeyChecking=yes,
 * never asked): against known_hosts, $EW_SSH_KNOWN_HOSTS, or a key pinned
 * for the remote. git never prompts; an https token comes from
 * $EW_HTTPS_TOKEN and reaches git through its environment, not argv.
 */
#ifndef EW_REMOTE_H
#define EW_REMOTE_H

#include "err.h"
#include "util.h"

struct ew_transport {
	char *pinfile;        /* temporary known_hosts of a pinned key */
	struct ew_strv env;   /* NAME=VALUE set for git */
};

/*
 * Sets up the environment git runs with to reach url; pin is a host key
 * ("ssh-ed25519 AAAA...") to accept instead of known_hosts, or NULL. An
 * https token goes to url only.
 */
int ew_transport_init(struct ew_transport *t, const char *url,
	const char *pin, struct ew_err *e);
void ew_transport_free(struct ew_transport *t);

/*
 * Runs git with args (args[0] is the git command, e.g. "fetch") in dir
 * (NULL: here). Its stdout goes to out and its stderr to err (either may
 * be NULL), its exit status to *status. Fails only when git cannot run.
 */
int ew_git_run(const struct ew_transport *t, const char *dir,
	const char *const *args, struct ew_buf *out, struct ew_buf *err,
	int *status, struct ew_err *e);

/*
 * Explains a failed transfer with url from git's stderr, as "what: why;
 * what to do".
 */
int ew_transport_fail(struct ew_err *e, const char *what, const char *url,
	const struct ew_buf *err);

/*
 * The names ew gives remotes: letters, digits, '-', '_' and '.', not
 * starting with '-' or '.'. ew_remote_name_char says whether c may be in
 * one.
 */
int ew_remote_name_char(int c);
int ew_remote_name_valid(const char *s);

/*
 * The last part of a URL or path, less a final ".git" ("ssh://h/srv/
 * segou.git" and "h:segou.git/" give "segou"), as git clone names its
 * directory. The caller frees it.
 */
char *ew_url_basename(const char *url);

/*
 * 1 when ssh's known_hosts ($EW_SSH_KNOWN_HOSTS, else the user's and the
 * system's) has a key for the host of the ssh URL url; 0 when it has none
 * or url is not an ssh URL.
 */
int ew_known_host(const char *url);

/* Appends s to b in single quotes, for sh. */
void ew_shell_quote(struct ew_buf *b, const char *s);

#endif
