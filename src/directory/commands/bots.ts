/** Bot commands: a bot is a user (external_auth_id `bot`) with a `bots` row, added and removed together. */
import type { Insertable } from 'kysely';
import { emailKey } from '../../facts.js';
import { botCodeOwner, deleteBot, findBot, insertBot } from '../../store/bots.js';
import type { BotsTable, UsersTable } from '../../store/schema.js';
import { emailOwner } from '../../store/users.js';
import { clock } from '../../clock.js';
import { RuleError, ruleMessage } from '../rules.js';
import type { Tx } from './run.js';

export interface NewBot {
  user: Omit<Insertable<UsersTable>, 'login' | 'email' | 'email_key' | 'date_register' | 'timestamp_x'> & { email?: string };
  bot: Omit<Insertable<BotsTable>, 'user_id'>;
}

export async function registerBot(tx: Tx, input: NewBot): Promise<number> {
  const code = input.bot.code;
  const other = await botCodeOwner(tx.db, code);
  if (other !== undefined) throw new RuleError('duplicate_bot_code', 'CODE', `CODE_ERROR: ${ruleMessage.duplicateBotCode(code, other)}`);
  const email = input.user.email;
  if (email !== undefined) {
    const owner = await emailOwner(tx.db, email);
    if (owner !== undefined) throw new RuleError('duplicate_email', 'PROPERTIES[EMAIL]', ruleMessage.duplicateEmail(email, owner));
  }
  const now = clock.unix();
  const id = await insertBot(
    tx.db,
    {
      ...input.user,
      login: `bot_${code}`.slice(0, 50),
      email: email ?? '',
      email_key: emailKey(email ?? '', code),
      external_auth_id: 'bot',
      date_register: now,
      timestamp_x: now,
    },
    input.bot,
  );
  await tx.changed({ kind: 'bot.registered', entity: id, fields: { code, type: input.bot.type, name: input.user.name ?? '', last_name: input.user.last_name ?? '' } });
  return id;
}

export async function unregisterBot(tx: Tx, id: number): Promise<void> {
  const bot = await findBot(tx.db, id);
  if (!bot) throw new RuleError('not_found', 'BOT_ID', `BOT_ID ${id} is not a registered bot`);
  await deleteBot(tx.db, id);
  await tx.changed({ kind: 'bot.unregistered', entity: id, fields: { code: bot.code, app_id: bot.app_id } });
}
