/**
 * Commands applied once per idempotency claim (kit service/idempotency.ts), through a real
 * broker and database: a repeat is answered from the record written in the command's own
 * transaction — alone, concurrently in one group commit, for a batched operation (a call
 * with a claim travels alone) — the same key with another fingerprint is refused, a refused
 * write records nothing, each of a handler's writes is its own entry, a record expires and
 * is pruned, a malformed claim is refused without a crash, and an erasure forgets the
 * records of a person or that name an id.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as v from 'valibot';
import { headers as natsHeaders } from 'nats';
import { AppError, claimHeader, command, defineService, encode, forgetIdempotency, Headers, Requester, uuidv7, type IdempotencyClaim, type RunningService, type WriteTx } from '../../src/kit/index.ts';
import { client, rawRequest, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';

const Row = v.object({ id: v.string(), n: v.number() });
const Add = command('once', 'add', { version: 1, request: v.object({ n: v.number() }), reply: Row, batched: true });
const AddTwice = command('once', 'add_twice', { version: 1, request: v.object({ n: v.number() }), reply: v.object({ first: Row, second: Row }) });

const once = defineService({
  name: 'once',
  migrations: [{ version: 1, name: 'init', sql: 'CREATE TABLE rows (id TEXT PRIMARY KEY, n INTEGER NOT NULL)' }],
  setup(api) {
    // The id is made inside the write, so a replayed result carries the first one.
    const insert = (n: number) => async (tx: WriteTx) => {
      if (n === 7) throw new AppError('conflict', 'once.seven', 'seven is refused');
      const row = { id: uuidv7(), n };
      await tx.execute('INSERT INTO rows (id, n) VALUES (?, ?)', [row.id, n]);
      return row;
    };
    api.handle(Add, (req, ctx) => ctx.write(insert(req.n), { group: true }));
    api.handle(AddTwice, async (req, ctx) => ({ first: await ctx.write(insert(req.n)), second: await ctx.write(insert(req.n + 1)) }));
  },
});

describe('kit: commands applied once per idempotency claim', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('kit-idem');
  let s: RunningService;
  let nc: Awaited<ReturnType<typeof client>>;
  let req: Requester;
  const clock = { offset: 0 };

  before(async () => {
    s = await startService(once, broker().url, join(dir, 'once.db'), { now: () => Date.now() + clock.offset });
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await s?.stop();
    await nc?.close();
  });

  const claim = (key: string, o: Partial<IdempotencyClaim> = {}): IdempotencyClaim => ({ scope: 'user:1', key, call: 'svc.once.add#0', fingerprint: 'f1', hours: 1, ...o });
  const rows = async (n: number) => Number((await s.db.query('SELECT count(*) AS c FROM rows WHERE n = ?', [n]))[0]!.c);
  const add = async (n: number, c: IdempotencyClaim) => {
    let replayed = false;
    const reply = await req.request(Add, { n }, { idempotency: c, onReplayed: () => void (replayed = true) });
    return { reply, replayed };
  };

  it('applies a repeated claim once and answers the repeat from the record', async () => {
    const first = await add(1, claim('k-1'));
    const again = await add(1, claim('k-1'));
    assert.deepEqual([first.replayed, again.replayed], [false, true]);
    assert.deepEqual(again.reply, first.reply);
    assert.equal(await rows(1), 1);
    // Without a claim, the same request is a new command.
    await req.request(Add, { n: 1 });
    assert.equal(await rows(1), 2);
  });

  it('applies concurrent repeats once, though they share one group-commit transaction (and the operation is batched)', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => add(2, claim('k-2'))));
    assert.equal(await rows(2), 1);
    assert.equal(new Set(all.map((r) => r.reply.id)).size, 1);
    assert.equal(all.filter((r) => !r.replayed).length, 1);
  });

  it('refuses the same key with another fingerprint, and applies another call of the same request', async () => {
    await assert.rejects(add(1, claim('k-1', { fingerprint: 'f2' })), (e: AppError) => e.code === 'kit.idempotency_mismatch' && e.kind === 'validation');
    assert.equal(await rows(1), 2);
    const next = await add(1, claim('k-1', { call: 'svc.once.add#1' }));
    assert.equal(next.replayed, false);
    assert.equal(await rows(1), 3);
  });

  it('records nothing for a refused write: a retry decides again', async () => {
    await assert.rejects(add(7, claim('k-7')), (e: AppError) => e.code === 'once.seven');
    await assert.rejects(add(7, claim('k-7')), (e: AppError) => e.code === 'once.seven');
    assert.equal((await s.db.query("SELECT count(*) AS c FROM kit_idempotency WHERE key = 'k-7'"))[0]!.c, 0);
  });

  it('records each write of a handler as its own entry', async () => {
    const c = claim('k-twice', { call: 'svc.once.add_twice#0' });
    const first = await req.request(AddTwice, { n: 10 }, { idempotency: c });
    let replayed = false;
    const again = await req.request(AddTwice, { n: 10 }, { idempotency: c, onReplayed: () => void (replayed = true) });
    assert.deepEqual(again, first);
    assert.equal(replayed, true);
    assert.deepEqual([await rows(10), await rows(11)], [1, 1]);
    assert.equal((await s.db.query("SELECT count(*) AS c FROM kit_idempotency WHERE key = 'k-twice'"))[0]!.c, 2);
  });

  it('forgets a record after its hours, and prunes it', async () => {
    await add(3, claim('k-3'));
    clock.offset += 3600_000 + 1000;
    const later = await add(3, claim('k-3'));
    assert.equal(later.replayed, false);
    assert.equal(await rows(3), 2);
    // The first claimed write after the expiry pruned every expired record (k-1, k-2 …); k-3's was replaced.
    assert.equal((await s.db.query('SELECT count(*) AS c FROM kit_idempotency WHERE expires_at <= ?', [Date.now() + clock.offset]))[0]!.c, 0);
  });

  it('refuses a malformed claim without applying the command, and keeps answering', async () => {
    for (const bad of ['not json', '{"scope":"user:1"}', JSON.stringify({ ...claim('k-bad'), hours: -1 }), JSON.stringify({ ...claim('k-bad'), extra: 1 })]) {
      const h = natsHeaders();
      h.set(Headers.idempotency, bad);
      const r = await rawRequest(nc, Add.subject, encode({ n: 4 }), h);
      assert.equal(r.error?.code, 'kit.invalid_idempotency', bad);
    }
    // A batch (Hearth-Batch) cannot carry a claim: it names one call.
    const h = natsHeaders();
    h.set(Headers.batch, '1');
    h.set(Headers.idempotency, claimHeader(claim('k-batch')));
    const r = await rawRequest(nc, Add.subject, encode({ batch: [['c', 'c', encode({ n: 4 })]] }), h);
    assert.equal(r.error?.code, 'kit.invalid_idempotency');
    assert.equal(await rows(4), 0);
    assert.equal((await add(4, claim('k-4'))).replayed, false);
  });

  it('forgets the records of a person, and those whose result names an id', async () => {
    const mine = await add(20, claim('k-forget', { scope: 'user:ann' }));
    await add(21, claim('k-other', { scope: 'user:bo' }));
    await add(22, claim('k-kept', { scope: 'user:bo' }));
    const count = async (key: string) => Number((await s.db.query('SELECT count(*) AS c FROM kit_idempotency WHERE key = ?', [key]))[0]!.c);
    // Bo's record of n=21 is found by the id its result carries; Ann's by her scope.
    const [other] = await s.db.query('SELECT id FROM rows WHERE n = 21');
    const erased = await s.db.write((tx) => forgetIdempotency(tx, ['ann', String(other!.id)]));
    assert.equal(erased, 2);
    assert.deepEqual([await count('k-forget'), await count('k-other'), await count('k-kept')], [0, 0, 1]);
    // Forgotten: a retry now applies the command again (the erasure took what it would replay).
    assert.notEqual((await add(20, claim('k-forget', { scope: 'user:ann' }))).reply.id, mine.reply.id);
  });
});
