/* where.c - see where.h */
#include "where.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* jq's order of kinds: a value of a lower kind is less. */
enum kind { K_NULL = 1, K_FALSE, K_TRUE, K_NUMBER, K_STRING };

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

enum ntype { N_FIELD, N_CONST, N_CMP, N_AND, N_OR };

struct val {
	enum kind kind;
	double num;
	const char *str;
};

struct node {
	enum ntype type;
	enum op op;     /* N_CMP */
	int col;        /* N_FIELD: the column, -1 for a field the schema lacks */
	int numeric;    /* N_FIELD: the column holds numbers */
	struct val c;   /* N_CONST */
	size_t a, b;    /* operands, as indexes into nodes */
};

struct ew_where {
	struct node *nodes;
	size_t n, cap;
	struct ew_strv strs; /* the string literals */
	size_t root;
};

struct parser {
	const char *p;
	struct ew_where *w;
	const struct ew_schema *s;
	int depth;
};

/* Deep nesting is left to jq, and keeps the recursion here shallow. */
#define MAX_DEPTH 64

static size_t
add(struct ew_where *w, struct node n)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->nodes = ew_xrealloc(w->nodes, w->cap * sizeof *w->nodes);
	}
	w->nodes[w->n] = n;
	return w->n++;
}

static void
skip_space(struct parser *ps)
{
	/* jq's white space (a CR is not) */
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n')
		ps->p++;
}

static int
ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* 1 when the keyword kw comes next (as a whole word); consumes it. */
static int
keyword(struct parser *ps, const char *kw)
{
	size_t n = strlen(kw);

	skip_space(ps);
	if (strncmp(ps->p, kw, n) != 0 || ident_char(ps->p[n]) || ps->p[n] == ':')
		return 0;
	ps->p += n;
	return 1;
}

static int parse_or(struct parser *ps, size_t *out);

/* A number as jq's lexer reads it, but only from a digit:
   [0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)? */
static int
parse_number(struct parser *ps, size_t *out)
{
	const char *s = ps->p, *q = s;

	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		const char *x = q + 1;
		if (*x == '+' || *x == '-')
			x++;
		if (!(*x >= '0' && *x <= '9'))
			return -1;
		while (*x >= '0' && *x <= '9')
			x++;
		q = x;
	}
	char *lit = ew_xstrndup(s, (size_t)(q - s));
	struct node n = {.type = N_CONST, .c = {.kind = K_NUMBER, .num = strtod(lit, NULL)}};
	free(lit);
	ps->p = q;
	*out = add(ps->w, n);
	return 0;
}

/* A string with no escape (and so no interpolation), valid UTF-8. */
static int
parse_string(struct parser *ps, size_t *out)
{
	const char *s = ps->p + 1, *q = strpbrk(s, "\"\\");

	if (!q || *q != '"')
		return -1;
	char *lit = ew_xstrndup(s, (size_t)(q - s));
	if (!ew_utf8_valid(lit, strlen(lit))) {
		free(lit);
		return -1;
	}
	ew_strv_push(&ps->w->strs, lit);
	struct node n = {.type = N_CONST, .c = {.kind = K_STRING, .str = lit}};
	ps->p = q + 1;
	*out = add(ps->w, n);
	return 0;
}

static int
parse_term(struct parser *ps, size_t *out)
{
	skip_space(ps);
	const char *p = ps->p;

	if (*p == '(') {
		if (++ps->depth > MAX_DEPTH)
			return -1;
		ps->p++;
		if (parse_or(ps, out) < 0)
			return -1;
		skip_space(ps);
		if (*ps->p != ')')
			return -1;
		ps->p++;
		ps->depth--;
		return 0;
	}
	if (*p == '.' && ident_start(p[1])) {
		const char *q = p + 1;
		while (ident_char(*q))
			q++;
		char *name = ew_xstrndup(p + 1, (size_t)(q - p - 1));
		int col = ew_schema_col(ps->s, name);
		free(name);
		struct node n = {.type = N_FIELD, .col = col,
			.numeric = col >= 0 && ps->s->cols[col].numeric};
		ps->p = q;
		/* .a.b, .a[0], .a? and the like are jq's */
		skip_space(ps);
		if (*ps->p == '.' || *ps->p == '[' || *ps->p == '?')
			return -1;
		*out = add(ps->w, n);
		return 0;
	}
	if (*p >= '0' && *p <= '9')
		return parse_number(ps, out);
	if (*p == '"')
		return parse_string(ps, out);
	static const struct {
		const char *word;
		enum kind kind;
	} consts[] = {{"null", K_NULL}, {"false", K_FALSE}, {"true", K_TRUE}};
	for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
		if (keyword(ps, consts[i].word)) {
			struct node n = {.type = N_CONST, .c = {.kind = consts[i].kind}};
			*out = add(ps->w, n);
			return 0;
		}
	return -1;
}

/* An operand, then maybe one comparison (jq's are not associative). */
static int
parse_cmp(struct parser *ps, size_t *out)
{
	static const struct {
		const char *tok;
		enum op op;
	} ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
		{"<", OP_LT}, {">", OP_GT}};
	size_t a, b;

	if (parse_term(ps, &a) < 0)
		return -1;
	skip_space(ps);
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].tok);
		if (strncmp(ps->p, ops[i].tok, n) != 0)
			continue;
		/* "<=" is not "<" then "=": the table tries the long ones first;
		   "==" after "<" or "=" after "==" is jq's business */
		if (ps->p[n] == '=')
			return -1;
		ps->p += n;
		if (parse_term(ps, &b) < 0)
			return -1;
		*out = add(ps->w, (struct node){.type = N_CMP, .op = ops[i].op, .a = a, .b = b});
		return 0;
	}
	*out = a;
	return 0;
}

/*
 * A chain of operands joined by the keyword kw (left to right): the
 * operands are what next parses, the joins nodes of type t.
 */
static int
parse_chain(struct parser *ps, size_t *out, const char *kw, enum ntype t,
	int (*next)(struct parser *, size_t *))
{
	size_t a, b;

	if (next(ps, &a) < 0)
		return -1;
	while (keyword(ps, kw)) {
		if (next(ps, &b) < 0)
			return -1;
		a = add(ps->w, (struct node){.type = t, .a = a, .b = b});
	}
	*out = a;
	return 0;
}

static int
parse_and(struct parser *ps, size_t *out)
{
	return parse_chain(ps, out, "and", N_AND, parse_cmp);
}

/* or binds less tightly than and, which binds less than a comparison */
static int
parse_or(struct parser *ps, size_t *out)
{
	return parse_chain(ps, out, "or", N_OR, parse_and);
}

struct ew_where *
ew_where_new(const char *prog, const struct ew_schema *s)
{
	struct ew_where *w = ew_xcalloc(1, sizeof *w);
	struct parser ps = {.p = prog, .w = w, .s = s};

	if (parse_or(&ps, &w->root) == 0) {
		skip_space(&ps);
		if (*ps.p == '\0')
			return w;
	}
	ew_where_free(w);
	return NULL;
}

static int
truthy(const struct val *v)
{
	return v->kind != K_NULL && v->kind != K_FALSE;
}

static struct val
boolean(int b)
{
	return (struct val){.kind = b ? K_TRUE : K_FALSE};
}

/* jq's order: by kind, then numbers by value, strings by bytes. */
static int
cmp(const struct val *x, const struct val *y)
{
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == K_NUMBER)
		return x->num < y->num ? -1 : x->num == y->num ? 0 : 1;
	if (x->kind == K_STRING)
		return strcmp(x->str, y->str);
	return 0;
}

static struct val
eval(const struct ew_where *w, size_t i, const struct ew_record *r)
{
	const struct node *n = &w->nodes[i];
	struct val x, y;

	switch (n->type) {
	case N_FIELD:
		if (n->col < 0 || (size_t)n->col >= r->n)
			return (struct val){.kind = K_NULL};
		if (!n->numeric)
			return (struct val){.kind = K_STRING, .str = r->v[n->col]};
		if (!*r->v[n->col])
			return (struct val){.kind = K_NULL};
		return (struct val){.kind = K_NUMBER, .num = strtod(r->v[n->col], NULL)};
	case N_CONST:
		return n->c;
	case N_AND:
		x = eval(w, n->a, r);
		if (!truthy(&x))
			return boolean(0);
		y = eval(w, n->b, r);
		return boolean(truthy(&y));
	case N_OR:
		x = eval(w, n->a, r);
		if (truthy(&x))
			return boolean(1);
		y = eval(w, n->b, r);
		return boolean(truthy(&y));
	case N_CMP:
		break;
	}
	x = eval(w, n->a, r);
	y = eval(w, n->b, r);
	int c = cmp(&x, &y);
	switch (n->op) {
	case OP_EQ: return boolean(c == 0);
	case OP_NE: return boolean(c != 0);
	case OP_LT: return boolean(c < 0);
	case OP_LE: return boolean(c <= 0);
	case OP_GT: return boolean(c > 0);
	case OP_GE: break;
	}
	return boolean(c >= 0);
}

int
ew_where_test(const struct ew_where *w, const struct ew_record *r)
{
	struct val v = eval(w, w->root, r);
	return truthy(&v);
}

void
ew_where_free(struct ew_where *w)
{
	if (!w)
		return;
	free(w->nodes);
	ew_strv_free(&w->strs);
	free(w);
}
