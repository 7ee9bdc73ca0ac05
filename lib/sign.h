/*
 * sign.h - signing commits and checking their signatures, with OpenSSH's
 * ssh-keygen or GnuPG, in the forms git itself writes and checks.
 */
#ifndef EW_SIGN_H
#define EW_SIGN_H

#include <stddef.h>
#include <time.h>

#include "err.h"

enum ew_sig_format { EW_SIG_NONE, EW_SIG_SSH, EW_SIG_OPENPGP };

struct ew_signer {
	enum ew_sig_format format;
	char *key; /* an ssh key file (~ expanded) or a GnuPG key id */
};

/*
 * Sets up s from the settings sign.key and sign.format ("ssh" or
 * "openpgp"; without it, a key that names a file or starts with "~/",
 * "/" or "./" is an ssh key and anything else a GnuPG key id). A relative
 * key file is under base (the repository's top directory; NULL: the
 * current directory). key NULL or empty: no signing.
 */
int ew_signer_setup(struct ew_signer *s, const char *key, const char *format,
	const char *base, struct ew_err *e);
void ew_signer_free(struct ew_signer *s);

/*
 * Signs data[0..len) as git signs a commit: an armoured detached
 * signature into *sig (caller frees).
 */
int ew_sign(const struct ew_signer *s, const char *data, size_t len,
	char **sig, struct ew_err *e);

/*
 * Checks sig over data. ssh signatures are checked against the
 * allowed-signers file (as git's gpg.ssh.allowedSignersFile), with the
 * keys' valid-after and valid-before taken at time when (the commit's), OpenPGP
 * signatures against GnuPG's keyring. Returns 0 with *problem NULL and
 * *signer the principal or key when the signature is good, 0 with
 * *problem saying why when it is not, -1 when the check could not run.
 * The caller frees *signer and *problem.
 */
int ew_sig_check(const char *data, size_t len, const char *sig,
	const char *allowed_signers, time_t when, char **signer, char **problem,
	struct ew_err *e);

#endif
