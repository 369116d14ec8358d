// views/regionpick.js - choosing a region at any level inside the user's
// scope (for filters and statistics): one select per level below the home
// region, down to maxLevel, each filled when the one above is chosen; "all"
// at a level means the region above.  Unlike gridpick.js, a choice at any
// level counts.
import { t } from '../i18n.js';
import { h } from '../dom.js';
import { LEN, childSelect } from './gridpick.js';

// Returns {el}.  initial: a code in scope to preselect; onChange(code) runs
// when the choice changes (the scope's code when everything is "all");
// firstLabel: the words for that first option.
export function regionPicker({ scope, idPrefix, initial = '', maxLevel = 5, onChange = () => {}, firstLabel = t('pick.all') }) {
  const el = h('div.region-picker');
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const selects = [];
  const want = [];
  if (initial && initial.startsWith(scope.code)) {
    for (let l = scope.level + 1; l <= maxLevel; l++) if (initial.length >= LEN[l]) want.push(initial.slice(0, LEN[l]));
  }
  async function level(code, depth) {
    const step = await childSelect({
      code, depth, selects, el, msg, idPrefix, firstLabel, optionLabel: (k) => k.name, maxLevel,
    });
    if (!step) return;
    const { sel, lvl, kids } = step;
    sel.addEventListener('change', () => {
      if (!sel.value) {
        selects.splice(depth + 1).forEach((s) => s.closest('.field').remove());
        onChange(code);
      } else {
        onChange(sel.value);
        if (lvl < maxLevel) level(sel.value, depth + 1);
      }
    });
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
