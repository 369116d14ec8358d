/* h_mobilise.c - mobilisation, supervision and announcements: parse on the
 * request's thread, then one core call as a writer job (or a read). */
#include <stdlib.h>
#include <string.h>

#include "core/announce/announce.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
#include "http/handlers.h"
#include "http/write.h"
#include "util/date.h"

static int volunteer_parse(const json_t *in, fk_volunteer_in *v, fk_err *e)
{
	return fk_volunteer_parse(in, v, FK_VOL_CREATE, e);
}
static int volunteer_update_parse(const json_t *in, fk_volunteer_in *v, fk_err *e)
{
	return fk_volunteer_parse(in, v, FK_VOL_UPDATE, e);
}
static int volunteer_form_parse(const json_t *in, fk_volunteer_in *v, fk_err *e)
{
	return fk_volunteer_parse(in, v, FK_VOL_FORM, e);
}
/* Routes whose body is optional ({} when none). */
static int clock_parse(const json_t *in, fk_clock_in *c, fk_err *e)
{
	return fk_clock_parse(in, c, e);
}
static json_t *announce_read(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	return fk_announce_mark(db, who, id, false, e);
}
static json_t *announce_ack(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	return fk_announce_mark(db, who, id, true, e);
}

FK_BODY_WRITE(h_volunteer_create, fk_volunteer_in, volunteer_parse, fk_volunteer_create, 201)
FK_BODY_WRITE(h_volunteer_register, fk_volunteer_in, volunteer_form_parse, fk_volunteer_register, 201)
FK_ID_WRITE(h_volunteer_update, fk_volunteer_in, volunteer_update_parse, fk_volunteer_update, 200)
FK_ID_WRITE(h_volunteer_approve, fk_approve_in, fk_approve_parse, fk_volunteer_approve, 200)
FK_BODY_WRITE(h_duty_report_create, fk_duty_report_in, fk_duty_report_parse, fk_duty_report_create, 201)
FK_BODY_WRITE(h_pledge_create, fk_pledge_in, fk_pledge_parse, fk_pledge_create, 201)
FK_ID_WRITE(h_pledge_assign, fk_pledge_assign_in, fk_pledge_assign_parse, fk_pledge_assign, 200)
FK_BODY_WRITE(h_mob_team_create, fk_mob_team_in, fk_mob_team_parse, fk_mob_team_create, 201)
FK_BODY_WRITE(h_post_create, fk_post_in, fk_post_parse, fk_post_create, 201)
FK_BODY_WRITE(h_mob_shift_create, fk_mob_shift_in, fk_mob_shift_parse, fk_mob_shift_create, 201)
FK_ID_WRITE(h_shift_assign, fk_assign_in, fk_assign_parse, fk_shift_assign, 201)
FK_ID_ONLY_WRITE(h_shift_certify, fk_shift_certify, 200)
FK_ID_WRITE(h_checkin, fk_clock_in, clock_parse, fk_shift_checkin, 200)
FK_ID_WRITE(h_checkout, fk_clock_in, clock_parse, fk_shift_checkout, 200)
FK_ID_WRITE(h_correction_request, fk_correction_in, fk_correction_parse, fk_correction_request, 201)
FK_ID_WRITE(h_correction_decide, fk_decide_in, fk_decide_parse, fk_correction_decide, 200)
FK_BODY_WRITE(h_task_create, fk_task_in, fk_task_parse, fk_task_create, 201)
FK_ID_WRITE(h_task_move, fk_task_state_in, fk_task_state_parse, fk_task_move, 200)
FK_BODY_WRITE(h_inspection_create, fk_inspection_in, fk_inspection_parse, fk_inspection_create, 201)
FK_ID_WRITE(h_finding_rectify, fk_rectify_in, fk_rectify_parse, fk_finding_rectify, 200)
FK_ID_WRITE(h_finding_verify, fk_verify_in, fk_verify_parse, fk_finding_verify, 200)
FK_ID_ONLY_WRITE(h_finding_chase, fk_finding_chase, 200)
FK_BODY_WRITE(h_notice_create, fk_notice_in, fk_notice_parse, fk_notice_create, 201)
FK_BODY_WRITE(h_announce_send, fk_announce_in, fk_announce_parse, fk_announce_send, 201)
FK_ID_ONLY_WRITE(h_announce_read, announce_read, 200)
FK_ID_ONLY_WRITE(h_announce_ack, announce_ack, 200)

/* ---- the photo of a finding (a raw upload) ---- */

typedef struct photo_in {
	int64_t id;
	const char *data;
	size_t n;
} photo_in;

static int photo_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	photo_in *p = in;
	return (*out = fk_finding_photo(db, who, p->id, p->data, p->n, e)) ? 0 : -1;
}

int h_finding_photo(fk_req *r)
{
	photo_in *p = fk_arena_alloc(&r->arena, sizeof(*p));
	if ((p->id = fk_req_id(r, "id")) < 0)
		return -1;
	if (r->body.len == 0)
		return fk_req_fail(r, 400, "invalid", "photo", "photo: the body is the image (JPEG or PNG)");
	if (r->body.len > FK_SV_PHOTO_MAX)
		return fk_req_fail(r, 413, "too_large", "photo", "photo: at most %d bytes", FK_SV_PHOTO_MAX);
	p->data = r->body.buf;
	p->n = r->body.len;
	return fk_req_write(r, &(fk_job){ .run = photo_job, .in = p });
}

/* ---- reads ---- */

int h_volunteer_get(fk_req *r)
{
	return fk_req_reply_record(r, fk_volunteer_record, "volunteer");
}

/* A document built in memory, sent in one part. */
static int buffer_stream(fk_req *r, fk_strbuf *out)
{
	fk_strbuf *t = r->ctx;
	fk_strbuf_add(out, t->buf, t->len);
	return 0;
}

/* Takes the PDF in pdf as the answer's stream, named name. */
static void pdf_stream(fk_req *r, fk_strbuf *pdf, const char *name)
{
	fk_strbuf *t = fk_arena_alloc(&r->arena, sizeof(*t));
	t->buf = fk_arena_alloc(&r->arena, pdf->len + 1);
	memcpy(t->buf, pdf->buf, pdf->len);
	t->len = pdf->len;
	fk_strbuf_release(pdf);
	r->ctx = t;
	r->stream = buffer_stream;
	r->stream_type = "application/pdf";
	r->stream_name = name;
}

/* A volunteer's certificate: an export of their record, audited before it
 * is sent. */
static int certificate(fk_req *r, int64_t id)
{
	fk_strbuf pdf = FK_STRBUF_INIT;
	char region[16];
	if (fk_volunteer_certificate(r->db, &r->actor, id, &pdf, region, &r->err) < 0) {
		fk_strbuf_release(&pdf);
		return -1;
	}
	pdf_stream(r, &pdf, "service-certificate.pdf");
	char obj[48];
	snprintf(obj, sizeof(obj), "volunteer:%lld", (long long)id);
	return fk_req_reply_audited(r, 200, json_object(), "volunteer.certificate", obj, fk_arena_strdup(&r->arena, region),
				    NULL);
}

int h_volunteer_certificate(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : certificate(r, id);
}

int h_me_service(fk_req *r)
{
	return fk_req_reply(r, 200, fk_mob_me(r->db, &r->actor, fk_now(), &r->err));
}

int h_me_certificate(fk_req *r)
{
	int64_t id = fk_volunteer_of_user(r->db, r->actor.user_id);
	if (!id)
		return fk_req_fail(r, 404, "not_found", NULL, "no volunteer profile is linked to this account");
	return certificate(r, id);
}

int h_mob_board(fk_req *r)
{
	return fk_req_reply(r, 200, fk_mob_board(r->db, &r->actor, fk_req_region(r, "region"), fk_now(), &r->err));
}

int h_sv_summary(fk_req *r)
{
	return fk_req_reply(r, 200, fk_sv_summary(r->db, &r->actor, fk_req_region(r, "region"), &r->err));
}

int h_announce_inbox(fk_req *r)
{
	return fk_req_reply(r, 200, fk_announce_inbox(r->db, &r->actor, &r->err));
}

int h_announce_public(fk_req *r)
{
	return fk_req_reply(r, 200, fk_announce_public(r->db, fk_req_query(r, "community"), &r->err));
}

int h_announce_poster(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	if (id < 0)
		return -1;
	fk_strbuf pdf = FK_STRBUF_INIT;
	if (fk_announce_poster(r->db, &r->actor, id, &pdf, &r->err) < 0) {
		fk_strbuf_release(&pdf);
		return -1;
	}
	pdf_stream(r, &pdf, "poster.pdf");
	return fk_req_reply(r, 200, json_object());
}
