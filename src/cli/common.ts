import { CLI_ACTOR, runCommand, type Tx } from '../directory/commands/run.js';
import { RuleError } from '../directory/rules.js';
import type { Store } from '../store/index.js';
import { StoreBusyError } from '../store/write.js';
import { loadSettings } from '../config.js';

/** A mistake on the command line: printed without a stack trace, exit code 2. */
export class CliError extends Error {}

export function dbLocation(flag?: string): string {
  return loadSettings(['db'], flag ? { db: flag } : {}).db;
}

/** Hosts event handlers may be on: ROSTER_EVENT_HOSTS, which the server reads as --event-hosts. */
export const eventHosts = (): string => loadSettings(['eventHosts']).eventHosts;

/** The base URL printed in webhook URLs: --url, else ROSTER_PUBLIC_URL, else host and port settings. */
export function serverUrl(flag?: string): string {
  if (flag) return flag.replace(/\/+$/, '');
  const config = loadSettings(['publicUrl', 'host', 'port']);
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.port}`;
}

/** Runs a command as the CLI; a rule's refusal is a CLI error (message, exit code 2), not a stack trace. */
export async function cliCommand<T>(store: Store, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await runCommand({ store, actor: CLI_ACTOR }, work);
  } catch (error) {
    if (error instanceof RuleError || error instanceof StoreBusyError) throw new CliError(error.message);
    throw error;
  }
}
