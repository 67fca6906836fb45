import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker } from './breaker.ts';
import { AppError } from './errors.ts';

const isFailure = (e: unknown) => e instanceof AppError && e.retryable;

describe('CircuitBreaker', () => {
  let now = 1_000_000;
  let calls = 0;
  let breaker: CircuitBreaker;
  beforeEach(() => {
    now = 1_000_000;
    calls = 0;
    breaker = new CircuitBreaker('users', { threshold: 3, cooldownMs: 1000, now: () => now });
  });

  const run = (outcome: 'ok' | 'down' | 'typed') =>
    breaker.run(async () => {
      calls++;
      if (outcome === 'down') throw new AppError('timeout', 'kit.timeout', 'slow');
      if (outcome === 'typed') throw new AppError('not_found', 'users.no_such_user', 'nope');
      return 'ok';
    }, isFailure);
  const fails = (outcome: 'down' | 'typed') => run(outcome).then(() => assert.fail('succeeded'), (e: AppError) => e.code);

  it('stays closed below the threshold and opens on reaching it', async () => {
    await fails('down');
    await fails('down');
    assert.equal(breaker.state, 'closed');
    await fails('down');
    assert.equal(breaker.state, 'open');
  });

  it('fails fast with kit.circuit_open while open, without calling', async () => {
    for (let i = 0; i < 3; i++) await fails('down');
    await assert.rejects(run('ok'), (e: unknown) => e instanceof AppError && e.code === 'kit.circuit_open' && e.kind === 'unavailable' && (e.details as { destination: string }).destination === 'users');
    assert.equal(calls, 3);
  });

  it('says when an open breaker lets a trial through, and 0 otherwise', async () => {
    assert.equal(breaker.reopensAt, 0);
    for (let i = 0; i < 3; i++) await fails('down');
    assert.equal(breaker.reopensAt, 1_001_000);
    now += 1000;
    await fails('down'); // the trial fails: open again, from now
    assert.equal(breaker.reopensAt, 1_002_000);
    now += 1000;
    await run('ok');
    assert.equal(breaker.reopensAt, 0);
  });

  it('lets one trial through after the cooldown, and closes when it succeeds', async () => {
    for (let i = 0; i < 3; i++) await fails('down');
    now += 999;
    assert.equal(breaker.state, 'open');
    now += 1;
    assert.equal(breaker.state, 'half-open');
    assert.equal(await run('ok'), 'ok');
    assert.equal(breaker.state, 'closed');
  });

  it('refuses other calls while the half-open trial is running', async () => {
    for (let i = 0; i < 3; i++) await fails('down');
    now += 1000;
    let release!: () => void;
    const trial = breaker.run(() => new Promise<string>((r) => (release = () => r('trial'))), isFailure);
    await assert.rejects(run('ok'), { code: 'kit.circuit_open' });
    release();
    assert.equal(await trial, 'trial');
    assert.equal(await run('ok'), 'ok');
  });

  it('opens again for a full cooldown when the trial fails', async () => {
    for (let i = 0; i < 3; i++) await fails('down');
    now += 1000;
    assert.equal(await fails('down'), 'kit.timeout');
    assert.equal(breaker.state, 'open');
    now += 999;
    assert.equal(await fails('down'), 'kit.circuit_open');
    now += 1;
    assert.equal(await run('ok'), 'ok');
  });

  it('does not count typed errors from the callee, which are answers', async () => {
    for (let i = 0; i < 10; i++) assert.equal(await fails('typed'), 'users.no_such_user');
    assert.equal(breaker.state, 'closed');
  });

  it('needs threshold failures in a row: an answer in between resets the count', async () => {
    await fails('down');
    await fails('down');
    await fails('typed');
    await fails('down');
    await fails('down');
    assert.equal(breaker.state, 'closed');
    await fails('down');
    assert.equal(breaker.state, 'open');
  });

  it('closes on a typed answer to the half-open trial, with a fresh count', async () => {
    for (let i = 0; i < 3; i++) await fails('down');
    now += 1000;
    await fails('typed');
    assert.equal(breaker.state, 'closed');
    await fails('down');
    assert.equal(breaker.state, 'closed');
  });

  it('resets the failure count after a success', async () => {
    await fails('down');
    await fails('down');
    await run('ok');
    await fails('down');
    await fails('down');
    assert.equal(breaker.state, 'closed');
  });
});
