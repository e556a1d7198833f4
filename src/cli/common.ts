import { loadConfig } from '../config.js';

/** A mistake on the command line: printed without a stack trace, exit code 2. */
export class CliError extends Error {}

export function dbLocation(flag?: string): string {
  return loadConfig(flag ? { db: flag } : {}).db;
}

/** The base URL printed in webhook URLs: --url, else ROSTER_PUBLIC_URL, else host and port settings. */
export function serverUrl(flag?: string): string {
  if (flag) return flag.replace(/\/+$/, '');
  const config = loadConfig();
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.port}`;
}
