/**
 * One user may hold at most `gateway.max_streams_per_user` live streams (WebSocket and
 * SSE together): 50 opened one after the other leave the newest ones open and the oldest
 * ended with a reason the client can read (WebSocket close 4429 `too_many_streams`, SSE
 * `event: end` `{"reason":"too_many_streams"}`); another user's stream is untouched, and
 * the gateway's open-stream gauge says how many are left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SseClient } from '../support/sse-client.ts';
import { WsClient } from '../support/ws-client.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const CAP = 8;
const OPENED = 50;

describe('gateway: a per-user cap on live streams', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-stream-cap');
  let h: InProcessHearth;
  let alice: User;
  let bob: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.gateway.max_streams_per_user = CAP));
    alice = await signUp(h, 'Alice');
    bob = await signUp(h, 'Bob');
  });
  after(() => h?.stop());

  it(`keeps the newest ${CAP} of ${OPENED} streams of one user and ends the oldest with too_many_streams`, async () => {
    const ws = h.url.replace(/^http/, 'ws') + '/v1/stream';
    const bobs = await WsClient.open(ws, bob.token);
    await bobs.take((m) => m.type === 'ready');
    const streams: (WsClient | SseClient)[] = [];
    try {
      for (let i = 0; i < OPENED; i++) {
        // Alternate transports: the cap counts both together.
        if (i % 2 === 0) {
          const c = await WsClient.open(ws, alice.token);
          await c.take((m) => m.type === 'ready');
          streams.push(c);
        } else {
          const c = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${alice.token}` });
          await c.event('ready');
          streams.push(c);
        }
      }
      const oldest = streams.slice(0, OPENED - CAP);
      const newest = streams.slice(OPENED - CAP);
      for (const [i, s] of oldest.entries()) {
        if (s instanceof WsClient) {
          const closed = await s.closed;
          assert.deepEqual(closed, { code: 4429, reason: 'too_many_streams' }, `stream ${i}`);
        } else {
          const end = await s.event('end');
          assert.deepEqual(JSON.parse(end.data!), { reason: 'too_many_streams' }, `stream ${i}`);
          await s.ended;
        }
      }
      // The newest are alive: a WebSocket answers a ping, an SSE response has not ended.
      for (const s of newest) {
        if (s instanceof WsClient) {
          s.send({ type: 'ping' });
          await s.take((m) => m.type === 'pong');
        } else {
          const ended = await Promise.race([s.ended.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
          assert.equal(ended, false);
          assert.equal(s.frames.filter((f) => f.event === 'end').length, 0);
        }
      }
      bobs.send({ type: 'ping' });
      await bobs.take((m) => m.type === 'pong');
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      assert.match(metrics, new RegExp(`^hearth_stream_open ${CAP + 1}$`, 'm'), 'the cap, and Bob\u2019s one');
    } finally {
      for (const s of streams) s instanceof WsClient ? await s.close() : s.close();
      await bobs.close();
    }
  });
});
