/* svg.c - see svg.h */
#include "svg.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define PI 3.14159265358979323846

void
ew_svg_escape(struct ew_buf *out, const char *s)
{
	ew_buf_adds(out, "");
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': ew_buf_adds(out, "&amp;"); break;
		case '<': ew_buf_adds(out, "&lt;"); break;
		case '>': ew_buf_adds(out, "&gt;"); break;
		case '"': ew_buf_adds(out, "&quot;"); break;
		case '\'': ew_buf_adds(out, "&#39;"); break;
		default: ew_buf_addc(out, *p); break;
		}
	}
}

double
ew_svg_scale_at(const struct ew_svg_scale *s, double v)
{
	if (s->d1 == s->d0)
		return s->r0;
	return s->r0 + (v - s->d0) * (s->r1 - s->r0) / (s->d1 - s->d0);
}

long
ew_svg_nice_max(long max)
{
	long p = 1;

	if (max <= 1)
		return 1;
	for (;;) {
		if (p >= max)
			return p;
		if (2 * p >= max)
			return 2 * p;
		if (5 * p >= max)
			return 5 * p;
		if (p > (long)1e17)
			return max;
		p *= 10;
	}
}

/* The distance between the gridlines of an axis up to top (nice). */
static long
tick_step(long top)
{
	if (top <= 5)
		return 1;
	long p = 1;
	while (p * 10 <= top)
		p *= 10;
	/* top is p, 2p or 5p */
	return top == 2 * p ? p / 2 : top / 5;
}

double
ew_svg_sqrt(double x)
{
	if (x <= 0)
		return 0;
	/* Newton's method from a start above the root: it falls to it */
	double r = x > 1 ? x : 1;
	for (int i = 0; i < 200; i++) {
		double next = (r + x / r) / 2;
		if (next >= r)
			break;
		r = next;
	}
	return r;
}

double
ew_svg_cos_deg(double deg)
{
	double x = deg * PI / 180;

	while (x > PI)
		x -= 2 * PI;
	while (x < -PI)
		x += 2 * PI;
	/* the Taylor series; 20 terms are exact to double precision on [-pi, pi] */
	double term = 1, sum = 1;
	for (int k = 1; k <= 20; k++) {
		term *= -x * x / ((2 * k - 1) * (2 * k));
		sum += term;
	}
	return sum;
}

/* ---- charts ---- */

/* The plot area of a chart, inside its margins. */
struct frame {
	double left, top, width, height;
	struct ew_svg_scale y;
	long top_value;
	int slanted;
};

static void
open_svg(struct ew_buf *out, const char *cls, int width, int height,
	const char *title)
{
	ew_buf_addf(out, "<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		"aria-label=\"", cls, width, height, width, height);
	ew_svg_escape(out, title);
	ew_buf_adds(out, "\"><title>");
	ew_svg_escape(out, title);
	ew_buf_adds(out, "</title>\n");
}

static long
chart_max(const struct ew_svg_chart *c, size_t nseries)
{
	long max = 0;

	for (size_t s = 0; s < nseries; s++)
		for (size_t i = 0; i < c->n; i++)
			if (c->series[s].v[i] > max)
				max = c->series[s].v[i];
	return max;
}

/*
 * Lays out the plot area: labels slant when the longest would not fit
 * its band; the legend takes a line at the top when there is one.
 */
static void
frame_layout(struct frame *f, const struct ew_svg_chart *c, size_t nseries,
	int legend)
{
	size_t longest = 0;

	for (size_t i = 0; i < c->n; i++) {
		size_t k = ew_utf8_columns(c->labels[i], strlen(c->labels[i]));
		if (k > longest)
			longest = k;
	}
	f->left = 48;
	f->top = legend ? 34 : 14;
	f->width = c->width - f->left - 12;
	double band = c->n ? f->width / (double)c->n : f->width;
	f->slanted = longest * 6.5 > band;
	f->height = c->height - f->top - (f->slanted ? 24 + longest * 4.6 : 26);
	if (f->height < 20)
		f->height = 20;
	f->top_value = ew_svg_nice_max(chart_max(c, nseries));
	f->y = (struct ew_svg_scale){0, (double)f->top_value,
		f->top + f->height, f->top};
}

/* The gridlines, their values, and the axis line. */
static void
draw_axes(struct ew_buf *out, const struct frame *f)
{
	long step = tick_step(f->top_value);

	for (long v = 0; v <= f->top_value; v += step) {
		double y = ew_svg_scale_at(&f->y, (double)v);
		ew_buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>", f->left, y, f->left + f->width, y);
		ew_buf_addf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"end\">%ld</text>\n", f->left - 6, y + 4, v);
	}
	ew_buf_addf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" "
		"x2=\"%.1f\" y2=\"%.1f\"/>\n", f->left, f->top + f->height,
		f->left + f->width, f->top + f->height);
}

static void
draw_label(struct ew_buf *out, const struct frame *f, double x,
	const char *label)
{
	double y = f->top + f->height + 16;

	if (f->slanted)
		ew_buf_addf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"end\" transform=\"rotate(-40 %.1f %.1f)\">",
			x + 4, y, x + 4, y);
	else
		ew_buf_addf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\">", x, y);
	ew_svg_escape(out, label);
	ew_buf_adds(out, "</text>\n");
}

/* "LABEL, SERIES: VALUE" (or "LABEL: VALUE" for a single series). */
static void
tooltip(struct ew_buf *out, const char *label, const char *series,
	long value)
{
	struct ew_buf l = {0}, s = {0};

	ew_svg_escape(&l, label);
	ew_buf_adds(out, "<title>");
	if (series) {
		ew_svg_escape(&s, series);
		/* TRANSLATORS: a bar's or a point's tooltip in a chart:
		   the cercle or week, the series (Killed...), the value */
		ew_buf_addf(out, _("%s, %s: %ld"), l.s, s.s, value);
	} else {
		/* TRANSLATORS: a bar's or a point's tooltip in a chart of
		   one series: the cercle or week, the value */
		ew_buf_addf(out, _("%s: %ld"), l.s, value);
	}
	ew_buf_adds(out, "</title>");
	ew_buf_free(&l);
	ew_buf_free(&s);
}

static void
draw_legend(struct ew_buf *out, const struct ew_svg_chart *c)
{
	double x = 48;

	for (size_t s = 0; s < c->nseries; s++) {
		ew_buf_addf(out, "<rect class=\"key %s\" x=\"%.1f\" y=\"8\" "
			"width=\"12\" height=\"12\"/><text class=\"key-label\" "
			"x=\"%.1f\" y=\"18\">", c->series[s].cls, x, x + 16);
		ew_svg_escape(out, c->series[s].name);
		ew_buf_adds(out, "</text>\n");
		x += 28 + 7.0 * (double)ew_utf8_columns(c->series[s].name,
			strlen(c->series[s].name));
	}
}

void
ew_svg_bar_chart(struct ew_buf *out, const struct ew_svg_chart *c)
{
	struct frame f;
	int legend = c->nseries > 1;

	frame_layout(&f, c, c->nseries, legend);
	open_svg(out, "chart bars", c->width, c->height, c->title);
	draw_axes(out, &f);
	if (legend)
		draw_legend(out, c);
	double band = c->n ? f.width / (double)c->n : 0;
	double bw = c->nseries ? band * 0.8 / (double)c->nseries : 0;
	for (size_t i = 0; i < c->n; i++) {
		double x0 = f.left + band * (double)i + band * 0.1;
		for (size_t s = 0; s < c->nseries; s++) {
			long v = c->series[s].v[i];
			double y = ew_svg_scale_at(&f.y, (double)(v > 0 ? v : 0));
			double x = x0 + bw * (double)s;
			ew_buf_addf(out, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"%.1f\" data-value=\"%ld\">",
				c->series[s].cls, x, y, bw > 1 ? bw - 1 : bw,
				f.top + f.height - y, v);
			tooltip(out, c->labels[i], legend ? c->series[s].name : NULL, v);
			ew_buf_adds(out, "</rect>");
			if (v > 0 && bw >= 14)
				ew_buf_addf(out, "<text class=\"value\" x=\"%.1f\" "
					"y=\"%.1f\" text-anchor=\"middle\">%ld</text>",
					x + bw / 2, y - 3, v);
			ew_buf_adds(out, "\n");
		}
		draw_label(out, &f, f.left + band * ((double)i + 0.5), c->labels[i]);
	}
	ew_buf_adds(out, "</svg>\n");
}

void
ew_svg_trend_chart(struct ew_buf *out, const struct ew_svg_chart *c)
{
	struct frame f;
	const struct ew_svg_series *s = c->series;

	frame_layout(&f, c, c->nseries ? 1 : 0, 0);
	open_svg(out, "chart trend", c->width, c->height, c->title);
	draw_axes(out, &f);
	if (!c->nseries) {
		ew_buf_adds(out, "</svg>\n");
		return;
	}
	double band = c->n ? f.width / (double)c->n : 0;
	ew_buf_addf(out, "<polyline class=\"line %s\" points=\"", s->cls);
	for (size_t i = 0; i < c->n; i++)
		ew_buf_addf(out, "%s%.1f,%.1f", i ? " " : "",
			f.left + band * ((double)i + 0.5),
			ew_svg_scale_at(&f.y, (double)(s->v[i] > 0 ? s->v[i] : 0)));
	ew_buf_adds(out, "\"/>\n");
	for (size_t i = 0; i < c->n; i++) {
		double x = f.left + band * ((double)i + 0.5);
		double y = ew_svg_scale_at(&f.y, (double)(s->v[i] > 0 ? s->v[i] : 0));
		ew_buf_addf(out, "<circle class=\"point %s\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"4\" data-value=\"%ld\">", s->cls, x, y, s->v[i]);
		tooltip(out, c->labels[i], s->name, s->v[i]);
		ew_buf_adds(out, "</circle>");
		if (s->v[i] > 0 && band >= 14)
			ew_buf_addf(out, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\">%ld</text>", x, y - 8, s->v[i]);
		ew_buf_adds(out, "\n");
		draw_label(out, &f, x, c->labels[i]);
	}
	ew_buf_adds(out, "</svg>\n");
}

/* ---- the map ---- */

void
ew_svg_proj_fit(struct ew_svg_proj *p, const double *lat, const double *lon,
	size_t n, double width, double height, double margin)
{
	double latmin = 0, latmax = 0, lonmin = 0, lonmax = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || lat[i] < latmin)
			latmin = lat[i];
		if (i == 0 || lat[i] > latmax)
			latmax = lat[i];
		if (i == 0 || lon[i] < lonmin)
			lonmin = lon[i];
		if (i == 0 || lon[i] > lonmax)
			lonmax = lon[i];
	}
	/* one point, or none: a degree around it, so the grid stays a grid */
	if (latmax - latmin <= 0 && lonmax - lonmin <= 0) {
		latmin -= 0.5, latmax += 0.5;
		lonmin -= 0.5, lonmax += 0.5;
	}
	p->kx = ew_svg_cos_deg((latmin + latmax) / 2);
	p->lon0 = lonmin;
	p->lat0 = latmax;
	double w = width - 2 * margin, h = height - 2 * margin;
	double sx = (lonmax - lonmin) * p->kx, sy = latmax - latmin;
	/* one point, or points in a line: the other direction has no say */
	if (sx > 0 && sy > 0)
		p->scale = w / sx < h / sy ? w / sx : h / sy;
	else if (sx > 0)
		p->scale = w / sx;
	else
		p->scale = h / sy;
	p->x0 = margin + (w - sx * p->scale) / 2;
	p->y0 = margin + (h - sy * p->scale) / 2;
}

void
ew_svg_project(const struct ew_svg_proj *p, double lat, double lon,
	double *x, double *y)
{
	*x = p->x0 + (lon - p->lon0) * p->kx * p->scale;
	*y = p->y0 + (p->lat0 - lat) * p->scale;
}

double
ew_svg_radius(long count, long max, double max_r)
{
	if (count <= 0 || max <= 0)
		return 0;
	double r = max_r * ew_svg_sqrt((double)count / (double)max);
	return r < 2 ? 2 : r;
}

/* Parallels and meridians every half degree across the map's box. */
static void
graticule(struct ew_buf *out, const struct ew_svg_proj *p, double width,
	double height)
{
	double north = p->lat0 + p->y0 / p->scale;
	double south = p->lat0 - (height - p->y0) / p->scale;
	double west = p->lon0 - p->x0 / (p->kx * p->scale);
	double east = p->lon0 + (width - p->x0) / (p->kx * p->scale);
	double x, y;

	for (long k = (long)(south * 2) - 1; k <= (long)(north * 2) + 1; k++) {
		double lat = (double)k / 2;
		if (lat < south || lat > north)
			continue;
		ew_svg_project(p, lat, west, &x, &y);
		ew_buf_addf(out, "<line class=\"grid\" x1=\"0\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"4\" "
			"y=\"%.1f\">", y, width, y, y - 3);
		/* TRANSLATORS: a parallel's label on the map, in degrees
		   north or south */
		ew_buf_addf(out, lat < 0 ? _("%.1f°S") : _("%.1f°N"),
			lat < 0 ? -lat : lat);
		ew_buf_adds(out, "</text>\n");
	}
	for (long k = (long)(west * 2) - 1; k <= (long)(east * 2) + 1; k++) {
		double lon = (double)k / 2;
		if (lon < west || lon > east)
			continue;
		ew_svg_project(p, north, lon, &x, &y);
		ew_buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"0\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" "
			"y=\"%.1f\">", x, x, height, x + 3, height - 4);
		/* TRANSLATORS: a meridian's label on the map, in degrees
		   west or east */
		ew_buf_addf(out, lon < 0 ? _("%.1f°W") : _("%.1f°E"),
			lon < 0 ? -lon : lon);
		ew_buf_adds(out, "</text>\n");
	}
}

static void
place_symbol(struct ew_buf *out, const struct ew_svg_place *pl, double x,
	double y, double r)
{
	ew_buf_addf(out, "<circle class=\"cercle %s%s\" data-cercle=\"",
		pl->cls, pl->count > 0 ? "" : " zero");
	ew_svg_escape(out, pl->name);
	ew_buf_addf(out, "\" data-count=\"%ld\" cx=\"%.1f\" cy=\"%.1f\" "
		"r=\"%.1f\"><title>", pl->count, x, y, pl->count > 0 ? r : 4.0);
	if (pl->title) {
		ew_svg_escape(out, pl->title);
	} else {
		struct ew_buf name = {0};
		ew_svg_escape(&name, pl->name);
		/* TRANSLATORS: a circle's tooltip on the map: the cercle,
		   its count */
		ew_buf_addf(out, _("%s: %ld"), name.s, pl->count);
		ew_buf_free(&name);
	}
	ew_buf_adds(out, "</title></circle>\n");
}

/* The colour keys and two reference sizes under the map's box. */
static void
map_legend(struct ew_buf *out, const struct ew_svg_map *m, double top,
	long max)
{
	double x = 12;

	for (size_t i = 0; i < m->nkeys; i++) {
		ew_buf_addf(out, "<circle class=\"key %s\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"6\"/><text class=\"key-label\" x=\"%.1f\" y=\"%.1f\">",
			m->keys[i].cls, x + 6, top + 14, x + 16, top + 18);
		ew_svg_escape(out, m->keys[i].label);
		ew_buf_adds(out, "</text>\n");
		x += 34 + 7.0 * (double)ew_utf8_columns(m->keys[i].label,
			strlen(m->keys[i].label));
	}
	if (max <= 0)
		return;
	/* a circle for the largest count, and one for a quarter of it */
	long sizes[2] = {max, max / 4};
	x = 12;
	for (int i = 0; i < 2; i++) {
		if (sizes[i] <= 0 || (i && sizes[i] == sizes[0]))
			continue;
		double r = ew_svg_radius(sizes[i], max, m->max_r);
		ew_buf_addf(out, "<circle class=\"size\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"%.1f\"/><text class=\"key-label\" x=\"%.1f\" "
			"y=\"%.1f\">%ld</text>\n", x + r, top + 36 + m->max_r, r,
			x + 2 * r + 6, top + 40 + m->max_r, sizes[i]);
		x += 2 * r + 50;
	}
}

void
ew_svg_map(struct ew_buf *out, const struct ew_svg_map *m)
{
	double legend_h = 48 + 2 * m->max_r;
	double box_h = m->height - legend_h;
	double *lat = ew_xcalloc(m->n + 1, sizeof *lat);
	double *lon = ew_xcalloc(m->n + 1, sizeof *lon);
	size_t *order = ew_xcalloc(m->n + 1, sizeof *order);
	struct ew_svg_proj p;
	long max = 0;

	for (size_t i = 0; i < m->n; i++) {
		lat[i] = m->places[i].lat;
		lon[i] = m->places[i].lon;
		if (m->places[i].count > max)
			max = m->places[i].count;
		order[i] = i;
	}
	/* (room on the right for the names, which are written there) */
	ew_svg_proj_fit(&p, lat, lon, m->n, m->width - 64, box_h, m->max_r + 20);
	open_svg(out, "map", m->width, m->height, m->title);
	ew_buf_addf(out, "<rect class=\"land\" x=\"0\" y=\"0\" width=\"%d\" "
		"height=\"%.1f\"/>\n", m->width, box_h);
	graticule(out, &p, m->width, box_h);
	/* the largest circles first, so that none hides a smaller one */
	for (size_t i = 1; i < m->n; i++)
		for (size_t j = i; j > 0 && m->places[order[j]].count >
		     m->places[order[j - 1]].count; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t k = 0; k < m->n; k++) {
		const struct ew_svg_place *pl = &m->places[order[k]];
		double x, y, r = ew_svg_radius(pl->count, max, m->max_r);
		ew_svg_project(&p, pl->lat, pl->lon, &x, &y);
		place_symbol(out, pl, x, y, r);
	}
	/* names above every circle */
	for (size_t i = 0; i < m->n; i++) {
		const struct ew_svg_place *pl = &m->places[i];
		double x, y, r = ew_svg_radius(pl->count, max, m->max_r);
		ew_svg_project(&p, pl->lat, pl->lon, &x, &y);
		ew_buf_addf(out, "<text class=\"name\" x=\"%.1f\" y=\"%.1f\">",
			x + (r > 4 ? r : 4) + 4, y + 4);
		ew_svg_escape(out, pl->name);
		ew_buf_adds(out, "</text>\n");
	}
	map_legend(out, m, box_h, max);
	ew_buf_adds(out, "</svg>\n");
	free(lat);
	free(lon);
	free(order);
}
