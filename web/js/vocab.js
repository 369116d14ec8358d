// vocab.js - the code lists the server accepts (GET /api/v1/vocab: symptoms,
// categories, outcomes, roles, …) and the settings in force, loaded once
// after sign-in and kept with the /me answer for offline use (offline.js).
// Views read them here instead of keeping copies; the label of a code is
// the i18n string PREFIX[list].code (tests/api/vocab.test.mjs checks that
// every code has one in each language).  No DOM: node imports it too.

// The i18n prefix of each list's labels.
export const PREFIX = {
  symptoms: 'symptom',
  history: 'history',
  tags: 'tag',
  finding_categories: 'category',
  screening_statuses: 'screen.count',
  sexes: 'sex',
  doc_types: 'doc',
  case_categories: 'case.cat',
  case_outcomes: 'case.out',
  case_places: 'case.place',
  contact_settings: 'contact.setting',
  observation_modes: 'obs.mode',
  alert_kinds: 'command.kind',
  alert_outcomes: 'outcome', // {kind: [outcome, …]}
  roles: 'role',
  import_reasons: 'importReason', // why an imported row was rejected
  ticket_categories: 'hotline.cat',
  ticket_urgencies: 'hotline.urg',
  ticket_channels: 'hotline.ch',
  ticket_states: 'hotline.st',
  ticket_closed_states: 'hotline.st',
  ticket_moves: 'hotline.mv',
  ticket_satisfactions: 'hotline.sat',
  ticket_public_states: 'hotline.pub',
  // supplies, donations and special funds
  item_categories: 'supplies.category',
  warehouse_kinds: 'supplies.whKind',
  move_kinds: 'supplies.move',
  adjust_reasons: 'supplies.reason',
  request_states: 'supplies.reqState',
  donor_kinds: 'supplies.donorKind',
  donation_kinds: 'supplies.donationKind',
  fund_purposes: 'supplies.purpose',
  payee_kinds: 'supplies.payeeKind',
  team_kinds: 'mob.teamKind',
  post_kinds: 'mob.postKind',
  task_kinds: 'mob.taskKind',
  task_states: 'mob.taskState',
  volunteer_states: 'mob.volState',
  checklist_items: 'sv.check',
  notice_kinds: 'sv.noticeKind',
  finding_states: 'sv.state',
};

let current = null;

// Sets the lists (a GET /vocab answer, or the one kept offline).
export function setVocab(v) { current = v; }

// The codes of one list (e.g. 'symptoms'); [] before sign-in.
export function codes(list) { return (current && current[list]) || []; }

// A setting in force (e.g. 'fever_threshold'), or fallback before sign-in.
export function setting(name, fallback) {
  const v = current && current.settings ? current.settings[name] : undefined;
  return v === undefined ? fallback : v;
}
