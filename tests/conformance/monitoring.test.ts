/**
 * The monitoring endpoints (issue item 7): /healthz, /varz, /connz (with ?cid= and
 * ?subs=1) and /subsz. Only fields both implementations must have are asserted, under
 * nats-server's exact names; counters are checked as exact differences, because
 * nats-server counts internal subscriptions in its totals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec } from 'nats';
import { conf, targets } from './targets.ts';
import { rawConnect } from './raw-client.ts';
import { getJson, SUITE_TIMEOUT, useBroker } from './support-broker.ts';
import { collect, counter, readInfo, tcpClient } from './support-clients.ts';
import { waitFor } from '../support/poll.ts';

const sc = StringCodec();

interface Varz {
  server_id: string;
  version: string;
  uptime: string;
  mem: number;
  connections: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
}

interface ConnInfo {
  cid: number;
  name?: string;
  lang?: string;
  version?: string;
  ip: string;
  port: number;
  subscriptions: number;
  subscriptions_list?: string[];
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
}

interface Connz {
  server_id: string;
  num_connections: number;
  connections: ConnInfo[];
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    const broker = useBroker(target, conf());
    const http = <T>(path: string) => getJson<T>(broker().httpPort!, path);

    it('answers /healthz with {"status":"ok"} as JSON', async () => {
      const { status, contentType, body } = await http('/healthz');
      assert.equal(status, 200);
      assert.match(contentType, /^application\/json/);
      assert.deepEqual(body, { status: 'ok' });
    });

    it('reports identity, uptime and memory in /varz, matching INFO', async () => {
      const c = await rawConnect(broker().port);
      try {
        const info = await readInfo(c);
        const { status, body } = await http<Varz>('/varz');
        assert.equal(status, 200);
        assert.equal(body.server_id, info.server_id);
        assert.equal(body.version, info.version);
        // Go-style compact duration, as nats-server formats it: "0s", "1m5s", "2h3m4s", "1d2h3m4s".
        assert.match(body.uptime, /^(\d+y)?(\d+d)?(\d+h)?(\d+m)?\d+s$/);
        assert.ok(Number.isInteger(body.mem) && body.mem > 0, `mem ${body.mem}`);
        for (const k of ['connections', 'in_msgs', 'out_msgs', 'in_bytes', 'out_bytes'] as const) {
          assert.ok(Number.isInteger(body[k]) && body[k] >= 0, `${k} ${body[k]}`);
        }
      } finally {
        c.close();
      }
    });

    it('counts connections and message traffic in /varz', async () => {
      await waitFor('no connections left from earlier tests', async () => (await http<Varz>('/varz')).body.connections === 0, 2000);
      const a = await tcpClient(broker());
      const b = await tcpClient(broker());
      try {
        const sub = b.subscribe('varz.count');
        await b.flush();
        const before = (await http<Varz>('/varz')).body;
        assert.equal(before.connections, 2);
        for (let i = 0; i < 3; i++) a.publish('varz.count', sc.encode('12345'));
        await collect(sub, 3);
        const after = await waitFor('varz counters to move', async () => {
          const v = (await http<Varz>('/varz')).body;
          return v.out_msgs - before.out_msgs >= 3 ? v : undefined;
        }, 2000);
        assert.equal(after.in_msgs - before.in_msgs, 3);
        assert.equal(after.out_msgs - before.out_msgs, 3);
        assert.equal(after.in_bytes - before.in_bytes, 15);
        assert.equal(after.out_bytes - before.out_bytes, 15);
      } finally {
        await a.close();
        await b.close();
      }
      await waitFor('closed connections to leave /varz', async () => (await http<Varz>('/varz')).body.connections === 0, 2000);
    });

    it('lists each connection in /connz with its cid, name, subscriptions and traffic', async () => {
      const a = await tcpClient(broker(), { name: 'connz-a' });
      const b = await tcpClient(broker(), { name: 'connz-b' });
      try {
        // counter(), not collect(): leaving a subscription's iterator unsubscribes it.
        const got = counter(b.subscribe('connz.t'));
        b.subscribe('connz.other.*');
        await b.flush();
        a.publish('connz.t', sc.encode('abcd'));
        a.publish('connz.t', sc.encode('ef'));
        await waitFor('two messages', () => got.count() === 2, 2000);
        await a.flush();
        const { status, body } = await http<Connz>('/connz');
        assert.equal(status, 200);
        assert.equal(typeof body.server_id, 'string');
        assert.equal(body.num_connections, body.connections.length);
        const byName = (n: string) => body.connections.find((c) => c.name === n);
        const ca = byName('connz-a');
        const cb = byName('connz-b');
        assert.ok(ca && cb, JSON.stringify(body.connections.map((c) => c.name)));
        assert.equal(ca.cid, a.info?.client_id);
        assert.equal(cb.cid, b.info?.client_id);
        assert.equal(ca.lang, 'nats.js');
        assert.equal(ca.ip, '127.0.0.1');
        assert.equal(typeof ca.port, 'number');
        assert.equal(ca.subscriptions, 0);
        // The nats client holds one extra subscription of its own only once it makes a request.
        assert.equal(cb.subscriptions, 2);
        assert.deepEqual([ca.in_msgs, ca.in_bytes, ca.out_msgs, ca.out_bytes], [2, 6, 0, 0]);
        assert.deepEqual([cb.in_msgs, cb.in_bytes, cb.out_msgs, cb.out_bytes], [0, 0, 2, 6]);
        assert.equal(ca.subscriptions_list, undefined, 'subscriptions_list only with ?subs=1');
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('narrows /connz to one connection with ?cid= and lists subscriptions with ?subs=1', async () => {
      const a = await tcpClient(broker(), { name: 'cid-a' });
      const b = await tcpClient(broker(), { name: 'cid-b' });
      try {
        b.subscribe('subs.one');
        b.subscribe('subs.two.>');
        b.subscribe('subs.q', { queue: 'workers' });
        await b.flush();
        const one = (await http<Connz>(`/connz?cid=${b.info!.client_id}&subs=1`)).body;
        assert.equal(one.connections.length, 1);
        assert.equal(one.connections[0]!.name, 'cid-b');
        assert.deepEqual([...one.connections[0]!.subscriptions_list!].sort(), ['subs.one', 'subs.q', 'subs.two.>']);
        const other = (await http<Connz>(`/connz?cid=${a.info!.client_id}`)).body;
        assert.deepEqual(other.connections.map((c) => c.name), ['cid-a']);
        const none = (await http<Connz>('/connz?cid=987654')).body;
        assert.deepEqual(none.connections, []);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('counts subscriptions in /subsz as they come and go', async () => {
      const nc = await tcpClient(broker());
      try {
        await nc.flush();
        const base = (await http<{ num_subscriptions: number }>('/subsz')).body.num_subscriptions;
        assert.ok(Number.isInteger(base));
        const subs = ['subsz.a', 'subsz.b.*', 'subsz.>'].map((s) => nc.subscribe(s));
        await nc.flush();
        assert.equal((await http<{ num_subscriptions: number }>('/subsz')).body.num_subscriptions, base + 3);
        subs[0]!.unsubscribe();
        await nc.flush();
        assert.equal((await http<{ num_subscriptions: number }>('/subsz')).body.num_subscriptions, base + 2);
      } finally {
        await nc.close();
      }
    });
  });
}
