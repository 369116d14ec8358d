/* xlsxout.c - workbooks into memory through a temporary file (see
 * xlsxout.h). */
#include "util/xlsxout.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

lxw_workbook *fk_xlsx_open(char path[512])
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, 512, "%s/fangkong-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0)
		return NULL;
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		unlink(path);
	return wb;
}

lxw_format *fk_xlsx_head(lxw_workbook *wb)
{
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	return head;
}

int fk_xlsx_close(lxw_workbook *wb, const char *path, fk_strbuf *out)
{
	int rc = workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
	FILE *f = rc == 0 ? fopen(path, "rb") : NULL;
	if (f) {
		char buf[8192];
		size_t got;
		while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
			fk_strbuf_add(out, buf, got);
		rc = ferror(f) ? -1 : 0;
		fclose(f);
	} else {
		rc = -1;
	}
	unlink(path);
	return rc;
}
