/**
 * Sagas across crashes, with real child processes SIGKILLed: a participant killed at its
 * step (after its transaction committed, before it answered) and restarted, and the
 * orchestrator killed while a step is in flight and restarted. Each time the saga completes
 * and every step is applied once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { Requester, sagaGetOp, type RunningService } from '../../src/kit/index.ts';
import conductor from '../kit-service/conductor.ts';
import { north } from '../kit-service/depot.ts';
import { depotOps, GetConductor, StartMove } from '../kit-service/saga-contracts.ts';
import { client, useBroker } from '../support/broker.ts';
import { waitFor } from '../support/poll.ts';
import { startService } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startChild, type ChildService } from './child-service.ts';

describe('sagas across crashes', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('saga-crash');
  const children: ChildService[] = [];
  let nc: NatsConnection;
  let req: Requester;
  let northSvc: RunningService;
  const url = () => broker().url;

  before(async () => {
    nc = await client(url());
    req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
    northSvc = await startService(north, url(), join(dir, 'north.db'));
  });
  after(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await northSvc?.stop();
    await nc?.close();
  });

  const child = async (name: 'conductor' | 'south', env: Record<string, string> = {}) => {
    const c = await startChild(name, url(), join(dir, `${name}.db`), 20_000, env);
    children.push(c);
    return c;
  };
  const saga = (id: string) => req.request(sagaGetOp('conductor'), { id });
  const holds = async (name: 'north' | 'south', sagaId: string) => (await req.request(depotOps(name).State, {})).holds.filter((h) => h.sagaId === sagaId);
  const completed = (id: string, timeoutMs = 20_000) =>
    waitFor(`saga ${id} completed`, async () => ((await saga(id)).state === 'completed' ? saga(id) : undefined), { timeoutMs, state: () => saga(id).catch(String) });

  it('completes after a participant is SIGKILLed at its step and restarted, the step applied once', async () => {
    const orchestrator = await startService(conductor, url(), join(dir, 'conductor-a.db'), { sagaPollMs: 100, requestTimeoutMs: 1000 });
    try {
      const dying = await child('south', { HEARTH_TEST_DIE_AT: 'hold' });
      const { sagaId } = await req.request(StartMove, { key: 'k', amount: 3 });
      const exit = await dying.exited;
      assert.equal(exit.signal, 'SIGKILL', 'south died at its step');
      const meanwhile = await waitFor('a retry after the lost answer', async () => {
        const s = await saga(sagaId);
        const hs = s.steps.find((x) => x.name === 'hold_south')!;
        return hs.attempts >= 2 && s.state === 'running' ? hs : undefined;
      });
      assert.ok(['kit.timeout', 'kit.no_responders'].includes(meanwhile.lastError!.code), meanwhile.lastError!.code);

      await child('south'); // restarted without the fault
      const done = await completed(sagaId);
      assert.equal(done.steps.find((x) => x.name === 'hold_south')!.status, 'done');
      assert.equal((await holds('south', sagaId)).length, 1, 'south applied the hold once');
      assert.equal((await holds('north', sagaId)).length, 1);
      assert.deepEqual(await req.request(GetConductor, { sagaId }), { items: [1, 2, 3], finished: 1, outcome: 'completed' });
    } finally {
      await orchestrator.stop();
    }
  });

  it('resumes after the orchestrator is SIGKILLed while a step is in flight, each step applied once', async () => {
    const env = { HEARTH_TEST_REQUEST_TIMEOUT_MS: '4000' };
    const first = await child('conductor', env);
    // south's hold takes 1.5 s: the orchestrator dies while it waits for the answer.
    const { sagaId } = await req.request(StartMove, { key: 'o', amount: 4, slowMs: 1500 });
    await waitFor('the hold at south in flight', async () => (await saga(sagaId)).steps.find((x) => x.name === 'hold_south')!.attempts === 1);
    first.process.kill('SIGKILL');
    await first.exited;
    await waitFor('south to commit the hold nobody awaits', async () => (await holds('south', sagaId)).length === 1, 5000);

    await child('conductor', env);
    const done = await completed(sagaId);
    assert.equal(done.steps.find((x) => x.name === 'hold_south')!.attempts, 2, 'asked again once after the restart');
    assert.equal((await holds('south', sagaId)).length, 1, 'south applied the hold once');
    assert.equal((await holds('north', sagaId)).length, 1, 'north applied the hold once');
    assert.deepEqual(await req.request(GetConductor, { sagaId }), { items: [1, 2, 3, 4], finished: 1, outcome: 'completed' });
  });
});
