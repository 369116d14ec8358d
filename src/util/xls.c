/* xls.c - the rows of a BIFF .xls workbook with FreeXL, and telling a
 * workbook's kind from its first bytes (see sheet.h). */
#include "util/sheet.h"

#include <freexl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ole_magic[8] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fk_sheet_kind fk_sheet_detect(const char *data, size_t n)
{
	if (n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
		return FK_SHEET_XLSX;
	if (n < 8 || memcmp(data, ole_magic, 8) != 0)
		return FK_SHEET_TEXT;
	/* An encrypted .xlsx is an OLE compound file whose directory names
	 * the streams EncryptionInfo and EncryptedPackage (UTF-16LE names). */
	static const char name[] = "E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0";
	return memmem(data, n, name, sizeof(name) - 1) ? FK_SHEET_ENCRYPTED : FK_SHEET_XLS;
}

int fk_xls_read(const char *data, size_t n, const char *want, const fk_sheet_sink *k, char *sheet_name,
		fk_err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/fangkong-xls-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return fk_err_internal(e);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	int rc = -1;
	const void *h = NULL;
	if (off < n) {
		fk_err_internal(e);
		goto out;
	}
	if (freexl_open(path, &h) != FREEXL_OK) {
		fk_err_invalid(e, "file", "an old-format Excel file (.xls) that cannot be read: save it again as .xlsx");
		goto out;
	}
	unsigned int count = 0, pw = 0;
	freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw);
	if (pw == FREEXL_BIFF_OBFUSCATED) {
		fk_err_invalid(e, "file", "the workbook is protected with a password: remove the password in Excel and save it again");
		goto out;
	}
	freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count);
	unsigned short pick = 0;
	const char *name = NULL;
	for (unsigned short i = 0; i < count; i++) {
		const char *nm = NULL;
		freexl_get_worksheet_name(h, i, &nm);
		if (!want || !*want ? i == 0 : nm && strcmp(nm, want) == 0) {
			pick = i;
			name = nm ? nm : "";
			break;
		}
	}
	if (!name) {
		char all[400] = "";
		size_t len = 0;
		for (unsigned short i = 0; i < count && len < sizeof(all) - 1; i++) {
			const char *nm = NULL;
			freexl_get_worksheet_name(h, i, &nm);
			len += (size_t)snprintf(all + len, sizeof(all) - len, "%s%s", i ? ", " : "", nm ? nm : "");
		}
		if (want && *want)
			fk_err_invalid(e, "sheet", "the workbook has no sheet named %s (its sheets: %s)", want, all);
		else
			fk_err_invalid(e, "file", "the workbook has no sheet");
		goto out;
	}
	if (sheet_name)
		snprintf(sheet_name, 64, "%s", name);
	unsigned int rows = 0;
	unsigned short cols = 0;
	if (freexl_select_active_worksheet(h, pick) != FREEXL_OK || freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
		fk_err_invalid(e, "file", "sheet %s cannot be read", name);
		goto out;
	}
	char buf[64];
	for (unsigned int r = 0; r < rows; r++) {
		bool any = false;
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
				continue;
			const char *s = NULL;
			bool number = false;
			switch (v.type) {
			case FREEXL_CELL_INT:
				snprintf(buf, sizeof(buf), "%d", v.value.int_value);
				s = buf, number = true;
				break;
			case FREEXL_CELL_DOUBLE: {
				double d = v.value.double_value;
				if (fabs(d) < 1e15 && d == floor(d))
					snprintf(buf, sizeof(buf), "%.0f", d);
				else
					snprintf(buf, sizeof(buf), "%.15G", d);
				s = buf, number = true;
				break;
			}
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
			case FREEXL_CELL_TIME:
				s = v.value.text_value;
				break;
			default:
				break;
			}
			if (s && *s) {
				k->cell(k->ctx, c, s, strlen(s), number);
				any = true;
			}
		}
		if (any)
			k->row_end(k->ctx, (int64_t)r + 1);
	}
	rc = 0;
out:
	if (h)
		freexl_close(h);
	unlink(path);
	return rc;
}
