// People: search as you type (the matching of im.search.user.list), filters and sorted pages,
// all done by the server over the whole directory (/people), live.
import { useEffect, useState } from '/_roster/console/vendor/hooks.js';
import { api } from './api.js';
import { allDepartments, forgetDepartments, isDirectoryChange } from './data.js';
import { Avatar, ErrorText, fullName, html, presenceOf, useLive } from './ui.js';

async function loadPage(f) {
  const p = new URLSearchParams({ kind: f.kind, active: f.active, sort: f.sort, order: f.order, page: String(f.page) });
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.department) p.set('department', f.department);
  const [departments, res] = await Promise.all([allDepartments(), api('GET', `/people?${p}`)]);
  return { users: res.users.filter(Boolean), total: res.total, pageSize: res.page_size, departments, query: res.words.length ? f.q.trim() : '' };
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
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const searching = [...f.q.trim()].length >= 2;
  const header = (key, label) => html`<th scope="col" aria-sort=${f.sort === key ? (f.order === 'ASC' ? 'ascending' : 'descending') : 'none'}>
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
        <select id="active" value=${f.active} onChange=${(e) => set({ active: e.currentTarget.value })}>
          <option value="active">Active</option><option value="inactive">Deactivated</option><option value="all">All</option>
        </select></div>
    </form>
    <${ErrorText} error=${error} />
    <p class="muted" role="status" aria-live="polite">${loading && !data ? 'Loading…' : data ? `${data.total} ${data.total === 1 ? 'person' : 'people'}${data.query ? ` match “${data.query}”` : ''}` : ''}</p>
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
