/**
 * Every event Roster can send, in one map: its scope (the `events` method lists an event to a
 * caller holding one of them), whether it is upstream's or a Roster extension, who may bind it
 * and what its `auth` carries. Roster's own events start with ONROSTER, a prefix no Bitrix24
 * event uses, so an upstream name can never collide with one.
 */
export interface EventDefinition {
  name: string;
  /** scopes any one of which lets an application bind it; empty: every application (basic) */
  scopes: readonly string[];
  upstream: boolean;
  /** outgoing webhooks may bind it (application life-cycle events are for applications only) */
  webhook: boolean;
  /** `auth` carries refresh_token (upstream sends it only where long-term access is needed) */
  refreshToken: boolean;
  /** `auth` carries no tokens at all (ONAPPUNINSTALL: the application is gone) */
  noTokens?: boolean;
  summary: string;
}

const USER = ['user', 'user_basic', 'user_brief'];

export const EVENTS: readonly EventDefinition[] = [
  { name: 'ONAPPINSTALL', scopes: [], upstream: true, webhook: false, refreshToken: true, summary: 'the application was installed (`roster app install`, admin API)' },
  { name: 'ONAPPUNINSTALL', scopes: [], upstream: true, webhook: false, refreshToken: false, noTokens: true, summary: 'the application was uninstalled; its tokens are revoked' },
  { name: 'ONAPPTEST', scopes: [], upstream: true, webhook: false, refreshToken: false, summary: '`event.test` was called by the application' },
  { name: 'ONOFFLINEEVENT', scopes: [], upstream: true, webhook: false, refreshToken: true, summary: 'new records in the application\'s offline queue (at most once per options[minTimeout] seconds)' },
  { name: 'ONUSERADD', scopes: USER, upstream: true, webhook: true, refreshToken: false, summary: 'an active user was added (`user.add`; on import only with --events-on-import)' },
  { name: 'ONSONETGROUPADD', scopes: ['sonet_group'], upstream: true, webhook: true, refreshToken: true, summary: 'a workgroup was created' },
  { name: 'ONSONETGROUPUPDATE', scopes: ['sonet_group'], upstream: true, webhook: true, refreshToken: true, summary: 'a workgroup was changed' },
  { name: 'ONSONETGROUPDELETE', scopes: ['sonet_group'], upstream: true, webhook: true, refreshToken: true, summary: 'a workgroup was deleted' },
  { name: 'ONIMBOTDELETE', scopes: ['imbot'], upstream: true, webhook: false, refreshToken: false, summary: 'a chat bot the application registered was removed (`imbot.unregister`)' },
  { name: 'ONROSTERUSERUPDATE', scopes: USER, upstream: false, webhook: true, refreshToken: false, summary: 'a user\'s fields or departments changed (the changed fields)' },
  { name: 'ONROSTERUSERSTATUS', scopes: ['im'], upstream: false, webhook: true, refreshToken: false, summary: 'a user\'s presence changed (`im.user.status.set`, idleness)' },
  { name: 'ONROSTERUSERDISMISS', scopes: USER, upstream: false, webhook: true, refreshToken: false, summary: 'a user was dismissed (ACTIVE=N)' },
  { name: 'ONROSTERDEPARTMENTADD', scopes: ['department'], upstream: false, webhook: true, refreshToken: false, summary: 'a department was added' },
  { name: 'ONROSTERDEPARTMENTUPDATE', scopes: ['department'], upstream: false, webhook: true, refreshToken: false, summary: 'a department was changed (the changed fields)' },
  { name: 'ONROSTERDEPARTMENTDELETE', scopes: ['department'], upstream: false, webhook: true, refreshToken: false, summary: 'a department was deleted' },
];

const BY_NAME = new Map(EVENTS.map((e) => [e.name, e]));

/** The definition of an event name given in any case, or undefined. */
export function eventNamed(name: string): EventDefinition | undefined {
  return BY_NAME.get(name.trim().toUpperCase());
}

/** Whether a credential holding `scopes` may bind the event. */
export function eventAllowed(event: EventDefinition, scopes: ReadonlySet<string>): boolean {
  return event.scopes.length === 0 || event.scopes.some((s) => scopes.has(s));
}
