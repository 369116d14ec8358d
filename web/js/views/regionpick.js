// views/regionpick.js - choosing a region at any level inside the user's
// scope (for filters and statistics): one select per level below the home
// region, down to maxLevel, each filled when the one above is chosen; "all"
// at a level means the region above.  Unlike gridpick.js, a choice at any
// level counts.
import { t, label } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, notice, errorText } from '../dom.js';

const LEN = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12, 6: 15 };

const allChildren = (code) => API.regions.allChildren(code);

// Returns {el}.  initial: a code in scope to preselect; onChange(code) runs
// when the choice changes (the scope's code when everything is "all").
export function regionPicker({ scope, idPrefix, initial = '', maxLevel = 5, onChange = () => {} }) {
  const el = h('div.region-picker');
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const selects = [];
  const want = [];
  if (initial && initial.startsWith(scope.code)) {
    for (let l = scope.level + 1; l <= maxLevel; l++) if (initial.length >= LEN[l]) want.push(initial.slice(0, LEN[l]));
  }
  async function level(code, depth) {
    selects.splice(depth).forEach((s) => s.closest('.field').remove());
    fill(msg);
    let kids;
    try {
      kids = await allChildren(code);
    } catch (err) {
      fill(msg, notice('error', errorText(err)));
      return;
    }
    if (!kids.length || kids[0].level > maxLevel) return;
    const lvl = kids[0].level;
    const id = `${idPrefix}-${lvl}`;
    const sel = h('select', { id, name: `level${lvl}`, dataset: { level: lvl } },
      h('option', { value: '' }, t('pick.all')),
      kids.map((k) => h('option', { value: k.code }, k.name)));
    sel.addEventListener('change', () => {
      if (!sel.value) {
        selects.splice(depth + 1).forEach((s) => s.closest('.field').remove());
        onChange(code);
      } else {
        onChange(sel.value);
        if (lvl < maxLevel) level(sel.value, depth + 1);
      }
    });
    selects.push(sel);
    el.insertBefore(h('div.field', h('label', { for: id }, label('level', lvl)), sel), msg);
    const w = want[depth];
    if (w && kids.some((k) => k.code === w)) {
      sel.value = w;
      if (lvl < maxLevel) level(w, depth + 1);
    }
  }
  el.append(msg);
  if (scope.level < maxLevel) level(scope.code, 0);
  return { el };
}
