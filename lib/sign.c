/* sign.c - signing and checking commit signatures; see sign.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "run.h"
#include "sign.h"
#include "util.h"

/* path with a leading "~/" replaced by $HOME. */
static char *
expand_home(const char *path)
{
	const char *home = getenv("HOME");
	if (strncmp(path, "~/", 2) == 0 && home && *home)
		return ew_xasprintf("%s/%s", home, path + 2);
	return ew_xstrdup(path);
}

/* key with ~/ expanded and, when relative, under base (NULL: as it is). */
static char *
key_path(const char *key, const char *base)
{
	if (strncmp(key, "~/", 2) == 0 || key[0] == '/' || !base)
		return expand_home(key);
	return ew_xasprintf("%s/%s", base, key);
}

int
ew_signer_setup(struct ew_signer *s, const char *key, const char *format,
	const char *base, struct ew_err *e)
{
	struct stat st;

	memset(s, 0, sizeof *s);
	if (!key || !*key)
		return 0;
	if (format && strcmp(format, "ssh") == 0) {
		s->format = EW_SIG_SSH;
	} else if (format && (strcmp(format, "openpgp") == 0 ||
		strcmp(format, "gpg") == 0)) {
		s->format = EW_SIG_OPENPGP;
	} else if (format && *format) {
		return ew_errf(e, "sign.format is '%s'; it must be 'ssh' or 'openpgp'", format);
	} else {
		char *path = key_path(key, base);
		int file = strncmp(key, "~/", 2) == 0 || key[0] == '/' ||
			strncmp(key, "./", 2) == 0 || stat(path, &st) == 0;
		free(path);
		s->format = file ? EW_SIG_SSH : EW_SIG_OPENPGP;
	}
	s->key = s->format == EW_SIG_SSH ? key_path(key, base) : ew_xstrdup(key);
	return 0;
}

void
ew_signer_free(struct ew_signer *s)
{
	free(s->key);
	memset(s, 0, sizeof *s);
}

/*
 * The last line of a program's stderr with text (the error, after any
 * notes), for a message.
 */
static char *
last_line(const struct ew_buf *err)
{
	struct ew_buf clean = {0};
	char *line = NULL;

	if (err->s)
		ew_neutralise(&clean, err->s, err->len, EW_TEXT_LINES);
	for (char *p = clean.s; p && *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && strncmp(p, "Signing ", 8) != 0 && strncmp(p, "[GNUPG:]", 8) != 0) {
			free(line);
			line = ew_xstrndup(p, n);
		}
		p = nl ? nl + 1 : p + n;
	}
	ew_buf_free(&clean);
	return line ? line : ew_xstrdup(_("no message"));
}

int
ew_sign(const struct ew_signer *s, const char *data, size_t len, char **sig,
	struct ew_err *e)
{
	struct ew_buf out = {0}, err = {0};
	int status, rc = -1;
	const char *ssh[] = {"ssh-keygen", "-Y", "sign", "-n", "git", "-f",
		s->key, NULL};
	const char *gpg[] = {"gpg", "--status-fd=2", "-bsau", s->key, NULL};
	const char *const *argv = s->format == EW_SIG_SSH ? ssh : gpg;
	const char *begin = s->format == EW_SIG_SSH
		? "-----BEGIN SSH SIGNATURE-----" : "-----BEGIN PGP SIGNATURE-----";

	*sig = NULL;
	if (ew_run(argv, NULL, data, len, &out, &err, &status, e) < 0)
		goto out;
	if (status == 127) {
		ew_errf(e, "cannot sign: %s not found; install it (Debian package %s)",
			argv[0], s->format == EW_SIG_SSH ? "openssh-client" : "gpg");
	} else if (status != 0 || !out.s || strncmp(out.s, begin, strlen(begin)) != 0 ||
		(s->format == EW_SIG_OPENPGP && (!err.s || !strstr(err.s, "[GNUPG:] SIG_CREATED ")))) {
		char *why = last_line(&err);
		ew_errf(e, "cannot sign with %s key '%s': %s (check sign.key in ew.conf or .git/config)",
			s->format == EW_SIG_SSH ? "ssh" : "GnuPG", s->key, why);
		free(why);
	} else {
		*sig = ew_buf_detach(&out);
		rc = 0;
	}
out:
	ew_buf_free(&out);
	ew_buf_free(&err);
	return rc;
}

static int
check_ssh(const char *data, size_t len, const char *file,
	const char *allowed, time_t when, char **signer, char **problem,
	struct ew_err *e)
{
	struct ew_buf out = {0}, err = {0};
	int status, rc = -1;
	char at[64];
	struct tm tm;

	/* the keys' validity in allowed signers is taken at the commit's time */
	gmtime_r(&when, &tm);
	strftime(at, sizeof at, "-Overify-time=%Y%m%d%H%M%SZ", &tm);

	if (!allowed) {
		*problem = ew_xstrdup(_("an ssh signature, and no allowed-signers file to check it against"));
		return 0;
	}
	const char *find[] = {"ssh-keygen", "-Y", "find-principals", "-f", allowed,
		"-s", file, at, NULL};
	if (ew_run(find, NULL, NULL, 0, &out, &err, &status, e) < 0)
		goto out;
	if (status == 127) {
		ew_errf(e, "cannot check signatures: ssh-keygen not found; install it (Debian package openssh-client)");
		goto out;
	}
	char *nl = out.s ? strchr(out.s, '\n') : NULL;
	if (nl)
		*nl = '\0';
	if (status != 0 || !out.s || !*out.s) {
		/* ssh-keygen says why only when it is not the plain answer */
		char *why = last_line(&err);
		if (strstr(why, "No principal matched") || strcmp(why, _("no message")) == 0)
			*problem = ew_xstrdup(_("signed by a key that is not in the allowed signers"));
		else
			*problem = ew_xasprintf(_("signed by a key that is not in the allowed signers (ssh-keygen: %s)"), why);
		free(why);
		rc = 0;
		goto out;
	}
	char *principal = ew_xstrdup(out.s);
	ew_buf_reset(&out);
	ew_buf_reset(&err);
	const char *verify[] = {"ssh-keygen", "-Y", "verify", "-f", allowed,
		"-I", principal, "-n", "git", "-s", file, at, NULL};
	if (ew_run(verify, NULL, data, len, &out, &err, &status, e) < 0) {
		free(principal);
		goto out;
	}
	if (status == 0) {
		*signer = principal;
	} else {
		free(principal);
		char *why = last_line(&err);
		*problem = ew_xasprintf(_("bad signature: %s"), why);
		free(why);
	}
	rc = 0;
out:
	ew_buf_free(&out);
	ew_buf_free(&err);
	return rc;
}

static int
check_openpgp(const char *data, size_t len, const char *file, char **signer,
	char **problem, struct ew_err *e)
{
	struct ew_buf out = {0}, err = {0};
	int status;
	const char *argv[] = {"gpg", "--batch", "--no-tty", "--status-fd=1",
		"--verify", file, "-", NULL};

	if (ew_run(argv, NULL, data, len, &out, &err, &status, e) < 0)
		return -1;
	if (status == 127) {
		ew_buf_free(&out);
		ew_buf_free(&err);
		return ew_errf(e, "cannot check signatures: gpg not found; install it (Debian package gpg)");
	}
	const char *good = out.s ? strstr(out.s, "[GNUPG:] GOODSIG ") : NULL;
	const char *valid = out.s ? strstr(out.s, "[GNUPG:] VALIDSIG ") : NULL;
	if (status == 0 && good && valid) {
		valid += strlen("[GNUPG:] VALIDSIG ");
		*signer = ew_xstrndup(valid, strcspn(valid, " \n"));
	} else if (out.s && strstr(out.s, "[GNUPG:] NO_PUBKEY ")) {
		*problem = ew_xstrdup(_("signed by an OpenPGP key that is not in GnuPG's keyring"));
	} else {
		*problem = ew_xstrdup(_("bad OpenPGP signature"));
	}
	ew_buf_free(&out);
	ew_buf_free(&err);
	return 0;
}

int
ew_sig_check(const char *data, size_t len, const char *sig,
	const char *allowed_signers, time_t when, char **signer, char **problem,
	struct ew_err *e)
{
	char *file = NULL;
	int rc;

	*signer = *problem = NULL;
	int ssh = strncmp(sig, "-----BEGIN SSH SIGNATURE-----", 29) == 0;
	int pgp = strncmp(sig, "-----BEGIN PGP SIGNATURE-----", 29) == 0;
	if (!ssh && !pgp) {
		*problem = ew_xstrdup(_("a signature of an unknown kind"));
		return 0;
	}
	if (!(file = ew_temp_file("ew-sig", sig, strlen(sig), e)))
		return -1;
	rc = ssh ? check_ssh(data, len, file, allowed_signers, when, signer, problem, e)
		: check_openpgp(data, len, file, signer, problem, e);
	unlink(file);
	free(file);
	return rc;
}
