import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../kit/index.ts';
import { Hub, type Subscriber } from './hub.ts';
import type { Entry } from './entry.ts';
import type { TypingFrames } from './wire.ts';

let n = 0;
const env = (type: string, data: Record<string, unknown> = {}): Envelope => ({ id: `e${++n}`, type, version: 1, seq: n, at: '', source: 's', stream: '', correlationId: '', causationId: '', data });

/** A subscriber that records what it is given (the real sessions are covered by tests/gateway-stream). */
function recorder(userId: string): Subscriber & { events: Entry[]; typings: TypingFrames[] } {
  const events: Entry[] = [];
  const typings: TypingFrames[] = [];
  return { userId, sessionId: `s-${userId}`, known: new Set(), events, typings, deliver: (e) => void events.push(e), typing: (t) => void typings.push(t), end: () => undefined };
}

const OPTS = { limits: { maxEvents: 8, maxScan: 100 } };
const G = '01900000-0000-7000-8000-00000000000a';
const ANN = '01900000-0000-7000-8000-0000000000a1';
const BOB = '01900000-0000-7000-8000-0000000000b1';
const CAT = '01900000-0000-7000-8000-0000000000c1';

describe('Hub: personal events', () => {
  it('delivers a personal event to its recipient only, in no group at all', () => {
    const hub = new Hub(() => [], OPTS);
    const ann = recorder(ANN);
    const bob = recorder(BOB);
    hub.attach(ann);
    hub.attach(bob);
    hub.publishPersonal(ANN, env('notification.created', { userId: ANN }));
    assert.equal(ann.events.length, 1);
    assert.equal(ann.events[0]!.groupId, null);
    assert.deepEqual(bob.events, []);
  });

  it('drops an event published again (same epoch, seq not past its source\'s position)', () => {
    const hub = new Hub(() => [], OPTS);
    const ann = recorder(ANN);
    hub.attach(ann);
    const e = { ...env('notification.created', { userId: ANN }), epoch: '01900000-0000-7000-8000-0000000000ee' };
    hub.publishPersonal(ANN, e);
    hub.publishPersonal(ANN, { ...e });
    assert.equal(ann.events.length, 1);
    assert.equal(hub.positions.get('s')?.seq, e.seq);
  });
});

describe('Hub: typing', () => {
  it('reaches the group\'s other members, not the typist, not other groups, and is not buffered', () => {
    const groups: Record<string, string[]> = { [ANN]: [G], [BOB]: [G], [CAT]: ['01900000-0000-7000-8000-00000000000f'] };
    const hub = new Hub((u) => groups[u] ?? [], OPTS);
    const mark = env('group.renamed', { groupId: G });
    hub.publish(G, mark);
    const [ann, bob, cat] = [recorder(ANN), recorder(BOB), recorder(CAT)];
    for (const s of [ann, bob, cat]) hub.attach(s);
    const before = hub.positions.text();
    hub.typing({ groupId: G, userId: ANN, name: 'Ann', at: '2025-01-01T10:00:00.000Z' });
    assert.equal(ann.typings.length, 0);
    assert.equal(cat.typings.length, 0);
    assert.equal(bob.typings.length, 1);
    assert.deepEqual(JSON.parse(bob.typings[0]!.ws), { type: 'typing', groupId: G, userId: ANN, name: 'Ann', at: '2025-01-01T10:00:00.000Z' });
    assert.match(bob.typings[0]!.sse, /^event: typing\ndata: \{.*\}\n\n$/);
    assert.equal(hub.positions.text(), before, 'typing moves no position');
  });
});
