// Org chart: the department tree in structure order, heads and member counts, expandable; a
// department's page shows its head, members and sub-departments with the path to the root.
import { useEffect, useRef, useState } from '/_roster/console/vendor/hooks.js';
import { call } from './api.js';
import { allDepartments, forgetDepartments, imUsers, isDepartmentChange, isDirectoryChange, treeOf } from './data.js';
import { Avatar, ErrorText, fullName, html, useLive } from './ui.js';

async function loadTree() {
  // every department with its member count in one request: a company of 5,000 departments is one answer, not 200
  forgetDepartments();
  const departments = await allDepartments();
  return { tree: treeOf(departments), counts: new Map(departments.map((d) => [d.id, d.members])) };
}

/** The departments on screen: the roots, and the children of every expanded one that is on screen. */
function onScreen(tree, open) {
  const out = [];
  const walk = (list) => {
    for (const d of list) {
      out.push(d);
      if (open.has(d.id)) walk(tree.children(d.id));
    }
  };
  walk(tree.roots);
  return out;
}

/**
 * The user objects of the heads of the departments on screen, fetched as they come on screen
 * (im.user.list.get, 50 at a time) and all again when the directory changed: the chart never
 * loads more people than it shows.
 */
function useHeads(data, open) {
  const [heads, setHeads] = useState(new Map());
  const fetchedFor = useRef(null);
  const shown = data ? [...new Set(onScreen(data.tree, open).map((d) => d.head).filter(Boolean))] : [];
  const changed = fetchedFor.current !== data;
  const wanted = changed ? shown : shown.filter((id) => !heads.has(id));
  const key = `${wanted.join(',')}|${changed}`;
  useEffect(() => {
    if (!data) return undefined;
    fetchedFor.current = data;
    if (!wanted.length) return undefined;
    let alive = true;
    imUsers(wanted).then((users) => {
      if (!alive) return;
      setHeads((old) => {
        const next = new Map(old);
        for (const id of wanted) next.set(id, null);
        for (const u of users) next.set(u.id, u);
        return next;
      });
    }, () => undefined);
    return () => {
      alive = false;
    };
  }, [data, key]);
  return heads;
}

function Node({ d, data, heads, open, toggle }) {
  const kids = data.tree.children(d.id);
  const expanded = open.has(d.id);
  const head = d.head ? heads.get(d.head) : undefined;
  const count = data.counts.get(d.id) ?? 0;
  return html`<li>
    <div class="node">
      ${kids.length
        ? html`<button type="button" class="toggle" aria-expanded=${String(expanded)} aria-label=${`${expanded ? 'Collapse' : 'Expand'} ${d.name}`} onClick=${() => toggle(d.id)}>${expanded ? '−' : '+'}</button>`
        : html`<span class="spacer"></span>`}
      <a href=${`#/org/${d.id}`}>${d.name}</a>
      <span class="badge">${count} ${count === 1 ? 'member' : 'members'}</span>
      ${head ? html`<span class="person muted"><${Avatar} user=${head} /> ${fullName(head)}</span>` : d.head ? null : html`<span class="muted">no head</span>`}
    </div>
    ${kids.length && expanded ? html`<ul>${kids.map((k) => html`<${Node} key=${k.id} d=${k} data=${data} heads=${heads} open=${open} toggle=${toggle} />`)}</ul>` : null}
  </li>`;
}

function Department({ id }) {
  const { data, error } = useLive(
    async () => {
      const departments = await allDepartments();
      const tree = treeOf(departments);
      const d = tree.byId.get(id);
      if (!d) return { missing: true };
      const path = [];
      for (let p = d, guard = 0; p && guard < 100; p = tree.byId.get(p.parent), guard++) path.unshift(p);
      const res = await call('im.department.employees.get', { ID: [id], USER_DATA: 'Y' });
      const members = Object.values(res.result?.[id] || res.result?.[String(id)] || []);
      const head = d.head ? (await imUsers([d.head]))[0] : undefined;
      return { d, path, members, head, kids: tree.children(id) };
    },
    [id],
    (r) => {
      if (isDepartmentChange(r)) forgetDepartments();
      return isDirectoryChange(r);
    },
  );
  if (error) return html`<${ErrorText} error=${error} />`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  if (data.missing) return html`<p class="empty">There is no department ${id}. <a href="#/org">Back to the org chart</a></p>`;
  const { d, path, members, head, kids } = data;
  return html`<section aria-labelledby="dep-title">
    <nav aria-label="Path to the root"><ol class="crumbs"><li><a href="#/org">Org chart</a></li>
      ${path.map((p) => html`<li>${p.id === d.id ? html`<span aria-current="page">${p.name}</span>` : html`<a href=${`#/org/${p.id}`}>${p.name}</a>`}</li>`)}</ol></nav>
    <h1 id="dep-title">${d.name}</h1>
    <div class="grid2">
      <div class="panel"><h2>Head</h2>
        ${head ? html`<p class="person"><${Avatar} user=${head} /> <a href=${`#/user/${head.id}`}>${fullName(head)}</a> <span class="muted">${head.work_position}</span></p>` : html`<p class="empty">No head</p>`}
        <h2>Sub-departments</h2>
        ${kids.length ? html`<ul>${kids.map((k) => html`<li><a href=${`#/org/${k.id}`}>${k.name}</a></li>`)}</ul>` : html`<p class="empty">No sub-departments</p>`}
      </div>
      <div class="panel"><h2>Members (${members.length})</h2>
        ${members.length
          ? html`<ul class="tree">${members.map((u) => html`<li class="person" key=${u.id}><${Avatar} user=${u} /> <a href=${`#/user/${u.id}`}>${fullName(u)}</a> <span class="muted">${u.work_position}</span></li>`)}</ul>`
          : html`<p class="empty">Nobody in this department</p>`}
      </div>
    </div>
  </section>`;
}

export function OrgPage({ id }) {
  const [open, setOpen] = useState(new Set());
  const { data, error } = useLive(loadTree, [], (r) => {
    if (isDepartmentChange(r)) forgetDepartments();
    return isDirectoryChange(r);
  });
  const heads = useHeads(id ? null : data, open);
  if (id) return html`<${Department} id=${Number(id)} />`;
  const toggle = (d) => setOpen((old) => {
    const next = new Set(old);
    if (next.has(d)) next.delete(d);
    else next.add(d);
    return next;
  });
  const all = () => setOpen(new Set(data.tree.roots.length ? [...data.tree.byId.keys()] : []));
  return html`<section aria-labelledby="org-title">
    <h1 id="org-title">Org chart</h1>
    <${ErrorText} error=${error} />
    ${!data ? html`<p class="muted">Loading…</p>` : data.tree.roots.length === 0 ? html`<p class="empty">No departments yet.</p>` : html`
      <p class="row"><button type="button" onClick=${all}>Expand all</button><button type="button" onClick=${() => setOpen(new Set())}>Collapse all</button></p>
      <div class="panel"><ul class="tree" aria-label="Departments">${data.tree.roots.map((d) => html`<${Node} key=${d.id} d=${d} data=${data} heads=${heads} open=${open} toggle=${toggle} />`)}</ul></div>`}
  </section>`;
}
