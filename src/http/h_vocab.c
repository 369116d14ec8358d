/* h_vocab.c - GET /api/v1/vocab: the code lists the write endpoints accept
 * and the settings in force, read from the arrays the modules validate
 * with, so the web UI shows what the server takes and copies nothing.
 * Labels are the UI's (web/i18n, keyed by the code).  Small and constant:
 * built per request. */
#include "core/base/perm.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/grid/alerts.h"
#include "core/grid/import.h"
#include "core/grid/registry.h"
#include "core/grid/screening.h"
#include "core/hotline/tickets.h"
#include "core/supplies/donations.h"
#include "core/supplies/funds.h"
#include "core/supplies/requests.h"
#include "core/supplies/stock.h"
#include "core/announce/announce.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
#include "http/handlers.h"

/* A NULL-terminated list of codes as a JSON array. */
static json_t *codes(const char *const *names)
{
	json_t *a = json_array();
	for (int i = 0; names[i]; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *roles(void)
{
	json_t *a = json_array();
	for (int r = 1; r < FK_ROLE_COUNT; r++)
		json_array_append_new(a, json_string(fk_role_name((fk_role)r)));
	return a;
}

int h_vocab(fk_req *r)
{
	json_t *v = json_object();
	json_object_set_new(v, "symptoms", codes(fk_symptom_names));
	json_object_set_new(v, "history", codes(fk_history_names));
	json_object_set_new(v, "tags", codes(fk_tag_names));
	json_object_set_new(v, "finding_categories", codes(fk_category_names));
	json_object_set_new(v, "screening_statuses", codes(fk_screening_status_names()));
	json_object_set_new(v, "sexes", codes(fk_sex_names()));
	json_object_set_new(v, "doc_types", codes(fk_doc_type_names()));
	json_object_set_new(v, "case_categories", codes(fk_case_category_names()));
	json_object_set_new(v, "case_outcomes", codes(fk_case_outcome_names()));
	json_object_set_new(v, "case_places", codes(fk_case_place_names()));
	json_object_set_new(v, "contact_settings", codes(fk_contact_setting_names()));
	json_object_set_new(v, "observation_modes", codes(fk_observation_mode_names()));
	json_object_set_new(v, "alert_kinds", codes(fk_alert_kind_names()));
	json_t *outcomes = json_object();
	for (const char *const *k = fk_alert_kind_names(); *k; k++)
		json_object_set_new(outcomes, *k, codes(fk_alert_outcome_names(*k)));
	json_object_set_new(v, "alert_outcomes", outcomes);
	json_object_set_new(v, "roles", roles());
	json_object_set_new(v, "import_reasons", codes(fk_import_reason_codes()));
	json_object_set_new(v, "ticket_categories", codes(fk_ticket_category_names));
	json_object_set_new(v, "ticket_urgencies", codes(fk_ticket_urgency_names));
	json_object_set_new(v, "ticket_channels", codes(fk_ticket_channel_names));
	json_object_set_new(v, "ticket_states", codes(fk_ticket_state_names));
	json_object_set_new(v, "ticket_closed_states", codes(fk_ticket_closed_states));
	json_object_set_new(v, "ticket_moves", codes(fk_ticket_move_names));
	json_object_set_new(v, "ticket_satisfactions", codes(fk_ticket_satisfaction_names));
	json_object_set_new(v, "ticket_public_states", codes(fk_ticket_public_states));
	/* supplies, donations and special funds */
	json_object_set_new(v, "item_categories", codes(fk_item_categories));
	json_object_set_new(v, "warehouse_kinds", codes(fk_warehouse_kinds));
	json_object_set_new(v, "move_kinds", codes(fk_move_kinds));
	json_object_set_new(v, "adjust_reasons", codes(fk_adjust_reasons));
	json_object_set_new(v, "request_states", codes(fk_request_states));
	json_object_set_new(v, "donor_kinds", codes(fk_donor_kinds));
	json_object_set_new(v, "donation_kinds", codes(fk_donation_kinds));
	json_object_set_new(v, "fund_purposes", codes(fk_fund_purposes));
	json_object_set_new(v, "payee_kinds", codes(fk_payee_kinds));
	json_object_set_new(v, "team_kinds", codes(fk_team_kind_names));
	json_object_set_new(v, "post_kinds", codes(fk_post_kind_names));
	json_object_set_new(v, "task_kinds", codes(fk_task_kind_names));
	json_object_set_new(v, "task_states", codes(fk_task_state_names));
	json_object_set_new(v, "volunteer_states", codes(fk_volunteer_state_names));
	json_object_set_new(v, "checklist_items", codes(fk_checklist_names));
	json_object_set_new(v, "notice_kinds", codes(fk_notice_kind_names));
	json_object_set_new(v, "finding_states", codes(fk_finding_state_names));
	json_object_set_new(v, "settings",
			    json_pack("{s:i, s:i, s:f}", "protocol_edition", fk_protocol_edition, "observation_days",
				      fk_observation_days, "fever_threshold", FK_FEVER_DC / 10.0));
	json_object_set_new(json_object_get(v, "settings"), "hours_per_day", json_integer(fk_mob_hours_per_day));
	json_object_set_new(json_object_get(v, "settings"), "back_to_back", json_integer(fk_mob_back_to_back));
	return fk_req_reply(r, 200, v);
}
