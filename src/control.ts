/**
 * The control plane of a server instance from its configuration (docs/CONTROL.md): the request
 * journal, the scripted faults, the metrics, the readiness checks and the starting clock.
 */
import { readFile } from 'node:fs/promises';
import { clock } from './clock.js';
import { ConfigError } from './config.js';
import type { App, ReadinessCheck } from './rest/context.js';
import { Faults, parseFaultRules } from './rest/faults.js';
import { decodeCommand } from './rest/batch-command.js';
import { Journal } from './rest/journal.js';
import { Metrics } from './rest/metrics.js';
import { decodeLimits } from './rest/request-params.js';

export async function setUpControl(app: App): Promise<void> {
  const { config } = app;
  // nothing could read the journal without the admin endpoints or the console: keep none then
  if ((config.adminToken || config.console) && config.journalSize > 0) {
    const limits = decodeLimits(config);
    app.journal = new Journal(config.journalSize, (text) => decodeCommand(text, limits));
  }
  if (config.adminToken || config.console || config.faults) app.faults = new Faults();
  if (config.faults) app.faults!.add(await loadFaultFile(config.faults));
  if (config.metrics) app.metrics = new Metrics(() => app.store.queryCount());
  app.readiness = defaultReadiness(app);
  if (config.clock) {
    // --clock: a test run starts at a known instant, and stays there until told to move (frozen
    // first: set on a running clock, then frozen, it froze a millisecond later when one ticked between)
    clock.freeze(true);
    clock.set(Date.parse(config.clock));
  }
}

/** `--faults <file>`: a rule, a list of rules or `{"rules": [...]}`; any problem stops the start. */
export async function loadFaultFile(file: string) {
  let body: unknown;
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`--faults: cannot read ${file}: ${(error as Error).message}`]);
  }
  const parsed = parseFaultRules(body);
  if (!parsed.ok) throw new ConfigError(parsed.problems.map((p) => `--faults ${file}: ${p.path}: ${p.message}`));
  return parsed.rules;
}

/** The store answers, its migrations are applied, Redis answers when limits live there. */
function defaultReadiness(app: App): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    {
      name: 'store',
      check: async () => {
        await app.store.ping();
        return true;
      },
    },
    {
      name: 'migrations',
      check: async () => {
        const pending = await app.store.pendingMigrations();
        return pending.length === 0 ? true : `not applied: ${pending.join(', ')}`;
      },
    },
  ];
  if (app.config.redis) {
    checks.push({
      name: 'redis',
      check: async () => {
        await app.limits?.ping();
        return true;
      },
    });
  }
  return checks;
}

/** For later parts (the read model, event deliveries): one more thing /readyz waits for. */
export function addReadinessCheck(app: App, check: ReadinessCheck): void {
  (app.readiness ??= []).push(check);
}
