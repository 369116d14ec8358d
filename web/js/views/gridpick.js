// views/gridpick.js - choosing a grid inside the user's scope: one select per
// level below the home region (street → community → grid), each filled from
// /regions/{code}/children when the one above is chosen.  A user whose home
// region is a grid has nothing to choose.  Grids are named alike in every
// community (第一网格, 第二网格, …), so a grid is always shown with its
// community: "尚隆苑社区居委会 · 第一网格" (gridLabel).
import { t, label } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, notice, errorText } from '../dom.js';

const GRID = 6;

// The community of a grid (its region object: parent_name, or the last of
// its path, for an answer cached before parent_name existed); '' for other
// regions.
export function gridCommunity(r) {
  if (!r || r.level !== GRID) return '';
  return r.parent_name || (r.path && r.path.length ? r.path[r.path.length - 1].name : '');
}

// "community · grid" for a grid; other regions by their name.
export function gridLabel(r) {
  if (!r) return '';
  const community = gridCommunity(r);
  return community ? `${community} · ${r.name}` : r.name;
}

// The length of a region code at each level (province 2 … grid 15).
export const LEN = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12, 6: 15 };

// One step of a cascade of selects (shared with regionpick.js): drops the
// selects from depth down, reads code's children and, when there are any,
// adds a labelled select of them before msg — first option firstLabel,
// options named by optionLabel(region) — and resolves {sel, lvl, kids};
// otherwise (none, a failure shown in msg, or children below maxLevel)
// resolves null, with noneText in msg when there are none.
export async function childSelect({ code, depth, selects, el, msg, idPrefix, firstLabel, optionLabel, noneText,
  maxLevel = GRID }) {
  selects.splice(depth).forEach((s) => s.closest('.field').remove());
  fill(msg);
  let kids;
  try {
    kids = await API.regions.allChildren(code);
  } catch (err) {
    fill(msg, notice('error', errorText(err)));
    return null;
  }
  if (!kids.length) {
    if (noneText) fill(msg, notice('info', noneText));
    return null;
  }
  const lvl = kids[0].level;
  if (lvl > maxLevel) return null;
  const id = `${idPrefix}-${lvl}`;
  const sel = h('select', { id, name: `level${lvl}`, dataset: { level: lvl } },
    h('option', { value: '' }, firstLabel),
    kids.map((k) => h('option', { value: k.code, dataset: { level: k.level } }, optionLabel(k))));
  selects.push(sel);
  el.insertBefore(h('div.field', h('label', { for: id }, label('level', lvl)), sel), msg);
  return { sel, lvl, kids };
}

// The codes from below scope down to code (a grid): what `initial` takes to
// preselect a remembered grid.
export function pathTo(scope, code) {
  if (!code || !code.startsWith(scope.code)) return [];
  const out = [];
  for (let l = scope.level + 1; l <= GRID; l++) out.push(code.slice(0, LEN[l]));
  return out;
}

// Returns {el, value()}: value() is the chosen grid's code or ''.  onChange
// (code, name) runs when a grid is chosen (code '' when the choice is undone).
// optional: the first option of each select reads "none" rather than "choose".
export function gridPicker({ scope, idPrefix, onChange = () => {}, optional = false, initial = [] }) {
  const el = h('div.grid-picker');
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  let chosen = '';
  if (scope.level >= GRID) {
    chosen = scope.code;
    el.append(h('p.picked', gridLabel(scope), ' ', h('span.code', scope.code)));
    return { el, value: () => chosen };
  }
  const selects = [];

  // Adds the select for the children of code (at depth i), dropping deeper ones.
  async function level(code, depth) {
    const step = await childSelect({
      code, depth, selects, el, msg, idPrefix, firstLabel: t(optional ? 'pick.noneChosen' : 'pick.choose'),
      optionLabel: gridLabel, noneText: t('pick.none'),
    });
    if (!step) return;
    const { sel, kids } = step;
    sel.addEventListener('change', () => {
      const opt = sel.selectedOptions[0];
      chosen = '';
      if (!sel.value) {
        selects.splice(depth + 1).forEach((s) => s.closest('.field').remove());
        onChange('', '');
      } else if (Number(opt.dataset.level) >= GRID) {
        chosen = sel.value;
        onChange(sel.value, opt.textContent);
      } else {
        onChange('', '');
        level(sel.value, depth + 1);
      }
    });
    const want = initial[depth];
    if (want && kids.some((k) => k.code === want)) {
      sel.value = want;
      sel.dispatchEvent(new Event('change'));
    }
  }
  el.append(msg);
  level(scope.code, 0);
  return { el, value: () => chosen };
}
