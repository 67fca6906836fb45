/**
 * ntfy forwarding through the running appliance, captured by a real local HTTP server:
 * each message carries `click` (the group's map in the web app at `public_url`), an SOS
 * an action button that opens it; a topic URL with `user:pass@` (or ntfy's `?auth=`) is
 * accepted and sent as an `Authorization` header, and the secret is never shown back —
 * not in the create or list answers, the delivery log, nor any log line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { logSink } from '../support/service.ts';
import { notifiedFamily, recorder, waitInbox, type Recorder } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('notifications: ntfy links and credentials', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-ntfy-links');
  const log = logSink();
  let h: InProcessHearth;
  let ntfy: Recorder;
  let ann: User;
  let bo: User;
  let cy: User;
  let group: string;
  const PASSWORD = 'p@ss:w0rd/é';
  const BASIC = `Basic ${Buffer.from(`bo:${PASSWORD}`).toString('base64')}`;
  const TOKEN = 'tk_cy_secret_token_0123';

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { log, forwarder: { tickMs: 50, backoff: { initialMs: 100, maxMs: 400 } } });
    ntfy = await recorder();
    ({ users: [ann, bo, cy], group } = await notifiedFamily(h, ['Ann', 'Bo', 'Cy']));
  });
  after(async () => {
    await h?.stop();
    await ntfy?.close();
  });

  it('takes a user and password out of the URL, sends them as Basic, and never shows them back', async () => {
    const given = ntfy.url.replace('http://', `http://bo:${encodeURIComponent(PASSWORD)}@`) + '/ntfy/family-bo';
    const made = await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'ntfy', url: given } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.target.url, `${ntfy.url}/ntfy/family-bo`);
    assert.equal(made.body.target.hasSecret, true);
    assert.equal(made.body.secret, null);
    // ntfy's ?auth= (base64url of an Authorization value) is taken out the same way.
    const auth = Buffer.from(`Bearer ${TOKEN}`).toString('base64url');
    const cyMade = await call(h, 'POST', '/v1/notifications/targets', { token: cy.token, body: { kind: 'ntfy', url: `${ntfy.url}/family-cy?auth=${auth}` } });
    assert.equal(cyMade.status, 201, cyMade.text);
    assert.equal(cyMade.body.target.url, `${ntfy.url}/family-cy`);
    assert.equal(cyMade.body.target.hasSecret, true);

    const listed = await call(h, 'GET', '/v1/notifications/targets', { token: bo.token });
    assert.deepEqual(listed.body.targets.map((t: { url: string }) => t.url), [`${ntfy.url}/ntfy/family-bo`]);
    for (const text of [made.text, cyMade.text, listed.text]) {
      for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), BASIC.slice(6), TOKEN, auth]) assert.ok(!text.includes(secret), `no ${secret} in ${text}`);
    }
  });

  it('refuses a token together with a user and password, and a URL that is not http(s)', async () => {
    const both = await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'ntfy', url: 'https://u:p@ntfy.example/t', token: 'tk_x' } });
    assertProblem(both, 400, 'notifications.ntfy_two_credentials');
    assert.ok(!both.text.includes('u:p@'));
    assertProblem(await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'ntfy', url: 'ftp://u:p@ntfy.example/t' } }), 400, 'gateway.invalid_request');
    // Webhooks still refuse credentials in the URL: they are signed with their secret instead.
    assertProblem(await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'webhook', url: 'https://u:p@hooks.example/x' } }), 400, 'gateway.invalid_request');
  });

  it('sends an SOS with a click to the group’s map and a button to open it, with the credentials', async () => {
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/sos`, { token: ann.token, body: { lat: 52.52, lon: 13.405 } })).status, 201);
    await waitInbox(h, bo, 1, (x) => x.type === 'sos_raised');
    const map = `https://hearth.test/map?group=${group}`;
    const atBo = await waitFor('the SOS at Bo’s topic', () => ntfy.received.find((r) => r.json?.topic === 'family-bo' && r.json?.title === 'SOS from Ann'));
    assert.equal(atBo.path, '/ntfy/');
    assert.equal(atBo.headers.authorization, BASIC);
    assert.equal(atBo.json.click, map);
    assert.deepEqual(atBo.json.actions, [{ action: 'view', label: 'Open the map', url: map }]);
    const atCy = await waitFor('the SOS at Cy’s topic', () => ntfy.received.find((r) => r.json?.topic === 'family-cy' && r.json?.title === 'SOS from Ann'));
    assert.equal(atCy.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(atCy.path, '/', 'the ?auth= is not sent on');

    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: ann.token })).status, 200);
    const cleared = await waitFor('the clearance at Bo’s topic', () => ntfy.received.find((r) => r.json?.topic === 'family-bo' && r.json?.title === 'Ann is safe'));
    assert.equal(cleared.json.click, map, 'every message of a group opens its map');
    assert.equal(cleared.json.actions, undefined, 'only an SOS has the button');
  });

  it('keeps the secrets out of the delivery log and every log line', async () => {
    const [target] = (await call(h, 'GET', '/v1/notifications/targets', { token: bo.token })).body.targets;
    const test = await call(h, 'POST', `/v1/notifications/targets/${target.id}/test`, { token: bo.token });
    assert.equal(test.status, 202, test.text);
    const logged = await waitFor('the test delivered', async () => {
      const r = await call(h, 'GET', `/v1/notifications/targets/${target.id}/deliveries`, { token: bo.token });
      return r.body.attempts?.length >= 3 ? r : undefined;
    });
    const lines = JSON.stringify(log.lines);
    for (const text of [logged.text, lines]) {
      for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), BASIC.slice(6), TOKEN]) assert.ok(!text.includes(secret), `no ${secret}`);
    }
    const atTest = ntfy.received.find((r) => r.json?.topic === 'family-bo' && r.json?.click === 'https://hearth.test/alerts');
    assert.ok(atTest, 'a message of no group opens the alerts');
  });
});
