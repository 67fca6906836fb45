/**
 * The supervisor's readiness watch against a real broker and stand-in services answering
 * `sys.health.<name>`: ready once every one answers `ok`; while starting, a service already
 * `ok` is not asked again at each quick round (read from what each one was asked, not
 * timed); one that answers `degraded` settles the wait without making Hearth ready.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { createLogger as brokerLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { createLogger, encode } from '../kit/index.ts';
import { HealthWatch } from './readiness.ts';

let broker: Broker;
let nc: NatsConnection;
before(async () => {
  broker = await startBroker({ port: -1 }, brokerLogger({ debug: false, trace: false, quiet: true }));
  nc = await connect({ servers: broker.url });
});
after(async () => {
  await nc.close();
  await broker.close();
});
const quiet = createLogger({ service: 'test', level: 'error', write: () => {} });

/** A stand-in service answering its health with `status()`; counts the questions. */
function standIn(name: string, status: () => string): { asked: () => number; stop: () => void } {
  let asked = 0;
  const sub = nc.subscribe(`sys.health.${name}`, {
    callback: (_e, m) => {
      asked++;
      m.respond(encode({ ok: { service: name, status: status(), pid: 1, uptimeMs: 0, head: 0, published: 0, consumers: {}, info: {} } }));
    },
  });
  return { asked: () => asked, stop: () => sub.unsubscribe() };
}

describe('HealthWatch', { timeout: 30_000 }, () => {
  it('is ready once every service answers ok, asking one already ok no more while the others start', async () => {
    let lateStatus = 'starting';
    const early = standIn('early', () => 'ok');
    const late = standIn('late', () => lateStatus);
    const watch = new HealthWatch(nc, ['early', 'late'], quiet, 60_000);
    watch.start();
    const ready = watch.whenReady(20_000);
    while (late.asked() < 5) await new Promise((r) => setTimeout(r, 10));
    assert.equal(watch.state.ready, false);
    assert.equal(early.asked(), 1, 'an ok service is asked once while another starts');
    lateStatus = 'ok';
    await ready;
    assert.equal(watch.state.ready, true);
    assert.deepEqual(Object.values(watch.state.services).map((s) => s.status), ['ok', 'ok']);
    watch.stop();
    early.stop();
    late.stop();
  });

  it('settles on a degraded service without being ready', async () => {
    const sick = standIn('sick', () => 'degraded');
    const watch = new HealthWatch(nc, ['sick'], quiet, 60_000);
    watch.start();
    await watch.whenReady(20_000);
    assert.equal(watch.state.ready, false);
    assert.equal(watch.state.services.sick!.status, 'degraded');
    watch.stop();
    sick.stop();
  });
});
