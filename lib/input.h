/*
 * input.h - reading records: CSV with a header row, or NDJSON.
 *
 * The format of a stream is detected from its first non-blank byte ('{'
 * means NDJSON). Columns are mapped by name to the schema; a column the
 * schema does not know stops the stream with an error. Values are taken
 * as they are: checking them is check.h's job.
 */
#ifndef EW_INPUT_H
#define EW_INPUT_H

#include <stdio.h>

#include "err.h"
#include "record.h"

struct ew_input;

/* Reads fp (not owned); name is used in messages ("stdin"). */
struct ew_input *ew_input_open_file(FILE *fp, const char *name,
	const struct ew_schema *s);
/* Reads CSV from buf[0..len) (not owned, must outlive the input). */
struct ew_input *ew_input_open_mem(const char *buf, size_t len,
	const char *name, const struct ew_schema *s);

/*
 * Reads the next record into *rec (the caller frees it). Returns 1, 0 at
 * the end, or -1 with the error in e ("NAME:LINE: what"). After an error
 * in one record, the next call goes on with the following one; after an
 * error that spoils the rest (a bad header, broken quoting) it returns 0.
 */
int ew_input_next(struct ew_input *in, struct ew_record **rec,
	struct ew_err *e);
/*
 * When the stream is a list of record ids, one per line (as ew add and
 * ew sync --ids print them), reads them all into ids and returns 1.
 * Returns 0, reading nothing that ew_input_next will not see, when it
 * holds records; -1 on a line that is not an id.
 */
int ew_input_ids(struct ew_input *in, struct ew_strv *ids, struct ew_err *e);
/* The name given at open. */
const char *ew_input_name(const struct ew_input *in);
void ew_input_close(struct ew_input *in);

#endif
