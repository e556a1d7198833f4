import { isSelectableColor } from '../directory/colors.js';
import { isCalendarDate, isEmail } from '../facts.js';
import { readId } from './id-param.js';
import { formatFullName } from '../directory/names.js';
import { flag, text } from './user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { upperKeys, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import { WireMap } from '../rest/wire-map.js';
import { registerBot, unregisterBot } from '../directory/commands/bots.js';
import { ruleMessage } from '../directory/rules.js';
import { runCommand } from '../directory/commands/run.js';
import { listBots } from '../store/bots.js';
import { requireAdmin } from './access.js';
import { commandEnv } from './command-env.js';
import { bindBotDelete } from '../events/bindings.js';
import { handlerUrlProblem } from '../events/handler-url.js';
import { clock } from '../clock.js';

/** imbot.register's TYPE letters and the bot types upstream's bot_data reports for them. */
export const BOT_TYPES: Readonly<Record<string, string>> = { B: 'bot', H: 'human', N: 'network', O: 'openline', S: 'supervisor' };

const EVENT_KEYS = ['EVENT_HANDLER', 'EVENT_MESSAGE_ADD', 'EVENT_WELCOME_MESSAGE', 'EVENT_BOT_DELETE', 'EVENT_MESSAGE_UPDATE', 'EVENT_MESSAGE_DELETE'];

function httpUrl(p: Params, key: string, argument: string): string | undefined {
  const s = text(p, key, 1024);
  if (s === undefined || s === '') return s;
  let url: URL | undefined;
  try {
    url = new URL(s);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw argumentError(argument, `${argument} must be an absolute http(s) URL`);
  return s;
}

/** `text` with the argument reported as `PROPERTIES[KEY]`. */
function prop(props: Params, key: string, max: number): string | undefined {
  try {
    return text(props, key, max);
  } catch {
    throw argumentError(`PROPERTIES[${key}]`, `PROPERTIES[${key}] must be a string of at most ${max} characters without control characters`);
  }
}

interface BotInput {
  code: string;
  type: string;
  openline: boolean;
  appId: string;
  name: string;
  lastName: string;
  color: string | null;
  workPosition: string;
  email: string | undefined;
  birthday: string | null;
  website: string;
  gender: string;
  photo: string;
}

/** Every imbot.register parameter checked before anything is written. */
function readBotInput(p: Params): BotInput {
  const code = text(p, 'CODE', 50);
  if (!code) throw argumentError('CODE', 'CODE_ERROR: CODE is required: the bot\'s string identifier');
  let type = 'bot';
  if (p.TYPE !== undefined && p.TYPE !== null && p.TYPE !== '') {
    const letter = typeof p.TYPE === 'string' ? p.TYPE.trim().toUpperCase() : '';
    if (!(letter in BOT_TYPES)) throw argumentError('TYPE', `TYPE must be one of ${Object.keys(BOT_TYPES).join(', ')}`);
    type = BOT_TYPES[letter]!;
  }
  const openline = flag(p, 'OPENLINE') === true || type === 'openline';
  const appId = text(p, 'CLIENT_ID', 128) ?? '';
  for (const key of EVENT_KEYS) httpUrl(p, key, key);
  if (p.PROPERTIES === null || typeof p.PROPERTIES !== 'object' || Array.isArray(p.PROPERTIES)) {
    throw argumentError('PROPERTIES', 'PROPERTIES is required: an object with at least NAME or LAST_NAME');
  }
  const props = upperKeys(p.PROPERTIES as Params);
  const name = prop(props, 'NAME', 50) ?? '';
  const lastName = prop(props, 'LAST_NAME', 50) ?? '';
  if (!name && !lastName) throw argumentError('PROPERTIES[NAME]', 'NAME_ERROR: PROPERTIES needs NAME or LAST_NAME');
  const colorText = prop(props, 'COLOR', 20);
  let color: string | null = null;
  if (colorText) {
    color = colorText.toUpperCase();
    if (!isSelectableColor(color)) throw argumentError('PROPERTIES[COLOR]', `PROPERTIES[COLOR] is not a palette colour: ${colorText}`);
  }
  const email = prop(props, 'EMAIL', 255) || undefined;
  if (email !== undefined && !isEmail(email)) throw argumentError('PROPERTIES[EMAIL]', 'PROPERTIES[EMAIL] is not a valid e-mail address');
  const birthdayText = prop(props, 'PERSONAL_BIRTHDAY', 10);
  if (birthdayText && !isCalendarDate(birthdayText)) throw argumentError('PROPERTIES[PERSONAL_BIRTHDAY]', `${ruleMessage.badDay('PROPERTIES[PERSONAL_BIRTHDAY]', birthdayText)} [bad_date]`);
  const gender = (prop(props, 'PERSONAL_GENDER', 1) ?? '').toUpperCase();
  if (gender !== '' && gender !== 'M' && gender !== 'F') throw argumentError('PROPERTIES[PERSONAL_GENDER]', 'PROPERTIES[PERSONAL_GENDER] must be M, F or empty');
  return {
    code,
    type,
    openline,
    appId,
    name,
    lastName,
    color,
    workPosition: prop(props, 'WORK_POSITION', 255) ?? '',
    email,
    birthday: birthdayText || null,
    website: httpUrl(props, 'PERSONAL_WWW', 'PROPERTIES[PERSONAL_WWW]') ?? '',
    gender,
    // Roster stores no files: the avatar is a URL, not upstream's base64 image
    photo: httpUrl(props, 'PERSONAL_PHOTO', 'PROPERTIES[PERSONAL_PHOTO]') ?? '',
  };
}

const CLIENT_ID: ParamSpec = { name: 'CLIENT_ID', type: 'string', description: 'The application the bot belongs to (an OAuth caller\'s own by default), at most 128 characters', example: '' };

export const imbotMethods: MethodDefinition[] = [
  {
    name: 'imbot.register',
    scope: 'imbot',
    list: 'none',
    upperParams: true,
    summary: 'Registers a chat bot (CODE, TYPE, PROPERTIES) as a bot user; returns its id',
    differences: [
      'Administrators only; upstream lets any user of an application with the imbot scope register bots.',
      'A CODE already registered is ERROR_ARGUMENT; upstream hands the same application its existing bot id.',
      'EVENT_* handlers are optional and checked to be http(s) URLs; of them only EVENT_BOT_DELETE (or EVENT_HANDLER) is called, with ONIMBOTDELETE, when an OAuth application registers the bot. Roster sends no message events.',
      'PROPERTIES[PERSONAL_PHOTO] is an absolute http(s) URL, not a base64 image.',
      'Errors are ERROR_ARGUMENT naming the parameter, with upstream\'s code (CODE_ERROR, NAME_ERROR) at the start of the description.',
    ],
    params: [
      { name: 'CODE', type: 'string', required: true, description: 'The bot\'s string identifier, unique, at most 50 characters', example: 'helper_bot' },
      { name: 'TYPE', type: 'enum', values: Object.keys(BOT_TYPES), description: 'B bot (default), H human, N network, O open line, S supervisor', example: 'B' },
      { name: 'OPENLINE', type: 'Y/N', description: 'Y: an open-line bot (TYPE O implies it)', example: 'N' },
      CLIENT_ID,
      ...EVENT_KEYS.map((key): ParamSpec => ({
        name: key,
        type: 'string',
        description: key === 'EVENT_BOT_DELETE' || key === 'EVENT_HANDLER'
          ? 'Handler URL (http(s)); for an OAuth caller ONIMBOTDELETE is sent there (EVENT_BOT_DELETE first)'
          : 'Handler URL (http(s)), checked and kept: Roster sends no message events',
        example: '',
      })),
      {
        name: 'PROPERTIES',
        type: 'object',
        required: true,
        description: 'The bot user: NAME or LAST_NAME (required), COLOR, EMAIL, PERSONAL_BIRTHDAY, PERSONAL_GENDER, PERSONAL_WWW, PERSONAL_PHOTO (a URL), WORK_POSITION',
        example: { NAME: 'Helper', WORK_POSITION: 'Answers questions' },
      },
    ],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'register bots');
      const input = readBotInput(p);
      const app = ctx.caller.credential.kind === 'oauth' ? ctx.caller.credential.application : undefined;
      // the registering application owns the bot: ONIMBOTDELETE goes to its EVENT_BOT_DELETE handler
      if (app && !input.appId) input.appId = app.clientId;
      const onDelete = app ? (text(p, 'EVENT_BOT_DELETE', 1024) || text(p, 'EVENT_HANDLER', 1024) || '') : '';
      const handlerProblem = onDelete ? handlerUrlProblem(onDelete, ctx.app.config.eventHosts) : null;
      if (handlerProblem) throw argumentError('EVENT_BOT_DELETE', `EVENT_BOT_DELETE: ${handlerProblem}`);
      const now = clock.unix();
      const id = await runCommand(commandEnv(ctx), async (tx) => {
        const botId = await registerBot(tx, {
          user: {
            email: input.email,
            active: 1,
            user_type: 'employee',
            name: input.name,
            last_name: input.lastName,
            work_position: input.workPosition,
            gender: input.gender,
            birthday: input.birthday,
            photo: input.photo,
            website: input.website,
            color: input.color,
          },
          bot: { code: input.code, type: input.type, app_id: input.appId, openline: input.openline ? 1 : 0, hidden: 0 },
        });
        if (app && onDelete) await bindBotDelete(tx.db, app.id, onDelete, ctx.caller.user.id, now);
        return botId;
      });
      return { result: id };
    },
  },
  {
    name: 'imbot.unregister',
    scope: 'imbot',
    list: 'none',
    upperParams: true,
    summary: 'Removes a bot (BOT_ID) and its user',
    differences: ['Administrators only; an unknown BOT_ID is ERROR_ARGUMENT.'],
    params: [{ name: 'BOT_ID', type: 'int', required: true, description: 'The bot\'s user id', example: 61 }, CLIENT_ID],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'remove bots');
      const id = readId(p, 'BOT_ID', 'a bot');
      text(p, 'CLIENT_ID', 128);
      await runCommand(commandEnv(ctx), (tx) => unregisterBot(tx, id));
      return { result: true };
    },
  },
  {
    name: 'imbot.bot.list',
    scope: 'imbot',
    list: 'none',
    summary: 'The registered bots keyed by id: ID, NAME, CODE, OPENLINE',
    differences: [
      'Network bots are left out, as upstream leaves them out.',
      'An extranet caller sees only the bots they may see as users (members of their groups), as im.user.list.get does.',
    ],
    params: [],
    handler: async (ctx: CallContext) => {
      const bots = await listBots(ctx.app.store.db, ctx.caller.viewer);
      return {
        result: WireMap.from(
          bots
            .filter((b) => b.type !== 'network')
            .map((b) => [
              b.id,
              { ID: b.id, NAME: formatFullName(b, ctx.app.config.nameTemplate), CODE: b.code, OPENLINE: b.openline === 1 ? 'Y' : 'N' },
            ] as const),
        ),
      };
    },
  },
];
