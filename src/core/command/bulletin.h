/* bulletin.h - the daily bulletin (疫情通报): the one owner of the table
 * bulletins.
 *
 * A bulletin is the figures of one region for one day that is over (from
 * fk_bulletin_hour local time on the next day): new, cumulative and
 * current cases, people under observation, the same per child region, the
 * last 14 days, and the screening coverage of the day per child — counts
 * only, read from the roll-ups through the wall's case figures
 * (core/command/wall.h) and screening's coverage; no person is ever named.
 * It is drafted — by the server at the hour for each commander's region,
 * and again by the commander while a draft — then approved: approval locks the figures and records the
 * audit log's head, and the day cannot be drafted again.  Changes made to
 * the data after an approval appear, in the next bulletin of the region,
 * as corrections of the figures approved before (never silently).  An
 * approved bulletin is published as text for messaging groups, a PDF
 * (util/pdf.h) and an XLSX workbook (bulletin_doc.c).
 *
 * Who calls what: the http layer and the demo; writes run in the caller's
 * write transaction.
 */
#ifndef FK_BULLETIN_H
#define FK_BULLETIN_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"
#include "util/strbuf.h"

/* FK_BULLETIN_HOUR (0..23, default 0): a day's bulletin can be drafted
 * from this local hour of the next day. */
extern int fk_bulletin_hour;

/* Days in the bulletin's table by day (the day and the 13 before). */
#define FK_BULLETIN_DAYS 14

/* A draft request, parsed: {region, date}.  region is borrowed. */
typedef struct fk_bulletin_in {
	const char *region;
	int64_t day;
} fk_bulletin_in;

extern const fk_field fk_bulletin_fields[];

/* Parses {region, date}: 400 naming the field (a date YYYY-MM-DD, a region
 * code).  Whether the day is over is checked when drafting (409). */
int fk_bulletin_parse(const json_t *in, fk_bulletin_in *b, fk_err *e);

/* The figures of region on day (as a draft holds them, corrections aside):
 * {region: {code, name, level}, date, totals: {case figures, households,
 * screened, unvisited, abnormal}, children: [{code, name, same}], days:
 * [{date, case figures}]}.  NULL with e set (404 outside scope). */
json_t *fk_bulletin_figures(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e);

/* Drafts (or drafts again) the bulletin of b: 404 outside scope, 409
 * naming "date" when the day is not over, 409 when it is approved already.
 * The figures gain the corrections to the region's last approved bulletin
 * before the day.  Returns the bulletin as fk_bulletin_get. */
json_t *fk_bulletin_draft(fk_db *db, const fk_actor *who, const fk_bulletin_in *b, fk_err *e);

/* The duty at FK_BULLETIN_HOUR (http/schedule.c): drafts the bulletin of
 * day for the home region of every enabled commander account that has none
 * yet, as that commander; the number drafted into *drafted.  Write
 * transaction.  Returns 0 or -1. */
int fk_bulletin_draft_due(fk_db *db, int64_t day, int64_t *drafted);

/* One bulletin: {id, region, name, date, state, figures, created_at,
 * approved_by (display name), approved_at, audit_size, audit_head}.  404
 * when missing or outside scope, alike. */
json_t *fk_bulletin_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* Approves bulletin id: 404 (missing or outside scope), 409 when approved
 * already.  Locks its figures and records the audit head. */
json_t *fk_bulletin_approve(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);

/* The region's bulletins, newest first; filters state, from, to. */
extern const struct fk_list fk_bulletin_list;

/* The published forms of an approved bulletin b (as fk_bulletin_get
 * answers it), appended to out: plain text in the official wording and
 * order, an A4 PDF in Chinese with the chart drawn by cairo, an XLSX
 * workbook (a sheet per table, numbers as numbers, frozen headers).
 * Return 0 or -1. */
int fk_bulletin_text(const json_t *b, fk_strbuf *out);
int fk_bulletin_pdf(const json_t *b, fk_strbuf *out);
int fk_bulletin_xlsx(const json_t *b, fk_strbuf *out);

/* A published form of bulletin id: format "txt", "pdf" or "xlsx" (400
 * naming "format" otherwise); 404 as fk_bulletin_get; 409 when it is not
 * approved.  On success out holds the document and *b the bulletin (the
 * caller releases it). */
int fk_bulletin_publish(fk_db *db, const fk_actor *who, int64_t id, const char *format, fk_strbuf *out, json_t **b,
			fk_err *e);

#endif
