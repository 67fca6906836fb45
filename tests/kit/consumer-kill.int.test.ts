/**
 * A consumer SIGKILLed while it applies a burst of live events in batches (es/live-batch.ts):
 * a batch is one transaction with its checkpoint, so what committed stays applied, what did
 * not is read again from the producer's log, and after a restart every event is applied
 * exactly once. `tally` runs as a child process (so it can be killed); `ledger` in this one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { healthOp, Requester, type RunningService } from '../../src/kit/index.ts';
import { AddMany, GetTally } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';
import { startChild } from './child-service.ts';

describe('a consumer killed mid-batch', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('consumer-kill');
  const tallyDb = join(dir, 'tally.db');
  let l: RunningService;
  let nc: Awaited<ReturnType<typeof client>>;
  let req: Requester;

  before(async () => {
    l = await startService(ledger, broker().url, join(dir, 'ledger.db'));
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 20_000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await l?.stop();
    await nc?.close();
  });

  const checkpoint = async () => (await req.request(healthOp('tally'), {})).consumers.ledger ?? 0;

  it('applies every event exactly once after a SIGKILL in the middle of live batches', async () => {
    const first = await startChild('tally', broker().url, tallyDb);
    let killedAt: number;
    try {
      await req.request(AddMany, { key: 'a', count: 5000 });
      await req.request(AddMany, { key: 'b', count: 5000 });
      killedAt = await waitFor('tally to be part-way through', async () => {
        const cp = await checkpoint();
        return cp > 500 && cp;
      }, { timeoutMs: 20_000, everyMs: 5 });
    } finally {
      first.process.kill('SIGKILL');
    }
    assert.equal((await first.exited).signal, 'SIGKILL');
    assert.ok(killedAt < 10_000, `tally had applied everything (${killedAt}) before it was killed`);
    const { head } = await req.request(AddMany, { key: 'while-down', count: 100 });

    const second = await startChild('tally', broker().url, tallyDb);
    try {
      const more = await req.request(AddMany, { key: 'after', count: 300 });
      assert.equal(more.head, head + 300);
      const s = await waitFor('tally to apply everything', async () => {
        const t = await req.request(GetTally, {});
        return t.checkpoint >= more.head && t;
      }, 30_000);
      assert.deepEqual(s, { applied: more.head, distinct: more.head, duplicates: 0, checkpoint: more.head });
    } finally {
      second.process.kill('SIGTERM');
    }
    assert.equal((await second.exited).code, 0, second.stderr());
  });
});
