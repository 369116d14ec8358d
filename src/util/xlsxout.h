/* xlsxout.h - workbooks written with libxlsxwriter into memory.
 *
 * libxlsxwriter (1.1.4, Debian) writes to a file only: a workbook is opened
 * on a fresh temporary file ($TMPDIR or /tmp) and, when closed, read back
 * into a buffer and the file removed.  Used by the import template, the
 * bulletin's workbook and the exports.
 */
#ifndef FK_XLSXOUT_H
#define FK_XLSXOUT_H

#include <xlsxwriter.h>

#include "util/strbuf.h"

/* A new workbook on a temporary file whose name goes into path (512
 * bytes).  NULL on failure (nothing is left behind). */
lxw_workbook *fk_xlsx_open(char path[512]);

/* The workbooks' header cell format: bold on light blue. */
lxw_format *fk_xlsx_head(lxw_workbook *wb);

/* Closes wb, appends the file's bytes to out and removes the file (also on
 * failure).  Returns 0 or -1. */
int fk_xlsx_close(lxw_workbook *wb, const char *path, fk_strbuf *out);

#endif
