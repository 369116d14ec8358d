/* import.h - bulk import of persons from CSV.
 *
 * The file may be UTF-8 (with or without BOM) or GB18030, with Chinese or
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

#define FK_IMPORT_MAX_REPORTED 1000 /* rejected rows listed in full */

/* Imports data[0..len).  grid, when given, is used for rows without a
 * grid column.  Returns {encoding, rows, imported, updated, unchanged,
 * households_created, rejected_count, rejected: [{line, column, reason}],
 * ignored_columns: […]}, or NULL with e set when the file as a whole cannot
 * be read (encoding, no header, no name column). */
json_t *fk_person_import(fk_db *db, const fk_actor *who, const char *data, size_t len, const char *grid,
			 fk_err *e);

#endif
