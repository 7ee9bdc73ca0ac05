/* taxonomy.c - see taxonomy.h */
#include "taxonomy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "i18n.h"
#include "util.h"

enum { NCOLS = 6 };
static const char *const names[NCOLS] = {"code", "label_en", "label_fr",
	"acled_disorder_type", "acled_event_type", "acled_sub_event_type"};

static int
load_rows(struct ew_csv *r, const char *path, void *ctx, struct ew_err *e)
{
	struct ew_taxonomy *t = ctx;
	struct ew_row *row;
	int col[NCOLS], got;
	size_t cap = 0;

	if ((got = ew_csv_next(r, &row, e)) <= 0)
		return got < 0 ? -1 : ew_errf(e, "%s: empty taxonomy", path);
	for (int i = 0; i < NCOLS; i++)
		if ((col[i] = ew_row_index(row, names[i])) < 0)
			return ew_errf(e, "%s:1: missing column '%s'", path, names[i]);
	size_t width = row->n;
	while ((got = ew_csv_next(r, &row, e)) > 0) {
		if (row->n != width)
			return ew_errf(e, "%s:%lu: expected %zu fields, found %zu",
				path, row->line, width, row->n);
		if (t->n == cap) {
			cap = cap ? cap * 2 : 32;
			t->v = ew_xrealloc(t->v, cap * sizeof *t->v);
		}
		struct ew_category *c = &t->v[t->n++];
		c->code = ew_xstrdup(row->f[col[0]]);
		c->label_en = ew_xstrdup(row->f[col[1]]);
		c->label_fr = ew_xstrdup(row->f[col[2]]);
		c->disorder_type = ew_xstrdup(row->f[col[3]]);
		c->event_type = ew_xstrdup(row->f[col[4]]);
		c->sub_event_type = ew_xstrdup(row->f[col[5]]);
	}
	return got;
}

int
ew_taxonomy_load(struct ew_taxonomy *t, const char *path, struct ew_err *e)
{
	int rc = ew_csv_load_file(path, N_("taxonomy"), load_rows, t, e);

	if (rc < 0)
		ew_taxonomy_free(t);
	return rc < 0 ? -1 : 0;
}

void
ew_taxonomy_free(struct ew_taxonomy *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct ew_category *c = &t->v[i];
		free(c->code);
		free(c->label_en);
		free(c->label_fr);
		free(c->disorder_type);
		free(c->event_type);
		free(c->sub_event_type);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const struct ew_category *
ew_taxonomy_find(const struct ew_taxonomy *t, const char *code)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcasecmp(t->v[i].code, code) == 0)
			return &t->v[i];
	return NULL;
}

const char *
ew_taxonomy_suggest(const struct ew_taxonomy *t, const char *code)
{
	struct ew_near near;

	ew_near_init(&near, code);
	for (size_t i = 0; i < t->n; i++)
		ew_near_consider(&near, t->v[i].code);
	return ew_near_done(&near);
}

const char *
ew_category_label(const struct ew_category *c)
{
	/* the language gettext shows messages in, so the two agree */
	int fr = ew_i18n_french();
	const char *label = fr ? c->label_fr : c->label_en;

	if (!label || !*label)
		label = fr && c->label_en && *c->label_en ? c->label_en : c->code;
	return label;
}
