/**
 * Credential commands: webhooks and OAuth applications. They are not directory data, but what
 * readers of the directory may act on (a cache of callers, the console), so they go through
 * commands and the change feed like the rest. Secrets never go into change records.
 */
import { createApplication as insertApplication, deleteApplication as removeApplication, type NewApplication } from '../../store/oauth.js';
import { findUser } from '../../store/users.js';
import { createWebhook as insertWebhook, revokeWebhook as markRevoked, type NewWebhook } from '../../store/webhooks.js';
import { RuleError } from '../rules.js';
import type { Tx } from './run.js';

export async function createWebhook(tx: Tx, hook: NewWebhook): Promise<{ id: number; secret: string }> {
  if (!(await findUser(tx.db, hook.userId))) throw new RuleError('not_found', 'USER_ID', `User ${hook.userId} does not exist`);
  const created = await insertWebhook(tx.db, hook);
  await tx.changed({ kind: 'webhook.created', entity: created.id, fields: { user: hook.userId, scope: hook.scopes, title: hook.title ?? '' } });
  return created;
}

export async function revokeWebhook(tx: Tx, id: number): Promise<void> {
  if (!(await markRevoked(tx.db, id))) throw new RuleError('not_found', 'ID', `there is no active webhook ${id}`);
  await tx.changed({ kind: 'webhook.revoked', entity: id });
}

export async function createApplication(tx: Tx, app: NewApplication): Promise<{ id: number; clientId: string; clientSecret: string }> {
  const created = await insertApplication(tx.db, app);
  await tx.changed({ kind: 'app.created', entity: created.id, fields: { client_id: created.clientId, name: app.name, scope: app.scopes } });
  return created;
}

export async function deleteApplication(tx: Tx, clientId: string): Promise<void> {
  const id = await removeApplication(tx.db, clientId);
  if (id === undefined) throw new RuleError('not_found', 'CLIENT_ID', `there is no application ${clientId}`);
  await tx.changed({ kind: 'app.deleted', entity: id, fields: { client_id: clientId } });
}
