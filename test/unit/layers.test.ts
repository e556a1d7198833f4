/**
 * The layering the README promises, enforced (issue #10): an import never runs from a lower
 * layer to a higher one, SQL (Kysely query builders, sql``) appears only in src/store, and files
 * beside the code (console/, seeds/) are located through src/paths.ts alone.
 *
 * Layers, highest first (a module may import its own layer and any lower one):
 *   entry      src/app.ts, src/cli/          (wire everything together)
 *   http       src/http/                     (URL shapes, encoding, admin endpoints)
 *   methods    src/methods/, src/oauth/, src/events/  (read parameters → run a command or a query → present; OAuth is a family of endpoints; events deliver what the feed tells)
 *   rest       src/rest/, src/control.ts     (method registry, auth, limits, batch, error table; journal, faults, metrics)
 *   read       src/read/                     (the read model: the directory in memory, kept current by the change feed)
 *   directory  src/directory/, src/state/    (commands, rules, presenters; directory documents: import, export, validation)
 *   store      src/store/                    (Kysely queries, write transactions, migrations)
 *   base       src/clock.ts, src/config.ts, src/facts.ts, src/paths.ts
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');
const LAYERS: [string, RegExp][] = [
  ['base', /^(clock|config|facts|paths)\.ts$/],
  ['store', /^store\//],
  ['directory', /^(directory|state)\//],
  ['read', /^read\//],
  ['rest', /^(rest\/|control\.ts$)/],
  ['methods', /^(methods|oauth|events)\//],
  ['http', /^http\//],
  ['entry', /^(app\.ts|cli\/)/],
];

function rank(file: string): number {
  const i = LAYERS.findIndex(([, re]) => re.test(file));
  if (i < 0) throw new Error(`${file} is in no layer: add it to test/unit/layers.test.ts`);
  return i;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const sources = files(SRC).map((path) => ({ file: relative(SRC, path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }));

/** Relative imports (static, dynamic and re-exports) of a module, as paths under src/. */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']+)'/g)) {
    out.push(relative(SRC, resolve(SRC, dirname(file), m[1]!)).replaceAll('\\', '/').replace(/\.js$/, '.ts'));
  }
  return out;
}

/** What SQL looks like in this code base: Kysely builders and the sql tag. */
const SQL = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql(\.raw)?`|\bsql\.(raw|ref|table|lit|join|id)\(|CompiledQuery\.raw\(|\.executeQuery\(/;

/** A path worked out from the module's own place. */
const OWN_LOCATION = /new URL\([^)]*import\.meta\.url|import\.meta\.(dirname|filename)|__dirname/;

describe('layers', () => {
  it('no import runs from a lower layer to a higher one', () => {
    const upward: string[] = [];
    for (const { file, text } of sources) {
      for (const target of importsOf(file, text)) {
        if (rank(target) > rank(file)) upward.push(`${file} imports ${target} (${LAYERS[rank(file)]![0]} → ${LAYERS[rank(target)]![0]})`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('SQL appears only in src/store', () => {
    const found = sources.filter(({ file, text }) => !file.startsWith('store/') && SQL.test(text)).map(({ file }) => file);
    assert.deepEqual(found, []);
  });

  it('files beside the code are located through src/paths.ts alone', () => {
    // the dist/ bundle moves every module to one folder: only paths.ts keeps its depth there
    const found = sources.filter(({ file, text }) => file !== 'paths.ts' && OWN_LOCATION.test(text)).map(({ file }) => file);
    assert.deepEqual(found, []);
  });

  it('the check itself sees upward imports and SQL', () => {
    assert.deepEqual(importsOf('store/x.ts', "import { a } from '../rest/errors.js';"), ['rest/errors.ts']);
    assert.ok(rank('rest/errors.ts') > rank('store/x.ts'));
    assert.ok(SQL.test("await db.selectFrom('users')") && SQL.test('sql`SELECT 1`'));
    assert.ok(OWN_LOCATION.test("new URL('../../seeds/x.json', import.meta.url)") && !OWN_LOCATION.test('createRequire(import.meta.url)'));
  });
});
