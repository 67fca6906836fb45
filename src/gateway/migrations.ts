/**
 * The gateway's own database: its read model of the users service (groups, members and
 * roles; revoked sessions; deleted users), fed by users events, and the stored responses
 * of POSTs sent with an `Idempotency-Key`.
 */
import type { Migration } from '../kit/index.ts';

/** The gateway's migrations, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'read_model_and_idempotency',
    sql: `
      CREATE TABLE groups (group_id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE members (
        group_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
        PRIMARY KEY (group_id, user_id));
      CREATE INDEX members_by_user ON members (user_id);
      CREATE TABLE revoked_sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, revoked_at TEXT NOT NULL);
      CREATE TABLE deleted_users (user_id TEXT PRIMARY KEY, deleted_at TEXT NOT NULL);
      CREATE TABLE idempotency (
        scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
        state TEXT NOT NULL, status INTEGER, content_type TEXT, body TEXT,
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key));
      CREATE INDEX idempotency_expiry ON idempotency (expires_at);
    `,
  },
  {
    // Membership is kept by one projection in every database (src/contracts/membership):
    // `members` gets the same columns as everywhere else. The gateway never reads the
    // name; rows from before this step say '' until that member's next join or rename.
    version: 2,
    name: 'members_display_name',
    sql: `ALTER TABLE members ADD COLUMN display_name TEXT NOT NULL DEFAULT '';`,
  },
  {
    // A replayed answer keeps the headers that are part of it (`Location` of a 201/202,
    // `Cache-Control: no-store` of one that shows a secret once), as JSON.
    version: 3,
    name: 'idempotency_headers',
    sql: `ALTER TABLE idempotency ADD COLUMN headers TEXT;`,
  },
  {
    // Accounts being deleted (users' user.deletion_requested … withdrawn / user.deleted): their
    // sessions may only follow the deletion and sign out (src/gateway/sagas/account-deletion.ts).
    version: 4,
    name: 'deleting_users',
    sql: `CREATE TABLE deleting_users (user_id TEXT PRIMARY KEY);`,
  },
];
