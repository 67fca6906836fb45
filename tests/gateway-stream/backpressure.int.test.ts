/**
 * Slow consumers: a client that stops reading while thousands of events are pushed is
 * disconnected once its bounded buffer fills (WebSocket close 4408, SSE response cut),
 * memory stays flat, and a client that keeps reading gets every event meanwhile.
 */
import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { waitFor } from '../support/poll.ts';
import { startHarness, type Harness } from './harness.ts';
import { WsClient } from '../support/ws-client.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live memory after a full collection (heap plus the Buffers sockets hold). */
function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const EVENTS = 8000;
const BLOB = 'x'.repeat(2000); // ~2 KB per event: 16 MB in all, far beyond any bound

/** Pushes EVENTS events into `groupId`, yielding now and then so sockets can flush. */
async function flood(h: Harness, groupId: string): Promise<void> {
  for (let i = 0; i < EVENTS; i++) {
    h.emit(groupId, 'location.updated', { i, blob: BLOB });
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
}

/** A WebSocket client that reads everything and only counts events (storing them would skew memory). */
async function countingReader(h: Harness, userId: string): Promise<{ count: () => number; ws: WebSocket }> {
  let n = 0;
  const ws = new WebSocket(`${h.ws}/v1/stream`, { headers: { authorization: `Bearer ${await h.token(userId)}` } });
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"ready"')) resolve();
      else if (text.startsWith('{"type":"event"')) n++;
    });
  });
  return { count: () => n, ws };
}

describe('slow consumers', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ bufferSize: 64 });
    h.join('reader', 'S');
    h.join('stuck', 'S');
  });
  after(() => h.close());

  it('disconnects a WebSocket client that stops reading, with flat memory, while others get everything', async () => {
    const reader = await countingReader(h, 'reader');
    const stuck = await WsClient.open(`${h.ws}/v1/stream`, await h.token('stuck'));
    await stuck.take((m) => m.type === 'ready');
    stuck.socket.pause();
    assert.equal(h.stream.openStreams(), 2);
    const base = liveBytes();

    await flood(h, 'S');
    await waitFor('the reader to get every event', () => reader.count() === EVENTS, 10_000);
    assert.equal(h.stream.openStreams(), 1, 'the stuck client was dropped');
    const grown = liveBytes() - base;
    assert.ok(grown < 6 * 2 ** 20, `memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);

    stuck.socket.resume();
    const closed = await stuck.closed;
    assert.ok([4408, 1006].includes(closed.code), `close code ${closed.code}`);
    assert.ok(stuck.events().length < EVENTS / 2, `the stuck client got ${stuck.events().length} events`);
    reader.ws.close();
  });

  it('tells a client that catches up quickly that it was too slow (4408)', async () => {
    const stuck = await WsClient.open(`${h.ws}/v1/stream`, await h.token('stuck'));
    await stuck.take((m) => m.type === 'ready');
    stuck.socket.pause();
    for (let i = 0; h.stream.openStreams() > 0 && i < EVENTS; i++) {
      h.emit('S', 'location.updated', { i, blob: BLOB });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(h.stream.openStreams(), 0);
    stuck.socket.resume();
    assert.equal((await stuck.closed).code, 4408);
  });

  it('cuts an SSE response that is not read, with flat memory', async () => {
    const token = await h.token('stuck');
    const res = await new Promise<IncomingMessage>((resolve, reject) => get(`${h.http}/v1/events`, { headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject));
    assert.equal(res.statusCode, 200);
    res.pause();
    const ended = new Promise<void>((resolve) => res.on('close', () => resolve()));
    await waitFor('the SSE stream to open', () => h.stream.openStreams() === 1);
    const base = liveBytes();

    await flood(h, 'S');
    await waitFor('the SSE stream to be dropped', () => h.stream.openStreams() === 0, 5000);
    const grown = liveBytes() - base;
    assert.ok(grown < 6 * 2 ** 20, `memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);

    let received = 0;
    res.on('data', (chunk: Buffer) => (received += chunk.length));
    res.resume();
    await ended;
    assert.ok(received < (EVENTS * BLOB.length) / 2, `the stuck client got ${received} bytes`);
  });
});
