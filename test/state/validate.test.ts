/** Validation of directory documents: one test per kind of problem, every problem reported, paths and lines. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { DEMO_SEED } from '../../src/state/directory.js';
import { USER_FIELDS, DEPARTMENT_FIELDS, GROUP_FIELDS, type FullDirectory } from '../../src/store/directory-format.js';
import { generateCompany } from '../../src/state/generate.js';
import { directoryToJson } from '../../src/state/serialize.js';
import { jsonSource } from '../../src/state/source.js';
import { validateDirectory, type ProblemCode } from '../../src/state/validate.js';

type Doc = { departments: any[]; users: any[]; groups: any[]; [k: string]: unknown };

/** A small valid company: a root, Sales and Sales EU, five users (one extranet, one bot), one group. */
function company(): Doc {
  return {
    format: 'roster-directory',
    version: 1,
    departments: [
      { id: 1, name: 'Company', parent: null, head: 1 },
      { id: 2, name: 'Sales', parent: 1, sort: 100, head: 2 },
      { id: 3, name: 'Sales EU', parent: 2, head: null },
    ],
    users: [
      { id: 1, email: 'admin@x.test', admin: true, departments: [1] },
      { id: 2, email: 'ann@x.test', name: 'Ann', departments: [2] },
      { id: 3, email: 'bob@x.test', departments: [3], absences: [{ from: '2026-01-01', to: '2026-01-05', reason: 'Vacation' }] },
      { id: 4, email: 'ext@partner.test', type: 'extranet' },
      { id: 5, email: 'helper-bot@x.test', bot: { code: 'helper' } },
    ],
    groups: [{ id: 1, name: 'Partners', owner: 2, members: [4] }],
  };
}

function check(doc: unknown, options: Parameters<typeof validateDirectory>[1] = { mode: 'replace' }) {
  return validateDirectory(doc, options).problems.map((p) => ({ code: p.code, path: p.path }));
}

/** The document changed by `change` has exactly these problems. */
function expectProblems(change: (d: Doc) => void, expected: { code: ProblemCode; path: string }[]) {
  const d = company();
  change(d);
  assert.deepEqual(check(d), expected);
}

describe('validateDirectory', () => {
  it('accepts the small company and fills defaults', () => {
    const { problems, directory } = validateDirectory(company(), { mode: 'replace', now: '2026-01-01T00:00:00Z' });
    assert.deepEqual(problems, []);
    const bot = directory.users.find((u) => u.id === 5)!;
    assert.equal(bot.external_auth_id, 'bot');
    assert.deepEqual(bot.bot, { code: 'helper', type: 'bot', app_id: '', openline: false, hidden: false });
    const ann = directory.users.find((u) => u.id === 2)!;
    assert.equal(ann.login, 'ann@x.test');
    assert.equal(ann.status, 'online');
    assert.equal(ann.date_register, '2026-01-01T00:00:00Z');
    assert.deepEqual(directory.departments[0], { id: 1, name: 'Company', parent: null, sort: 500, head: 1 });
    assert.deepEqual(directory.groups[0]!.members, [2, 4], 'the owner is a member');
  });

  it('accepts the demo company seed (npm start)', async () => {
    const doc = JSON.parse(await readFile(DEMO_SEED, 'utf8'));
    assert.deepEqual(check(doc), []);
  });

  it('accepts a generated company', () => {
    const doc = JSON.parse(directoryToJson(generateCompany({ users: 800, departments: 60, seed: 3 })));
    assert.deepEqual(check(doc), []);
  });

  it('format: not an object, wrong format or version', () => {
    assert.deepEqual(check([]), [{ code: 'format', path: '(document)' }]);
    expectProblems((d) => {
      d.format = 'bitrix';
      d.version = 2;
    }, [
      { code: 'format', path: 'format' },
      { code: 'format', path: 'version' },
    ]);
  });

  it('unknown_field: at the top, in entries and in nested objects', () => {
    expectProblems((d) => {
      d.webhooks = [];
      d.users[1].emial = 'x';
      d.users[1].phones = { work: '1', fax: '2' };
      d.departments[0].manager = 1;
    }, [
      { code: 'unknown_field', path: 'webhooks' },
      { code: 'unknown_field', path: 'departments[0].manager' },
      { code: 'unknown_field', path: 'users[1].emial' },
      { code: 'unknown_field', path: 'users[1].phones.fax' },
    ]);
  });

  it('required: ids, e-mails, names, owners, bot codes, absence days', () => {
    expectProblems((d) => {
      delete d.departments[2].name;
      delete d.users[2].email;
      d.users.push({ email: 'noid@x.test' });
      d.users[4].bot = {};
      d.users[3].absences = [{ from: '2026-02-01' }];
      delete d.groups[0].owner;
    }, [
      { code: 'required', path: 'departments[2].name' },
      { code: 'required', path: 'users[2].email' },
      { code: 'required', path: 'users[3].absences[0].to' },
      { code: 'required', path: 'users[4].bot.code' },
      { code: 'required', path: 'users[5].id' },
      { code: 'required', path: 'groups[0].owner' },
    ]);
  });

  it('type: values of the wrong JSON type', () => {
    expectProblems((d) => {
      d.departments[1].sort = '100';
      d.users[1].active = 'Y';
      d.users[1].departments = [2, 'x'];
      d.users[2].name = 7;
      d.users[2].phones = 'none';
      d.groups[0].members = 4;
      d.users.push('user');
    }, [
      { code: 'type', path: 'departments[1].sort' },
      { code: 'type', path: 'users[1].active' },
      { code: 'type', path: 'users[1].departments[1]' },
      { code: 'type', path: 'users[2].name' },
      { code: 'type', path: 'users[2].phones' },
      { code: 'type', path: 'users[5]' },
      { code: 'type', path: 'groups[0].members' },
    ]);
    assert.deepEqual(check({ departments: {}, users: [] }), [{ code: 'type', path: 'departments' }]);
  });

  it('invalid: id range, enums, empty names, e-mail shape, colours', () => {
    expectProblems((d) => {
      d.departments.push({ id: 0, name: 'Zero', parent: 1 });
      d.departments[1].name = '  ';
      d.users[1].gender = 'X';
      d.users[1].status = 'busy';
      d.users[2].email = 'not-an-address';
      d.users[2].color = 'TEAL';
      d.users[3].type = 'guest';
    }, [
      { code: 'invalid', path: 'departments[1].name' },
      { code: 'invalid', path: 'departments[3].id' },
      { code: 'invalid', path: 'users[1].gender' },
      { code: 'invalid', path: 'users[1].status' },
      { code: 'invalid', path: 'users[2].email' },
      { code: 'invalid', path: 'users[2].color' },
      { code: 'invalid', path: 'users[3].type' },
    ]);
  });

  it('bad_date: impossible days, bad instants, absences that end before they start', () => {
    expectProblems((d) => {
      d.users[1].birthday = '1990-02-30';
      d.users[1].last_activity_at = '2026-11-12 10:14';
      d.users[2].idle_at = '2026-13-01T00:00:00Z';
      d.users[2].absences = [{ from: '2026-03-10', to: '2026-03-01' }];
      d.groups[0].date_create = 'yesterday';
    }, [
      { code: 'bad_date', path: 'users[1].birthday' },
      { code: 'bad_date', path: 'users[1].last_activity_at' },
      { code: 'bad_date', path: 'users[2].idle_at' },
      { code: 'bad_date', path: 'users[2].absences[0].to' },
      { code: 'bad_date', path: 'groups[0].date_create' },
    ]);
    assert.deepEqual(check({ ...company(), users: company().users.map((u) => (u.id === 2 ? { ...u, birthday: '2024-02-29' } : u)) }), [], 'a leap day is fine');
  });

  it('duplicate_id: departments, users and groups', () => {
    expectProblems((d) => {
      d.departments.push({ id: 3, name: 'Again', parent: 1 });
      d.users.push({ id: 2, email: 'other@x.test' });
      d.groups.push({ id: 1, name: 'Again', owner: 1 });
    }, [
      { code: 'duplicate_id', path: 'departments[3].id' },
      { code: 'duplicate_id', path: 'users[5].id' },
      { code: 'duplicate_id', path: 'groups[1].id' },
    ]);
  });

  it('duplicate_email: case-insensitive, reported at the later user', () => {
    expectProblems((d) => {
      d.users[2].email = 'ANN@x.test';
    }, [{ code: 'duplicate_email', path: 'users[2].email' }]);
  });

  it('duplicate_login and duplicate_bot_code', () => {
    expectProblems((d) => {
      d.users[1].login = 'ann';
      d.users[2].login = 'ann';
      d.users.push({ id: 6, email: 'second-bot@x.test', bot: { code: 'helper' } });
    }, [
      { code: 'duplicate_login', path: 'users[2].login' },
      { code: 'duplicate_bot_code', path: 'users[5].bot.code' },
    ]);
  });

  it('duplicate_entry: a department listed twice for one user', () => {
    expectProblems((d) => {
      d.users[2].departments = [3, 2, 3];
    }, [{ code: 'duplicate_entry', path: 'users[2].departments[2]' }]);
  });

  it('root: none, or more than one top-level department', () => {
    expectProblems((d) => {
      d.departments.push({ id: 4, name: 'Other company', parent: null });
    }, [{ code: 'root', path: 'departments[3].parent' }]);
    expectProblems((d) => {
      d.departments[0].parent = 2;
    }, [
      { code: 'root', path: 'departments' },
      { code: 'cycle', path: 'departments[0].parent' },
    ]);
  });

  it('unknown_parent', () => {
    expectProblems((d) => {
      d.departments[2].parent = 99;
    }, [{ code: 'unknown_parent', path: 'departments[2].parent' }]);
  });

  it('cycle: reported once per cycle, including a department that is its own parent', () => {
    expectProblems((d) => {
      d.departments.push({ id: 4, name: 'A', parent: 5 }, { id: 5, name: 'B', parent: 6 }, { id: 6, name: 'C', parent: 4 }, { id: 7, name: 'Self', parent: 7 });
    }, [
      { code: 'cycle', path: 'departments[3].parent' },
      { code: 'cycle', path: 'departments[6].parent' },
    ]);
  });

  it('unknown_head and head_not_member', () => {
    expectProblems((d) => {
      d.departments[1].head = 42;
      d.departments[2].head = 2;
    }, [
      { code: 'unknown_head', path: 'departments[1].head' },
      { code: 'head_not_member', path: 'departments[2].head' },
    ]);
  });

  it('unknown_department', () => {
    expectProblems((d) => {
      d.users[2].departments = [3, 404];
    }, [{ code: 'unknown_department', path: 'users[2].departments[1]' }]);
  });

  it('extranet_department: extranet users and collabers belong to no department', () => {
    expectProblems((d) => {
      d.users[3].departments = [3];
      d.users.push({ id: 6, email: 'c@partner.test', type: 'collaber', departments: [2] });
    }, [
      { code: 'extranet_department', path: 'users[3].departments' },
      { code: 'extranet_department', path: 'users[5].departments' },
    ]);
  });

  it('unknown_owner and unknown_member', () => {
    expectProblems((d) => {
      d.groups[0].owner = 77;
      d.groups[0].members = [4, 88];
      d.groups[0].moderators = [99];
    }, [
      { code: 'unknown_owner', path: 'groups[0].owner' },
      { code: 'unknown_member', path: 'groups[0].members[1]' },
      { code: 'unknown_member', path: 'groups[0].moderators[0]' },
    ]);
  });

  it('reports every problem of a document at once, not only the first', () => {
    const d = company();
    d.departments[2].parent = 99;
    d.users[1].email = 'admin@x.test';
    d.users[2].birthday = '31.12.1990';
    d.users[2].departments = [3, 50];
    d.groups[0].members = [4, 60];
    assert.deepEqual(check(d).map((p) => p.code), ['bad_date', 'unknown_parent', 'duplicate_email', 'unknown_department', 'unknown_member']);
  });

  it('does not pile follow-up problems on a value already reported', () => {
    expectProblems((d) => {
      d.departments[1].head = 'Ann'; // not an id: no unknown_head on top
      d.users[1].departments = 'Sales'; // not a list: no head_not_member for department 2
    }, [
      { code: 'type', path: 'departments[1].head' },
      { code: 'type', path: 'users[1].departments' },
    ]);
  });

  it('names the line of each problem in the JSON text', () => {
    const d = company();
    d.users[2].email = 'ann@x.test';
    const text = directoryToJson(d as any);
    const source = jsonSource(text, 'company.json');
    const { problems } = validateDirectory(source.document, { mode: 'replace' });
    source.locate(problems);
    const line = text.split('\n').findIndex((l) => l.includes('"id":3,"email":"ann@x.test"')) + 1;
    assert.equal(problems[0]!.where, `company.json:${line}`);
  });

  it('gives the line of a JSON syntax error', () => {
    const source = jsonSource('{\n  "users": [\n    {"id": 1,}\n  ]\n}\n', 'broken.json');
    assert.equal(source.problems[0]!.code, 'syntax');
    assert.equal(source.problems[0]!.where, 'broken.json:3');
  });

  describe('merge mode', () => {
    const base = (): FullDirectory => validateDirectory(company(), { mode: 'replace', now: '2026-01-01T00:00:00Z' }).directory;

    it('changes only the fields an entry gives; new ids get defaults; nothing is removed', () => {
      const { problems, directory, given } = validateDirectory(
        { users: [{ id: 2, work_position: 'Head of Sales', phones: { mobile: '+1 555' } }, { id: 9, email: 'new@x.test', departments: [3] }] },
        { mode: 'merge', base: base(), now: '2026-02-01T00:00:00Z' },
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(given, { departments: 0, users: 2, groups: 0 });
      assert.equal(directory.users.length, 6);
      const ann = directory.users.find((u) => u.id === 2)!;
      assert.equal(ann.name, 'Ann');
      assert.equal(ann.email, 'ann@x.test');
      assert.equal(ann.work_position, 'Head of Sales');
      assert.deepEqual(ann.phones, { work: '', mobile: '+1 555', personal: '' });
      assert.deepEqual(ann.departments, [2]);
      assert.equal(ann.date_register, '2026-01-01T00:00:00Z');
      assert.equal(ann.updated_at, '2026-02-01T00:00:00Z');
      assert.equal(directory.users.find((u) => u.id === 9)!.login, 'new@x.test');
    });

    it('checks references against the stored directory, reporting at the document entry', () => {
      const problems = check(
        {
          departments: [{ id: 10, name: 'New', parent: 3, head: 3 }],
          users: [
            { id: 3, departments: [2] },
            { id: 11, email: 'ANN@x.test' },
            { id: 12 },
          ],
        },
        { mode: 'merge', base: base() },
      );
      assert.deepEqual(problems, [
        { code: 'required', path: 'users[2].email' },
        { code: 'duplicate_email', path: 'users[1].email' },
        { code: 'head_not_member', path: 'departments[0].head' },
      ]);
    });

    it('taking the bot data away makes an ordinary user; giving it makes a bot', () => {
      const { directory, problems } = validateDirectory({ users: [{ id: 5, bot: null }, { id: 3, bot: { code: 'new' } }] }, { mode: 'merge', base: base() });
      assert.deepEqual(problems, []);
      assert.deepEqual([directory.users[4]!.bot, directory.users[4]!.external_auth_id], [null, null]);
      assert.equal(directory.users[2]!.external_auth_id, 'bot');
    });

    it('reports a stored department whose head leaves it at the user who leaves', () => {
      assert.deepEqual(check({ users: [{ id: 2, departments: [3] }] }, { mode: 'merge', base: base() }), [
        { code: 'head_not_member', path: 'users[0].departments' },
      ]);
    });
  });

  describe('schemas/directory.schema.json', async () => {
    const schema = JSON.parse(await readFile(new URL('../../schemas/directory.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv({ allErrors: true });
    const valid = ajv.compile(schema);

    it('accepts the demo seed, a generated company and an export', async () => {
      assert.ok(valid(JSON.parse(await readFile(DEMO_SEED, 'utf8'))), ajv.errorsText(valid.errors));
      assert.ok(valid(JSON.parse(directoryToJson(generateCompany({ users: 300, departments: 20, seed: 9 })))), ajv.errorsText(valid.errors));
    });

    it('rejects what the validator rejects field by field', () => {
      const bad = company();
      bad.users[1].emial = 'x';
      assert.equal(valid(bad), false);
      const wrongType = company();
      wrongType.users[1].active = 'Y';
      assert.equal(valid(wrongType), false);
    });

    it('lists exactly the fields the validator knows', () => {
      assert.deepEqual(Object.keys(schema.definitions.user.properties), [...USER_FIELDS]);
      assert.deepEqual(Object.keys(schema.definitions.department.properties), [...DEPARTMENT_FIELDS]);
      assert.deepEqual(Object.keys(schema.definitions.group.properties), [...GROUP_FIELDS]);
    });
  });
});
