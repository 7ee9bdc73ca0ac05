/* test-util.c - util.h (UTF-8, folding, distances, integers, buffers) and
 * ulid.h */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ulid.h"
#include "unit.h"
#include "util.h"

static void
utf8_case(const char *s, size_t n, int want, const char *name)
{
	UNIT_LONG(ew_utf8_valid(s, n), want, "ew_utf8_valid: %s", name);
}

#define UTF8(lit, want, name) utf8_case(lit, sizeof lit - 1, want, name)

static void
test_utf8(void)
{
	UTF8("", 1, "empty string");
	UTF8("plain ASCII, with\ttab\nand newline", 1, "ASCII");
	UTF8("S\xc3\xa9gou", 1, "2-byte (Ségou)");
	UTF8("\xc9\x9b\xc5\x8b", 1, "2-byte (ɛŋ)");
	UTF8("\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", 1, "2-byte (Arabic)");
	UTF8("\xe2\x82\xac", 1, "3-byte (€)");
	UTF8("\xef\xbf\xbd", 1, "3-byte (U+FFFD)");
	UTF8("\xf0\x9d\x84\x9e", 1, "4-byte (U+1D11E)");
	UTF8("\xf4\x8f\xbf\xbf", 1, "4-byte (U+10FFFF, the last)");
	UTF8("\xed\x9f\xbf", 1, "U+D7FF just below the surrogates");
	UTF8("\xee\x80\x80", 1, "U+E000 just above the surrogates");

	UTF8("\xc0\xaf", 0, "overlong 2-byte '/'");
	UTF8("\xc1\xbf", 0, "overlong 2-byte U+7F");
	UTF8("\xe0\x80\xaf", 0, "overlong 3-byte '/'");
	UTF8("\xe0\x9f\xbf", 0, "overlong 3-byte U+7FF");
	UTF8("\xf0\x80\x80\xaf", 0, "overlong 4-byte '/'");
	UTF8("\xf0\x8f\xbf\xbf", 0, "overlong 4-byte U+FFFF");
	UTF8("\xed\xa0\x80", 0, "surrogate U+D800");
	UTF8("\xed\xbf\xbf", 0, "surrogate U+DFFF");
	UTF8("a\xc3", 0, "truncated 2-byte at the end");
	UTF8("\xe2\x82", 0, "truncated 3-byte");
	UTF8("\xf0\x9d\x84", 0, "truncated 4-byte");
	UTF8("\xe2\x82x", 0, "3-byte sequence cut by ASCII");
	UTF8("\xf4\x90\x80\x80", 0, "U+110000 (above U+10FFFF)");
	UTF8("\xf5\x80\x80\x80", 0, "lead byte F5");
	UTF8("\xf7\xbf\xbf\xbf", 0, "U+1FFFFF");
	UTF8("\x80", 0, "lone continuation byte");
	UTF8("a\xbfz", 0, "continuation byte between letters");
	UTF8("\xfe", 0, "byte FE");
	UTF8("\xff", 0, "byte FF");
	utf8_case("S\xc3\xa9gou", 2, 0, "length cuts a 2-byte sequence");
	utf8_case("S\xc3\xa9gou", 3, 1, "length ends after a 2-byte sequence");

	UNIT_LONG(ew_utf8_columns("S\xc3\xa9gou", 6), 5, "ew_utf8_columns: Ségou");
	UNIT_LONG(ew_utf8_columns("\xf0\x9d\x84\x9e!", 5), 2,
		"ew_utf8_columns: 4-byte and ASCII");
	UNIT_LONG(ew_utf8_columns("\xe6\x9d\xb1\xe4\xba\xac", 6), 4,
		"ew_utf8_columns: two CJK characters take two columns each");
	UNIT_LONG(ew_utf8_columns("e\xcc\x81", 3), 1,
		"ew_utf8_columns: a combining accent takes none");
	unsigned cp = 0;
	UNIT_LONG(ew_utf8_decode("\xc9\x9b", &cp), 2, "ew_utf8_decode: length of \u025b");
	UNIT_LONG(cp, 0x25b, "ew_utf8_decode: \u025b (open e)");
}

/*
 * Compared byte by byte, stopping at the first difference, so a result
 * that is not NUL-terminated fails the check instead of being read past
 * its end (ew_fold once returned an unterminated buffer when nothing of
 * its input was kept).
 */
static void
fold_case(const char *in, const char *want)
{
	char *got = ew_fold(in);
	size_t i = 0;

	while (want[i] && got[i] == want[i])
		i++;
	if (!UNIT_CHECK(got[i] == want[i], "ew_fold(\"%s\") is \"%s\"", in, want)) {
		unit_diag("expected: \"%s\"", want);
		unit_diag("got: \"%.*s\"... (byte %zu is 0x%02x, not NUL-terminated "
			"where expected)", (int)i, got, i, (unsigned char)got[i]);
	}
	free(got);
}

static void
test_fold(void)
{
	fold_case("K\xc3\xa9-Macina", "kemacina");
	fold_case("N'Gara", "ngara");
	fold_case("S\xc3\xa9gou", "segou");
	fold_case("SEGOU", "segou");
	fold_case("Barou\xc3\xa9li", "baroueli");
	fold_case("Sako\xc3\xaf" "ba", "sakoiba");
	fold_case("Kokry centre", "kokrycentre");
	fold_case("Toridaga-Ko", "toridagako");
	fold_case("Yeredon Saniona 2", "yeredonsaniona2");
	fold_case("\xc3\x80\xc3\x89\xc3\x8e\xc3\x95\xc3\x9c\xc3\x87\xc3\x91",
		"aeiouc" "n");
	fold_case("", "");
	fold_case(" -'.,;", "");
}

static void
test_distance(void)
{
	UNIT_LONG(ew_distance("", ""), 0, "ew_distance: two empty strings");
	UNIT_LONG(ew_distance("abc", ""), 3, "ew_distance: against empty");
	UNIT_LONG(ew_distance("", "abcd"), 4, "ew_distance: from empty");
	UNIT_LONG(ew_distance("niono", "niono"), 0, "ew_distance: equal");
	UNIT_LONG(ew_distance("nionoo", "niono"), 1, "ew_distance: one extra");
	UNIT_LONG(ew_distance("atack", "attack"), 1, "ew_distance: one missing");
	UNIT_LONG(ew_distance("kitten", "sitting"), 3, "ew_distance: kitten/sitting");
	UNIT_LONG(ew_distance("flaw", "lawn"), 2, "ew_distance: flaw/lawn");
	UNIT_LONG(ew_distance("abc", "cba"), 2, "ew_distance: reversed");
}

static const char *const cercles[] = {"S\xc3\xa9gou", "Barou\xc3\xa9li",
	"Bla", "Macina", "Niono", "San", "Tominian", NULL};

static const char *
near_of(const char *word)
{
	struct ew_near n;

	ew_near_init(&n, word);
	for (size_t i = 0; cercles[i]; i++)
		ew_near_consider(&n, cercles[i]);
	return ew_near_done(&n);
}

static void
test_near(void)
{
	struct ew_near n;

	UNIT_STR(near_of("Nionoo"), "Niono", "ew_near: Nionoo suggests Niono");
	UNIT_STR(near_of("nino"), "Niono", "ew_near: nino suggests Niono");
	UNIT_STR(near_of("Segu"), "S\xc3\xa9gou", "ew_near: Segu suggests Ségou");
	UNIT_STR(near_of("Baroueli"), "Barou\xc3\xa9li",
		"ew_near: accent-free Baroueli suggests Barouéli");
	UNIT_STR(near_of("tomin"), "Tominian", "ew_near: a prefix (tomin) suggests Tominian");
	UNIT_STR(near_of("Timbuktu"), NULL, "ew_near: nothing for a far word (Timbuktu)");
	UNIT_STR(near_of("Xyzzyqw"), NULL, "ew_near: nothing for a far word (Xyzzyqw)");

	ew_near_init(&n, "anything");
	UNIT_STR(ew_near_done(&n), NULL, "ew_near: nothing without candidates");
}

static void
int_case(const char *s, long lo, long hi, int want, long wantv)
{
	long v = 12345;
	int ok = ew_parse_int(s, lo, hi, &v);

	UNIT_LONG(ok, want, "ew_parse_int(\"%s\", %ld, %ld) returns %d", s, lo,
		hi, want);
	if (want)
		UNIT_LONG(v, wantv, "ew_parse_int(\"%s\") value", s);
}

static void
test_parse_int(void)
{
	long v = 7;

	int_case("0", 0, 10, 1, 0);
	int_case("10", 0, 10, 1, 10);
	int_case("1", 1, 5, 1, 1);
	int_case("5", 1, 5, 1, 5);
	int_case("6", 1, 5, 0, 0);
	int_case("0", 1, 5, 0, 0);
	int_case("11", 0, 10, 0, 0);
	int_case("-1", 0, 10, 0, 0);
	int_case("-5", -10, 10, 1, -5);
	int_case("-10", -10, 10, 1, -10);
	int_case("-11", -10, 10, 0, 0);
	int_case("", 0, 10, 0, 0);
	int_case("-", -10, 10, 0, 0);
	int_case("1a", 0, 100, 0, 0);
	int_case("a1", 0, 100, 0, 0);
	int_case(" 1", 0, 100, 0, 0);
	int_case("1 ", 0, 100, 0, 0);
	int_case("1.0", 0, 100, 0, 0);
	int_case("0x10", 0, 100, 0, 0);
	int_case("100000000", 0, 100000000, 1, 100000000);
	int_case("100000001", 0, 100000000, 0, 0);
	int_case("99999999999999999999999", 0, LONG_MAX, 0, 0);
	int_case("-99999999999999999999999", LONG_MIN, 0, 0, 0);
	int_case("922337203685477580", 0, LONG_MAX, 1, 922337203685477580L);
	int_case("9223372036854775807", LONG_MIN, LONG_MAX, 1, LONG_MAX);
	int_case("-9223372036854775807", LONG_MIN, LONG_MAX, 1, -LONG_MAX);
	int_case("9223372036854775808", LONG_MIN, LONG_MAX, 0, 0);
	UNIT_CHECK(ew_parse_int("3", 1, 5, NULL) == 1,
		"ew_parse_int accepts a NULL out");
	UNIT_CHECK(ew_parse_int("9", 1, 5, &v) == 0 && v == 7,
		"ew_parse_int leaves out alone on failure");
}

static void
neutral_case(const char *s, size_t n, int flags, const char *want,
	const char *name)
{
	struct ew_buf b = {0};

	ew_buf_adds(&b, ">");
	ew_neutralise(&b, s, n, flags);
	UNIT_STR(b.s, want, "ew_neutralise%s: %s", flags ? " (lines)" : "", name);
	ew_buf_free(&b);
}

#define NEUTRAL(lit, flags, want, name) \
	neutral_case(lit, sizeof lit - 1, flags, want, name)

static void
test_neutralise(void)
{
	NEUTRAL("", 0, ">", "empty");
	NEUTRAL("plain text, 'quoted' \\ backslash", 0,
		">plain text, 'quoted' \\ backslash", "printable ASCII as it is");
	NEUTRAL("S\xc3\xa9gou \xd9\x85\xd8\xb1 \xdf\x8a\xdf\x8b \xe6\x9d\xb1 cafe\xcc\x81 \xf0\x9f\x99\x82", 0,
		">S\xc3\xa9gou \xd9\x85\xd8\xb1 \xdf\x8a\xdf\x8b \xe6\x9d\xb1 cafe\xcc\x81 \xf0\x9f\x99\x82",
		"accents, Arabic, N'Ko, CJK, combining marks and emoji kept");
	NEUTRAL("\x1b[31mred\x1b[0m", 0, ">\\u001b[31mred\\u001b[0m",
		"ESC of a CSI sequence shown");
	NEUTRAL("\x1b]0;title\x07", 0, ">\\u001b]0;title\\u0007",
		"OSC title and BEL shown");
	NEUTRAL("a\tb\nc\rd", 0, ">a\\tb\\nc\\rd", "tab, newline, CR as \\t \\n \\r");
	NEUTRAL("a\0b\x7f\x01", 0, ">a\\u0000b\\u007f\\u0001", "NUL, DEL, SOH");
	NEUTRAL("\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0", 0, ">\\u0080\\u009b\\u009f\xc2\xa0",
		"C1 controls shown, U+00A0 kept");
	NEUTRAL("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae", 0,
		">\\u202a\\u202b\\u202c\\u202d\\u202e", "bidi embeddings and overrides");
	NEUTRAL("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 0,
		">\\u2066\\u2067\\u2068\\u2069", "bidi isolates");
	NEUTRAL("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0, ">\\u200e\\u200f\\u061c",
		"LRM, RLM, ALM");
	NEUTRAL("\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa", 0,
		">\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
		"neighbours of the bidi controls kept");
	NEUTRAL("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xef\xbb\xbf", 0,
		">a\\u2028b\\u2029c\\ufeff",
		"line and paragraph separators, byte order mark");
	NEUTRAL("a\xff" "b\xc3", 0, ">a\xef\xbf\xbd" "b\xef\xbf\xbd",
		"invalid bytes and a cut sequence as U+FFFD");
	NEUTRAL("\xc0\xaf\xed\xa0\x80", 0,
		">\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		"overlong and surrogate: one U+FFFD a byte");
	NEUTRAL("\xe2\x80", 0, ">\xef\xbf\xbd\xef\xbf\xbd", "bidi control cut short");

	NEUTRAL("one\ntwo\r\nthree\rfour\n", EW_TEXT_LINES,
		">one\ntwo\nthree\nfour\n", "LF, CR LF and CR are line breaks");
	NEUTRAL("a\tb\x1b[2Kc\xe2\x80\xae", EW_TEXT_LINES, ">a\\tb\\u001b[2Kc\\u202e",
		"other controls shown as without lines");

	struct ew_buf b = {0};
	ew_neutralise(&b, "", 0, 0);
	UNIT_CHECK(b.s && !*b.s, "ew_neutralise sets out's string even for nothing");
	ew_buf_free(&b);
	const char once[] = "x\x1b\xe2\x80\xae\n\xff";
	ew_neutralise(&b, once, sizeof once - 1, 0);
	struct ew_buf twice = {0};
	ew_neutralise(&twice, b.s, b.len, 0);
	UNIT_STR(twice.s, b.s, "ew_neutralise: its output is left as it is");
	ew_buf_free(&b);
	ew_buf_free(&twice);

	UNIT_LONG(ew_cp_is_control(0x1b), 1, "ew_cp_is_control: ESC");
	UNIT_LONG(ew_cp_is_control(0x20), 0, "ew_cp_is_control: space");
	UNIT_LONG(ew_cp_is_control(0x7e), 0, "ew_cp_is_control: ~");
	UNIT_LONG(ew_cp_is_control(0x2028), 1, "ew_cp_is_control: line separator");
	UNIT_LONG(ew_cp_is_control(0x2029), 1, "ew_cp_is_control: paragraph separator");
	UNIT_LONG(ew_cp_is_control(0xfeff), 1, "ew_cp_is_control: byte order mark");
	UNIT_LONG(ew_cp_is_control(0xe9), 0, "ew_cp_is_control: e acute");
	UNIT_LONG(ew_cp_is_control(0xa0), 0, "ew_cp_is_control: U+00A0");
	UNIT_LONG(ew_cp_is_control(0x200d), 0, "ew_cp_is_control: ZWJ");
}

static void
test_buf(void)
{
	struct ew_buf b = {0};
	struct ew_strv sv = {0};
	char *s;

	ew_buf_adds(&b, "abc");
	ew_buf_addc(&b, '-');
	ew_buf_add(&b, "xyz", 2);
	ew_buf_addf(&b, "[%d:%s]", 42, "q");
	UNIT_STR(b.s, "abc-xy[42:q]", "ew_buf: adds, addc, add, addf");
	UNIT_LONG(b.len, 12, "ew_buf: len");
	UNIT_CHECK(b.cap > b.len, "ew_buf: room for the NUL");

	ew_buf_reset(&b);
	UNIT_STR(b.s, "", "ew_buf_reset empties the string");
	UNIT_LONG(b.len, 0, "ew_buf_reset sets len 0");

	ew_buf_add(&b, "a\0b", 3);
	UNIT_MEM(b.s, b.len, "a\0b", 3, "ew_buf_add keeps NUL bytes");
	UNIT_CHECK(b.s[3] == '\0', "ew_buf_add NUL-terminates");
	ew_buf_reset(&b);

	for (int i = 0; i < 10000; i++)
		ew_buf_addc(&b, (char)('a' + i % 26));
	ew_buf_addf(&b, "%s", "!");
	int ok = b.len == 10001 && b.s[10001] == '\0' && b.s[10000] == '!';
	for (int i = 0; ok && i < 10000; i++)
		ok = b.s[i] == (char)('a' + i % 26);
	UNIT_CHECK(ok, "ew_buf grows over 10000 bytes intact");

	s = ew_buf_detach(&b);
	UNIT_LONG(strlen(s), 10001, "ew_buf_detach hands over the string");
	UNIT_CHECK(b.s == NULL && b.len == 0 && b.cap == 0,
		"ew_buf_detach empties the buffer");
	free(s);
	s = ew_buf_detach(&b);
	UNIT_STR(s, "", "ew_buf_detach of an empty buffer gives \"\"");
	free(s);
	ew_buf_adds(&b, "x");
	ew_buf_free(&b);
	UNIT_CHECK(b.s == NULL && b.len == 0, "ew_buf_free empties the buffer");
	ew_buf_free(&b);

	s = ew_xasprintf("%s=%03d", "n", 7);
	UNIT_STR(s, "n=007", "ew_xasprintf");
	free(s);
	s = ew_xstrndup("abcdef", 3);
	UNIT_STR(s, "abc", "ew_xstrndup");
	free(s);

	for (int i = 0; i < 20; i++)
		ew_strv_push(&sv, ew_xasprintf("s%d", i));
	UNIT_LONG(sv.n, 20, "ew_strv_push: 20 strings");
	UNIT_STR(sv.v[19], "s19", "ew_strv keeps its strings in order");
	ew_strv_free(&sv);
	UNIT_CHECK(sv.v == NULL && sv.n == 0, "ew_strv_free empties the list");
}

static void
test_ulid(void)
{
	struct ew_ulid_gen g = {0};
	struct ew_err e = {{0}};
	char prev[27] = "", id[27], up[27];
	uint64_t ms = 1764331200000ULL; /* 2025-11-28T12:00:00Z */
	int fails = 0, lens = 0, valid = 0, order = 0, time_ok = 0;

	for (int i = 0; i < 1000; i++) {
		if (ew_ulid_next(&g, ms, id, &e) != 0) {
			fails++;
			continue;
		}
		lens += strlen(id) == 26;
		valid += ew_ulid_valid(id, NULL);
		order += i == 0 || strcmp(prev, id) < 0;
		time_ok += i == 0 || memcmp(prev, id, 10) == 0;
		memcpy(prev, id, sizeof id);
	}
	UNIT_LONG(fails, 0, "ew_ulid_next: 1000 ids in one ms without error");
	UNIT_LONG(lens, 1000, "ew_ulid_next: every id has 26 characters");
	UNIT_LONG(valid, 1000, "ew_ulid_next: every id passes ew_ulid_valid");
	UNIT_LONG(order, 1000, "ew_ulid_next: ids in one ms strictly increase");
	UNIT_LONG(time_ok, 1000, "ew_ulid_next: ids in one ms share the time part");

	UNIT_CHECK(ew_ulid_next(&g, ms + 1, id, &e) == 0 && strcmp(prev, id) < 0 &&
	           memcmp(prev, id, 10) != 0,
		"ew_ulid_next: the next millisecond gives a larger id");
	memcpy(prev, id, sizeof id);
	UNIT_CHECK(ew_ulid_next(&g, ms - 5000, id, &e) == 0 && strcmp(prev, id) < 0,
		"ew_ulid_next: a clock going back still gives a larger id");

	struct ew_ulid_gen g2 = {0};
	UNIT_CHECK(ew_ulid_next(&g2, 1469918176385ULL, id, &e) == 0 &&
	           memcmp(id, "01ARYZ6S41", 10) == 0,
		"ew_ulid_next: time 1469918176385 encodes as 01ARYZ6S41 (ULID spec)");
	struct ew_ulid_gen g3 = {0};
	UNIT_CHECK(ew_ulid_next(&g3, 0, id, &e) == 0 &&
	           memcmp(id, "0000000000", 10) == 0,
		"ew_ulid_next: time 0 encodes as 0000000000");

	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FAV", NULL), 1,
		"ew_ulid_valid: an upper-case ULID");
	memset(up, 'x', sizeof up);
	UNIT_LONG(ew_ulid_valid("01aryz6s41tsv4rrffq69g5fav", up), 1,
		"ew_ulid_valid: a lower-case ULID");
	UNIT_STR(up, "01ARYZ6S41TSV4RRFFQ69G5FAV",
		"ew_ulid_valid upper-cases into out");
	UNIT_LONG(ew_ulid_valid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", NULL), 1,
		"ew_ulid_valid: the largest ULID");
	UNIT_LONG(ew_ulid_valid("80000000000000000000000000", NULL), 0,
		"ew_ulid_valid rejects a time over 48 bits (first char 8)");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FA", NULL), 0,
		"ew_ulid_valid rejects 25 characters");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FAVX", NULL), 0,
		"ew_ulid_valid rejects 27 characters");
	UNIT_LONG(ew_ulid_valid("", NULL), 0, "ew_ulid_valid rejects the empty string");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FAI", NULL), 0,
		"ew_ulid_valid rejects I");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FAL", NULL), 0,
		"ew_ulid_valid rejects L");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FAO", NULL), 0,
		"ew_ulid_valid rejects O");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41TSV4RRFFQ69G5FAU", NULL), 0,
		"ew_ulid_valid rejects U");
	UNIT_LONG(ew_ulid_valid("01aryz6s41tsv4rrffq69g5fau", NULL), 0,
		"ew_ulid_valid rejects lower-case u");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41-SV4RRFFQ69G5FAV", NULL), 0,
		"ew_ulid_valid rejects -");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41 SV4RRFFQ69G5FAV", NULL), 0,
		"ew_ulid_valid rejects a space");
	UNIT_LONG(ew_ulid_valid("01ARYZ6S41\xc3\xa9V4RRFFQ69G5FA", NULL), 0,
		"ew_ulid_valid rejects non-ASCII");

	UNIT_LONG(ew_ulid_prefix_valid("01ar"), 1, "ew_ulid_prefix_valid: 01ar");
	UNIT_LONG(ew_ulid_prefix_valid("01ARYZ6S41TSV4RRFFQ69G5FAV"), 1,
		"ew_ulid_prefix_valid: a whole ULID");
	UNIT_LONG(ew_ulid_prefix_valid(""), 0, "ew_ulid_prefix_valid rejects empty");
	UNIT_LONG(ew_ulid_prefix_valid("01I"), 0, "ew_ulid_prefix_valid rejects I");
	UNIT_LONG(ew_ulid_prefix_valid("01ARYZ6S41TSV4RRFFQ69G5FAVX"), 0,
		"ew_ulid_prefix_valid rejects 27 characters");
}

void
test_util(void)
{
	test_utf8();
	test_fold();
	test_distance();
	test_near();
	test_parse_int();
	test_buf();
	test_neutralise();
	test_ulid();
}
