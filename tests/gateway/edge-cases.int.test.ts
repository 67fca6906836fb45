/**
 * Two smaller findings of the hardening review, against the real gateway and users service:
 * an avatar's bytes must be the image its data URL declares (SVG bytes labelled
 * `image/png` are a 400 problem, nothing stored), and a client that hangs up halfway
 * through sending a body is not an `error` in the log (it is logged at debug, and the
 * gateway goes on serving).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { logSink } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { assertProblem, call } from '../support/http.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';

const b64 = (x: string | number[]) => Buffer.from(x as never).toString('base64');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/v1/me")</script></svg>';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('gateway: avatars and aborted bodies', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-edge');
  const log = logSink();
  let h: InProcessHearth;
  let ann: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { gatewayLog: log });
    ann = await signUp(h, 'Ann');
  });
  after(() => h?.stop());

  const AVATARS: [string, string][] = [
    ['SVG bytes labelled image/png', `data:image/png;base64,${b64(SVG)}`],
    ['SVG bytes labelled image/webp', `data:image/webp;base64,${b64(SVG)}`],
    ['an HTML page labelled image/jpeg', `data:image/jpeg;base64,${b64('<!doctype html><script>alert(1)</script>')}`],
    ['PNG bytes labelled image/jpeg', PNG.replace('image/png', 'image/jpeg')],
  ];
  for (const [name, avatar] of AVATARS) {
    it(`refuses ${name} with 400 users.avatar_mismatch and keeps the old avatar`, async () => {
      const res = await call(h, 'PATCH', '/v1/me', { token: ann.token, body: { avatar } });
      assertProblem(res, 400, 'users.avatar_mismatch');
      assert.deepEqual(res.body.errors, [{ path: 'avatar', message: res.body.errors[0].message }]);
      assert.match(res.body.errors[0].message, /not a (PNG|JPEG|WEBP) image/);
      assert.equal((await call(h, 'GET', '/v1/me', { token: ann.token })).body.avatar, null);
    });
  }

  it('takes a real PNG, and null removes it', async () => {
    assert.equal((await call(h, 'PATCH', '/v1/me', { token: ann.token, body: { avatar: PNG } })).body.avatar, PNG);
    assert.equal((await call(h, 'PATCH', '/v1/me', { token: ann.token, body: { avatar: null } })).body.avatar, null);
  });

  it('logs a client that aborts mid-body at debug, not as an internal error, and goes on serving', async () => {
    const { hostname, port } = new URL(h.url);
    const before = log.lines.length;
    for (const path of ['/v1/auth/login', '/v1/groups']) {
      const socket = connect(Number(port), hostname);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${ann.token}\r\nContent-Length: 5000\r\n\r\n{"email":"ann@example.com","pass`,
      );
      await new Promise((r) => setTimeout(r, 100)); // the gateway is now reading the body
      socket.destroy();
    }
    const aborted = await waitFor('two debug lines about the aborted bodies', () => {
      const lines = log.lines.slice(before).filter((l) => l.code === 'gateway.client_aborted');
      return lines.length >= 2 && lines;
    });
    assert.ok(aborted.every((l) => l.level === 'debug'), JSON.stringify(aborted));
    const loud = log.lines.slice(before).filter((l) => l.level === 'error' || l.level === 'warn');
    assert.deepEqual(loud, [], 'nothing at warn or error');
    assert.equal((await call(h, 'GET', '/v1/me', { token: ann.token })).status, 200);
  });
});
