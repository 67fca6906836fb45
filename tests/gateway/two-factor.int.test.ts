/**
 * Two-factor sign-in (TOTP) through the HTTP API, against the real gateway and users
 * service: enrolling (a secret shown once as text, URI and QR code), confirming with a
 * first code (ten recovery codes shown once), signing in with a good, a re-used, a wrong
 * and an old code and with a recovery code (once), two sign-ins racing with one code, app passwords needing none, turning it
 * off, bad input — and the secret in no event, no gateway row and no log line.
 */
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { logSink } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { assertProblem, call } from '../support/http.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { sql } from '../support/database.ts';

/** The code an authenticator app shows `offsetS` seconds from now. */
const codeOf = (secret: string, offsetS = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offsetS * 1000 });

describe('gateway: two-factor sign-in (TOTP)', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-2fa');
  const log = logSink();
  let h: InProcessHearth;
  let ann: User;
  let secret: string;
  let recovery: string[];

  const login = (u: User, extra: Record<string, unknown> = {}) => call(h, 'POST', '/v1/auth/login', { body: { email: u.email, password: u.password, ...extra } });

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { log, sameFiles: true });
    ann = await signUp(h, 'Ann');
  });
  after(() => h?.stop());

  it('enrols: a secret shown once as text, otpauth:// URI and SVG QR code; nothing changes until a first code confirms it', async () => {
    assert.deepEqual((await call(h, 'GET', '/v1/me/two-factor', { token: ann.token })).body, { enabled: false, pending: false, enabledAt: null, recoveryCodesLeft: 0 });
    const first = await call(h, 'POST', '/v1/me/two-factor', { token: ann.token });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    // Asked again before confirming: a new secret replaces the first.
    const started = await call(h, 'POST', '/v1/me/two-factor', { token: ann.token });
    assert.equal(started.status, 201, started.text);
    secret = started.body.secret;
    assert.notEqual(secret, first.body.secret);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const uri = new URL(started.body.uri);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('issuer'), 'Hearth');
    assert.match(decodeURIComponent(uri.pathname), new RegExp(`Hearth:${ann.email}`));
    assert.match(started.body.qrSvg, /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.deepEqual((await call(h, 'GET', '/v1/me/two-factor', { token: ann.token })).body, { enabled: false, pending: true, enabledAt: null, recoveryCodesLeft: 0 });
    assert.equal((await login(ann)).status, 200, 'pending enrolment: the password alone still signs in');

    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: codeOf(first.body.secret) } }), 403, 'users.wrong_code');
    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: '000000' === codeOf(secret) ? '111111' : '000000' } }), 403, 'users.wrong_code');
    const confirmed = await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: codeOf(secret) } });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(confirmed.headers.get('cache-control'), 'no-store');
    recovery = confirmed.body.recoveryCodes;
    assert.equal(recovery.length, 10);
    assert.equal(new Set(recovery).size, 10);
    for (const c of recovery) assert.match(c, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const status = (await call(h, 'GET', '/v1/me/two-factor', { token: ann.token })).body;
    assert.equal(status.enabled, true);
    assert.equal(status.recoveryCodesLeft, 10);
    assertProblem(await call(h, 'POST', '/v1/me/two-factor', { token: ann.token }), 409, 'users.two_factor_enabled');
    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: codeOf(secret) } }), 409, 'users.two_factor_enabled');
  });

  it('signs in only with a code: users.code_required without one, users.bad_code for a wrong, re-used or old one', async () => {
    assertProblem(await login(ann), 401, 'users.code_required');
    assertProblem(await login(ann, { code: '' }), 401, 'users.code_required');
    // A wrong password is still bad_credentials: the code is asked about only once the password is right.
    assertProblem(await call(h, 'POST', '/v1/auth/login', { body: { email: ann.email, password: 'not the password at all', code: codeOf(secret) } }), 401, 'users.bad_credentials');
    // The confirming code was for this step: it cannot be used again, nor can an older one.
    assertProblem(await login(ann, { code: codeOf(secret) }), 401, 'users.bad_code');
    assertProblem(await login(ann, { code: codeOf(secret, -90) }), 401, 'users.bad_code');
    assertProblem(await login(ann, { code: '12345' }), 401, 'users.bad_code');
    // The next step's code (a phone clock 30 s ahead) is accepted, once.
    const next = codeOf(secret, 30);
    const ok = await login(ann, { code: ` ${next.slice(0, 3)} ${next.slice(3)} ` });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.body.accessToken);
    assert.equal((await call(h, 'GET', '/v1/me', { token: ok.body.accessToken })).status, 200);
    assertProblem(await login(ann, { code: next }), 401, 'users.bad_code');
  });

  it('takes a recovery code (any case, with or without its dash) once', async () => {
    const code = recovery[0]!;
    const ok = await login(ann, { code: code.toUpperCase().replace('-', '') });
    assert.equal(ok.status, 200, ok.text);
    assertProblem(await login(ann, { code }), 401, 'users.bad_code');
    assertProblem(await login(ann, { code: 'aaaaa-aaaaa' }), 401, 'users.bad_code');
    assert.equal((await call(h, 'GET', '/v1/me/two-factor', { token: ann.token })).body.recoveryCodesLeft, 9);
  });

  it('lets app passwords (devices) in without a code', async () => {
    const created = await call(h, 'POST', '/v1/me/app-passwords', { token: ann.token, body: { label: 'phone' } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await call(h, 'GET', '/v1/me', { basic: [ann.email, created.body.password] })).status, 200);
  });

  it('refuses bad input with a problem, not a crash', async () => {
    assertProblem(await login(ann, { code: 'x'.repeat(65) }), 400);
    assertProblem(await login(ann, { code: 123456 }), 400);
    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: {} }), 400);
    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: '   ' } }), 400);
    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: '123456', extra: 1 } }), 400);
    assertProblem(await call(h, 'DELETE', '/v1/me/two-factor', { token: ann.token, body: {} }), 400, 'users.code_or_password');
    assertProblem(await call(h, 'DELETE', '/v1/me/two-factor', { token: ann.token, body: { code: 42 } }), 400);
    assertProblem(await call(h, 'GET', '/v1/me/two-factor'), 401);
    assertProblem(await call(h, 'POST', '/v1/me/two-factor'), 401);
    const bo = await signUp(h, 'Bo');
    assertProblem(await call(h, 'POST', '/v1/me/two-factor/confirm', { token: bo.token, body: { code: '123456' } }), 409, 'users.two_factor_not_pending');
    assertProblem(await call(h, 'DELETE', '/v1/me/two-factor', { token: bo.token, body: { password: bo.password } }), 404, 'users.two_factor_not_enabled');
  });

  it('keeps the secret out of every event, the gateway database and the log', async () => {
    const events = await sql(join(dir, 'users.db'), 'SELECT * FROM kit_events');
    assert.ok(events.length > 0);
    const eventBytes = Buffer.concat(events.flatMap((r) => Object.values(r).map((x) => (x instanceof ArrayBuffer ? Buffer.from(x) : Buffer.from(String(x))))));
    assert.equal(eventBytes.includes(secret), false, 'an event carries the secret');
    for (const f of ['gateway.db', 'gateway.db-wal']) if (existsSync(join(dir, f))) assert.equal(readFileSync(join(dir, f)).includes(secret), false, `${f} holds the secret`);
    const logText = JSON.stringify(log.lines);
    assert.equal(logText.includes(secret), false, 'a log line carries the secret');
    for (const c of recovery) assert.equal(logText.includes(c), false, 'a log line carries a recovery code');
    assert.ok(log.lines.some((l) => String(l.msg).includes('two-factor sign-in turned on')), 'the change is logged (without the secret)');
  });

  it('turns off with a code or the password (a wrong one refused), and the password alone signs in again', async () => {
    assertProblem(await call(h, 'DELETE', '/v1/me/two-factor', { token: ann.token, body: { password: 'not the password at all' } }), 403, 'users.wrong_password');
    assertProblem(await call(h, 'DELETE', '/v1/me/two-factor', { token: ann.token, body: { code: codeOf(secret, -90) } }), 403, 'users.wrong_code');
    assert.equal((await call(h, 'GET', '/v1/me/two-factor', { token: ann.token })).body.enabled, true);
    const off = await call(h, 'DELETE', '/v1/me/two-factor', { token: ann.token, body: { code: recovery[1] } });
    assert.equal(off.status, 204, off.text);
    assert.deepEqual((await call(h, 'GET', '/v1/me/two-factor', { token: ann.token })).body, { enabled: false, pending: false, enabledAt: null, recoveryCodesLeft: 0 });
    assert.equal((await login(ann)).status, 200);

    // On again, then off with the password.
    const again = await call(h, 'POST', '/v1/me/two-factor', { token: ann.token });
    assert.equal((await call(h, 'POST', '/v1/me/two-factor/confirm', { token: ann.token, body: { code: codeOf(again.body.secret) } })).status, 200);
    assertProblem(await login(ann), 401, 'users.code_required');
    assertProblem(await login(ann, { code: recovery[2] }), 401, 'users.bad_code'); // the old recovery codes died with the old secret
    // Two sign-ins racing with the same fresh code: one gets in, the other is refused.
    const fresh = codeOf(again.body.secret, 30);
    const raced = await Promise.all([login(ann, { code: fresh }), login(ann, { code: fresh })]);
    assert.deepEqual(raced.map((r) => r.status).sort(), [200, 401], raced.map((r) => r.text).join('\n'));
    assert.equal((await call(h, 'DELETE', '/v1/me/two-factor', { token: ann.token, body: { password: ann.password } })).status, 204);
    assert.equal((await login(ann)).status, 200);
  });
});
