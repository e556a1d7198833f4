// A user card: the im user object for people, departments and groups, the colleagues exactly as
// im.department.colleagues.list gives them to that user, and the raw im.user.get answer.
import { useState } from '/_roster/console/vendor/hooks.js';
import { call, copy } from './api.js';
import { allDepartments } from './data.js';
import { Avatar, ErrorText, formatTime, fullName, html, presenceOf, useLive } from './ui.js';

async function loadCard(id) {
  const raw = await call('im.user.get', { ID: id });
  const user = raw.result;
  const departments = await allDepartments();
  const colleagues = [];
  for (let offset = 0, guard = 0; guard < 40; guard++) {
    const page = await call('im.department.colleagues.list', { USER_DATA: 'Y', OFFSET: offset, LIMIT: 50 }, id);
    colleagues.push(...Object.values(page.result || {}));
    if (page.next === undefined) break;
    offset = page.next;
  }
  // groups: sonet_group.get, then the members of each (what a client would do)
  const groups = [];
  const all = await call('sonet_group.get', {});
  for (const g of (all.result || []).slice(0, 50)) {
    const members = await call('sonet_group.user.get', { ID: g.ID });
    const mine = (members.result || []).find((m) => Number(m.USER_ID) === Number(id));
    if (mine) groups.push({ id: g.ID, name: g.NAME, role: mine.ROLE });
  }
  return { user, raw, departments: new Map(departments.map((d) => [d.id, d])), colleagues, groups };
}

const yesNo = (v) => (v === true ? 'yes' : v === false ? 'no' : v);

export function UserCard({ id, session }) {
  const [copied, setCopied] = useState('');
  const { data, error } = useLive(() => loadCard(Number(id)), [id], (r) => /^(user|directory|group|department)\./.test(r.kind));
  if (error && !data) return html`<section><h1>User ${id}</h1><${ErrorText} error=${error} /><p><a href="#/directory">Back to people</a></p></section>`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  const { user: u, raw, departments, colleagues, groups } = data;
  const tz = session.timezone;
  const json = JSON.stringify(raw.result, null, 2);
  const phones = Object.entries(u.phones || {}).filter(([, v]) => v);
  return html`<section aria-labelledby="card-title" data-card=${u.id}>
    <p><a href="#/directory">← People</a></p>
    <div class="card-head"><${Avatar} user=${u} big />
      <div><h1 id="card-title">${fullName(u)}</h1>
        <p class="muted">${u.work_position || 'No position'} · <span data-card-presence>${presenceOf(u)}</span>${u.extranet ? ' · extranet' : ''}${u.bot ? ' · bot' : ''}${u.active ? '' : ' · deactivated'}</p></div>
    </div>
    <${ErrorText} error=${error} />
    <div class="grid2">
      <div class="panel"><h2>Profile</h2>
        <dl class="facts">
          <dt>Id</dt><dd>${u.id}</dd>
          <dt>E-mail</dt><dd>${u.email ? html`<a href=${`mailto:${u.email}`}>${u.email}</a>` : '—'}</dd>
          <dt>Phones</dt><dd>${phones.length ? phones.map(([k, v]) => html`<div>${v} <span class="muted">(${k.replace(/_/g, ' ')})</span></div>`) : '—'}</dd>
          <dt>Website</dt><dd>${u.website || '—'}</dd>
          <dt>Gender</dt><dd>${u.gender || '—'}</dd>
          <dt>Birthday</dt><dd>${u.birthday || '—'}</dd>
          <dt>Status</dt><dd>${u.status}${u.idle ? ` (idle since ${formatTime(u.idle, tz)})` : ''}</dd>
          <dt>Last activity</dt><dd>${formatTime(u.last_activity_date, tz)}</dd>
          <dt>Mobile last seen</dt><dd>${formatTime(u.mobile_last_date, tz)}</dd>
          <dt>Desktop last seen</dt><dd>${formatTime(u.desktop_last_date, tz)}</dd>
          <dt>Absent</dt><dd>${u.absent ? `until ${formatTime(u.absent, tz)}` : 'no'}</dd>
          <dt>Type</dt><dd>${u.type} · ${u.external_auth_id}</dd>
          <dt>Active</dt><dd>${yesNo(u.active)}</dd>
          <dt>Time zone</dt><dd>${tz}</dd>
        </dl>
      </div>
      <div class="panel"><h2>Departments</h2>
        ${u.departments?.length ? html`<ul>${u.departments.map((d) => html`<li><a href=${`#/org/${d}`}>${departments.get(d)?.name || `#${d}`}</a>${departments.get(d)?.head === u.id ? html` <span class="badge">head</span>` : null}</li>`)}</ul>` : html`<p class="empty">In no department</p>`}
        <h2>Groups</h2>
        ${groups.length ? html`<ul>${groups.map((g) => html`<li>${g.name} <span class="badge">${g.role === 'A' ? 'owner' : g.role === 'E' ? 'moderator' : 'member'}</span></li>`)}</ul>` : html`<p class="empty">In no group</p>`}
      </div>
    </div>
    <div class="panel"><h2>Colleagues (${colleagues.length})</h2>
      <p class="muted">As <code>im.department.colleagues.list</code> answers this user.</p>
      ${colleagues.length ? html`<ul class="tree" data-colleagues>${colleagues.map((c) => html`<li class="person" key=${c.id}><${Avatar} user=${c} /> <a href=${`#/user/${c.id}`}>${fullName(c)}</a> <span class="muted">${c.work_position}</span></li>`)}</ul>` : html`<p class="empty">No colleagues</p>`}
    </div>
    <div class="panel"><h2>im.user.get</h2>
      <p class="row"><button type="button" onClick=${async () => setCopied((await copy(json)) ? 'Copied' : 'Copy failed: select the text')}>Copy JSON</button><span aria-live="polite">${copied}</span></p>
      <pre tabindex="0" aria-label="im.user.get answer" data-raw>${json}</pre>
    </div>
  </section>`;
}
