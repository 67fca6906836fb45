/**
 * The notifications database. `members` and `groups` are projections of the users
 * service's events (who may be told what, and the group names texts use). `notifications`
 * is each user's inbox: a row per (cause event, recipient), unique, so no redelivery or
 * rebuild makes a second one. `seq` is the inbox order and equals commit order (SQLite has
 * one writer at a time); `event_seq` is its `notification.created` event, erased with it;
 * `cause_at` is when the cause happened (a departure erases what happened before it).
 * `targets` are where a user's notifications are forwarded; `deliveries` is the forwarding
 * outbox, written in the same transaction as the notification, and `delivery_attempts`
 * the log a user reads. Version 3 adds what the alert rules remember (low battery, stopped
 * reporting) and each group's alert settings.
 */
import { membership } from '../../src/contracts/index.ts';
import type { Migration } from '../../src/kit/index.ts';

/** Forward-only schema steps of the notifications service. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'inbox',
    sql: `
${membership.MEMBERS_TABLE}
${membership.GROUPS_TABLE}
CREATE TABLE notifications (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  group_id TEXT,
  type TEXT NOT NULL,
  priority TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  actor_id TEXT,
  subject TEXT,
  cause_id TEXT NOT NULL,
  cause_at TEXT NOT NULL,
  quiet INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  read_at TEXT,
  event_seq INTEGER
);
CREATE UNIQUE INDEX notifications_once ON notifications (cause_id, user_id);
CREATE INDEX notifications_inbox ON notifications (user_id, seq);
CREATE INDEX notifications_unread ON notifications (user_id, seq) WHERE read_at IS NULL;
CREATE INDEX notifications_group ON notifications (group_id);
CREATE TABLE preferences (
  user_id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE targets (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX targets_user ON targets (user_id);
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  notification_id TEXT,
  message TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE status = 'pending';
CREATE INDEX deliveries_target ON deliveries (target_id, id);
CREATE TABLE delivery_attempts (
  delivery_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  target_id TEXT NOT NULL,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  http_status INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX delivery_attempts_target ON delivery_attempts (target_id, at);
`,
  },
  {
    version: 2,
    name: 'member-since',
    // The event by which each member last joined each group (consumers/users.ts): an event from
    // before it, read again (a checkpoint moved back), tells them nothing. Kept when they leave
    // (a rejoin replaces it); '~' (after every id) once the group or the account is deleted.
    // Kept by a rebuild.
    sql: `
CREATE TABLE member_since (group_id TEXT NOT NULL, user_id TEXT NOT NULL, join_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id));
`,
  },
  {
    version: 3,
    name: 'alerts',
    // group_alerts: a group's alert settings (no row: the defaults; a NULL column: that alert is
    // off). battery_marks: per (group, member, phone) the newest fix judged and whether this
    // discharge was told. silence_watch: per sharing (group, member) the last report (ms) and
    // when silence is told (deadline NULL: told already, or off) — the timer's due list, so
    // it survives restarts. All three are kept from location.sampled (consumers/location.ts).
    sql: `
CREATE TABLE group_alerts (group_id TEXT PRIMARY KEY, low_battery_percent INTEGER, silence_minutes INTEGER);
CREATE TABLE battery_marks (group_id TEXT NOT NULL, user_id TEXT NOT NULL, device TEXT NOT NULL, fix_at TEXT NOT NULL, low INTEGER NOT NULL, PRIMARY KEY (group_id, user_id, device));
CREATE TABLE silence_watch (group_id TEXT NOT NULL, user_id TEXT NOT NULL, last_ms INTEGER NOT NULL, told INTEGER NOT NULL DEFAULT 0, deadline INTEGER, PRIMARY KEY (group_id, user_id));
CREATE INDEX silence_due ON silence_watch (deadline) WHERE deadline IS NOT NULL;
`,
  },
];
