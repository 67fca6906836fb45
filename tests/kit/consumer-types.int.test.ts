/**
 * A consumer that wants only some event types: the others are stepped over without a
 * transaction each (the checkpoint moves in memory and is stored with the next applied
 * event, every 1,000 events, when idle, or at stop), and a restart applies nothing twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as v from 'valibot';
import { defineService, event, healthOp, on, readCheckpoint, Requester, type EventType, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, AddMany, EntryAdded } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

/** A ledger event type ledger never appends. */
const SomethingElse = event('ledger', 'something_else', { version: 1, data: v.object({}) });

/** Counts the events it applies; wants only `types` (its handlers' types). */
const picky = (types: EventType<unknown>[]) =>
  defineService({
    name: 'picky',
    migrations: [{ version: 1, name: 'applied', sql: 'CREATE TABLE applied (seq INTEGER NOT NULL)' }],
    setup(svc) {
      svc.consume('ledger', { handlers: types.map((t) => on(t, (e, tx) => tx.execute('INSERT INTO applied (seq) VALUES (?)', [e.seq]))) });
    },
  });

describe('a consumer that wants some event types only', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('consumer-types');
  let l: RunningService;
  let req: Requester;
  let nc: Awaited<ReturnType<typeof client>>;

  before(async () => {
    l = await startService(ledger, broker().url, join(dir, 'ledger.db'));
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await l?.stop();
    await nc?.close();
  });

  it('steps over unwanted events without storing a checkpoint for each, and stores it at stop', async () => {
    const db = join(dir, 'skip.db');
    const p = await startService(picky([SomethingElse]), broker().url, db, { catchupMs: 60_000 });
    for (let i = 0; i < 20; i++) await req.request(AddEntry, { key: 'k', amount: 1 });
    await waitFor('the consumer past 20', async () => (await req.request(healthOp('picky'), {})).consumers.ledger === 20 || undefined);
    const [applied] = await p.db.query('SELECT count(*) AS n FROM applied');
    assert.equal(Number(applied!.n), 0);
    assert.equal(await readCheckpoint(p.db, 'ledger'), 0, 'no transaction per stepped-over event');
    await p.stop();
    const again = await startService(picky([SomethingElse]), broker().url, db, { catchupMs: 60_000 });
    assert.equal(await readCheckpoint(again.db, 'ledger'), 20, 'stored at stop');
    await again.stop();
  });

  it('applies the wanted type once across a restart, with unwanted events between', async () => {
    const db = join(dir, 'want.db');
    let p = await startService(picky([EntryAdded]), broker().url, db, { catchupMs: 60_000 });
    await req.request(AddMany, { key: 'm', count: 30 });
    await waitFor('30 more applied', async () => Number((await p.db.query('SELECT count(*) AS n FROM applied'))[0]!.n) >= 50 || undefined);
    await p.stop();
    p = await startService(picky([EntryAdded]), broker().url, db, { catchupMs: 60_000 });
    await req.request(AddEntry, { key: 'k', amount: 1 });
    await waitFor('one more applied', async () => Number((await p.db.query('SELECT count(*) AS n FROM applied'))[0]!.n) >= 51 || undefined);
    const rows = await p.db.query('SELECT count(*) AS n, count(DISTINCT seq) AS d FROM applied');
    assert.deepEqual({ n: Number(rows[0]!.n), d: Number(rows[0]!.d) }, { n: 51, d: 51 });
    await p.stop();
  });
});
