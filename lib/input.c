/* input.c - see input.h */
#include "input.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "i18n.h"
#include "ulid.h"

struct ew_input {
	const struct ew_schema *schema;
	const char *name;
	FILE *fp;
	int json, dead, started, idlist;
	/* CSV */
	struct ew_csv *csv;
	int *map;       /* input column -> schema column */
	size_t width;
	const char **vals; /* a row's values by schema column, "" if absent */
	size_t *lens;
	/* NDJSON */
	struct ew_buf head; /* the line that decided the format */
	size_t headpos;
	char *line;
	size_t linecap;
	unsigned long lineno;
	unsigned long blank;   /* blank lines before it */
	unsigned long toolong; /* the line sniffing found too long, or 0 */
};

struct ew_input *
ew_input_open_file(FILE *fp, const char *name, const struct ew_schema *s)
{
	struct ew_input *in = ew_xcalloc(1, sizeof *in);
	in->schema = s;
	in->name = name;
	in->fp = fp;
	return in;
}

struct ew_input *
ew_input_open_mem(const char *buf, size_t len, const char *name,
	const struct ew_schema *s)
{
	struct ew_input *in = ew_xcalloc(1, sizeof *in);
	in->schema = s;
	in->name = name;
	in->started = 1;
	in->csv = ew_csv_open_mem(buf, len, name);
	return in;
}

const char *
ew_input_name(const struct ew_input *in)
{
	return in->name;
}

/* 1 when line holds one ULID and nothing else but blanks. */
static int
id_line(const char *line)
{
	char id[27], out[27];
	size_t n = 0;

	while (*line && *line != ' ' && *line != '\t' && *line != '\r' && *line != '\n' && n < 27)
		id[n++] = *line++;
	while (*line == ' ' || *line == '\t' || *line == '\r' || *line == '\n')
		line++;
	if (n != 26 || *line)
		return 0;
	id[n] = '\0';
	return ew_ulid_valid(id, out);
}

/*
 * Reads blank lines until the first meaningful one decides the format.
 * The blank lines are counted, not kept, so that any number of them
 * takes no memory; the meaningful line is handed to the reader.
 */
static void
sniff(struct ew_input *in)
{
	struct ew_buf head = {0};
	ssize_t got;

	in->started = 1;
	while ((got = ew_getline_max(&in->line, &in->linecap, in->fp, EW_MAX_RECORD)) != 0) {
		if (got < 0) {
			in->toolong = in->blank + 1;
			return;
		}
		const char *p = in->line;
		size_t k = 0, n = (size_t)got;
		if (in->blank == 0 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			k = 3;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
			k++;
		if (k < n) {
			ew_buf_add(&head, p, n);
			in->json = p[k] == '{';
			in->idlist = !memchr(p, '\0', n) && id_line(p + k);
			break;
		}
		in->blank++;
	}
	if (in->json || in->idlist) {
		in->head = head; /* handed back by json_line */
		in->lineno = in->blank;
		return;
	}
	in->csv = ew_csv_open_file_after(in->fp, in->name, head.s ? head.s : "",
		head.len);
	ew_csv_set_line(in->csv, in->blank);
	ew_buf_free(&head);
}

static int
too_long(struct ew_input *in, unsigned long line, struct ew_err *e)
{
	in->dead = 1;
	return ew_errf(e, "%s:%lu: record longer than %s (the most one record may take)",
		in->name, line, EW_MAX_RECORD_TEXT);
}

static int
read_header(struct ew_input *in, struct ew_err *e)
{
	struct ew_row *row;
	int got = ew_csv_next(in->csv, &row, e);
	size_t known = 0;

	if (got <= 0)
		return got;
	in->width = row->n;
	in->map = ew_xcalloc(row->n, sizeof *in->map);
	in->vals = ew_xcalloc(in->schema->n, sizeof *in->vals);
	in->lens = ew_xcalloc(in->schema->n, sizeof *in->lens);
	for (size_t i = 0; i < in->schema->n; i++)
		in->vals[i] = "";
	for (size_t i = 0; i < row->n; i++) {
		int c = ew_schema_col(in->schema, row->f[i]);
		if (c >= 0)
			known++;
		for (size_t j = 0; c >= 0 && j < i; j++)
			if (in->map[j] == c)
				return ew_errf(e, "%s:%lu: column '%s' appears twice",
					in->name, row->line, row->f[i]);
		in->map[i] = c;
	}
	if (known == 0)
		return ew_errf(e, "%s:%lu: no header row (the first line must name the columns, e.g. event_date,cercle,category)",
			in->name, row->line);
	for (size_t i = 0; i < row->n; i++)
		if (in->map[i] < 0)
			return ew_errf(e, "%s:%lu: unknown column '%s' (declare it in ew.conf as [record] extra-columns, or remove it)",
				in->name, row->line, row->f[i]);
	return 1;
}

static int
next_csv(struct ew_input *in, struct ew_record **rec, struct ew_err *e)
{
	struct ew_row *row;
	int got;

	if (!in->map) {
		if ((got = read_header(in, e)) <= 0) {
			in->dead = 1;
			return got;
		}
	}
	if ((got = ew_csv_next(in->csv, &row, e)) <= 0)
		return got;
	if (row->n != in->width)
		return ew_errf(e, "%s:%lu: expected %zu fields, found %zu", in->name,
			row->line, in->width, row->n);
	for (size_t i = 0; i < row->n; i++) {
		in->vals[in->map[i]] = row->f[i];
		in->lens[in->map[i]] = row->len[i];
	}
	struct ew_record *r = ew_record_newv(in->schema, in->vals, in->lens);
	r->line = row->line;
	*rec = r;
	return 1;
}

/*
 * jq writes a number in its shortest form, with an exponent when that is
 * shorter ("1e-05"); records hold plain decimals ("0.00001").
 */
static char *
plain_number(const char *s)
{
	const char *ex = strpbrk(s, "eE");
	struct ew_buf digits = {0}, out = {0};
	long exp, point;
	int neg = *s == '-';

	if (!ex)
		return ew_xstrdup(s);
	exp = strtol(ex + 1, NULL, 10);
	if (exp > 400 || exp < -400)
		return ew_xstrdup(s); /* left for the checker to refuse */
	const char *p = s + neg;
	point = -1;
	for (; p < ex; p++) {
		if (*p == '.')
			point = (long)digits.len;
		else
			ew_buf_addc(&digits, *p);
	}
	if (point < 0)
		point = (long)digits.len;
	point += exp; /* where the decimal point falls among the digits */
	if (neg)
		ew_buf_addc(&out, '-');
	if (point <= 0) {
		ew_buf_adds(&out, "0.");
		for (long i = point; i < 0; i++)
			ew_buf_addc(&out, '0');
		ew_buf_add(&out, digits.s, digits.len);
	} else if ((size_t)point >= digits.len) {
		ew_buf_add(&out, digits.s, digits.len);
		for (size_t i = digits.len; i < (size_t)point; i++)
			ew_buf_addc(&out, '0');
	} else {
		ew_buf_add(&out, digits.s, (size_t)point);
		ew_buf_addc(&out, '.');
		ew_buf_add(&out, digits.s + point, digits.len - (size_t)point);
	}
	ew_buf_free(&digits);
	return ew_buf_detach(&out);
}

/* Copies one JSON member's value into column c of r. */
static int
json_value(struct ew_input *in, struct ew_record *r, size_t c, jv v,
	struct ew_err *e)
{
	switch (jv_get_kind(v)) {
	case JV_KIND_STRING: {
		size_t len = (size_t)jv_string_length_bytes(jv_copy(v));
		if (memchr(jv_string_value(v), '\0', len)) {
			jv_free(v);
			return ew_errf(e, "%s:%lu: NUL character in '%s'", in->name,
				in->lineno, in->schema->cols[c].name);
		}
		ew_record_setn(r, c, jv_string_value(v), len);
		break;
	}
	case JV_KIND_NUMBER: {
		jv s = jv_dump_string(jv_copy(v), 0);
		char *plain = plain_number(jv_string_value(s));
		ew_record_set(r, c, plain);
		free(plain);
		jv_free(s);
		break;
	}
	case JV_KIND_NULL:
		ew_record_set(r, c, "");
		break;
	default:
		jv_free(v);
		return ew_errf(e, "%s:%lu: invalid value for '%s' (expected a string, a number or null)",
			in->name, in->lineno, in->schema->cols[c].name);
	}
	jv_free(v);
	return 0;
}

/*
 * The next NDJSON line: first what sniffing read, then the stream; -1 for
 * a line longer than a record may be.
 */
static int
json_line(struct ew_input *in, const char **p, size_t *n)
{
	if (in->head.s && in->headpos < in->head.len) {
		const char *s = in->head.s + in->headpos;
		const char *nl = memchr(s, '\n', in->head.len - in->headpos);
		*n = nl ? (size_t)(nl - s) + 1 : in->head.len - in->headpos;
		*p = s;
		in->headpos += *n;
		if (nl || !in->fp)
			return 1;
		/* an unfinished last line of the head: cannot happen, since
		 * sniffing reads whole lines */
		return 1;
	}
	ssize_t got = ew_getline_max(&in->line, &in->linecap, in->fp, EW_MAX_RECORD);
	if (got <= 0)
		return (int)got;
	*p = in->line;
	*n = (size_t)got;
	return 1;
}

static int
json_object(struct ew_input *in, jv obj, struct ew_record **rec,
	struct ew_err *e)
{
	if (jv_get_kind(obj) != JV_KIND_OBJECT) {
		jv_free(obj);
		return ew_errf(e, "%s:%lu: expected a JSON object", in->name, in->lineno);
	}
	struct ew_record *r = ew_record_new(in->schema);
	r->line = in->lineno;
	int it = jv_object_iter(obj), rc = 0;
	for (; rc == 0 && jv_object_iter_valid(obj, it); it = jv_object_iter_next(obj, it)) {
		jv key = jv_object_iter_key(obj, it);
		int c = ew_schema_col(in->schema, jv_string_value(key));
		if ((size_t)jv_string_length_bytes(jv_copy(key)) != strlen(jv_string_value(key)))
			rc = ew_errf(e, "%s:%lu: NUL character in a key", in->name, in->lineno);
		else if (c < 0)
			rc = ew_errf(e, "%s:%lu: unknown column '%s' (declare it in ew.conf as [record] extra-columns, or remove it)",
				in->name, in->lineno, jv_string_value(key));
		else
			rc = json_value(in, r, (size_t)c, jv_object_iter_value(obj, it), e);
		jv_free(key);
	}
	jv_free(obj);
	if (rc < 0) {
		ew_record_free(r);
		return -1;
	}
	*rec = r;
	return 1;
}

static int
next_json(struct ew_input *in, struct ew_record **rec, struct ew_err *e)
{
	const char *p;
	size_t n;
	int got;

	while ((got = json_line(in, &p, &n)) != 0) {
		in->lineno++;
		if (got < 0)
			return too_long(in, in->lineno, e);
		if (memchr(p, '\0', n))
			return ew_errf(e, "%s:%lu: NUL byte in input", in->name, in->lineno);
		if (in->lineno == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3, n -= 3;
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
			k++;
		if (k == n)
			continue;
		if (!ew_utf8_valid(p, n))
			return ew_errf(e, "%s:%lu: invalid UTF-8", in->name, in->lineno);
		jv obj = jv_parse_sized(p, (int)n);
		if (!jv_is_valid(obj)) {
			jv msg = jv_invalid_get_msg(obj);
			int rc = ew_errf(e, "%s:%lu: invalid JSON: %s", in->name, in->lineno,
				jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg)
				                                   : _("parse error"));
			jv_free(msg);
			return rc;
		}
		return json_object(in, obj, rec, e);
	}
	return 0;
}

int
ew_input_next(struct ew_input *in, struct ew_record **rec, struct ew_err *e)
{
	if (in->dead)
		return 0;
	if (!in->started)
		sniff(in);
	if (in->toolong)
		return too_long(in, in->toolong, e);
	if (in->idlist) {
		in->dead = 1;
		return ew_errf(e, "%s: expected records, but it holds record ids (one per line)", in->name);
	}
	return in->json ? next_json(in, rec, e) : next_csv(in, rec, e);
}

int
ew_input_ids(struct ew_input *in, struct ew_strv *ids, struct ew_err *e)
{
	const char *p;
	size_t n;
	int got;

	if (!in->fp || in->started)
		return 0;
	sniff(in);
	if (in->toolong)
		return too_long(in, in->toolong, e);
	if (!in->idlist)
		return 0;
	for (unsigned long lineno = in->blank + 1; (got = json_line(in, &p, &n)) != 0; lineno++) {
		if (got < 0)
			return too_long(in, lineno, e);
		if (memchr(p, '\0', n)) {
			in->dead = 1;
			return ew_errf(e, "%s:%lu: NUL byte in input", in->name, lineno);
		}
		char *line = ew_xstrndup(p, n), *s = line, *end = line + n;
		if (lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		while (*s == ' ' || *s == '\t')
			s++;
		while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*s && !id_line(s)) {
			ew_errf(e, "%s:%lu: expected one record id per line", in->name, lineno);
			free(line);
			in->dead = 1;
			return -1;
		}
		if (*s)
			ew_strv_push(ids, ew_xstrdup(s));
		free(line);
	}
	in->dead = 1;
	return 1;
}

void
ew_input_close(struct ew_input *in)
{
	if (!in)
		return;
	ew_csv_close(in->csv);
	free(in->map);
	free(in->vals);
	free(in->lens);
	free(in->line);
	ew_buf_free(&in->head);
	free(in);
}
