/**
 * Generated parameter trees (deep, wide, odd keys, odd values) in every encoding (JSON, form,
 * query string, multipart) at every registered method: no 5xx, every error from the table, the
 * server's memory flat.
 *
 * In CI it runs over HTTP for a bounded time (ROSTER_FUZZ_SECONDS, default 20, shared by the
 * engines). ROSTER_FUZZ_RUNS=1000000 runs that many inputs in-process instead (the same
 * decoders, dispatcher and JSON encoder as the HTTP path, without the sockets), on SQLite, and
 * prints a summary line for docs/SECURITY.md. ROSTER_FUZZ_SEED replays a run.
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { toJson } from '../../src/http/json.js';
import { createRegistry } from '../../src/methods/index.js';
import { buildParams } from '../../src/rest/bracket-params.js';
import { dispatch } from '../../src/rest/dispatcher.js';
import { ERRORS } from '../../src/rest/errors.js';
import { checkShape, decodeLimits, parseJsonBody, parseQueryString, splitParams } from '../../src/rest/request-params.js';
import { engines, startRoster, toQuery, type TestRoster } from '../helpers/roster.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RUNS = Number(process.env.ROSTER_FUZZ_RUNS ?? 0);
const SECONDS = Number(process.env.ROSTER_FUZZ_SECONDS ?? 20);
const SEED = process.env.ROSTER_FUZZ_SEED ? Number(process.env.ROSTER_FUZZ_SEED) : Date.now() % 2 ** 31;
const METHODS = createRegistry().all().map((m) => m.name);
const KNOWN = new Set(Object.keys(ERRORS));

const KEYS = [
  'ID', 'USER_ID', 'GROUP_ID', 'BOT_ID', 'FIND', 'FILTER', 'filter', 'SORT', 'sort', 'ORDER', 'order', 'select', 'LIMIT', 'OFFSET',
  'USER_DATA', 'AVATAR_HR', 'RESULT_TYPE', 'STATUS', 'AGO', 'NAME', 'LAST_NAME', 'PARENT', 'UF_HEAD', 'EMAIL', 'UF_DEPARTMENT',
  'ACTIVE', 'ADMIN_MODE', 'EXTRANET', 'SONET_GROUP_ID', 'CODE', 'TYPE', 'PROPERTIES', 'ACCESS', 'cmd', 'halt', 'full', 'scope',
  'start', 'START', '>ID', '<=ID', '%NAME', '!@UF_DEPARTMENT', '=%LAST_NAME', 'WORK_POSITION', 'PERSONAL_BIRTHDAY',
];
const ODD_KEYS = ['__proto__', 'constructor', 'toString', '', ' ', '[', ']', 'a[b', 'ID[]', '0', '-1', '1e3', 'bx24_x', 'auth', '\u0000', '😀'];

const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KEYS) },
  // case and white-space variants of a known key
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...KEYS), fc.boolean(), fc.constantFrom('', ' ', '  ')).map(([k, lower, pad]) => pad + (lower ? k.toLowerCase() : k)) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const scalar = fc.oneof(
  fc.constantFrom('', ' ', '0', '1', '-1', 'Y', 'N', 'true', 'ASC', 'DESC', '*', 'UF_*', '%', '[1,2]', '{"a":', 'x'.repeat(300), '2024-07-15', "' OR 1=1 --"),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer(),
  fc.integer({ min: 1, max: 80 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/** A value nested `depth` levels deep: beyond the limit (32) is a 400, within it the method's own answer. */
const deep = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.boolean()).map(([depth, list]) => {
  let v: unknown = '1';
  for (let i = 0; i < depth; i++) v = list ? [v] : { ID: v };
  return v;
});
const wide = fc.integer({ min: 0, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => i + 1));

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    scalar,
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
  ),
}));

const command = fc
  .tuple(fc.constantFrom(...METHODS, 'batch', 'no.such', ''), fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 3 }), fc.boolean())
  .map(([m, p, ref]) => `${m}?${toQuery(p as Record<string, unknown>)}${ref ? '&ID=$result[0][0][ID]' : ''}`);

const value = fc.oneof({ weight: 8, arbitrary: tree }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: wide }, { weight: 1, arbitrary: fc.array(command, { maxLength: 60 }) });

type Encoding = 'json' | 'form' | 'query' | 'multipart';
const input = fc.record({
  method: fc.constantFrom(...METHODS),
  params: fc.dictionary(key, value, { maxKeys: 6 }),
  encoding: fc.constantFrom<Encoding>('json', 'form', 'query', 'multipart'),
  caller: fc.constantFrom('admin', 'admin', 'extranet'),
});

/** Bracket pairs as CRest builds them, for multipart fields. */
function flatPairs(value: unknown, prefix: string, out: [string, string][]): [string, string][] {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatPairs(v, prefix ? `${prefix}[${k}]` : k, out);
  } else if (prefix) out.push([prefix, value === null || value === undefined ? '' : String(value)]);
  return out;
}

function multipart(params: Record<string, unknown>): { body: string; type: string } {
  const boundary = 'fuzz-boundary-7f3a';
  const esc = (s: string) => s.replace(/[\r\n"]/g, '_');
  const body = flatPairs(params, '', []).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${esc(k)}"\r\n\r\n${v}\r\n`).join('');
  return { body: `${body}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

interface Tally {
  runs: number;
  statuses: Map<number, number>;
  errors: Map<string, number>;
}

const newTally = (): Tally => ({ runs: 0, statuses: new Map(), errors: new Map() });

function count(tally: Tally, status: number, error?: string) {
  tally.runs++;
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  if (error) tally.errors.set(error, (tally.errors.get(error) ?? 0) + 1);
  // a long run reports as it goes, so that an interrupted one still says how far it got
  if (RUNS && tally.runs % 10000 === 0) console.log(`# fuzz progress: ${summary(tally)}; heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`);
}

function heapMiB(): number {
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

function summary(tally: Tally): string {
  const statuses = [...tally.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ');
  const errors = [...tally.errors].sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} ${n}`).join(', ');
  return `${tally.runs} inputs (seed ${SEED}); statuses ${statuses}; errors ${errors}`;
}

/** Runs `check` on generated inputs: `RUNS` of them, or as many as fit in `seconds`; memory must not grow. */
type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

async function fuzz(check: (i: Input) => Promise<void>, tally: Tally, seconds: number | null) {
  const warm = RUNS ? Math.min(100, RUNS) : 20;
  // a first round fills the caches (statements, method modules), so that growth after it is a leak
  await fc.assert(fc.asyncProperty(input, check), { numRuns: warm, seed: SEED, endOnFailure: true });
  const before = heapMiB();
  await fc.assert(fc.asyncProperty(input, check), {
    numRuns: RUNS ? RUNS - warm : 1_000_000,
    seed: SEED + 1,
    endOnFailure: true,
    ...(seconds ? { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false } : {}),
  });
  const grown = heapMiB() - before;
  console.log(`# fuzz: ${summary(tally)}; heap ${before.toFixed(0)} MiB after warm-up, ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MiB at the end`);
  assert.ok(grown < 64, `the heap grew by ${grown.toFixed(0)} MiB`);
}

function assertAnswer(status: number, body: unknown, where: () => string) {
  assert.ok(status < 500, where());
  assert.ok(body !== null && typeof body === 'object', where());
  const b = body as Record<string, unknown>;
  if (status === 200) assert.ok('result' in b && 'time' in b, where());
  else {
    assert.ok(KNOWN.has(b.error as string), where());
    assert.equal(typeof b.error_description, 'string', where());
  }
}

if (!RUNS) {
  const engineSeconds = SECONDS / Math.max(1, engines.length);
  for (const engine of engines) {
    describe(`fuzz over HTTP, every method, every encoding [${engine}]`, () => {
      let r: TestRoster;
      let extranet: string;
      before(async () => {
        r = await startRoster({ engine, seed: 'demo' });
        extranet = await r.hook(59);
      });
      after(() => r.close());

      it(`answers no 5xx, only errors from the table, with flat memory (${engineSeconds.toFixed(0)} s)`, { timeout: (engineSeconds + 120) * 1000 }, async () => {
        const tally = newTally();
        await fuzz(
          async ({ method, params, encoding, caller }) => {
            const hook = caller === 'extranet' ? extranet : r.admin;
            let res;
            if (encoding === 'multipart') {
              const { body, type } = multipart(params);
              res = await r.fetch(`${hook.slice(r.url.length)}${method}`, { method: 'POST', headers: { 'content-type': type }, body });
            } else {
              res = await r.call(method, params, { hook, as: encoding });
            }
            count(tally, res.status, res.body?.error);
            assertAnswer(res.status, res.body, () => `${method} ${encoding} ${JSON.stringify(params).slice(0, 400)} -> ${res.status} ${res.text.slice(0, 300)}`);
            assert.doesNotMatch(res.text, /\bat .*\.(ts|js):\d+/);
          },
          tally,
          engineSeconds,
        );
        assert.ok(tally.runs > 0);
      });
    });
  }
} else {
  describe('fuzz in-process, every method, every encoding [sqlite]', () => {
    let r: TestRoster;
    let secrets: Record<string, { user: string; secret: string }>;
    before(async () => {
      // in memory: a million inputs include many writes, and each would wait for the disk otherwise
      r = await startRoster({ seed: 'demo', config: { db: ':memory:' } });
      const part = (url: string) => ({ user: url.split('/')[4]!, secret: url.split('/')[5]! });
      secrets = { admin: part(r.admin), extranet: part(await r.hook(59)) };
    });
    after(() => r.close());

    it(`answers no 5xx, only errors from the table, with flat memory (${RUNS} inputs)`, { timeout: Infinity }, async () => {
      const app = r.roster.app;
      const limits = decodeLimits(app.config);
      const tally = newTally();
      await fuzz(
        async ({ method, params, encoding, caller }) => {
          let status: number;
          let body: Record<string, unknown>;
          try {
            // the decoders of each encoding, as the HTTP layer runs them
            const decoded =
              encoding === 'json'
                ? parseJsonBody(JSON.stringify(params))
                : encoding === 'multipart'
                  ? buildParams(flatPairs(params, '', []), limits)
                  : parseQueryString(toQuery(params), limits);
            checkShape(decoded, limits);
            const response = await dispatch(app, {
              method,
              params: splitParams({}, decoded).params,
              credentials: { webhook: secrets[caller]! },
              baseUrl: 'http://127.0.0.1',
              requestId: 'fuzz',
            });
            ({ status, body } = response);
            toJson(body, app.config.maxAnswerBytes);
          } catch (error) {
            const e = error as { status?: number; toWire?: () => Record<string, unknown> };
            if (!e.toWire) throw error;
            status = e.status!;
            body = e.toWire();
          }
          count(tally, status, body.error as string | undefined);
          assertAnswer(status, body, () => `${method} ${encoding} ${JSON.stringify(params).slice(0, 400)} -> ${status} ${JSON.stringify(body).slice(0, 300)}`);
        },
        tally,
        null,
      );
    });
  });
}
