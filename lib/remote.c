/* remote.c - see remote.h */
#include "remote.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"

extern char **environ;

void
ew_shell_quote(struct ew_buf *b, const char *s)
{
	ew_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			ew_buf_adds(b, "'\\''");
		else
			ew_buf_addc(b, *s);
	}
	ew_buf_addc(b, '\'');
}

int
ew_remote_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int
ew_remote_name_valid(const char *s)
{
	if (!*s || *s == '-' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!ew_remote_name_char((unsigned char)*s))
			return 0;
	return 1;
}

char *
ew_url_basename(const char *url)
{
	char *copy = ew_xstrdup(url);
	size_t n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	const char *base = strrchr(copy, '/');
	const char *colon = strrchr(copy, ':');
	if (!base || (colon && colon > base))
		base = colon;
	char *name = ew_xstrdup(base ? base + 1 : copy);
	n = strlen(name);
	if (n > 4 && strcmp(name + n - 4, ".git") == 0)
		name[n - 4] = '\0';
	free(copy);
	return name;
}

/*
 * The name known_hosts gives the host of an ssh URL: "host", or
 * "[host]:port" for another port than 22. NULL for other URLs.
 */
static char *
known_hosts_name(const char *url)
{
	const char *h, *end;
	const char *port = NULL;

	if (strncmp(url, "ssh://", 6) == 0 || strncmp(url, "git+ssh://", 10) == 0) {
		h = strstr(url, "://") + 3;
		end = h + strcspn(h, "/");
		const char *at = memchr(h, '@', (size_t)(end - h));
		if (at)
			h = at + 1;
		if (*h == '[') { /* [host]:port or [v6] */
			const char *rb = memchr(h, ']', (size_t)(end - h));
			if (!rb)
				return NULL;
			if (rb[1] == ':')
				port = rb + 2;
			const char *host = h + 1;
			size_t hl = (size_t)(rb - host);
			if (port && !(end - port == 2 && strncmp(port, "22", 2) == 0))
				return ew_xasprintf("[%.*s]:%.*s", (int)hl, host, (int)(end - port), port);
			return ew_xstrndup(host, hl);
		}
		const char *colon = memchr(h, ':', (size_t)(end - h));
		if (colon && !(end - colon - 1 == 2 && strncmp(colon + 1, "22", 2) == 0))
			return ew_xasprintf("[%.*s]:%.*s", (int)(colon - h), h, (int)(end - colon - 1), colon + 1);
		return ew_xstrndup(h, (size_t)((colon ? colon : end) - h));
	}
	/* scp-like: [user@]host:path, where host has no '/' */
	const char *colon = strchr(url, ':');
	if (!colon || strchr(url, '/') < colon || strstr(url, "://"))
		return NULL;
	h = url;
	const char *at = memchr(h, '@', (size_t)(colon - h));
	if (at)
		h = at + 1;
	return ew_xstrndup(h, (size_t)(colon - h));
}

/* 1 when `ssh-keygen -F name -f file` finds the host in file. */
static int
in_known_hosts(const char *name, const char *file)
{
	if (access(file, R_OK) != 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("ssh-keygen", "ssh-keygen", "-F", name, "-f", file, (char *)NULL);
		_exit(127);
	}
	int ws;
	if (pid < 0)
		return 0;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

int
ew_known_host(const char *url)
{
	char *name = known_hosts_name(url);
	const char *env = getenv("EW_SSH_KNOWN_HOSTS");
	int known = 0;

	if (!name)
		return 0;
	if (name[0] == '-' || strpbrk(name, " \t\n")) {
		free(name);
		return 0;
	}
	if (env && *env) {
		known = in_known_hosts(name, env);
	} else {
		struct passwd *pw = getpwuid(getuid());
		if (pw && pw->pw_dir) {
			char *user = ew_xasprintf("%s/.ssh/known_hosts", pw->pw_dir);
			known = in_known_hosts(name, user);
			free(user);
		}
		known = known || in_known_hosts(name, "/etc/ssh/ssh_known_hosts");
	}
	free(name);
	return known;
}

static int
valid_key(const char *pin)
{
	/* "TYPE BASE64", one line, nothing a known_hosts line could misread */
	const char *sp = strchr(pin, ' ');
	if (!sp || sp == pin)
		return 0;
	if (strncmp(pin, "ssh-", 4) != 0 && strncmp(pin, "ecdsa-", 6) != 0 &&
	    strncmp(pin, "sk-", 3) != 0)
		return 0;
	for (const char *p = sp + 1; *p; p++)
		if (!(( *p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '+' || *p == '/' || *p == '='))
			return 0;
	return sp[1] != '\0';
}

int
ew_transport_init(struct ew_transport *t, const char *url, const char *pin,
	struct ew_err *e)
{
	struct ew_buf ssh = {0};
	const char *kh = getenv("EW_SSH_KNOWN_HOSTS");
	const char *key = getenv("EW_SSH_KEY");
	const char *cfg = getenv("EW_SSH_CONFIG");
	const char *token = getenv("EW_HTTPS_TOKEN");

	memset(t, 0, sizeof *t);
	if (pin && *pin) {
		if (!valid_key(pin))
			return ew_errf(e, "invalid pinned host key '%s' (expected 'TYPE BASE64' as in a .pub file, e.g. 'ssh-ed25519 AAAA...')", pin);
		char *line = ew_xasprintf("* %s\n", pin);
		t->pinfile = ew_temp_file("ew-known-hosts", line, strlen(line), e);
		free(line);
		if (!t->pinfile)
			return -1;
		kh = t->pinfile;
	}
	ew_buf_adds(&ssh, "GIT_SSH_COMMAND=ssh -o BatchMode=yes -o StrictHostKeyChecking=yes"
		" -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4");
	if (cfg && *cfg) {
		ew_buf_adds(&ssh, " -F ");
		ew_shell_quote(&ssh, cfg);
	}
	if (kh && *kh) {
		/* ssh splits the option's value at blanks unless it is in
		 * double quotes */
		if (strchr(kh, '"')) {
			ew_transport_free(t);
			ew_buf_free(&ssh);
			return ew_errf(e, "the known_hosts path '%s' holds a double quote, which ssh cannot take; move the file", kh);
		}
		char *opt = ew_xasprintf("UserKnownHostsFile=\"%s\"", kh);
		ew_buf_adds(&ssh, " -o UpdateHostKeys=no -o CheckHostIP=no -o GlobalKnownHostsFile=/dev/null -o ");
		ew_shell_quote(&ssh, opt);
		free(opt);
	}
	if (key && *key) {
		ew_buf_adds(&ssh, " -o IdentitiesOnly=yes -i ");
		ew_shell_quote(&ssh, key);
	}
	ew_strv_push(&t->env, ew_buf_detach(&ssh));
	ew_strv_push(&t->env, ew_xstrdup("GIT_SSH_VARIANT=ssh"));
	ew_strv_push(&t->env, ew_xstrdup("GIT_TERMINAL_PROMPT=0"));
	ew_strv_push(&t->env, ew_xstrdup("GIT_ASKPASS=/bin/false"));
	ew_strv_push(&t->env, ew_xstrdup("SSH_ASKPASS=/bin/false"));
	ew_strv_push(&t->env, ew_xstrdup("LC_ALL=C"));
	ew_strv_push(&t->env, ew_xstrdup("LANGUAGE="));
	/* a stalled transfer fails after a minute instead of holding the lock */
	ew_strv_push(&t->env, ew_xstrdup("GIT_HTTP_LOW_SPEED_LIMIT=100"));
	ew_strv_push(&t->env, ew_xstrdup("GIT_HTTP_LOW_SPEED_TIME=60"));
	/* never in clear text: https only */
	if (token && *token && strncmp(url, "https://", 8) == 0) {
		if (strpbrk(token, "\r\n")) {
			ew_transport_free(t);
			return ew_errf(e, "EW_HTTPS_TOKEN holds a line break; set it to the token alone");
		}
		/* http.<url>.extraHeader: the token goes to this remote only,
		 * and not after a redirect to another server */
		ew_strv_push(&t->env, ew_xstrdup("GIT_CONFIG_COUNT=2"));
		ew_strv_push(&t->env, ew_xasprintf("GIT_CONFIG_KEY_0=http.%s.extraHeader", url));
		ew_strv_push(&t->env, ew_xasprintf("GIT_CONFIG_VALUE_0=Authorization: Bearer %s", token));
		ew_strv_push(&t->env, ew_xasprintf("GIT_CONFIG_KEY_1=http.%s.followRedirects", url));
		ew_strv_push(&t->env, ew_xstrdup("GIT_CONFIG_VALUE_1=false"));
	}
	return 0;
}

void
ew_transport_free(struct ew_transport *t)
{
	if (t->pinfile) {
		unlink(t->pinfile);
		free(t->pinfile);
	}
	ew_strv_free(&t->env);
	memset(t, 0, sizeof *t);
}

/*
 * What git must not inherit: switches that would bypass the checks above,
 * variables that would point it at another repository (a hook's GIT_DIR),
 * and the token itself (a hub on a path runs its hooks here).
 */
static int
dropped(const char *var)
{
	static const char *const names[] = {"GIT_SSH=", "GIT_CONFIG_PARAMETERS=",
		"GIT_DIR=", "GIT_WORK_TREE=", "GIT_COMMON_DIR=", "GIT_INDEX_FILE=",
		"GIT_OBJECT_DIRECTORY=", "GIT_ALTERNATE_OBJECT_DIRECTORIES=",
		"GIT_NAMESPACE=", "GIT_PREFIX=", "EW_HTTPS_TOKEN=", NULL};
	for (size_t i = 0; names[i]; i++)
		if (strncmp(var, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

/* environ with t's settings over it; the strings are borrowed. */
static char **
child_env(const struct ew_transport *t)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = ew_xcalloc(n + t->env.n + 1, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t len = eq ? (size_t)(eq - environ[i]) + 1 : strlen(environ[i]);
		int over = 0;
		for (size_t j = 0; j < t->env.n && !over; j++)
			over = strncmp(t->env.v[j], environ[i], len) == 0;
		over = over || dropped(environ[i]);
		if (!over)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < t->env.n; j++)
		env[k++] = t->env.v[j];
	return env;
}

int
ew_git_run(const struct ew_transport *t, const char *dir,
	const char *const *args, struct ew_buf *out, struct ew_buf *err,
	int *status, struct ew_err *e)
{
	size_t n = 0;

	while (args[n])
		n++;
	const char **argv = ew_xcalloc(n + 6, sizeof *argv);
	size_t k = 0;
	argv[k++] = "git";
	/* objects and refs a fetch or push writes reach the disk before
	 * ew reports success, as ew's own commits do */
	argv[k++] = "-c";
	argv[k++] = "core.fsync=committed";
	if (dir) {
		argv[k++] = "-C";
		argv[k++] = dir;
	}
	for (size_t i = 0; i < n; i++)
		argv[k++] = args[i];
	char **env = child_env(t);
	int rc = ew_run(argv, env, NULL, 0, out, err, status, e);
	free(argv);
	free(env);
	if (rc < 0)
		return -1;
	if (*status == 127 && err && err->s && strstr(err->s, "cannot run git"))
		return ew_errf(e, "cannot run git; install it (Debian package git)");
	return 0;
}

/*
 * What git's stderr says went wrong, cleaned for a terminal: its first
 * "fatal:" or "error:" line, else its last line with text.
 */
static char *
last_words(const struct ew_buf *err)
{
	struct ew_buf clean = {0};
	char *best = NULL, *last = NULL;

	if (err && err->s)
		ew_neutralise(&clean, err->s, err->len, EW_TEXT_LINES);
	for (char *p = clean.s; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (!best && (strncmp(p, "fatal: ", 7) == 0 || strncmp(p, "error: ", 7) == 0))
			best = p + 7;
		if (*p)
			last = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	char *res = ew_xstrdup(best ? best : last ? last : _("git gave no reason"));
	ew_buf_free(&clean);
	return res;
}

int
ew_transport_fail(struct ew_err *e, const char *what, const char *url,
	const struct ew_buf *err)
{
	const char *s = err && err->s ? err->s : "";
	char *why = last_words(err);

	if (strstr(s, "REMOTE HOST IDENTIFICATION HAS CHANGED"))
		ew_errf(e, "%s: the ssh host key of %s has CHANGED since it was recorded; someone may be intercepting the connection. Check the new key with the hub's administrator before you replace the old one in known_hosts (ssh-keygen -R '[HOST]:PORT' -f FILE) or in the pinned key", what, url);
	else if (strstr(s, "Host key verification failed") || strstr(s, "host key is known") ||
		 strstr(s, "No matching host key"))
		ew_errf(e, "%s: the ssh host key of %s is not known; check it with the hub's administrator, then add it to the known_hosts file ssh reads ($EW_SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts; 'ssh-keyscan -p PORT HOST' prints the key) or pin it (ew clone --host-key KEY, or git config sync.REMOTE.host-key 'TYPE KEY')", what, url);
	else if (strstr(s, "Permission denied (") || strstr(s, "Too many authentication failures"))
		ew_errf(e, "%s: %s refused the ssh login; load your key into ssh-agent (ssh-add), or set EW_SSH_KEY to the key file, and check that the hub has its public key", what, url);
	else if (strstr(s, "Authentication failed") || strstr(s, "returned error: 401") ||
		 strstr(s, "returned error: 403") || strstr(s, "askpass") ||
		 strstr(s, "could not read Username"))
		ew_errf(e, "%s: %s asks for credentials or refused them; set EW_HTTPS_TOKEN to a valid token", what, url);
	else if (strstr(s, "Could not resolve hostname") || strstr(s, "Connection refused") ||
		 strstr(s, "Connection timed out") || strstr(s, "Network is unreachable") ||
		 strstr(s, "No route to host") || strstr(s, "Could not resolve host") ||
		 strstr(s, "Failed to connect"))
		ew_errf(e, "%s: cannot reach %s (%s); check the network, or try again later", what, url, why);
	else if (strstr(s, "certificate") && (strstr(s, "verif") || strstr(s, "problem")))
		ew_errf(e, "%s: the TLS certificate of %s is not trusted (%s); if the hub uses its own certificate authority, point GIT_SSL_CAINFO (or git's http.sslCAInfo) at that authority's certificate", what, url, why);
	else if (strstr(s, "Remote branch") && strstr(s, "not found"))
		ew_errf(e, "%s: %s has no such branch (%s)", what, url, why);
	else if (strstr(s, "does not appear to be a git repository") ||
		 strstr(s, "not found") || strstr(s, "No such file or directory") ||
		 strstr(s, "does not exist"))
		ew_errf(e, "%s: no repository at %s; check the remote's URL ('git remote -v'), or create a hub there with 'ew sync --init-remote'", what, url);
	else
		ew_errf(e, "%s: %s", what, why);
	free(why);
	return -1;
}
