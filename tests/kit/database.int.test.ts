/**
 * A service's libSQL database on real files: durability settings, migrations, and
 * transactions that roll back as a whole (state, events and publishing).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import type { NatsConnection } from 'nats';
import { migrate, openDb, Requester, type Db, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, EntryAdded } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { client, collectEvents, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

const pragma = async (run: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>, name: string) => (await run(`PRAGMA ${name}`)).rows[0]![name];
const FULL = 2;

describe('the service database', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('db');

  describe('durability settings', () => {
    let db: Db;
    const path = join(dir, 'durable.db');
    before(async () => {
      db = await openDb({ path: join(dir, 'durable.db') });
    });
    after(() => db?.close());

    it('puts the file in WAL mode, as another connection to the file sees', async () => {
      assert.equal((await db.query('PRAGMA journal_mode'))[0]!.journal_mode, 'wal');
      const other = createClient({ url: `file:${path}` });
      try {
        assert.equal(await pragma((s) => other.execute(s), 'journal_mode'), 'wal');
      } finally {
        other.close();
      }
    });

    it('runs with synchronous=FULL, inside a write transaction too', async () => {
      assert.equal((await db.query('PRAGMA synchronous'))[0]!.synchronous, FULL);
      const inside = await db.write((tx) => pragma((s) => tx.execute(s), 'synchronous'));
      assert.equal(inside, FULL);
    });

    it('runs with synchronous=FULL on a second pooled connection (a read while a write holds the first)', async () => {
      // The client keeps a pool; the PRAGMA at open reaches one connection, so this pins
      // that the others are FULL as well (libSQL's built-in default) rather than NORMAL.
      const during = await db.write(async (tx) => {
        await tx.execute('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
        return (await db.query('PRAGMA synchronous'))[0]!.synchronous;
      });
      assert.equal(during, FULL);
      const inSecondTx = await db.write((tx) => pragma((s) => tx.execute(s), 'synchronous'));
      assert.equal(inSecondTx, FULL);
    });

    it('rolls back a write whose statement fails, and keeps working', async () => {
      await db.write((tx) => tx.execute('CREATE TABLE IF NOT EXISTS u (x INTEGER UNIQUE)'));
      await assert.rejects(
        db.write(async (tx) => {
          await tx.execute('INSERT INTO u VALUES (1)');
          await tx.execute('INSERT INTO u VALUES (1)');
        }),
        /UNIQUE/,
      );
      assert.equal((await db.query('SELECT count(*) AS n FROM u'))[0]!.n, 0);
      await db.write((tx) => tx.execute('INSERT INTO u VALUES (1)'));
      assert.equal((await db.query('SELECT count(*) AS n FROM u'))[0]!.n, 1);
    });

    it('runs afterCommit hooks only after a commit', async () => {
      const ran: string[] = [];
      await db.write(async (tx) => tx.afterCommit(() => ran.push('committed')));
      await db.write(async (tx) => {
        tx.afterCommit(() => ran.push('rolled back'));
        throw new Error('no');
      }).catch(() => undefined);
      assert.deepEqual(ran, ['committed']);
    });
  });

  describe('one connection (single: true, as an embedded replica is opened)', () => {
    let db: Db;
    before(async () => {
      db = await openDb({ path: join(dir, 'single.db'), single: true });
      await db.write((tx) => tx.execute('CREATE TABLE s (x INTEGER)'));
    });
    after(() => db?.close());

    it('queues a read behind the write in progress; the transaction reads its own writes through tx.query', async () => {
      const order: string[] = [];
      let inside: unknown;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const writing = db.write(async (tx) => {
        await tx.execute('INSERT INTO s VALUES (1)');
        inside = (await tx.query('SELECT count(*) AS n FROM s'))[0]!.n;
        await held;
        order.push('committed');
      });
      const reading = db.query('SELECT count(*) AS n FROM s').then((rows) => (order.push('read'), rows[0]!.n));
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(order, [], 'the read waits for the write');
      release();
      await writing;
      assert.deepEqual([inside, await reading, order], [1, 1, ['committed', 'read']]);
    });
  });

  describe('migrations', () => {
    const steps = [
      { version: 1, name: 'notes', sql: 'CREATE TABLE notes (id TEXT PRIMARY KEY);' },
      { version: 2, name: 'tags', sql: 'CREATE TABLE tags (note TEXT, tag TEXT); CREATE INDEX tags_tag ON tags (tag);' },
    ];

    it('applies each migration once and records it in kit_migrations', async () => {
      const path = join(dir, 'migrate.db');
      const db = await openDb({ path });
      assert.deepEqual(await migrate(db, 'notes', steps), [1, 2]);
      assert.deepEqual(await migrate(db, 'notes', steps), []);
      db.close();
      const again = await openDb({ path });
      try {
        assert.deepEqual(await migrate(again, 'notes', steps), []);
        const rows = await again.query("SELECT version, name FROM kit_migrations WHERE scope = 'notes' ORDER BY version");
        assert.deepEqual(rows.map((r) => [r.version, r.name]), [[1, 'notes'], [2, 'tags']]);
        await again.write((tx) => tx.execute("INSERT INTO tags VALUES ('n', 't')")); // the schema is really there
      } finally {
        again.close();
      }
    });

    it('records the kit\u2019s and the service\u2019s migrations when a service starts, and none again on restart', async () => {
      const path = join(dir, 'ledger-migrations.db');
      for (let i = 0; i < 2; i++) {
        const svc = await startService(ledger, broker().url, path);
        const rows = await svc.db.query('SELECT scope, version, name FROM kit_migrations ORDER BY scope, version');
        await svc.stop(); // before asserting: a running service would keep the test process alive
        assert.deepEqual(rows.map((r) => `${r.scope}/${r.version}/${r.name}`), ['kit/1/event-log', 'kit/2/erasable-log', 'kit/3/epochs', 'kit/4/sagas', 'kit/5/idempotency', 'ledger/1/entries', 'ledger/2/totals']);
      }
    });

    it('refuses a database that has a migration this build does not know, saying why', async () => {
      const path = join(dir, 'from-the-future.db');
      await (await startService(ledger, broker().url, path)).stop();
      const db = await openDb({ path });
      await db.write((tx) => tx.execute("INSERT INTO kit_migrations VALUES ('ledger', 3, 'budgets', '2030-01-01T00:00:00Z')"));
      db.close();
      await assert.rejects(startService(ledger, broker().url, path), /ledger database has migration 3 "budgets", which this version of Hearth does not have .*Refusing to start/);
    });

    it('refuses a database whose migration under the same number has another name', async () => {
      const path = join(dir, 'renamed.db');
      const db = await openDb({ path });
      try {
        await migrate(db, 'notes', steps);
        await assert.rejects(migrate(db, 'notes', [steps[0]!, { ...steps[1]!, name: 'labels' }]), /migration 2 "tags"/);
      } finally {
        db.close();
      }
    });

    it('leaves no trace of a migration that fails part-way, and applies it once fixed', async () => {
      const db = await openDb({ path: join(dir, 'broken.db') });
      try {
        const broken = { version: 2, name: 'tags', sql: 'CREATE TABLE tags (note TEXT); CREATE TABLE oops (' };
        await assert.rejects(migrate(db, 'notes', [steps[0]!, broken]));
        assert.deepEqual((await db.query("SELECT name FROM sqlite_master WHERE name IN ('notes', 'tags')")).map((r) => r.name), ['notes']);
        assert.deepEqual((await db.query("SELECT version FROM kit_migrations WHERE scope = 'notes'")).map((r) => r.version), [1]);
        assert.deepEqual(await migrate(db, 'notes', steps), [2]);
      } finally {
        db.close();
      }
    });

    it('refuses a list that is not numbered 1, 2, 3 …', async () => {
      const db = await openDb({ path: join(dir, 'numbering.db') });
      try {
        await assert.rejects(migrate(db, 'notes', [steps[0]!, { ...steps[1]!, version: 3 }]), /is number 3; expected 2/);
      } finally {
        db.close();
      }
    });
  });

  describe('a write that throws', () => {
    let svc: RunningService;
    let nc: NatsConnection;
    before(async () => {
      svc = await startService(ledger, broker().url, join(dir, 'rollback.db'));
      nc = await client(broker().url);
    });
    after(async () => {
      await svc?.stop();
      await nc?.close();
    });

    it('keeps no row, no event, and publishes nothing', async () => {
      const events = collectEvents(nc, 'evt.ledger.>');
      await nc.flush();
      const headBefore = await svc.events.head();
      await assert.rejects(
        svc.db.write(async (tx) => {
          const e = await svc.events.append(tx, EntryAdded, { key: 'ghost', amount: 1 });
          await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, ?)', [e.seq, 'ghost', 1]);
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(await svc.events.head(), headBefore);
      assert.equal((await svc.db.query("SELECT count(*) AS n FROM entries WHERE key = 'ghost'"))[0]!.n, 0);
      assert.equal((await svc.db.query("SELECT count(*) AS n FROM totals WHERE key = 'ghost'"))[0]!.n, 0); // the inline projection too

      // The next real entry takes the seq the rolled-back one had, and is the first thing published.
      const { seq } = await new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 1 << 16 }).request(AddEntry, { key: 'real', amount: 1 });
      assert.equal(seq, headBefore + 1);
      await waitFor('the real entry to be published', () => events.envelopes.length > 0);
      assert.deepEqual(events.seqs(), [seq]);
      assert.equal(events.envelopes[0]!.data && (events.envelopes[0]!.data as { key: string }).key, 'real');
    });
  });
});
