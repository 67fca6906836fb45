import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALIVE_SUBJECT, GatewayPeers } from './peers.ts';

/** Gateways whose messages reach each other at once (once each has started), on a clock the test moves. */
function cluster(ids: string[]) {
  const clock = { now: 0 };
  const listening = new Set<GatewayPeers>();
  const counts = new Map<string, number[]>();
  const peers = new Map<string, GatewayPeers>();
  for (const id of ids) {
    counts.set(id, []);
    peers.set(
      id,
      new GatewayPeers({
        id,
        now: () => clock.now,
        everyMs: 1000,
        onCount: (n) => counts.get(id)!.push(n),
        publish: (subject, data) => {
          assert.equal(subject, ALIVE_SUBJECT);
          for (const p of listening) p.hear(data);
        },
      }),
    );
  }
  const start = (id: string) => (listening.add(peers.get(id)!), peers.get(id)!.start());
  return { clock, counts, peers, start };
}

describe('GatewayPeers', () => {
  it('counts every gateway as soon as a new one says hello, and one fewer when one leaves', () => {
    const { counts, peers, start } = cluster(['a', 'b', 'c']);
    start('a');
    assert.equal(peers.get('a')!.count, 1);
    start('b');
    assert.deepEqual([peers.get('a')!.count, peers.get('b')!.count], [2, 2]);
    start('c');
    assert.deepEqual([...peers.values()].map((p) => p.count), [3, 3, 3]);
    peers.get('b')!.stop();
    assert.deepEqual([peers.get('a')!.count, peers.get('c')!.count], [2, 2]);
    assert.deepEqual(counts.get('a'), [2, 3, 2]);
    for (const p of peers.values()) p.stop();
  });

  it('forgets a gateway not heard from for three rounds, and ignores what is not an alive message or its own', () => {
    const { clock, peers } = cluster(['a', 'b']);
    const a = peers.get('a')!;
    a.hear({ id: 'b' });
    assert.equal(a.count, 2);
    for (const junk of [null, 'b', { id: '' }, { id: 7 }, { id: 'a' }, { id: 'x'.repeat(65) }]) a.hear(junk);
    assert.equal(a.count, 2);
    clock.now = 2999;
    a.hear({ id: 'c' });
    assert.equal(a.count, 3, 'b was heard from 2.999 s ago: still there');
    clock.now = 3001;
    a.hear({ id: 'c' });
    assert.equal(a.count, 2, 'b was silent for three rounds');
  });
});
