/*
 * places.h - the gazetteer (places.csv): region > cercle > commune.
 *
 * Names are matched folded (case, accents, spaces, hyphens and
 * apostrophes ignored) against canonical names and aliases. The same name
 * can stand at several levels and under several parents (Ségou, Somo), so
 * a lookup names the level and, when known, the parent.
 */
#ifndef EW_PLACES_H
#define EW_PLACES_H

#include "err.h"
#include "util.h"

struct ew_place {
	char *level, *name, *parent, *lat, *lon; /* as in the file */
	char *key;                               /* folded name */
	struct ew_strv aliases;                  /* folded aliases */
};

struct ew_places {
	struct ew_place *v;
	size_t n;
};

/* Loads path into p (zero-initialised); free with ew_places_free. */
int ew_places_load(struct ew_places *p, const char *path, struct ew_err *e);
void ew_places_free(struct ew_places *p);

/*
 * Finds the places of level whose name or an alias matches name, under
 * parent (a canonical name) when parent is not NULL. Stores up to max of
 * them in out and returns how many there are in all.
 */
size_t ew_places_find(const struct ew_places *p, const char *level,
	const char *name, const char *parent, const struct ew_place **out,
	size_t max);

/* The canonical name closest to name at level (under parent), or NULL. */
const char *ew_places_suggest(const struct ew_places *p, const char *level,
	const char *name, const char *parent);

#endif
