/**
 * The location database: everything here is a projection of the service's own event log
 * (scopes, fixes, snapshots, places, suggestions) or of the users service's events
 * (members), so `hearth rebuild location` can recreate it — all but the phones' tables
 * (version 3), which a rebuild keeps. Times are ms since the epoch in
 * INTEGER columns (compared and indexed as numbers); a scope's state is JSON.
 */
import { membership } from '../../src/contracts/index.ts';
import type { Migration } from '../../src/kit/index.ts';
import { PHONE_COMMANDS_SQL } from './phones/command-store.ts';

/** Forward-only schema steps of the location service. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'scopes-fixes-places',
    sql: `
${membership.MEMBERS_TABLE}
CREATE TABLE scopes (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  state TEXT NOT NULL,
  status TEXT NOT NULL,
  sharing INTEGER NOT NULL,
  deadline INTEGER,
  seq INTEGER NOT NULL,
  snapshot_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scopes_deadline ON scopes (deadline) WHERE deadline IS NOT NULL;
CREATE TABLE fixes (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  device TEXT NOT NULL,
  fix_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  accuracy REAL,
  altitude REAL,
  speed REAL,
  course REAL,
  battery INTEGER,
  battery_state TEXT,
  seq INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id, device, fix_at)
);
CREATE INDEX fixes_track ON fixes (group_id, user_id, fix_at);
CREATE INDEX fixes_age ON fixes (received_at);
CREATE TABLE snapshots (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id, seq)
);
CREATE INDEX snapshots_at ON snapshots (group_id, user_id, at);
CREATE TABLE places (
  id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  name TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  radius REAL NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX places_group ON places (group_id);
CREATE TABLE suggestions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  radius REAL NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (user_id, name)
);
`,
  },
  {
    version: 2,
    name: 'departures',
    // The departures whose erasure was done (consumers/membership.ts): one read again (a
    // checkpoint moved back) must not erase what the member shared after coming back. Kept
    // by a rebuild: the erased events are gone from the log, the erasure stays done.
    sql: `
CREATE TABLE departures (event_id TEXT NOT NULL, group_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (event_id, group_id, user_id));
`,
  },
  {
    version: 3,
    name: 'phones',
    // Not projections (phones/store.ts): a member's OwnTracks secret (kept out of the event
    // log) and the encrypted messages held until it is set. A rebuild keeps them.
    sql: `
CREATE TABLE phone_keys (
  user_id TEXT PRIMARY KEY,
  secret TEXT,
  set_at INTEGER NOT NULL,
  unreadable_told INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE phone_held (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device TEXT NOT NULL,
  data TEXT NOT NULL,
  held_at INTEGER NOT NULL
);
CREATE INDEX phone_held_user ON phone_held (user_id, id);
CREATE INDEX phone_held_age ON phone_held (held_at);
`,
  },
  {
    version: 4,
    name: 'phone-commands',
    // Commands waiting for members' phones and the phones each user posts from (phones/command-store.ts).
    sql: PHONE_COMMANDS_SQL,
  },
];
