/**
 * Typed consumption: `on(Event, (event, tx) => …)` handlers for a projection of a service's
 * own events and for a consumer of another's; the consumer's types come from its handlers;
 * a consumer steps over (and warns about) an event its contract refuses, a projection
 * throws; a reactor's appends carry the consumed event's trace; the clock stamps events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as v from 'valibot';
import {
  AppError, defineService, event, EventLog, inlineProjection, KIT_MIGRATIONS, migrate, on, openDb, Requester, type RunningService,
} from '../../src/kit/index.ts';
import { AddEntry, EntryAdded } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { logSink, startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

/** Echo's own event: it noted a ledger entry. */
const Noted = event('echo', 'noted', { version: 1, data: v.object({ key: v.string(), amount: v.number() }) });
/** Ledger's event as an older build wrote it (no amount): what echo's contract refuses. */
const OldEntryAdded = event('ledger', 'entry_added', { version: 1, data: v.object({ key: v.string() }) });

const CLOCK = Date.parse('2030-01-02T03:04:05.678Z');

const echo = defineService({
  name: 'echo',
  migrations: [{ version: 1, name: 'init', sql: 'CREATE TABLE seen (key TEXT, amount INTEGER); CREATE TABLE noted (key TEXT, amount INTEGER);' }],
  setup(api) {
    api.project({
      name: 'noted',
      reset: (tx) => tx.execute('DELETE FROM noted'),
      handlers: [on(Noted, (e, tx) => tx.execute('INSERT INTO noted VALUES (?, ?)', [e.data.key, e.data.amount]))],
    });
    api.consume('ledger', {
      handlers: [
        on(EntryAdded, async (e, tx) => {
          const dup = await tx.query('SELECT 1 FROM seen WHERE key = ?', [e.data.key]);
          await tx.execute(dup.length ? 'UPDATE seen SET amount = amount + ? WHERE key = ?' : 'INSERT INTO seen (amount, key) VALUES (?, ?)', [e.data.amount, e.data.key]);
          await tx.append(Noted, { key: e.data.key, amount: e.data.amount }, { stream: `key:${e.data.key}` });
        }),
      ],
    });
  },
});

describe('typed consumption', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('consumption');
  let l: RunningService;
  let e: RunningService;
  let req: Requester;
  let nc: Awaited<ReturnType<typeof client>>;
  const sink = logSink();

  before(async () => {
    l = await startService(ledger, broker().url, join(dir, 'ledger.db'));
    e = await startService(echo, broker().url, join(dir, 'echo.db'), { log: sink.options, now: () => CLOCK, catchupMs: 200 });
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await e?.stop();
    await l?.stop();
    await nc?.close();
  });

  it('applies typed events, appends with the consumed event as cause, and projects its own events', async () => {
    await req.request(AddEntry, { key: 'a', amount: 3 }, { correlationId: 'corr-1' });
    const noted = await waitFor('echo noted', async () => (await e.events.read(0, 10)).find((x) => x.type === 'noted'));
    const [entry] = await l.events.read(0, 1);
    assert.equal(noted.causationId, entry!.id, 'caused by the consumed event');
    assert.equal(noted.correlationId, 'corr-1', 'in the same conversation');
    assert.equal(noted.stream, 'key:a');
    assert.deepEqual(noted.data, { key: 'a', amount: 3 });
    assert.equal(noted.at, new Date(CLOCK).toISOString(), 'stamped by the clock');
    assert.deepEqual((await e.db.query('SELECT key, amount FROM noted')).map((r) => [r.key, r.amount]), [['a', 3]]);
    const [cp] = await e.db.query("SELECT updated_at FROM kit_checkpoints WHERE source = 'ledger'");
    assert.equal(cp!.updated_at, new Date(CLOCK).toISOString(), 'checkpoints stamped by the clock too');
  });

  it('steps over an event its contract refuses, with a warning, and goes on', async () => {
    const bad = await l.db.write((tx) => new EventLog(l.db, 'ledger').append(tx, OldEntryAdded, { key: 'old' })); // without ledger's projection
    await req.request(AddEntry, { key: 'b', amount: 5 });
    await waitFor('b seen', async () => (await e.db.query("SELECT * FROM seen WHERE key = 'b'")).length === 1);
    assert.equal((await e.db.query("SELECT * FROM seen WHERE key = 'old'")).length, 0);
    const warned = sink.lines.find((x) => x.level === 'warn' && String(x.msg).includes('does not match its contract'));
    assert.ok(warned, 'a warning names the event');
    assert.equal(warned.seq, bad.seq);
  });

  it('lets a projection throw on an event its contract refuses', async () => {
    const db = await openDb({ path: join(dir, 'proj.db') });
    await migrate(db, 'kit', KIT_MIGRATIONS);
    const log = new EventLog(db, 'echo');
    const p = inlineProjection({ name: 'noted', handlers: [on(Noted, () => undefined)] }, log);
    const env = { id: 'x', type: 'noted', version: 1, seq: 1, at: '', source: 'echo', stream: '', correlationId: '', causationId: '', data: { key: 1 } };
    await assert.rejects(db.write((tx) => p.apply(env, tx)), (err: unknown) => err instanceof AppError && err.code === 'kit.invalid_event');
    db.close();
  });

  it('exposes the clock as api.now', async () => {
    let seen = 0;
    const probe = defineService({ name: 'probe', migrations: [], setup: (api) => void (seen = api.now()) });
    const p = await startService(probe, broker().url, join(dir, 'probe.db'), { now: () => CLOCK });
    await p.stop();
    assert.equal(seen, CLOCK);
  });
});
