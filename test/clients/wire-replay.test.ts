/**
 * The clients we cannot install here (b24phpsdk, CRest, b24pysdk, BX24.js-style code), replayed
 * from their wire format as recorded in spec/reference/clients.md and their sources: URL shapes
 * (trailing and doubled slashes, `.json`), body encodings (JSON, form, none), telemetry query
 * parameters and headers. Each request is sent to a real Roster over https and its answer is
 * compared with the same call made the plain way.
 *
 * docs/CLIENTS.md shows these exact requests and the setup lines they come from: this test fails
 * when the document and the recorded requests disagree, so the document cannot drift.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { bigCompany, startClientRoster, type ClientRoster } from './harness.js';
import { GENEROUS } from './scenarios/b24jssdk.js';
import { CREST_HOOK, DOC_HOST, PHP_HOOK, PY_TOKEN, RECORDED, REQUEST_ID, SECRET, crestTarget, phpTarget, pyTarget, render, type Recorded } from './recorded.js';

const DOC = new URL('../../docs/CLIENTS.md', import.meta.url);

/** `<!-- KIND: id -->` followed by a fenced block, as {id: text}. */
function markedBlocks(doc: string, kind: 'replay' | 'snippet'): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of doc.matchAll(new RegExp(`<!-- ${kind}: ([\\w-]+) -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``, 'g'))) {
    assert.ok(!out.has(m[1]!), `${kind} ${m[1]} appears twice in docs/CLIENTS.md`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** `{ a: { b: 1 } }` as a JS object literal is written in the document. */
function toJsLiteral(value: unknown): string {
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${toJsLiteral(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/** Sends the recorded bytes over https, trusting only the development certificate. */
function replay(r: ClientRoster, rec: Recorded, secret: string, ca: string): Promise<{ status: number; body: any }> {
  const url = new URL(r.https.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [k, v] of rec.headers) headers[k] = v;
  const body = rec.body === undefined ? undefined : Buffer.from(rec.body);
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: rec.verb, path: rec.target.replaceAll(SECRET, secret), headers, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('docs/CLIENTS.md shows exactly the recorded requests', () => {
  let doc: string;
  before(async () => {
    doc = await readFile(DOC, 'utf8');
  });

  it('has one replay block per recorded request, byte for byte', () => {
    const blocks = markedBlocks(doc, 'replay');
    assert.deepEqual([...blocks.keys()].sort(), RECORDED.map((r) => r.id).sort());
    for (const rec of RECORDED) assert.equal(blocks.get(rec.id), render(rec), `replay block ${rec.id}`);
  });

  it('each request follows from the setup lines the document gives for its client', () => {
    const snippets = markedBlocks(doc, 'snippet');
    for (const rec of RECORDED) {
      const text = snippets.get(rec.snippet.id);
      assert.ok(text, `no snippet ${rec.snippet.id} for ${rec.id}`);
      for (const line of rec.snippet.contains) assert.ok(text.includes(line), `snippet ${rec.snippet.id} lacks ${line}`);
    }
  });

  it('the npm clients\' snippets are the setup their tests run', () => {
    const snippets = markedBlocks(doc, 'snippet');
    // test/clients/scenarios/b24jssdk.ts builds its client the same way, with the same limits
    assert.ok(snippets.get('b24jssdk')?.includes(`B24Hook.fromWebhookUrl('https://${DOC_HOST}/rest/1/${SECRET}/', {`));
    assert.ok(snippets.get('b24jssdk')?.includes(`restrictionParams: ${toJsLiteral(GENEROUS)}`));
    assert.ok(snippets.get('2bad')?.includes(`Bitrix('https://${DOC_HOST}/rest/1/${SECRET}')`));
  });

  it('the URL rules give the shapes clients.md recorded', () => {
    assert.equal(phpTarget(PHP_HOOK, 'User.Get'), `/rest/1/${SECRET}/user.get/?bx24_request_id=${REQUEST_ID}`);
    assert.equal(phpTarget(`${PHP_HOOK}/`, 'user.get'), `/rest/1/${SECRET}//user.get/?bx24_request_id=${REQUEST_ID}`);
    assert.equal(crestTarget(CREST_HOOK, 'batch'), `/rest/1/${SECRET}/batch.json`);
    assert.equal(pyTarget(PY_TOKEN, 'user.get'), `/rest/1/${SECRET}/user.get.json`);
  });
});

describe('the recorded requests of b24phpsdk, CRest, b24pysdk and BX24.js-style code, replayed over https', () => {
  let r: ClientRoster;
  let secret: string;
  let ca: string;
  before(async () => {
    r = await startClientRoster({ seed: bigCompany(150), config: { limits: 'off' } });
    secret = /\/rest\/1\/([^/]+)\//.exec(r.admin)![1]!;
    ca = await readFile(r.certPath, 'utf8');
  });
  after(() => r?.close());

  const plain = async (method: string, params: Record<string, unknown>) => {
    const res = await r.call(method, params);
    assert.equal(res.status, 200, `${method}: ${res.text}`);
    return res.body;
  };

  for (const rec of RECORDED) {
    it(`${rec.client}: ${rec.id}`, async () => {
      const res = await replay(r, rec, secret, ca);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(typeof res.body.time?.start, 'number');
      if ('method' in rec.reference) {
        const ref = await plain(rec.reference.method, rec.reference.params);
        assert.deepEqual(res.body.result, ref.result);
        assert.equal(res.body.total, ref.total);
        assert.equal(res.body.next, ref.next);
        return;
      }
      assert.deepEqual(res.body.result.result_error, []);
      const results: Record<string, any> = {};
      for (const [key, cmd] of Object.entries(rec.reference.batch)) {
        // '$key.49.ID': the reference resolved by hand from the earlier command's answer
        const params = JSON.parse(JSON.stringify(cmd.params), (_k, v) => {
          const ref = typeof v === 'string' ? /^\$(\w+)\.(\d+)\.(\w+)$/.exec(v) : null;
          return ref ? results[ref[1]!][Number(ref[2])][ref[3]!] : v;
        });
        const ref = await plain(cmd.method, params);
        results[key] = ref.result;
        assert.deepEqual(res.body.result.result[key], ref.result, `command ${key}`);
        assert.ok(Array.isArray(ref.result) ? ref.result.length > 0 : ref.result, `command ${key} found something`);
      }
    });
  }
});
