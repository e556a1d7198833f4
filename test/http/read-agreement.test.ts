/**
 * The read model agrees with the SQL path, byte for byte (issue #11): random directories from
 * the generator, random writes through REST, and every read method the model serves asked with a
 * spread of parameters by a spread of callers (intranet, extranet, bots, the admin), once through
 * a server answering from memory and once through a second server on the same database answering
 * from the store (`--reads sql`). Only the `time` blocks may differ.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoster, type Roster } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { generateCompany, prng } from '../../src/state/generate.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

/** The answer without its timing: `time`, and batch's `result_time`. */
const untimed = (text: string) =>
  text.replace(/,?"result_time":(\{(?:[^{}]|\{[^{}]*\})*\}|\[\])/g, '').replace(/,?"time":\{[^{}]*\}/g, '');

/** Words the random writes put into names, positions and department names (the searches look for them too). */
const WRITTEN = [
  'Mar', 'Марина', 'Müller', 'o\'Neil', 'Ann-Marie', 'Σοφία', 'Ünal', 'Kim', 'Léa', 'mar.tin',
  // sorting in code point order: characters beyond U+FFFF after those of U+E000..U+FFFF; case classes of three
  '𐐨𐐯 Deseret', 'ｱｲ Kana', 'ǅemal', 'ſtrauß', 'İpek', 'Zoë',
];

const SEEDS = [1, 7, 42, 1234, 99991].map((s) => s + Number(process.env.ROSTER_AGREEMENT_SEED ?? 0));

for (const engine of engines) {
  for (const [k, seed] of SEEDS.slice(0, engine === 'postgres' ? 2 : 3).entries()) {
    // --cache-users: everything serialized kept, a tiny LRU that churns, none kept
    const cacheUsers = [100_000, 3, 0][k]!;
    describe(`the read model agrees with the SQL path [${engine}, seed ${seed}, --cache-users ${cacheUsers}]`, () => {
      let memory: TestRoster;
      let sql: Roster;
      let sqlUrl: string;
      const rnd = prng(seed);
      const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
      const dir = generateCompany({ users: int(120, 260), departments: int(8, 30), seed });
      let userIds: number[] = [];
      let departmentIds: number[] = [];
      let names: string[] = [];
      let departmentNames: string[] = [];
      /** values of the user columns the list filters test, by filter field */
      let userValues: Record<string, unknown[]> = {};
      let groupNames: string[] = [];
      const hooks = new Map<string, string>();

      before(async () => {
        memory = await startRoster({ engine, seed: dir as never, config: { reads: 'memory', cacheUsers } });
        sql = await createRoster(testConfig({ db: memory.roster.app.config.db, host: '127.0.0.1', timezone: 'Europe/Berlin', limits: 'off', reads: 'sql' }));
        sqlUrl = await sql.listen();
      });
      after(async () => {
        await sql?.close();
        await memory?.close();
      });

      /** What both servers hold now, to pick parameters from. */
      async function survey() {
        const db = memory.roster.store.db;
        const users = await db.selectFrom('users').select(['id', 'name', 'last_name', 'work_position']).orderBy('id').execute();
        userIds = users.map((u) => u.id);
        names = users.flatMap((u) => [u.name, u.last_name, u.work_position]).filter(Boolean);
        const departments = await db.selectFrom('departments').select(['id', 'name']).execute();
        departmentIds = departments.map((d) => d.id);
        departmentNames = departments.map((d) => d.name);
        const all = await db.selectFrom('users').selectAll().execute();
        const iso = (seconds: number | null) => (seconds === null ? '2026-01-01' : new Date(seconds * 1000).toISOString());
        userValues = {
          NAME: all.map((u) => u.name),
          LAST_NAME: all.map((u) => u.last_name),
          SECOND_NAME: all.map((u) => u.second_name),
          EMAIL: all.map((u) => u.email),
          LOGIN: all.map((u) => u.login),
          WORK_POSITION: all.map((u) => u.work_position),
          PERSONAL_WWW: all.map((u) => u.website),
          PERSONAL_MOBILE: all.map((u) => u.personal_mobile),
          PERSONAL_PHONE: all.map((u) => u.personal_phone),
          WORK_PHONE: all.map((u) => u.work_phone),
          UF_DEPARTMENT_NAME: departmentNames,
          PERSONAL_BIRTHDAY: all.map((u) => u.birthday ?? '1990-01-01'),
          DATE_REGISTER: all.map((u) => iso(u.date_register)),
          TIMESTAMP_X: all.map((u) => iso(u.timestamp_x)),
          LAST_ACTIVITY_DATE: all.map((u) => iso(u.last_activity_at)),
          LAST_LOGIN: all.map((u) => iso(u.last_activity_at)),
        };
        groupNames = (await db.selectFrom('sonet_groups').select('name').execute()).map((g) => g.name);
      }

      /** A webhook of this user on both servers (the database is shared, so one secret serves both); all scopes, or only these. */
      async function hookOf(userId: number, scopes?: string[]): Promise<string> {
        const key = `${userId}:${scopes?.join(',') ?? '*'}`;
        if (!hooks.has(key)) hooks.set(key, new URL(await memory.hook(userId, scopes)).pathname);
        return hooks.get(key)!;
      }

      async function both(caller: number, method: string, params: Record<string, unknown>, scopes?: string[]) {
        const path = `${await hookOf(caller, scopes)}${method}`;
        const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) };
        const [a, b] = await Promise.all([fetch(`${memory.url}${path}`, init), fetch(`${sqlUrl}${path}`, init)]);
        const [ta, tb] = [await a.text(), await b.text()];
        const what = `${method} ${JSON.stringify(params)} as user ${caller}`;
        assert.equal(a.status, b.status, `${what}: status`);
        assert.equal(untimed(ta), untimed(tb), what);
        return { status: a.status, text: ta };
      }

      const ids = (n: number) => Array.from({ length: n }, () => (rnd() < 0.1 ? int(1, 99999) : pick(userIds)));
      const prefix = (text: string) => {
        const words = text.split(/[\s(/.,'"-]+/).filter(Boolean);
        const word = words.length ? pick(words) : text;
        return [...word].slice(0, int(2, 5)).join('');
      };
      const caseShuffle = (text: string) => [...text].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');

      // ---- the standard list methods: filters with every operator, orders, starts, and garbage ----

      const LONE = '\ud800';
      /** Values that are wrong or odd for any field: errors (both sides must give the same one) and edge cases. */
      const garbage = () =>
        pick<unknown>([
          '', ' ', '%', '%%', '_', '\\', '*', '?', '[', 'ß', 'SS', 'K', 'ǆ', `a${LONE}b`, LONE, '\ufffd', 'x'.repeat(256), 'a\u0001b',
          5, 5.5, -1, 0, true, false, null, [], {}, [[1]], { a: { b: 1 } }, ['a', 'b'], '12abc', ' 7 ', '2147483648', '1e3', 'Y', 'n',
        ]);
      /** A piece of a real value: whole, a word's start, a middle, with `%` put in, the case shuffled. */
      const textLike = (values: readonly unknown[]) => {
        const text = String(pick(values.length ? values : ['Mar']));
        const cps = [...text];
        const from = int(0, cps.length);
        return pick([
          () => text,
          () => caseShuffle(text),
          () => prefix(text),
          () => cps.slice(from, from + int(1, 4)).join(''),
          () => `${cps.slice(0, 2).join('')}%${cps.slice(-2).join('')}`,
          () => `%${cps.slice(from, from + 2).join('')}%`,
          () => caseShuffle(pick(WRITTEN)),
        ])();
      };
      const instantLike = (values: readonly unknown[]) => {
        const iso = String(pick(values.length ? values : ['2026-01-01']));
        return pick([
          () => iso,
          () => iso.slice(0, 10),
          () => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`,
          () => `${iso.slice(0, 19)}+03:00`,
          () => pick(['2024-02-30', '1985-06-15T25:00', 'yesterday']),
        ])();
      };
      const TEXT_OPS = ['', '=', '!', '!=', '%', '!%', '=%', '%=', '!=%', '!%=', '@', '!@'];
      const NUMBER_OPS = ['', '=', '!', '!=', '>', '>=', '<', '<=', '@', '!@'];
      const RARE_OPS = ['><', '!><', '?', '%', '>'];
      const many = <T>(one: () => T) => (rnd() < 0.25 ? Array.from({ length: int(0, 4) }, one) : one());

      /** One filter key (operator and field) and its value. */
      function userCondition(mode: 'get' | 'search'): [string, unknown] {
        const field = pick([
          'ID', 'ID', 'ACTIVE', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'EMAIL', 'LOGIN', 'WORK_POSITION', 'PERSONAL_WWW',
          'PERSONAL_MOBILE', 'PERSONAL_PHONE', 'WORK_PHONE', 'PERSONAL_GENDER', 'USER_TYPE', 'PERSONAL_BIRTHDAY',
          'DATE_REGISTER', 'TIMESTAMP_X', 'LAST_ACTIVITY_DATE', 'LAST_LOGIN', 'IS_ONLINE', 'UF_DEPARTMENT', 'UF_DEPARTMENT',
          'UF_DEPARTMENT_NAME', 'NAME_SEARCH', 'NAME_SEARCH', ...(mode === 'search' ? ['FIND', 'FIND'] : []), 'PERSONAL_CITY',
        ]);
        const spelled = rnd() < 0.1 ? field.toLowerCase() : field;
        if (rnd() < 0.07) return [`${pick(RARE_OPS)}${spelled}`, garbage()];
        let op: string;
        let value: () => unknown;
        switch (field) {
          case 'ID':
            op = pick(NUMBER_OPS);
            value = () => pick<unknown>([pick(userIds), pick(userIds), String(pick(userIds)), int(0, 400)]);
            break;
          case 'UF_DEPARTMENT':
            op = pick(NUMBER_OPS);
            value = () => pick<unknown>([pick(departmentIds), String(pick(departmentIds)), 0]);
            break;
          case 'ACTIVE':
            op = pick(['', '=', '!']);
            value = () => pick<unknown>(['Y', 'N', true, false, 1, '0']);
            break;
          case 'PERSONAL_GENDER':
            op = pick(['', '=', '!', '@', '!@']);
            value = () => pick(['M', 'f', '', 'F']);
            break;
          case 'USER_TYPE':
            op = pick(['', '=', '!', '@', '!@']);
            value = () => pick(['employee', 'EXTRANET', 'collaber', 'email']);
            break;
          case 'IS_ONLINE':
            op = pick(['', '=', '!']);
            value = () => pick<unknown>(['Y', 'N', 'y', true]);
            break;
          case 'PERSONAL_BIRTHDAY':
          case 'DATE_REGISTER':
          case 'TIMESTAMP_X':
          case 'LAST_ACTIVITY_DATE':
          case 'LAST_LOGIN':
            op = pick(NUMBER_OPS);
            value = () => instantLike(userValues[field]!);
            break;
          case 'NAME_SEARCH':
          case 'FIND':
            op = '';
            value = () =>
              pick([
                () => textLike(names),
                () => `${prefix(pick(names))} ${prefix(pick(names))}`,
                () => prefix(pick(departmentNames)),
                () => String(pick(userIds)),
                () => pick(['ma', 'Mar', 'ан', 'ü', '-x', 'a.', '%_', 'zz', 'ss', 'STRA', '𐑐', 'ｲ', 'ǆ', '  ', 'a b c d e f g h i j k']),
              ])();
            return [spelled, rnd() < 0.05 ? garbage() : value()];
          default:
            op = pick(TEXT_OPS);
            value = () => textLike(userValues[field] ?? names);
        }
        return [`${op}${spelled}`, rnd() < 0.06 ? garbage() : many(value)];
      }

      /** Where the filter goes: `filter`, `FILTER`, bare top-level keys, or both spellings at once. */
      function placeFilter(filter: Record<string, unknown>): Record<string, unknown> {
        return pick([
          () => ({ FILTER: filter }),
          () => ({ filter }),
          () => ({ ...filter }),
          () => ({ FILTER: filter, filter: { '>ID': int(0, 50) } }),
          () => (Object.keys(filter).length ? { FILTER: filter } : { FILTER: [] }),
        ])();
      }

      const direction = () => pick<unknown>(['ASC', 'desc', 'Asc', undefined, rnd() < 0.1 ? 'up' : 'DESC']);
      /** `sort` + `order`, `SORT` + `ORDER`, `order` as an object of up to three fields, or nothing. */
      function orderOf(fields: readonly string[], spellings: ('sort' | 'SORT' | 'object')[]): Record<string, unknown> {
        const field = () => (rnd() < 0.05 ? 'HACK' : rnd() < 0.15 ? pick(fields).toLowerCase() : pick(fields));
        const how = pick([...spellings, 'none'] as const);
        if (how === 'none') return rnd() < 0.3 ? { order: direction() } : {};
        if (how === 'object') return { [rnd() < 0.5 ? 'order' : 'ORDER']: Object.fromEntries(Array.from({ length: int(1, 3) }, () => [field(), direction()])) };
        if (how === 'SORT') return { SORT: field(), ORDER: direction() };
        return { sort: field(), order: direction() };
      }

      /** A start around a list of `n` rows: the first pages, page edges, the end, past it, the fast mode, intval's reading of text. */
      const start = (n: number) =>
        pick<unknown>([undefined, undefined, 0, 0, 1, 7, 49, 50, 51, 100, Math.floor(n / 2), n - 1, n + 5, -1, -1, '-1', '10abc', 'abc']);
      const USER_SORTABLE = [
        'ID', 'ACTIVE', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'EMAIL', 'LOGIN', 'WORK_POSITION', 'PERSONAL_WWW', 'PERSONAL_MOBILE',
        'PERSONAL_PHONE', 'WORK_PHONE', 'PERSONAL_GENDER', 'USER_TYPE', 'PERSONAL_BIRTHDAY', 'DATE_REGISTER', 'TIMESTAMP_X',
        'LAST_ACTIVITY_DATE', 'LAST_LOGIN', 'IS_ONLINE',
      ];

      function userList(mode: 'get' | 'search'): Record<string, unknown> {
        const filter = Object.fromEntries(Array.from({ length: pick([0, 1, 1, 1, 2, 3]) }, () => userCondition(mode)));
        const params: Record<string, unknown> = { ...placeFilter(filter), ...orderOf(USER_SORTABLE, ['sort', 'SORT', 'object']), start: start(userIds.length) };
        if (mode === 'search' && rnd() < 0.3) params.FIND = textLike(names);
        if (rnd() < 0.15) params.select = pick<unknown>([['ID', 'NAME'], ['*'], 'EMAIL,UF_DEPARTMENT', [], ['UF_*', 'IS_ONLINE']]);
        if (rnd() < 0.05) params.ADMIN_MODE = pick<unknown>(['Y', 'maybe']);
        return params;
      }

      function departmentList(): Record<string, unknown> {
        const fields = ['ID', 'NAME', 'SORT', 'PARENT', 'UF_HEAD'];
        const filter = Object.fromEntries(
          Array.from({ length: pick([0, 1, 1, 2]) }, () => {
            const field = pick([...fields, 'NAME', 'HEAD']);
            if (field === 'NAME') return [`${pick(TEXT_OPS)}NAME`, rnd() < 0.08 ? garbage() : many(() => textLike(departmentNames))];
            const value = () => pick<unknown>(field === 'ID' || field === 'PARENT' ? [pick(departmentIds), 0, String(pick(departmentIds))] : field === 'SORT' ? [500, 100, '500', 0] : [pick(userIds), 0]);
            return [`${pick(NUMBER_OPS)}${field}`, rnd() < 0.08 ? garbage() : many(value)];
          }),
        );
        const params: Record<string, unknown> = { ...placeFilter(filter), ...orderOf(fields, ['sort', 'SORT', 'object']) };
        if (rnd() < 0.2) params.SORT = pick<unknown>([500, '100', 'NAME', 'sort']);
        if (rnd() < 0.3) params.START = start(departmentIds.length);
        else params.start = start(departmentIds.length);
        return params;
      }

      function groupList(): Record<string, unknown> {
        const fields = ['ID', 'NAME', 'OWNER_ID', 'ACTIVE', 'DATE_CREATE'];
        const filter = Object.fromEntries(
          Array.from({ length: pick([0, 1, 1, 2]) }, () => {
            const field = pick(fields);
            if (field === 'NAME') return [`${pick(TEXT_OPS)}NAME`, rnd() < 0.08 ? garbage() : many(() => textLike(groupNames))];
            if (field === 'ACTIVE') return [pick(['', '!']) + field, pick<unknown>(['Y', 'N', true])];
            if (field === 'DATE_CREATE') return [`${pick(NUMBER_OPS)}${field}`, instantLike(['2026-01-01T10:00:00Z', new Date().toISOString()])];
            return [`${pick(NUMBER_OPS)}${field}`, rnd() < 0.08 ? garbage() : many(() => pick<unknown>([int(1, 8), pick(userIds), String(int(1, 8))]))];
          }),
        );
        const params: Record<string, unknown> = { FILTER: filter, ...orderOf(fields, ['object']), start: start(groupNames.length) };
        if (params.order) params.ORDER = params.order;
        if (rnd() < 0.1) params.GROUP_ID = pick<unknown>([int(1, 8), 'x']);
        if (rnd() < 0.05) params.IS_ADMIN = 'Y';
        return params;
      }

      /** A query string for a batch command (PHP brackets), as SDKs write them. */
      const query = (params: Record<string, unknown>): string => {
        const parts: string[] = [];
        const walk = (value: unknown, key: string) => {
          if (value === undefined) return;
          if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${key}[${k}]`);
          // a URL cannot carry a lone surrogate: it travels as U+FFFD, as the drivers store it
          else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value === null ? '' : String(value).replace(/[\ud800-\udfff]/g, '\ufffd'))}`);
        };
        for (const [k, v] of Object.entries(params)) walk(v, k);
        return parts.join('&');
      };

      /** user.get, user.search, department.get and sonet_group.get, alone and in batch, by every kind of caller. */
      async function lists(rounds: number) {
        await survey();
        const db = memory.roster.store.db;
        const special = await db.selectFrom('users').select('id').where((eb) => eb.or([eb('user_type', '!=', 'employee'), eb('external_auth_id', 'is not', null)])).execute();
        const extranet = await db.selectFrom('users').select('id').where('user_type', '!=', 'employee').execute();
        // half of them people inside the company, who see rows; bots and extranet users, who see few or none
        const callers = [1, pick(userIds), pick(userIds), pick(userIds), ...special.map((u) => u.id).slice(0, 2), ...extranet.map((u) => u.id).slice(-2)];
        let answered = 0;
        let rows = 0;
        let calls = 0;
        for (let i = 0; i < rounds; i++) {
          const caller = pick(callers);
          const scopes = pick([undefined, undefined, undefined, ['user_brief', 'department', 'sonet_group'], ['user_basic']]);
          const requests: [string, Record<string, unknown>][] = [
            ['user.get', userList('get')],
            ['user.get', userList('get')],
            ['user.search', userList('search')],
            ['user.get', { start: -1, order: { ID: 'ASC' }, filter: { '>ID': pick([0, ...userIds]) } }],
            // the written words, whose case classes hold more than upper and lower case (ſ s S, ς σ Σ, ǅ ǆ Ǆ, K k K)
            [
              'user.get',
              {
                FILTER: { [`${pick(['%', '%', '', '=', '!%'])}${pick(['NAME', 'LAST_NAME'])}`]: WRITTEN.map((w) => [...caseShuffle(w)].slice(0, int(2, 5)).join('')) },
                order: { NAME: 'DESC' },
              },
            ],
            ['user.search', { FIND: caseShuffle(prefix(pick(WRITTEN))), FILTER: { [pick(['NAME', 'LAST_NAME', '!NAME'])]: caseShuffle(prefix(pick(WRITTEN))) } }],
            // both ends of a text order, where the written words sort
            ['user.get', { order: { [pick(['NAME', 'LAST_NAME'])]: pick(['ASC', 'DESC']) }, start: pick([0, userIds.length - 50]) }],
            ['department.get', departmentList()],
            ['sonet_group.get', groupList()],
            [
              'batch',
              {
                halt: 0,
                cmd: {
                  a: `user.get?${query(userList('get'))}`,
                  b: 'user.get?start=$next[a]',
                  c: `department.get?${query(departmentList())}`,
                  d: `sonet_group.get?${query(groupList())}`,
                  e: `user.search?${query(userList('search'))}`,
                  f: 'user.get?FILTER[ID]=$result[a][0][ID]',
                },
              },
            ],
          ];
          for (const [method, params] of requests) {
            const { status, text } = await both(caller, method, params, scopes);
            calls++;
            if (status === 200) answered++;
            // a page of rows (user.get, department.get and sonet_group.get rows all start with their ID), alone or in a batch
            if (text.includes('[{"ID":"')) rows++;
          }
        }
        // not a vacuous agreement: most calls answer, many of them with rows
        assert.ok(answered > calls * 0.5, `only ${answered} of ${calls} answers were 200`);
        assert.ok(rows > calls * 0.25, `only ${rows} of ${calls} answers held rows`);
      }

      /** Every read the model serves, with parameters drawn from what the directory holds. */
      async function reads(rounds: number) {
        await survey();
        const db = memory.roster.store.db;
        const special = await db.selectFrom('users').select(['id', 'user_type', 'external_auth_id']).where((eb) => eb.or([eb('user_type', '!=', 'employee'), eb('external_auth_id', 'is not', null)])).execute();
        const callers = [1, ...special.map((u) => u.id).slice(0, 4), pick(userIds), pick(userIds)];
        let answered = 0;
        for (let i = 0; i < rounds; i++) {
          const caller = pick(callers);
          const limit = pick([undefined, 0, 1, 5, 10, 50]);
          const offset = pick([undefined, 0, 3, 10, 200]);
          const find = pick([
            () => caseShuffle(prefix(pick(names))),
            () => `${prefix(pick(names))} ${prefix(pick(names))}`,
            () => prefix(pick(departmentNames)),
            () => String(pick(userIds)),
            () => pick(['ma', 'Mar', 'ан', 'ü', '-x', 'a.', '%_', 'zz']),
          ])();
          const calls: [string, Record<string, unknown>][] = [
            ['im.user.list.get', { ID: ids(int(1, 60)), ...(rnd() < 0.3 ? { AVATAR_HR: 'Y' } : {}), ...(rnd() < 0.3 ? { RESULT_TYPE: 'array' } : {}) }],
            ['im.user.get', rnd() < 0.2 ? {} : { ID: pick(ids(1)) }],
            ['im.department.colleagues.list', { USER_DATA: pick(['Y', 'N']), LIMIT: limit, OFFSET: offset }],
            ['im.department.get', { ID: [pick(departmentIds), pick(departmentIds), 99999], USER_DATA: pick(['Y', 'N']) }],
            ['im.department.employees.get', { ID: [pick(departmentIds), pick(departmentIds)], USER_DATA: pick(['Y', 'N']) }],
            ['im.department.managers.get', { ID: [pick(departmentIds), pick(departmentIds)], USER_DATA: pick(['Y', 'N']) }],
            ['im.search.user.list', { FIND: find, LIMIT: limit, OFFSET: offset, ...(rnd() < 0.2 ? { AVATAR_HR: 'Y' } : {}) }],
            ['im.search.user.list', { FIND: caseShuffle([...pick(WRITTEN)].slice(0, int(2, 4)).join('')), LIMIT: 50 }],
            ['im.search.department.list', { FIND: rnd() < 0.2 ? '' : prefix(pick(departmentNames)), USER_DATA: pick(['Y', 'N']), LIMIT: limit, OFFSET: offset }],
            ['batch', { halt: 0, cmd: Object.fromEntries(ids(int(1, 8)).map((id, k) => [`u${k}`, `im.user.get?ID=${id}`])) }],
            ['user.get', { FILTER: { ACTIVE: pick([true, false]) }, start: pick([0, 50]) }],
            ['user.current', {}],
            ['department.get', { sort: 'NAME' }],
            ['sonet_group.get', {}],
            ['sonet_group.user.get', { ID: int(1, 7) }],
          ];
          for (const [method, params] of calls) if ((await both(caller, method, params)).status === 200) answered++;
        }
        // not a vacuous agreement: most calls answer data
        assert.ok(answered > rounds * 6, `only ${answered} answers were 200`);
        // the LRU holds no more users' serialized objects than --cache-users allows
        assert.ok(memory.roster.app.read!.serializedUsers() <= cacheUsers, `${memory.roster.app.read!.serializedUsers()} users serialized`);
      }

      let wordsWritten = false;
      /** Random writes through REST on the memory server: every kind of change the model follows. */
      async function writes(count: number) {
        await survey();
        const admin = memory.admin;
        const call = (method: string, params: Record<string, unknown>, hook = admin) => memory.call(method, params, { hook });
        if (!wordsWritten) {
          // every written word in a name once, so that orders and matches meet each of them
          wordsWritten = true;
          for (const [k, word] of WRITTEN.entries()) await call('user.update', { ID: userIds[(k * 7 + 3) % userIds.length], [k % 2 ? 'NAME' : 'LAST_NAME']: word });
        }
        const word = () => pick(WRITTEN);
        for (let i = 0; i < count; i++) {
          const user = pick(userIds);
          const department = pick(departmentIds);
          const writes: (() => Promise<unknown>)[] = [
            () => call('user.update', { ID: user, NAME: word(), WORK_POSITION: `${word()} ${word()}` }),
            () => call('user.update', { ID: user, ACTIVE: pick(['Y', 'N']) }),
            () =>
              call('user.update', {
                ID: user,
                LAST_NAME: word(),
                SECOND_NAME: pick(['', word()]),
                PERSONAL_GENDER: pick(['M', 'F', '']),
                PERSONAL_BIRTHDAY: pick(['', '1985-06-15', '2001-12-31', '1970-01-01']),
                WORK_PHONE: pick(['', '+49 30 1234', '+1 (555) 0100']),
                PERSONAL_WWW: pick(['', 'https://example.com/ä', 'http://Example.org']),
              }),
            () => call('user.update', { ID: user, UF_DEPARTMENT: [department, pick(departmentIds)] }),
            () => call('user.add', { EMAIL: `agree${seed}.${i}.${int(0, 1e6)}@example.com`, NAME: word(), LAST_NAME: word(), UF_DEPARTMENT: [department] }),
            () => call('user.add', { EMAIL: `ext${seed}.${i}.${int(0, 1e6)}@example.com`, NAME: word(), EXTRANET: 'Y', SONET_GROUP_ID: [int(1, 5)] }),
            () => call('department.add', { NAME: `${word()} ${i}`, PARENT: department, UF_HEAD: rnd() < 0.5 ? user : undefined }),
            () => call('department.update', { ID: department, NAME: `${word()} dept`, UF_HEAD: pick([user, 0]) }),
            () => call('department.delete', { ID: department }),
            () => call('sonet_group.create', { NAME: `${word()} group` }),
            () => call('sonet_group.user.add', { GROUP_ID: int(1, 6), USER_ID: [user, pick(userIds)] }),
            () => call('sonet_group.user.delete', { GROUP_ID: int(1, 6), USER_ID: [user] }),
            () => call('sonet_group.update', { GROUP_ID: int(1, 6), ACTIVE: pick(['Y', 'N']) }),
            async () => call('im.user.status.set', { STATUS: pick(['online', 'dnd', 'away']) }, await memory.as(user)),
            () => call('imbot.register', { CODE: `bot${seed}x${i}`, TYPE: 'B', EVENT_HANDLER: 'https://bots.example.com/h', PROPERTIES: { NAME: word() } }),
          ];
          await pick(writes)();
        }
        const bots = await memory.roster.store.db.selectFrom('bots').select('user_id').execute();
        if (bots.length) await call('imbot.unregister', { BOT_ID: pick(bots).user_id });
      }

      it('on the generated directory', async () => {
        await reads(12);
        await lists(25);
      });

      it('after random writes of every kind', async () => {
        for (let round = 0; round < 3; round++) {
          await writes(15);
          await reads(6);
          await lists(12);
        }
      });
    });
  }
}

for (const engine of engines) {
  describe(`the search index follows writes [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r?.close());

    const found = async (FIND: string) => Object.keys((await r.call('im.search.user.list', { FIND })).body.result);

    it('finds a renamed user by the new name and no longer by the old one, department renames too', async () => {
      assert.deepEqual(await found('Zyxwv'), []);
      const before = await found('olivia');
      assert.ok(before.includes('2'), JSON.stringify(before));
      assert.equal((await r.call('user.update', { ID: 2, NAME: 'Zyxwvu' })).status, 200);
      assert.deepEqual(await found('zyxw'), ['2']);
      assert.ok(!(await found('olivia')).includes('2'));
      assert.equal((await r.call('user.update', { ID: 2, WORK_POSITION: 'Ärztin' })).status, 200);
      assert.deepEqual(await found('ÄRZT'), ['2']);
      assert.equal((await r.call('department.update', { ID: 2, NAME: 'Qwertz Office' })).status, 200);
      assert.ok((await found('qwer')).includes('2'));
      assert.deepEqual(await found('zyxw'), ['2']);
    });
  });
}
