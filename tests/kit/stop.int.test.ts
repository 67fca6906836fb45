/**
 * Stopping a service: requests in flight are finished and answered, and every committed
 * event is published before the connection closes. A `gated` service, defined here, holds
 * its handlers at a gate the test opens, so the requests are provably in flight.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as v from 'valibot';
import type { NatsConnection } from 'nats';
import { AppError, command, defineService, event, openDb, Requester } from '../../src/kit/index.ts';
import { AddEntry } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { outboxState, range } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { client, collectEvents, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';

const Put = command('gated', 'put', { version: 1, request: v.object({ n: v.number() }), reply: v.object({ seq: v.number() }) });
const ItemPut = event('gated', 'item_put', { version: 1, data: v.object({ n: v.number() }) });

/** A service whose handlers wait for `open()` before writing. */
function gatedService() {
  let entered = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const def = defineService({
    name: 'gated',
    migrations: [{ version: 1, name: 'items', sql: 'CREATE TABLE items (n INTEGER NOT NULL, seq INTEGER NOT NULL);' }],
    setup(svc) {
      svc.handle(Put, async (req, ctx) => {
        entered++;
        await gate;
        return ctx.write(async (tx) => {
          const e = await tx.append(ItemPut, req);
          await tx.execute('INSERT INTO items (n, seq) VALUES (?, ?)', [req.n, e.seq]);
          return { seq: e.seq };
        });
      });
    },
  });
  return { def, open: () => open(), entered: () => entered };
}

describe('stopping a service', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('stop');
  let nc: NatsConnection;
  let req: Requester;
  before(async () => {
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await nc?.close();
  });

  it('finishes and answers the requests in flight, then publishes their events before it closes', async () => {
    const path = join(dir, 'gated.db');
    const gated = gatedService();
    const svc = await startService(gated.def, broker().url, path);
    const events = collectEvents(nc, 'evt.gated.>');
    await nc.flush();

    const replies = range(1, 5).map((n) => req.request(Put, { n }));
    await waitFor('five handlers to be running', () => gated.entered() === 5);
    let stopped = false;
    const stopping = svc.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(stopped, false, 'stop() returned with requests still in flight');

    gated.open();
    const answered = await Promise.all(replies);
    await stopping;
    assert.deepEqual(answered.map((r) => r.seq).sort((a, b) => a - b), range(1, 5));
    assert.deepEqual(await outboxState(path), { head: 5, published: 5 });
    await waitFor('all five events', () => events.envelopes.length >= 5);
    assert.deepEqual(events.seqs(), range(1, 5));

    // Stopped means stopped: nobody answers any more.
    await assert.rejects(req.request(Put, { n: 6 }, { retry: false }), { code: 'kit.no_responders' });
  });

  it('commits exactly the acknowledged entries when stopped right after a burst, and publishes all of them', async () => {
    const path = join(dir, 'ledger.db');
    const svc = await startService(ledger, broker().url, path);
    const events = collectEvents(nc, 'evt.ledger.>');
    await nc.flush();
    // Long enough that no committed entry's answer can time out on a loaded machine: the test
    // is about what stop() does, and a reply that arrives after the client gave up is
    // committed but not acknowledged (the reason idempotency keys exist).
    const burst = new Requester(nc, { timeoutMs: 30_000, maxRequestBytes: 1 << 16, breaker: { threshold: 1000, cooldownMs: 1 } });

    const outcomes = range(1, 300).map((i) =>
      burst.request(AddEntry, { key: 'burst', amount: i }).then(
        (r) => ({ seq: r.seq, amount: i }),
        (e: unknown) => e,
      ),
    );
    await nc.flush(); // the broker has the whole burst; the service is working through it
    await svc.stop();
    const settled = await Promise.all(outcomes);

    const acked = settled.filter((o): o is { seq: number; amount: number } => !(o instanceof Error));
    const refused = settled.filter((o) => o instanceof Error);
    assert.ok(acked.length > 0);
    for (const e of refused) assert.ok(e instanceof AppError && ['kit.no_responders', 'kit.timeout', 'kit.broker_unavailable'].includes(e.code), String(e));

    const { head, published } = await outboxState(path);
    assert.equal(head, acked.length, 'committed entries differ from acknowledged ones');
    assert.equal(published, head);
    const db = await openDb({ path });
    try {
      const rows = await db.query("SELECT seq, amount FROM entries WHERE key = 'burst' ORDER BY seq");
      assert.deepEqual(
        rows.map((r) => ({ seq: r.seq, amount: r.amount })),
        acked.map((a) => ({ seq: a.seq, amount: a.amount })).sort((a, b) => a.seq - b.seq),
      );
    } finally {
      db.close();
    }
    // At least once, in order: a flush that times out on a loaded machine sends its batch
    // again (consumers drop the repeat by its seq), so a seq may come twice, never out of order.
    await waitFor('every committed event', () => new Set(events.seqs()).size >= head);
    assert.deepEqual([...new Set(events.seqs())], range(1, head));
  });
});
