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
];
