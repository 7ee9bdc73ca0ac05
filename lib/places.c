/* places.c - see places.h */
#include "places.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "i18n.h"

static int
load_rows(struct ew_csv *r, const char *path, void *ctx, struct ew_err *e)
{
	struct ew_places *p = ctx;
	struct ew_row *row;
	int col[6], got;
	static const char *const names[] = {"level", "name", "parent",
		"latitude", "longitude", "aliases"};

	if ((got = ew_csv_next(r, &row, e)) <= 0)
		return got < 0 ? -1 : ew_errf(e, "%s: empty gazetteer", path);
	for (int i = 0; i < 6; i++)
		if ((col[i] = ew_row_index(row, names[i])) < 0)
			return ew_errf(e, "%s:1: missing column '%s'", path, names[i]);
	size_t cap = 0;
	while ((got = ew_csv_next(r, &row, e)) > 0) {
		if (row->n != 6)
			return ew_errf(e, "%s:%lu: expected 6 fields, found %zu",
				path, row->line, row->n);
		if (p->n == cap) {
			cap = cap ? cap * 2 : 128;
			p->v = ew_xrealloc(p->v, cap * sizeof *p->v);
		}
		struct ew_place *pl = &p->v[p->n++];
		memset(pl, 0, sizeof *pl);
		pl->level = ew_xstrdup(row->f[col[0]]);
		pl->name = ew_xstrdup(row->f[col[1]]);
		pl->parent = ew_xstrdup(row->f[col[2]]);
		pl->lat = ew_xstrdup(row->f[col[3]]);
		pl->lon = ew_xstrdup(row->f[col[4]]);
		pl->key = ew_fold(pl->name);
		char *al = row->f[col[5]], *save = NULL;
		for (char *a = strtok_r(al, ";", &save); a; a = strtok_r(NULL, ";", &save))
			if (*a)
				ew_strv_push(&pl->aliases, ew_fold(a));
	}
	return got;
}

int
ew_places_load(struct ew_places *p, const char *path, struct ew_err *e)
{
	/* TRANSLATORS: a kind of file, in "cannot read %s 'FILE'" */
	int rc = ew_csv_load_file(path, N_("gazetteer"), load_rows, p, e);

	if (rc < 0)
		ew_places_free(p);
	return rc < 0 ? -1 : 0;
}

void
ew_places_free(struct ew_places *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct ew_place *pl = &p->v[i];
		free(pl->level);
		free(pl->name);
		free(pl->parent);
		free(pl->lat);
		free(pl->lon);
		free(pl->key);
		ew_strv_free(&pl->aliases);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static int
matches(const struct ew_place *pl, const char *key)
{
	if (strcmp(pl->key, key) == 0)
		return 1;
	for (size_t i = 0; i < pl->aliases.n; i++)
		if (strcmp(pl->aliases.v[i], key) == 0)
			return 1;
	return 0;
}

size_t
ew_places_find(const struct ew_places *p, const char *level, const char *name,
	const char *parent, const struct ew_place **out, size_t max)
{
	char *key = ew_fold(name);
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct ew_place *pl = &p->v[i];
		if (strcmp(pl->level, level) != 0 || !matches(pl, key))
			continue;
		if (parent && strcmp(pl->parent, parent) != 0)
			continue;
		if (n < max)
			out[n] = pl;
		n++;
	}
	free(key);
	return n;
}

const char *
ew_places_suggest(const struct ew_places *p, const char *level,
	const char *name, const char *parent)
{
	struct ew_near near;

	ew_near_init(&near, name);
	for (size_t i = 0; i < p->n; i++) {
		const struct ew_place *pl = &p->v[i];
		if (strcmp(pl->level, level) == 0 &&
		    (!parent || strcmp(pl->parent, parent) == 0))
			ew_near_consider(&near, pl->name);
	}
	return ew_near_done(&near);
}
