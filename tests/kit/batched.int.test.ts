/**
 * Batched operations (bus/batch.ts) through a real broker: the calls made in one turn travel
 * as one message and share the callee's group-commit transaction, yet each is checked,
 * answered, refused and traced as its own; a call alone goes as a plain request; a batch is
 * cut to what the callee accepts; and a malformed batch from a raw client gets a clear error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { headers, type Msg, type NatsConnection } from 'nats';
import * as v from 'valibot';
import { AppError, command, decode, defineService, encode, event, Requester, type RunningService } from '../../src/kit/index.ts';
import { client, rawRequest, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';

const Add = command('batched', 'add', {
  version: 1,
  request: v.strictObject({ n: v.number(), pad: v.optional(v.string()) }),
  reply: v.object({ n: v.number() }),
  batched: true,
});
const Plain = command('batched', 'plain', { version: 1, request: v.object({}), reply: v.object({}) });
const Added = event('batched', 'added', { version: 1, data: v.object({ n: v.number() }) });

/** Distinct transactions the handler ran in (group commit hands every job of one the same `execute`). */
const transactions = new Set<unknown>();

const service = defineService({
  name: 'batched',
  migrations: [{ version: 1, name: 'init', sql: 'CREATE TABLE t (n INTEGER PRIMARY KEY)' }],
  setup(api) {
    api.handle(Add, (req, ctx) =>
      ctx.write(async (tx) => {
        transactions.add(tx.execute);
        await tx.execute('INSERT INTO t (n) VALUES (?)', [req.n]);
        await tx.append(Added, { n: req.n });
        if (req.n === 7) throw new AppError('conflict', 'batched.seven', 'seven fails');
        return { n: req.n };
      }, { group: true }),
    );
    api.handle(Plain, () => ({}));
  },
});

describe('kit: batched operations', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('batched');
  let s: RunningService;
  let nc: NatsConnection;
  let spy: NatsConnection;
  const seen: Msg[] = [];

  before(async () => {
    s = await startService(service, broker().url, join(dir, 'batched.db'), { maxRequestBytes: 4096 });
    nc = await client(broker().url);
    spy = await client(broker().url, 'spy');
    spy.subscribe('svc.batched.add', { callback: (_e, m) => seen.push(m) });
    await spy.flush();
  });
  after(async () => {
    await s?.stop();
    await nc?.close();
    await spy?.close();
  });

  const wire = async (from: number) => {
    await spy.flush();
    return seen.slice(from).map((m) => Number(m.headers?.get('Hearth-Batch') ?? 0));
  };

  it('sends the calls of one turn as one message, in one transaction, each answered and traced as its own', async () => {
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 4096 });
    const [from, txBefore] = [seen.length, transactions.size];
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => req.request(Add, { n }, { correlationId: `c-${n}` })));
    assert.deepEqual(await wire(from), [20], 'one message carrying 20 calls');
    assert.equal(transactions.size - txBefore, 1, 'the 20 calls shared one transaction');
    assert.deepEqual(settled.flatMap((r, n) => (r.status === 'rejected' ? [n] : [])), [7]);
    const refused = (settled[7] as PromiseRejectedResult).reason;
    assert.ok(refused instanceof AppError && refused.code === 'batched.seven', 'the failing call gets its own error');
    settled.forEach((r, n) => r.status === 'fulfilled' && assert.deepEqual(r.value, { n }));
    const stored = (await s.db.query('SELECT n FROM t ORDER BY n')).map((r) => Number(r.n));
    assert.deepEqual(stored, [...Array(20).keys()].filter((n) => n !== 7), 'call 7 rolled back alone');
    for (const e of await s.events.read(0, 100)) assert.equal(e.correlationId, `c-${(e.data as { n: number }).n}`);
  });

  it('sends a call alone in its turn as a plain request', async () => {
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 4096 });
    const from = seen.length;
    assert.deepEqual(await req.request(Add, { n: 100 }), { n: 100 });
    assert.deepEqual(await req.request(Add, { n: 101 }), { n: 101 });
    assert.deepEqual(await wire(from), [0, 0]);
  });

  it('cuts a turn\'s calls into batches the callee accepts', async () => {
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 4096 });
    const from = seen.length;
    const pad = 'x'.repeat(900); // about 1 KiB a call: four to a 4 KiB message
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => req.request(Add, { n: 200 + i, pad })));
    assert.deepEqual(replies.map((r) => r.n), Array.from({ length: 10 }, (_, i) => 200 + i));
    const batches = await wire(from);
    assert.equal(batches.reduce((a, b) => a + Math.max(b, 1), 0), 10, `every call sent once: ${batches}`);
    assert.ok(batches.length >= 3, `10 calls of 1 KiB need three or more messages under 4 KiB: ${batches}`);
    for (const m of seen.slice(from)) assert.ok(m.data.length <= 4096, `a message of ${m.data.length} bytes`);
  });

  it('counts long trace ids in what a batch may hold', async () => {
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 4096 });
    const from = seen.length;
    const long = (i: number) => ({ correlationId: `c${i}-${'x'.repeat(700)}`, causationId: `k${i}-${'y'.repeat(300)}` });
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => req.request(Add, { n: 500 + i }, long(i))));
    assert.equal(replies.length, 12);
    assert.ok((await wire(from)).length >= 3, 'a kilobyte of trace per call: at most four calls to a 4 KiB message');
    for (const m of seen.slice(from)) assert.ok(m.data.length <= 4096, `a message of ${m.data.length} bytes`);
  });

  it('refuses every call of a turn with the same typed error when nobody answers', async () => {
    const req = new Requester(nc, { timeoutMs: 2000, maxRequestBytes: 4096 });
    const Nobody = command('nobody', 'add', { version: 1, request: v.object({ n: v.number() }), reply: v.object({}), batched: true });
    const settled = await Promise.allSettled([1, 2, 3].map((n) => req.request(Nobody, { n })));
    for (const r of settled) {
      assert.equal(r.status, 'rejected');
      assert.equal((r as PromiseRejectedResult).reason.code, 'kit.no_responders');
    }
  });

  describe('a raw client\'s batch', () => {
    const batchHeaders = (n: string) => {
      const h = headers();
      h.set('Hearth-Batch', n);
      return h;
    };
    const call = (n: unknown) => ['corr', '', encode({ n })];

    it('answers a good call and refuses a bad one, each in its own reply', async () => {
      const msg = await nc.request('svc.batched.add', encode({ batch: [call(300), call('three hundred')] }), { timeout: 5000, headers: batchHeaders('2') });
      const { batch } = decode(msg.data) as { batch: Uint8Array[] };
      assert.equal(batch.length, 2);
      assert.deepEqual(decode(batch[0]!), { ok: { n: 300 } });
      assert.equal((decode(batch[1]!) as { error: { code: string } }).error.code, 'kit.invalid_request');
    });

    for (const [what, body] of [
      ['not MessagePack', new Uint8Array([0xc1])],
      ['no calls', encode({ batch: [] })],
      ['a call that is not [id, id, bytes]', encode({ batch: [['corr', '', 'not bytes']] })],
      ['more than 256 calls', encode({ batch: Array.from({ length: 257 }, () => call(1)) })],
    ] as const) {
      it(`refuses a batch with ${what} as a whole, with kit.invalid_request`, async () => {
        const reply = await rawRequest(nc, 'svc.batched.add', body, batchHeaders('1'));
        assert.equal(reply.error?.code, 'kit.invalid_request');
      });
    }

    it('refuses a batch to an operation that does not take batches', async () => {
      const reply = await rawRequest(nc, 'svc.batched.plain', encode({ batch: [call(1)] }), batchHeaders('1'));
      assert.equal(reply.error?.code, 'kit.invalid_request');
      assert.match(reply.error?.message ?? '', /does not take batches/);
    });

    it('still answers after all that', async () => {
      const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 4096 });
      assert.deepEqual(await req.request(Add, { n: 400 }), { n: 400 });
    });
  });
});
