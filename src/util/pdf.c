/* pdf.c - A4 documents through cairo and pango (see pdf.h). */
#include "util/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 56.0
#define TEXT_W (PAGE_W - 2 * MARGIN)
#define FONT "Noto Sans CJK SC"

struct fk_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	double y; /* the cursor, from the top of the page */
	int page;
	bool failed;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	fk_strbuf_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

fk_pdf *fk_pdf_open(fk_strbuf *out, const char *title)
{
	fk_pdf *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p->surface);
		free(p);
		return NULL;
	}
	if (title)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "fangkong");
	p->cr = cairo_create(p->surface);
	p->y = MARGIN;
	p->page = 1;
	return p;
}

static PangoLayout *layout(fk_pdf *p, cairo_t *cr, fk_pdf_style style, double width, const char *text)
{
	static const struct {
		double size;
		bool bold, centre;
	} st[] = {
		[FK_PDF_BODY] = { 11, false, false }, [FK_PDF_SMALL] = { 8.5, false, false },
		[FK_PDF_H2] = { 14, true, false },    [FK_PDF_H1] = { 20, true, true },
		[FK_PDF_POSTER] = { 40, true, true },
	};
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_size(fd, (int)(st[style].size * PANGO_SCALE));
	pango_font_description_set_weight(fd, st[style].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, st[style].centre ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, text ? text : "", -1); /* plain text, never markup */
	(void)p;
	return l;
}

static void colour(cairo_t *cr, fk_pdf_style style)
{
	if (style == FK_PDF_SMALL)
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	else
		cairo_set_source_rgb(cr, 0, 0, 0);
}

void fk_pdf_page_break(fk_pdf *p)
{
	cairo_show_page(p->cr);
	p->y = MARGIN;
	p->page++;
}

static void need(fk_pdf *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN && p->y > MARGIN)
		fk_pdf_page_break(p);
}

void fk_pdf_space(fk_pdf *p, double pt)
{
	p->y += pt;
	if (p->y > PAGE_H - MARGIN)
		fk_pdf_page_break(p);
}

void fk_pdf_text(fk_pdf *p, fk_pdf_style style, const char *utf8)
{
	PangoLayout *l = layout(p, p->cr, style, TEXT_W, utf8);
	colour(p->cr, style);
	/* line by line, so that a long paragraph flows onto the next page */
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double first_top = -1;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = (double)r.y / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
		if (first_top < 0)
			first_top = top;
		need(p, h);
		int baseline = pango_layout_iter_get_baseline(it);
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		cairo_move_to(p->cr, MARGIN + (double)r.x / PANGO_SCALE,
			      p->y + (double)baseline / PANGO_SCALE - top);
		pango_cairo_show_layout_line(p->cr, line);
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	p->y += style == FK_PDF_BODY || style == FK_PDF_SMALL ? 4 : 8;
}

static double row_height(fk_pdf *p, int ncols, const double *cw, const char *const *cells, fk_pdf_style style)
{
	double h = 0;
	for (int c = 0; c < ncols; c++) {
		PangoLayout *l = layout(p, p->cr, style, cw[c] - 8, cells[c]);
		int lw, lh;
		pango_layout_get_size(l, &lw, &lh);
		g_object_unref(l);
		if ((double)lh / PANGO_SCALE > h)
			h = (double)lh / PANGO_SCALE;
	}
	return h + 6;
}

static void draw_row(fk_pdf *p, int ncols, const double *cw, const bool *right, const char *const *cells, bool head,
		     double h)
{
	double x = MARGIN;
	fk_pdf_style style = FK_PDF_BODY;
	if (head) {
		cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
		cairo_rectangle(p->cr, MARGIN, p->y, TEXT_W, h);
		cairo_fill(p->cr);
	}
	for (int c = 0; c < ncols; c++) {
		PangoLayout *l = layout(p, p->cr, style, cw[c] - 8, cells[c]);
		if (head) {
			PangoFontDescription *fd = pango_font_description_copy(pango_layout_get_font_description(l));
			pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
			pango_layout_set_font_description(l, fd);
			pango_font_description_free(fd);
		}
		if (right && right[c])
			pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		cairo_move_to(p->cr, x + 4, p->y + 3);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		x += cw[c];
	}
	cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MARGIN, p->y + h);
	cairo_line_to(p->cr, MARGIN + TEXT_W, p->y + h);
	cairo_stroke(p->cr);
	p->y += h;
}

void fk_pdf_table(fk_pdf *p, int ncols, const double *w, const bool *right, const char *const *cells, int nrows)
{
	if (ncols <= 0 || nrows <= 0)
		return;
	double *cw = calloc((size_t)ncols, sizeof(double)), sum = 0;
	if (!cw) {
		p->failed = true;
		return;
	}
	for (int c = 0; c < ncols; c++)
		sum += w ? w[c] : 1;
	for (int c = 0; c < ncols; c++)
		cw[c] = TEXT_W * (w ? w[c] : 1) / sum;
	double hh = row_height(p, ncols, cw, cells, FK_PDF_BODY);
	need(p, 2 * hh);
	draw_row(p, ncols, cw, right, cells, true, hh);
	for (int r = 1; r < nrows; r++) {
		const char *const *row = cells + (size_t)r * (size_t)ncols;
		double h = row_height(p, ncols, cw, row, FK_PDF_BODY);
		if (p->y + h > PAGE_H - MARGIN) {
			fk_pdf_page_break(p);
			draw_row(p, ncols, cw, right, cells, true, hh);
		}
		draw_row(p, ncols, cw, right, row, false, h);
	}
	p->y += 8;
	free(cw);
}

cairo_t *fk_pdf_box(fk_pdf *p, double height, double *width)
{
	need(p, height);
	cairo_save(p->cr);
	cairo_translate(p->cr, MARGIN, p->y);
	p->y += height;
	if (width)
		*width = TEXT_W;
	return p->cr;
}

void fk_pdf_box_end(fk_pdf *p)
{
	cairo_restore(p->cr);
	p->y += 8;
}

void fk_pdf_label(fk_pdf *p, cairo_t *cr, double x, double y, fk_pdf_style style, const char *utf8)
{
	PangoLayout *l = layout(p, cr, style, 0, utf8);
	colour(cr, style);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

int fk_pdf_close(fk_pdf *p)
{
	if (!p)
		return -1;
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	int ok = !p->failed && cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(p->surface);
	free(p);
	return ok ? 0 : -1;
}
