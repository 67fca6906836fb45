/**
 * The family flow end to end under `hearth serve`, over the WebSocket stream: Ann creates
 * a group and invites Bo; Ann's stream shows Bo joining; Carol, in another group, sees
 * nothing of it; after Ann signs out her stream is closed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';

async function post(url: string, body: unknown, token?: string): Promise<any> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return r.json();
}

/** A WebSocket stream client collecting every message and the close code. */
function stream(http: string, token: string) {
  const ws = new WebSocket(`${http.replace('http', 'ws')}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
  const messages: any[] = [];
  let closed: number | undefined;
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  ws.on('close', (code) => (closed = code));
  return { ws, messages, closed: () => closed };
}

describe('the stream under hearth serve', { timeout: 90_000 }, () => {
  it('shows a group its new member, and nobody else', async () => {
    const cfg = writeTestConfig('', { builtIn: true });
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    try {
      const { http } = await bannerOf(h);
      const pw = 'a long passphrase';
      await post(`${http}/v1/auth/register`, { email: 'ann@example.home', password: pw, displayName: 'Ann' });
      const ann = (await post(`${http}/v1/auth/login`, { email: 'ann@example.home', password: pw })).accessToken;
      const family = (await post(`${http}/v1/groups`, { name: 'Family' }, ann)).id;
      const other = (await post(`${http}/v1/groups`, { name: 'Book club' }, ann)).id;
      const invite = (await post(`${http}/v1/groups/${other}/invites`, {}, ann)).code;
      await post(`${http}/v1/auth/register`, { email: 'carol@example.home', password: pw, displayName: 'Carol', invite });
      const carol = (await post(`${http}/v1/auth/login`, { email: 'carol@example.home', password: pw })).accessToken;

      const a = stream(http, ann);
      const c = stream(http, carol);
      await waitFor('both streams ready', async () => a.messages.some((m) => m.type === 'ready') && c.messages.some((m) => m.type === 'ready'), 10_000);
      const code = (await post(`${http}/v1/groups/${family}/invites`, {}, ann)).code;
      await post(`${http}/v1/auth/register`, { email: 'bo@example.home', password: pw, displayName: 'Bo', invite: code });

      const joined = await waitFor(
        "Bo's arrival on Ann's stream",
        async () => a.messages.find((m) => m.type === 'event' && m.event.type === 'group.member_joined' && m.event.data.displayName === 'Bo'),
        10_000,
      );
      assert.equal(joined.groupId, family);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(c.messages.some((m) => m.type === 'event' && m.groupId === family), false, 'Carol saw the other group');

      await post(`${http}/v1/auth/logout`, {}, ann);
      await waitFor("Ann's stream to close", async () => a.closed() !== undefined, 10_000);
      assert.equal(a.closed(), 4401);
      c.ws.close();
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });
});
