/*
 * sms.h - the SMS grammar monitors with basic phones report in
 * (documented in ew-sms(7)), for instance
 *
 *	EW NIONO/DIABALY ATTAQUE S4 T2 B3 hommes armés à moto
 *
 * Parsing is tolerant of case, accents, the order of the counts and
 * common misspellings; a message that cannot be read gets a reply text
 * that says what to fix, short enough to be sent back by SMS.
 */
#ifndef EW_SMS_H
#define EW_SMS_H

#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

struct ew_sms_ctx {
	const struct ew_schema *schema;
	const struct ew_places *places;
	const struct ew_taxonomy *tax;
	const char *today; /* YYYY-MM-DD: the default event date, and the last allowed */
};

/*
 * Parses one message (a line without its newline, optionally preceded
 * by "SENDER<TAB>"; one CR at its end is ignored) into a new record of
 * ctx->schema: event_date (ctx->today unless the message gives a day),
 * date_precision 1, channel sms, reporter (the SENDER, trimmed), region,
 * cercle, commune, location, category, severity, the counts and the
 * description; id, reported_at and the defaults are left to ew add.
 * Returns 0 with *rec set (the caller frees it), or -1 with *rec NULL
 * and the reply text for the sender appended to reply: one line, at
 * most 160 bytes, what is wrong, how to fix it, and the format.
 *
 * A blank message (nothing but white space) is refused like any other
 * message that is not a report: the parser cannot tell a gateway's
 * stray newline from an empty SMS. The import layer (import.h) skips
 * blank lines before they get here, so in ew add --format sms a blank
 * line is skipped, not refused.
 */
int ew_sms_parse(const struct ew_sms_ctx *ctx, const char *msg,
	struct ew_record **rec, struct ew_buf *reply);

#endif
