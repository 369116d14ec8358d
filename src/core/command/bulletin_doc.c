/* bulletin_doc.c - the published forms of an approved bulletin (see
 * bulletin.h): plain text in the official wording and order, an A4 PDF
 * (util/pdf.h: pango lays out the Chinese, cairo draws the chart) and an
 * XLSX workbook (libxlsxwriter).  Everything printed comes from the
 * bulletin's locked figures (counts only) and its approval record. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/command/bulletin.h"
#include "util/date.h"
#include "util/pdf.h"
#include "util/xlsxout.h"

/* A figure of wall.h's case figures with its printed name and unit. */
typedef struct figure {
	const char *key, *label, *unit;
} figure;

static const figure figures[] = {
	{ "cum_confirmed", "累计报告确诊病例", "例" },   { "cur_confirmed", "现有确诊病例", "例" },
	{ "cum_discharged", "累计治愈出院", "例" },       { "cum_deceased", "累计死亡", "例" },
	{ "new_confirmed", "新增确诊病例", "例" },       { "new_suspected", "新增疑似病例", "例" },
	{ "new_asymptomatic", "新增无症状感染者", "例" }, { "new_discharged", "新增治愈出院", "例" },
	{ "new_deceased", "新增死亡", "例" },             { "cur_suspected", "现有疑似病例", "例" },
	{ "cur_asymptomatic", "现有无症状感染者", "例" }, { "under_observation", "尚在医学观察", "人" },
	{ NULL },
};

static const figure *figure_of(const char *key)
{
	for (const figure *f = figures; f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* "2026-12-06" → month 12, day 6 (year into y when not NULL). */
static void md(const char *date, int *y, int *m, int *d)
{
	int yy = 0, mm = 0, dd = 0;
	sscanf(date, "%d-%d-%d", &yy, &mm, &dd);
	if (y)
		*y = yy;
	*m = mm;
	*d = dd;
}

/* How the bulletin names its whole area: 全区, 全市, 全街道, … from the
 * ending of the region's name; the name itself otherwise. */
static void area_of(const char *name, char *out, size_t n)
{
	static const struct {
		const char *end, *word;
	} ends[] = {
		{ "社区居委会", "社区" }, { "居委会", "社区" }, { "村委会", "村" }, { "街道", "街道" }, { "社区", "社区" },
		{ "区", "区" },           { "县", "县" },       { "市", "市" },     { "省", "省" },     { "镇", "镇" },
		{ "乡", "乡" },           { "村", "村" },
	};
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t k = strlen(ends[i].end);
		if (len >= k && strcmp(name + len - k, ends[i].end) == 0) {
			snprintf(out, n, "全%s", ends[i].word);
			return;
		}
	}
	snprintf(out, n, "%s", name);
}

/* What the children of a region of level are called. */
static const char *child_word(int level)
{
	static const char *const w[] = { "区域", "省", "市", "区县", "街道", "社区", "网格" };
	return level >= 0 && level <= 6 ? w[level] : "区域";
}

/* Local "YYYY年M月D日 HH:MM" of Unix time t. */
static void local_stamp(int64_t t, char *out, size_t n)
{
	time_t lt = (time_t)(t + fk_zone_offset(t));
	struct tm tm;
	gmtime_r(&lt, &tm);
	snprintf(out, n, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* The body of the bulletin: the paragraphs every form prints, in order. */
static void paragraphs(const json_t *b, fk_strbuf *sb, char sep)
{
	const json_t *fig = json_object_get(b, "figures"), *t = json_object_get(fig, "totals");
	int m, d;
	md(str(fig, "date"), NULL, &m, &d);
	char area[64];
	area_of(str(json_object_get(fig, "region"), "name"), area, sizeof(area));
	fk_strbuf_addf(sb,
		       "截至%d月%d日24时，%s累计报告确诊病例%lld例，现有确诊病例%lld例，累计治愈出院%lld例，累计死亡%lld例。"
		       "%d月%d日0—24时，%s新增确诊病例%lld例，新增疑似病例%lld例，新增无症状感染者%lld例，"
		       "新增治愈出院%lld例，新增死亡%lld例。目前，现有疑似病例%lld例，现有无症状感染者%lld例，"
		       "尚在医学观察%lld人。%c",
		       m, d, area, num(t, "cum_confirmed"), num(t, "cur_confirmed"), num(t, "cum_discharged"),
		       num(t, "cum_deceased"), m, d, area, num(t, "new_confirmed"), num(t, "new_suspected"),
		       num(t, "new_asymptomatic"), num(t, "new_discharged"), num(t, "new_deceased"),
		       num(t, "cur_suspected"), num(t, "cur_asymptomatic"), num(t, "under_observation"), sep);
	fk_strbuf_addf(sb, "%d月%d日%s开展入户排查：应排查%lld户，已排查%lld户，未排查%lld户，发现异常%lld人。%c", m,
		       d, area, num(t, "households"), num(t, "screened"), num(t, "unvisited"), num(t, "abnormal"), sep);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(fig, "corrections"), i, c) {
		const figure *f = figure_of(str(c, "figure"));
		int cm, cd;
		md(str(c, "date"), NULL, &cm, &cd);
		fk_strbuf_addf(sb, "更正：经核实，%d月%d日%s由%lld%s更正为%lld%s。%c", cm, cd, f ? f->label : str(c, "figure"),
			       num(c, "was"), f ? f->unit : "", num(c, "now"), f ? f->unit : "", sep);
	}
}

/* The approval line: who approved, when, and the audit log's head. */
static void approval(const json_t *b, fk_strbuf *sb)
{
	char when[64];
	local_stamp(json_integer_value(json_object_get(b, "approved_at")), when, sizeof(when));
	fk_strbuf_addf(sb, "审核签发：%s，%s。审计日志第%lld条，哈希 %s", str(b, "approved_by"), when, num(b, "audit_size"),
		       str(b, "audit_head"));
}

static void title(const json_t *b, fk_strbuf *sb)
{
	const json_t *fig = json_object_get(b, "figures");
	fk_strbuf_addf(sb, "%s新冠肺炎疫情通报", str(json_object_get(fig, "region"), "name"));
}

static void date_line(const json_t *b, fk_strbuf *sb)
{
	int y, m, d;
	md(str(json_object_get(b, "figures"), "date"), &y, &m, &d);
	fk_strbuf_addf(sb, "（%d年%d月%d日）", y, m, d);
}

int fk_bulletin_text(const json_t *b, fk_strbuf *out)
{
	const json_t *fig = json_object_get(b, "figures");
	title(b, out);
	fk_strbuf_adds(out, "\n");
	date_line(b, out);
	fk_strbuf_adds(out, "\n\n");
	paragraphs(b, out, '\n');
	if (json_array_size(json_object_get(fig, "children"))) {
		fk_strbuf_addf(out, "\n分%s情况：\n", child_word((int)num(json_object_get(fig, "region"), "level") + 1));
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(fig, "children"), i, c)
			fk_strbuf_addf(out, "%s：新增确诊%lld例，现有确诊%lld例，累计确诊%lld例，尚在医学观察%lld人；排查%lld/%lld户。\n",
				       str(c, "name"), num(c, "new_confirmed"), num(c, "cur_confirmed"),
				       num(c, "cum_confirmed"), num(c, "under_observation"), num(c, "screened"),
				       num(c, "households"));
	}
	fk_strbuf_adds(out, "\n");
	approval(b, out);
	fk_strbuf_adds(out, "\n");
	return 0;
}

/* ---- PDF ---- */

#define CHILD_COLS 9
static const char *const child_head[CHILD_COLS] = { "区域", "新增确诊", "现有确诊", "累计确诊", "现有疑似",
						    "医学观察", "应排查户", "已排查户", "未排查户" };
static const char *const child_keys[CHILD_COLS] = { "name", "new_confirmed", "cur_confirmed", "cum_confirmed",
						    "cur_suspected", "under_observation", "households", "screened",
						    "unvisited" };
#define DAY_COLS 8
static const char *const day_head[DAY_COLS] = { "日期", "新增确诊", "新增疑似", "新增无症状",
						"现有确诊", "累计确诊", "治愈出院", "医学观察" };
/* The same headers in two lines for the PDF's narrow columns. */
static const char *const child_head_pdf[CHILD_COLS] = { "区域", "新增\n确诊", "现有\n确诊", "累计\n确诊", "现有\n疑似",
							"医学\n观察", "应排\n查户", "已排\n查户", "未排\n查户" };
static const char *const day_head_pdf[DAY_COLS] = { "日期", "新增\n确诊", "新增\n疑似", "新增\n无症状",
						    "现有\n确诊", "累计\n确诊", "治愈\n出院", "医学\n观察" };
static const char *const day_keys[DAY_COLS] = { "date", "new_confirmed", "new_suspected", "new_asymptomatic",
						"cur_confirmed", "cum_confirmed", "new_discharged", "under_observation" };

/* A table of rows (objects) by keys (the first a text, the rest numbers)
 * under the header head, column widths w. */
#define PDF_CELL 96 /* bytes of a cell: a region's name fits */
static void pdf_rows(fk_pdf *p, const json_t *rows, int ncols, const char *const *head, const char *const *keys,
		     const double *w, size_t skip)
{
	size_t nr = json_array_size(rows);
	const char **cells = calloc((nr + 1) * (size_t)ncols, sizeof(*cells));
	char *text = calloc((nr + 1) * (size_t)ncols, PDF_CELL);
	bool right[16];
	if (!cells || !text)
		goto out;
	for (int c = 0; c < ncols; c++) {
		cells[c] = head[c];
		right[c] = c > 0;
	}
	for (size_t r = 0; r < nr; r++) {
		const json_t *row = json_array_get(rows, r);
		for (int c = 0; c < ncols; c++) {
			char *cell = text + ((r + 1) * (size_t)ncols + (size_t)c) * PDF_CELL;
			if (c == 0)
				snprintf(cell, PDF_CELL, "%s", str(row, keys[0]) + (strlen(str(row, keys[0])) > skip ? skip : 0));
			else
				snprintf(cell, PDF_CELL, "%lld", num(row, keys[c]));
			cells[(r + 1) * (size_t)ncols + (size_t)c] = cell;
		}
	}
	fk_pdf_table(p, ncols, w, right, cells, (int)nr + 1);
out:
	free(cells);
	free(text);
}

/* The 14 days as a chart: bars of new confirmed cases, a line of the
 * current ones, each axis labelled. */
static void pdf_chart(fk_pdf *p, const json_t *days)
{
	double W = 0, H = 150;
	cairo_t *cr = fk_pdf_box(p, H, &W);
	if (!cr)
		return;
	size_t n = json_array_size(days);
	long long top = 1;
	for (size_t i = 0; i < n; i++) {
		const json_t *d = json_array_get(days, i);
		if (num(d, "new_confirmed") > top)
			top = num(d, "new_confirmed");
		if (num(d, "cur_confirmed") > top)
			top = num(d, "cur_confirmed");
	}
	const double left = 36, bottom = 28, plot_h = H - bottom - 22, plot_w = W - left - 8;
	double slot = n ? plot_w / (double)n : plot_w;
	/* axes and the top value */
	cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, left, 22);
	cairo_line_to(cr, left, 22 + plot_h);
	cairo_line_to(cr, left + plot_w, 22 + plot_h);
	cairo_stroke(cr);
	char lab[32];
	snprintf(lab, sizeof(lab), "%lld", top);
	fk_pdf_label(p, cr, 2, 16, FK_PDF_SMALL, lab);
	fk_pdf_label(p, cr, 20, 22 + plot_h - 10, FK_PDF_SMALL, "0");
	/* bars */
	cairo_set_source_rgb(cr, 0.75, 0.11, 0.16);
	for (size_t i = 0; i < n; i++) {
		double v = (double)num(json_array_get(days, i), "new_confirmed"), h = plot_h * v / (double)top;
		cairo_rectangle(cr, left + slot * (double)i + slot * 0.2, 22 + plot_h - h, slot * 0.6, h);
	}
	cairo_fill(cr);
	/* the line of current cases */
	cairo_set_source_rgb(cr, 0.10, 0.37, 0.71);
	cairo_set_line_width(cr, 1.6);
	for (size_t i = 0; i < n; i++) {
		double v = (double)num(json_array_get(days, i), "cur_confirmed");
		double x = left + slot * ((double)i + 0.5), y = 22 + plot_h - plot_h * v / (double)top;
		if (i == 0)
			cairo_move_to(cr, x, y);
		else
			cairo_line_to(cr, x, y);
	}
	cairo_stroke(cr);
	/* dates, every other day */
	for (size_t i = 0; i < n; i += 2) {
		int m, d;
		md(str(json_array_get(days, i), "date"), NULL, &m, &d);
		snprintf(lab, sizeof(lab), "%d/%d", m, d);
		fk_pdf_label(p, cr, left + slot * (double)i + 2, 22 + plot_h + 4, FK_PDF_SMALL, lab);
	}
	/* legend */
	cairo_set_source_rgb(cr, 0.75, 0.11, 0.16);
	cairo_rectangle(cr, left + 4, 4, 10, 8);
	cairo_fill(cr);
	fk_pdf_label(p, cr, left + 18, 0, FK_PDF_SMALL, "新增确诊（柱）");
	cairo_set_source_rgb(cr, 0.10, 0.37, 0.71);
	cairo_rectangle(cr, left + 120, 7, 14, 2);
	cairo_fill(cr);
	fk_pdf_label(p, cr, left + 138, 0, FK_PDF_SMALL, "现有确诊（线）");
	fk_pdf_box_end(p);
}

int fk_bulletin_pdf(const json_t *b, fk_strbuf *out)
{
	const json_t *fig = json_object_get(b, "figures");
	fk_strbuf s = FK_STRBUF_INIT;
	title(b, &s);
	fk_pdf *p = fk_pdf_open(out, s.buf);
	if (!p) {
		fk_strbuf_release(&s);
		return -1;
	}
	fk_pdf_text(p, FK_PDF_H1, s.buf);
	fk_strbuf_reset(&s);
	date_line(b, &s);
	fk_pdf_text(p, FK_PDF_H2, s.buf);
	fk_pdf_space(p, 6);
	fk_strbuf_reset(&s);
	paragraphs(b, &s, '\n');
	/* one paragraph per line */
	for (char *line = s.buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		fk_pdf_text(p, FK_PDF_BODY, line);
		fk_pdf_space(p, 4);
	}
	if (json_array_size(json_object_get(fig, "children"))) {
		fk_strbuf_reset(&s);
		fk_strbuf_addf(&s, "分%s情况", child_word((int)num(json_object_get(fig, "region"), "level") + 1));
		fk_pdf_text(p, FK_PDF_H2, s.buf);
		static const double cw[CHILD_COLS] = { 2.6, 1, 1, 1, 1, 1, 1.1, 1.1, 1.1 };
		pdf_rows(p, json_object_get(fig, "children"), CHILD_COLS, child_head_pdf, child_keys, cw, 0);
	}
	fk_pdf_text(p, FK_PDF_H2, "近14日情况");
	pdf_chart(p, json_object_get(fig, "days"));
	/* the days as MM-DD (the year is the bulletin's), so the headers fit */
	static const double dw[DAY_COLS] = { 0.8, 1, 1, 1.1, 1, 1, 1, 1 };
	pdf_rows(p, json_object_get(fig, "days"), DAY_COLS, day_head_pdf, day_keys, dw, 5);
	fk_pdf_space(p, 10);
	fk_strbuf_reset(&s);
	approval(b, &s);
	fk_pdf_text(p, FK_PDF_SMALL, s.buf);
	fk_strbuf_release(&s);
	return fk_pdf_close(p);
}

/* ---- XLSX ---- */

/* A sheet of rows by keys (the first text, the rest numbers) under a
 * frozen header row. */
static void xlsx_rows(lxw_workbook *wb, lxw_format *head, const char *name, const json_t *rows, int ncols,
		      const char *const *heads, const char *const *keys)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	for (int c = 0; c < ncols; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], head);
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, (lxw_col_t)(ncols - 1), 11, NULL);
	size_t r;
	json_t *row;
	json_array_foreach(rows, r, row) {
		worksheet_write_string(ws, (lxw_row_t)(r + 1), 0, str(row, keys[0]), NULL);
		for (int c = 1; c < ncols; c++)
			worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, (double)num(row, keys[c]), NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
}

int fk_bulletin_xlsx(const json_t *b, fk_strbuf *out)
{
	const json_t *fig = json_object_get(b, "figures"), *t = json_object_get(fig, "totals");
	char path[512];
	lxw_workbook *wb = fk_xlsx_open(path);
	if (!wb)
		return -1;
	lxw_format *head = fk_xlsx_head(wb);
	fk_strbuf s = FK_STRBUF_INIT;
	/* the bulletin: title, date, the text, the approval */
	lxw_worksheet *ws = workbook_add_worksheet(wb, "通报");
	worksheet_set_column(ws, 0, 0, 120, NULL);
	title(b, &s);
	worksheet_write_string(ws, 0, 0, s.buf, head);
	fk_strbuf_reset(&s);
	date_line(b, &s);
	worksheet_write_string(ws, 1, 0, s.buf, NULL);
	fk_strbuf_reset(&s);
	paragraphs(b, &s, '\n');
	lxw_row_t row = 2;
	for (char *line = s.buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		worksheet_write_string(ws, row++, 0, line, NULL);
	}
	fk_strbuf_reset(&s);
	approval(b, &s);
	worksheet_write_string(ws, row, 0, s.buf, NULL);
	worksheet_freeze_panes(ws, 1, 0);
	/* the main figures: one per row */
	lxw_worksheet *tot = workbook_add_worksheet(wb, "主要指标");
	worksheet_write_string(tot, 0, 0, "指标", head);
	worksheet_write_string(tot, 0, 1, "数值", head);
	worksheet_write_string(tot, 0, 2, "单位", head);
	worksheet_set_column(tot, 0, 0, 22, NULL);
	lxw_row_t r = 1;
	for (const figure *f = figures; f->key; f++, r++) {
		worksheet_write_string(tot, r, 0, f->label, NULL);
		worksheet_write_number(tot, r, 1, (double)num(t, f->key), NULL);
		worksheet_write_string(tot, r, 2, f->unit, NULL);
	}
	worksheet_freeze_panes(tot, 1, 0);
	fk_strbuf_reset(&s);
	fk_strbuf_addf(&s, "分%s", child_word((int)num(json_object_get(fig, "region"), "level") + 1));
	xlsx_rows(wb, head, s.buf, json_object_get(fig, "children"), CHILD_COLS, child_head, child_keys);
	xlsx_rows(wb, head, "逐日", json_object_get(fig, "days"), DAY_COLS, day_head, day_keys);
	/* corrections: the date and figure, was and now */
	static const char *const corr_head[] = { "日期", "指标", "原数", "更正为" };
	lxw_worksheet *cw = workbook_add_worksheet(wb, "更正");
	for (int c = 0; c < 4; c++)
		worksheet_write_string(cw, 0, (lxw_col_t)c, corr_head[c], head);
	worksheet_set_column(cw, 0, 1, 18, NULL);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(fig, "corrections"), i, c) {
		const figure *f = figure_of(str(c, "figure"));
		worksheet_write_string(cw, (lxw_row_t)(i + 1), 0, str(c, "date"), NULL);
		worksheet_write_string(cw, (lxw_row_t)(i + 1), 1, f ? f->label : str(c, "figure"), NULL);
		worksheet_write_number(cw, (lxw_row_t)(i + 1), 2, (double)num(c, "was"), NULL);
		worksheet_write_number(cw, (lxw_row_t)(i + 1), 3, (double)num(c, "now"), NULL);
	}
	worksheet_freeze_panes(cw, 1, 0);
	fk_strbuf_release(&s);
	return fk_xlsx_close(wb, path, out);
}
