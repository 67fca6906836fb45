import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../kit/index.ts';
import { RateLimiter } from './rate-limiter.ts';

const refused = (fn: () => void): AppError => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err;
  }
  assert.fail('was not refused');
};

describe('RateLimiter', () => {
  it('lets a burst up to the limit through, then refuses with the seconds until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter({ ip: 3, user: 100, auth: 1 }, () => now);
    for (let i = 0; i < 3; i++) limiter.take('ip', 'a');
    const err = refused(() => limiter.take('ip', 'a'));
    assert.deepEqual([err.code, (err.details as { retryAfterSeconds: number }).retryAfterSeconds], ['gateway.rate_limited', 20]);
    now += 20_000;
    limiter.take('ip', 'a');
    refused(() => limiter.take('ip', 'a'));
  });

  it('keeps scopes and keys apart', () => {
    const limiter = new RateLimiter({ ip: 1, user: 1, auth: 1 }, () => 0);
    limiter.take('ip', 'a');
    limiter.take('ip', 'b');
    limiter.take('user', 'a');
    limiter.take('auth', 'a');
    refused(() => limiter.take('auth', 'a'));
  });

  it('limits phones per device and per user when given their rates, and not at all when not', () => {
    const limiter = new RateLimiter({ ip: 1, user: 1, auth: 1, device: 2, phones: 3 }, () => 0);
    limiter.take('device', 'u1\0pixel');
    limiter.take('device', 'u1\0pixel');
    refused(() => limiter.take('device', 'u1\0pixel'));
    limiter.take('device', 'u1\0iphone');
    for (let i = 0; i < 3; i++) limiter.take('phones', 'u1');
    refused(() => limiter.take('phones', 'u1'));
    const open = new RateLimiter({ ip: 1, user: 1, auth: 1 }, () => 0);
    for (let i = 0; i < 100; i++) open.take('device', 'u1\0pixel');
    assert.equal(open.size, 0, 'no bucket for a scope without a rate');
  });

  it('prunes only buckets that have refilled', () => {
    let now = 0;
    const limiter = new RateLimiter({ ip: 60, user: 60, auth: 60 }, () => now);
    limiter.take('ip', 'idle');
    now += 500;
    limiter.take('ip', 'busy');
    now += 600; // idle has refilled (1 s per token), busy has not
    limiter.prune();
    assert.equal(limiter.size, 1);
  });

  it('takes its share of each limit when gateways share them, never less than one a minute', () => {
    let now = 0;
    const limiter = new RateLimiter({ ip: 6, user: 100, auth: 1 }, () => now);
    limiter.share(3);
    limiter.take('ip', 'a');
    limiter.take('ip', 'a');
    const err = refused(() => limiter.take('ip', 'a'));
    assert.equal((err.details as { retryAfterSeconds: number }).retryAfterSeconds, 30, 'two a minute refill at one per 30 s');
    limiter.take('auth', 'a');
    refused(() => limiter.take('auth', 'a'));
    limiter.share(1);
    now += 60_000;
    for (let i = 0; i < 6; i++) limiter.take('ip', 'b');
    refused(() => limiter.take('ip', 'b'));
  });
});
