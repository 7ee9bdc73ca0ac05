/*
 * svg.h - small SVG charts for reports: a bar chart, a trend of points,
 * and a map of places as circles.
 *
 * The writers append an <svg> element to a buffer, meant to be put inline
 * in an HTML page (no XML declaration, no external reference, no script).
 * Every text they are given (labels, titles) is escaped; every number is
 * written with the C locale's decimal point. Each drawn datum carries a
 * class that says what it is (a bar: <rect class="bar">, a point:
 * <circle class="point">, a place: <circle class="cercle">) and a <title>
 * child that browsers show as a tooltip.
 *
 * Nothing here needs libm: the few square roots and cosines are computed
 * in svg.c.
 */
#ifndef EW_SVG_H
#define EW_SVG_H

#include <stddef.h>

#include "util.h"

/*
 * Appends s with the five characters that mean something in HTML and XML
 * (& < > " ') written as character references, so that it is safe both as
 * text and inside a quoted attribute value.
 */
void ew_svg_escape(struct ew_buf *out, const char *s);

/* A linear scale: the domain [d0, d1] onto the range [r0, r1]. */
struct ew_svg_scale {
	double d0, d1, r0, r1;
};
/* Where v falls on the scale (d0 when the domain is empty). */
double ew_svg_scale_at(const struct ew_svg_scale *s, double v);
/*
 * The top of an axis for values up to max: the smallest 1, 2 or 5 times
 * a power of ten that is at least max (1 for max <= 1).
 */
long ew_svg_nice_max(long max);

/* Square root of x >= 0, and cosine of an angle in degrees. */
double ew_svg_sqrt(double x);
double ew_svg_cos_deg(double deg);

/*
 * One series of a bar chart: its name (for the legend and the tooltips),
 * a CSS class for its colour, and one value per category.
 */
struct ew_svg_series {
	const char *name;
	const char *cls;
	const long *v;
};

/*
 * A chart of n categories (labels[0..n)), each with one bar per series
 * side by side, on a common axis from 0. A bar is
 * <rect class="bar CLS">; a value of 0 is a bar of height 0, still there
 * (and with its tooltip), so that the count of bars is always
 * n * nseries. title names the chart (its <title> and aria-label). With
 * more than one series, a legend is drawn. Labels longer than fits are
 * drawn slanted.
 */
struct ew_svg_chart {
	const char *title;
	const char *const *labels;
	size_t n;
	const struct ew_svg_series *series;
	size_t nseries;
	int width, height;
};
void ew_svg_bar_chart(struct ew_buf *out, const struct ew_svg_chart *c);

/*
 * The first series of c as a line through one point per category,
 * <circle class="point CLS">, on an axis from 0.
 */
void ew_svg_trend_chart(struct ew_buf *out, const struct ew_svg_chart *c);

/*
 * An equirectangular projection fitted to a box: longitude is scaled by
 * the cosine of the middle latitude, so that distances near it are true
 * in both directions, and the whole is scaled to fit width x height
 * inside margin, centred, north up.
 */
struct ew_svg_proj {
	double lon0, lat0;  /* the west and north edges of the data */
	double kx;          /* cos(middle latitude) */
	double scale;       /* pixels per projected degree */
	double x0, y0;      /* where (lon0, lat0) falls */
};
/* Fits p to the points lat[i], lon[i] (i < n); n may be 0. */
void ew_svg_proj_fit(struct ew_svg_proj *p, const double *lat,
	const double *lon, size_t n, double width, double height,
	double margin);
void ew_svg_project(const struct ew_svg_proj *p, double lat, double lon,
	double *x, double *y);

/* One place on the map. */
struct ew_svg_place {
	const char *name;
	double lat, lon;
	long count;        /* the circle's area is proportional to it */
	const char *cls;   /* CSS class of its colour (its alert level) */
	const char *title; /* tooltip, NULL: "NAME: COUNT" */
};

/* One entry of the map's colour legend. */
struct ew_svg_key {
	const char *cls, *label;
};

/*
 * A map of the places: each a <circle class="cercle CLS"
 * data-cercle="NAME" data-count="N"> whose area is proportional to its
 * count (the largest of radius max_r; at least 2 pixels across), or,
 * for a count of 0, a small hollow circle (class "cercle CLS zero"); its
 * name beside it; a light graticule every half degree; the legend of
 * colours keys[0..nkeys) and of sizes.
 */
struct ew_svg_map {
	const char *title;
	const struct ew_svg_place *places;
	size_t n;
	const struct ew_svg_key *keys;
	size_t nkeys;
	int width, height;
	double max_r;
};
void ew_svg_map(struct ew_buf *out, const struct ew_svg_map *m);

/* The radius the map gives count when the largest count is max. */
double ew_svg_radius(long count, long max, double max_r);

#endif
