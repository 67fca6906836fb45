/**
 * A producer whose database is put back to an earlier instant while its consumer keeps
 * running: with a restore stamp (`stampRestore`), the consumer notices at the first live
 * event of the new epoch and moves its checkpoint back to where the logs part; without one
 * (a file copied back by hand), its idle catch-up finds its checkpoint ahead of the head and
 * moves it back there. Either way the new events, which reuse seqs the consumer had applied,
 * are applied, each once, and the move is logged once at warn level.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from 'nats';
import { openDb, readEpochs, Requester, stampRestore, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, AddMany, GetTally } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import tally from '../kit-service/tally.ts';
import { client, useBroker } from '../support/broker.ts';
import { waitFor } from '../support/poll.ts';
import { logSink, startService } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

function copyDb(from: string, to: string): void {
  for (const ext of ['', '-wal', '-shm']) {
    rmSync(to + ext, { force: true });
    if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
  }
}

describe('a producer restored under a running consumer', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('restored-producer');
  const ledgerDb = join(dir, 'ledger.db');
  const tallyLog = logSink();
  let l: RunningService | undefined;
  let t: RunningService;
  let nc: NatsConnection;
  let req: Requester;
  // A minute between idle catch-ups: what tally notices within seconds, a live event told it.
  const startTally = async (catchupMs = 60_000) => void (t = await startService(tally, broker().url, join(dir, 'tally.db'), { catchupMs, log: tallyLog.options }));
  const startLedger = async () => void (l = await startService(ledger, broker().url, ledgerDb));
  const stopLedger = async () => {
    await l!.stop();
    l = undefined;
  };
  const tallied = () => req.request(GetTally, {});
  const applied = async () => (await t.db.query('SELECT id FROM applied ORDER BY rowid')).map((r) => String(r.id));
  const logged = async () => (await l!.events.read(0, 100_000)).map((e) => e.id);
  const moves = () => tallyLog.lines.filter((x) => x.msg === 'checkpoint moved back to reconcile with the producer');

  before(async () => {
    await startLedger();
    await startTally();
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await t?.stop();
    await l?.stop();
    await nc?.close();
  });

  it('begins a new epoch at the restored head, once per stamp', async () => {
    const db = await openDb({ path: join(dir, 'other.db') });
    try {
      await assert.rejects(readEpochs(db)); // no kit tables yet: stampRestore migrates them
      const first = await stampRestore(db);
      const second = await stampRestore(db);
      assert.equal(first.head, 0);
      assert.notEqual(first.epoch, second.epoch);
      assert.deepEqual((await readEpochs(db)).map((e) => e.id).slice(1), [first.epoch, second.epoch]);
    } finally {
      db.close();
    }
  });

  it('applies the events of a stamped restore that reuse seqs it had applied, at the first live one', async () => {
    await req.request(AddMany, { key: 'a', count: 5 });
    await waitFor('tally at 5', async () => (await tallied()).checkpoint === 5 || undefined);
    await stopLedger();
    copyDb(ledgerDb, `${ledgerDb}.a`);
    await startLedger();
    await req.request(AddMany, { key: 'b', count: 5 });
    await waitFor('tally at 10', async () => (await tallied()).checkpoint === 10 || undefined);
    await stopLedger();

    copyDb(`${ledgerDb}.a`, ledgerDb);
    const db = await openDb({ path: ledgerDb });
    const { head } = await stampRestore(db);
    db.close();
    assert.equal(head, 5);
    await startLedger();
    for (let i = 0; i < 3; i++) await req.request(AddEntry, { key: 'c', amount: i });
    const expected = [...(await applied()).slice(0, 10), ...(await logged()).slice(5)];
    await waitFor('tally applies the three new events', async () => ((await applied()).length === 13 ? true : undefined), 10_000);
    assert.deepEqual(await applied(), expected, 'the old ten and the new three, each once');
    assert.equal((await tallied()).checkpoint, 8);
    assert.equal(moves().length, 1);
    assert.deepEqual({ from: moves()[0]!.from, to: moves()[0]!.to, level: moves()[0]!.level }, { from: 10, to: 5, level: 'warn' });
  });

  it('moves a checkpoint ahead of a head copied back by hand (no stamp) back to the head, then applies what follows', async () => {
    await t.stop();
    await startTally(300);
    tallyLog.lines.length = 0;
    await stopLedger();
    copyDb(ledgerDb, `${ledgerDb}.b`); // head 8
    await startLedger();
    await req.request(AddMany, { key: 'd', count: 4 });
    await waitFor('tally at 12', async () => (await tallied()).checkpoint === 12 || undefined);
    await stopLedger();
    copyDb(`${ledgerDb}.b`, ledgerDb);
    await startLedger();
    // No event yet: the idle catch-up finds the checkpoint ahead of the head.
    await waitFor('the checkpoint back at the head', async () => ((await tallied()).checkpoint === 8 ? true : undefined), 10_000);
    assert.equal(moves().length, 1);
    assert.match(String(moves()[0]!.why), /by hand/);
    const before = (await applied()).length;
    await req.request(AddEntry, { key: 'e', amount: 1 });
    await waitFor('the new event applied', async () => ((await applied()).length === before + 1 ? true : undefined));
    assert.equal((await applied()).at(-1), (await logged()).at(-1));
  });
});
