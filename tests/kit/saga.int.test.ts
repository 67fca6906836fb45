/**
 * The saga runtime in one process against a real broker and real database files: the
 * `conductor` orchestrator and the `north`/`south` participants of tests/kit-service. The
 * happy path (each step once, pages stored once, the local step and the hook), a start
 * repeated under the same key, cancellation with compensation in reverse order (a step in
 * flight included; a participant down while compensating, across an orchestrator restart),
 * refusals by a participant and by the orchestrator's own step, a participant down longer
 * than its step's timeout or the saga's deadline, and bad input to the query operations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { encode, Requester, sagaGetOp, sagaListOp, type RunningService, type SagaView } from '../../src/kit/index.ts';
import conductor from '../kit-service/conductor.ts';
import { north, south } from '../kit-service/depot.ts';
import { CancelMove, depotOps, GetConductor, StartMove } from '../kit-service/saga-contracts.ts';
import { client, rawRequest, useBroker } from '../support/broker.ts';
import { waitFor } from '../support/poll.ts';
import { startService } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

describe('sagas', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('saga');
  let nc: NatsConnection;
  let req: Requester;
  let northSvc: RunningService;
  let southSvc: RunningService | undefined;
  const url = () => broker().url;

  before(async () => {
    nc = await client(url());
    req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
    northSvc = await startService(north, url(), join(dir, 'north.db'));
    southSvc = await startService(south, url(), join(dir, 'south.db'));
  });
  after(async () => {
    await southSvc?.stop();
    await northSvc?.stop();
    await nc?.close();
  });

  /** Runs the conductor with `settings` for one test. */
  async function withConductor(settings: object, fn: () => Promise<void>): Promise<void> {
    const svc = await startService(conductor, url(), join(dir, 'conductor.db'), { settings, sagaPollMs: 100, requestTimeoutMs: 1000 });
    try {
      await fn();
    } finally {
      await svc.stop();
    }
  }
  const saga = (id: string) => req.request(sagaGetOp('conductor'), { id });
  const until = (id: string, state: string, timeoutMs = 10_000) =>
    waitFor(`saga ${id} ${state}`, async () => ((await saga(id)).state === state ? saga(id) : undefined), { timeoutMs, state: () => saga(id) });
  const step = (s: SagaView, name: string) => s.steps.find((x) => x.name === name)!;
  const depot = (name: 'north' | 'south', sagaId: string) =>
    req.request(depotOps(name).State, {}).then((d) => ({ holds: d.holds.filter((h) => h.sagaId === sagaId), releases: d.releases.filter((r) => r.sagaId === sagaId) }));

  it('runs every step once, stores each page once and completes; a start under the same key while it runs is the same saga', async () => {
    await withConductor({}, async () => {
      const first = await req.request(StartMove, { key: 'a', amount: 5 });
      const again = await req.request(StartMove, { key: 'a', amount: 5 });
      assert.equal(first.created, true);
      assert.deepEqual(again, { sagaId: first.sagaId, state: 'running', created: false });

      const done = await until(first.sagaId, 'completed');
      assert.equal(done.lastError, null);
      assert.equal(done.step, null);
      assert.deepEqual(done.steps.map((s) => [s.name, s.participant, s.status]), [
        ['hold_north', 'north', 'done'],
        ['hold_south', 'south', 'done'],
        ['settle', 'south', 'done'],
        ['collect', 'north', 'done'],
        ['finish', 'conductor', 'done'],
      ]);
      assert.equal(step(done, 'hold_north').attempts, 1);
      assert.ok(step(done, 'settle').attempts >= 1);
      assert.equal(step(done, 'collect').pages, 3, 'five items in pages of two');

      assert.deepEqual(await req.request(GetConductor, { sagaId: first.sagaId }), { items: [1, 2, 3, 4, 5], finished: 1, outcome: 'completed' });
      for (const name of ['north', 'south'] as const) {
        const d = await depot(name, first.sagaId);
        assert.deepEqual(d.holds.map((h) => [h.amount, h.released]), [[5, false]], `${name} applied its hold once`);
        assert.equal(d.releases.length, 0);
      }

      const listed = await req.request(sagaListOp('conductor'), { key: 'key:a' });
      assert.deepEqual(listed.sagas.map((s) => [s.id, s.state]), [[first.sagaId, 'completed']]);
      const next = await req.request(StartMove, { key: 'a', amount: 1 });
      assert.equal(next.created, true, 'a finished saga does not hold its key');
      await until(next.sagaId, 'completed');
    });
  });

  it('cancels before the boundary step has begun: undoes the steps done in reverse order, then refuses another cancellation', async () => {
    await withConductor({ graceMs: 60_000 }, async () => {
      const { sagaId } = await req.request(StartMove, { key: 'c', amount: 2 });
      await waitFor('both holds done', async () => (await saga(sagaId)).step === 'settle');
      const during = await saga(sagaId);
      assert.equal(step(during, 'settle').status, 'pending');

      assert.deepEqual(await req.request(CancelMove, { sagaId }), { sagaId, state: 'compensating', created: false });
      const ended = await until(sagaId, 'cancelled');
      assert.deepEqual(ended.steps.map((s) => s.status), ['compensated', 'compensated', 'pending', 'pending', 'pending']);
      assert.equal(step(ended, 'hold_south').undoAttempts, 1);

      const n = await depot('north', sagaId);
      const s = await depot('south', sagaId);
      assert.deepEqual([n.holds[0]!.released, s.holds[0]!.released], [true, true]);
      assert.equal(n.releases.length, 1);
      assert.equal(s.releases.length, 1);
      assert.ok(s.releases[0]!.atMs <= n.releases[0]!.atMs, 'south (the later step) is undone first');
      assert.equal((await req.request(GetConductor, { sagaId })).outcome, 'cancelled');

      await assert.rejects(req.request(CancelMove, { sagaId }), { code: 'kit.saga_not_cancellable' });
      await assert.rejects(req.request(CancelMove, { sagaId: 'no-such-saga' }), { code: 'kit.no_such_saga' });
    });
  });

  it('undoes a step that was in flight when the cancellation came, once its answer is in', async () => {
    await withConductor({ graceMs: 60_000 }, async () => {
      const { sagaId } = await req.request(StartMove, { key: 'inflight', amount: 1, slowMs: 800 });
      await waitFor('the hold at south in flight', async () => step(await saga(sagaId), 'hold_south').attempts === 1);
      await req.request(CancelMove, { sagaId });
      const ended = await until(sagaId, 'cancelled');
      assert.deepEqual(ended.steps.slice(0, 2).map((s) => [s.status, s.undoAttempts]), [['compensated', 1], ['compensated', 1]]);
      const s = await depot('south', sagaId);
      assert.deepEqual([s.holds.map((h) => h.released), s.releases.map((r) => r.released)], [[true], [1]], 'south applied the hold, then undid it');
    });
  });

  it('keeps compensating while a participant is down, across a restart of the orchestrator, and ends cancelled once it is back', async () => {
    let sagaId = '';
    await withConductor({ graceMs: 60_000 }, async () => {
      ({ sagaId } = await req.request(StartMove, { key: 'undo-later', amount: 1 }));
      await waitFor('both holds done', async () => (await saga(sagaId)).step === 'settle');
      await southSvc!.stop();
      southSvc = undefined;
      await req.request(CancelMove, { sagaId });
      await waitFor('the undo at south retried', async () => step(await saga(sagaId), 'hold_south').undoAttempts >= 2);
    });
    await withConductor({ graceMs: 60_000 }, async () => {
      const waiting = await saga(sagaId);
      assert.equal(waiting.state, 'compensating');
      assert.equal(waiting.step, 'hold_south');
      assert.equal(step(waiting, 'hold_south').lastError?.code, 'kit.no_responders');
      assert.equal((await depot('north', sagaId)).releases.length, 0, 'north waits for south: reverse order');
      southSvc = await startService(south, url(), join(dir, 'south.db'));
      await until(sagaId, 'cancelled');
      const n = await depot('north', sagaId);
      const s = await depot('south', sagaId);
      assert.deepEqual([s.releases.length, n.releases.length], [1, 1]);
      assert.ok(s.releases[0]!.atMs <= n.releases[0]!.atMs);
    });
  });

  it('refuses a cancellation once the boundary step has begun', async () => {
    await withConductor({}, async () => {
      const { sagaId } = await req.request(StartMove, { key: 'late', amount: 1 });
      await waitFor('the settle step begun', async () => ['settle', 'collect', 'finish', null].includes((await saga(sagaId)).step) && step(await saga(sagaId), 'settle').attempts > 0);
      await assert.rejects(req.request(CancelMove, { sagaId }), { code: 'kit.saga_not_cancellable' });
      await until(sagaId, 'completed');
    });
  });

  it('compensates the steps before a step its participant refuses, and leaves the refused one alone', async () => {
    await withConductor({}, async () => {
      const { sagaId } = await req.request(StartMove, { key: 'r', amount: 1, refuse: 'south' });
      const failed = await until(sagaId, 'failed');
      assert.equal(failed.lastError?.code, 'depot.refused');
      assert.deepEqual(failed.steps.map((s) => [s.name, s.status, s.attempts, s.undoAttempts]), [
        ['hold_north', 'compensated', 1, 1],
        ['hold_south', 'failed', 1, 0],
        ['settle', 'pending', 0, 0],
        ['collect', 'pending', 0, 0],
        ['finish', 'pending', 0, 0],
      ]);
      assert.deepEqual((await depot('north', sagaId)).holds.map((h) => h.released), [true]);
      assert.deepEqual(await depot('south', sagaId), { holds: [], releases: [] });
      assert.deepEqual(await req.request(GetConductor, { sagaId }), { items: [], finished: 0, outcome: 'failed' });
    });
  });

  it('compensates every step done, the later first, when the orchestrator\u2019s own last step refuses; its change rolled back', async () => {
    await withConductor({}, async () => {
      const { sagaId } = await req.request(StartMove, { key: 'f', amount: 1, refuse: 'conductor' });
      const failed = await until(sagaId, 'failed');
      assert.equal(failed.lastError?.code, 'conductor.refused');
      assert.deepEqual(failed.steps.map((s) => s.status), ['compensated', 'compensated', 'done', 'done', 'failed']);
      const n = await depot('north', sagaId);
      const s = await depot('south', sagaId);
      assert.ok(s.releases[0]!.atMs <= n.releases[0]!.atMs, 'south (the later step) is undone first');
      assert.deepEqual(await req.request(GetConductor, { sagaId }), { items: [1], finished: 0, outcome: 'failed' });
    });
  });

  it('answers bad input to the query operations with kit.invalid_request, an unknown id with kit.no_such_saga', async () => {
    await withConductor({}, async () => {
      for (const bad of [{ limit: 0 }, { limit: 201 }, { limit: 1.5 }, { state: 'bogus' }, { before: '' }, { extra: 1 }, 'list'] as unknown[]) {
        const r = await rawRequest(nc, 'svc.conductor.sagas.list', encode(bad));
        assert.equal(r.error?.code, 'kit.invalid_request', JSON.stringify(bad));
      }
      for (const bad of [{}, { id: 5 }, { id: '' }, { id: 'x'.repeat(101) }] as unknown[]) {
        const r = await rawRequest(nc, 'svc.conductor.sagas.get', encode(bad));
        assert.equal(r.error?.code, 'kit.invalid_request', JSON.stringify(bad));
      }
      await assert.rejects(saga('0190aaaa-0000-7000-8000-000000000000'), { code: 'kit.no_such_saga' });
      // A service that orchestrates nothing answers too.
      assert.deepEqual(await req.request(sagaListOp('north'), {}), { sagas: [] });
      // A bad saga input is refused before anything is stored.
      const r = await rawRequest(nc, 'svc.conductor.start', encode({ key: '', amount: 1 }));
      assert.equal(r.error?.code, 'kit.invalid_request');
    });
  });

  it('gives a step up after its timeout while its participant is down, and compensates only what was reached', async () => {
    await southSvc!.stop();
    southSvc = undefined;
    await withConductor({ deadlineMs: 1500 }, async () => {
      // No step timeout: the saga's deadline ends it.
      const { sagaId } = await req.request(StartMove, { key: 'd', amount: 1 });
      const failed = await until(sagaId, 'failed');
      assert.equal(failed.lastError?.code, 'kit.saga_deadline');
      assert.equal(failed.deadline !== null, true);
      assert.equal((await depot('north', sagaId)).releases.length, 1);
    });
    await withConductor({ southTimeoutMs: 1500 }, async () => {
      const { sagaId } = await req.request(StartMove, { key: 't', amount: 1 });
      const failed = await until(sagaId, 'failed');
      assert.equal(failed.lastError?.code, 'kit.saga_step_timeout');
      const hs = step(failed, 'hold_south');
      assert.equal(hs.status, 'failed');
      assert.ok(hs.attempts > 2, `retried (${hs.attempts} attempts)`);
      assert.equal(hs.lastError?.code, 'kit.no_responders');
      assert.equal(hs.undoAttempts, 0, 'never delivered, so nothing to undo at south');
      assert.equal(step(failed, 'hold_north').status, 'compensated');
      const n = await depot('north', sagaId);
      assert.deepEqual([n.holds[0]!.released, n.releases.length], [true, 1]);
      assert.equal((await req.request(GetConductor, { sagaId })).outcome, 'failed');

      southSvc = await startService(south, url(), join(dir, 'south.db'));
      assert.deepEqual(await depot('south', sagaId), { holds: [], releases: [] });
    });
  });
});
