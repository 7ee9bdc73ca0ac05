/* i18n.c - see i18n.h */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "util.h"

void
ew_i18n_init(void)
{
	const char *dir = getenv("EW_LOCALEDIR");
	char *made = NULL;

	setlocale(LC_MESSAGES, "");
	if (!dir || !*dir) {
		/* SHAREDIR is PREFIX/share/ew: its sibling "locale" */
		const char *share = ew_sharedir();
		const char *slash = strrchr(share, '/');
		size_t n = slash ? (size_t)(slash - share) : 0;
		made = ew_xasprintf("%.*s/locale", (int)n, share);
		if (!slash)
			strcpy(made, "locale");
		dir = made;
	}
	bindtextdomain("ew", dir);
	bind_textdomain_codeset("ew", "UTF-8");
	textdomain("ew");
	free(made);
}

int
ew_i18n_french(void)
{
	/* what gettext itself goes by: LANGUAGE, then the locale's name */
	const char *lang = getenv("LANGUAGE");
	const char *loc = setlocale(LC_MESSAGES, NULL);

	/* as gettext: only the C locale itself ignores LANGUAGE (C.UTF-8 does not) */
	if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return 0;
	if (lang && *lang)
		return strncmp(lang, "fr", 2) == 0;
	return strncmp(loc, "fr", 2) == 0;
}
