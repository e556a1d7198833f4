import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Booleans are stored as 0/1 integers and instants as unix
 * seconds so that both engines hold exactly the same values; calendar dates (birthdays,
 * absences) are `YYYY-MM-DD` text because they are days, not instants.
 */
export interface Database {
  users: UsersTable;
  departments: DepartmentsTable;
  user_departments: UserDepartmentsTable;
  absences: AbsencesTable;
  sonet_groups: SonetGroupsTable;
  sonet_group_members: SonetGroupMembersTable;
  bots: BotsTable;
  webhooks: WebhooksTable;
  meta: MetaTable;
  changes: ChangesTable;
}

export interface UsersTable {
  id: Generated<number>;
  login: string;
  email: string;
  /** lower-cased e-mail: the unique key, so that Ann@x and ann@x are one address */
  email_key: string;
  password_hash: string | null;
  active: Generated<number>;
  is_admin: Generated<number>;
  /** `employee` or `extranet` */
  user_type: Generated<string>;
  /** null for ordinary users; `bot`, `imconnector`, `replica`, ... as upstream */
  external_auth_id: string | null;
  name: Generated<string>;
  last_name: Generated<string>;
  second_name: Generated<string>;
  work_position: Generated<string>;
  /** '' | 'M' | 'F' */
  gender: Generated<string>;
  birthday: string | null;
  photo: Generated<string>;
  personal_mobile: Generated<string>;
  personal_phone: Generated<string>;
  work_phone: Generated<string>;
  website: Generated<string>;
  /** palette code chosen by the user (`RED`, `AZURE`, ...) or null for the default colour */
  color: string | null;
  status: Generated<string>;
  idle_at: number | null;
  last_activity_at: number | null;
  mobile_last_at: number | null;
  desktop_last_at: number | null;
  date_register: number;
  timestamp_x: number;
}

export interface DepartmentsTable {
  id: Generated<number>;
  name: string;
  parent_id: number | null;
  sort: number;
  head_id: number | null;
}

export interface UserDepartmentsTable {
  user_id: number;
  department_id: number;
  /** the position of the department in the user's UF_DEPARTMENT list */
  position: number;
}

export interface AbsencesTable {
  id: Generated<number>;
  user_id: number;
  date_from: string;
  date_to: string;
  reason: string;
}

export interface SonetGroupsTable {
  id: Generated<number>;
  name: string;
  description: string;
  owner_id: number;
  active: number;
  date_create: number;
}

export interface SonetGroupMembersTable {
  group_id: number;
  user_id: number;
  /** A owner, E moderator, K member (upstream's SONET_ROLES) */
  role: string;
  date_create: number;
}

export interface BotsTable {
  user_id: number;
  code: string;
  type: string;
  app_id: string;
  openline: number;
  hidden: number;
}

export interface WebhooksTable {
  id: Generated<number>;
  user_id: number;
  /** hex SHA-256 of the secret: secrets are random, so a fast hash is enough */
  secret_hash: string;
  scope: string;
  title: string;
  date_create: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface ChangesTable {
  /** increases with every change; readers catch up by it */
  seq: Generated<number>;
  /** unix milliseconds */
  at: number;
  kind: string;
  entity_id: number | null;
  /** JSON object: the fields that changed (new values), or what the kind needs */
  fields: string;
  actor_user: number | null;
  /** `webhook:<id>`, `oauth:<client_id>`, `cli`, `admin`, `system` */
  actor_credential: string | null;
}
