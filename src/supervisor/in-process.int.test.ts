/**
 * One-process mode's table with real broker connections: a service whose start fails is
 * started again after the children's growing delays (read from what the table logs, not
 * timed), one whose broker connection closes under it is stopped and started again, one
 * that gives up (`onFatal`) too, and stopping waits for a service still starting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { createLogger as brokerLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { createLogger } from '../kit/index.ts';
import { InProcessTable } from './in-process.ts';

let broker: Broker;
before(async () => void (broker = await startBroker({ port: -1 }, brokerLogger({ debug: false, trace: false, quiet: true }))));
after(() => broker.close());

/** A logger that keeps what the table says (JSON lines), to read its decisions rather than time them. */
function recording(): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger({ service: 'test', level: 'warn', format: 'json', write: (l) => void lines.push(JSON.parse(l)) }) };
}

async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const policy = { initialMs: 50, maxMs: 200, resetMs: 60_000 };

describe('InProcessTable', { timeout: 30_000 }, () => {
  it('starts a service whose start fails again, with exponential backoff, until it starts', async () => {
    const { log, lines } = recording();
    const table = new InProcessTable(log, policy);
    let attempts = 0;
    let stopped = 0;
    table.start({
      name: 'flaky',
      start: async () => {
        if (++attempts <= 4) throw new Error(`no luck ${attempts}`);
        return { stop: async () => void stopped++ };
      },
    });
    await until(() => table.status().flaky!.pid === process.pid);
    assert.equal(attempts, 5);
    assert.equal(table.status().flaky!.restarts, 4);
    const delays = lines.filter((l) => l.msg === 'service failed; restarting').map((l) => l.restart_in_ms);
    assert.deepEqual(delays, [50, 100, 200, 200]);
    assert.ok(lines.every((l) => l.why === 'it could not start' && l.child === 'flaky'));
    await table.stopAll(5000);
    assert.equal(stopped, 1);
    assert.equal(table.status().flaky!.pid, 0);
  });

  it('stops and starts again a service whose broker connection closes under it', async () => {
    const { log, lines } = recording();
    const table = new InProcessTable(log, policy);
    const conns: NatsConnection[] = [];
    const stops: number[] = [];
    table.start({
      name: 'chat',
      start: async () => {
        const nc = await connect({ servers: broker.url, name: 'chat' });
        const n = conns.push(nc);
        return { nc, stop: async () => void (stops.push(n), await nc.close()) };
      },
    });
    await until(() => conns.length === 1 && table.status().chat!.pid !== 0);
    await conns[0]!.close(); // as the broker refusing it would: closed, and not by the table
    await until(() => conns.length === 2 && table.status().chat!.pid !== 0);
    assert.deepEqual(stops, [1], 'what was left of the first was stopped');
    assert.equal(lines[0]!.why, 'its broker connection closed');
    await table.stopAll(5000);
    assert.deepEqual(stops, [1, 2]);
    assert.equal(table.status().chat!.restarts, 1, 'its own stop is not a failure');
  });

  it('starts again a service that gives up after it started', async () => {
    const { log, lines } = recording();
    const table = new InProcessTable(log, policy);
    const fatals: ((err: unknown) => void)[] = [];
    table.start({ name: 'users', start: async (onFatal) => (fatals.push(onFatal), { stop: async () => {} }) });
    await until(() => fatals.length === 1);
    fatals[0]!(new Error('the database went away for good'));
    await until(() => fatals.length === 2);
    assert.equal(lines[0]!.why, 'it gave up');
    await table.stopAll(5000);
  });

  it('stops a service that is still starting once it has started, and starts nothing after', async () => {
    const { log } = recording();
    const table = new InProcessTable(log, policy);
    let finish: () => void = () => {};
    let stopped = false;
    table.start({ name: 'slow', start: () => new Promise((r) => (finish = () => r({ stop: async () => void (stopped = true) }))) });
    const stopping = table.stopAll(5000);
    setTimeout(() => finish(), 50);
    await stopping;
    assert.equal(stopped, true);
    assert.equal(table.status().slow!.pid, 0);
  });

  it('lets the process exit without a service that does not stop in time, and says so', async () => {
    const { log, lines } = recording();
    const table = new InProcessTable(log, policy);
    table.start({ name: 'stubborn', start: async () => ({ stop: () => new Promise<void>(() => {}) }) });
    await until(() => table.status().stubborn!.pid !== 0);
    await table.stopAll(100);
    assert.deepEqual(lines.at(-1)!.services, ['stubborn']);
  });
});
