/**
 * Whole-directory commands: import (replace, merge) and reset. Each validates with the import
 * validator (the same rules as every other command, src/directory/rules.ts), then rewrites the
 * directory tables in bulk in one write transaction, which holds the directory's write lock: a
 * `user.add` meanwhile waits (and gets an id after the imported ones), it never collides.
 *
 * Replacing can give a user id to somebody else, so credentials (webhooks, OAuth tokens) of a
 * user who is gone or whose e-mail changed are revoked in the same transaction (issue #9 §12).
 */
import { emptyDirectory, type FullDirectory } from '../../store/directory-format.js';
import { clearDirectory, insertFullDirectory, readDirectory, restartSqliteSequences, sqliteBulkSettings, type Progress, type WriteCounts } from '../../store/directory-io.js';
import { validateDirectory, type Problem, type ValidationResult } from '../../state/validate.js';
import { syncIdSequences } from '../../store/migrations/index.js';
import { allUserIds } from '../../store/users.js';
import { credentialHolders, deleteAllWebhooks, revokeCredentialsOf } from '../../store/webhooks.js';
import { clock } from '../../clock.js';
import { emailKey } from '../../facts.js';
import { runCommand, type CommandEnv, type Tx } from './run.js';

export type ImportMode = 'replace' | 'merge';

export interface ImportOptions {
  mode: ImportMode;
  progress?: Progress;
  /** the instant defaults take (ISO); default now */
  now?: string;
  /** called once the document validated, before anything is written */
  onValidated?: (result: ValidationResult) => void;
}

/** What a replace revoked: credentials of users who are gone or whose e-mail changed. */
export interface Revoked {
  webhooks: number[];
  tokens: number;
  users: number[];
}

export type ImportOutcome =
  | { ok: true; mode: ImportMode; counts: WriteCounts; given: ValidationResult['given']; revoked: Revoked }
  | { ok: false; problems: Problem[] };

class Refused extends Error {
  constructor(readonly problems: Problem[]) {
    super('the document does not validate');
  }
}

/**
 * Writes `dir` over the directory tables, revoking credentials whose user is gone or changed
 * address, and records it. Call inside a command.
 */
export async function replaceTables(tx: Tx, dir: FullDirectory, kind: 'directory.replaced' | 'directory.merged', progress?: Progress): Promise<{ counts: WriteCounts; revoked: Revoked }> {
  const holders = await credentialHolders(tx.db);
  const next = new Map(dir.users.map((u) => [u.id, emailKey(u.email, u.bot?.code)]));
  const stale = [...holders].filter(([id, key]) => next.get(id) !== key).map(([id]) => id).sort((a, b) => a - b);
  const { webhooks, tokens } = await revokeCredentialsOf(tx.db, stale);
  const before = new Set(await allUserIds(tx.db));
  // events (ONUSERADD with --events-on-import) need to know who is new
  const added = dir.users.filter((u) => !before.has(u.id) && u.active).map((u) => u.id);
  progress?.('clear', 0, 1);
  await clearDirectory(tx.db);
  progress?.('clear', 1, 1);
  const counts = await insertFullDirectory(tx.db, tx.dialect, dir, progress);
  await restartSqliteSequences(tx.db, tx.dialect);
  // inside the transaction, under the write lock: the next user.add continues after these ids
  await syncIdSequences(tx.db as never, tx.dialect);
  const revoked = { webhooks, tokens, users: stale };
  await tx.changed(
    { kind, entity: null, fields: { departments: counts.departments, users: counts.users, groups: counts.groups, revoked_users: stale, users_added: added } },
    ...webhooks.map((id) => ({ kind: 'webhook.revoked' as const, entity: id, fields: { reason: kind } })),
  );
  return { counts, revoked };
}

/**
 * Validates `document` and, only when it has no problem at all, writes it in one transaction.
 *
 * - `replace`: the directory becomes exactly the document.
 * - `merge`: the document is laid over the stored directory, by id (see docs/IMPORT.md);
 *   validation sees the merged result, read under the write lock so no write is lost.
 */
export async function importDirectory(env: CommandEnv, document: unknown, options: ImportOptions): Promise<ImportOutcome> {
  const { mode, progress, now } = options;
  let replaceResult: ValidationResult | undefined;
  if (mode === 'replace') {
    // validation of a large document takes seconds: done before taking the write lock
    replaceResult = validateDirectory(document, { mode, now });
    if (replaceResult.problems.length) return { ok: false, problems: replaceResult.problems };
    options.onValidated?.(replaceResult);
  }
  try {
    return await sqliteBulkSettings(env.store, () =>
      runCommand(env, async (tx): Promise<ImportOutcome> => {
        let result = replaceResult;
        if (!result) {
          result = validateDirectory(document, { mode, base: await readDirectory(tx.db, tx.dialect), now });
          if (result.problems.length) throw new Refused(result.problems);
          options.onValidated?.(result);
        }
        const { counts, revoked } = await replaceTables(tx, result.directory, mode === 'replace' ? 'directory.replaced' : 'directory.merged', progress);
        return { ok: true, mode, counts, given: result.given, revoked };
      }),
    );
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problems: error.problems };
    throw error;
  }
}

/**
 * Back to `seed` (a validated directory) or, without one, to what a fresh database holds.
 * Webhooks stay unless `dropWebhooks` (those of users the seed does not have are revoked).
 */
export async function resetDirectory(env: CommandEnv, seed: FullDirectory | null, options: { dropWebhooks?: boolean } = {}): Promise<WriteCounts> {
  const dir = seed ?? emptyDirectory(new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return sqliteBulkSettings(env.store, () =>
    runCommand(env, async (tx) => {
      if (options.dropWebhooks) {
        const dropped = await deleteAllWebhooks(tx.db);
        await tx.changed(...dropped.map((id) => ({ kind: 'webhook.revoked' as const, entity: id, fields: { reason: 'reset' } })));
      }
      return (await replaceTables(tx, dir, 'directory.replaced')).counts;
    }),
  );
}
