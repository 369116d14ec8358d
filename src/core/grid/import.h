/* import.h - bulk import of persons from CSV, .xlsx and .xls.
 *
 * The file may be an Excel workbook (.xlsx or .xls: the first sheet, or the
 * one named) or a CSV file in UTF-8 (with or without BOM) or GB18030; all
 * three give their rows to one row path.  Headers are Chinese or
 * English headers (姓名/name, 性别/sex, 身份证号/id_number, 手机/phone,
 * 网格/grid, 楼栋/building, 单元/unit, 房号/room, 地址/address, …).  Each row
 * becomes a person in a household (found or created by grid and address).
 * Valid rows are stored, invalid ones are reported with their line, column
 * and reason; everything happens in the caller's one transaction, and
 * importing the same file twice changes nothing the second time.
 */
#ifndef FK_IMPORT_H
#define FK_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/base/actor.h"
#include "store/db.h"
#include "util/err.h"

/* Rejected rows listed in full (with their cells, for the download); the
 * count past it stays exact. */
#define FK_IMPORT_MAX_REPORTED 100000

/* The progress of an import that is running or ran lately, for the page
 * that sent it to poll (GET /api/v1/imports/{id}).  The client names it
 * (?progress=ID on the upload); the import (on the writer thread) updates
 * the counts after every chunk of 4,096 rows, readers take a copy under a
 * lock.  A fixed table of the latest 64 imports, in memory only. */
typedef struct fk_import_progress fk_import_progress;

/* Registers id (8 to 64 characters of [A-Za-z0-9_-]) for user, replacing
 * the oldest entry when the table is full.  Returns the entry, or NULL
 * when id is malformed or already used by an import still running. */
fk_import_progress *fk_import_progress_open(const char *id, const char *user);
/* Marks the end of the import (ok or failed); p may be NULL. */
void fk_import_progress_done(fk_import_progress *p, bool ok);
/* {id, state ("queued", "running", "done", "failed"), rows_total (CSV:
 * the lines after the header; workbooks: null), rows_read, stored,
 * rejected} of user's import id, or NULL when there is none. */
json_t *fk_import_progress_get(const char *id, const char *user);

/* Imports data[0..len).  grid, when given, is used for rows without a
 * grid column; sheet names the workbook's sheet (NULL: the first).
 * Returns {encoding ("utf-8", "utf-8-bom", "gb18030", "xlsx" or "xls"),
 * sheet (workbooks), rows, imported, updated, unchanged,
 * households_created, rejected_count, rejected: [{line, column, code,
 * message, reason (= message), cells}], columns (the headers cells
 * follow), ignored_columns: […]}, or NULL with e set when the file as a
 * whole cannot be read (type, encryption, encoding, no such sheet, no
 * header, no name column). */
json_t *fk_person_import(fk_db *db, const fk_actor *who, const char *data, size_t len, const char *grid,
			 const char *sheet, fk_import_progress *prog, fk_err *e);

/* The codes of the reasons a row can be rejected for (NULL-terminated). */
const char *const *fk_import_reason_codes(void);

/* The importer's columns in template order: column i's Chinese header and
 * its English one (both accepted).  Returns -1 past the last column. */
int fk_import_column(int i, const char **zh, const char **en);

/* A template to fill in: an .xlsx workbook (xlsx true: the sheet 居民 with
 * the Chinese headers, the ID, phone and code columns formatted as text so
 * Excel keeps their digits, and a sheet 说明 Notes giving each column's
 * English header and what it takes) or a CSV file (UTF-8 with BOM, the
 * Chinese headers).  Returns 0 with *out (malloc'd) and *n, or -1. */
int fk_import_template(bool xlsx, char **out, size_t *n);

#endif
