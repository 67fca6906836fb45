/**
 * WebSocket `/v1/stream` authentication: the bearer header, the first message, refusal of
 * bad tokens (4401), re-authentication with a refreshed token, expiry, abuse, and the
 * upgrades that are not ours.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';
import { sleep } from '../support/poll.ts';
import { WsClient } from '../support/ws-client.ts';

describe('WebSocket stream authentication', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ authTimeoutMs: 300 });
    h.join('alice', 'g-a');
    h.join('alice', 'g-b');
  });
  after(() => h.close());

  it('accepts a bearer header and answers ready with the user\'s groups', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('alice'));
    const ready = await c.take((m) => m.type === 'ready');
    assert.deepEqual([...(ready.groups as string[])].sort(), ['g-a', 'g-b']);
    assert.match(String(ready.expiresAt), /^\d{4}-\d\d-\d\dT/);
    h.emit('g-a', 'group.renamed', { name: 'Home' });
    const e = await c.event('group.renamed', 'g-a');
    assert.equal((e.event as { data: { name: string } }).data.name, 'Home');
    await c.close();
  });

  it('accepts the token in a first auth message (browsers)', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`);
    c.send({ type: 'auth', token: await h.token('alice') });
    const ready = await c.take((m) => m.type === 'ready');
    assert.equal((ready.groups as string[]).length, 2);
    await c.close();
  });

  it('closes with 4401 when no auth message comes in time', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`);
    const closed = await c.closed;
    assert.equal(closed.code, 4401);
    assert.equal(c.inbox.length, 0);
  });

  for (const [name, token] of [
    ['a garbage token', async () => 'not-a-jwt'],
    ['an expired token', async () => h.token('alice', { ttlS: -60 })],
    ['a token signed with another key', async () => h.token('alice', { foreignKey: true })],
    ['a token of a revoked session', async () => (h.revoked.add('sess-revoked'), h.token('alice', { sid: 'sess-revoked' }))],
  ] as const) {
    it(`closes with 4401 for ${name} in the header, before any data`, async () => {
      const c = await WsClient.open(`${h.ws}/v1/stream`, await token());
      assert.equal((await c.closed).code, 4401);
      assert.deepEqual(c.inbox, []);
    });

    it(`closes with 4401 for ${name} in the first message`, async () => {
      const c = await WsClient.open(`${h.ws}/v1/stream`);
      c.send({ type: 'auth', token: await token() });
      assert.equal((await c.closed).code, 4401);
      assert.deepEqual(c.inbox, []);
    });
  }

  it('keeps a stream open past the first token\'s expiry after re-authentication', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('alice', { ttlS: 3 }));
    const ready = await c.take((m) => m.type === 'ready');
    c.send({ type: 'auth', token: await h.token('alice', { ttlS: 600 }) });
    const re = await c.take((m) => m.type === 'reauthenticated');
    assert.ok(Date.parse(String(re.expiresAt)) > Date.parse(String(ready.expiresAt)));
    await sleep(3200); // past the first token's expiry (JWT exp has whole seconds)
    h.emit('g-b', 'group.renamed', { name: 'Still here' });
    await c.event('group.renamed', 'g-b');
    await c.close();
  });

  it('closes with 4401 when the token expires without a new one', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('alice', { ttlS: 2 }));
    const ready = await c.take((m) => m.type === 'ready');
    const closed = await c.closed;
    assert.equal(closed.code, 4401);
    const late = Date.now() - Date.parse(String(ready.expiresAt));
    assert.ok(late >= -50 && late < 1000, `closed ${late} ms after expiry`);
  });

  it('closes with 4401 when a re-authentication brings another user\'s token', async () => {
    h.join('mallory', 'g-x');
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('mallory'));
    await c.take((m) => m.type === 'ready');
    c.send({ type: 'auth', token: await h.token('alice') });
    assert.equal((await c.closed).code, 4401);
    assert.equal(c.inbox.some((m) => m.type === 'reauthenticated'), false);
  });

  it('closes with 4401 when a re-authentication brings a bad token', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('alice'));
    await c.take((m) => m.type === 'ready');
    c.send({ type: 'auth', token: await h.token('alice', { ttlS: -5 }) });
    assert.equal((await c.closed).code, 4401);
  });

  it('answers invalid messages with errors and closes with 1008 after repeated abuse', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('alice'));
    await c.take((m) => m.type === 'ready');
    c.send('not json');
    const err = await c.take((m) => m.type === 'error');
    assert.equal(err.code, 'stream.bad_message');
    c.send({ type: 'subscribe', groupId: 'g-z' });
    c.send({ type: 'auth' });
    c.socket.send(Buffer.from([1, 2, 3]));
    c.send({ type: 'auth', token: 42 });
    assert.equal((await c.closed).code, 1008);
    assert.equal(c.inbox.filter((m) => m.type === 'error').length, 4);
  });

  it('answers a client ping with pong', async () => {
    const c = await WsClient.open(`${h.ws}/v1/stream`, await h.token('alice'));
    await c.take((m) => m.type === 'ready');
    c.send({ type: 'ping' });
    await c.take((m) => m.type === 'pong');
    await c.close();
  });

  it('refuses upgrades of other paths with 404 and leaves plain HTTP alone', async () => {
    await assert.rejects(WsClient.open(`${h.ws}/v1/other`, await h.token('alice')), /HTTP 404/);
    await assert.rejects(WsClient.open(`${h.ws}/v1/stream/extra`, await h.token('alice')), /HTTP 404/);
    assert.equal(await (await fetch(`${h.http}/healthz`)).text(), 'ok');
  });

  it('answers a plain GET of /v1/stream with 426 problem+json', async () => {
    const res = await fetch(`${h.http}/v1/stream`);
    assert.equal(res.status, 426);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(((await res.json()) as { code: string }).code, 'stream.upgrade_required');
  });

  const upgradeTo = (path: string, method: string) =>
    new Promise<{ status: number; type: string | undefined; body: any }>((resolve, reject) => {
      const req = request(`${h.http}${path}`, { method, headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: JSON.parse(text) }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });

  it('refuses an upgrade with another method', async () => {
    const a = await upgradeTo('/v1/stream', 'POST');
    assert.equal(a.status, 405);
    assert.equal(a.type, 'application/problem+json');
    assert.deepEqual([a.body.status, a.body.code], [405, 'gateway.method_not_allowed']);
  });

  it('answers refused upgrades with problem+json like every other error', async () => {
    const a = await upgradeTo('/v1/elsewhere', 'GET');
    assert.equal(a.status, 404);
    assert.equal(a.type, 'application/problem+json');
    assert.deepEqual([a.body.status, a.body.code], [404, 'gateway.no_route']);
    // No Sec-WebSocket-Key or -Version: the ws library's own checks (found by the fuzzer, which got text/html).
    const b = await upgradeTo('/v1/stream', 'GET');
    assert.equal(b.status, 400);
    assert.equal(b.type, 'application/problem+json');
    assert.deepEqual([b.body.status, b.body.code], [400, 'stream.bad_handshake']);
    assert.match(b.body.detail, /Sec-WebSocket-Key/);
  });
});
