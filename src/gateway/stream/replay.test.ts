import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope, EpochInfo } from '../../kit/index.ts';
import { decodeCursor, encodeCursor, epochTag, Positions } from './cursor.ts';
import { entryOf } from './entry.ts';
import { continues, Floor, replay, type LogPage, type StreamLogs } from './replay.ts';

const E1 = '01900000-0000-7000-8000-00000000e001';
const E2 = '01930000-0000-7000-8000-00000000e002';
const G = 'g1';
const H = 'g2';
let clock = 0;

/** Logs of two services held in arrays (the real ones are read over the broker: tests/gateway/stream-resume.int.test.ts). */
function logs(epochs: Record<string, EpochInfo[]> = { a: [{ id: E1, base: 0 }], b: [{ id: E1, base: 0 }] }) {
  const events: Record<string, Envelope[]> = { a: [], b: [] };
  const add = (source: 'a' | 'b', data: Record<string, unknown>, type = 't'): Envelope => {
    const e: Envelope = { id: `e${clock}`, type, version: 1, seq: events[source]!.length + 1, at: new Date(Date.UTC(2026, 0, 1) + ++clock * 1000).toISOString(), source, stream: '', correlationId: '', causationId: '', data };
    events[source]!.push(e);
    return e;
  };
  let fail = false;
  const l: StreamLogs = {
    sources: ['a', 'b'],
    async read(source, after, limit): Promise<LogPage> {
      if (fail) throw new Error('no responders');
      const all = events[source]!;
      return { events: all.filter((e) => e.seq > after).slice(0, limit), head: all.length, epochs: epochs[source] };
    },
    audienceOf: (e) => {
      const d = e.data as { groupId?: string; userId?: string };
      return d.groupId ? { groupId: d.groupId } : d.userId ? { userId: d.userId } : undefined;
    },
  };
  return { l, add, events, failNext: () => void (fail = true) };
}

const at = (a: number, b: number, tag = epochTag(E1)) => encodeCursor(new Map([['a', { seq: a, tag }], ['b', { seq: b, tag }]]));
const limits = { maxEvents: 10, maxScan: 100 };
const names = (r: Awaited<ReturnType<typeof replay>>) => ('reset' in r ? r.reset : r.entries.map((e) => (e.event.data as { n: string }).n));

describe('Last-Event-ID replay from the logs', () => {
  it('sends the events after the cursor the user may see, sources merged by commit time, each with its own cursor', async () => {
    const { l, add } = logs();
    add('a', { groupId: G, n: 'old' });
    add('a', { groupId: G, n: 'a1' });
    add('b', { userId: 'ann', n: 'mine' });
    add('b', { userId: 'bob', n: 'bobs' });
    add('a', { groupId: H, n: 'other group' });
    add('a', { groupId: G, n: 'a2' });
    add('b', { n: 'nobody' });
    const r = await replay(l, at(1, 0), 'ann', [G], limits);
    assert.deepEqual(names(r), ['a1', 'mine', 'a2']);
    assert.ok(!('reset' in r));
    assert.deepEqual([...decodeCursor(r.entries[2]!.cursor)!].map(([s, p]) => [s, p.seq]), [['a', 4], ['b', 1]]);
    assert.deepEqual([...r.floor].map(([s, p]) => [s, p.seq]), [['a', 4], ['b', 3]], 'the floor is where each read ended');
  });

  it('resets what it cannot resume', async () => {
    const { l, add } = logs();
    for (let i = 0; i < 12; i++) add('a', { groupId: G, n: `m${i}` });
    const reset = async (cursor: string, user = 'ann', lim = limits) => assert.ok('reset' in (await replay(l, cursor, user, [G], lim)), cursor);
    await reset('0190f5b2-7c3a-7e0b-9c1d-4f2a8b6e1d90'); // an event id, as before #19
    await reset('c1.a:1:' + epochTag(E1)); // no position in b
    await reset('c1.a:x:00000000.b:0:00000000');
    await reset(at(0, 0, 'deadbeef')); // an epoch the log does not have
    await reset(at(13, 0)); // ahead of the head
    await reset(at(0, 0)); // 12 to send, more than 10
    await reset(at(0, 0), 'bob', { maxEvents: 10, maxScan: 5 }); // bob sees none, but 12 to read
    assert.equal(names(await replay(l, at(2, 0), 'ann', [G], limits)).length, 10, 'ten is within the bound');
    const broken = logs();
    broken.failNext();
    assert.ok('reset' in (await replay(broken.l, at(0, 0), 'ann', [G], limits)));
  });

  it('continues from an earlier epoch only up to where the log was restored', () => {
    const history = [{ id: E1, base: 0 }, { id: E2, base: 50 }];
    assert.equal(continues({ seq: 40, tag: epochTag(E1) }, history, 60), true);
    assert.equal(continues({ seq: 51, tag: epochTag(E1) }, history, 60), false);
    assert.equal(continues({ seq: 55, tag: epochTag(E2) }, history, 60), true);
    assert.equal(continues({ seq: 61, tag: epochTag(E2) }, history, 60), false);
    assert.equal(continues({ seq: 5, tag: '' }, undefined, 60), true);
    assert.equal(continues({ seq: 5, tag: epochTag(E1) }, undefined, 60), false);
  });
});

describe('Floor', () => {
  it('drops what the replay sent, raises cursors while the gateway is behind, then steps aside', () => {
    const tag = epochTag(E1);
    const floor = new Floor(new Map([['a', { seq: 5, tag }], ['b', { seq: 2, tag }]]));
    const ev = (source: string, seq: number): Envelope => ({ id: `x${seq}`, type: 't', version: 1, seq, at: '', source, stream: '', correlationId: '', causationId: '', data: {}, epoch: E1 });
    const behind = new Map([['a', { seq: 4, tag }], ['b', { seq: 3, tag }]]);
    assert.equal(floor.pass(entryOf({ groupId: G }, ev('a', 4), encodeCursor(behind))), undefined, 'sent by the replay');
    const raised = floor.pass(entryOf({ groupId: G }, ev('b', 3), encodeCursor(behind)))!;
    assert.deepEqual([...decodeCursor(raised)!].map(([s, p]) => [s, p.seq]), [['a', 5], ['b', 3]]);
    const level = encodeCursor(new Map([['a', { seq: 6, tag }], ['b', { seq: 3, tag }]]));
    assert.equal(floor.pass(entryOf({ groupId: G }, ev('a', 6), level)), level);
  });
});

describe('Stream cursors', () => {
  it('round-trips, and refuses what is not one', () => {
    const p = new Positions();
    p.seed('users', 41, E1);
    p.advance({ source: 'chat', seq: 7 });
    assert.equal(p.text(), `c1.users:41:${epochTag(E1)}.chat:7:`);
    assert.deepEqual(decodeCursor(p.text()), p.snapshot());
    p.seed('users', 3, undefined);
    assert.equal(p.get('users')?.seq, 41, 'a seed does not move a known position');
    p.seed('chat', 2, E2);
    assert.deepEqual(p.get('chat'), { seq: 7, tag: epochTag(E2) }, 'but gives it the epoch an event from a log page did not carry');
    for (const bad of ['', 'c1', 'c1.', 'c1.users:01:', 'c1.users:1:xyz', 'c1.users:1:.users:2:', 'c1.Users:1:', `c1.u:1:${'0'.repeat(600)}`]) assert.equal(decodeCursor(bad), undefined, bad);
  });
});
