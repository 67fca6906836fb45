/**
 * The per-boot credentials, against the real embedded broker: a service can do its own
 * job (answer its subjects, publish its events, call others, read logs) and nothing
 * else — it cannot listen to another service's requests, replies or health, nor publish
 * another service's events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { createLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { makeCredentials } from './credentials.ts';

const sc = StringCodec();
const owner = { user: 'owner', password: 'pw-owner-1' };

describe('service credentials', { timeout: 30_000 }, () => {
  const creds = makeCredentials(['ledger', 'tally'], owner);
  let broker: Broker;
  let ledger: NatsConnection;
  let ownerNc: NatsConnection;

  before(async () => {
    broker = await startBroker({ port: -1, authorization: creds.authorization }, createLogger({ debug: false, trace: false, quiet: true }));
    const l = creds.services.get('ledger')!;
    ledger = await connect({ servers: broker.url, user: l.user, pass: l.password, inboxPrefix: '_INBOX.ledger' });
    ownerNc = await connect({ servers: broker.url, user: owner.user, pass: owner.password });
  });
  after(async () => {
    await ledger.close();
    await ownerNc.close();
    await broker.close();
  });

  /** What `sub` receives when `pub` publishes on `subject`. */
  async function delivered(sub: NatsConnection, pub: NatsConnection, subject: string, listen = subject): Promise<string[]> {
    const got: string[] = [];
    const errors: Error[] = [];
    const s = sub.subscribe(listen, { callback: (err, m) => (err ? errors.push(err) : got.push(m.subject)) });
    await sub.flush();
    pub.publish(subject, sc.encode('x'));
    await pub.flush();
    await sub.flush();
    await new Promise((r) => setTimeout(r, 50));
    s.unsubscribe();
    return got;
  }

  it('lets a service answer its own requests and call another service', async () => {
    assert.deepEqual(await delivered(ledger, ownerNc, 'svc.ledger.add'), ['svc.ledger.add']);
    const tally = creds.services.get('tally')!;
    const t = await connect({ servers: broker.url, user: tally.user, pass: tally.password, inboxPrefix: '_INBOX.tally' });
    t.subscribe('svc.tally.get', { callback: (_e, m) => m.respond(sc.encode('ok')) });
    await t.flush();
    const reply = await ledger.request('svc.tally.get', sc.encode('?'), { timeout: 2000 });
    assert.equal(sc.decode(reply.data), 'ok');
    await t.close();
  });

  it('lets a service publish its own events and read any log', async () => {
    assert.deepEqual(await delivered(ownerNc, ledger, 'evt.ledger.entry_added'), ['evt.ledger.entry_added']);
    assert.deepEqual(await delivered(ownerNc, ledger, 'log.tally.read'), ['log.tally.read']);
  });

  for (const [what, subject] of [
    ["another service's requests", 'svc.tally.get'],
    ["another service's replies", '_INBOX.tally.abc'],
    ["another service's health", 'sys.health.tally'],
    ["another service's log reads", 'log.tally.read'],
  ]) {
    it(`keeps a service from listening to ${what}`, async () => {
      assert.deepEqual(await delivered(ledger, ownerNc, subject!), []);
    });
  }

  it("keeps a service from publishing another service's events", async () => {
    assert.deepEqual(await delivered(ownerNc, ledger, 'evt.tally.counted'), []);
  });

  it('makes a new password at every boot', () => {
    const again = makeCredentials(['ledger']);
    assert.notEqual(again.services.get('ledger')!.password, creds.services.get('ledger')!.password);
    assert.ok(creds.services.get('ledger')!.password.length >= 32);
  });
});
