/**
 * Group commit through the kit's write path: a handler's `ctx.write(fn, { group: true })`
 * shares its transaction with concurrent requests, yet each request's work commits or rolls
 * back alone, its events carry its own trace, and `tx.at` is the time the log stamps on them
 * (the run's clock).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as v from 'valibot';
import { AppError, command, defineService, event, Requester, type RunningService } from '../../src/kit/index.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';

const Add = command('grouped', 'add', { version: 1, request: v.object({ n: v.number() }), reply: v.object({ n: v.number(), at: v.string() }) });
const Added = event('grouped', 'added', { version: 1, data: v.object({ n: v.number() }) });
const CLOCK = Date.parse('2031-05-06T07:08:09.010Z');

const grouped = defineService({
  name: 'grouped',
  migrations: [{ version: 1, name: 'init', sql: 'CREATE TABLE t (n INTEGER PRIMARY KEY)' }],
  setup(api) {
    api.handle(Add, (req, ctx) =>
      ctx.write(async (tx) => {
        await tx.execute('INSERT INTO t (n) VALUES (?)', [req.n]);
        await tx.append(Added, { n: req.n }, { stream: `n:${req.n}` });
        if (req.n === 7) throw new AppError('conflict', 'grouped.seven', 'seven fails');
        return { n: req.n, at: tx.at };
      }, { group: true }),
    );
  },
});

describe('kit: ctx.write with group commit', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('group-write');
  let s: RunningService;
  let nc: Awaited<ReturnType<typeof client>>;
  let req: Requester;

  before(async () => {
    s = await startService(grouped, broker().url, join(dir, 'grouped.db'), { now: () => CLOCK });
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await s?.stop();
    await nc?.close();
  });

  it('commits concurrent requests together, rolls a failing one back alone, and stamps tx.at', async () => {
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => req.request(Add, { n }, { correlationId: `c-${n}` })));
    const failed = settled.flatMap((r, n) => (r.status === 'rejected' ? [n] : []));
    assert.deepEqual(failed, [7]);
    assert.equal((settled[7] as PromiseRejectedResult).reason.code, 'grouped.seven');
    const iso = new Date(CLOCK).toISOString();
    for (const r of settled) if (r.status === 'fulfilled') assert.equal(r.value.at, iso, 'tx.at is the run clock');
    const expected = [...Array(20).keys()].filter((n) => n !== 7);
    assert.deepEqual((await s.db.query('SELECT n FROM t ORDER BY n')).map((r) => Number(r.n)), expected, 'request 7 rolled back alone');
    const events = await s.events.read(0, 100);
    assert.deepEqual(events.map((e) => (e.data as { n: number }).n).sort((a, b) => a - b), expected);
    for (const e of events) {
      assert.equal(e.at, iso, 'the log stamps tx.at');
      assert.equal(e.correlationId, `c-${e.stream.slice(2)}`, 'each request keeps its own trace');
    }
  });
});
