/**
 * Log reads stay within the broker's payload limit: with a small max_payload, a page of
 * large events is cut short (at least one event per page) and a consumer reading it keeps
 * asking until it reaches the head.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger as brokerLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { encode, logReadOp, Requester } from '../../src/kit/index.ts';
import { AddEntry, GetTally } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import tally from '../kit-service/tally.ts';
import { client } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

describe('log pages', { timeout: FILE_TIMEOUT }, () => {
  const dir = useTempDir('log-pages');
  let broker: Broker;
  before(async () => {
    broker = await startBroker({ port: -1, maxPayload: 16 * 1024 }, brokerLogger({ debug: false, trace: false, quiet: true }));
  });
  after(async () => {
    await broker.close();
  });

  it('are cut to half the broker limit, and a consumer still reads every event', async () => {
    const l = await startService(ledger, broker.url, join(dir, 'ledger.db'), { maxRequestBytes: 8 * 1024 });
    const nc = await client(broker.url);
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 8 * 1024 });
    const key = 'k'.repeat(200);
    for (let i = 0; i < 300; i++) await req.request(AddEntry, { key, amount: i });

    const page = await req.request(logReadOp('ledger'), { after: 0, limit: 1000 });
    assert.ok(page.events.length > 0 && page.events.length < 300, `page of ${page.events.length}`);
    assert.ok(encode(page).length <= 8 * 1024 + 512);
    assert.equal(page.head, 300);

    const t = await startService(tally, broker.url, join(dir, 'tally.db'), { maxRequestBytes: 8 * 1024 });
    const counted = await waitFor('tally to reach the head', async () => {
      const r = await req.request(GetTally, {});
      return r.checkpoint === 300 ? r : undefined;
    }, 20_000);
    assert.equal(counted.applied, 300);
    assert.equal(counted.duplicates, 0);
    await t.stop();
    await l.stop();
    await nc.close();
  });
});
