import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mutex } from './mutex.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Mutex', () => {
  it('runs callers one at a time, in arrival order, whatever they take', async () => {
    const m = new Mutex();
    const log: string[] = [];
    let running = 0;
    const job = (name: string, ms: number) =>
      m.run(async () => {
        assert.equal(running++, 0, `${name} overlapped another caller`);
        log.push(`${name}+`);
        await tick(ms);
        log.push(`${name}-`);
        running--;
        return name;
      });
    const results = await Promise.all([job('a', 30), job('b', 1), job('c', 10)]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(log, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('passes a caller\u2019s failure to that caller only, and runs the next', async () => {
    const m = new Mutex();
    const failing = m.run(async () => {
      await tick(5);
      throw new Error('first failed');
    });
    const next = m.run(async () => 'second ran');
    await assert.rejects(failing, /first failed/);
    assert.equal(await next, 'second ran');
  });

  it('runs the next caller after a synchronous throw', async () => {
    const m = new Mutex();
    const bad = m.run(() => {
      throw new Error('sync');
    });
    await assert.rejects(bad, /sync/);
    assert.equal(await m.run(async () => 1), 1);
  });
});
