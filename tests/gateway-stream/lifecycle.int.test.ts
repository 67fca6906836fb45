/**
 * The mount's edges: another upgrade listener keeps its upgrades, and `close()` ends every
 * stream (WS 1001, SSE `event: end`), waits for them — a client that does not read
 * included — and takes no new ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { startHarness } from './harness.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient } from '../support/ws-client.ts';

describe('stream lifecycle', { timeout: 60_000 }, () => {
  it('leaves upgrades of other paths to another upgrade listener', async () => {
    const h = await startHarness();
    const other = new WebSocketServer({ noServer: true });
    h.server.on('upgrade', (req, socket, head) => {
      if (req.url === '/other') other.handleUpgrade(req, socket, head, (ws) => ws.send('theirs'));
    });
    const ws = new WebSocket(`${h.ws}/other`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(String(d)));
      ws.once('error', reject);
    });
    assert.equal(first, 'theirs');
    ws.close();
    other.close();
    await h.close();
  });

  it('ends every stream on close(), even one that does not read, and then takes no new ones', async () => {
    const h = await startHarness({ bufferSize: 16 });
    h.join('ann', 'A');
    const token = await h.token('ann');
    const ws = await WsClient.open(`${h.ws}/v1/stream`, token);
    await ws.take((m) => m.type === 'ready');
    const stuck = await WsClient.open(`${h.ws}/v1/stream`, token);
    await stuck.take((m) => m.type === 'ready');
    stuck.socket.pause();
    const pending = await WsClient.open(`${h.ws}/v1/stream`);
    const sse = await SseClient.open(`${h.http}/v1/events`, { authorization: `Bearer ${token}` });
    await sse.event('ready');
    assert.equal(h.stream.openStreams(), 3);

    const started = Date.now();
    await h.stream.close();
    assert.ok(Date.now() - started < 5000, 'close() does not wait for clients forever');
    assert.equal(h.stream.openStreams(), 0);
    assert.equal((await ws.closed).code, 1001);
    assert.equal((await pending.closed).code, 1001);
    assert.equal(JSON.parse((await sse.event('end')).data!).reason, 'shutdown');
    await sse.ended;

    const res = await fetch(`${h.http}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 503);
    await res.body?.cancel();
    h.emit('A', 'group.renamed', { name: 'after close' });
    stuck.socket.resume();
    await stuck.closed;
    await h.close();
  });
});
