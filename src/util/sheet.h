/* sheet.h - reading the rows of a spreadsheet workbook (.xlsx, .xls).
 *
 * What offices send is an Excel workbook.  These readers hand its cells to
 * the caller one row at a time, through the same kind of callbacks the CSV
 * parser uses, so the importer validates and stores rows the same way
 * whatever the file was.  Load: a district's registry, ~1.2 M rows; the
 * .xlsx sheet is streamed out of the zip and through expat, only the shared
 * strings table is held in memory.
 */
#ifndef FK_SHEET_H
#define FK_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef enum fk_sheet_kind {
	FK_SHEET_TEXT,      /* not a workbook: CSV or other text (or unknown binary) */
	FK_SHEET_XLSX,      /* a zip archive (an OOXML workbook, checked when read) */
	FK_SHEET_XLS,       /* an OLE compound file without encryption: BIFF .xls */
	FK_SHEET_ENCRYPTED, /* an OLE compound file with EncryptionInfo: a password-protected .xlsx */
} fk_sheet_kind;

/* Tells the kind of data[0..n) from its first bytes (and, for an OLE
 * compound file, whether it holds an EncryptionInfo stream). */
fk_sheet_kind fk_sheet_detect(const char *data, size_t n);

typedef struct fk_sheet_sink {
	/* One non-empty cell of the current row: col is 0-based, s is
	 * NUL-terminated (valid only during the call), number says the workbook
	 * stored a number (s is then its shortest decimal form: integers below
	 * 10^15 in full, others as the workbook wrote them, e.g. 1.1E+17).
	 * Dates a .xls stores as dates arrive as YYYY-MM-DD text; an .xlsx
	 * date is a number (the serial day), see fk_sheet_serial_date. */
	void (*cell)(void *ctx, int col, const char *s, size_t len, bool number);
	/* The end of a row; line is its 1-based row number in the sheet.
	 * Rows the workbook does not store (empty ones) are not reported. */
	void (*row_end)(void *ctx, int64_t line);
	void *ctx;
} fk_sheet_sink;

/* Reads the sheet named sheet (NULL or "": the first) of the .xlsx
 * workbook data[0..n), calling k for each row in order.  Returns 0, or -1
 * with e set: 400 when the archive is not a workbook, the sheet does not
 * exist (the message lists the sheets) or its XML is broken (naming the
 * row).  *sheet_name receives the name of the sheet read (static storage
 * of at least 64 bytes given by the caller, may be NULL). */
int fk_xlsx_read(const char *data, size_t n, const char *sheet, const fk_sheet_sink *k, char *sheet_name,
		 fk_err *e);

/* The same for a BIFF .xls workbook (read with FreeXL, which needs a
 * file: the data is written to a temporary file first). */
int fk_xls_read(const char *data, size_t n, const char *sheet, const fk_sheet_sink *k, char *sheet_name,
		fk_err *e);

/* An Excel serial day (1900 date system: 1 = 1900-01-01, with Excel's
 * phantom 1900-02-29) as YYYY-MM-DD in out[16].  Returns 0, or -1 when s
 * is not a plausible serial (1..2958465). */
int fk_sheet_serial_date(const char *s, char out[16]);

#endif
