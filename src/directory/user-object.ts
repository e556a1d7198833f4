import { isOutsider } from '../facts.js';
import type { UserRecord } from '../store/users.js';
import { userColor } from './colors.js';
import { atomOrFalse, nextDay, startOfDay } from './dates.js';
import { firstName, formatFullName } from './names.js';

/** What the presenters need to know about the server, not about the user. */
export interface PresentOptions {
  timeZone: string;
  nameTemplate: string;
  /** `https://host:port`, for photos stored as paths */
  baseUrl: string;
}

export type UserType = 'user' | 'extranet' | 'bot' | 'guest' | 'collaber';

export function userType(user: Pick<UserRecord, 'external_auth_id' | 'user_type'>): UserType {
  if (user.external_auth_id === 'bot') return 'bot';
  if (user.external_auth_id === 'im_guest') return 'guest';
  if (user.user_type === 'collaber') return 'collaber';
  if (user.user_type === 'extranet') return 'extranet';
  return 'user';
}

export function absoluteUrl(url: string, baseUrl: string): string {
  if (!url || /^https?:\/\//i.test(url)) return url;
  return `${baseUrl}${url.startsWith('/') ? '' : '/'}${url}`;
}

/** `1990-05-11` → `11-05`. */
function birthdayDdMm(birthday: string | null): string {
  return birthday ? `${birthday.slice(8, 10)}-${birthday.slice(5, 7)}` : '';
}

/**
 * The messenger user object (CONTRACT §4): the one place its fields, order and "no value"
 * conventions are decided.
 */
export function presentImUser(user: UserRecord, opts: PresentOptions, { avatarHr = false } = {}) {
  const type = userType(user);
  const isBot = type === 'bot';
  const avatar = absoluteUrl(user.photo, opts.baseUrl);
  return {
    id: user.id,
    active: user.active === 1,
    name: formatFullName(user, opts.nameTemplate),
    first_name: firstName(user),
    last_name: user.last_name,
    work_position: user.work_position,
    color: userColor(user.id, user.gender, user.color),
    avatar,
    ...(avatarHr ? { avatar_hr: avatar } : {}),
    gender: user.gender === 'F' ? 'F' : 'M',
    birthday: birthdayDdMm(user.birthday),
    extranet: isOutsider(user.user_type),
    network: user.external_auth_id === 'replica' || (isBot && user.bot?.type === 'network'),
    bot: isBot,
    connector: user.external_auth_id === 'imconnector',
    external_auth_id: user.external_auth_id ?? 'default',
    status: user.status,
    idle: atomOrFalse(user.idle_at, opts.timeZone),
    // bots have no presence of their own, as upstream
    last_activity_date: isBot ? false : atomOrFalse(user.last_activity_at, opts.timeZone),
    mobile_last_date: isBot ? false : atomOrFalse(user.mobile_last_at, opts.timeZone),
    desktop_last_date: isBot ? false : atomOrFalse(user.desktop_last_at, opts.timeZone),
    // upstream reports the moment the leave is over: the start of the day after its last day
    absent: user.absent_until ? atomOrFalse(startOfDay(nextDay(user.absent_until), opts.timeZone), opts.timeZone) : false,
    departments: user.departments,
    phones: {
      work_phone: user.work_phone,
      personal_mobile: user.personal_mobile,
      personal_phone: user.personal_phone,
    },
    bot_data: user.bot
      ? {
          id: user.id,
          code: user.bot.code,
          type: user.bot.type,
          app_id: user.bot.app_id,
          is_hidden: user.bot.hidden === 1,
          is_support_openline: user.bot.openline === 1,
          openline: user.bot.openline === 1,
          background_id: null,
          reactions_enabled: true,
        }
      : null,
    type,
    website: user.website,
    email: user.email,
  };
}

export type ImUser = ReturnType<typeof presentImUser>;
