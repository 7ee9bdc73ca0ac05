/*
 * i18n.h - messages in the user's language, through gettext.
 *
 * The text domain is "ew". What a person reads (errors, --help, table
 * headers, notifications, the report) is marked: _("...") where it is
 * used, N_("...") in a static table that is looked up with _() later.
 * ew_errf, ew_warn and the checker's problems translate their format
 * themselves, so their literals need no mark (the Makefile's xgettext
 * keywords find them).
 *
 * Only LC_MESSAGES follows the locale: numbers, dates and character
 * classes stay those of the C locale, so that what ew writes and parses
 * (coordinates such as 13.44, CSV) does not change with the user's
 * language. Translations are read as UTF-8 whatever LC_CTYPE is.
 */
#ifndef EW_I18N_H
#define EW_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Sets LC_MESSAGES from the environment and binds the domain to the
 * catalogues under $EW_LOCALEDIR, else the "locale" directory beside
 * the share directory (ew_sharedir(): PREFIX/share/locale once
 * installed, share/locale in the source tree).
 */
void ew_i18n_init(void);

/* 1 when messages are in French (as gettext chose the catalogue), else 0. */
int ew_i18n_french(void);

#endif
