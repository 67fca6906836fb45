/**
 * The users service SIGKILLed under `hearth serve`: while it is down its routes answer 503
 * problem+json with Retry-After and the rest of the gateway keeps answering; once the
 * supervisor has restarted it, the same client with the same token carries on without
 * doing anything.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { call, getJson } from '../support/http.ts';
import { writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { multiProcessOnly } from '../support/one-process.ts';

describe('the users service killed under hearth serve', { timeout: 90_000, skip: multiProcessOnly("it SIGKILLs the users service's child") }, () => {
  it('gives 503 on its routes, keeps the rest up, and recovers by itself', async () => {
    // No plug-in services: the built-in users and gateway. A slow first restart leaves a window to look.
    const cfg = writeTestConfig('supervisor { restart_initial_ms: 12000 }', { builtIn: true });
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    try {
      const { http } = await bannerOf(h);
      assert.match(h.output(), /First run/);
      assert.equal((await call({ url: http }, 'POST', '/v1/auth/register', { body: { email: 'ann@example.home', password: 'a long passphrase', displayName: 'Ann' } })).status, 201);
      const login = await call({ url: http }, 'POST', '/v1/auth/login', { body: { email: 'ann@example.home', password: 'a long passphrase' } });
      const token = login.body.accessToken as string;
      assert.equal((await call({ url: http }, 'GET', '/v1/me', { token })).status, 200);

      const pid = (await getJson(`${http}/readyz`)).body.services.users.pid as number;
      process.kill(pid, 'SIGKILL');
      const down = await waitFor('a 503 from a users route', async () => {
        const r = await call({ url: http }, 'GET', '/v1/me', { token });
        return r.status === 503 ? r : undefined;
      }, 10_000);
      assert.equal(down.headers.get('content-type')?.startsWith('application/problem+json'), true);
      assert.ok(Number(down.headers.get('retry-after')) > 0);
      assert.equal((await call({ url: http }, 'GET', '/healthz')).status, 200);
      // The supervisor polls health every health_interval_ms (200 ms here), so /readyz follows shortly.
      const notReady = await waitFor('/readyz to report users down', async () => {
        const r = await getJson(`${http}/readyz`);
        return r.status === 503 ? r.body : undefined;
      }, 5000);
      assert.notEqual(notReady.services.users.status, 'ok');

      await waitFor('users to be restarted', async () => (await getJson(`${http}/readyz`)).status === 200, 30_000);
      // A client retries after Retry-After; right after the restart the gateway's breaker may
      // still be cooling down for a moment, so allow a few seconds.
      const me = await waitFor('/v1/me to work again with the same token', async () => {
        const r = await call({ url: http }, 'GET', '/v1/me', { token });
        return r.status === 200 ? r : undefined;
      }, 10_000);
      assert.equal(me.body.displayName, 'Ann');
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });
});
