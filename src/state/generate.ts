/**
 * A realistic, deterministic company for tests and benchmarks (`roster generate`): a department
 * tree 3 to 7 levels deep with heads (some heading several departments), people with names,
 * job titles and phone numbers from a dozen locales and scripts, birthdays, presence and
 * statuses, absences, bots, extranet partners in extranet groups. The same options always give
 * the same document: every choice comes from one seeded generator, and "now" is a fixed date.
 */
import { isSelectableColor, PALETTE } from '../directory/colors.js';
import {
  ABSENCE_REASONS, BOTS, COMPANIES, FUNCTIONS, LOCALES, PARTNERS, PATRONYMICS, PROJECTS, REGIONS, ROLES,
  type Func, type Locale, type RoleKey,
} from './generate-data.js';
import { FORMAT, VERSION, isoInstant, type FullDepartment, type FullDirectory, type FullGroup, type FullUser } from '../store/directory-format.js';

export interface GenerateOptions {
  users: number;
  departments: number;
  seed?: number;
  /** the day presence, absences and birthdays are relative to (YYYY-MM-DD) */
  today?: string;
}

export const DEFAULT_TODAY = '2026-11-16';

/** sfc32 seeded through splitmix32: fast, good enough, identical on every platform. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const DAY = 86400;
const asciiCache = new Map<string, string>();
const ascii = (s: string) => {
  let out = asciiCache.get(s);
  if (out === undefined) asciiCache.set(s, (out = toAscii(s)));
  return out;
};
const toAscii = (s: string) =>
  s
    .replace(/[łŁ]/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/[øØ]/g, 'o')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

export function generateCompany(options: GenerateOptions): FullDirectory {
  const userCount = Math.max(1, Math.floor(options.users));
  const departmentCount = Math.max(1, Math.floor(options.departments));
  const rnd = prng(options.seed ?? 42);
  const today = options.today ?? DEFAULT_TODAY;
  const todayStart = Date.parse(`${today}T00:00:00Z`) / 1000;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const chance = (p: number) => rnd() < p;
  const iso = (seconds: number) => isoInstant(seconds)!;
  const dayOf = (seconds: number) => iso(seconds).slice(0, 10);
  const digits = (pattern: string) => {
    let out = '';
    for (let i = 0; i < pattern.length; i++) out += pattern[i] === '#' ? String.fromCharCode(48 + Math.floor(rnd() * 10)) : pattern[i];
    return out;
  };

  const company = pick(COMPANIES);
  const domain = `${ascii(company.split(' ')[0]!)}.example`;
  const locales = new Map(LOCALES.map((l) => [l.code, l]));
  /** the mix of people where no region says otherwise: mostly the head office's */
  const globalMix: Locale[] = [
    ...Array<Locale>(6).fill(locales.get('en-US')!),
    ...Array<Locale>(3).fill(locales.get('de')!),
    ...LOCALES,
  ];

  // --- the tree ------------------------------------------------------------------------------
  interface Node {
    dept: FullDepartment;
    depth: number;
    func: Func | null;
    region: (typeof REGIONS)[number] | null;
    maxDepth: number;
    children: number;
    weight: number;
  }
  const nodes: Node[] = [{ dept: { id: 1, name: company, parent: null, sort: 500, head: null }, depth: 1, func: null, region: null, maxDepth: 7, children: 0, weight: 1 }];
  const divisions = Math.min(departmentCount - 1, Math.max(3, Math.min(FUNCTIONS.length, Math.round(Math.log2(departmentCount + 1) * 1.2))));
  const open: Node[] = [];
  const addNode = (parent: Node, name: string, func: Func | null, region: Node['region'], maxDepth: number) => {
    parent.children++;
    const node: Node = {
      dept: { id: nodes.length + 1, name, parent: parent.dept.id, sort: parent.children * 100, head: null },
      depth: parent.depth + 1,
      func,
      region,
      maxDepth,
      children: 0,
      weight: 0,
    };
    nodes.push(node);
    if (node.depth < maxDepth) open.push(node);
    return node;
  };
  for (let i = 0; i < divisions; i++) {
    const func = FUNCTIONS[i % FUNCTIONS.length]!;
    addNode(nodes[0]!, i < FUNCTIONS.length ? func.name : `${func.name} ${Math.floor(i / FUNCTIONS.length) + 1}`, func, null, int(3, 7));
  }
  const teamSuffix = ['Team', 'Team', 'Group', 'Squad', 'Unit'];
  while (nodes.length < departmentCount) {
    const parent = open.length ? pick(open) : nodes[0]!;
    const func = parent.func ?? pick(FUNCTIONS);
    let name: string;
    let region = parent.region;
    if (parent.depth === 2 && func.regional && parent.children < REGIONS.length) {
      region = REGIONS[(parent.children + parent.dept.id) % REGIONS.length]!;
      name = `${func.name} ${region.name}`;
    } else if (parent.depth === 2) {
      name = `${pick(func.teams)}`;
    } else {
      name = `${pick(func.teams)} ${pick(teamSuffix)}${parent.depth >= 4 ? ` ${parent.children + 1}` : ''}`;
    }
    addNode(parent, name, func, region, parent === nodes[0] ? int(3, 7) : parent.maxDepth);
  }

  // --- people --------------------------------------------------------------------------------
  const users: FullUser[] = [];
  const emails = new Map<string, number>();
  const nextId = () => users.length + 1;
  const uniqueLocal = (base: string) => {
    const n = (emails.get(base) ?? 0) + 1;
    emails.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  };
  const blankUser = (id: number): FullUser => ({
    id, login: '', email: '', active: true, admin: false, type: 'employee', external_auth_id: null, name: '', last_name: '',
    second_name: '', work_position: '', gender: '', birthday: null, photo: '', phones: { work: '', mobile: '', personal: '' },
    website: '', departments: [], status: 'online', color: null, idle_at: null, last_activity_at: null, mobile_last_at: null,
    desktop_last_at: null, date_register: null, updated_at: null, absences: [], bot: null, password_hash: null,
  });
  const colors = Object.keys(PALETTE).filter(isSelectableColor);

  /** A person from a locale, with everything but their job. */
  const person = (locale: Locale, mailDomain: string): FullUser => {
    const u = blankUser(nextId());
    const female = chance(0.5);
    const [first, firstLatin] = pick(female ? locale.female : locale.male).split('|') as [string, string?];
    const [lastNative, lastLatin] = pick(locale.last).split('|') as [string, string?];
    const genderForm = (s: string) => {
      const [m, f] = s.split('/');
      return female && f ? f : m!;
    };
    u.gender = female ? 'F' : 'M';
    u.name = first;
    u.last_name = genderForm(lastNative);
    const patronymics = PATRONYMICS[locale.code];
    if (patronymics && chance(0.7)) u.second_name = genderForm(pick(patronymics));
    const local = uniqueLocal(`${ascii(firstLatin ?? first)}.${ascii(genderForm(lastLatin ?? lastNative))}`);
    u.login = local;
    u.email = `${local}@${mailDomain}`;
    if (chance(0.9)) u.birthday = `${int(1960, 2004)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
    if (chance(0.7)) u.phones.work = digits(locale.work);
    if (chance(0.6)) u.phones.mobile = digits(locale.mobile);
    if (chance(0.05)) u.phones.personal = digits(locale.mobile);
    if (chance(0.35)) u.photo = `https://cdn.example.com/avatars/${local}.jpg`;
    if (chance(0.02)) u.website = `https://${local.replace(/\./g, '-')}.example.net`;
    if (chance(0.08)) u.color = pick(colors);
    const registered = todayStart - int(30, 11 * 365) * DAY + int(0, DAY - 1);
    u.date_register = iso(registered);
    u.updated_at = iso(Math.min(todayStart, registered + int(0, 700) * DAY));
    if (chance(0.97)) {
      const last = todayStart + 9 * 3600 - int(0, 14 * DAY);
      u.last_activity_at = iso(last);
      if (chance(0.6)) u.desktop_last_at = iso(last - int(0, 3600));
      if (chance(0.4)) u.mobile_last_at = iso(last - int(0, 2 * DAY));
      const s = rnd();
      u.status = s < 0.78 ? 'online' : s < 0.88 ? 'away' : s < 0.96 ? 'dnd' : 'break';
      if (u.status === 'away' || chance(0.05)) u.idle_at = iso(last + int(5, 60) * 60);
    }
    if (chance(0.05)) {
      const start = todayStart + int(-20, 40) * DAY;
      u.absences.push({ from: dayOf(start), to: dayOf(start + int(0, 20) * DAY), reason: pick(ABSENCE_REASONS) });
      if (chance(0.2)) {
        const later = start + int(30, 120) * DAY;
        u.absences.push({ from: dayOf(later), to: dayOf(later + int(0, 10) * DAY), reason: pick(ABSENCE_REASONS) });
      }
    }
    users.push(u);
    return u;
  };
  const localeOf = (node: Node): Locale => {
    if (node.region && chance(0.85)) return locales.get(pick(node.region.locales))!;
    return pick(globalMix);
  };
  /** A job title from the department's function, in the person's language where there is a translation. */
  const title = (node: Node, locale: Locale): string => {
    const role = ROLES[pick<RoleKey>(node.func?.roles ?? ['assistant'])];
    return role[locale.language] ?? role.en;
  };

  // 1: the administrator of a fresh database; 2: the chief executive, head of the company
  const admin = blankUser(1);
  Object.assign(admin, { login: 'admin', email: `admin@${domain}`, name: 'Admin', admin: true, departments: [1], date_register: iso(todayStart - 11 * 365 * DAY), updated_at: iso(todayStart - 11 * 365 * DAY) });
  users.push(admin);

  const extranetCount = userCount >= 40 ? Math.round(userCount * 0.025) : 0;
  const collaberCount = userCount >= 200 ? Math.round(userCount * 0.005) : 0;
  const botCount = userCount >= 10 ? Math.min(BOTS.length * 4, Math.max(1, Math.round(userCount * 0.001))) : 0;
  const employeeBudget = userCount - 1 - extranetCount - collaberCount - botCount;
  const headBudget = Math.max(0, Math.floor(employeeBudget * 0.5));
  const memberOf = (u: FullUser, node: Node) => {
    if (!u.departments.includes(node.dept.id)) u.departments.push(node.dept.id);
  };

  // heads, the tree top down; some managers head a sub-department too, a few posts are vacant
  let heads = 0;
  for (const node of nodes) {
    if (node.depth >= 3 && chance(0.03)) continue;
    const parentHead = node.dept.parent === null ? null : nodes[node.dept.parent - 1]!.dept.head;
    if (node.depth >= 3 && parentHead !== null && chance(0.06)) {
      node.dept.head = parentHead;
      memberOf(users[parentHead - 1]!, node);
      continue;
    }
    if (heads >= headBudget || users.length >= userCount) continue;
    const u = person(localeOf(node), domain);
    heads++;
    node.dept.head = u.id;
    memberOf(u, node);
    u.work_position =
      node.depth === 1 ? 'Chief Executive Officer' : node.depth === 2 ? `Director of ${node.dept.name}` : node.depth === 3 ? `Head of ${node.dept.name}` : 'Team Lead';
    u.active = true;
    if (node.depth <= 2) u.admin = node.depth === 1;
  }

  // bots: no departments, no presence
  for (let i = 0; i < botCount && users.length < userCount; i++) {
    const b = BOTS[i % BOTS.length]!;
    const round = Math.floor(i / BOTS.length);
    const u = blankUser(nextId());
    const code = round ? `${b.code}_${round + 1}` : b.code;
    Object.assign(u, {
      login: `bot_${code}`, email: `${code.replace(/_/g, '-')}-bot@${domain}`, name: b.name, last_name: round ? `${b.last} ${round + 1}` : b.last,
      work_position: b.position, external_auth_id: 'bot', color: pick(colors), date_register: iso(todayStart - int(30, 1500) * DAY),
    });
    u.updated_at = u.date_register;
    u.bot = { code, type: b.type, app_id: chance(0.5) ? `app.${int(10, 99)}` : '', openline: b.openline ?? false, hidden: chance(0.1) };
    users.push(u);
  }

  // employees, spread over departments unevenly (teams at the bottom are the biggest)
  const weights: number[] = [];
  let total = 0;
  for (const node of nodes) {
    node.weight = (0.4 + rnd() * 2) * (node.children === 0 ? 1.6 : node.depth === 1 ? 0.1 : 0.5);
    total += node.weight;
    weights.push(total);
  }
  const weightedNode = () => {
    const x = rnd() * total;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weights[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return nodes[lo]!;
  };
  const employeesEnd = userCount - extranetCount - collaberCount;
  while (users.length < employeesEnd) {
    const node = weightedNode();
    const locale = localeOf(node);
    const u = person(locale, domain);
    memberOf(u, node);
    u.work_position = title(node, locale);
    if (chance(0.03)) memberOf(u, weightedNode());
    if (chance(0.025)) {
      u.active = false;
      u.status = 'online';
      u.idle_at = null;
    }
    if (node.func?.name === 'IT' && chance(0.05)) u.admin = true;
  }

  // extranet partners and collaborators: no departments
  const partnerDomains = PARTNERS.map((p) => `${ascii(p)}.example`);
  const externals: FullUser[] = [];
  while (users.length < userCount) {
    const partner = int(0, partnerDomains.length - 1);
    const u = person(pick(globalMix), partnerDomains[partner]!);
    u.type = users.length >= userCount - collaberCount ? 'collaber' : 'extranet';
    u.work_position = `${pick(['Consultant', 'Account Manager', 'Engineer', 'Project Manager', 'Designer'])}, ${PARTNERS[partner]}`;
    externals.push(u);
  }

  // extranet groups: a project with a partner, run by an employee, with externals and employees
  const groups: FullGroup[] = [];
  const employees = users.filter((u) => u.type === 'employee' && !u.bot && u.active && u.departments.length);
  if (externals.length && employees.length) {
    const count = Math.max(1, Math.round(externals.length / 12));
    for (let g = 0; g < count; g++) {
      const owner = pick(employees);
      const partner = PARTNERS[g % PARTNERS.length]!;
      const members = new Set<number>([owner.id]);
      for (let k = int(2, 25); k > 0; k--) members.add(pick(employees).id);
      const moderators = chance(0.5) ? [pick([...members])] : [];
      groups.push({
        id: g + 1,
        name: `${PROJECTS[g % PROJECTS.length]}${g >= PROJECTS.length ? ` ${Math.floor(g / PROJECTS.length) + 1}` : ''} (with ${partner})`,
        description: `Extranet workspace shared with ${partner}`,
        owner: owner.id,
        active: chance(0.95),
        date_create: iso(todayStart - int(10, 900) * DAY),
        members: [...members],
        moderators,
      });
    }
    externals.forEach((u, i) => {
      groups[i % groups.length]!.members.push(u.id);
      if (chance(0.15)) pick(groups).members.push(u.id);
    });
    for (const g of groups) {
      g.members = [...new Set([...g.members, ...g.moderators])].sort((a, b) => a - b);
      g.moderators = [...new Set(g.moderators)].filter((m) => m !== g.owner).sort((a, b) => a - b);
    }
  }

  return { format: FORMAT, version: VERSION, departments: nodes.map((n) => n.dept), users, groups };
}
