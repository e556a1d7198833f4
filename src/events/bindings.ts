import type { Db } from '../store/index.js';
import { ensureEventApp, findBindings, insertBinding } from '../store/events.js';

/** imbot.register's EVENT_BOT_DELETE: an ONIMBOTDELETE binding of the registering application, once. */
export async function bindBotDelete(db: Db, appId: number, handler: string, userId: number, now: number): Promise<void> {
  await ensureEventApp(db, appId, now);
  if ((await findBindings(db, { appId, event: 'ONIMBOTDELETE', handler, authType: 0 })).length) return;
  await insertBinding(db, {
    app_id: appId,
    hook_id: null,
    event: 'ONIMBOTDELETE',
    handler,
    auth_type: 0,
    user_id: userId,
    offline: 0,
    connector: '',
    options: '{}',
    date_create: now,
  });
}
