/**
 * What `roster serve` says about the web console: its address, and with --demo a ready
 * administrator sign-in. The demo's administrator (user 1) gets a random password when it has
 * none; one set before (by an earlier start or `roster user password`) is kept, never shown.
 */
import { randomBytes } from 'node:crypto';
import type { Roster } from '../app.js';
import { setPassword } from '../directory/commands/users.js';
import { runCommand, SYSTEM_ACTOR } from '../directory/commands/run.js';
import { hashPassword } from '../oauth/passwords.js';
import { findUser } from '../store/users.js';

export async function consoleLines(roster: Roster, url: string): Promise<string[]> {
  const { config } = roster.app;
  if (!config.console) return [];
  const address = `${url}/`;
  if (!config.demo) return ['', `Console: ${address} (administrators sign in with their password: roster user password <id>)`];
  const admin = await findUser(roster.store.db, 1);
  if (!admin || admin.is_admin !== 1 || admin.active !== 1) return ['', `Console: ${address} (user 1 is no active administrator: set a password with roster user password <id>)`];
  if (admin.password_hash) return ['', `Console: ${address} — sign in as ${admin.login || admin.email} with the password set before (roster user password 1 sets a new one)`];
  const password = randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  await runCommand({ store: roster.store, actor: SYSTEM_ACTOR, onCommitted: roster.app.afterWrite }, (tx) => setPassword(tx, 1, hash));
  return ['', `Console: ${address}`, `  sign in as ${admin.login || admin.email}, password ${password} (set now; roster user password 1 changes it)`];
}
