/* test-run.c - running child programs, and how signing keys are read. */
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "sign.h"
#include "unit.h"

/* More than a pipe holds both ways: a child that echoes must not deadlock. */
static void
test_run_big(void)
{
	size_t n = 1 << 20;
	char *in = malloc(n);
	for (size_t i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	const char *argv[] = {"cat", NULL};
	struct ew_buf out = {0}, err = {0};
	struct ew_err e;
	int status = -1;
	UNIT_CHECK(ew_run(argv, NULL, in, n, &out, &err, &status, &e) == 0 && status == 0,
		"ew_run: cat of 1 MiB exits 0");
	UNIT_MEM(out.s, out.len, in, n, "ew_run: 1 MiB through cat comes back whole");
	ew_buf_free(&out);
	ew_buf_free(&err);
	free(in);
}

static void
test_run_status(void)
{
	struct ew_buf out = {0}, err = {0};
	struct ew_err e;
	int status = -1;
	const char *sh[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	UNIT_CHECK(ew_run(sh, NULL, NULL, 0, &out, &err, &status, &e) == 0,
		"ew_run: sh runs");
	UNIT_LONG(status, 3, "ew_run: the exit status comes back");
	UNIT_STR(out.s, "out\n", "ew_run: stdout is collected");
	UNIT_STR(err.s, "err\n", "ew_run: stderr is collected apart");
	ew_buf_reset(&out);
	const char *kill[] = {"sh", "-c", "kill -TERM $$", NULL};
	UNIT_CHECK(ew_run(kill, NULL, NULL, 0, &out, NULL, &status, &e) == 0 && status == 128 + 15,
		"ew_run: a signal gives 128 + its number");
	const char *none[] = {"ew-no-such-program", NULL};
	UNIT_CHECK(ew_run(none, NULL, NULL, 0, NULL, NULL, &status, &e) == 0 && status == 127,
		"ew_run: a program that is not found gives 127");
	/* a child that does not read its input does not hang the writer */
	const char *quit[] = {"true", NULL};
	char big[200000];
	memset(big, 'x', sizeof big);
	UNIT_CHECK(ew_run(quit, NULL, big, sizeof big, NULL, NULL, &status, &e) == 0 && status == 0,
		"ew_run: a child that ignores its stdin ends the run");
	ew_buf_free(&out);
	ew_buf_free(&err);
}

static void
test_signer(void)
{
	struct ew_signer s;
	struct ew_err e;

	setenv("HOME", "/home/someone", 1);
	UNIT_CHECK(ew_signer_setup(&s, NULL, NULL, NULL, &e) == 0 && s.format == EW_SIG_NONE,
		"ew_signer_setup: no key, no signing");
	UNIT_CHECK(ew_signer_setup(&s, "", "ssh", NULL, &e) == 0 && s.format == EW_SIG_NONE,
		"ew_signer_setup: an empty key turns signing off");
	UNIT_CHECK(ew_signer_setup(&s, "~/.ssh/id_ed25519", NULL, NULL, &e) == 0 &&
		s.format == EW_SIG_SSH, "ew_signer_setup: ~/ is an ssh key file");
	UNIT_STR(s.key, "/home/someone/.ssh/id_ed25519", "ew_signer_setup: ~/ is $HOME");
	ew_signer_free(&s);
	UNIT_CHECK(ew_signer_setup(&s, "keys/office", "ssh", "/srv/ew", &e) == 0 &&
		s.format == EW_SIG_SSH, "ew_signer_setup: a relative key file with format = ssh");
	UNIT_STR(s.key, "/srv/ew/keys/office", "ew_signer_setup: a relative key file is under the repository");
	ew_signer_free(&s);
	UNIT_CHECK(ew_signer_setup(&s, "3AA5C34371567BD2", NULL, NULL, &e) == 0 &&
		s.format == EW_SIG_OPENPGP, "ew_signer_setup: a key id is a GnuPG key");
	UNIT_STR(s.key, "3AA5C34371567BD2", "ew_signer_setup: the key id is kept as it is");
	ew_signer_free(&s);
	UNIT_CHECK(ew_signer_setup(&s, "ops@example.org", "openpgp", NULL, &e) == 0 &&
		s.format == EW_SIG_OPENPGP, "ew_signer_setup: format = openpgp");
	ew_signer_free(&s);
	UNIT_CHECK(ew_signer_setup(&s, "/etc/key", "x509", NULL, &e) < 0 &&
		strstr(e.msg, "'ssh' or 'openpgp'"), "ew_signer_setup: an unknown format is an error that says the choices");
	char *signer = NULL, *problem = NULL;
	UNIT_CHECK(ew_sig_check("data", 4, "not a signature", NULL, 0, &signer, &problem, &e) == 0 &&
		!signer && problem && strstr(problem, "unknown kind"),
		"ew_sig_check: text that is no signature is a problem, not a crash");
	free(problem);
	problem = NULL;
	UNIT_CHECK(ew_sig_check("data", 4, "-----BEGIN SSH SIGNATURE-----\nx\n-----END SSH SIGNATURE-----\n",
		NULL, 0, &signer, &problem, &e) == 0 && problem && strstr(problem, "allowed-signers"),
		"ew_sig_check: an ssh signature without allowed signers cannot be good");
	free(problem);
}

void
test_run(void)
{
	test_run_big();
	test_run_status();
	test_signer();
}
