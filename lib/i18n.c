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
		size_t n = strlen(share);
		while (n > 1 && share[n - 1] == '/')
			n--;
		while (n > 0 && share[n - 1] != '/')
			n--;
		made = n ? ew_xasprintf("%.*slocale", (int)n, share) :
			ew_xstrdup("locale");
		dir = made;
	}
	bindtextdomain("ew", dir);
	bind_textdomain_codeset("ew", "UTF-8");
	/* strerror's and getopt's words too, whatever LC_CTYPE is */
	bind_textdomain_codeset("libc", "UTF-8");
	textdomain("ew");
	free(made);
}

int
ew_i18n_french(void)
{
	/*
	 * What gettext chose, asked of gettext itself: it goes through
	 * LANGUAGE's list to the first language it has a catalogue of,
	 * which no reading of the variables here could repeat.
	 */
	/* TRANSLATORS: the code of the language of this catalogue */
	return strcmp(_("en"), "fr") == 0;
}
