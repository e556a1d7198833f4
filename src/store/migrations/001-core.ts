import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';
import { clock } from '../../clock.js';

export async function up(db: Kysely<unknown>, { idColumn, bigint, syncIds }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', idColumn)
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_type', 'text', (c) => c.notNull().defaultTo('employee'))
    .addColumn('external_auth_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('second_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('work_position', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('gender', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('birthday', 'text')
    .addColumn('photo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('personal_mobile', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('personal_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('work_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('website', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('color', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('online'))
    .addColumn('idle_at', bigint)
    .addColumn('last_activity_at', bigint)
    .addColumn('mobile_last_at', bigint)
    .addColumn('desktop_last_at', bigint)
    .addColumn('date_register', bigint, (c) => c.notNull())
    .addColumn('timestamp_x', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_login').on('users').column('login').execute();

  await db.schema
    .createTable('departments')
    .addColumn('id', 'integer', idColumn)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer')
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(500))
    .addColumn('head_id', 'integer')
    .execute();
  await db.schema.createIndex('departments_parent').on('departments').column('parent_id').execute();
  await db.schema.createIndex('departments_head').on('departments').column('head_id').execute();

  await db.schema
    .createTable('user_departments')
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('user_departments_pk', ['user_id', 'department_id'])
    .execute();
  await db.schema
    .createIndex('user_departments_department')
    .on('user_departments')
    .columns(['department_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('absences')
    .addColumn('id', 'integer', idColumn)
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('date_from', 'text', (c) => c.notNull())
    .addColumn('date_to', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('absences_user').on('absences').columns(['user_id', 'date_to']).execute();

  await db.schema
    .createTable('sonet_groups')
    .addColumn('id', 'integer', idColumn)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_id', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('date_create', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sonet_group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('K'))
    .addColumn('date_create', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('sonet_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('sonet_group_members_user')
    .on('sonet_group_members')
    .columns(['user_id', 'group_id'])
    .execute();

  await db.schema
    .createTable('bots')
    .addColumn('user_id', 'integer', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('bot'))
    .addColumn('app_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('openline', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'integer', idColumn)
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date_create', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint)
    .addColumn('revoked_at', bigint)
    .execute();
  await db.schema.createIndex('webhooks_user').on('webhooks').column('user_id').execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // A fresh directory always has its administrator and its root department (issue #2).
  const now = clock.unix();
  await sql`INSERT INTO users (id, login, email, email_key, active, is_admin, user_type, name, date_register, timestamp_x)
            VALUES (1, 'admin', 'admin@roster.local', 'admin@roster.local', 1, 1, 'employee', 'Admin', ${now}, ${now})`.execute(db);
  await sql`INSERT INTO departments (id, name, parent_id, sort, head_id) VALUES (1, 'Company', NULL, 500, 1)`.execute(db);
  await sql`INSERT INTO user_departments (user_id, department_id, position) VALUES (1, 1, 0)`.execute(db);
  await syncIds(db);
}
