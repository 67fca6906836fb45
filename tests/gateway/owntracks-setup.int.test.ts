/**
 * `POST /v1/me/owntracks/setup` through the real gateway and users service: the answer is
 * an OwnTracks configuration whose app password really signs a `POST /v1/owntracks`, a
 * link that decodes to it, an SVG QR code; it is not cached, and the password is in no log line.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { logSink } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('gateway: one-tap OwnTracks set-up', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('owntracks-setup');
  const log = logSink();
  let h: InProcessHearth;
  let ann: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { log });
    ann = await signUp(h, 'Ann');
    assert.equal((await call(h, 'PATCH', '/v1/me', { token: ann.token, body: { displayName: 'Ann Smith' } })).status, 200);
  });
  after(() => h?.stop());

  it('answers a configuration, its link and a QR code; the password signs a real OwnTracks post', async () => {
    const r = await call(h, 'POST', '/v1/me/owntracks/setup', { token: ann.token, body: {} });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const { configuration: c, link, qrSvg, appPassword } = r.body;
    assert.equal(c._type, 'configuration');
    assert.equal(c.mode, 3);
    assert.equal(c.url, 'https://hearth.test/v1/owntracks', 'public_url + /v1/owntracks');
    assert.equal(c.auth, true);
    assert.equal(c.username, ann.email);
    assert.equal(c.deviceId, 'ann-smith-phone');
    assert.equal(c.tid, 'AS');
    assert.equal(typeof c.password, 'string');
    assert.equal(appPassword.label, 'OwnTracks: ann-smith-phone');

    const inline = new URL(link).searchParams.get('inline')!;
    assert.ok(link.startsWith('owntracks:///config?inline='));
    assert.deepEqual(JSON.parse(Buffer.from(inline, 'base64').toString('utf8')), c);
    assert.match(qrSvg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* viewBox="0 0 \d+ \d+"/);

    const fix = { _type: 'location', lat: 51.5, lon: -0.12, acc: 10, tst: Math.floor(Date.now() / 1000), tid: c.tid };
    const posted = await call(h, 'POST', new URL(c.url).pathname, { basic: [c.username, c.password], body: fix, headers: { 'x-limit-u': c.username, 'x-limit-d': c.deviceId } });
    assert.equal(posted.status, 200, posted.text);

    const listed = await call(h, 'GET', '/v1/me/app-passwords', { token: ann.token });
    assert.deepEqual(listed.body.items.map((i: { label: string }) => i.label), ['OwnTracks: ann-smith-phone']);
    assert.ok(!listed.text.includes(c.password));
    const lines = JSON.stringify(log.lines);
    assert.ok(lines.length > 0 && !lines.includes(c.password), 'the password is never logged');
  });

  it('takes the device id asked for, and refuses a malformed one', async () => {
    const r = await call(h, 'POST', '/v1/me/owntracks/setup', { token: ann.token, body: { deviceId: 'ipad_2' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.configuration.deviceId, 'ipad_2');
    for (const deviceId of ['', 'my phone', 'x'.repeat(33), 12]) {
      assertProblem(await call(h, 'POST', '/v1/me/owntracks/setup', { token: ann.token, body: { deviceId } }), 400, 'gateway.invalid_request');
    }
    assertProblem(await call(h, 'POST', '/v1/me/owntracks/setup', { token: ann.token, body: { deviceId: 'a', extra: 1 } }), 400, 'gateway.invalid_request');
  });

  it('needs a session: an app password cannot mint another', async () => {
    const r = await call(h, 'POST', '/v1/me/owntracks/setup', { token: ann.token, body: { deviceId: 'first' } });
    const c = r.body.configuration;
    const refused = await call(h, 'POST', '/v1/me/owntracks/setup', { basic: [c.username, c.password], body: {} });
    assert.ok(refused.status === 401 || refused.status === 403, refused.text);
    assertProblem(await call(h, 'POST', '/v1/me/owntracks/setup', { body: {} }), 401);
  });
});
