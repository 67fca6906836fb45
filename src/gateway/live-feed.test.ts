import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, type Envelope } from '../kit/index.ts';
import { LiveFeed, recipientOf } from './live-feed.ts';
import type { TypingSignal } from './stream/index.ts';

const G = '01900000-0000-7000-8000-00000000000a';
const ANN = '01900000-0000-7000-8000-0000000000a1';
/** A notification as the contract has it (the feed checks personal events against it). */
const NOTE = { id: '01900000-0000-7000-8000-0000000000f1', type: 'sos_raised', priority: 'urgent', groupId: G, title: 'SOS', body: '', actorId: null, refs: {}, quiet: false, createdAt: '2025-01-01T10:00:00.000Z', readAt: null };
const env = (data: unknown): Envelope => ({ id: 'e1', type: 'notification.created', version: 1, seq: 1, at: '', source: 'notifications', stream: '', correlationId: '', causationId: '', data });

/** A feed whose log lines are kept, on a clock the test moves. */
function feed(nameOf?: (userId: string) => string | undefined) {
  const lines: Array<{ level: string; msg: string }> = [];
  const clock = { now: Date.parse('2025-01-01T10:00:00.000Z') };
  const log = createLogger({ service: 'gateway', level: 'debug', format: 'json', write: (l) => void lines.push(JSON.parse(l)) });
  const f = new LiveFeed({ log, now: () => clock.now, nameOf });
  const heard: TypingSignal[] = [];
  f.onTyping((t) => void heard.push(t));
  return { f, lines, clock, heard };
}

describe('LiveFeed: personal events', () => {
  it('hands a personal event to its one recipient, named by data.userId', () => {
    const { f } = feed();
    const got: Array<{ userId: string }> = [];
    f.onUser((e) => void got.push(e));
    f.pushPersonal(env({ userId: ANN, notification: NOTE }));
    assert.deepEqual(got.map((e) => e.userId), [ANN]);
  });

  it('drops an event without a valid recipient', () => {
    for (const data of [{}, null, { userId: 7 }, { userId: 'ann' }, { userId: [ANN] }]) assert.equal(recipientOf(env(data)), undefined, JSON.stringify(data));
    const { f, lines } = feed();
    let calls = 0;
    f.onUser(() => void calls++);
    f.pushPersonal(env({ notification: {} }));
    assert.equal(calls, 0);
    assert.equal(lines.at(-1)?.level, 'debug');
  });
});

describe('LiveFeed: typing', () => {
  it('without a bus, hands an admitted signal straight to its listeners, with the name it knows', () => {
    const { f, heard } = feed((u) => (u === ANN ? 'Ann' : undefined));
    assert.equal(f.typing(ANN, G), true);
    assert.equal(f.typing(ANN, G), false, 'the gate drops the second');
    assert.deepEqual(heard, [{ groupId: G, userId: ANN, name: 'Ann', at: '2025-01-01T10:00:00.000Z' }]);
  });

  it('with a bus, publishes on the group\'s subject and hears it only through pushTyping', () => {
    const { f, heard, clock } = feed();
    const sent: Array<{ subject: string; data: unknown }> = [];
    f.connect((subject, data) => void sent.push({ subject, data }));
    f.typing(ANN, G);
    assert.deepEqual(sent, [{ subject: `evt.gateway.typing.${G}`, data: { groupId: G, userId: ANN, name: null, at: '2025-01-01T10:00:00.000Z' } }]);
    assert.deepEqual(heard, []);
    f.pushTyping(sent[0]!.data, sent[0]!.subject);
    assert.equal(heard.length, 1);
    clock.now += 2000;
    assert.equal(f.typing(ANN, G), true, 'the gate opens again after 2 s');
  });

  it('still reaches this gateway\'s streams when the publish fails, and says so', () => {
    const { f, heard, lines } = feed();
    f.connect(() => {
      throw new Error('CONNECTION_CLOSED');
    });
    assert.equal(f.typing(ANN, G), true);
    assert.equal(heard.length, 1);
    assert.ok(lines.some((l) => l.level === 'warn' && l.msg === 'typing signal not published'));
  });

  it('drops malformed signals and signals on another group\'s subject, with a debug line', () => {
    const { f, heard, lines } = feed();
    const ok = { groupId: G, userId: ANN, name: null, at: '2025-01-01T10:00:00.000Z' };
    const subject = `evt.gateway.typing.${G}`;
    for (const bad of [{ ...ok, userId: 'ann' }, { ...ok, at: 'now' }, { ...ok, extra: 1 }, 'typing', null, [ok]]) f.pushTyping(bad, subject);
    f.pushTyping(ok, 'evt.gateway.typing.01900000-0000-7000-8000-00000000000f');
    assert.deepEqual(heard, []);
    assert.equal(lines.filter((l) => l.level === 'debug').length, 7);
    f.pushTyping(ok, subject);
    assert.deepEqual(heard, [ok]);
  });

  it('keeps one failing listener from the others', () => {
    const { f, heard } = feed();
    f.onTyping(() => {
      throw new Error('boom');
    });
    const after: TypingSignal[] = [];
    f.onTyping((t) => void after.push(t));
    f.typing(ANN, G);
    assert.equal(heard.length, 1);
    assert.equal(after.length, 1);
  });
});
