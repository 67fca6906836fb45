/**
 * The event log as outbox, with a real broker: what the relay publishes and how, and what
 * happens to events committed but not yet published when the process is killed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { check, EnvelopeSchema, healthOp, logReadOp, Requester, uuidv7Time, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, AddMany } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { startChild } from './child-service.ts';
import { startCuttingProxy } from './cutting-proxy.ts';
import { outboxState, range } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { client, collectEvents, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';

describe('the outbox', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('outbox');
  let nc: NatsConnection;
  let req: Requester;
  before(async () => {
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await nc?.close();
  });

  describe('in this process', () => {
    const path = join(dir, 'ledger.db');
    let svc: RunningService;
    before(async () => {
      svc = await startService(ledger, broker().url, path);
    });
    after(async () => {
      await svc?.stop();
    });

    it('publishes every committed event once, in seq order, as a MessagePack envelope with trace headers', async () => {
      const events = collectEvents(nc, 'evt.ledger.entry_added');
      await nc.flush();
      const replies = await Promise.all(range(1, 100).map((i) => req.request(AddEntry, { key: `k${i % 7}`, amount: i }, { correlationId: `c-${i}` })));
      assert.deepEqual(replies.map((r) => r.seq).sort((a, b) => a - b), range(1, 100));
      await waitFor('100 events', () => events.envelopes.length >= 100);
      assert.deepEqual(events.seqs(), range(1, 100));

      const { events: logged, epochs } = await req.request(logReadOp('ledger'), { after: 0, limit: 1000 });
      // What went out is exactly what was committed, stamped with the log's current epoch.
      assert.deepEqual(events.envelopes.map(({ epoch: _, ...e }) => e), logged);
      assert.deepEqual(new Set(events.envelopes.map((e) => e.epoch)), new Set([epochs!.at(-1)!.id]));
      for (const [i, e] of events.envelopes.entries()) {
        check(EnvelopeSchema, e, 'test.bad_envelope');
        assert.equal(e.source, 'ledger');
        assert.equal(e.type, 'entry_added');
        assert.equal(e.version, 1);
        assert.equal(e.stream, `key:${(e.data as { key: string }).key}`);
        assert.ok(Math.abs(uuidv7Time(e.id) - Date.parse(e.at)) < 1000);
        assert.match(e.correlationId, /^c-\d+$/);
        assert.equal(events.headers[i]?.get('Hearth-Correlation-Id'), e.correlationId);
        assert.equal(events.headers[i]?.get('Hearth-Causation-Id'), e.id); // what an event causes, it causes
      }
      await waitFor('the relay to record its position', async () => (await svc.db.query('SELECT published FROM kit_relay'))[0]!.published === 100);
    });

    it('publishes nothing again after a clean restart, and goes on from where it was', async () => {
      await svc.stop();
      assert.deepEqual(await outboxState(path), { head: 100, published: 100 });
      const events = collectEvents(nc, 'evt.ledger.>');
      await nc.flush();
      svc = await startService(ledger, broker().url, path);
      const { seq } = await req.request(AddEntry, { key: 'next', amount: 1 });
      assert.equal(seq, 101);
      await waitFor('the new event', () => events.envelopes.length > 0);
      await nc.flush();
      assert.deepEqual(events.seqs(), [101]);
    });
  });

  describe('after a crash', () => {
    it('publishes, after a restart, exactly the events a killed process had committed but not published', async () => {
      const path = join(dir, 'crash.db');
      const events = collectEvents(nc, 'evt.ledger.>');
      await nc.flush();
      const proxy = await startCuttingProxy(broker().url);
      const first = await startChild('ledger', proxy.url, path);
      try {
        for (let i = 1; i <= 3; i++) await req.request(AddEntry, { key: 'pre', amount: i });
        await waitFor('the first three to be published', async () => (await req.request(healthOp('ledger'), {})).published === 3);
        // The position is recorded at most once a second: until then a crash would publish them again.
        await waitFor('their position to be recorded', async () => (await outboxState(path)).published === 3);
        assert.deepEqual(events.seqs(), [1, 2, 3]);

        // The network now drops what the child publishes: the reply to AddMany still gets
        // out (it is written before the relay reads the new rows), the events do not.
        const cut = proxy.cutAtPublish('evt.ledger.');
        const { head } = await req.request(AddMany, { key: 'lost', count: 50 });
        assert.equal(head, 53);
        await cut;
        assert.deepEqual(await outboxState(path), { head: 53, published: 3 });
      } finally {
        first.process.kill('SIGKILL');
      }
      assert.equal((await first.exited).signal, 'SIGKILL');
      await proxy.close();

      const state = await outboxState(path);
      assert.ok(state.published < state.head, `nothing left to publish: ${JSON.stringify(state)}`);
      assert.deepEqual(state, { head: 53, published: 3 });
      await nc.flush();
      assert.deepEqual(events.seqs(), [1, 2, 3], 'events escaped the cut');

      const second = await startChild('ledger', broker().url, path);
      try {
        await waitFor('the missing events', () => events.envelopes.length >= 53, 10_000);
        await waitFor('the relay to record them', async () => (await req.request(healthOp('ledger'), {})).published === 53);
        await nc.flush();
        assert.deepEqual(events.seqs(), range(1, 53));
        assert.ok(events.envelopes.slice(3).every((e) => (e.data as { key: string }).key === 'lost'));
        const { events: logged } = await req.request(logReadOp('ledger'), { after: 3, limit: 100 });
        assert.deepEqual(events.envelopes.slice(3).map((e) => e.id), logged.map((e) => e.id)); // the committed events, not new ones
      } finally {
        second.process.kill('SIGTERM');
      }
      assert.equal((await second.exited).code, 0, second.stderr());
      assert.deepEqual(await outboxState(path), { head: 53, published: 53 });
    });
  });
});
