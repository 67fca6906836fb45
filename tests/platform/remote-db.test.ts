/**
 * `hearth serve` with service databases that cannot be opened (#15): chat's `db.url` is a
 * port that accepts connections and never answers (it used to wait there for ever, "down"
 * with no reason), location's `db.sync_url` is a closed port (it used to crash-loop,
 * logging the error at every restart), notifications' `db.url` is a `file:` URL in a
 * directory that does not exist yet. Each service runs only to say why: /readyz, the
 * banner and the log name it, its URL without credentials and what to check, within the
 * connect bound; nothing restarts, no secret is printed, the other services serve, and a
 * service starts on its own once its database can be opened (the directory is made).
 * Real endpoints made here; no libSQL server exists on this machine (docs/operations.md).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signUp } from '../support/accounts.ts';
import { OPEN_API, writeTestConfig } from '../support/config.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { call, getJson } from '../support/http.ts';
import { freePort } from '../support/net.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

const TOKEN = 'tok-must-never-be-printed-5d1e';

describe('service databases that cannot be opened under hearth serve', { timeout: 150_000 }, () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let h: HearthProcess;
  let http: string;
  const later = join(useTempDir('remote-db'), 'later');

  before(async () => {
    // Accepts, reads, never writes: the hang case.
    silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as { port: number }).port;
    const closedPort = await freePort();
    const cfg = writeTestConfig(`${OPEN_API}
services {
  chat { db { url: "http://127.0.0.1:${silentPort}", auth_token: "${TOKEN}" } }
  location { db { sync_url: "http://127.0.0.1:${closedPort}", auth_token: "${TOKEN}" } }
  notifications { db { url: "file:${join(later, 'notifications.db')}" } }
}
supervisor { restart_max_ms: 1000 }`, { builtIn: true });
    h = spawnHearth('node', ['serve', '--config', cfg.file]);
    http = (await bannerOf(h, 90_000)).http;
  });

  after(async () => {
    await h?.stop('SIGKILL');
    for (const s of sockets) s.destroy();
    silent?.close();
  });

  it('says why in /readyz, the banner and the log, names the URL without secrets, and keeps the rest serving', async () => {
    const ready = await getJson(`${http}/readyz`);
    assert.equal(ready.status, 503);
    const expect = {
      chat: [/^The chat service cannot open its database http:\/\/127\.0\.0\.1:\d+: no answer within 10 s\./, /check the port/],
      location: [/^The location service cannot open its database: the primary http:\/\/127\.0\.0\.1:\d+ of its replica: connection refused\./, /services\.location\.db\.sync_url/],
      notifications: [/cannot open its database file:.*later\/notifications\.db: cannot open or create the file\./, /directory exists/],
    } as const;
    for (const [service, res] of Object.entries(expect)) {
      const entry = ready.body.services[service];
      assert.equal(entry.status, 'degraded', `${service}: ${JSON.stringify(entry)}`);
      assert.equal(entry.code, 'storage.unavailable', service);
      for (const re of res) assert.match(entry.reason, re, service);
    }
    for (const s of ['users', 'gateway']) assert.equal(ready.body.services[s].status, 'ok', s);
    const [title] = await h.waitForOutput(/Hearth is running, but not every service is ready:[^]*?readyz/);
    for (const s of ['chat', 'location', 'notifications']) assert.match(title!, new RegExp(`${s}: The ${s} service cannot open its database`), title);

    // The rest serves; the broken service answers at once, in words for a caller.
    const ann = await signUp({ url: http }, 'Ann');
    assert.equal((await call({ url: http }, 'GET', '/v1/me', { token: ann.token })).status, 200);
    const group = (await call({ url: http }, 'POST', '/v1/groups', { token: ann.token, body: { name: 'Family' } })).body.id as string;
    const history = await call({ url: http }, 'GET', `/v1/groups/${group}/messages`, { token: ann.token });
    assert.equal(history.status, 503);
    assert.ok(['storage.unavailable', 'kit.circuit_open'].includes(history.body.code), history.body.code);

    // Nothing restarts, and the log says each reason once, not at every attempt.
    const pids = ready.body.services.chat.pid;
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await getJson(`${http}/readyz`)).body.services.chat.pid, pids);
    const out = h.output();
    assert.doesNotMatch(out, /service exited; restarting/);
    assert.equal(out.match(/"msg":"cannot open the database: this service only says why until it can".*"service":"location"|"service":"location".*"msg":"cannot open the database: this service only says why until it can"/g)?.length, 1, 'location says it once');
    assert.ok(!out.includes(TOKEN), 'the token is never printed');
    assert.doesNotMatch(out, /tower_http|\x1b\[/, "libSQL's native tracing stays out of the JSON log");
  });

  it('starts a service on its own once its database can be opened', async () => {
    mkdirSync(later, { recursive: true });
    await waitFor('notifications to start', async () => (await getJson(`${http}/readyz`)).body.services.notifications.status === 'ok', 30_000);
    await h.waitForOutput(/"service":"notifications".*the database opens now; the service started/);
    assert.equal((await getJson(`${http}/readyz`)).body.services.chat.status, 'degraded', 'the others still say why');
    assert.equal(await h.stop('SIGTERM'), 0);
  });
});
