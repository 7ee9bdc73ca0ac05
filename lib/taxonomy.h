/*
 * taxonomy.h - incident categories (categories.csv) with their labels and
 * ACLED mapping.
 */
#ifndef EW_TAXONOMY_H
#define EW_TAXONOMY_H

#include <stddef.h>

#include "err.h"

struct ew_category {
	char *code, *label_en, *label_fr;
	char *disorder_type, *event_type, *sub_event_type;
};

struct ew_taxonomy {
	struct ew_category *v;
	size_t n;
};

/* Loads path into t (zero-initialised); free with ew_taxonomy_free. */
int ew_taxonomy_load(struct ew_taxonomy *t, const char *path, struct ew_err *e);
void ew_taxonomy_free(struct ew_taxonomy *t);
/* The category whose code is code (ignoring case), or NULL. */
const struct ew_category *ew_taxonomy_find(const struct ew_taxonomy *t,
	const char *code);
/* The code closest to code, or NULL. */
const char *ew_taxonomy_suggest(const struct ew_taxonomy *t, const char *code);
/*
 * The label of c in the language of messages: label_fr when messages are
 * French (ew_i18n_french, i18n.h), else label_en. An empty label gives
 * the code.
 */
const char *ew_category_label(const struct ew_category *c);

#endif
