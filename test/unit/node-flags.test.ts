import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVE_FLAGS } from '../../bench/lib.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('roster, npm start and the benchmarks\' servers run Node with the same flags', () => {
  const shebang = read('bin/roster.js').split('\n')[0]!;
  assert.equal(shebang, `#!/usr/bin/env -S node ${SERVE_FLAGS.join(' ')}`);
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
  assert.equal(start, `node ${SERVE_FLAGS.join(' ')} bin/roster.js serve --demo`);
  assert.ok(read('README.md').includes(`NODE_OPTIONS=${SERVE_FLAGS.join(' ')}`));
});
