/* util.c - see util.h */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

static void
oom(void)
{
	static const char msg[] = "ew: out of memory\n";
	ssize_t r = write(2, msg, sizeof msg - 1);
	(void)r;
	abort();
}

void *
ew_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *
ew_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *
ew_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *
ew_xstrdup(const char *s)
{
	return ew_xstrndup(s, strlen(s));
}

char *
ew_xstrndup(const char *s, size_t n)
{
	char *p = ew_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
ew_xasprintf(const char *fmt, ...)
{
	struct ew_buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return ew_buf_detach(&b);
}

void
ew_buf_grow(struct ew_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			oom();
		cap *= 2;
	}
	b->s = ew_xrealloc(b->s, cap);
	b->cap = cap;
	b->s[b->len] = '\0';
}

void
ew_buf_adds(struct ew_buf *b, const char *s)
{
	ew_buf_add(b, s, strlen(s));
}

void
ew_buf_vaddf(struct ew_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		oom();
	ew_buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
}

void
ew_buf_addf(struct ew_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
ew_buf_reset(struct ew_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
ew_buf_free(struct ew_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *
ew_buf_detach(struct ew_buf *b)
{
	char *s = b->s ? b->s : ew_xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
ew_strv_push(struct ew_strv *sv, char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = ew_xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
}

void
ew_strv_free(struct ew_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int
ew_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

size_t
ew_utf8_decode(const char *str, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : 4;
	unsigned v = len == 1 ? s[0] : s[0] & (0x7f >> len);

	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return *cp = 0xfffd, k; /* not valid: one replacement */
		v = (v << 6) | (s[k] & 0x3f);
	}
	*cp = v;
	return len;
}

static int
in_ranges(unsigned cp, const unsigned (*r)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i][0] && cp <= r[i][1])
			return 1;
	return 0;
}

int
ew_cp_columns(unsigned cp)
{
	/* combining marks and zero-width characters */
	static const unsigned zero[][2] = {
		{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd},
		{0x0610, 0x061a}, {0x064b, 0x065f}, {0x0670, 0x0670},
		{0x06d6, 0x06dc}, {0x06df, 0x06e4}, {0x06e7, 0x06e8},
		{0x06ea, 0x06ed}, {0x0900, 0x0902}, {0x093c, 0x093c},
		{0x0941, 0x0948}, {0x200b, 0x200f}, {0x202a, 0x202e},
		{0x2060, 0x2064}, {0x20d0, 0x20ff}, {0xfe00, 0xfe0f},
		{0xfe20, 0xfe2f}, {0xfeff, 0xfeff},
	};
	/* East Asian wide and fullwidth, and emoji */
	static const unsigned wide[][2] = {
		{0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff},
		{0x3400, 0x4dbf}, {0x4e00, 0x9fff}, {0xa000, 0xa4cf},
		{0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe30, 0xfe4f},
		{0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x1f300, 0x1f64f},
		{0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
	};
	if (in_ranges(cp, zero, sizeof zero / sizeof zero[0]))
		return 0;
	if (in_ranges(cp, wide, sizeof wide / sizeof wide[0]))
		return 2;
	return 1;
}

size_t
ew_utf8_columns(const char *s, size_t n)
{
	size_t cols = 0;
	unsigned cp;

	for (size_t i = 0; i < n;) {
		i += ew_utf8_decode(s + i, &cp);
		cols += (size_t)ew_cp_columns(cp);
	}
	return cols;
}

/* Latin-1 supplement and a few Latin Extended letters, folded to ASCII. */
static char
fold_cp(uint32_t cp)
{
	static const struct {
		uint32_t lo, hi;
		char c;
	} map[] = {
		{0xc0, 0xc5, 'a'}, {0xc7, 0xc7, 'c'}, {0xc8, 0xcb, 'e'},
		{0xcc, 0xcf, 'i'}, {0xd1, 0xd1, 'n'}, {0xd2, 0xd6, 'o'},
		{0xd8, 0xd8, 'o'}, {0xd9, 0xdc, 'u'}, {0xdd, 0xdd, 'y'},
		{0xe0, 0xe5, 'a'}, {0xe7, 0xe7, 'c'}, {0xe8, 0xeb, 'e'},
		{0xec, 0xef, 'i'}, {0xf1, 0xf1, 'n'}, {0xf2, 0xf6, 'o'},
		{0xf8, 0xf8, 'o'}, {0xf9, 0xfc, 'u'}, {0xfd, 0xfd, 'y'},
		{0xff, 0xff, 'y'}, {0x190, 0x190, 'e'}, {0x25b, 0x25b, 'e'},
		{0x186, 0x186, 'o'}, {0x254, 0x254, 'o'}, {0x14a, 0x14b, 'n'},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (cp >= map[i].lo && cp <= map[i].hi)
			return map[i].c;
	return 0;
}

char *
ew_fold(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	struct ew_buf b = {0};

	ew_buf_grow(&b, strlen(str));
	for (size_t i = 0; s[i];) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c >= 'A' && c <= 'Z')
				ew_buf_addc(&b, (char)(c - 'A' + 'a'));
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				ew_buf_addc(&b, (char)c);
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
		cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
		size_t k;
		for (k = 1; k < len && s[i + k]; k++)
			cp = (cp << 6) | (s[i + k] & 0x3f);
		char f = fold_cp(cp);
		if (f)
			ew_buf_addc(&b, f);
		else
			ew_buf_add(&b, s + i, k); /* other letters kept as they are */
		i += k;
	}
	return ew_buf_detach(&b);
}

size_t
ew_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = ew_xmalloc((lb + 1) * sizeof *row);

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

char *
ew_read_file(const char *path, size_t *lenp)
{
	struct ew_buf b = {0};
	char chunk[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			ew_buf_free(&b);
			errno = e;
			return NULL;
		}
		ew_buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	if (lenp)
		*lenp = b.len;
	return ew_buf_detach(&b);
}

void
ew_buf_write(struct ew_buf *b, FILE *fp)
{
	fwrite(b->s, 1, b->len, fp);
	ew_buf_reset(b);
}

pid_t
ew_fork(void)
{
	pid_t parent = getpid();

	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	/* SIGTERM, not SIGKILL: git removes its lock files as it goes. A
	 * parent killed before the child asked is gone already. */
	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent))
		_exit(127);
	return pid;
}

int
ew_fork_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = ew_fork();
	if (pid < 0) {
		int err = errno;
		close(fds[0]);
		close(fds[1]);
		errno = err;
	}
	return pid;
}

int
ew_parse_int(const char *s, long lo, long hi, long *out)
{
	long v = 0;
	size_t i = 0;
	int neg = 0;

	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (!s[i])
		return 0;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (v > (LONG_MAX - (s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < lo || v > hi)
		return 0;
	if (out)
		*out = v;
	return 1;
}

void
ew_near_init(struct ew_near *n, const char *input)
{
	n->want = ew_fold(input);
	n->best = NULL;
	n->dist = (size_t)-1;
}

void
ew_near_consider(struct ew_near *n, const char *candidate)
{
	char *f = ew_fold(candidate);
	size_t d = ew_distance(n->want, f);
	size_t len = strlen(n->want), limit = len / 3 > 2 ? len / 3 : 2;

	/* a prefix counts as close: "tomin" for "Tominian" */
	if (len >= 3 && strncmp(f, n->want, len) == 0 && d > 1)
		d = 1;
	if (d <= limit && d < n->dist) {
		n->dist = d;
		n->best = candidate;
	}
	free(f);
}

const char *
ew_near_done(struct ew_near *n)
{
	free(n->want);
	n->want = NULL;
	return n->best;
}

/* The length of the UTF-8 sequence at s[0..n), or 0 when it is invalid. */
static size_t
utf8_seq(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		(c & 0xf8) == 0xf0 ? 4 : 0;
	if (!len || len > n || !ew_utf8_valid(s, len))
		return 0;
	return len;
}

int
ew_cp_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c ||
		cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		(cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 ||
		cp == 0xfeff;
}

void
ew_neutralise(struct ew_buf *out, const char *s, size_t n, int flags)
{
	ew_buf_grow(out, n);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if ((flags & EW_TEXT_LINES) && (c == '\n' || c == '\r')) {
			ew_buf_addc(out, '\n');
			i += c == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		size_t len = utf8_seq(s + i, n - i);
		if (!len) {
			ew_buf_adds(out, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
			continue;
		}
		unsigned cp;
		char tmp[5] = {0};
		memcpy(tmp, s + i, len);
		ew_utf8_decode(tmp, &cp);
		if (!ew_cp_is_control(cp))
			ew_buf_add(out, s + i, len);
		else if (cp == '\t')
			ew_buf_adds(out, "\\t");
		else if (cp == '\n')
			ew_buf_adds(out, "\\n");
		else if (cp == '\r')
			ew_buf_adds(out, "\\r");
		else
			ew_buf_addf(out, "\\u%04x", cp);
		i += len;
	}
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
ew_remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
ew_dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = d != NULL;

	while (d && empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	if (d)
		closedir(d);
	return empty;
}

int
ew_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
ew_strv_sort_unique(struct ew_strv *sv)
{
	size_t k = 0;

	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof *sv->v, ew_str_cmp);
	for (size_t i = 0; i < sv->n; i++) {
		if (k && strcmp(sv->v[i], sv->v[k - 1]) == 0)
			free(sv->v[i]);
		else
			sv->v[k++] = sv->v[i];
	}
	sv->n = k;
}

void
ew_trailers(const char *msg, const char *key, struct ew_strv *out)
{
	size_t kl = strlen(key), len = strlen(msg);

	/* the trailers are the last paragraph, as git interpret-trailers has it */
	while (len && msg[len - 1] == '\n')
		len--;
	const char *start = msg;
	for (size_t i = 0; i + 1 < len; i++)
		if (msg[i] == '\n' && msg[i + 1] == '\n')
			start = msg + i + 2;
	char *block = ew_xstrndup(start, len - (size_t)(start - msg));
	for (const char *p = block; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > kl + 2 && strncmp(p, key, kl) == 0 && p[kl] == ':' && p[kl + 1] == ' ')
			ew_strv_push(out, ew_xstrndup(p + kl + 2, n - kl - 2));
		p = nl ? nl + 1 : NULL;
	}
	free(block);
}

char *
ew_temp_file(const char *name, const char *data, size_t len, struct ew_err *e)
{
	const char *tmp = getenv("TMPDIR");
	char *path = ew_xasprintf("%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	int fd = mkstemp(path);
	size_t done = 0;

	if (fd < 0) {
		ew_errf(e, "cannot create a temporary file '%s': %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ew_errf(e, "cannot write the temporary file '%s': %s", path,
				w < 0 ? strerror(errno) : _("nothing written"));
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		done += (size_t)w;
	}
	if (close(fd) < 0) {
		ew_errf(e, "cannot write the temporary file '%s': %s", path, strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}
