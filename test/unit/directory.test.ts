import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userColor } from '../../src/directory/colors.js';
import { formatAtom, nextDay, startOfDay, todayIn } from '../../src/directory/dates.js';
import { isCalendarDate } from '../../src/facts.js';
import { firstName, formatFullName } from '../../src/directory/names.js';
import { DepartmentTree } from '../../src/directory/tree.js';

describe('directory helpers', () => {
  it('default colours follow the last digit of the id, with the male swap', () => {
    const female = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => userColor(id, 'F', null));
    assert.deepEqual(female, ['#df532d', '#64a513', '#4ba984', '#4ba5c3', '#3e99ce', '#8474c8', '#1eb4aa', '#f76187', '#58cc47', '#ab7761']);
    const male = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => userColor(id, 'M', null));
    assert.deepEqual(male, ['#df532d', '#64a513', '#4ba984', '#29619b', '#3e99ce', '#8474c8', '#ba9c7b', '#728f7a', '#58cc47', '#ab7761']);
    assert.equal(userColor(14, '', null), '#4ba5c3', 'unknown gender counts as female');
    assert.equal(userColor(14, 'M', 'MINT'), '#4ba984', 'a chosen colour wins');
  });

  it('formats instants as ISO 8601 with the zone offset, across DST', () => {
    assert.equal(formatAtom(1517236531, 'Europe/Moscow'), '2018-01-29T17:35:31+03:00');
    assert.equal(formatAtom(1782000000, 'Europe/Berlin'), '2026-06-21T02:00:00+02:00');
    assert.equal(formatAtom(1800000000, 'Europe/Berlin'), '2027-01-15T09:00:00+01:00');
    assert.equal(formatAtom(1800000000, 'UTC'), '2027-01-15T08:00:00+00:00');
    assert.equal(formatAtom(1800000000, 'America/St_Johns'), '2027-01-15T04:30:00-03:30');
    assert.equal(formatAtom(0, 'Asia/Kolkata'), '1970-01-01T05:30:00+05:30');
  });

  it('agrees with Intl at every instant, across transitions and in odd zones', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Dublin', 'Africa/Casablanca', 'UTC'];
    const formats = new Map<string, Intl.DateTimeFormat>();
    const reference = (seconds: number, timeZone: string) => {
      const p: Record<string, string> = {};
      if (!formats.has(timeZone)) {
        formats.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' }));
      }
      const f = formats.get(timeZone)!;
      for (const part of f.formatToParts(new Date(seconds * 1000))) p[part.type] = part.value;
      const offset = /GMT([+-]\d{2}:\d{2})/.exec(p.timeZoneName!)?.[1] ?? '+00:00';
      return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
    };
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const zone of zones) {
      // every 7 minutes around the 2026 spring and autumn changes, and random instants 1990–2060
      for (let t = 1774137600; t < 1775347200; t += 420) assert.equal(formatAtom(t, zone), reference(t, zone), `${zone} ${t}`);
      for (let t = 1791763200; t < 1793577600; t += 420) assert.equal(formatAtom(t, zone), reference(t, zone), `${zone} ${t}`);
      for (let i = 0; i < 2000; i++) {
        const t = 631152000 + (next() % 2208988800);
        assert.equal(formatAtom(t, zone), reference(t, zone), `${zone} ${t}`);
      }
    }
  });

  it('computes calendar days in a zone', () => {
    assert.equal(todayIn('Pacific/Kiritimati', 1800000000), '2027-01-15');
    assert.equal(todayIn('Pacific/Pago_Pago', 1800000000), '2027-01-14');
    assert.equal(formatAtom(startOfDay('2026-03-29', 'Europe/Berlin'), 'Europe/Berlin'), '2026-03-29T00:00:00+01:00');
    assert.equal(formatAtom(startOfDay('2026-03-30', 'Europe/Berlin'), 'Europe/Berlin'), '2026-03-30T00:00:00+02:00');
    assert.equal(nextDay('2026-12-31'), '2027-01-01');
    assert.equal(nextDay('2028-02-28'), '2028-02-29');
    assert.deepEqual(['2024-02-29', '2023-02-29', '1990-13-01', '0999-01-01', '2020-1-1'].map(isCalendarDate), [true, false, false, false, false]);
  });

  it('builds names with the template, falling back to the login', () => {
    const u = { name: 'Ann', last_name: 'Lee', second_name: 'May', login: 'ann' };
    assert.equal(formatFullName(u, '#NAME# #LAST_NAME#'), 'Ann Lee');
    assert.equal(formatFullName(u, '#LAST_NAME# #NAME_SHORT# #SECOND_NAME_SHORT#'), 'Lee A. M.');
    assert.equal(formatFullName({ ...u, name: '' }, '#NAME# #LAST_NAME#'), 'Lee');
    assert.equal(formatFullName({ ...u, name: '', last_name: '' }, '#NAME# #LAST_NAME#'), 'ann');
    assert.equal(firstName({ ...u, name: '', last_name: '' }), 'ann');
  });

  it('orders the structure depth first, siblings by SORT then id, and survives cycles', () => {
    const d = (id: number, parent_id: number | null, sort = 500) => ({ id, name: `D${id}`, parent_id, sort, head_id: null });
    const tree = new DepartmentTree([d(1, null), d(5, 1, 100), d(3, 1, 100), d(2, 1, 50), d(4, 3), d(6, 99), d(7, 8), d(8, 7)]);
    assert.deepEqual(tree.ordered.map((x) => x.id), [1, 2, 3, 4, 5, 6]);
    assert.equal(tree.fullName(4), 'D4 / D3 / D1');
    assert.equal(tree.isWithin(4, 1), true);
    assert.equal(tree.isWithin(1, 4), false);
    assert.equal(tree.fullName(7), 'D7 / D8');
    assert.deepEqual(tree.sortIds([5, 4, 999, 2]), [2, 4, 5]);
  });
});
