import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { backoffCeiling, backoffDelay, retry, sleep } from './retry.ts';

const unavailable = () => new AppError('unavailable', 'x.down', 'down');
const isRetryable = (e: unknown) => e instanceof AppError && e.retryable;

describe('backoffDelay', () => {
  const b = { initialMs: 100, maxMs: 5000 };

  it('lies between 0 and initial·2ⁿ (full jitter)', () => {
    for (const [attempt, ceiling] of [[0, 100], [1, 200], [3, 800], [5, 3200]] as const) {
      assert.equal(backoffDelay(b, attempt, () => 0), 0);
      assert.equal(backoffDelay(b, attempt, () => 0.5), ceiling / 2);
      assert.equal(backoffDelay(b, attempt, () => 0.999999), ceiling);
    }
  });

  it('never exceeds the cap, however many attempts', () => {
    assert.equal(backoffDelay(b, 6, () => 0.999999), 5000);
    assert.equal(backoffDelay(b, 60, () => 0.999999), 5000);
    assert.equal(backoffCeiling(b, 60), 5000);
  });

  it('grows by the given factor', () => {
    assert.equal(backoffCeiling({ initialMs: 10, maxMs: 1e6, factor: 3 }, 4), 810);
    assert.equal(backoffDelay({ initialMs: 10, maxMs: 1e6, factor: 3 }, 4, () => 0.999999), 810);
  });

  it('stays inside the bounds with the real random source', () => {
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(b, 2);
      assert.ok(d >= 0 && d <= 400 && Number.isInteger(d), String(d));
    }
  });
});

describe('retry', () => {
  const fast = { initialMs: 1, maxMs: 2, retryable: isRetryable };

  it('returns the first success, after retryable failures', async () => {
    const seen: number[] = [];
    const retried: number[] = [];
    const result = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 2) throw unavailable();
        return 'done';
      },
      { ...fast, attempts: 5, onRetry: (_e, attempt) => retried.push(attempt) },
    );
    assert.equal(result, 'done');
    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(retried, [0, 1]);
  });

  it('makes exactly `attempts` attempts and throws the last error', async () => {
    let calls = 0;
    const errors: AppError[] = [];
    await assert.rejects(
      retry(
        async () => {
          calls++;
          const e = unavailable();
          errors.push(e);
          throw e;
        },
        { ...fast, attempts: 4 },
      ),
      (e) => e === errors.at(-1),
    );
    assert.equal(calls, 4);
  });

  it('stops at once on an error that is not retryable', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new AppError('validation', 'x.bad', 'bad');
        },
        { ...fast, attempts: 5 },
      ),
      { code: 'x.bad' },
    );
    assert.equal(calls, 1);
  });

  it('makes no further attempt once aborted while waiting', async () => {
    const ac = new AbortController();
    let calls = 0;
    const started = Date.now();
    const p = retry(
      async () => {
        calls++;
        throw unavailable();
      },
      { attempts: 5, initialMs: 10_000, maxMs: 10_000, retryable: isRetryable, signal: ac.signal, onRetry: () => setTimeout(() => ac.abort(), 5) },
    );
    await assert.rejects(p, { code: 'x.down' });
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 5000, 'waited out the backoff despite the abort');
  });

  it('does not retry when the signal is already aborted', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw unavailable();
        },
        { ...fast, attempts: 5, signal: AbortSignal.abort() },
      ),
    );
    assert.equal(calls, 1);
  });
});

describe('sleep', () => {
  it('waits about the given time', async () => {
    const t = Date.now();
    await sleep(30);
    assert.ok(Date.now() - t >= 25);
  });

  it('resolves early when its signal aborts, and at once when already aborted', async () => {
    const ac = new AbortController();
    const t = Date.now();
    setTimeout(() => ac.abort(), 10);
    await sleep(10_000, ac.signal);
    await sleep(10_000, AbortSignal.abort());
    assert.ok(Date.now() - t < 5000);
  });
});
