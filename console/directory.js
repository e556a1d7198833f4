// People: search as you type (im.search.user.list), filters and sorted pages (user.get), live.
import { useEffect, useState } from '/_roster/console/vendor/hooks.js';
import { call } from './api.js';
import { allDepartments, forgetDepartments, imUsers, isDirectoryChange } from './data.js';
import { Avatar, ErrorText, fullName, html, presenceOf, useLive } from './ui.js';

const PAGE = 50;

async function loadPage(f) {
  const departments = await allDepartments();
  const query = f.q.trim();
  if ([...query].length >= 2) {
    // the messenger's search: the same matching as im.search.user.list for every client
    const res = await call('im.search.user.list', { FIND: query, OFFSET: f.page * PAGE, LIMIT: PAGE });
    let users = Object.values(res.result || {});
    // filters narrow the page the search returned (the method has none of its own)
    if (f.department) users = users.filter((u) => u.departments.includes(Number(f.department)));
    if (f.kind === 'employees') users = users.filter((u) => !u.extranet && !u.bot);
    if (f.kind === 'extranet') users = users.filter((u) => u.extranet);
    if (f.kind === 'bots') users = users.filter((u) => u.bot);
    return { users, total: res.total ?? users.length, departments, query };
  }
  if (f.kind === 'bots') {
    const bots = await call('imbot.bot.list');
    const ids = Object.keys(bots.result || {}).map(Number);
    return { users: await imUsers(ids.slice(f.page * PAGE, f.page * PAGE + PAGE)), total: ids.length, departments };
  }
  const filter = {};
  if (f.active !== 'all') filter.ACTIVE = f.active === 'active' ? 'Y' : 'N';
  if (f.department) filter.UF_DEPARTMENT = Number(f.department);
  if (f.kind === 'employees') filter.USER_TYPE = 'employee';
  if (f.kind === 'extranet') filter.USER_TYPE = 'extranet';
  const res = await call('user.get', { FILTER: filter, SORT: f.sort, ORDER: f.order, start: f.page * PAGE });
  const users = await imUsers(res.result.map((u) => Number(u.ID)));
  return { users, total: res.total ?? users.length, departments };
}

export function DirectoryPage() {
  const [f, setF] = useState({ q: '', department: '', kind: 'all', active: 'active', sort: 'LAST_NAME', order: 'ASC', page: 0 });
  const [typed, setTyped] = useState('');
  // search as you type, without a request per key stroke
  useEffect(() => {
    const t = setTimeout(() => setF((old) => (old.q === typed ? old : { ...old, q: typed, page: 0 })), 150);
    return () => clearTimeout(t);
  }, [typed]);
  const { data, error, loading } = useLive(
    () => loadPage(f),
    [JSON.stringify(f)],
    (r) => {
      if (/^(department|directory)\./.test(r.kind)) forgetDepartments();
      return isDirectoryChange(r);
    },
  );
  const set = (patch) => setF((old) => ({ ...old, page: 0, ...patch }));
  const sortBy = (key) => set({ sort: key, order: f.sort === key && f.order === 'ASC' ? 'DESC' : 'ASC' });
  const names = new Map((data?.departments || []).map((d) => [d.id, d.name]));
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE)) : 1;
  const searching = [...f.q.trim()].length >= 2;
  const header = (key, label) =>
    searching
      ? html`<th scope="col">${label}</th>`
      : html`<th scope="col" aria-sort=${f.sort === key ? (f.order === 'ASC' ? 'ascending' : 'descending') : 'none'}>
          <button type="button" onClick=${() => sortBy(key)}>${label}${f.sort === key ? (f.order === 'ASC' ? ' ▲' : ' ▼') : ''}</button></th>`;
  return html`<section aria-labelledby="people-title">
    <h1 id="people-title">People</h1>
    <form class="row panel" role="search" onSubmit=${(e) => e.preventDefault()}>
      <div class="field"><label for="q">Search</label>
        <input id="q" type="search" placeholder="Name, position, department or id" value=${typed} onInput=${(e) => setTyped(e.currentTarget.value)} autocomplete="off" /></div>
      <div class="field"><label for="dep">Department</label>
        <select id="dep" value=${f.department} onChange=${(e) => set({ department: e.currentTarget.value })}>
          <option value="">All departments</option>
          ${(data?.departments || []).map((d) => html`<option value=${d.id}>${d.name}</option>`)}
        </select></div>
      <div class="field"><label for="kind">Kind</label>
        <select id="kind" value=${f.kind} onChange=${(e) => set({ kind: e.currentTarget.value })}>
          <option value="all">Everyone</option><option value="employees">Employees</option><option value="extranet">Extranet</option><option value="bots">Bots</option>
        </select></div>
      <div class="field"><label for="active">Status</label>
        <select id="active" value=${f.active} onChange=${(e) => set({ active: e.currentTarget.value })} disabled=${searching}>
          <option value="active">Active</option><option value="inactive">Deactivated</option><option value="all">All</option>
        </select></div>
    </form>
    <${ErrorText} error=${error} />
    <p class="muted" role="status" aria-live="polite">${loading && !data ? 'Loading…' : data ? `${data.total} ${data.total === 1 ? 'person' : 'people'}${data.query ? ` match “${data.query}” (search covers active users)` : ''}` : ''}</p>
    ${data && data.users.length === 0
      ? html`<p class="empty">${searching ? 'Nobody matches this search.' : 'Nobody here yet: import a directory on the State page, or add users over REST.'}</p>`
      : data && html`<table>
          <caption class="sr">People, page ${f.page + 1} of ${pages}</caption>
          <thead><tr>${header('LAST_NAME', 'Name')}${header('WORK_POSITION', 'Position')}<th scope="col">Departments</th><th scope="col">Presence</th></tr></thead>
          <tbody>
            ${data.users.map((u) => html`<tr key=${u.id} data-user=${u.id}>
              <td><span class="person"><${Avatar} user=${u} /><a href=${`#/user/${u.id}`}>${fullName(u)}</a>
                ${u.extranet ? html`<span class="badge">extranet</span>` : null}${u.bot ? html`<span class="badge">bot</span>` : null}${u.active === false ? html`<span class="badge">deactivated</span>` : null}</span></td>
              <td>${u.work_position || html`<span class="muted">—</span>`}</td>
              <td>${(u.departments || []).map((id) => names.get(id) || `#${id}`).join(', ')}</td>
              <td data-presence-text>${presenceOf(u)}</td>
            </tr>`)}
          </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled=${f.page === 0} onClick=${() => setF({ ...f, page: f.page - 1 })}>Previous</button>
          <span>Page ${f.page + 1} of ${pages}</span>
          <button type="button" disabled=${f.page + 1 >= pages} onClick=${() => setF({ ...f, page: f.page + 1 })}>Next</button>
        </nav>`}
  </section>`;
}
