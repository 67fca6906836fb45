/**
 * Litestream under Hearth's replicator, and `restoreReplica`, against both kinds of target:
 * a folder (`file:`) and an S3-compatible server (s3rver, tests/support/s3.ts). A libSQL
 * database opened by the kit is written, the replicator ships it (its state says when),
 * and restoreReplica brings back every row into a new folder; a service with nothing at the
 * replica is `found: false`. The errors are each clear, and leave nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { createLogger, openDb, type Db } from '../../src/kit/index.ts';
import { LitestreamMissing, ReplicationError, restoreReplica, startReplicator, type Replicator } from '../../src/supervisor/replication/index.ts';
import { findLitestream } from '../../src/supervisor/index.ts';
import { testConfig } from '../support/config.ts';
import { sql } from '../support/database.ts';
import { waitFor } from '../support/poll.ts';
import { startS3, type S3Server } from '../support/s3.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import type { HearthConfig } from '../../src/config/index.ts';

const dir = useTempDir('replication-restore');
let n = 0;

/** A data folder with a `notes` database of `rows` rows, replicated to `url` until `stop`. */
async function replicated(url: string, edit: (c: HearthConfig) => void = () => {}) {
  const config = testConfig(dir, (c) => {
    c.data = join(dir, `data-${++n}`);
    c.replication.url = url;
    c.replication.sync_interval_ms = 100;
    c.supervisor.health_interval_ms = 100;
    edit(c);
  });
  const data = config.data;
  const logs: string[] = [];
  const log = createLogger({ service: 'supervisor', level: 'debug', format: 'json', write: (l) => void logs.push(l) });
  const db = await openDb({ path: join(data, 'notes.db') });
  await db.write(async (tx) => void (await tx.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')));
  const replicator = startReplicator({ config, services: ['notes'], bin: findLitestream(config), log });
  after(async () => {
    await replicator.stop(5000);
    db.close();
  });
  return { config, db, replicator, logs, data };
}

async function write(db: Db, texts: string[]): Promise<void> {
  for (const text of texts) await db.write(async (tx) => void (await tx.execute('INSERT INTO notes (text) VALUES (?)', [text])));
}

/** Waits until the replica holds everything written so far. */
function shipped(r: Replicator, since: number): Promise<unknown> {
  return waitFor('the replica to hold every write', () => {
    const d = r.state().databases.notes;
    return d?.status === 'ok' && d.lagSeconds === 0 && d.shippedAt && Date.parse(d.shippedAt) >= since ? d : undefined;
  }, 20_000);
}

describe('replication to a folder and back', { timeout: FILE_TIMEOUT }, () => {
  it('restores every shipped row into a new folder, and says found=false for a service with no replica', async () => {
    const url = `file://${join(dir, 'replica-file')}`;
    const { config, db, replicator } = await replicated(url);
    const t0 = Date.now();
    await write(db, Array.from({ length: 50 }, (_, i) => `note ${i}`));
    await shipped(replicator, t0);
    const into = join(dir, 'restored-file');
    const seen: string[] = [];
    const result = await restoreReplica({ config, url, services: ['notes', 'never'], into, onProgress: (s) => seen.push(s) });
    assert.deepEqual(result, [
      { service: 'notes', path: join(into, 'notes.db'), found: true },
      { service: 'never', path: join(into, 'never.db'), found: false },
    ]);
    assert.deepEqual(seen, ['notes', 'never']);
    assert.deepEqual(readdirSync(into), ['notes.db'], 'nothing but the restored database');
    assert.deepEqual(await sql(join(into, 'notes.db'), 'SELECT count(*) AS n, max(text) AS last FROM notes'), [{ n: 50, last: 'note 9' }]);
  });

  it('copes with folder names that need quoting: spaces, quotes, a dollar sign, accents', async () => {
    const odd = join(dir, 'it\'s "our" $HOME été');
    const url = pathToFileURL(join(odd, 'replica')).href;
    const { config, db, replicator } = await replicated(url, (c) => (c.data = join(odd, 'data')));
    const t0 = Date.now();
    await write(db, ['one', 'two']);
    await shipped(replicator, t0);
    const [notes] = await restoreReplica({ config, url, services: ['notes'], into: join(odd, 'restored') });
    assert.equal(notes!.found, true);
    assert.deepEqual(await sql(notes!.path, 'SELECT text FROM notes ORDER BY id'), [{ text: 'one' }, { text: 'two' }]);
  });

  it('refuses a folder that already holds one of the databases, and writes nothing', async () => {
    const into = join(dir, 'in-the-way');
    mkdirSync(into);
    writeFileSync(join(into, 'never.db'), 'mine');
    const config = testConfig(dir, (c) => (c.replication.url = `file://${join(dir, 'replica-file')}`));
    await assert.rejects(
      restoreReplica({ config, url: config.replication.url, services: ['notes', 'never'], into }),
      (err: Error) => err instanceof ReplicationError && err.message.includes(`${join(into, 'never.db')} already there`),
    );
    assert.deepEqual(readdirSync(into), ['never.db']);
  });

  it('says a missing replica folder is missing (an unmounted disk), rather than finding nothing', async () => {
    const config = testConfig(dir);
    const into = join(dir, 'from-nowhere');
    await assert.rejects(
      restoreReplica({ config, url: `file://${join(dir, 'not-mounted')}`, services: ['notes'], into }),
      (err: Error) => err instanceof ReplicationError && /not-mounted does not exist or is not a folder \(is its disk mounted\?\)/.test(err.message),
    );
    assert.equal(existsSync(into), false);
  });

  it('names the setting when the configured Litestream is not there', async () => {
    const config = testConfig(dir, (c) => (c.replication.litestream = join(dir, 'no-such-litestream')));
    await assert.rejects(
      restoreReplica({ config, url: `file://${dir}`, services: ['notes'], into: join(dir, 'x') }),
      (err: Error) => err instanceof LitestreamMissing && err.message.startsWith(`replication.litestream is "${join(dir, 'no-such-litestream')}", which is missing`),
    );
  });
});

describe('replication to an S3-compatible server and back', { timeout: FILE_TIMEOUT }, () => {
  let s3: S3Server;
  after(() => s3?.stop());
  const withS3 = (c: HearthConfig, endpoint = s3.endpoint) => {
    c.replication.s3.endpoint = endpoint;
    c.replication.s3.access_key_id = s3.accessKeyId;
    c.replication.s3.secret_access_key = s3.secretAccessKey;
  };

  it('restores every shipped row from the bucket', async () => {
    s3 = await startS3(join(dir, 's3'));
    const url = `s3://${s3.bucket}/hearth/home`;
    const { config, db, replicator, logs } = await replicated(url, (c) => withS3(c));
    const t0 = Date.now();
    await write(db, Array.from({ length: 30 }, (_, i) => `s3 note ${i}`));
    await shipped(replicator, t0);
    assert.ok(existsSync(join(dir, 's3', s3.bucket, 'hearth', 'home', 'notes', 'generations')), 'the objects are under <prefix>/<service>/');
    const into = join(dir, 'restored-s3');
    const result = await restoreReplica({ config, url, services: ['notes', 'never'], into });
    assert.deepEqual(result.map((r) => [r.service, r.found]), [['notes', true], ['never', false]]);
    assert.deepEqual(await sql(join(into, 'notes.db'), 'SELECT count(*) AS n FROM notes'), [{ n: 30 }]);
    assert.ok(!logs.some((l) => l.includes(s3.secretAccessKey)), 'the secret is in no log line');
  });

  it('says which service and replica could not be reached when the server refuses, and leaves nothing', async () => {
    const config = testConfig(dir, (c) => withS3(c, 'http://127.0.0.1:9')); // port 9 (discard): nothing listens
    const into = join(dir, 'refused');
    await assert.rejects(
      restoreReplica({ config, url: `s3://${s3.bucket}/hearth/home`, services: ['notes'], into }),
      (err: Error) => err instanceof ReplicationError && err.message.startsWith(`cannot restore notes from s3://${s3.bucket}/hearth/home/notes: `) && /connection refused/.test(err.message),
    );
    assert.deepEqual(readdirSync(into), []);
  });
});
