// register.js - the public volunteer registration form (register.html?c=
// COMMUNITY, the link or QR code a community posts): no account needed;
// the answer says the registration waits for the community's approval.
// Below it, the community's notices to residents.  Large type and one
// column for older people on small phones.
import { initI18n, setLang, otherLang, t } from './i18n.js';
import { api } from './api.js';
import { h, fill, notice, errorText } from './dom.js';

const root = document.getElementById('app');

function field(id, key, attrs = {}) {
  return h('div.field', h('label', { for: id }, t(key)), h('input', { id, name: id, ...attrs }));
}

function render() {
  document.title = t('reg.title');
  const community = new URLSearchParams(location.search).get('c') || '';
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const party = h('input', { type: 'checkbox', id: 'reg-party' });
  const form = h('form.card.reg-form', {
    'data-testid': 'register',
    onsubmit: async (e) => {
      e.preventDefault();
      const v = (id) => form.querySelector(`#${id}`).value.trim();
      try {
        const r = await api('POST', '/volunteers/register', {
          community, name: v('reg-name'), phone: v('reg-phone'), skills: v('reg-skills'),
          availability: v('reg-availability'), work_unit: v('reg-unit'), party_member: party.checked,
        });
        fill(root, h('section.card.reg-form', notice('success', t('reg.done', { id: r.id }))));
      } catch (err) {
        fill(msg, notice('error', err.field === 'community' ? t('reg.noCommunity') : errorText(err)));
      }
    },
  },
  field('reg-name', 'reg.name', { required: true, maxlength: '50', autocomplete: 'name' }),
  field('reg-phone', 'reg.phone', { required: true, inputmode: 'tel', maxlength: '20', autocomplete: 'tel' }),
  field('reg-skills', 'reg.skills', { maxlength: '200' }),
  field('reg-availability', 'reg.availability', { maxlength: '200' }),
  field('reg-unit', 'reg.workUnit', { maxlength: '100' }),
  h('div.field', h('label.check', party, ' ', t('reg.party'))),
  h('p.muted', t('reg.privacy')),
  h('button.btn.btn-primary.btn-block', { type: 'submit' }, t('reg.submit')), msg);
  fill(root,
    h('div.reg-head',
      h('h1', t('reg.title')),
      h('button.btn.btn-secondary', { type: 'button', onclick: async () => { await setLang(otherLang()); render(); } }, t('lang.switch'))),
    h('p', t('reg.intro')),
    community ? form : notice('error', t('reg.noCommunity')),
    community ? notices(community) : null);
}

// The community's notices to residents (the public announcements).
function notices(community) {
  const box = h('section.card.reg-form', { 'data-testid': 'public-notices' }, h('h2', t('reg.notices')));
  api('GET', `/public/announcements?community=${encodeURIComponent(community)}`).then((r) => {
    box.append(r.items.length
      ? h('ul.ann-list', r.items.map((a) => h('li', h('strong', a.title), h('p.ann-body', a.body), h('p.muted', a.region_name))))
      : h('p.muted', t('ann.none')));
  }).catch(() => box.append(h('p.muted', t('ann.none'))));
  return box;
}

initI18n().then(render);
