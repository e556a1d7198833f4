// Directory reads shared by the pages: registered REST methods (api.call), and the console's own
// directory reads where no method answers in one call (/people, /departments).
import { api, call } from './api.js';

/** A department as the console's /departments lists it. */
const department = (d) => ({ id: d.id, name: d.name, sort: d.sort, parent: d.parent, head: d.head, members: d.members });

let departmentsCache;
/** Every department with its count of active members, in one request; cached until a department changes. */
export async function allDepartments() {
  departmentsCache ??= api('GET', '/departments').then((res) => res.departments.map(department), (err) => {
    departmentsCache = undefined;
    throw err;
  });
  return departmentsCache;
}
export const forgetDepartments = () => {
  departmentsCache = undefined;
};

/** im user objects by id, in the order asked, through im.user.list.get (50 at a time). */
export async function imUsers(ids) {
  const out = new Map();
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50);
    if (!chunk.length) continue;
    const res = await call('im.user.list.get', { ID: chunk });
    for (const u of Object.values(res.result || {})) if (u) out.set(u.id, u);
  }
  return ids.map((id) => out.get(Number(id))).filter(Boolean);
}

/** The tree: children by parent id, in structure order (SORT, then id). */
export function treeOf(departments) {
  const children = new Map();
  for (const d of departments) {
    const list = children.get(d.parent) || [];
    list.push(d);
    children.set(d.parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.sort - b.sort || a.id - b.id);
  const ids = new Set(departments.map((d) => d.id));
  const roots = departments.filter((d) => d.parent === null || !ids.has(d.parent)).sort((a, b) => a.sort - b.sort || a.id - b.id);
  return { roots, children: (id) => children.get(id) || [], byId: new Map(departments.map((d) => [d.id, d])) };
}

export const isDirectoryChange = (r) => /^(user|bot|department|directory|group)\./.test(r.kind);
export const isDepartmentChange = (r) => /^(department|directory)\./.test(r.kind);
