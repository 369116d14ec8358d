/* pdf.h - printable documents (A4 PDF) with Chinese text.
 *
 * A thin layer over cairo's PDF surface and pango (Debian libcairo2,
 * libpango1.0): pango lays out CJK and Latin text with the system's Noto CJK
 * fonts, cairo writes the PDF.  The layer only keeps a cursor down the page
 * and breaks pages; it is shared by everything that prints (the daily
 * bulletin, service certificates, posters).  Text is UTF-8 and taken as
 * plain text, never as markup.  Charts are drawn by the caller on the
 * cairo context of a reserved box (fk_pdf_box).
 *
 * Not thread-safe per document; different documents may be built on
 * different threads.
 */
#ifndef FK_PDF_H
#define FK_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

typedef struct fk_pdf fk_pdf;
typedef struct _cairo cairo_t;

/* Text styles: sizes in points. */
typedef enum fk_pdf_style {
	FK_PDF_BODY,    /* 11 pt */
	FK_PDF_SMALL,   /* 8.5 pt, grey: footnotes, hashes */
	FK_PDF_H2,      /* 14 pt bold */
	FK_PDF_H1,      /* 20 pt bold, centred: the document's title */
	FK_PDF_POSTER,  /* 40 pt bold, centred: a poster's headline */
} fk_pdf_style;

/* A new A4 document written into out (appended as pages finish).  title is
 * the PDF's metadata title.  NULL on failure (cairo could not start). */
fk_pdf *fk_pdf_open(fk_strbuf *out, const char *title);
/* One paragraph, wrapped to the text width, starting a new page when it does
 * not fit (a paragraph longer than a page is split at line boundaries). */
void fk_pdf_text(fk_pdf *p, fk_pdf_style style, const char *utf8);
/* Vertical space in points. */
void fk_pdf_space(fk_pdf *p, double pt);
/* A table: ncols columns whose relative widths are w (NULL: equal), the
 * first row bold as the header; cells[r * ncols + c], NULL for empty.
 * Columns whose `right` flag is set are right-aligned (numbers).  The
 * header is repeated on each new page. */
void fk_pdf_table(fk_pdf *p, int ncols, const double *w, const bool *right, const char *const *cells, int nrows);
/* Reserves a box of the text width and height pt (a new page when it does
 * not fit) and answers a cairo context translated so that (0,0) is its top
 * left; *width receives its width.  The caller draws, then calls
 * fk_pdf_box_end. */
cairo_t *fk_pdf_box(fk_pdf *p, double height, double *width);
void fk_pdf_box_end(fk_pdf *p);
/* Lays text at (x, y) of a box with a style, for chart labels. */
void fk_pdf_label(fk_pdf *p, cairo_t *cr, double x, double y, fk_pdf_style style, const char *utf8);
void fk_pdf_page_break(fk_pdf *p);
/* Finishes the document; 0 when out holds a complete PDF, -1 on failure. */
int fk_pdf_close(fk_pdf *p);

#endif
