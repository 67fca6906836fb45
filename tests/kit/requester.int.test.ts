/**
 * The calling side against a real broker, with raw subscriptions standing in for callees
 * whose behaviour each test sets: no responders, silence, transient failures, recovery.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import type { NatsConnection } from 'nats';
import { AppError, command, errorReply, okReply, query, Requester } from '../../src/kit/index.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT } from '../support/test-file.ts';
import { waitFor } from '../support/poll.ts';

const Req = v.object({ n: v.number() });
const Res = v.object({ n: v.number() });
const Get = query('flaky', 'get', { version: 1, request: Req, reply: Res });
const Put = command('flaky', 'put', { version: 1, request: Req, reply: Res });
const SafePut = command('flaky', 'safe_put', { version: 1, request: Req, reply: Res, idempotent: true });
const Silent = command('silent', 'wait', { version: 1, request: Req, reply: Res });
const Ghost = query('ghost', 'get', { version: 1, request: Req, reply: Res });

const busy = () => errorReply(new AppError('unavailable', 'flaky.busy', 'Busy, try again'));

describe('Requester', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  let nc: NatsConnection;

  before(async () => {
    nc = await client(broker().url);
  });
  after(async () => {
    await nc?.close();
  });

  /** A raw callee on `subject` that answers the nth request (0-based) with `answer(n)`, or not at all for undefined. */
  function callee(subject: string, answer: (n: number, data: Uint8Array) => Uint8Array | undefined): { calls: () => number } {
    let calls = 0;
    nc.subscribe(subject, {
      callback: (_err, msg) => {
        const reply = answer(calls++, msg.data);
        if (reply) msg.respond(reply);
      },
    });
    return { calls: () => calls };
  }
  const fresh = (o: Partial<ConstructorParameters<typeof Requester>[1]> = {}) =>
    new Requester(nc, { timeoutMs: 1000, maxRequestBytes: 1 << 16, backoff: { initialMs: 5, maxMs: 20 }, ...o });

  it('fails with kit.no_responders (unavailable) when nobody listens', async () => {
    await assert.rejects(fresh({ attempts: 1 }).request(Ghost, { n: 1 }), (e: unknown) => e instanceof AppError && e.code === 'kit.no_responders' && e.kind === 'unavailable');
  });

  it('fails with kit.timeout when the callee does not answer in time', async () => {
    const c = callee(Silent.subject, () => undefined);
    const started = Date.now();
    // The call's own 150 ms, not the requester's 10 s.
    await assert.rejects(fresh({ timeoutMs: 10_000 }).request(Silent, { n: 1 }, { timeoutMs: 150 }), (e: unknown) => e instanceof AppError && e.code === 'kit.timeout' && e.kind === 'timeout');
    const took = Date.now() - started;
    assert.ok(took >= 140 && took < 5000, `took ${took} ms`);
    // On a loaded machine the command may reach the callee only after the caller gave up.
    await waitFor('the command to arrive', () => c.calls() >= 1);
    await nc.flush();
    assert.equal(c.calls(), 1, 'a command was sent again after a timeout');
  });

  it('retries an idempotent query that fails twice with unavailable, and returns the third answer', async () => {
    const c = callee(Get.subject, (n) => (n < 2 ? busy() : okReply({ n })));
    assert.deepEqual(await fresh({ attempts: 3 }).request(Get, { n: 1 }), { n: 2 });
    assert.equal(c.calls(), 3);
  });

  it('gives up on an idempotent query after its attempts, with the callee\u2019s error', async () => {
    const c = callee('svc.flaky.always_busy', () => busy());
    const op = query('flaky', 'always_busy', { version: 1, request: Req, reply: Res });
    await assert.rejects(fresh({ attempts: 4 }).request(op, { n: 1 }), { code: 'flaky.busy' });
    assert.equal(c.calls(), 4);
  });

  it('does not retry a command that is not declared idempotent', async () => {
    const c = callee(Put.subject, () => busy());
    await assert.rejects(fresh({ attempts: 5 }).request(Put, { n: 1 }), { code: 'flaky.busy' });
    assert.equal(c.calls(), 1);
  });

  it('retries a command declared idempotent, and not a query called with retry: false', async () => {
    const safe = callee(SafePut.subject, (n) => (n < 1 ? busy() : okReply({ n })));
    assert.deepEqual(await fresh().request(SafePut, { n: 1 }), { n: 1 });
    assert.equal(safe.calls(), 2);
    const once = callee('svc.flaky.once', () => busy());
    const op = query('flaky', 'once', { version: 1, request: Req, reply: Res });
    await assert.rejects(fresh().request(op, { n: 1 }, { retry: false }), { code: 'flaky.busy' });
    assert.equal(once.calls(), 1);
  });

  it('does not retry a typed error that is not about availability', async () => {
    const c = callee('svc.flaky.bad', () => errorReply(new AppError('validation', 'flaky.bad', 'Bad')));
    const op = query('flaky', 'bad', { version: 1, request: Req, reply: Res });
    await assert.rejects(fresh().request(op, { n: 1 }), { code: 'flaky.bad', kind: 'validation' });
    assert.equal(c.calls(), 1);
  });

  it('refuses a reply that does not match the operation\u2019s schema with kit.bad_reply', async () => {
    callee('svc.flaky.odd', () => okReply({ n: 'not a number' }));
    const op = query('flaky', 'odd', { version: 1, request: Req, reply: Res });
    await assert.rejects(fresh().request(op, { n: 1 }), { code: 'kit.bad_reply' });
  });

  it('refuses to send a request over its own size limit, and one that fails the request schema', async () => {
    const op = query('flaky', 'big', { version: 1, request: v.object({ s: v.string() }), reply: Res });
    await assert.rejects(fresh({ maxRequestBytes: 100 }).request(op, { s: 'x'.repeat(200) }), { code: 'kit.payload_too_large', kind: 'too_large' });
    await assert.rejects(fresh().request(Get, { n: 'one' } as unknown as { n: number }), { code: 'kit.invalid_request' });
  });

  it('opens the circuit after repeated failures, fails fast while open, and closes after a good trial', async () => {
    const req = fresh({ attempts: 1, breaker: { threshold: 3, cooldownMs: 300 } });
    for (let i = 0; i < 3; i++) await assert.rejects(req.request(Ghost, { n: i }), { code: 'kit.no_responders' });
    assert.equal(req.breakers().ghost, 'open');

    // Now someone answers, but the open circuit does not even ask.
    const ghost = callee(Ghost.subject, (_n, data) => okReply({ n: data.length }));
    await nc.flush();
    const started = Date.now();
    await assert.rejects(req.request(Ghost, { n: 9 }), (e: unknown) => e instanceof AppError && e.code === 'kit.circuit_open' && e.kind === 'unavailable');
    assert.ok(Date.now() - started < 50, 'an open circuit should fail at once');
    assert.equal(ghost.calls(), 0);

    await waitFor('the cooldown to pass', () => req.breakers().ghost === 'half-open', 2000);
    const reply = await req.request(Ghost, { n: 9 });
    assert.ok(reply.n > 0);
    assert.equal(ghost.calls(), 1);
    assert.equal(req.breakers().ghost, 'closed');
  });

  it('lets a caller go around the breaker: its failures do not open it, and an open one does not refuse it', async () => {
    const req = fresh({ attempts: 1, breaker: { threshold: 2, cooldownMs: 60_000 } });
    const Late = Query('late');
    // A consumer polling a producer that is still starting: many failures, breaker untouched.
    for (let i = 0; i < 5; i++) await assert.rejects(req.request(Late, { n: i }, { breaker: false }), { code: 'kit.no_responders' });
    assert.equal(req.breakers().late, undefined);
    // The producer is up: a user's call through the breaker is answered at once.
    callee(Late.subject, () => okReply({ n: 7 }));
    await nc.flush();
    assert.deepEqual(await req.request(Late, { n: 1 }), { n: 7 });
    // And once the breaker is open for others, a caller going around it still asks.
    const Gone = Query('gone');
    for (let i = 0; i < 2; i++) await assert.rejects(req.request(Gone, { n: i }), { code: 'kit.no_responders' });
    assert.equal(req.breakers().gone, 'open');
    await assert.rejects(req.request(Gone, { n: 3 }, { breaker: false }), { code: 'kit.no_responders' });
  });

  it('keeps one breaker per destination service', async () => {
    const req = fresh({ attempts: 1, breaker: { threshold: 1, cooldownMs: 60_000 } });
    await assert.rejects(req.request(Query('nowhere'), { n: 1 }), { code: 'kit.no_responders' });
    callee('svc.elsewhere.get', () => okReply({ n: 1 }));
    assert.deepEqual(await req.request(Query('elsewhere'), { n: 1 }), { n: 1 });
    assert.deepEqual(req.breakers(), { nowhere: 'open', elsewhere: 'closed' });
  });
});

function Query(service: string) {
  return query(service, 'get', { version: 1, request: Req, reply: Res });
}
