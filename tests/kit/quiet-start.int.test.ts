/**
 * A quiet, ordered start: a consumer started before its producer waits quietly (debug
 * lines only) and catches up once the producer starts; once the producer has answered, its
 * going away is a warning again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requester, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, GetTally } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import tally from '../kit-service/tally.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { logSink, startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

describe('a consumer started before its producer', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('quiet-start');
  const running: RunningService[] = [];
  after(async () => {
    for (const s of running.reverse()) await s.stop();
  });

  it('logs no warning while it waits, and catches up once the producer starts', async () => {
    const sink = logSink();
    const t = await startService(tally, broker().url, join(dir, 'tally.db'), { log: sink.options, catchupMs: 100, requestTimeoutMs: 300 });
    running.push(t);
    // Long enough for several failed reads and the breaker to open.
    await waitFor('several quiet retries', () => sink.lines.filter((l) => l.msg === 'waiting for the producer to answer').length >= 4, 15_000);
    const l = await startService(ledger, broker().url, join(dir, 'ledger.db'));
    running.push(l);
    const nc = await client(broker().url);
    try {
      const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
      await req.request(AddEntry, { key: 'k', amount: 1 });
      await waitFor('tally caught up', async () => (await req.request(GetTally, {})).checkpoint === 1, 20_000);
    } finally {
      await nc.close();
    }
    const loud = sink.lines.filter((x) => x.level === 'warn' || x.level === 'error');
    assert.deepEqual(loud, [], 'no warning on an ordinary start');

    // Once it has answered, a producer that goes away is worth a warning.
    await l.stop();
    running.splice(running.indexOf(l), 1);
    await waitFor('a warning', () => sink.lines.some((x) => x.level === 'warn' && x.msg === 'consumer could not apply events; retrying'), 20_000);
  });
});
