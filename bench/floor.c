/*
 * floor.c - the cost of reading and parsing a repository's shards, for the
 * ew benchmark (bench/peers.sh).
 *
 *	floor DIR
 *
 * Reads every file named *.csv under DIR/reports (the shards of a data
 * repository's work tree, the bytes `ew list` reads) through libcsv's
 * csv_parse, with callbacks that only count fields and rows, and prints
 *
 *	RECORDS records, FIELDS fields, FILES files
 *
 * where RECORDS is the rows less each file's header row and FIELDS counts
 * every field, header rows included.  The parser is set up as ew's own
 * reader sets it up (strict quoting, no space trimming, a NUL appended
 * to each field), so this is what any reader of these files must do at
 * least: read them, and find the fields.
 *
 * Build: cc -O2 -o floor floor.c -lcsv
 */
#define _XOPEN_SOURCE 700

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct count {
	unsigned long long fields, rows, files;
};

static struct count total;
static struct csv_parser parser;

static void
on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct count *)data)->fields++;
}

static void
on_row(int c, void *data)
{
	(void)c;
	((struct count *)data)->rows++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Parses one file; returns 0, or -1 after a message. */
static int
parse_file(const char *path)
{
	static char buf[1 << 16];
	unsigned long long rows = total.rows;
	const char *why = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (csv_parse(&parser, buf, (size_t)n, on_field, on_row, &total) !=
		    (size_t)n) {
			why = csv_strerror(csv_error(&parser));
			break;
		}
	if (n < 0)
		why = strerror(errno);
	else if (!why && csv_fini(&parser, on_field, on_row, &total) != 0)
		why = csv_strerror(csv_error(&parser));
	else if (!why && total.rows == rows)
		why = "no header row";
	close(fd);
	if (why) {
		fprintf(stderr, "floor: %s: %s\n", path, why);
		return -1;
	}
	total.files++;
	return 0;
}

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_DNR || type == FTW_NS) {
		fprintf(stderr, "floor: %s: cannot read\n", path);
		return 1;
	}
	if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".csv") != 0)
		return 0;
	return parse_file(path) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	size_t len;
	char *dir;
	int rc;

	if (argc != 2) {
		fputs("usage: floor DIR\n", stderr);
		return 2;
	}
	len = strlen(argv[1]) + sizeof "/reports";
	if (!(dir = malloc(len)) ||
	    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fputs("floor: out of memory\n", stderr);
		return 2;
	}
	snprintf(dir, len, "%s/reports", argv[1]);
	csv_set_space_func(&parser, no_space);
	rc = nftw(dir, visit, 16, FTW_PHYS);
	if (rc < 0)
		fprintf(stderr, "floor: %s: %s\n", dir, strerror(errno));
	else if (rc == 0)
		printf("%llu records, %llu fields, %llu files\n",
			total.rows - total.files, total.fields, total.files);
	csv_free(&parser);
	free(dir);
	if (rc != 0 || fflush(stdout) != 0 || ferror(stdout))
		return 2;
	return 0;
}
