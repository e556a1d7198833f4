/** The CSV forms: spreadsheet quirks, problems named by line and column, and an exact round trip. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { directoryToCsv, parseAbsences, formatAbsences, parseCsv, writeCsv } from '../../src/state/csv.js';
import { generateCompany } from '../../src/state/generate.js';
import { csvSource } from '../../src/state/source.js';
import { validateDirectory } from '../../src/state/validate.js';

const DEPARTMENTS = 'ID,NAME,PARENT,SORT,UF_HEAD\n1,Company,,500,1\n2,Sales,1,100,2\n3,"Sales, Europe",2,,\n';

describe('CSV', () => {
  it('reads quotes, doubled quotes, line breaks in cells, CRLF, a BOM and blank lines', () => {
    const { table, problems } = parseCsv('\uFEFFID,NAME,NOTE\r\n1,"Smith, Ann","said ""hi""\r\non two lines"\r\n\r\n2,Bob,\r\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(table.header, ['ID', 'NAME', 'NOTE']);
    assert.deepEqual(table.rows, [
      { line: 2, cells: ['1', 'Smith, Ann', 'said "hi"\r\non two lines'] },
      { line: 5, cells: ['2', 'Bob', ''] },
    ]);
  });

  it('writes formulas as text (a leading apostrophe) and reads every value back unchanged', () => {
    const values = ['=HYPERLINK("http://evil.example","open")', '+49 30 1234', '-2+3', '@SUM(A1)', '\tindented', '\rcarriage', "'=already", "''", "'", "'plain", "it's", '= spaced', 'plain', ''];
    const text = writeCsv(['ID', 'V'], values.map((v, i) => [String(i + 1), v]));
    for (const line of text.split('\n').slice(1, -1)) {
      const cell = line.slice(line.indexOf(',') + 1).replace(/^"/, '');
      assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a spreadsheet would run ${JSON.stringify(line)}`);
    }
    assert.match(text, /^1,"'=HYPERLINK\(""http/m);
    assert.deepEqual(parseCsv(text).table.rows.map((r) => r.cells[1]), values);
    const value = fc.oneof(fc.string(), fc.string().map((v) => `'${v}`), fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'").chain((c) => fc.string().map((v) => c + v)));
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), (row) => {
      const parsed = parseCsv(writeCsv(['ID', ...row.map((_, i) => `C${i}`)], [['1', ...row]])).table.rows[0]!.cells;
      assert.deepEqual(parsed, ['1', ...row]);
    }), { numRuns: 2000 });
  });

  it('detects semicolon and tab separated files (European spreadsheets)', () => {
    assert.equal(parseCsv('ID;EMAIL;UF_DEPARTMENT\n1;a@x.test;"1;2"\n').table.delimiter, ';');
    assert.deepEqual(parseCsv('ID;EMAIL;UF_DEPARTMENT\n1;a@x.test;"1;2"\n').table.rows[0]!.cells, ['1', 'a@x.test', '1;2']);
    assert.equal(parseCsv('ID\tEMAIL\n1\ta@x.test\n').table.delimiter, '\t');
  });

  it('turns Bitrix-style columns into a valid directory: UF_DEPARTMENT as 1;5, Y/N flags, DD.MM.YYYY birthdays', () => {
    const users = [
      'ID,EMAIL,NAME,LAST_NAME,WORK_POSITION,UF_DEPARTMENT,ACTIVE,PERSONAL_BIRTHDAY,PERSONAL_MOBILE,ABSENCES,Some Other Column',
      '1,admin@x.test,Admin,,,1,Y,,,,x',
      '2,ann@x.test,Ann,Lee,Head of Sales,2;1,Y,31.12.1990,+1 555 0100,2027-03-01..2027-03-05 Vacation; 2027-06-01..2027-06-01,',
      '3,bob@x.test,Bob,"O\'Neil, Jr.",,3,N,1985-07-04,,,',
    ].join('\n');
    const source = csvSource([{ text: users, name: 'users.csv' }, { text: DEPARTMENTS, name: 'departments.csv', kind: 'departments' }]);
    assert.deepEqual(source.problems, []);
    assert.deepEqual(source.notes, ['users.csv: columns not read: Some Other Column']);
    const { problems, directory } = validateDirectory(source.document, { mode: 'replace' });
    assert.deepEqual(problems, []);
    const ann = directory.users[1]!;
    assert.deepEqual(ann.departments, [2, 1]);
    assert.equal(ann.birthday, '1990-12-31');
    assert.equal(ann.phones.mobile, '+1 555 0100');
    assert.deepEqual(ann.absences, [
      { from: '2027-03-01', to: '2027-03-05', reason: 'Vacation' },
      { from: '2027-06-01', to: '2027-06-01', reason: '' },
    ]);
    assert.equal(directory.users[2]!.active, false);
    assert.equal(directory.users[2]!.last_name, "O'Neil, Jr.");
    assert.equal(directory.departments[2]!.name, 'Sales, Europe');
    assert.equal(directory.departments[2]!.head, null);
    assert.equal(directory.departments[0]!.parent, null);
  });

  it('names the file, line and column of every problem', () => {
    const users = ['ID,EMAIL,UF_DEPARTMENT,ACTIVE,PERSONAL_BIRTHDAY', '1,admin@x.test,1,Y,', '2,admin@x.test,9,maybe,1990-02-30', 'x,c@x.test,1,Y,'].join('\n');
    const source = csvSource([{ text: users, name: 'users.csv' }, { text: DEPARTMENTS, name: 'departments.csv', kind: 'departments' }]);
    const { problems } = validateDirectory(source.document, { mode: 'replace' });
    source.locate(problems);
    assert.deepEqual(
      problems.map((p) => `${p.where} ${p.code}`).sort(),
      [
        'departments.csv:3 column UF_HEAD head_not_member',
        'users.csv:3 column ACTIVE type',
        'users.csv:3 column EMAIL duplicate_email',
        'users.csv:3 column PERSONAL_BIRTHDAY bad_date',
        'users.csv:3 column UF_DEPARTMENT unknown_department',
        'users.csv:4 column ID type',
      ],
    );
  });

  it('reports structural problems: missing ID column, wrong cell counts, unknown kind, unclosed quotes', () => {
    const a = csvSource([{ text: 'EMAIL,NAME\na@x.test,A\n', name: 'u.csv' }]);
    assert.match(a.problems[0]!.message, /no ID column/);
    const b = csvSource([{ text: 'ID,EMAIL\n1,a@x.test,extra\n', name: 'u.csv' }]);
    assert.equal(b.problems[0]!.where, 'u.csv:2');
    const c = csvSource([{ text: 'FOO,BAR\n1,2\n', name: 'what.csv' }]);
    assert.match(c.problems[0]!.message, /cannot tell/);
    const d = csvSource([{ text: 'ID,EMAIL\n1,"a@x.test\n', name: 'u.csv' }]);
    assert.match(d.problems[0]!.message, /not closed/);
  });

  it('writes absences so that they read back, reasons with ; and \\ included', () => {
    const list = [
      { from: '2027-01-01', to: '2027-01-02', reason: 'Trip; Berlin \\ Paris' },
      { from: '2027-02-01', to: '2027-02-01', reason: '' },
    ];
    assert.deepEqual(parseAbsences(formatAbsences(list)), { items: list, bad: [] });
    assert.deepEqual(parseAbsences('2027-01-01 to 2027-01-02').bad, ['2027-01-01 to 2027-01-02']);
  });

  it('round-trips a generated company exactly: CSV out, CSV in, CSV out', () => {
    const dir = generateCompany({ users: 400, departments: 30, seed: 5 });
    const first = directoryToCsv(dir);
    const source = csvSource([
      { text: first.users, name: 'users.csv' },
      { text: first.departments, name: 'departments.csv' },
      { text: first.groups, name: 'groups.csv' },
    ]);
    assert.deepEqual(source.problems, []);
    const { problems, directory } = validateDirectory(source.document, { mode: 'replace' });
    assert.deepEqual(problems, []);
    assert.deepEqual(directory, dir);
    assert.deepEqual(directoryToCsv(directory), first);
  });
});
