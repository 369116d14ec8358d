/* template.c - the import template to download (see import.h): written
 * with libxlsxwriter (through util/xlsxout.h).  Small and constant: built per request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grid/import.h"
#include "util/strbuf.h"
#include "util/xlsxout.h"

/* What each column takes, in both languages (template order). */
static const char *const notes[] = {
	"必填 Required",
	"男/女 M/F; 可按身份证号填出 filled from the ID number",
	"四位数字 4 digits; 可按身份证号填出 filled from the ID number",
	"身份证/护照/其他 id_card/passport/other; 默认身份证 default id_card",
	"18位身份证号，本列为文本格式 18-character ID number; this column is text",
	"11位手机号 11-digit mobile number",
	"15位网格编码；或导入时选默认网格 15-digit grid code, or a default grid on import",
	"楼栋 Building",
	"单元 Unit",
	"房号 Room",
	"地址；或填楼栋和房号 Address, or building and room",
	"独居老人;慢性病;孕妇;残疾人 elderly_alone;chronic;pregnant;disabled",
	"来源地 Where from",
	"日期，如 2020-01-23 A date, e.g. 2020-01-23",
	"来自重点地区;接触重点地区人员;接触病例 from_key_area;contact_key_area;contact_case",
};

static int template_xlsx(char **out, size_t *n)
{
	char path[512];
	lxw_workbook *wb = fk_xlsx_open(path);
	if (!wb)
		return -1;
	lxw_format *head = fk_xlsx_head(wb);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "居民");
	lxw_worksheet *help = workbook_add_worksheet(wb, "说明 Notes");
	worksheet_write_string(help, 0, 0, "列 Column", head);
	worksheet_write_string(help, 0, 1, "英文表头 English header", head);
	worksheet_write_string(help, 0, 2, "说明 Notes", head);
	worksheet_set_column(help, 0, 1, 18, NULL);
	worksheet_set_column(help, 2, 2, 80, NULL);
	const char *zh, *en;
	for (int i = 0; fk_import_column(i, &zh, &en) == 0; i++) {
		bool digits = !strcmp(en, "doc_number") || !strcmp(en, "phone") || !strcmp(en, "grid") ||
			      !strcmp(en, "building") || !strcmp(en, "unit") || !strcmp(en, "room");
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, !strcmp(en, "doc_number") ? 22 : 14,
				     digits ? text : NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)i, zh, head);
		worksheet_write_string(help, (lxw_row_t)i + 1, 0, zh, NULL);
		worksheet_write_string(help, (lxw_row_t)i + 1, 1, en, NULL);
		worksheet_write_string(help, (lxw_row_t)i + 1, 2, notes[i], NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
	fk_strbuf b = FK_STRBUF_INIT;
	if (fk_xlsx_close(wb, path, &b) < 0) {
		fk_strbuf_release(&b);
		return -1;
	}
	*out = fk_strbuf_detach(&b, n);
	return 0;
}

int fk_import_template(bool xlsx, char **out, size_t *n)
{
	if (xlsx)
		return template_xlsx(out, n);
	fk_strbuf b;
	fk_strbuf_init(&b);
	fk_strbuf_add(&b, "\xEF\xBB\xBF", 3); /* BOM: Excel then reads UTF-8 */
	const char *zh, *en;
	for (int i = 0; fk_import_column(i, &zh, &en) == 0; i++)
		fk_strbuf_addf(&b, "%s%s", i ? "," : "", zh);
	fk_strbuf_add(&b, "\r\n", 2);
	*out = fk_strbuf_detach(&b, n);
	return 0;
}
