/*
 * import.h - records from the formats of ew's partners and field tools:
 * ACLED's CSV, KoboToolbox/ODK CSV exports (through a column mapping
 * file), and SMS messages in ew's grammar (sms.h), one a line.
 *
 * An import reads a stream record by record as input.h does, and gives
 * records of the schema that ew_check_record then checks; problems that
 * only the source format can name (an ACLED event type no category has,
 * a place the gazetteer does not know, a message that does not parse)
 * are reported here, never guessed.
 *
 * Another system's id of a record is kept as a tag, so that a record
 * imported again can be found: ACLED's event_id_cnty as "acled:ID"
 * (unless it is a ULID, ew's own id, which becomes the id, so that ew
 * add refuses it a second time), a Kobo submission's uuid as
 * "kobo:UUID". The mappings are documented
 * in ew-add(1) and in share/ew/mappings/kobo.conf.
 */
#ifndef EW_IMPORT_H
#define EW_IMPORT_H

#include <stdio.h>

#include "err.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

enum ew_import_kind {
	EW_IMPORT_ACLED, /* ACLED's columns (as ew list --format acled) */
	EW_IMPORT_KOBO,  /* a Kobo/ODK CSV export, through a mapping file */
	EW_IMPORT_SMS,   /* one SMS message a line (sms.h) */
};

/* 1 when s is acled, kobo or sms, with its kind in *kind; else 0. */
int ew_import_parse(const char *s, enum ew_import_kind *kind);

struct ew_import_ctx {
	const struct ew_schema *schema;
	const struct ew_places *places;   /* needed by ACLED and SMS */
	const struct ew_taxonomy *tax;    /* needed by ACLED and SMS */
	/*
	 * kobo: NULL for the default mapping "kobo"; a NAME without '/' for
	 * SHAREDIR/mappings/NAME.conf (ew_sharedir); else a file's path.
	 */
	const char *mapping;
	const char *today;   /* YYYY-MM-DD: SMS's default event date */
};

struct ew_import;

/*
 * Starts reading fp (not owned); name is used in messages ("stdin").
 * Returns NULL with e set when the import cannot start (a mapping file
 * that cannot be read or is wrong, "PATH:LINE: what"; ACLED without the
 * gazetteer or the taxonomy). Nothing is read from fp yet.
 */
struct ew_import *ew_import_open(enum ew_import_kind kind, FILE *fp,
	const char *name, const struct ew_import_ctx *ctx, struct ew_err *e);
/*
 * Reads the next record into *rec (the caller frees it). Returns 1, 0 at
 * the end, or -1 with the error in e ("NAME:LINE: what (how to fix)");
 * as ew_input_next, the next call goes on after a bad record, and
 * returns 0 after an error that spoils the rest of the stream (a header
 * without a column the import needs, broken quoting). ACLED streams;
 * Kobo reads the whole export at the first call (it may be separated
 * by ';', which is told from its header). The record is not checked,
 * and has no defaults: ew_check_record's job.
 */
int ew_import_next(struct ew_import *im, struct ew_record **rec,
	struct ew_err *e);
/*
 * SMS: the reply text for the sender of the message the last call
 * returned -1 for (one line, at most 160 bytes); NULL for the other
 * kinds, or when the error was not the message's.
 */
const char *ew_import_reply(const struct ew_import *im);
/* The line of the stream the last record or error came from. */
unsigned long ew_import_line(const struct ew_import *im);
void ew_import_close(struct ew_import *im);

#endif
