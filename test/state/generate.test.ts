/** roster generate's company: deterministic, valid, and shaped like a real one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCompany, prng } from '../../src/state/generate.js';
import { directoryToJson } from '../../src/state/serialize.js';
import { validateDirectory } from '../../src/state/validate.js';

describe('generateCompany', () => {
  const dir = generateCompany({ users: 3000, departments: 200, seed: 42 });

  it('is deterministic: the same options give the same document, another seed another one', () => {
    const again = generateCompany({ users: 3000, departments: 200, seed: 42 });
    assert.equal(directoryToJson(again), directoryToJson(dir));
    const other = generateCompany({ users: 3000, departments: 200, seed: 43 });
    assert.notEqual(directoryToJson(other), directoryToJson(dir));
  });

  it('seeded generator: same sequence for the same seed, numbers in [0, 1)', () => {
    const a = prng(7);
    const b = prng(7);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.ok(new Set(xs).size > 990);
  });

  it('has exactly the sizes asked for and validates, in canonical form', () => {
    assert.equal(dir.users.length, 3000);
    assert.equal(dir.departments.length, 200);
    const { problems, directory } = validateDirectory(JSON.parse(directoryToJson(dir)), { mode: 'replace' });
    assert.deepEqual(problems, []);
    assert.deepEqual(directory, dir, 'what validation makes of it is the document itself');
  });

  it('builds a tree 3 to 7 levels deep under one root', () => {
    const depth = new Map<number, number>();
    for (const d of dir.departments) depth.set(d.id, d.parent === null ? 1 : depth.get(d.parent)! + 1);
    const depths = [...depth.values()];
    assert.equal(depths.filter((x) => x === 1).length, 1);
    assert.ok(Math.max(...depths) >= 3 && Math.max(...depths) <= 7, `max depth ${Math.max(...depths)}`);
    // branches end at different depths
    const leaves = dir.departments.filter((d) => !dir.departments.some((c) => c.parent === d.id)).map((d) => depth.get(d.id)!);
    assert.ok(new Set(leaves).size >= 3);
  });

  it('gives departments heads who are members, some heading several departments, a few posts vacant', () => {
    const users = new Map(dir.users.map((u) => [u.id, u]));
    const headed = new Map<number, number>();
    for (const d of dir.departments) {
      if (d.head === null) continue;
      assert.ok(users.get(d.head)!.departments.includes(d.id));
      headed.set(d.head, (headed.get(d.head) ?? 0) + 1);
    }
    assert.ok([...headed.values()].some((n) => n >= 2), 'a manager heads several departments');
    assert.ok(dir.departments.some((d) => d.head === null));
    assert.equal(dir.departments[0]!.head, 2);
    assert.equal(users.get(2)!.work_position, 'Chief Executive Officer');
    assert.equal(users.get(1)!.login, 'admin');
  });

  it('mixes languages and scripts in names, titles and phone numbers', () => {
    const names = dir.users.map((u) => `${u.name} ${u.last_name}`).join(' ');
    assert.match(names, /[а-яА-Я]/, 'Cyrillic');
    assert.match(names, /[\u4e00-\u9fff]/, 'Han');
    assert.match(names, /[äöüßéñłç]/, 'Latin with accents');
    const titles = new Set(dir.users.map((u) => u.work_position));
    assert.ok([...titles].some((t) => /[а-я]/.test(t)) && [...titles].some((t) => /Softwareentwickler|Vertriebsleiter|Buchhalter/.test(t)));
    const prefixes = new Set(dir.users.map((u) => /^\+\d+/.exec(u.phones.work || u.phones.mobile)?.[0]).filter(Boolean));
    assert.ok(prefixes.size >= 8, [...prefixes].join(' '));
    assert.ok(dir.users.every((u) => /^[a-z0-9._-]+@[a-z0-9.-]+$/.test(u.email)), 'e-mails are ASCII');
    assert.ok(dir.users.some((u) => u.second_name !== ''), 'patronymics');
  });

  it('has bots, extranet users in extranet groups, statuses, absences and birthdays', () => {
    const bots = dir.users.filter((u) => u.bot);
    assert.ok(bots.length >= 3);
    assert.ok(bots.every((b) => b.external_auth_id === 'bot' && b.departments.length === 0));
    const externals = dir.users.filter((u) => u.type !== 'employee');
    assert.ok(externals.length > 50 && externals.every((u) => u.departments.length === 0));
    const members = new Set(dir.groups.flatMap((g) => g.members));
    assert.ok(externals.every((u) => members.has(u.id)), 'every extranet user is in an extranet group');
    assert.deepEqual(new Set(dir.users.map((u) => u.status)), new Set(['online', 'away', 'dnd', 'break']));
    assert.ok(dir.users.filter((u) => u.absences.length).length > 50);
    assert.ok(dir.users.filter((u) => u.birthday).length > 2500);
    assert.ok(dir.users.some((u) => !u.active));
    assert.ok(dir.users.some((u) => u.color));
  });

  it('copes with tiny and lopsided sizes', () => {
    for (const [users, departments] of [[1, 1], [2, 10], [5, 3], [50, 1], [20, 60]] as const) {
      const small = generateCompany({ users, departments, seed: 1 });
      assert.equal(small.users.length, users);
      assert.equal(small.departments.length, departments);
      assert.deepEqual(validateDirectory(small, { mode: 'replace' }).problems, [], `${users}/${departments}`);
    }
  });
});
