/*
 * gen.c - generate incident records for the ew benchmark.
 *
 *	gen -n N [-s SEED] [-m RECORDS_PER_MONTH] [-d SHAREDIR]
 *
 * Prints N records as CSV with a header row on stdout, over the real
 * gazetteer (SHAREDIR/places.csv) and taxonomy (SHAREDIR/categories.csv).
 * The same N, SEED, RECORDS_PER_MONTH and share files always give the same
 * bytes: the generator uses its own PRNG and integer arithmetic only.
 *
 * Months are consecutive from 2016-01, each with about RECORDS_PER_MONTH
 * records (within 1/8 either way), so shards come out about the same size
 * whatever N is.  Dates never reach 2026-11: when N needs more months than
 * 2016-01..2026-10 holds, the records per month are raised to fit.
 *
 * Only libc.  Build: cc -O2 -o gen gen.c
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIRST_YEAR 2016
#define MAX_MONTHS 130 /* 2016-01 .. 2026-10 */

/* --- PRNG: xoshiro256** seeded through splitmix64 ------------------------ */

static uint64_t rs[4];

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

/* A uniform integer in [0, n). */
static unsigned
below(unsigned n)
{
	return (unsigned)((rnd() >> 11) % n);
}

/* True with probability pct/100. */
static int
chance(unsigned pct)
{
	return below(100) < pct;
}

/* An index drawn from integer weights w[0..n-1]. */
static size_t
pick(const unsigned *w, size_t n)
{
	unsigned total = 0, r;

	for (size_t i = 0; i < n; i++)
		total += w[i];
	r = below(total);
	for (size_t i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

/* A count >= 1 with a long tail: 1 plus a geometric number, mean about
 * 1 + 1/(1-p) with p = pct/100, capped. */
static unsigned
tail(unsigned pct, unsigned cap)
{
	unsigned k = 1;

	while (k < cap && chance(pct))
		k++;
	return k;
}

/* --- share files ---------------------------------------------------------- */

struct cercle {
	char *name;
	char code[4];      /* for reporter codes: NIO, SEG, ... */
	unsigned weight;
	char **communes;
	unsigned *cw;      /* commune weights */
	size_t ncommunes;
};

static struct cercle *cercles;
static size_t ncercles;
static unsigned *cercle_w;
static char **cats;
static unsigned *cat_w;
static size_t ncats;

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "gen: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n)))
		die("%s", "out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		die("%s", "out of memory");
	return d;
}

static FILE *
open_share(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "r")))
		die("cannot read '%s'", path);
	return f;
}

/* Splits line at commas in place (no quoted fields in these files). */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		if (!(line = strchr(line, ',')))
			break;
		*line++ = '\0';
	}
	return n;
}

/* Conflict is heavier in the north and centre (Niono, Macina) than in the
 * south and east; a cercle the table does not know gets a middle weight. */
static unsigned
cercle_weight(const char *name)
{
	static const struct { const char *name; unsigned w; } t[] = {
		{"Niono", 26}, {"Macina", 22}, {"Ségou", 13}, {"San", 12},
		{"Tominian", 10}, {"Bla", 9}, {"Barouéli", 8},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].w;
	return 10;
}

/* First three letters, accents folded, upper case: "Ségou" -> "SEG". */
static void
cercle_code(const char *name, char code[4])
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = 0;

	for (; *s && n < 3; s++) {
		int c = *s;
		if (c == 0xc3 && s[1]) {
			int d = *++s;
			c = d >= 0x80 && d <= 0x86 ? 'A' : d == 0x87 ? 'C' :
			    d >= 0x88 && d <= 0x8b ? 'E' : d >= 0x8c && d <= 0x8f ? 'I' :
			    d >= 0x92 && d <= 0x96 ? 'O' : d >= 0x99 && d <= 0x9c ? 'U' :
			    d >= 0xa0 && d <= 0xa6 ? 'a' : d == 0xa7 ? 'c' :
			    d >= 0xa8 && d <= 0xab ? 'e' : d >= 0xac && d <= 0xaf ? 'i' :
			    d >= 0xb2 && d <= 0xb6 ? 'o' : d >= 0xb9 && d <= 0xbc ? 'u' : 0;
		} else if (c >= 0x80) {
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			code[n++] = (char)(c >= 'a' ? c - 32 : c);
	}
	code[n] = '\0';
}

/* How often each category is reported, and how grave it tends to be
 * (0 low, 1 middle, 2 high).  Unknown codes: rare, middle. */
static const struct catinfo {
	const char *code;
	unsigned weight;
	int grav;
} catinfo[] = {
	{"threat", 15, 1}, {"armed-presence", 14, 1}, {"attack", 10, 2},
	{"intercommunal-tension", 9, 1}, {"displacement", 7, 1},
	{"abduction", 7, 2}, {"hate-speech", 6, 0}, {"looting", 6, 1},
	{"clash", 5, 2}, {"ied", 4, 2}, {"recruitment", 4, 1}, {"arrest", 4, 0},
	{"protest", 3, 0}, {"sexual-violence", 3, 2}, {"peace-initiative", 3, 0},
};

static const struct catinfo *
info(const char *code)
{
	static const struct catinfo other = {"", 2, 1};
	for (size_t i = 0; i < sizeof catinfo / sizeof catinfo[0]; i++)
		if (strcmp(catinfo[i].code, code) == 0)
			return &catinfo[i];
	return &other;
}

static void
load_places(const char *dir)
{
	FILE *f = open_share(dir, "places.csv");
	char line[1024], *fld[6];

	if (!fgets(line, sizeof line, f))
		die("%s", "places.csv is empty");
	while (fgets(line, sizeof line, f)) {
		if (split(line, fld, 6) < 3)
			continue;
		if (strcmp(fld[0], "cercle") == 0) {
			cercles = xrealloc(cercles, (ncercles + 1) * sizeof *cercles);
			struct cercle *c = &cercles[ncercles++];
			memset(c, 0, sizeof *c);
			c->name = xstrdup(fld[1]);
			c->weight = cercle_weight(c->name);
			cercle_code(c->name, c->code);
		}
	}
	/* Communes may come before or after their cercle: a second pass. */
	rewind(f);
	if (!fgets(line, sizeof line, f))
		die("%s", "places.csv is empty");
	while (fgets(line, sizeof line, f)) {
		if (split(line, fld, 6) < 3 || strcmp(fld[0], "commune") != 0)
			continue;
		for (size_t i = 0; i < ncercles; i++) {
			struct cercle *c = &cercles[i];
			if (strcmp(c->name, fld[2]) != 0)
				continue;
			c->communes = xrealloc(c->communes, (c->ncommunes + 1) * sizeof *c->communes);
			c->cw = xrealloc(c->cw, (c->ncommunes + 1) * sizeof *c->cw);
			/* The chef-lieu reports most: more people, more
			 * monitors; the others get 1 to 3 in turn. */
			c->cw[c->ncommunes] = strcmp(fld[1], c->name) == 0 ? 6 :
				1 + (unsigned)(c->ncommunes % 3);
			c->communes[c->ncommunes++] = xstrdup(fld[1]);
			break;
		}
	}
	fclose(f);
	if (!ncercles)
		die("%s", "places.csv has no cercle");
	cercle_w = xrealloc(NULL, ncercles * sizeof *cercle_w);
	for (size_t i = 0; i < ncercles; i++)
		cercle_w[i] = cercles[i].ncommunes ? cercles[i].weight : 0;
}

static void
load_categories(const char *dir)
{
	FILE *f = open_share(dir, "categories.csv");
	char line[1024], *fld[1];

	if (!fgets(line, sizeof line, f))
		die("%s", "categories.csv is empty");
	while (fgets(line, sizeof line, f)) {
		if (split(line, fld, 1) < 1 || !*fld[0])
			continue;
		fld[0][strcspn(fld[0], ",")] = '\0';
		cats = xrealloc(cats, (ncats + 1) * sizeof *cats);
		cats[ncats++] = xstrdup(fld[0]);
	}
	fclose(f);
	if (!ncats)
		die("%s", "categories.csv has no category");
	cat_w = xrealloc(NULL, ncats * sizeof *cat_w);
	for (size_t i = 0; i < ncats; i++)
		cat_w[i] = info(cats[i])->weight;
}

/* --- the records ----------------------------------------------------------- */

/* Descriptions: %s is the commune.  Quotes, commas, accents, apostrophes. */
static const char *const desc_attack[] = {
	"Des hommes armés à moto ont attaqué le marché de %s, %u mort(s) selon le chef de village.",
	"Attaque nocturne d'un hameau près de %s : greniers incendiés, bétail emporté, la population a fui vers la brousse.",
	"Un car de transport a été pris pour cible sur la route de %s ; le chauffeur parle d'« au moins dix assaillants ».",
};
static const char *const desc_clash[] = {
	"Échanges de tirs entre l'armée et un groupe armé aux abords de %s, pendant près de deux heures.",
	"Affrontement entre chasseurs dozos et hommes armés non identifiés près de %s, bilan encore « incertain ».",
};
static const char *const desc_ied[] = {
	"Un engin explosif a sauté au passage d'une charrette sur la piste de %s, %u blessé(s).",
	"Un véhicule a heurté une mine artisanale entre %s et le village voisin ; la piste est désormais évitée.",
};
static const char *const desc_abduction[] = {
	"Enlèvement d'un commerçant sur la route de %s, une rançon a été demandée (\"on attend votre appel\").",
	"%u personne(s) enlevée(s) au puits de %s par des individus armés, sans nouvelles depuis.",
};
static const char *const desc_sexual[] = {
	"Une femme a été agressée en allant au champ près de %s ; prise en charge par le centre de santé, plainte déposée.",
	"Violences signalées par l'association des femmes de %s, les victimes demandent la discrétion.",
};
static const char *const desc_threat[] = {
	"Menace reçue par SMS : \"quittez le village avant vendredi\", signalée par l'imam de %s.",
	"Des tracts déposés à la mosquée de %s interdisent aux femmes d'aller aux champs sans accompagnement.",
	"Le chef de village de %s a reçu un appel lui ordonnant de ne plus collaborer avec les autorités.",
};
static const char *const desc_presence[] = {
	"Une vingtaine d'hommes armés à moto ont traversé %s vers 17 h, sans incident signalé.",
	"Des bergers signalent un campement d'individus armés à quelques kilomètres de %s, « ils achètent du carburant ».",
	"Mouvement de pick-up armés sur l'axe de %s, direction nord, vu par les commerçants au marché hebdomadaire.",
};
static const char *const desc_looting[] = {
	"Pillage de boutiques et du centre de santé de %s ; les médicaments ont été emportés.",
	"Vol de bétail à %s : environ 150 têtes emportées, les éleveurs accusent « des gens venus de loin ».",
};
static const char *const desc_displacement[] = {
	"Arrivée d'environ %u personnes déplacées à %s, hébergées à l'école et chez des familles d'accueil.",
	"Les habitants de plusieurs hameaux quittent %s après les menaces ; besoins en eau, vivres et abris.",
};
static const char *const desc_tension[] = {
	"Dispute entre agriculteurs et éleveurs à %s après la destruction de cultures par du bétail ; le conseil des sages est saisi.",
	"Tension autour d'un point d'eau à %s, les jeunes des deux communautés se sont affrontés à coups de bâtons.",
};
static const char *const desc_hate[] = {
	"Message vocal WhatsApp appelant à « chasser » une communauté de %s, largement partagé depuis hier.",
	"Propos haineux tenus lors d'un prêche à %s, rapportés par des jeunes de l'association « Paix et Unité ».",
};
static const char *const desc_recruit[] = {
	"Des jeunes de %s auraient été approchés avec promesse d'argent et de motos pour rejoindre un groupe armé.",
	"Trois adolescents de %s ont quitté leur famille ; les parents craignent un recrutement, d'après l'imam.",
};
static const char *const desc_arrest[] = {
	"Arrestation de plusieurs hommes au marché de %s par les forces de sécurité, les familles sont sans nouvelles.",
	"Interpellation d'un conseiller communal de %s, motif non communiqué ; la population s'inquiète.",
};
static const char *const desc_protest[] = {
	"Sit-in pacifique d'environ 200 commerçantes devant la mairie de %s contre la hausse des taxes de marché.",
	"Marche des jeunes de %s pour réclamer la réouverture de l'école, « sans violence » selon les organisateurs.",
};
static const char *const desc_peace[] = {
	"Rencontre intercommunautaire à %s sous l'égide des chefs religieux, accord sur les couloirs de transhumance.",
	"Les femmes leaders de %s ont organisé un dialogue entre éleveurs et agriculteurs ; engagement à « se parler d'abord ».",
};
static const char *const desc_other[] = {
	"Incident signalé à %s par un relais communautaire, détails à confirmer.",
};

static const struct {
	const char *code;
	const char *const *v;
	size_t n;
} descs[] = {
#define D(c, a) {c, a, sizeof a / sizeof a[0]}
	D("attack", desc_attack), D("clash", desc_clash), D("ied", desc_ied),
	D("abduction", desc_abduction), D("sexual-violence", desc_sexual),
	D("threat", desc_threat), D("armed-presence", desc_presence),
	D("looting", desc_looting), D("displacement", desc_displacement),
	D("intercommunal-tension", desc_tension), D("hate-speech", desc_hate),
	D("recruitment", desc_recruit), D("arrest", desc_arrest),
	D("protest", desc_protest), D("peace-initiative", desc_peace),
#undef D
};

static const char *const sources[] = {
	" Source : chef de village, par téléphone.",
	" Signalé par le relais de l'association des jeunes.",
	" Information confirmée par le maire et l'imam.",
	" À vérifier : une seule source, \"un voisin\".",
	" Rapport du comité local d'alerte, réunion tenue le lendemain.",
};

static void
put_field(const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static unsigned
days_in(int y, int m)
{
	static const unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d[m - 1] + (m == 2 && leap);
}

/* Writes the description of a record into buf. */
static void
describe(char *buf, size_t size, const char *cat, const char *commune,
	unsigned num)
{
	const char *const *v = desc_other;
	size_t n = 1, len;

	for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++)
		if (strcmp(descs[i].code, cat) == 0) {
			v = descs[i].v;
			n = descs[i].n;
		}
	const char *t = v[below((unsigned)n)];
	/* Templates take the commune first, or a number then the commune. */
	const char *s1 = strstr(t, "%s"), *u1 = strstr(t, "%u");
	if (u1 && u1 < s1)
		snprintf(buf, size, t, num, commune);
	else if (u1)
		snprintf(buf, size, t, commune, num);
	else
		snprintf(buf, size, t, commune);
	len = strlen(buf);
	if (chance(40))
		len += (size_t)snprintf(buf + len, size - len, "%s",
			sources[below(sizeof sources / sizeof sources[0])]);
	/* SMS forwarded as they came: some have a second line. */
	if (chance(5) && len < size)
		snprintf(buf + len, size - len, "\nRappel prévu demain, contact : relais n°%u.",
			1 + below(40));
}

static void
record(int year, int month, int recent)
{
	static const unsigned sev_w[3][5] = {
		{50, 30, 14, 5, 1}, {30, 35, 22, 9, 4}, {8, 20, 32, 25, 15}};
	static const char *const channels[] = {"sms", "phone", "in-person",
		"radio", "web", "email", "form", "other"};
	static const unsigned channel_w[] = {34, 30, 20, 5, 3, 2, 5, 1};
	static const char *const statuses[] = {"new", "verified", "closed", "false"};
	static const unsigned status_w[2][4] = {{20, 52, 22, 6}, {70, 25, 3, 2}};
	static const char *const sens[] = {"public", "restricted", "confidential"};
	static const unsigned sens_w[] = {20, 65, 15};
	char desc[1024];

	const struct cercle *c = &cercles[pick(cercle_w, ncercles)];
	const char *commune = c->ncommunes ? c->communes[pick(c->cw, c->ncommunes)] : "";
	const char *cat = cats[pick(cat_w, ncats)];
	const struct catinfo *ci = info(cat);

	unsigned sev = 1 + (unsigned)pick(sev_w[ci->grav], 5);
	unsigned killed = 0, injured = 0, abducted = 0, displaced = 0;
	int violent = strcmp(cat, "attack") == 0 || strcmp(cat, "clash") == 0 ||
		strcmp(cat, "ied") == 0;
	if (violent) {
		if (chance(12 * sev))
			killed = tail(35 + 8 * sev, 60);
		if (chance(10 + 12 * sev))
			injured = tail(45 + 5 * sev, 80);
	} else if (strcmp(cat, "abduction") == 0) {
		abducted = tail(45, 30);
		if (chance(5))
			killed = 1;
	} else if (strcmp(cat, "sexual-violence") == 0) {
		injured = chance(60) ? tail(20, 5) : 0;
	} else if (strcmp(cat, "intercommunal-tension") == 0 && chance(20)) {
		injured = tail(40, 20);
	} else if (strcmp(cat, "displacement") == 0) {
		/* Roughly log-uniform from 5 to about 5000 people. */
		unsigned k = below(10);
		displaced = (5u << k) + below(5u << k);
	}
	if (killed >= 10 && sev < 5)
		sev = 5;

	printf("%04d-%02d-%02u,", year, month, 1 + below(days_in(year, month)));
	put_field(c->name);
	putchar(',');
	put_field(commune);
	putchar(',');
	put_field(cat);
	if (chance(2))
		printf(",,");          /* severity is optional */
	else
		printf(",%u,", sev);
	printf("%u,%u,%u,%u,%s,MON-%s-%02u,%s,%s,", killed, injured, abducted,
		displaced, channels[pick(channel_w, 8)], c->code, 1 + below(12),
		statuses[pick(status_w[recent], 4)], sens[pick(sens_w, 3)]);
	/* The number a template shows: its own category's count. */
	unsigned num = strcmp(cat, "attack") == 0 ? killed :
		strcmp(cat, "ied") == 0 ? injured : abducted ? abducted : displaced;
	describe(desc, sizeof desc, cat, commune, num);
	put_field(desc);
	putchar('\n');
}

static void
usage(FILE *f, int status)
{
	fputs("usage: gen -n N [-s SEED] [-m RECORDS_PER_MONTH] [-d SHAREDIR]\n", f);
	exit(status);
}

static unsigned long
number(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || !*s || *end || *s == '-')
		die("invalid %s", what);
	return v;
}

int
main(int argc, char **argv)
{
	unsigned long n = 0, per = 800, seed = 1;
	const char *dir = "share/ew";
	int opt, have_n = 0;

	while ((opt = getopt(argc, argv, "d:hm:n:s:")) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'm': per = number(optarg, "-m"); break;
		case 'n': n = number(optarg, "-n"); have_n = 1; break;
		case 's': seed = number(optarg, "-s"); break;
		default: usage(stderr, 2);
		}
	}
	if (!have_n || optind != argc || per == 0)
		usage(stderr, 2);
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix(&x);
	load_places(dir);
	load_categories(dir);

	unsigned long months = (n + per - 1) / per;
	if (months > MAX_MONTHS) {
		per = (n + MAX_MONTHS - 1) / MAX_MONTHS;
		months = (n + per - 1) / per;
	}
	puts("event_date,cercle,commune,category,severity,killed,injured,abducted,"
	     "displaced,channel,reporter,status,sensitivity,description");
	/* About per records a month: month pairs get per+d and per-d, so
	 * the total stays on course; the last month takes what is left. */
	unsigned long left = n, d = 0;
	for (unsigned long m = 0; left > 0; m++) {
		unsigned long k;
		if (m % 2 == 0) {
			d = below((unsigned)(per / 8 + 1));
			k = per + d;
		} else {
			k = per - d;
		}
		if (k > left || m + 1 >= months)
			k = left;
		int year = FIRST_YEAR + (int)(m / 12), month = 1 + (int)(m % 12);
		for (unsigned long i = 0; i < k; i++)
			record(year, month, m + 2 >= months);
		left -= k;
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die("%s", "write error");
	return 0;
}
