/**
 * The extranet wall (CONTRACT §3, issue 9 finding 3): every registered method, called by an
 * extranet user with parameters that name hidden users, departments and groups, answers nothing
 * about them, and exactly what it answers when those ids do not exist at all.
 *
 * Hidden users and groups have ids 900..999, visible ones ids below 100, so a scan of the answer
 * text for a three-digit 9xx number finds every leak. Each call is made twice: with the hidden
 * ids, and with every 9xx replaced by 8xx (ids that do not exist). The second answer must not
 * mention any 9xx id, and both must be the same once 9xx/8xx are written alike (no oracle).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRegistry } from '../../src/methods/index.js';
import type { DirectoryFile, UserEntry } from '../../src/state/directory-file.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const CALLER = 10;
const VISIBLE = [1, 10, 11, 12, 13];

const person = (id: number, name: string, extra: Partial<UserEntry> = {}): UserEntry => ({
  id,
  login: `u${id}`,
  email: `u${id}@wall.test`,
  name,
  last_name: 'Common',
  work_position: 'Common role',
  departments: [],
  ...extra,
});

/** 1 admin, 10 the extranet caller, 11–13 visible through active group 1; 900+ hidden. */
export const WALL: DirectoryFile = {
  format: 'roster-directory',
  version: 1,
  departments: [
    { id: 1, name: 'Company', parent: null, head: 900 },
    { id: 2, name: 'Sales', parent: 1, head: 901 },
    { id: 3, name: 'Support', parent: 1, head: 11 },
  ],
  users: [
    person(1, 'Admin', { admin: true, departments: [1] }),
    person(CALLER, 'Xena', { type: 'extranet' }),
    person(11, 'Vera', { departments: [3] }),
    person(12, 'Owen', { departments: [2] }),
    person(13, 'Visbot', { external_auth_id: 'bot', bot: { code: 'visbot' } }),
    person(900, 'Hidden', { departments: [1] }),
    person(901, 'Hidden', { departments: [2] }),
    person(902, 'Hidbot', { external_auth_id: 'bot', bot: { code: 'hiddenbot' } }),
    person(903, 'Hidden', { departments: [2] }),
    person(904, 'Hidden', { departments: [3] }),
    person(905, 'Hidden', { type: 'extranet' }),
    person(906, 'Hidden', { departments: [3] }),
    person(907, 'Hidden', { departments: [3], active: false }),
  ],
  groups: [
    { id: 1, name: 'Partner Common', owner: 12, members: [1, CALLER, 11, 12, 13] },
    // the caller is a member, but the group is archived: it shows nothing any more
    { id: 950, name: 'Archived Common', owner: 903, active: false, members: [903, 904, CALLER] },
    { id: 951, name: 'Other Common', owner: 906, members: [905, 906] },
  ],
};

type Params = Record<string, unknown>;

/** Parameters for every method: each set is called as the extranet user. */
const CALLS: Record<string, Params[]> = {
  'app.info': [{}],
  batch: [
    {
      halt: 0,
      cmd: {
        a: 'im.user.get?ID=900',
        b: 'user.get?ID=901',
        c: 'department.get?UF_HEAD=900',
        d: 'sonet_group.user.get?ID=950',
        e: 'imbot.bot.list',
        f: 'im.user.list.get?ID[]=902&ID[]=903&ID[]=11',
        g: 'sonet_group.get?FILTER[OWNER_ID]=906',
        h: 'user.get?FILTER[ID][]=904&FILTER[ID][]=12',
      },
    },
  ],
  'department.add': [{ NAME: 'New', PARENT: 1, UF_HEAD: 900 }],
  'department.delete': [{ ID: 2 }],
  'department.fields': [{}],
  'department.get': [{}, { UF_HEAD: 900 }, { FILTER: { UF_HEAD: 901 } }, { ID: 2 }, { FILTER: { '>UF_HEAD': 0 } }],
  'department.update': [{ ID: 2, UF_HEAD: 900 }],
  'event.bind': [{ event: 'ONUSERADD', handler: 'http://127.0.0.1:9/h' }],
  'event.get': [{}],
  'event.offline.clear': [{ process_id: 'wall' }],
  'event.offline.error': [{ process_id: 'wall', message_id: [1] }],
  'event.offline.get': [{}],
  'event.offline.list': [{}],
  'event.test': [{}],
  'event.unbind': [{ event: 'ONUSERADD', handler: 'http://127.0.0.1:9/h' }],
  events: [{}, { full: true }],
  'im.department.colleagues.get': [{ USER_DATA: 'Y' }],
  'im.department.colleagues.list': [{}, { USER_DATA: 'Y' }],
  'im.department.employees.get': [{ ID: [1, 2, 3], USER_DATA: 'Y' }],
  'im.department.get': [{ ID: [1, 2, 3], USER_DATA: 'Y' }],
  'im.department.managers.get': [{ ID: [1, 2, 3], USER_DATA: 'Y' }],
  'im.revision.get': [{}],
  'im.search.department': [{ FIND: 'Sa', USER_DATA: 'Y' }],
  'im.search.department.list': [{ FIND: '', USER_DATA: 'Y' }],
  'im.search.user': [{ FIND: 'Common' }],
  'im.search.user.list': [{ FIND: 'Common' }, { FIND: '900' }, { FIND: 'Hidden' }, { FIND: 'Hidbot' }],
  'im.user.get': [{ ID: 900 }, { ID: 902 }, { ID: 905 }, { ID: 907 }, {}],
  'im.user.list.get': [{ ID: [900, 901, 902, 903, 904, 905, 906, 907, 11, 13] }, { ID: [904], RESULT_TYPE: 'array' }],
  'im.user.status.get': [{}],
  'im.user.status.idle.end': [{}],
  'im.user.status.idle.start': [{ AGO: 5 }],
  'im.user.status.set': [{ STATUS: 'online' }],
  'imbot.bot.list': [{}],
  'imbot.register': [{ CODE: 'wall', PROPERTIES: { NAME: 'Wall' } }],
  'imbot.unregister': [{ BOT_ID: 902 }],
  'method.get': [{ name: 'user.get' }],
  methods: [{}, { full: true }],
  profile: [{}],
  scope: [{}],
  'server.time': [{}],
  'sonet_group.create': [{ NAME: 'Mine' }],
  'sonet_group.get': [
    {},
    { FILTER: { OWNER_ID: 903 } },
    { FILTER: { OWNER_ID: 906 } },
    { FILTER: { ID: [950, 951, 1] } },
    { GROUP_ID: 950 },
    { FILTER: { ACTIVE: 'N' } },
    { ORDER: { NAME: 'ASC' } },
  ],
  'sonet_group.update': [{ GROUP_ID: 950, NAME: 'Renamed' }, { GROUP_ID: 951, NAME: 'Renamed' }],
  'sonet_group.delete': [{ GROUP_ID: 950 }, { GROUP_ID: 951 }],
  'sonet_group.user.add': [{ GROUP_ID: 950, USER_ID: [904] }],
  'sonet_group.user.delete': [{ GROUP_ID: 950, USER_ID: [904] }],
  'sonet_group.user.get': [{ ID: 1 }, { ID: 950 }, { ID: 951 }],
  'user.access': [{ ACCESS: ['U900', 'SG950_K', 'SG951_A', 'D1', 'DR1'] }],
  'user.add': [{ EMAIL: 'new@wall.test', UF_DEPARTMENT: [2] }],
  'user.admin': [{}],
  'user.current': [{}],
  'user.fields': [{}],
  'user.get': [
    {},
    { ID: 900 },
    { FILTER: { ID: [900, 901, 11] } },
    { UF_DEPARTMENT: 2 },
    { FILTER: { '>ID': 0 } },
    { FILTER: { '>=ID': 900 } },
    { ADMIN_MODE: true },
    { sort: 'ID', order: 'DESC' },
    { FILTER: { ACTIVE: false } },
  ],
  'user.search': [{ FIND: 'Common' }, { FIND: 'Hidden' }, { NAME: 'Hidden' }, { FILTER: { LAST_NAME: 'Common' } }],
  'user.update': [{ ID: 900, NAME: 'Changed' }],
};

/** Answers that hold the time of day: both calls run a moment apart, so only the scan applies. */
const UNSTABLE = new Set(['server.time']);

const HIDDEN_ID = /(?<![\w.])9\d\d(?![\w.])/g;
const toMissing = (text: string) => text.replace(/(?<![\w.])9(\d\d)(?![\w.])/g, '8$1');
const alike = (text: string) => text.replace(/(?<![\w.])[89](\d\d)(?![\w.])/g, 'N$1');

/** The body without timing blocks, which differ from call to call. */
function stable(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(stable);
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (k !== 'time' && k !== 'result_time') out[k] = stable(v);
  return out;
}

for (const engine of engines) {
  describe(`the extranet wall [${engine}]`, () => {
    let r: TestRoster;
    let hook: string;
    before(async () => {
      r = await startRoster({ engine, seed: WALL });
      hook = await r.hook(CALLER);
    });
    after(() => r.close());

    const answer = async (method: string, params: Params, as = hook) => {
      const res = await r.call(method, params, { hook: as });
      assert.ok(res.status < 500, `${method} ${JSON.stringify(params)}: ${res.status} ${res.text}`);
      return { status: res.status, text: JSON.stringify(stable(res.body)) };
    };

    it('has parameters for every registered method', () => {
      const registered = createRegistry().all().map((m) => m.name).sort();
      assert.deepEqual(Object.keys(CALLS).sort(), registered);
    });

    it('shows an intranet caller the hidden ids (the scan can fail)', async () => {
      const seen = (await answer('department.get', {}, r.admin)).text + (await answer('imbot.bot.list', {}, r.admin)).text;
      assert.deepEqual([...new Set(seen.match(HIDDEN_ID))].sort(), ['900', '901', '902']);
    });

    it('answers no method with a hidden id, and a hidden id exactly like a missing one', async () => {
      const leaks: string[] = [];
      for (const [method, sets] of Object.entries(CALLS)) {
        for (const params of sets) {
          const hidden = await answer(method, params);
          const missing = await answer(method, JSON.parse(toMissing(JSON.stringify(params))) as Params);
          const found = missing.text.match(HIDDEN_ID) ?? [];
          if (found.length) leaks.push(`${method} ${JSON.stringify(params)} shows ${[...new Set(found)].join(', ')}: ${missing.text}`);
          if (UNSTABLE.has(method)) continue;
          if (hidden.status !== missing.status || alike(hidden.text) !== alike(missing.text)) {
            leaks.push(`${method} ${JSON.stringify(params)} tells hidden from missing:\n  hidden  ${hidden.status} ${hidden.text}\n  missing ${missing.status} ${missing.text}`);
          }
        }
      }
      assert.deepEqual(leaks, []);
    });

    it('counts only what the caller sees', async () => {
      const people = JSON.parse((await answer('user.get', {})).text);
      assert.deepEqual([people.total, people.result.map((u: { ID: string }) => Number(u.ID))], [4, [1, 10, 11, 12]]);
      const groups = JSON.parse((await answer('sonet_group.get', {})).text);
      assert.deepEqual(groups.result.map((g: { ID: string; NUMBER_OF_MEMBERS: string }) => [g.ID, g.NUMBER_OF_MEMBERS]), [['1', '5']]);
      const members = JSON.parse((await answer('sonet_group.user.get', { ID: 1 })).text);
      assert.deepEqual(members.result.map((m: { USER_ID: string }) => Number(m.USER_ID)).sort((a: number, b: number) => a - b), VISIBLE);
      const bots = JSON.parse((await answer('imbot.bot.list', {})).text);
      assert.deepEqual(Object.keys(bots.result), ['13']);
      const structure = JSON.parse((await answer('department.get', { UF_HEAD: 11 })).text);
      assert.deepEqual([structure.result, structure.total], [[], 0]);
    });
  });
}
