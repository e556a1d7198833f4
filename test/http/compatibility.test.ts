/** docs/COMPATIBILITY.md and README's method table are generated from the registry: CI fails when they are stale. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  compatibilityMarkdown, COMPATIBILITY_PATH, METHODS_END, METHODS_START, README_PATH, readmeMethodsTable, replaceBetweenMarkers,
} from '../../scripts/compatibility.js';
import { createRegistry } from '../../src/methods/index.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const STALE = 'is out of date: run `npm run docs` and commit the result';

describe('generated documentation', () => {
  it('docs/COMPATIBILITY.md is what scripts/compatibility.ts generates', () => {
    assert.equal(readFileSync(COMPATIBILITY_PATH, 'utf8'), compatibilityMarkdown(), `docs/COMPATIBILITY.md ${STALE}`);
  });

  it('README.md holds the generated method table between its markers', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    assert.equal(readme.split(METHODS_START).length, 2, 'one methods:start marker');
    assert.equal(readme.split(METHODS_END).length, 2, 'one methods:end marker');
    assert.ok(readme.indexOf('## Methods') < readme.indexOf(METHODS_START));
    assert.equal(readme, replaceBetweenMarkers(readme, readmeMethodsTable()), `README.md's method table ${STALE}`);
  });

  it('lists every registered method with its scope, list style, summary and differences', () => {
    const doc = compatibilityMarkdown();
    for (const m of createRegistry().all()) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${m.name}\``));
      assert.ok(row, `${m.name} has a row`);
      assert.ok(row.includes(m.summary.replace(/\|/g, '\\|')), `${m.name}'s summary`);
      assert.ok(row.includes(m.list === 'standard' ? 'start/next, 50' : m.list === 'offset' ? 'OFFSET/LIMIT' : '—'), `${m.name}'s list style`);
      assert.ok(row.includes(`\`${m.scope}\``), `${m.name}'s scope`);
      for (const d of m.differences ?? []) assert.ok(doc.includes(`- ${d}`), `${m.name}: ${d}`);
    }
    assert.match(doc, /### Across methods \(CONTRACT §9\)/);
    assert.match(doc, /LIMIT` below 1 means 10/);
  });

  it('replaces only what lies between the markers, and refuses a text without them', () => {
    const text = `a\n${METHODS_START}\nold\n${METHODS_END}\nb\n`;
    assert.equal(replaceBetweenMarkers(text, 'new'), `a\n${METHODS_START}\nnew\n${METHODS_END}\nb\n`);
    assert.throws(() => replaceBetweenMarkers('no markers', 'x'));
    assert.throws(() => replaceBetweenMarkers(`${METHODS_END}${METHODS_START}`, 'x'));
    assert.throws(() => replaceBetweenMarkers(`${METHODS_START}${METHODS_START}${METHODS_END}`, 'x'));
  });
});

for (const engine of engines) {
  describe(`the documented methods are the served ones [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine });
    });
    after(() => r.close());

    it('every method `methods full=true` names is documented, and no other', async () => {
      const served = (await r.call('methods', { full: true })).body.result as string[];
      const doc = readFileSync(COMPATIBILITY_PATH, 'utf8');
      const methodsSection = doc.slice(doc.indexOf('## Methods'), doc.indexOf('## Deliberate differences'));
      const documented = [...methodsSection.matchAll(/^\| `([a-z0-9._]+)`/gm)].map((m) => m[1]);
      assert.deepEqual(documented, served);
    });
  });
}
