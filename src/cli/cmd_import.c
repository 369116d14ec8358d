/* cmd_import.c - `fangkong import persons FILE`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/grid/import.h"
#include "util/log.h"

static const char usage[] =
	"usage: fangkong import persons FILE [--grid CODE] [--sheet NAME] [--dry-run] [--db PATH|URL] [--key FILE.key]\n\n"
	"Imports persons (and their households) from an Excel workbook (.xlsx or .xls)\n"
	"or a CSV file in UTF-8, UTF-8 with BOM or GB18030 (what Excel saves on a\n"
	"Chinese Windows); the type is told from the content.  Chinese or English\n"
	"headers: 姓名/name, 性别/sex, 出生年份/birth_year, 证件类型/doc_type,\n"
	"身份证号/id_number, 手机/phone, 网格/grid, 楼栋/building, 单元/unit, 房号/room,\n"
	"地址/address, 标签/tags, 来源地/origin, 抵达日期/arrival_date, 14天内经历/history.\n"
	"Valid rows are stored in one transaction; rejected rows are listed with their\n"
	"line, column and reason.  Importing the same file again changes nothing.\n\n"
	"  --grid CODE  the grid for rows without a grid column\n"
	"  --sheet NAME the workbook's sheet to read (default: the first)\n"
	"  --dry-run    check and count, store nothing\n";

int cmd_import(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, usage))
		return 0;
	if (argc < 2 || strcmp(argv[1], "persons") != 0) {
		fputs(usage, stderr);
		return 2;
	}
	const char *db_opt = NULL, *grid = NULL, *sheet = NULL;
	int dry = 0;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "grid", required_argument, 0, 'g' },
		{ "sheet", required_argument, 0, 's' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "key", required_argument, 0, 'k' },
		{ 0 },
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'g': grid = optarg; break;
		case 's': sheet = optarg; break;
		case 'n': dry = 1; break;
		case 'k': cli_set_key(optarg); break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (argc - 1 - optind != 1) {
		fputs(usage, stderr);
		return 2;
	}
	const char *path = argv[1 + optind];
	FILE *f = fopen(path, "rb");
	if (!f) {
		fk_log_err("%s: cannot open", path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc(size > 0 ? (size_t)size : 1);
	if (!data || (size > 0 && fread(data, 1, (size_t)size, f) != (size_t)size)) {
		fclose(f);
		free(data);
		fk_log_err("%s: cannot read", path);
		return 1;
	}
	fclose(f);
	fk_db *db;
	if (cli_open_db(cli_db_path(db_opt), 0, &db) < 0) {
		free(data);
		return 1;
	}
	int rc = 1;
	fk_err e = { 0 };
	fk_db_set_cache(db, 512); /* a bulk load: keep the indexes in memory */
	if (fk_db_begin_write(db) < 0)
		goto out;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	json_t *res = fk_person_import(db, &fk_actor_cli, data, (size_t)size, grid, sheet, NULL, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!res) {
		fk_db_rollback(db);
		fprintf(stderr, "fangkong: %s: %s\n", path, e.message);
		rc = e.status == 400 ? 2 : 1;
		goto out;
	}
	if (dry ? fk_db_rollback(db) < 0 : fk_db_commit(db) < 0) {
		json_decref(res);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	fk_log_info("import: read and stored in %.1f s, %s in %.1f s",
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		    dry ? "rolled back" : "committed",
		    (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9);
	printf("%s%s (%s): %lld rows: %lld imported, %lld updated, %lld unchanged, %lld rejected; %lld households created\n",
	       dry ? "dry run: " : "", path, json_string_value(json_object_get(res, "encoding")),
	       (long long)json_integer_value(json_object_get(res, "rows")),
	       (long long)json_integer_value(json_object_get(res, "imported")),
	       (long long)json_integer_value(json_object_get(res, "updated")),
	       (long long)json_integer_value(json_object_get(res, "unchanged")),
	       (long long)json_integer_value(json_object_get(res, "rejected_count")),
	       (long long)json_integer_value(json_object_get(res, "households_created")));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(res, "rejected"), i, x)
		printf("  line %lld, column %s: %s\n", (long long)json_integer_value(json_object_get(x, "line")),
		       json_string_value(json_object_get(x, "column")), json_string_value(json_object_get(x, "reason")));
	json_array_foreach(json_object_get(res, "ignored_columns"), i, x)
		printf("  ignored column: %s\n", json_string_value(x));
	json_decref(res);
	rc = 0;
out:
	fk_db_close(db);
	free(data);
	return rc;
}
