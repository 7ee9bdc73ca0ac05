/*
 * sms.c - see sms.h; the grammar is documented in ew-sms(7).
 *
 * A message is read left to right in fixed parts:
 *
 *	[SENDER<TAB>] EW PLACE TYPE [COUNT | DATE]... [free text]
 *
 * Each part is matched as tolerantly as it can be without guessing:
 * names are folded (case, accents, spaces, hyphens and apostrophes
 * ignored), a misspelt place or type is accepted only when one name is
 * clearly the closest, and anything that is still unclear is refused
 * with a reply that says what to send instead. Nothing here writes to
 * the record until the whole message has been read.
 */
#include "sms.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "i18n.h"

/* A reply goes back as one SMS. */
enum { REPLY_MAX = 160 };
/* How much of a sender's word a reply quotes. */
enum { QUOTE_MAX = 20 };
/* Tokens looked at for the structured part; the rest is free text. */
enum { MAXTOK = 64 };
/* The most words a name or a type keyword can be typed in. */
enum { MAXWORDS = 4 };
/* The largest count taken as meant; more is taken for a typing slip. */
#define COUNT_MAX 1000000L

/*
 * The words of the types, in French and English, with the misspellings
 * seen in the field. The taxonomy's own codes and labels are added to
 * them when a message is read; an entry whose code the loaded taxonomy
 * does not have is left out, so a repository's categories.csv decides
 * what can be reported. Words are written as they are shown in replies;
 * they are compared folded.
 */
static const struct {
	const char *word, *code;
} keywords[] = {
	{"ATTAQUE", "attack"}, {"ATAQUE", "attack"}, {"ATTACK", "attack"},
	{"ASSASSINAT", "attack"},
	{"AFFRONTEMENT", "clash"}, {"AFRONTEMENT", "clash"},
	{"COMBAT", "clash"}, {"CLASH", "clash"}, {"ACCROCHAGE", "clash"},
	{"EEI", "ied"}, {"IED", "ied"}, {"MINE", "ied"}, {"EXPLOSION", "ied"},
	{"ENGIN EXPLOSIF", "ied"}, {"BOMBE", "ied"},
	{"ENLEVEMENT", "abduction"}, {"RAPT", "abduction"},
	{"KIDNAPPING", "abduction"}, {"ENLEVES", "abduction"},
	{"VIOLENCE SEXUELLE", "sexual-violence"}, {"VIOL", "sexual-violence"},
	{"VBG", "sexual-violence"},
	{"MENACE", "threat"}, {"THREAT", "threat"},
	{"PRESENCE ARMEE", "armed-presence"}, {"HOMMES ARMES", "armed-presence"},
	{"HOMME ARME", "armed-presence"}, {"GROUPE ARME", "armed-presence"},
	{"PILLAGE", "looting"}, {"VOL", "looting"}, {"VOL DE BETAIL", "looting"},
	{"DEPLACEMENT", "displacement"}, {"DEPLACES", "displacement"},
	{"TENSION", "intercommunal-tension"},
	{"TENSION COMMUNAUTAIRE", "intercommunal-tension"},
	{"DISCOURS DE HAINE", "hate-speech"}, {"HAINE", "hate-speech"},
	{"RECRUTEMENT", "recruitment"},
	{"ARRESTATION", "arrest"},
	{"MANIFESTATION", "protest"},
	{"PAIX", "peace-initiative"}, {"INITIATIVE DE PAIX", "peace-initiative"},
};

/* The counts, by the letter they are given with. */
static const struct {
	char letter;
	size_t col;
	const char *what;
} counts[] = {
	/* TRANSLATORS: what the letters of the counts of an SMS stand for */
	{'S', EW_C_SEVERITY, N_("severity")},
	{'T', EW_C_KILLED, N_("killed")},
	{'B', EW_C_INJURED, N_("injured")},
	{'E', EW_C_ABDUCTED, N_("abducted")},
	{'D', EW_C_DISPLACED, N_("displaced")},
};
enum { NCOUNTS = sizeof counts / sizeof counts[0] };

struct tok {
	const char *s;
	size_t n;
};

/* What has been read of a message so far. */
struct sms {
	const struct ew_sms_ctx *ctx;
	struct ew_buf *reply;
	struct tok t[MAXTOK];
	size_t nt;
	const char *rest;         /* the text after the last token in t */
	const char *end;          /* the end of the message */
	long today;
	const struct ew_place *cercle, *commune;
	const char *code;
	struct kw *kw;            /* the words of the types */
	size_t nkw;
	long count[NCOUNTS];      /* -1: not given */
	long date;                /* -1: not given */
	struct tok datetok;       /* as typed, for messages */
};

/*
 * The refusal: the reply is made of one whole format string, which a
 * translation can reorder, and cut at REPLY_MAX bytes (at a character
 * boundary) should a long name ever push it past.
 */
static int
refuse(struct sms *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
refuse(struct sms *m, const char *fmt, ...)
{
	char line[4 * REPLY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	if (n > REPLY_MAX) {
		n = REPLY_MAX;
		while (n && ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
	}
	ew_buf_add(m->reply, line, n);
	return -1;
}

/* The length of the white space at s: a space, or a no-break space. */
static size_t
space_len(const char *s, const char *end)
{
	if (s < end && *s == ' ')
		return 1;
	if (end - s >= 2 && (unsigned char)s[0] == 0xc2 &&
	    (unsigned char)s[1] == 0xa0)
		return 2;
	return 0;
}

/* The message without the white space at its ends. */
static void
trim(const char **s, const char **end)
{
	size_t k;

	while ((k = space_len(*s, *end)))
		*s += k;
	for (;;) {
		if (*end > *s && (*end)[-1] == ' ')
			(*end)--;
		else if (*end - *s >= 2 && (unsigned char)(*end)[-2] == 0xc2 &&
		    (unsigned char)(*end)[-1] == 0xa0)
			*end -= 2;
		else
			break;
	}
}

/* Splits s..end into tokens at white space, up to MAXTOK of them. */
static void
tokenise(struct sms *m, const char *s, const char *end)
{
	size_t k;

	m->nt = 0;
	for (;;) {
		while ((k = space_len(s, end)))
			s += k;
		if (s == end || m->nt == MAXTOK)
			break;
		const char *b = s;
		while (s < end && !space_len(s, end))
			s++;
		m->t[m->nt].s = b;
		m->t[m->nt++].n = (size_t)(s - b);
	}
	m->rest = s;
	m->end = end;
}

/*
 * A word of the sender's as a reply quotes it: at most QUOTE_MAX bytes,
 * cut at a character boundary, with "..." when cut.
 */
static const char *
quote(char out[QUOTE_MAX + 4], const char *s, size_t n)
{
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(out, s, n);
		memcpy(out + n, "...", 4);
	} else {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return out;
}

/*
 * A name as a reply shows it, in the way a sender would type it: upper
 * case, accents taken off ("Barouéli" -> "BAROUELI"), spaces, hyphens
 * and apostrophes kept.
 */
static const char *
shout(char out[48], const char *name)
{
	size_t o = 0;

	for (const char *p = name; *p && o < 40;) {
		unsigned cp;
		size_t len = ew_utf8_decode(p, &cp);
		char one[5] = {0};
		memcpy(one, p, len);
		p += len;
		if (cp < 0x80) {
			out[o++] = cp >= 'a' && cp <= 'z' ? (char)(cp - 32) : (char)cp;
			continue;
		}
		char *f = ew_fold(one);
		for (char *q = f; *q && o < 40; q++)
			out[o++] = *q >= 'a' && *q <= 'z' ? (char)(*q - 32) : *q;
		free(f);
	}
	out[o] = '\0';
	return out;
}

/* t[i..i+k) folded as one name: the spaces between them drop out. */
static char *
fold_tokens(const struct sms *m, size_t i, size_t k)
{
	struct ew_buf b = {0};

	for (size_t j = i; j < i + k; j++)
		ew_buf_add(&b, m->t[j].s, m->t[j].n);
	char *f = ew_fold(b.s ? b.s : "");
	ew_buf_free(&b);
	return f;
}

/*
 * The edit distance between two folded names, counting a letter
 * changed, added, dropped, or two neighbours swapped ("DIABLAY") as one
 * edit each (the optimal string alignment distance).
 */
static size_t
typo_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), w = lb + 1;
	size_t *d = ew_xmalloc((la + 1) * w * sizeof *d);

	for (size_t i = 0; i <= la; i++)
		d[i * w] = i;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]);
			if (d[(i - 1) * w + j] + 1 < best)
				best = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < best)
				best = d[i * w + j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[(i - 2) * w + j - 2] + 1 < best)
				best = d[(i - 2) * w + j - 2] + 1;
			d[i * w + j] = best;
		}
	size_t r = d[la * w + lb];
	free(d);
	return r;
}

/*
 * How many edits a misspelling of a name of len letters may have: none
 * for three letters or fewer (SAN, BLA, DAH, SY are too close to other
 * words), one up to five, two beyond.
 */
static size_t
slack(size_t len)
{
	return len <= 3 ? 0 : len <= 5 ? 1 : 2;
}

/*
 * The distance between a folded input and a folded name, or -1 when too
 * far for the shorter of the two: SNA is not taken for SANA.
 */
static size_t
near_enough(const char *key, const char *name)
{
	size_t d = typo_distance(key, name);
	size_t lk = strlen(key), ln = strlen(name);

	return d <= slack(lk < ln ? lk : ln) ? d : (size_t)-1;
}

/*
 * The same for the words of the types, stricter on short ones: a word
 * of four letters must be typed exactly, since VIOL, VOL, PAIX, RAPT
 * and MINE are each one letter away from common words (VIAL, PAIE) and
 * from each other, and a report filed under the wrong one of them
 * raises the wrong alert.
 */
static size_t
near_type(const char *key, const char *word)
{
	return strlen(word) <= 4 ? (size_t)-1 : near_enough(key, word);
}

/* A keyword of a type, folded, with the number of words it is typed in. */
struct kw {
	char *key;
	const char *code;
	const char *show;
	size_t words;
};

static void
kw_add(struct kw *v, size_t *n, const char *word, const char *code)
{
	v[*n].key = ew_fold(word);
	v[*n].code = code;
	v[*n].show = word;
	v[*n].words = 1;
	for (const char *p = word; *p; p++)
		v[*n].words += *p == ' ';
	if (!*v[*n].key)
		free(v[*n].key);
	else
		(*n)++;
}

/*
 * The keywords this taxonomy can be reported with: the table's, less
 * those of codes it lacks, then its codes and its French and English
 * labels. The caller frees the array and its keys.
 */
static struct kw *
kw_load(const struct ew_taxonomy *tax, size_t *n)
{
	size_t nk = sizeof keywords / sizeof keywords[0];
	struct kw *v = ew_xcalloc(nk + 3 * tax->n + 1, sizeof *v);

	*n = 0;
	for (size_t i = 0; i < nk; i++) {
		const struct ew_category *c = ew_taxonomy_find(tax, keywords[i].code);
		if (c)
			kw_add(v, n, keywords[i].word, c->code);
	}
	for (size_t i = 0; i < tax->n; i++) {
		kw_add(v, n, tax->v[i].code, tax->v[i].code);
		kw_add(v, n, tax->v[i].label_fr, tax->v[i].code);
		kw_add(v, n, tax->v[i].label_en, tax->v[i].code);
	}
	return v;
}

static void
kw_free(struct kw *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

/* 1 when t looks like a count ("S4", "T=2"): a sign the type is missing. */
static int
looks_like_count(struct tok t)
{
	return t.n >= 2 && strchr("SsTtBbEeDd", t.s[0]) &&
		((t.s[1] >= '0' && t.s[1] <= '9') || t.s[1] == '=' || t.s[1] == ':');
}

/*
 * The type typed exactly (folded) at t[i]: the longest keyword of up to
 * MAXWORDS words, or one word with a plural s. Returns the tokens it
 * takes (0: none) with its code in *code.
 */
static size_t
exact_type(const struct sms *m, size_t i, const char **code)
{
	for (size_t k = MAXWORDS; k >= 1; k--) {
		if (i + k > m->nt)
			continue;
		char *key = fold_tokens(m, i, k);
		size_t len = strlen(key), j;
		for (j = 0; j < m->nkw; j++) {
			const char *w = m->kw[j].key;
			/* a plural is the word: VOLS is VOL, not VIOL */
			if (strcmp(w, key) == 0 || (k == 1 && len > 3 &&
			    key[len - 1] == 's' && strlen(w) == len - 1 &&
			    strncmp(w, key, len - 1) == 0))
				break;
		}
		free(key);
		if (j < m->nkw) {
			*code = m->kw[j].code;
			return k;
		}
	}
	return 0;
}

/*
 * The closest places for a misspelt name: the two best distinct places
 * (best[0], best[1]) and how many share the smallest distance. Places of
 * level under parent (any parent when NULL); with shadow, a commune
 * named as its cercle is left out, since that name means the cercle.
 */
struct closest {
	const struct ew_place *best[2];
	size_t dist, ties;
};

static void
closest_consider(struct closest *c, const struct ew_place *pl, size_t d)
{
	if (d == (size_t)-1 || d > c->dist)
		return;
	if (d < c->dist) {
		c->dist = d;
		c->ties = 0;
	}
	if (c->ties < 2)
		c->best[c->ties] = pl;
	c->ties++;
}

static void
closest_places(const struct ew_places *p, const char *level, const char *parent,
	int shadow, const char *key, struct closest *c)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct ew_place *pl = &p->v[i];
		if (strcmp(pl->level, level) != 0 ||
		    (parent && strcmp(pl->parent, parent) != 0))
			continue;
		if (shadow && strcmp(pl->name, pl->parent) == 0)
			continue;
		size_t d = near_enough(key, pl->key);
		for (size_t j = 0; j < pl->aliases.n; j++) {
			size_t da = near_enough(key, pl->aliases.v[j]);
			if (da < d)
				d = da;
		}
		closest_consider(c, pl, d);
	}
}

/* The one place of level called name (under parent), or NULL. */
static const struct ew_place *
find_one(const struct ew_places *p, const char *level, const char *name,
	const char *parent, size_t *n)
{
	const struct ew_place *m[2];
	size_t k = ew_places_find(p, level, name, parent, m, 2);

	if (n)
		*n = k;
	return k >= 1 ? m[0] : NULL;
}

/* The cercle a commune lies in. */
static const struct ew_place *
cercle_of(const struct ew_places *p, const struct ew_place *commune)
{
	return find_one(p, "cercle", commune->parent, NULL, NULL);
}

/* A place as a reply shows it: "NIONO", or "BAROUELI/SOMO" for a commune. */
static const char *
place_label(char out[48], const struct ew_place *pl)
{
	char c[48], n[48];

	if (strcmp(pl->level, "commune") != 0)
		return shout(out, pl->name);
	snprintf(out, 48, "%s/%s", shout(c, pl->parent), shout(n, pl->name));
	return out;
}

/*
 * A suggestion worth making: check.c's "did you mean" allows two edits
 * even to a name of two letters, which for a reply by SMS would offer SY
 * for XYZ; here the edits must leave most of the name.
 */
static const char *
plausible(const char *typed, const char *near)
{
	if (!near)
		return NULL;
	char *a = ew_fold(typed), *b = ew_fold(near);
	size_t d = typo_distance(a, b), len = strlen(b);
	free(a);
	free(b);
	return 2 * d < len + 1 ? near : NULL;
}

/* The cercles of the gazetteer, for a reply: "NIONO SAN ...". */
static void
cercle_list(const struct ew_places *p, char *out, size_t size)
{
	size_t o = 0;
	char name[48];

	out[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].level, "cercle") != 0)
			continue;
		shout(name, p->v[i].name);
		size_t len = strlen(name);
		if (o + len + 5 >= size) {
			memcpy(out + o, o ? " ..." : "...", o ? 5 : 4);
			return;
		}
		if (o)
			out[o++] = ' ';
		memcpy(out + o, name, len + 1);
		o += len;
	}
}

/* 1 when name has a letter or a digit, something a name can be near. */
static int
has_letters(const char *name)
{
	char *f = ew_fold(name);
	int yes = *f != '\0';

	free(f);
	return yes;
}

/* A place the sender's cercle part names; refuses when none is clear. */
static int
read_cercle(struct sms *m, const char *name)
{
	const struct ew_places *pl = m->ctx->places;
	char q[QUOTE_MAX + 4], a[48], b[48], list[64];

	if ((m->cercle = find_one(pl, "cercle", name, NULL, NULL)))
		return 0;
	char *key = ew_fold(name);
	struct closest c = {{NULL, NULL}, (size_t)-1, 0};
	closest_places(pl, "cercle", NULL, 0, key, &c);
	free(key);
	quote(q, name, strlen(name));
	if (c.ties == 1) {
		m->cercle = c.best[0];
		return 0;
	}
	/* "DIABALY/KOUMOU": a commune where the cercle goes */
	size_t n;
	const struct ew_place *com = find_one(pl, "commune", name, NULL, &n);
	if (com && n == 1)
		/* TRANSLATORS: an SMS reply: at most 160 bytes once filled
		   in (names take about 10 each). Keep what is typed as it
		   is: EW, CERCLE/COMMUNE, TYPE, S1-5, T#, B#, the keywords
		   in capitals. */
		return refuse(m, _("%s is a commune of %s: send EW %s/%s TYPE S1-5 T# B# text"),
			shout(a, com->name), shout(b, com->parent), b, a);
	if (c.ties > 1)
		return refuse(m, _("Unclear cercle '%s': %s or %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			q, shout(a, c.best[0]->name), shout(b, c.best[1]->name));
	const char *near = has_letters(name) ?
		plausible(name, ew_places_suggest(pl, "cercle", name, NULL)) : NULL;
	if (near)
		return refuse(m, _("Unknown cercle '%s': did you mean %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			q, shout(a, near));
	cercle_list(pl, list, sizeof list);
	return refuse(m, _("Unknown cercle '%s'. Cercles: %s. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
		q, list);
}

/* The commune of the sender's commune part, in the cercle already read. */
static int
read_commune(struct sms *m, const char *name)
{
	const struct ew_places *pl = m->ctx->places;
	const char *in = m->cercle->name;
	char q[QUOTE_MAX + 4], a[48], b[48], c2[48];
	size_t n;

	if ((m->commune = find_one(pl, "commune", name, in, NULL)))
		return 0;
	const struct ew_place *other = find_one(pl, "commune", name, NULL, &n);
	if (other && n == 1)
		return refuse(m, _("Commune %s is in cercle %s, not %s. Send: EW %s/%s TYPE S1-5 T# B# text"),
			shout(a, other->name), shout(b, other->parent), shout(c2, in),
			b, a);
	if (other)
		return refuse(m, _("Commune %s is not in cercle %s. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			shout(a, other->name), shout(b, in));
	char *key = ew_fold(name);
	struct closest c = {{NULL, NULL}, (size_t)-1, 0};
	closest_places(pl, "commune", in, 0, key, &c);
	free(key);
	quote(q, name, strlen(name));
	if (c.ties == 1) {
		m->commune = c.best[0];
		return 0;
	}
	if (c.ties > 1)
		return refuse(m, _("Unclear commune '%s': %s or %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			q, shout(a, c.best[0]->name), shout(b, c.best[1]->name));
	const char *near = has_letters(name) ?
		plausible(name, ew_places_suggest(pl, "commune", name, in)) : NULL;
	if (near)
		return refuse(m, _("Unknown commune '%s' in %s: did you mean %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			q, shout(a, in), shout(b, near));
	return refuse(m, _("Unknown commune '%s' in %s: check it, or send the cercle alone: EW %s TYPE S1-5 T# B# text"),
		q, shout(a, in), a);
}

/*
 * A place given by one name: a cercle (NIONO, which is also a commune,
 * means the cercle), else a commune found in one cercle only, else the
 * one clearly closest of both.
 */
static int
read_lone(struct sms *m, const char *name)
{
	const struct ew_places *pl = m->ctx->places;
	const struct ew_place *v[2];
	char q[QUOTE_MAX + 4], a[48], b[48], c2[48];
	size_t n;

	if ((m->cercle = find_one(pl, "cercle", name, NULL, NULL)))
		return 0;
	n = ew_places_find(pl, "commune", name, NULL, v, 2);
	if (n > 1)
		return refuse(m, _("Commune %s is in cercles %s and %s: send EW %s/%s or EW %s/%s, then TYPE S1-5 T# B# text"),
			shout(a, v[0]->name), shout(b, v[0]->parent),
			shout(c2, v[1]->parent), b, a, c2, a);
	if (n == 1) {
		m->commune = v[0];
		m->cercle = cercle_of(pl, v[0]);
		return m->cercle ? 0 : refuse(m, _("Commune %s has no cercle in the gazetteer: tell the office. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			shout(a, v[0]->name));
	}
	char *key = ew_fold(name);
	struct closest c = {{NULL, NULL}, (size_t)-1, 0};
	closest_places(pl, "cercle", NULL, 0, key, &c);
	closest_places(pl, "commune", NULL, 1, key, &c);
	free(key);
	quote(q, name, strlen(name));
	if (c.ties == 1) {
		if (strcmp(c.best[0]->level, "cercle") == 0) {
			m->cercle = c.best[0];
			return 0;
		}
		m->commune = c.best[0];
		m->cercle = cercle_of(pl, c.best[0]);
		return m->cercle ? 0 : refuse(m, _("Commune %s has no cercle in the gazetteer: tell the office. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			shout(a, c.best[0]->name));
	}
	if (c.ties > 1)
		return refuse(m, _("Unclear place '%s': %s or %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			q, place_label(a, c.best[0]), place_label(b, c.best[1]));
	const char *near = NULL;
	if (has_letters(name))
		near = plausible(name, ew_places_suggest(pl, "cercle", name, NULL));
	if (!near && has_letters(name))
		near = plausible(name, ew_places_suggest(pl, "commune", name, NULL));
	if (near)
		return refuse(m, _("Unknown place '%s': did you mean %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
			q, shout(a, near));
	return refuse(m, _("Unknown place '%s': send the cercle, then / and the commune. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
		q);
}

/* 1 when name is exactly (folded) a cercle or a commune. */
static int
is_place(const struct ew_places *pl, const char *name)
{
	return ew_places_find(pl, "cercle", name, NULL, NULL, 0) ||
		ew_places_find(pl, "commune", name, NULL, NULL, 0);
}

/*
 * The place as typed, from t[i]: "NIONO/DIABALY", also with spaces
 * around the slash ("NIONO / DIABALY"), a cercle and one of its
 * communes with a space between them ("NIONO DIABALY"), and a name of
 * several words ("SEGOU/FARAKOU MASSA") when the words together are a
 * name. Returns the number of tokens it took.
 */
static size_t
place_text(const struct sms *m, size_t i, struct ew_buf *out)
{
	const struct ew_place *c;
	const char *code;
	size_t used = 1;

	ew_buf_add(out, m->t[i].s, m->t[i].n);
	/* "NIONO/ ATTAQUE" is the cercle alone, and its type */
	while (i + used < m->nt &&
	    (m->t[i + used].s[0] == '/' || (out->s[out->len - 1] == '/' &&
	    !exact_type(m, i + used, &code)))) {
		ew_buf_add(out, m->t[i + used].s, m->t[i + used].n);
		used++;
	}
	/* "NIONO DIABALY": a cercle, then one of its communes */
	if (!strpbrk(out->s, "/,") &&
	    (c = find_one(m->ctx->places, "cercle", out->s, NULL, NULL)))
		for (size_t k = MAXWORDS - 1; k >= 1; k--) {
			if (i + used + k > m->nt)
				continue;
			struct ew_buf b = {0};
			for (size_t j = 0; j < k; j++)
				ew_buf_add(&b, m->t[i + used + j].s, m->t[i + used + j].n);
			int hit = find_one(m->ctx->places, "commune", b.s, c->name, NULL) != NULL;
			if (hit) {
				ew_buf_addc(out, '/');
				ew_buf_add(out, b.s, b.len);
			}
			ew_buf_free(&b);
			if (hit)
				return used + k;
		}
	/* the last name may go on over the next words */
	const char *slash = strrchr(out->s, '/');
	const char *last = slash ? slash + 1 : out->s;
	for (size_t k = MAXWORDS - 1; k >= 1; k--) {
		if (i + used + k > m->nt)
			continue;
		struct ew_buf b = {0};
		ew_buf_adds(&b, last);
		for (size_t j = 0; j < k; j++) {
			ew_buf_addc(&b, ' ');
			ew_buf_add(&b, m->t[i + used + j].s, m->t[i + used + j].n);
		}
		int hit = is_place(m->ctx->places, b.s);
		ew_buf_free(&b);
		if (hit) {
			for (size_t j = 0; j < k; j++) {
				ew_buf_addc(out, ' ');
				ew_buf_add(out, m->t[i + used + j].s, m->t[i + used + j].n);
			}
			return used + k;
		}
	}
	return used;
}

/*
 * Reads the place "CERCLE[/COMMUNE[/LOCATION]]" (',' also separates)
 * or a lone name. A hyphen belongs to names (Kala-Siguida), so
 * "NIONO-DIABALY" is split at a hyphen only when the whole is no name
 * and both sides are exact names. Stores the location in *loc.
 */
static int
read_place(struct sms *m, const char *text, char **loc)
{
	const struct ew_places *pl = m->ctx->places;
	char *s = ew_xstrdup(text);
	char *part[3] = {s, NULL, NULL};
	size_t np = 1;
	int rc;

	for (char *p = s; *p && np < 3; p++)
		if (*p == '/' || *p == ',') {
			*p = '\0';
			part[np++] = p + 1;
		}
	if (np == 1 && !is_place(pl, s))
		for (char *h = strchr(s, '-'); h; h = strchr(h + 1, '-')) {
			*h = '\0';
			const struct ew_place *c = find_one(pl, "cercle", s, NULL, NULL);
			if (c && find_one(pl, "commune", h + 1, c->name, NULL)) {
				part[np++] = h + 1;
				break;
			}
			*h = '-';
		}
	/* "NIONO/" or "NIONO," with nothing after: the cercle alone */
	if (np >= 2 && !*part[1] && (np == 2 || !*part[2]))
		np = 1;
	if (!*part[0]) {
		rc = refuse(m, _("Missing cercle before '/'. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text, e.g. EW NIONO/DIABALY ATTAQUE S4"));
	} else if (np == 1) {
		rc = read_lone(m, part[0]);
	} else {
		rc = read_cercle(m, part[0]);
		if (rc == 0 && *part[1])
			rc = read_commune(m, part[1]);
		if (rc == 0 && np == 3 && *part[2])
			*loc = ew_xstrdup(part[2]);
	}
	free(s);
	return rc;
}

/*
 * Matches the type at t[i]: typed exactly (exact_type), else the one
 * clearly closest keyword with as many words (one token may also be a
 * keyword of several words typed together). Returns the tokens taken,
 * or 0 after refusing.
 */
static size_t
read_type(struct sms *m, size_t i)
{
	const struct kw *kw = m->kw;
	size_t nk = m->nkw, used;
	char q[QUOTE_MAX + 4], a[48], b[48];

	if (i >= m->nt || looks_like_count(m->t[i])) {
		refuse(m, _("Missing incident type after the place, e.g. ATTAQUE, MENACE, ENLEVEMENT. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"));
		return 0;
	}
	used = exact_type(m, i, &m->code);
	for (size_t k = MAXWORDS; k >= 1 && !used; k--) {
		if (i + k > m->nt)
			continue;
		char *key = fold_tokens(m, i, k);
		size_t best = (size_t)-1, ties = 0, first = 0, second = 0;
		for (size_t j = 0; j < nk; j++) {
			if (k > 1 && kw[j].words != k)
				continue;
			size_t d = near_type(key, kw[j].key);
			if (d == (size_t)-1 || d > best)
				continue;
			if (d < best) {
				best = d;
				ties = 0;
			}
			/* keywords of one code at the same distance are one answer */
			if (ties && (strcmp(kw[j].code, kw[first].code) == 0 ||
			    (ties > 1 && strcmp(kw[j].code, kw[second].code) == 0)))
				continue;
			if (ties == 0)
				first = j;
			else if (ties == 1)
				second = j;
			ties++;
		}
		free(key);
		if (ties == 1) {
			m->code = kw[first].code;
			used = k;
		} else if (ties > 1) {
			refuse(m, _("Unclear type '%s': %s or %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
				quote(q, m->t[i].s, m->t[i].n), shout(a, kw[first].show),
				shout(b, kw[second].show));
			return 0;
		}
	}
	if (!used) {
		struct ew_near near;
		char *word = ew_xstrndup(m->t[i].s, m->t[i].n);
		ew_near_init(&near, word);
		for (size_t j = 0; j < nk; j++)
			ew_near_consider(&near, kw[j].show);
		const char *sug = plausible(word, ew_near_done(&near));
		quote(q, m->t[i].s, m->t[i].n);
		free(word);
		if (sug)
			refuse(m, _("Unknown type '%s': did you mean %s? Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
				q, shout(a, sug));
		else
			refuse(m, _("Unknown type '%s': use e.g. ATTAQUE, MENACE, ENLEVEMENT, VOL. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
				q);
	}
	return used;
}

/* Digits at s[0..n): their value, or -1 (none, or not only digits). */
static long
number(const char *s, size_t n)
{
	long v = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v <= COUNT_MAX)
			v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
count_index(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 32);
	for (int i = 0; i < NCOUNTS; i++)
		if (counts[i].letter == c)
			return i;
	return -1;
}

/*
 * Parses s[0..n) as counts: items LETTER [=|:] DIGITS, run together or
 * separated by ',' or ';', with a ',', ';' or '.' after the last.
 * Returns the number of items (their letters and values in idx and
 * val), or 0 when s is not only counts.
 */
static size_t
count_items(const char *s, size_t n, int idx[], long val[], size_t max)
{
	size_t k = 0, p = 0;

	while (p < n) {
		if (k && (s[p] == ',' || s[p] == ';' || s[p] == '.')) {
			p++;
			continue;
		}
		int c = count_index(s[p]);
		if (c < 0 || k == max)
			return 0;
		p++;
		if (p < n && (s[p] == '=' || s[p] == ':'))
			p++;
		size_t d = p;
		while (p < n && s[p] >= '0' && s[p] <= '9')
			p++;
		if (p == d)
			return 0;
		idx[k] = c;
		val[k++] = number(s + d, p - d);
	}
	return k;
}

/*
 * Reads the counts at t[i], which may take the next one or two tokens
 * when the letter stands apart ("S 4", "S = 4"). Returns the tokens
 * taken, 0 when t[i] is no count, or -1 after refusing.
 */
static int
read_counts(struct sms *m, size_t i)
{
	int idx[2 * NCOUNTS];
	long val[2 * NCOUNTS];
	size_t k = 0, used = 0;
	char q[QUOTE_MAX + 4];

	for (size_t w = 1; w <= 3 && i + w <= m->nt && !k; w++) {
		/* a separate letter is one letter, with its '=' or ':' */
		if (w > 1 && (m->t[i].n > 2 ||
		    (m->t[i].n == 2 && m->t[i].s[1] != '=' && m->t[i].s[1] != ':')))
			break;
		struct ew_buf b = {0};
		for (size_t j = 0; j < w; j++)
			ew_buf_add(&b, m->t[i + j].s, m->t[i + j].n);
		k = count_items(b.s, b.len, idx, val, 2 * NCOUNTS);
		if (k) {
			used = w;
			quote(q, b.s, b.len);
		}
		ew_buf_free(&b);
	}
	for (size_t j = 0; j < k; j++) {
		int c = idx[j];
		if (m->count[c] >= 0)
			return refuse(m, _("%c (%s) is given twice: give each count once. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
				counts[c].letter, _(counts[c].what));
		if (counts[c].col == EW_C_SEVERITY && (val[j] < 1 || val[j] > 5))
			return refuse(m, _("Severity '%s' is out of range: use S1 (minor) to S5 (very grave). Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
				q);
		if (val[j] > COUNT_MAX)
			return refuse(m, _("Count '%s' is too large: check the number. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"),
				q);
		m->count[c] = val[j];
	}
	return (int)used;
}

/*
 * Parses a day and month, with an optional year: D[D]/M[M][/YY[YY]],
 * '/', '-' or '.' between them. Returns 1 with the parts (*y is -1
 * without a year), else 0.
 */
static int
numeric_date(const char *s, size_t n, long *d, long *mo, long *y)
{
	long part[3] = {0, 0, -1};
	size_t len[3] = {0, 0, 0}, np = 0, p = 0;

	for (;;) {
		size_t b = p;
		while (p < n && s[p] >= '0' && s[p] <= '9')
			p++;
		if (p == b || p - b > 4)
			return 0;
		len[np] = p - b;
		part[np] = number(s + b, p - b);
		np++;
		if (p == n || np == 3)
			break;
		if (s[p] != '/' && s[p] != '-' && s[p] != '.')
			return 0;
		p++;
	}
	if (p != n || np < 2 || len[0] > 2 || len[1] > 2 ||
	    (np == 3 && len[2] != 2 && len[2] != 4))
		return 0;
	*d = part[0];
	*mo = part[1];
	*y = np == 3 && len[2] == 2 ? 2000 + part[2] : part[2];
	return 1;
}

/* The days since the epoch of y-mo-d, or -1 when there is no such day. */
static long
day_of(long y, long mo, long d)
{
	char s[32];
	long days;

	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	snprintf(s, sizeof s, "%04ld-%02ld-%02ld", y, mo, d);
	return ew_date_parse(s, &days) == 0 ? days : -1;
}

/*
 * Reads a date at t[i]: J (today), J-N (N days before), HIER and
 * AVANT-HIER, AUJOURDHUI, their English words, D/M, D/M/Y. Returns 1
 * when it took the token, 0 when it is no date, -1 after refusing.
 */
static int
read_date(struct sms *m, size_t i)
{
	struct tok t = m->t[i];
	char q[QUOTE_MAX + 4], prev[QUOTE_MAX + 4], today[11];
	long day = -1, d, mo, y;

	while (t.n > 1 && (t.s[t.n - 1] == ',' || t.s[t.n - 1] == ';'))
		t.n--;
	char *word = ew_xstrndup(t.s, t.n);
	char *f = ew_fold(word);
	free(word);
	if ((t.s[0] == 'J' || t.s[0] == 'j') && t.n == 1) {
		day = m->today;
	} else if ((t.s[0] == 'J' || t.s[0] == 'j') && t.n >= 3 && t.s[1] == '-' &&
	    t.n <= 6 && number(t.s + 2, t.n - 2) >= 0) {
		day = m->today - number(t.s + 2, t.n - 2);
	} else if (!strcmp(f, "hier") || !strcmp(f, "yesterday")) {
		day = m->today - 1;
	} else if (!strcmp(f, "avanthier")) {
		day = m->today - 2;
	} else if (!strcmp(f, "aujourdhui") || !strcmp(f, "auj") ||
	    !strcmp(f, "today")) {
		day = m->today;
	} else if (numeric_date(t.s, t.n, &d, &mo, &y)) {
		char now[11];
		ew_date_format(m->today, now);
		long this_year = strtol(now, NULL, 10);
		if (y >= 0) {
			day = day_of(y, mo, d);
		} else {
			/* a day and month alone: the last one, so 30/12 in
			   January is last December, and 29/02 the last leap
			   year's (at most 8 years back) */
			day = -1;
			for (long k = 0; k <= 8 && (day < 0 || day > m->today); k++)
				day = day_of(this_year - k, mo, d);
		}
		if (day < 0) {
			free(f);
			return refuse(m, _("Date '%s' does not exist: use DD/MM, DD/MM/YYYY, J-2 (2 days ago) or HIER. Send: EW CERCLE/COMMUNE TYPE text"),
				quote(q, t.s, t.n));
		}
	}
	free(f);
	if (day < 0)
		return 0;
	quote(q, t.s, t.n);
	if (m->date >= 0)
		return refuse(m, _("Two dates, '%s' and '%s': give one only. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# DD/MM text"),
			quote(prev, m->datetok.s, m->datetok.n), q);
	if (day > m->today) {
		ew_date_format(m->today, today);
		return refuse(m, _("Date '%s' is after today (%s): give the day it happened, e.g. J-1 or DD/MM. Send: EW CERCLE/COMMUNE TYPE text"),
			q, today);
	}
	m->date = day;
	m->datetok = t;
	return 1;
}

/*
 * Checks the message's bytes: UTF-8, and no control characters (a tab
 * inside the message, a line break, an escape, a bidirectional
 * override). Refuses when it is not so.
 */
static int
check_text(struct sms *m, const char *s, size_t n)
{
	if (!ew_utf8_valid(s, n))
		return refuse(m, _("Message has unreadable characters (bad encoding). Resend it as plain text: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"));
	for (size_t i = 0; i < n;) {
		unsigned cp;
		i += ew_utf8_decode(s + i, &cp);
		if (ew_cp_is_control(cp))
			return refuse(m, _("Message has control characters (tab, line break). Send it as one line: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"));
	}
	return 0;
}

/*
 * Skips the keyword EW at *s: E and W in either case, optionally with a
 * '.' between them, then '.', ':' or ',' (E.W, EW:, E.W.:), then white
 * space or, after such a mark, the place itself ("EW:NIONO"); a mark
 * standing apart ("EW : NIONO") is skipped too.
 */
static int
keyword(const char **s, const char *end)
{
	const char *p = *s;

	if (p == end || (*p != 'E' && *p != 'e'))
		return 0;
	p++;
	if (p < end && *p == '.')
		p++;
	if (p == end || (*p != 'W' && *p != 'w'))
		return 0;
	p++;
	int mark = 0;
	size_t k;
	while (p < end && (*p == '.' || *p == ':' || *p == ','))
		p++, mark = 1;
	if (p < end && !mark && !space_len(p, end))
		return 0;
	/* "EW : NIONO" */
	if (!mark) {
		while ((k = space_len(p, end)))
			p += k;
		while (p < end && (*p == '.' || *p == ':' || *p == ','))
			p++;
	}
	*s = p;
	return 1;
}

/* Reads the structured parts from t[0]; returns where the free text starts. */
static int
read_parts(struct sms *m, size_t *first, char **loc)
{
	struct ew_buf place = {0};
	size_t i = 0;
	int rc, got;

	if (m->nt == 0)
		return refuse(m, _("Missing place after EW. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text, e.g. EW NIONO/DIABALY ATTAQUE S4 T2"));
	/* "EW ATTAQUE NIONO": the type may come first */
	size_t k = exact_type(m, 0, &m->code);
	if (k && k >= m->nt)
		return refuse(m, _("Missing place after the type. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text, e.g. EW NIONO/DIABALY ATTAQUE S4 T2"));
	i = place_text(m, k, &place);
	rc = read_place(m, place.s, loc);
	ew_buf_free(&place);
	if (rc < 0)
		return -1;
	i += k;
	if (!k) {
		if (!(k = read_type(m, i)))
			return -1;
		i += k;
	}
	while (i < m->nt) {
		if ((got = read_counts(m, i)) < 0)
			return -1;
		if (!got && (got = read_date(m, i)) < 0)
			return -1;
		if (!got)
			break;
		i += (size_t)got;
	}
	*first = i;
	return 0;
}

/* Writes what was read into a new record. */
static struct ew_record *
make_record(const struct sms *m, const char *sender, size_t nsender,
	const char *text, size_t ntext, const char *loc)
{
	struct ew_record *r = ew_record_new(m->ctx->schema);
	char date[11], num[24];

	ew_date_format(m->date >= 0 ? m->date : m->today, date);
	ew_record_set(r, EW_C_EVENT_DATE, date);
	ew_record_set(r, EW_C_DATE_PRECISION, "1");
	ew_record_set(r, EW_C_CHANNEL, "sms");
	if (nsender)
		ew_record_setn(r, EW_C_REPORTER, sender, nsender);
	ew_record_set(r, EW_C_REGION, m->cercle->parent);
	ew_record_set(r, EW_C_CERCLE, m->cercle->name);
	if (m->commune)
		ew_record_set(r, EW_C_COMMUNE, m->commune->name);
	if (loc)
		ew_record_set(r, EW_C_LOCATION, loc);
	ew_record_set(r, EW_C_CATEGORY, m->code);
	for (int i = 0; i < NCOUNTS; i++)
		if (m->count[i] >= 0) {
			snprintf(num, sizeof num, "%ld", m->count[i]);
			ew_record_set(r, counts[i].col, num);
		}
	if (ntext)
		ew_record_setn(r, EW_C_DESCRIPTION, text, ntext);
	return r;
}

int
ew_sms_parse(const struct ew_sms_ctx *ctx, const char *msg,
	struct ew_record **rec, struct ew_buf *reply)
{
	struct sms m = {.ctx = ctx, .reply = reply, .date = -1};
	const char *s = msg, *end = msg + strlen(msg);
	const char *sender = NULL, *send_end = NULL;
	char *body = NULL, *loc = NULL;
	size_t first = 0;
	int rc = -1;

	*rec = NULL;
	for (int i = 0; i < NCOUNTS; i++)
		m.count[i] = -1;
	if (ew_date_parse(ctx->today ? ctx->today : "", &m.today) < 0)
		/* TRANSLATORS: an SMS reply: at most 160 bytes */
		return refuse(&m, _("The server has no date for today; your report was not saved. Please send it again later."));
	/* a line from a gateway on CRLF */
	if (end > s && end[-1] == '\r')
		end--;
	const char *tab = memchr(s, '\t', (size_t)(end - s));
	if (tab) {
		sender = s;
		send_end = tab;
		trim(&sender, &send_end);
		s = tab + 1;
	}
	if (check_text(&m, msg, (size_t)(tab ? tab - msg : 0)) < 0 ||
	    check_text(&m, s, (size_t)(end - s)) < 0)
		return -1;
	trim(&s, &end);
	if (s == end)
		return refuse(&m, _("Empty message. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text, e.g. EW NIONO/DIABALY ATTAQUE S4 T2 B3 hommes armes"));
	if (!keyword(&s, end))
		return refuse(&m, _("Reports must start with EW. Send: EW CERCLE/COMMUNE TYPE S1-5 T# B# text, e.g. EW NIONO/DIABALY ATTAQUE S4 T2"));
	body = ew_xstrndup(s, (size_t)(end - s));
	tokenise(&m, body, body + strlen(body));
	m.kw = kw_load(ctx->tax, &m.nkw);
	if (read_parts(&m, &first, &loc) == 0) {
		const char *text = first < m.nt ? m.t[first].s : m.rest;
		const char *text_end = m.end;
		trim(&text, &text_end);
		*rec = make_record(&m, sender, sender ? (size_t)(send_end - sender) : 0,
			text, (size_t)(text_end - text), loc);
		rc = 0;
	}
	kw_free(m.kw, m.nkw);
	free(loc);
	free(body);
	return rc;
}
