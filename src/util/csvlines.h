/* csvlines.h - libcsv with line numbers.
 *
 * libcsv reports fields and records but not where they are; errors in an
 * import must name the line.  fk_csv_parse_text feeds the text to libcsv
 * one physical line at a time and keeps *line at the number (1-based) of
 * the line being parsed, so a record callback reads the line its record
 * ended on — the line, for every record without a quoted line break.
 */
#ifndef FK_CSVLINES_H
#define FK_CSVLINES_H

#include <csv.h>
#include <stddef.h>
#include <stdint.h>

/* Parses text[0..n) and finishes the parser.  Returns 0, or -1 when libcsv
 * reports an error (the error's line is then in *line; the reason is
 * csv_strerror(csv_error(p))).  The parser must be initialised by the
 * caller (with CSV_STRICT | CSV_STRICT_FINI to catch unterminated quotes). */
int fk_csv_parse_text(struct csv_parser *p, const char *text, size_t n, int64_t *line,
		      void (*on_field)(void *, size_t, void *), void (*on_row)(int, void *), void *ctx);

#endif
