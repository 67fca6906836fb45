import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback } from './ops.ts';

describe('isLoopback (who may read /metrics)', () => {
  for (const [ip, expected] of [
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.2', false],
    ['192.168.1.20', false],
    ['::ffff:192.168.1.20', false],
    ['2001:db8::1', false],
    ['', false],
  ] as const) {
    it(`${ip || '(none)'} → ${expected}`, () => assert.equal(isLoopback(ip), expected));
  }
});
