/*
 * where.h - the common --where conditions, evaluated without jq.
 *
 * A jq program made only of field accesses (.severity), literals
 * (numbers without a sign, strings without a backslash, null, true,
 * false), the comparisons == != < <= > >=, and, or and parentheses is
 * compiled here into a small tree and evaluated on a record's values
 * directly, with jq's semantics: a numeric column is a number, or null
 * when empty; any other column a string; a field the schema lacks null;
 * values of different kinds order null < false < true < numbers <
 * strings; strings compare by their bytes; a condition holds when its
 * value is neither false nor null. Such a program cannot fail, loop or
 * grow, so this needs none of jqf.h's limits.
 *
 * Anything else (pipes, functions, arithmetic, negative numbers, escapes
 * in strings, comments…) is not compiled: ew_where_new returns NULL and
 * the caller runs the program through jq (jqf.h), which it compiles in
 * any case, so that errors and the sandbox are the same either way.
 */
#ifndef EW_WHERE_H
#define EW_WHERE_H

#include "record.h"

struct ew_where;

/* The program compiled for records of schema s; NULL when it is not in
   the subset above. */
struct ew_where *ew_where_new(const char *prog, const struct ew_schema *s);
/* 1 when the condition holds for r, 0 when not. */
int ew_where_test(const struct ew_where *w, const struct ew_record *r);
void ew_where_free(struct ew_where *w);

#endif
