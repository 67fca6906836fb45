/**
 * The chat database: projections of the service's own log (messages, their full-text
 * index, read markers) and of the users service's events (members). Messages are ordered
 * by `seq`, the seq of the event that sent them; a deleted message keeps its row with no
 * text, so pages and read markers stay stable.
 */
import { membership } from '../../src/contracts/index.ts';
import type { Migration } from '../../src/kit/index.ts';

/** Forward-only schema steps of the chat service. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'messages',
    sql: `
${membership.MEMBERS_TABLE}
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  group_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  author_id TEXT,
  author_name TEXT NOT NULL,
  text TEXT,
  reply_to TEXT,
  system TEXT,
  txn_id TEXT,
  created_at TEXT NOT NULL,
  edited_at TEXT,
  deleted_at TEXT
);
CREATE INDEX messages_group ON messages (group_id, seq);
CREATE INDEX messages_time ON messages (group_id, created_at);
CREATE UNIQUE INDEX messages_txn ON messages (group_id, author_id, txn_id) WHERE txn_id IS NOT NULL;
CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE read_markers (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
`,
  },
  {
    version: 2,
    name: 'deleted-groups',
    // Groups whose conversation was erased (consumers/users.ts): a users event about one, read
    // again (a checkpoint moved back), must not announce anything there. Kept by a rebuild.
    sql: `
CREATE TABLE deleted_groups (group_id TEXT PRIMARY KEY);
`,
  },
];
