/**
 * Every method's parameter list (`params` of its registry entry: what the console's API explorer
 * shows and docs/COMPATIBILITY.md lists) against what its handler really reads. Each handler is
 * wrapped so that the parameters object it receives records every key looked up on it; then every
 * method is called over HTTP, as an administrator and as an ordinary user (some methods read
 * nothing more for one of them), with no parameters, with every listed parameter's example, and
 * with each one left out in turn. A key read that is not listed fails, and so does a listed
 * parameter no call ever read: the list cannot drift from the handlers without this test failing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Params } from '../../src/rest/params.js';
import type { MethodDefinition, ParamSpec } from '../../src/rest/registry.js';
import { SCOPES } from '../../src/rest/scopes.js';
import { createApplication, issueTokens } from '../../src/store/oauth.js';
import { startHandler, type HandlerServer } from '../helpers/handlers.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

/** Looked up by the runtime rather than by a handler (a promise check, JSON.stringify). */
const NOT_PARAMETERS = new Set(['then', 'toJSON', ...Object.getOwnPropertyNames(Object.prototype)]);

/** The parameters object a handler gets, recording the keys looked up on it. */
function recording(params: Params, seen: Set<string>): Params {
  return new Proxy(params, {
    get(target, key, receiver) {
      if (typeof key === 'string') seen.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      if (typeof key === 'string') seen.add(key);
      return Reflect.has(target, key);
    },
  });
}

const spellings = (p: ParamSpec) => [p.name, ...(p.aliases ?? [])];

/** The calls made for a method: nothing, every example, and every example but one. */
function probes(definition: MethodDefinition, overrides: Params): Params[] {
  const withExample = definition.params.filter((p) => p.example !== undefined);
  const full: Params = Object.fromEntries(withExample.map((p) => [p.name, overrides[p.name] ?? p.example]));
  return [{}, full, ...withExample.map((left) => Object.fromEntries(Object.entries(full).filter(([k]) => k !== left.name)))];
}

for (const engine of engines) {
  describe(`method parameters are the parameters handlers read (${engine})`, () => {
    let r: TestRoster;
    let handler: HandlerServer;
    const tokens: string[] = [];
    const reads = new Map<string, Set<string>>();

    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      handler = await startHandler();
      const db = r.roster.store.db;
      const app = await createApplication(db, { name: 'Parameter probe', scopes: [...SCOPES] });
      // the administrator first: the ordinary user's calls then find what the administrator's made
      for (const user of [1, 3]) tokens.push((await issueTokens(db, { appId: app.id, userId: user, scope: [...SCOPES] })).accessToken);
      for (const definition of r.roster.app.registry.all()) {
        const seen = new Set<string>();
        reads.set(definition.name, seen);
        const original = definition.handler;
        definition.handler = (ctx, p) => original(ctx, recording(p, seen));
      }
    });
    after(async () => {
      await r?.close();
      await handler?.close();
    });

    it('every method declares what it reads, and reads what it declares', async () => {
      const definitions = r.roster.app.registry.all();
      const calls = new Map<string, number>();
      for (const token of tokens) {
        for (const definition of definitions) {
          for (const params of probes(definition, { HANDLER: handler.url })) {
            const res = await r.call(definition.name, params, { hook: `${r.url}/rest/`, headers: { authorization: `Bearer ${token}` } });
            assert.ok(res.status < 500, `${definition.name} ${JSON.stringify(params)}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
            calls.set(definition.name, (calls.get(definition.name) ?? 0) + 1);
          }
        }
      }
      const problems: string[] = [];
      for (const definition of definitions) {
        const listed = new Set(definition.params.flatMap(spellings));
        // keys are upper-cased before an im handler sees them: a lower-case lookup never finds anything
        const seen = [...reads.get(definition.name)!].filter((k) => !NOT_PARAMETERS.has(k) && (!definition.upperParams || k === k.toUpperCase()));
        const unlisted = seen.filter((k) => !listed.has(k));
        if (unlisted.length) problems.push(`${definition.name} reads ${unlisted.join(', ')}, which its params do not list`);
        const unread = definition.params.filter((p) => !spellings(p).some((s) => seen.includes(s)));
        if (unread.length) problems.push(`${definition.name} lists ${unread.map((p) => p.name).join(', ')}, which no call read`);
        if (definition.upperParams) {
          const lower = definition.params.filter((p) => p.name !== p.name.toUpperCase());
          if (lower.length) problems.push(`${definition.name} reads upper-cased keys but lists ${lower.map((p) => p.name).join(', ')}`);
        }
        for (const p of definition.params) {
          if (!p.description.trim()) problems.push(`${definition.name} ${p.name} has no description`);
          if (p.type === 'enum' && !p.values?.length) problems.push(`${definition.name} ${p.name} is an enum without values`);
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(calls.size === definitions.length, 'every method was called');
    });

    it('a handler reading an unlisted parameter is caught', async () => {
      // the test's own check, on a method that reads one key more than it lists
      const seen = new Set<string>();
      r.roster.app.registry.add({
        name: 'test.sneaky',
        scope: 'basic',
        list: 'none',
        summary: 'reads SECRET without listing it',
        params: [{ name: 'LISTED', type: 'string', description: 'listed', example: 'x' }],
        handler: (_ctx, p) => ({ result: [p.LISTED, p.SECRET] }),
      });
      const stored = r.roster.app.registry.get('test.sneaky')!;
      const original = stored.handler;
      stored.handler = (ctx, p) => original(ctx, recording(p, seen));
      await r.call('test.sneaky', { LISTED: 'x' });
      assert.deepEqual([...seen].filter((k) => !stored.params.some((p) => p.name === k)), ['SECRET']);
    });
  });
}
