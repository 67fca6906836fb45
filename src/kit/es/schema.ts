/** The kit's own tables, in every service database (migration scope `kit`). */
import type { Migration } from '../db/index.ts';

/**
 * kit_events is the event log and the outbox at once; kit_relay remembers what was
 * published; kit_floor keeps sequence numbers from being reused once events are erased.
 */
export const KIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event-log',
    sql: `
CREATE TABLE kit_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  version INTEGER NOT NULL,
  at TEXT NOT NULL,
  stream TEXT NOT NULL DEFAULT '',
  correlation_id TEXT NOT NULL DEFAULT '',
  causation_id TEXT NOT NULL DEFAULT '',
  data BLOB NOT NULL
);
CREATE INDEX kit_events_stream ON kit_events (stream, seq);
CREATE TABLE kit_relay (id INTEGER PRIMARY KEY CHECK (id = 1), published INTEGER NOT NULL);
INSERT INTO kit_relay (id, published) VALUES (1, 0);
CREATE TABLE kit_checkpoints (source TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_at TEXT NOT NULL);
`,
  },
  {
    version: 2,
    name: 'erasable-log',
    // Erasing events (retention, a user's right to erasure) may remove the newest rows; the
    // floor remembers the highest seq ever given, so max(seq) + 1 never hands one out twice.
    sql: `
CREATE TABLE kit_floor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO kit_floor (id, seq) VALUES (1, 0);
`,
  },
  {
    version: 3,
    name: 'epochs',
    // The log's epoch history (es/epoch.ts): the first epoch begins at 0 (a database that
    // already has events began its log there too); each restore appends one. A checkpoint
    // remembers the producer's history it was read in (JSON [[id, base], …]; NULL: stored
    // before epochs existed, when nothing had been restored with a stamp).
    sql: `
CREATE TABLE kit_epochs (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, base INTEGER NOT NULL, began_at TEXT NOT NULL);
INSERT INTO kit_epochs (position, id, base, began_at) VALUES (1, lower(hex(randomblob(16))), 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
ALTER TABLE kit_checkpoints ADD COLUMN epochs TEXT;
`,
  },
  {
    version: 4,
    name: 'sagas',
    // Sagas (saga/): kit_sagas and kit_saga_steps are the orchestrator's state machines, one
    // row per saga and one per step begun; kit_saga_applied is the participant's record of
    // each step it applied (saga id, step) with its first answer, written in the step's own
    // transaction. A step's `reached` is 1 once an attempt may have reached its participant
    // (anything but no responders): only then is there something to compensate. Times the driver schedules by are epoch ms; the others ISO text.
    sql: `
CREATE TABLE kit_sagas (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  key TEXT,
  input BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'compensating', 'completed', 'failed', 'cancelled')),
  step INTEGER NOT NULL,
  results BLOB NOT NULL,
  cursor TEXT,
  next_at INTEGER NOT NULL,
  deadline_at INTEGER,
  waiting_for TEXT,
  last_error TEXT,
  cancelled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX kit_sagas_due ON kit_sagas (next_at) WHERE state IN ('running', 'compensating');
CREATE UNIQUE INDEX kit_sagas_key ON kit_sagas (type, key) WHERE key IS NOT NULL AND state IN ('running', 'compensating');
CREATE TABLE kit_saga_steps (
  saga_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'compensating', 'compensated')),
  attempts INTEGER NOT NULL DEFAULT 0,
  undo_attempts INTEGER NOT NULL DEFAULT 0,
  pages INTEGER NOT NULL DEFAULT 0,
  reached INTEGER NOT NULL DEFAULT 0,
  since INTEGER NOT NULL,
  last_error TEXT,
  started_at TEXT NOT NULL,
  done_at TEXT,
  PRIMARY KEY (saga_id, position)
);
CREATE TABLE kit_saga_applied (saga_id TEXT NOT NULL, step TEXT NOT NULL, reply BLOB NOT NULL, at TEXT NOT NULL, PRIMARY KEY (saga_id, step));
`,
  },
  {
    version: 5,
    name: 'idempotency',
    // The record of each write a command applied under an idempotency claim (service/
    // idempotency.ts): (scope, key, call) → the request's fingerprint and the write's result,
    // written in that write's own transaction; kept until expires_at (epoch ms), then pruned.
    sql: `
CREATE TABLE kit_idempotency (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  call TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  result BLOB NOT NULL,
  at TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key, call)
);
CREATE INDEX kit_idempotency_expiry ON kit_idempotency (expires_at);
`,
  },
];
