/**
 * The users database. Emails are stored trimmed and lower-cased (the contract's schema does
 * that), so a plain UNIQUE is case-insensitive in effect. Secrets are never stored as
 * given: passwords as scrypt strings, refresh tokens and app passwords as SHA-256 hex.
 * Revoked sessions keep their spent refresh tokens so a replay is recognised as one.
 */
import type { Migration } from '../../src/kit/index.ts';

/** Forward-only schema steps of the users service. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  avatar TEXT,
  admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE refresh_tokens (
  hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  spent_at TEXT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE TABLE app_passwords (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  label TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
CREATE INDEX app_passwords_user ON app_passwords (user_id);
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  private_jwk TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT
);`,
  },
  {
    version: 2,
    name: 'groups',
    sql: `
CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE members (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX members_user ON members (user_id);
CREATE UNIQUE INDEX members_one_owner ON members (group_id) WHERE role = 'owner';
CREATE TABLE invites (
  code TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  max_uses INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked_at TEXT
);
CREATE INDEX invites_group ON invites (group_id);`,
  },
  {
    version: 3,
    name: 'faces',
    // The OwnTracks face made from the avatar when it is set (domain/face.ts): base64 of a
    // 128×128 JPEG, '' when the avatar gives none, NULL when not made yet (avatars set
    // before this version: made the first time the face is asked for).
    sql: `ALTER TABLE users ADD COLUMN face TEXT;`,
  },
  {
    version: 4,
    name: 'account_deletion',
    // The account-deletion saga under way (its id): sign-in stops at once, and the person's
    // sessions may only follow the deletion (services/users/sagas/account-deletion.ts).
    sql: `ALTER TABLE users ADD COLUMN deleting_saga TEXT;`,
  },
  {
    version: 5,
    name: 'two_factor',
    // Two-factor sign-in (handlers/two-factor.ts). `secret` is the TOTP secret (base32): it
    // never leaves this database — no event, export or log carries it. `enabled_at` is NULL
    // while the enrolment waits for its first code; `last_step` is the last accepted time
    // step, so a code works once. Recovery codes are kept as SHA-256 hashes, each used once.
    sql: `CREATE TABLE two_factor (
  user_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  enabled_at TEXT,
  last_step INTEGER
);
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (user_id, hash)
);`,
  },
  {
    version: 6,
    name: 'external_identities',
    // Sign-in through an external OpenID provider (handlers/external-sign-in.ts): who the
    // provider says someone is (issuer, subject) and the account that person is. An account
    // made this way has the password hash `external`, which no password matches.
    sql: `CREATE TABLE external_identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_user ON external_identities (user_id);`,
  },
];
