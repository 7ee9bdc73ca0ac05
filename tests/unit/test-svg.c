/* test-svg.c - svg.h: escaping, scales, the charts and the map */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "unit.h"
#include "util.h"

/* How many times needle occurs in hay. */
static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int
near(double got, double want)
{
	double d = got - want;
	return d < 1e-6 && d > -1e-6;
}

static int
near_px(double got, double want)
{
	double d = got - want;
	return d < 0.01 && d > -0.01;
}

static void
test_escape(void)
{
	struct ew_buf b = {0};

	ew_svg_escape(&b, "<a href=\"x\">&'</a>");
	UNIT_STR(b.s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;",
		"ew_svg_escape escapes & < > \" '");
	ew_buf_reset(&b);
	ew_svg_escape(&b, "Ségou");
	UNIT_STR(b.s, "Ségou", "ew_svg_escape keeps UTF-8 as it is");
	ew_buf_reset(&b);
	ew_svg_escape(&b, "");
	UNIT_STR(b.s, "", "ew_svg_escape of an empty string");
	ew_buf_free(&b);
}

static void
test_scales(void)
{
	struct ew_svg_scale y = {0, 10, 100, 0};
	struct ew_svg_scale flat = {3, 3, 7, 9};
	static const long nice[][2] = {{-4, 1}, {0, 1}, {1, 1}, {2, 2}, {3, 5},
		{5, 5}, {7, 10}, {10, 10}, {11, 20}, {20, 20}, {21, 50},
		{150, 200}, {501, 1000}, {1000, 1000}, {1001, 2000}};

	UNIT_CHECK(near(ew_svg_scale_at(&y, 5), 50), "a scale maps the middle to the middle");
	UNIT_CHECK(near(ew_svg_scale_at(&y, 0), 100), "a scale maps 0 to the bottom");
	UNIT_CHECK(near(ew_svg_scale_at(&y, 10), 0), "a scale maps the top to the top");
	UNIT_CHECK(near(ew_svg_scale_at(&flat, 3), 7), "an empty domain maps to r0");
	for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
		UNIT_LONG(ew_svg_nice_max(nice[i][0]), nice[i][1],
			"ew_svg_nice_max(%ld)", nice[i][0]);
	UNIT_CHECK(near(ew_svg_sqrt(4), 2), "sqrt(4)");
	UNIT_CHECK(near(ew_svg_sqrt(2), 1.4142135623730951), "sqrt(2)");
	UNIT_CHECK(near(ew_svg_sqrt(0.25), 0.5), "sqrt(0.25)");
	UNIT_CHECK(near(ew_svg_sqrt(0), 0) && near(ew_svg_sqrt(-3), 0), "sqrt(0) and of a negative");
	UNIT_CHECK(near(ew_svg_sqrt(1e10), 1e5), "sqrt(1e10)");
	UNIT_CHECK(near(ew_svg_cos_deg(0), 1), "cos 0");
	UNIT_CHECK(near(ew_svg_cos_deg(60), 0.5), "cos 60");
	UNIT_CHECK(near(ew_svg_cos_deg(90), 0), "cos 90");
	UNIT_CHECK(near(ew_svg_cos_deg(180), -1), "cos 180");
	UNIT_CHECK(near(ew_svg_cos_deg(-420), 0.5), "cos -420");
	UNIT_CHECK(near(ew_svg_cos_deg(13.5), 0.97236992039767656), "cos 13.5");
}

static void
test_bars(void)
{
	static const char *const labels[] = {"Niono", "<b>Bla</b>", "San & Co"};
	static const long killed[] = {4, 0, 12}, injured[] = {1, 2, 0};
	static const long zeros[] = {0, 0, 0};
	struct ew_svg_series two[] = {{"Killed", "killed", killed},
		{"Injured \"hurt\"", "injured", injured}};
	struct ew_svg_chart c = {"Casualties <by> cercle", labels, 3, two, 2, 600, 240};
	struct ew_buf b = {0};

	ew_svg_bar_chart(&b, &c);
	UNIT_CHECK(strncmp(b.s, "<svg class=\"chart bars\"", 23) == 0, "a bar chart is an <svg>");
	UNIT_CHECK(strstr(b.s, "</svg>\n") && b.s[b.len - 1] == '\n', "a bar chart ends with </svg>");
	UNIT_LONG(occurrences(b.s, "<rect class=\"bar "), 6, "one bar per category and series");
	UNIT_LONG(occurrences(b.s, "<rect class=\"bar killed\""), 3, "three bars of the first series");
	UNIT_LONG(occurrences(b.s, "<title>"), 7, "a title for the chart and each bar");
	UNIT_CHECK(!strstr(b.s, "<b>") && strstr(b.s, "&lt;b&gt;Bla&lt;/b&gt;"), "labels are escaped");
	UNIT_CHECK(strstr(b.s, "San &amp; Co, Killed: 12</title>") != NULL, "a bar's tooltip names its category, series and value");
	UNIT_CHECK(strstr(b.s, "Injured &quot;hurt&quot;") != NULL, "series names are escaped in the legend");
	UNIT_CHECK(strstr(b.s, "aria-label=\"Casualties &lt;by&gt; cercle\"") != NULL, "the chart's title is escaped");
	UNIT_CHECK(strstr(b.s, ">20</text>") != NULL, "the axis goes to the nice maximum (20 for 12)");
	UNIT_CHECK(strstr(b.s, "data-value=\"0\"") != NULL, "a value of 0 is still a bar");

	/* the bar of 12 is 12/20 of the plot's height: compare with the 4 */
	const char *p12 = strstr(b.s, "data-value=\"12\""), *p4 = strstr(b.s, "data-value=\"4\"");
	UNIT_CHECK(p12 && p4, "the bars carry their values");
	if (p12 && p4) {
		double h12 = 0, h4 = 0;
		const char *q = p12;
		while (q > b.s && strncmp(q, "height=\"", 8) != 0)
			q--;
		h12 = strtod(q + 8, NULL);
		q = p4;
		while (q > b.s && strncmp(q, "height=\"", 8) != 0)
			q--;
		h4 = strtod(q + 8, NULL);
		UNIT_CHECK(h4 > 0 && h12 / h4 > 2.95 && h12 / h4 < 3.05, "bar heights are proportional to values (%.1f, %.1f)", h12, h4);
	}

	/* a series of zeros: every bar there, all of height 0, axis to 1 */
	struct ew_svg_series z = {"None", "zero", zeros};
	struct ew_svg_chart cz = {"Nothing", labels, 3, &z, 1, 300, 200};
	ew_buf_reset(&b);
	ew_svg_bar_chart(&b, &cz);
	UNIT_LONG(occurrences(b.s, "<rect class=\"bar "), 3, "a series of zeros has its bars");
	UNIT_LONG(occurrences(b.s, "height=\"0.0\""), 3, "each of height 0");
	UNIT_CHECK(!strstr(b.s, "class=\"key"), "one series has no legend");
	UNIT_CHECK(!strstr(b.s, "nan") && !strstr(b.s, "inf"), "no NaN or infinity in a chart of zeros");

	/* no category at all */
	struct ew_svg_chart ce = {"Empty", NULL, 0, &z, 1, 300, 200};
	ew_buf_reset(&b);
	ew_svg_bar_chart(&b, &ce);
	UNIT_LONG(occurrences(b.s, "<rect class=\"bar "), 0, "an empty chart has no bar");
	UNIT_CHECK(strstr(b.s, "</svg>") && !strstr(b.s, "nan"), "an empty chart is still an <svg>");
	ew_buf_free(&b);
}

static void
test_trend(void)
{
	static const char *const labels[] = {"09-06", "09-13", "09-20", "09-27"};
	static const long v[] = {0, 3, 1, 0};
	struct ew_svg_series s = {"Killed", "killed", v};
	struct ew_svg_chart c = {"Killed per week", labels, 4, &s, 1, 400, 200};
	struct ew_buf b = {0};

	ew_svg_trend_chart(&b, &c);
	UNIT_CHECK(strncmp(b.s, "<svg class=\"chart trend\"", 24) == 0, "a trend chart is an <svg>");
	UNIT_LONG(occurrences(b.s, "<circle class=\"point killed\""), 4, "one point per category");
	UNIT_LONG(occurrences(b.s, "<polyline class=\"line killed\""), 1, "one line through them");
	UNIT_CHECK(strstr(b.s, "09-13, Killed: 3</title>") != NULL, "a point's tooltip");
	UNIT_LONG(occurrences(b.s, "<rect class=\"bar"), 0, "no bars in a trend chart");
	ew_buf_free(&b);
}

static void
test_projection(void)
{
	double lat[] = {14, 13}, lon[] = {-6, -5}, x, y;
	struct ew_svg_proj p;

	/* a degree of longitude at 13.5 N is cos(13.5) of a degree of latitude */
	ew_svg_proj_fit(&p, lat, lon, 2, 200, 200, 0);
	UNIT_CHECK(near(p.kx, 0.97236992039767656), "the longitude factor is the cosine of the middle latitude");
	UNIT_CHECK(near(p.scale, 200), "the taller side fills the box");
	ew_svg_project(&p, 14, -6, &x, &y);
	UNIT_CHECK(near_px(x, 100 - 0.97236992 * 100) && near_px(y, 0),
		"the north-west point is at the top, centred across (%.3f, %.3f)", x, y);
	ew_svg_project(&p, 13, -5, &x, &y);
	UNIT_CHECK(near_px(x, 100 + 0.97236992 * 100) && near_px(y, 200),
		"the south-east point is at the bottom (%.3f, %.3f)", x, y);
	ew_svg_project(&p, 13.5, -5.5, &x, &y);
	UNIT_CHECK(near_px(x, 100) && near_px(y, 100), "the middle is in the middle (%.3f, %.3f)", x, y);

	/* Niono and San of the gazetteer, in a box with a margin */
	double glat[] = {14.25, 13.30}, glon[] = {-5.99, -4.90};
	ew_svg_proj_fit(&p, glat, glon, 2, 500, 400, 20);
	ew_svg_project(&p, 14.25, -5.99, &x, &y);
	double x2, y2;
	ew_svg_project(&p, 13.30, -4.90, &x2, &y2);
	UNIT_CHECK(x < x2 && y < y2, "Niono is north-west of San");
	UNIT_CHECK(near_px(y, 20) && near_px(y2, 380), "north to south fills the height inside the margin (%.2f, %.2f)", y, y2);
	double ratio = (x2 - x) / (y2 - y);
	double want = 1.09 * ew_svg_cos_deg(13.775) / 0.95;
	UNIT_CHECK(near_px(ratio, want), "the aspect is equirectangular (%.4f, %.4f)", ratio, want);

	/* one point, and none: no division by zero */
	ew_svg_proj_fit(&p, glat, glon, 1, 300, 300, 10);
	ew_svg_project(&p, 14.25, -5.99, &x, &y);
	UNIT_CHECK(near_px(x, 150) && near_px(y, 150), "one point is centred");
	/* a degree around it fills the box: not one pixel a degree, which
	   spread the half-degree grid over hundreds of lines */
	UNIT_CHECK(p.scale >= 280, "one point: a degree fills the map (%.1f px)", p.scale);
	ew_svg_proj_fit(&p, NULL, NULL, 0, 300, 300, 10);
	UNIT_CHECK(p.scale > 0, "no point gives a usable projection");
}

static void
test_map(void)
{
	static const struct ew_svg_key keys[] = {{"lvl-none", "no alert"},
		{"lvl-red", "red"}};
	struct ew_svg_place pl[] = {
		{"Niono", 14.25, -5.99, 16, "lvl-red", NULL},
		{"San & <Co>", 13.30, -4.90, 4, "lvl-none", "San: \"four\""},
		{"Bla", 12.95, -5.76, 0, "lvl-none", NULL},
	};
	struct ew_svg_map m = {"Map", pl, 3, keys, 2, 500, 460, 40};
	struct ew_buf b = {0};

	ew_svg_map(&b, &m);
	UNIT_LONG(occurrences(b.s, "<circle class=\"cercle "), 3, "one circle per place");
	UNIT_LONG(occurrences(b.s, " zero\""), 1, "a place with no incident is hollow");
	UNIT_CHECK(strstr(b.s, "data-cercle=\"Bla\" data-count=\"0\"") != NULL, "a circle names its place and count");
	UNIT_CHECK(strstr(b.s, "data-cercle=\"San &amp; &lt;Co&gt;\"") != NULL, "place names are escaped in attributes");
	UNIT_CHECK(strstr(b.s, ">San &amp; &lt;Co&gt;</text>") != NULL, "and in labels");
	UNIT_CHECK(strstr(b.s, "<title>San: &quot;four&quot;</title>") != NULL, "a given tooltip is used, escaped");
	UNIT_CHECK(strstr(b.s, "<title>Niono: 16</title>") != NULL, "the default tooltip is NAME: COUNT");
	UNIT_CHECK(strstr(b.s, "class=\"cercle lvl-red\" data-cercle=\"Niono\" data-count=\"16\"") != NULL, "the colour class is the place's");
	UNIT_CHECK(strstr(b.s, "r=\"40.0\"") != NULL, "the largest count gets the largest radius");
	UNIT_CHECK(strstr(b.s, "r=\"20.0\"") != NULL, "a quarter of the count gets half the radius (area)");
	UNIT_CHECK(strstr(b.s, ">no alert</text>") != NULL, "the legend names the colours");
	UNIT_CHECK(!strstr(b.s, "nan"), "no NaN");
	UNIT_CHECK(near(ew_svg_radius(1, 10000, 40), 2), "a tiny count is still visible");
	UNIT_CHECK(near(ew_svg_radius(0, 10, 40), 0), "a count of 0 has no area");

	/* an empty map */
	struct ew_svg_map e = {"Empty", NULL, 0, keys, 2, 300, 300, 30};
	ew_buf_reset(&b);
	ew_svg_map(&b, &e);
	UNIT_LONG(occurrences(b.s, "<circle class=\"cercle"), 0, "an empty map has no circle");
	UNIT_CHECK(strstr(b.s, "</svg>") && !strstr(b.s, "nan"), "an empty map is an <svg>");
	ew_buf_free(&b);
}

void
test_svg(void)
{
	test_escape();
	test_scales();
	test_bars();
	test_trend();
	test_projection();
	test_map();
}
