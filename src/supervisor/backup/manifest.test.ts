/** The manifest: what is accepted, and a clear refusal for everything else. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackupError } from './errors.ts';
import { BACKUP_FORMAT, dbFile, parseManifest, type BackupManifest } from './manifest.ts';

const good: BackupManifest = {
  format: BACKUP_FORMAT,
  hearth: '0.1.0',
  created_at: '2026-12-02T14:05:29.008Z',
  databases: [{ service: 'chat', file: 'chat.db', bytes: 4096, sha256: 'a'.repeat(64), schema: { kit: 2, chat: 1 }, head: 12, epoch: 'e1' }],
  skipped: [{ service: 'users', reason: 'remote' }],
};
const text = (m: unknown) => JSON.stringify(m);
const refuses = (m: unknown, kind: string, re: RegExp) =>
  assert.throws(() => parseManifest(typeof m === 'string' ? m : text(m), 'x.tar.gz'), (e) => e instanceof BackupError && e.kind === kind && re.test(e.message));

describe('backup manifest', () => {
  it('reads back what was written', () => {
    assert.deepEqual(parseManifest(text(good), 'x.tar.gz'), good);
  });

  it('names a database file after its service', () => {
    assert.equal(dbFile('notifications'), 'notifications.db');
  });

  it('refuses text that is not JSON', () => refuses('{"format": 1,', 'damaged', /not JSON/));

  it('refuses a manifest missing a field, naming it', () => refuses({ ...good, databases: [{ ...good.databases[0], sha256: undefined }] }, 'damaged', /databases\.0\.sha256/));

  it('refuses a newer format as made by a newer Hearth', () => refuses({ ...good, format: BACKUP_FORMAT + 1 }, 'schema', /newer Hearth/));

  it('refuses a service name that could leave the staging directory', () =>
    refuses({ ...good, databases: [{ ...good.databases[0], service: '../etc', file: '../etc.db' }] }, 'damaged', /service/));

  it('refuses a file name that is not the service\'s', () => refuses({ ...good, databases: [{ ...good.databases[0], file: 'users.db' }] }, 'damaged', /names users\.db for service chat/));

  it('refuses a service listed twice', () => refuses({ ...good, databases: [good.databases[0], good.databases[0]] }, 'damaged', /twice/));
});
